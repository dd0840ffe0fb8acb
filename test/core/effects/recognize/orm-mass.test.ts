// Framework runners and shells that delete or rewrite whole tables through the ORM (issue 12, round 2):
// any unfiltered (or trivially filtered) relation, in Rails, Django, Laravel and Ecto, with the
// runner's own environment flags.
import { describe, expect, it } from 'vitest';
import { codeDestroys } from '../../../../src/core/effects/recognize/orm.ts';
import { type Case, tagsOf } from './_cases.ts';

const RESET = ['db.reset'];
const PROD = ['db.production', 'db.reset'];
const TEST = ['db.reset', 'db.test'];
const NONE: string[] = [];

const CODE: ReadonlyArray<readonly [string, boolean]> = [
  // ActiveRecord
  ['User.delete_all', true],
  ['User.where(nil).delete_all', true],
  ['User.where({}).destroy_all', true],
  ["User.where('1=1').delete_all", true],
  ['User.where("true").update_all(admin: true)', true],
  ['Account.unscoped.in_batches.delete_all', true],
  ['Order.all.each(&:destroy)', true],
  ['Order.find_each(&:destroy!)', true],
  ['Billing::Invoice.order(:id).update_all(paid: false)', true],
  ["ActiveRecord::Base.connection.truncate('users')", true],
  ['User.where(id: 3).delete_all', false],
  ['User.where(active: false).destroy_all', false],
  ['User.where(nil).count', false],
  ['User.find(3).destroy', false],
  ['puts User.all.size', false],
  // Django
  ['Order.objects.all().delete()', true],
  ['Order.objects.filter().delete()', true],
  ['Order.objects.filter(**{}).delete()', true],
  ['Order.objects.filter(pk__isnull=False).delete()', true],
  ['Order.objects.all().update(status="void")', true],
  ['Order.objects.update(status="void")', true],
  ['Order._base_manager.all().delete()', true],
  ['Order.objects.filter(id=7).delete()', false],
  ['Order.objects.filter(created__lt=cutoff).update(archived=True)', false],
  ['print(Order.objects.all().count())', false],
  ['Order.objects.update_or_create(id=1, defaults={})', false],
  // Eloquent
  ['User::query()->delete();', true],
  ['User::truncate();', true],
  ['App\\Models\\User::withTrashed()->forceDelete();', true],
  ['User::all()->each->delete();', true],
  ["DB::table('users')->delete();", true],
  ["User::whereRaw('1=1')->delete();", true],
  ["User::query()->update(['active' => false]);", true],
  ["User::where('id', 5)->delete();", false],
  ['User::find(5)->delete();', false],
  ['echo User::count();', false],
  ['$user->delete();', false],
  // Ecto
  ['MyApp.Repo.delete_all(MyApp.Accounts.User)', true],
  ['Repo.update_all(User, set: [active: false])', true],
  ['Repo.delete_all(from u in User)', true],
  ['User |> MyApp.Repo.delete_all()', true],
  ['Repo.delete_all(from u in User, where: u.id == 1)', false],
  ['Repo.all(User) |> IO.inspect', false],
  ['Repo.delete_all(Ecto.assoc(post, :comments))', false],
  // SQL in a literal
  ['ActiveRecord::Base.connection.execute("TRUNCATE orders")', true],
  ['ActiveRecord::Base.connection.execute("SELECT 1")', false],
];

describe('codeDestroys: mass deletes and updates through the ORM', () => {
  it.each(CODE)('%s -> %s', (code, want) => {
    expect(codeDestroys(code)).toBe(want);
  });
});

const RUNNERS: Case[] = [
  ["bin/rails runner -e production 'User.where(nil).delete_all'", PROD],
  ["rails runner --environment=production 'Post.unscoped.destroy_all'", PROD],
  ["rails runner 'Post.unscoped.destroy_all' RAILS_ENV=production", PROD],
  ["rails r -e test 'Post.delete_all'", TEST],
  ["rails runner 'Post.where(id: 1).delete_all'", NONE],
  ["rails runner -e production 'puts Post.count'", NONE],
  ['python manage.py shell -c "Order.objects.filter().delete()"', RESET],
  [
    'python manage.py shell --settings=shop.settings.production -c "Order.objects.all().update(paid=False)"',
    PROD,
  ],
  ['python manage.py shell -c "Order.objects.filter(pk=1).delete()"', NONE],
  ['php artisan tinker --execute="User::query()->delete()"', RESET],
  ['php artisan tinker --env=production --execute="Order::truncate()"', PROD],
  ['php artisan tinker --execute="User::where(\'id\', 1)->delete()"', NONE],
  ["mix run -e 'MyApp.Repo.delete_all(MyApp.User)'", RESET],
  ["mix run -e 'Repo.update_all(User, set: [admin: true])'", RESET],
  ["mix run -e 'IO.inspect(Repo.aggregate(User, :count))'", NONE],
];

describe('framework runners with mass ORM writes', () => {
  it.each(RUNNERS)('%s', (line, want) => {
    expect(tagsOf(line)).toEqual(want);
  });
});
