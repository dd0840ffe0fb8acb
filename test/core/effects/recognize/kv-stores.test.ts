import { describe, expect, it } from 'vitest';
import { mongoWipes } from '../../../../src/core/effects/recognize/kv-stores.ts';
import { type Case, sorted, tagsOf } from './_cases.ts';

const REDIS_MONGO: Case[] = [
  ['redis-cli', ['db.local']],
  ['redis-cli ping', ['db.local']],
  ['redis-cli FLUSHALL', ['db.destroy', 'db.local']],
  ['redis-cli flushdb async', ['db.destroy', 'db.local']],
  ['redis-cli -n 2 FLUSHDB', ['db.destroy', 'db.local']],
  ['redis-cli -h 127.0.0.1 -p 6380 flushall', ['db.destroy', 'db.local']],
  ['redis-cli -h cache.prod.internal FLUSHALL', ['db.destroy', 'db.production', 'db.remote']],
  ['redis-cli -u redis://:pw@cache.prod:6379/0 flushall', ['db.destroy', 'db.production', 'db.remote']],
  ['redis-cli -u redis://localhost:6379 GET key', ['db.local']],
  ['redis-cli -h cache.prod GET flushall', ['db.production', 'db.remote']],
  ['redis-cli -h cache.prod --scan --pattern "flush*"', ['db.production', 'db.remote']],
  ['redis-cli -s /tmp/redis.sock FLUSHALL', ['db.destroy', 'db.local']],
  ['redis-cli -h "$REDIS_HOST" DEL k', ['db.remote']],
  ['valkey-cli -h cache.prod FLUSHALL', ['db.destroy', 'db.production', 'db.remote']],
  ['mongosh', ['db.local']],
  ['mongosh --eval "db.dropDatabase()"', ['db.destroy', 'db.local']],
  [
    'mongosh "mongodb+srv://cluster0.abc.mongodb.net/app" --eval "db.dropDatabase()"',
    ['db.destroy', 'db.remote'],
  ],
  ['mongo prod-db.internal:27017/app --eval "db.users.drop()"', ['db.destroy', 'db.production', 'db.remote']],
  ['mongo localhost:27017/app --eval "db.users.drop()"', ['db.destroy', 'db.local']],
  ['mongosh app --eval "db.users.deleteMany({})"', ['db.destroy', 'db.local']],
  [
    'mongosh --host rs0/db1.prod:27017,db2.prod:27017 --eval "db.users.find()"',
    ['db.production', 'db.remote'],
  ],
  ['mongosh --host localhost --eval "db.users.find({name: \'drop\'})"', ['db.local']],
  ['mongosh "$MONGO_URL" --eval "db.users.countDocuments()"', ['db.remote']],
  ['mongorestore --uri mongodb://prod-db/app --drop dump/', ['db.destroy', 'db.remote']],
  ['mongorestore dump/', ['db.local']],
  ['mongodump --uri mongodb://prod-db/app', ['db.remote', 'infra.read']],
];

const SCRIPTS: (readonly [string, boolean])[] = [
  ['db.dropDatabase()', true],
  ["db.getSiblingDB('app').dropDatabase()", true],
  ['db.users.drop()', true],
  ["db.getCollection('users').drop()", true],
  ['db.users.deleteMany({})', true],
  ['db.users.deleteMany( { } )', true],
  ['db.users.deleteMany()', true],
  ['db.users.remove({})', true],
  ['db.users.updateMany({}, {$set: {admin: true}})', true],
  ['db.runCommand({ dropDatabase: 1 })', true],
  ['db.runCommand({"drop": "users"})', true],
  ['db.users.deleteMany({ status: "inactive" })', false],
  ['db.users.find({ note: "db.dropDatabase()" })', false],
  ['db.users.dropIndex("email_1")', false],
  ['// db.dropDatabase()\ndb.users.find()', false],
  ['db.users.updateMany({ plan: "free" }, {$set: {x: 1}})', false],
];

describe('redis and mongo clients', () => {
  it.each(REDIS_MONGO)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('mongoWipes', () => {
  it.each(SCRIPTS)('%s', (js, wipes) => expect(mongoWipes(js)).toBe(wipes));
});
