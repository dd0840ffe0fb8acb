// ORM and migration-tool resets (orm.ts), production names (sql.ts) and SQL carried by MCP tools
// (mcp-sql.ts): issue 12, class 6.
import { describe, expect, it } from 'vitest';
import { judgeMcpSql } from '../../../../src/core/effects/mcp-sql.ts';
import { recognizeInfra } from '../../../../src/core/effects/recognize/index.ts';
import { namesProduction, namesTest, sqlReadOnly } from '../../../../src/core/effects/recognize/sql.ts';
import { mcpEffect } from '../../../../src/core/effects/tools.ts';
import { type Case, tagsOf, words } from './_cases.ts';

const RESET = ['db.reset'];
const PROD = ['db.production', 'db.reset'];
const REMOTE = ['db.remote', 'db.reset'];
const TEST = ['db.reset', 'db.test'];
const NONE: string[] = [];

const RESETS: Case[] = [
  // Prisma
  ['prisma migrate reset --force', RESET],
  ['prisma migrate reset --force --url postgresql://u@prod-db.internal/app', PROD],
  ['prisma db push --force-reset', RESET],
  ['prisma db push --accept-data-loss', RESET],
  ['prisma db push', NONE],
  ['prisma migrate dev --name x', NONE],
  ['prisma db execute --file ./x.sql', RESET],
  ['prisma generate', NONE],
  // Rails and rake
  ['rails db:drop', RESET],
  ['rails db:drop:all', RESET],
  ['rails db:schema:load:primary', RESET],
  ['rake db:migrate:reset', RESET],
  ['rails db:seed:replant', RESET],
  ['rails db:reset RAILS_ENV=production', PROD],
  ['rails db:reset -e production', PROD],
  ['rails db:reset --environment=staging', RESET],
  ['rails db:reset RAILS_ENV=test', TEST],
  ['rails db:migrate VERSION=0', RESET],
  ['rails db:migrate VERSION=20240101', NONE],
  ['rails db:migrate', NONE],
  ['rails db:prepare', NONE],
  ['rails db:test:prepare', NONE],
  ['rails runner User.destroy_all', RESET],
  ['rails runner "User.where(id: 1).destroy_all"', NONE],
  ['bundle exec rails db:drop', RESET],
  ['bundle exec rake db:migrate', NONE],
  // Django
  ['manage.py flush --noinput', RESET],
  ['python manage.py flush --settings=app.settings.production', PROD],
  ['python3 -u manage.py flush --settings app.settings.test', TEST],
  ['python -m django flush', RESET],
  ['django-admin reset_db', RESET],
  ['python manage.py migrate shop zero', RESET],
  ['python manage.py migrate shop zero --fake', NONE],
  ['python manage.py migrate', NONE],
  ['python manage.py sqlflush', NONE],
  ['python manage.py dbshell -- -c "DROP TABLE x"', RESET],
  ['python manage.py dbshell -- -c "SELECT 1"', NONE],
  ['python manage.py shell -c "Order.objects.all().delete()"', RESET],
  ['python manage.py shell -c "Order.objects.filter(id=1).delete()"', NONE],
  ['poetry run python manage.py flush', RESET],
  ['uv run --with django manage.py flush', RESET],
  ['python script.py flush', NONE],
  // Alembic, flask
  ['alembic downgrade base', RESET],
  ['alembic -c prod.ini downgrade base', PROD],
  ['alembic downgrade base --sql', NONE],
  ['alembic downgrade -1', NONE],
  ['flask db downgrade base', RESET],
  ['flask db downgrade', NONE],
  ['flask --app shop reset-db', RESET],
  ['flask --app shop run', NONE],
  // Node tools
  ['knex migrate:rollback --all', RESET],
  ['knex migrate:rollback --all --env production', PROD],
  ['knex migrate:rollback', NONE],
  ['sequelize-cli db:drop', RESET],
  ['sequelize db:migrate:undo:all --env prod', PROD],
  ['sequelize db:migrate:undo --to 0', RESET],
  ['sequelize db:migrate:undo', NONE],
  ['typeorm schema:drop -d dist/ds.js', RESET],
  ['typeorm query "TRUNCATE users"', RESET],
  ['typeorm query "SELECT 1"', NONE],
  ['drizzle-kit push --force', RESET],
  ['drizzle-kit push', NONE],
  ['npx prisma migrate reset', RESET],
  ['pnpm exec prisma migrate reset', RESET],
  ['pnpm prisma migrate reset', RESET],
  ['pnpm install prisma', NONE],
  ['yarn dlx prisma migrate reset', RESET],
  ['npm exec -- knex migrate:rollback --all', RESET],
  // Elixir, PHP, .NET
  ['mix ecto.drop', RESET],
  ['mix do ecto.drop, ecto.create', RESET],
  ['mix ecto.rollback --all', RESET],
  ['mix ecto.rollback', NONE],
  ['php artisan migrate:fresh', RESET],
  ['php artisan migrate:fresh --env=production', PROD],
  ['php artisan migrate:fresh --env=testing', TEST],
  ['php artisan migrate', NONE],
  ['php artisan tinker --execute=User::truncate()', RESET],
  ['php bin/console doctrine:schema:drop --force', RESET],
  ['php bin/console doctrine:fixtures:load --append', NONE],
  ['php script.php migrate:fresh', NONE],
  ['dotnet ef database drop -f', RESET],
  ['dotnet ef database update 0', RESET],
  ['dotnet ef database update', NONE],
  ['dotnet ef database drop -- --environment Production', PROD],
  // Go and JVM tools
  ['goose reset', RESET],
  ['goose postgres "postgres://u@db.example.com/app" reset', REMOTE],
  ['goose postgres "host=localhost dbname=app" down-to 0', RESET],
  ['goose up', NONE],
  ['dbmate drop', RESET],
  ['dbmate -e PROD_DATABASE_URL drop', PROD],
  ['dbmate --url postgres://u@localhost/app_test drop', TEST],
  ['flyway clean', RESET],
  ['flyway -url=jdbc:postgresql://db.example.com/app clean', REMOTE],
  ['flyway migrate', NONE],
  ['liquibase dropAll', RESET],
  ['liquibase drop-all --url=jdbc:mysql://localhost/app', RESET],
  ['liquibase update', NONE],
  // Runners that reach a deployed app or a container
  ['heroku run rails db:reset -a shop', REMOTE],
  ['heroku run "rails db:reset" -a shop', REMOTE],
  ['railway run npx prisma migrate reset', REMOTE],
  ['fly ssh console -C "bin/rails db:reset"', REMOTE],
  ['kubectl exec -n production api-0 -- python manage.py flush', PROD],
  ['docker compose exec web bin/rails db:drop', RESET],
  ['docker run --rm -e RAILS_ENV=production img rails db:drop', PROD],
  ['env RAILS_ENV=production rails db:drop', PROD],
  ['cross-env NODE_ENV=test knex migrate:rollback --all', TEST],
  ['dotenv -e .env.production -- prisma migrate reset', PROD],
];

describe('ORM and migration-tool resets', () => {
  it.each(RESETS)('%s', (line, expected) => {
    const tags = tagsOf(line).filter((t) => t.startsWith('db.') && t !== 'db.local' && t !== 'db.destroy');
    expect(tags).toEqual([...expected].sort());
  });

  it('reads the environment a command runs with', () => {
    const env = (k: string, v: string) => ({ env: new Map([[k, v]]) });
    expect(recognizeInfra('prisma', ['migrate', 'reset'], env('NODE_ENV', 'production'))).toContain(
      'db.production',
    );
    expect(recognizeInfra('rails', ['db:drop'], env('RAILS_ENV', 'test'))).toContain('db.test');
    expect(recognizeInfra('mix', ['ecto.reset'], env('MIX_ENV', 'prod'))).toContain('db.production');
    expect(
      recognizeInfra('prisma', ['migrate', 'reset'], env('DATABASE_URL', 'postgres://u@10.0.0.5/app')),
    ).toContain('db.remote');
    // A variable that picks nothing is not read, and a run-time value is unknown.
    expect(recognizeInfra('rails', ['db:drop'], env('GREETING', 'production'))).toEqual(['db.reset']);
    expect(recognizeInfra('rails', ['db:drop'], { env: new Map([['RAILS_ENV', null]]) })).toEqual([
      'db.reset',
    ]);
  });

  it('judges SQL on stdin of the framework database shells', () => {
    const stdin = (text: string) => ({ stdin: { kind: 'text', text } });
    expect(recognizeInfra('rails', ['dbconsole'], stdin('DROP TABLE users'))).toEqual(['db.reset']);
    expect(recognizeInfra('rails', ['dbconsole'], stdin('SELECT 1'))).toEqual([]);
    expect(recognizeInfra('rails', ['dbconsole'])).toEqual([]);
    expect(recognizeInfra('python', ['manage.py', 'dbshell'], { stdin: { kind: 'unknown' } })).toEqual([
      'db.reset',
    ]);
    expect(recognizeInfra('prisma', ['db', 'execute', '--stdin'], stdin('TRUNCATE t'))).toEqual(['db.reset']);
    expect(recognizeInfra('prisma', ['db', 'execute', '--stdin'], stdin('INSERT INTO t VALUES (1)'))).toEqual(
      [],
    );
  });

  it('reads package scripts with the arguments appended to them', () => {
    const pkg = JSON.stringify({
      scripts: { typeorm: 'typeorm-ts-node-commonjs', reset: 'NODE_ENV=production prisma migrate reset' },
    });
    const read = (p: string) => (p === 'package.json' ? pkg : undefined);
    expect(recognizeInfra('npm', words('run typeorm -- schema:drop -d ds.ts'), { read })).toEqual([
      'db.reset',
    ]);
    expect(recognizeInfra('npm', words('run typeorm -- migration:run'), { read })).toEqual([]);
    expect(recognizeInfra('yarn', ['reset'], { read }).sort()).toEqual(['db.production', 'db.reset']);
  });
});

const PROD_NAMES: (readonly [string, boolean])[] = [
  ['prod', true],
  ['app_production', true],
  ['APP_PROD', true],
  ['ordersProd', true],
  ['prod-db.internal', true],
  ['postgres://u@localhost/shop_prod', true],
  ['config.settings.production', true],
  ['prod1', true],
  ['products', false],
  ['reproduction_case', false],
  ['productivity', false],
  ['app_dev', false],
  ['', false],
];

const TEST_NAMES: (readonly [string, boolean])[] = [
  ['test', true],
  ['myapp_test', true],
  ['.env.test', true],
  ['settings.testing', true],
  ['latest', false],
  ['contest_db', false],
  ['attestation', false],
];

describe('database names', () => {
  it.each(PROD_NAMES)('production: %s -> %s', (s, want) => expect(namesProduction(s)).toBe(want));
  it.each(TEST_NAMES)('test: %s -> %s', (s, want) => expect(namesTest(s)).toBe(want));
});

const CLIENTS: Case[] = [
  ["psql prod_db -c 'DELETE FROM users'", ['db.destroy', 'db.local', 'db.production']],
  [
    "psql -d app_production -c 'UPDATE t SET x = 1 WHERE id = 2'",
    ['db.local', 'db.production', 'infra.change'],
  ],
  ["psql -d app_production -c 'SELECT 1'", ['db.local', 'db.production', 'infra.read']],
  ["psql -d app_dev -c 'DELETE FROM users'", ['db.destroy', 'db.local']],
  ["mysql orders_prod -e 'DELETE FROM orders'", ['db.destroy', 'db.local', 'db.production']],
  ["mysql --database=crm-production -e 'TRUNCATE t'", ['db.destroy', 'db.local', 'db.production']],
  ["sqlite3 prod.sqlite3 'DROP TABLE t'", ['db.destroy', 'db.local', 'db.production']],
  ["sqlite3 products.db 'DROP TABLE t'", ['db.destroy', 'db.local']],
  ['dropdb app_production', ['db.destroy', 'db.local', 'db.production']],
];

describe('SQL clients on databases named production', () => {
  it.each(CLIENTS)('%s', (line, expected) => expect(tagsOf(line)).toEqual([...expected].sort()));

  it.each([
    ['mongosh mongodb://localhost/app_prod --eval "db.users.deleteMany({})"', true],
    ['mongosh mongodb://localhost/app_dev --eval "db.users.deleteMany({})"', false],
    ['redis-cli -h prod-cache.internal FLUSHALL', true],
    ['redis-cli -h localhost FLUSHALL', false],
  ] as const)('document and key-value stores: %s', (line, prod) =>
    expect(tagsOf(line).includes('db.production')).toBe(prod),
  );

  it('reads PGDATABASE and MYSQL_HOST', () => {
    expect(
      recognizeInfra('psql', ['-c', 'TRUNCATE t'], { env: new Map([['PGDATABASE', 'app_prod']]) }),
    ).toContain('db.production');
    expect(
      recognizeInfra('mysql', ['-e', 'TRUNCATE t'], { env: new Map([['MYSQL_HOST', 'localhost']]) }),
    ).not.toContain('db.production');
  });
});

/** [tool, input, expected verb, expected extra tags] */
const MCP: (readonly [string, Record<string, unknown>, string, string[]])[] = [
  ['mcp__postgres__query', { sql: 'DROP TABLE users' }, 'delete', ['db.destroy']],
  ['mcp__db__read_query', { query: 'truncate t' }, 'delete', ['db.destroy']],
  ['mcp__postgres__query', { sql: 'SELECT 1' }, 'read', []],
  ['mcp__supabase__execute_sql', { query: 'select count(*) from t' }, 'read', []],
  ['mcp__supabase__execute_sql', { query: 'SELECT 1; VACUUM' }, 'write', []],
  ['mcp__supabase__execute_sql', { query: 'LISTEN x' }, 'write', []],
  ['mcp__postgres__query', { sql: 'UPDATE t SET a = 1 WHERE id = 2' }, 'write', []],
  ['mcp__neon__run_sql', { params: { sql: 'DELETE FROM t' } }, 'delete', ['db.destroy']],
  [
    'mcp__neon__run_sql_transaction',
    { params: { sqlStatements: ['BEGIN', 'DROP TABLE t'] } },
    'delete',
    ['db.destroy'],
  ],
  [
    'mcp__neon__run_sql_transaction',
    { params: { sqlStatements: ['BEGIN', 'SELECT 1', 'COMMIT'] } },
    'read',
    [],
  ],
  ['mcp__pg__query', { sql: "SELECT 'DROP TABLE users'" }, 'read', []],
  [
    'mcp__dbhub__execute_sql',
    { database: 'production', sql: 'TRUNCATE t' },
    'delete',
    ['db.destroy', 'db.production'],
  ],
  ['mcp__pg_prod__query', { sql: 'SELECT 1' }, 'read', ['db.production']],
  // Not a database tool: a search box is data, unless the key itself says SQL.
  ['mcp__github__search_code', { query: 'DROP TABLE users' }, 'read', []],
  ['mcp__notion__search', { query: 'truncate table' }, 'read', []],
  ['mcp__acme__frobnicate', { sql: 'DROP TABLE t' }, 'delete', ['db.destroy']],
  // A delete-named tool is never lowered by a harmless statement.
  ['mcp__db__drop_table', { sql: 'SELECT 1' }, 'delete', []],
  // Document stores: an empty filter on a delete matches everything.
  ['mcp__mongodb__delete_many', { collection: 'u', filter: {} }, 'delete', ['db.destroy']],
  ['mcp__mongodb__delete_many', { collection: 'u', filter: { _id: 3 } }, 'delete', []],
  ['mcp__mongodb__find', { collection: 'u', filter: {} }, 'read', []],
];

describe('SQL carried by MCP tools', () => {
  it.each(MCP)('%s %j', (tool, input, verb, extra) => {
    const named = mcpEffect(tool);
    const e = judgeMcpSql(named, input);
    expect(e.verb).toBe(verb);
    expect(e.tags).toEqual([`mcp.${verb}`, ...extra]);
  });

  it('reads only statements that are all reads', () => {
    expect(sqlReadOnly('SELECT 1')).toBe(true);
    expect(sqlReadOnly('BEGIN; SELECT 1; COMMIT')).toBe(true);
    expect(sqlReadOnly('SELECT 1; FOO BAR')).toBe(false);
    expect(sqlReadOnly("EXECUTE 'x'")).toBe(false);
    expect(sqlReadOnly("SELECT 'a\\'; DROP TABLE t; --'")).toBe(false);
  });
});
