import { describe, expect, it } from 'vitest';
import { classifySql, SQL_DESTROY, SQL_READ, SQL_WRITE } from '../../../../src/core/effects/recognize/sql.ts';
import { type Case, sorted, tagsOf } from './_cases.ts';

const R = SQL_READ;
const W = SQL_WRITE;
const D = SQL_DESTROY;

/** [statement text, expected bits] */
const STATEMENTS: (readonly [string, number])[] = [
  ['SELECT * FROM users', R],
  ["SELECT 'drop table users' AS note", R],
  ["select * from logs where msg = 'DELETE FROM users'", R],
  ['SELECT drop_count, "drop" FROM stats', R],
  ['SELECT TRUNCATE(price, 2) FROM items', R],
  ['SHOW TABLES', R],
  ['EXPLAIN DELETE FROM users', R],
  ['\\dt', R],
  ['WITH x AS (SELECT 1) SELECT * FROM x', R],
  ['DROP TABLE users', D | W],
  ['drop table if exists users cascade', D | W],
  ['  DrOp   DATABASE prod', D | W],
  ['DROP SCHEMA public CASCADE', D | W],
  ['/* cleanup */ DROP TABLE t', D | W],
  ['-- say\nDROP TABLE t', D | W],
  ['SELECT 1; DROP TABLE t;', R | D | W],
  ['TRUNCATE users', D | W],
  ['truncate table users restart identity', D | W],
  ['DELETE FROM users', D | W],
  ['delete from users;', D | W],
  ['DELETE FROM users WHERE id = 3', W],
  ['DELETE FROM users WHERE 1=1', D | W],
  ['DELETE FROM users WHERE true', D | W],
  ['DELETE FROM sessions WHERE expires < now()', W],
  ['DELETE t1 FROM t1 JOIN t2 ON t1.id = t2.id', D | W],
  ['UPDATE users SET admin = true', D | W],
  ["UPDATE users SET name = 'x' WHERE id = 1", W],
  ['UPDATE users SET a = (SELECT b FROM c WHERE c.id = 1)', D | W],
  ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d WHERE x = 1', D | W],
  ['ALTER TABLE users DROP COLUMN email', D | W],
  ['ALTER TABLE users DROP email', D | W],
  ['ALTER TABLE users ALTER COLUMN email DROP DEFAULT', W],
  ['ALTER TABLE users ALTER COLUMN email DROP NOT NULL', W],
  ['ALTER TABLE users ADD COLUMN age int', W],
  ["INSERT INTO users (name) VALUES ('drop table x')", W],
  ['INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET v = 2', W],
  ['INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE v = 2', W],
  ['CREATE TABLE t (id int REFERENCES u ON DELETE CASCADE ON UPDATE SET NULL)', W],
  ['GRANT SELECT, UPDATE, DELETE ON t TO app', W],
  ['CREATE TRIGGER tr BEFORE DELETE OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()', W],
  ['SELECT * FROM t FOR UPDATE', R],
  ["DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'users'; END $$", D | W],
  ["SELECT 'DROP TABLE ' || tablename FROM pg_tables \\gexec", D | R],
  ["SELECT 'it\\'s'; DROP TABLE x; SELECT 'ok'", D | R | W],
  ['/*!40101 DROP TABLE x */', D],
  ['BEGIN', 0],
];

const PSQL_MYSQL_SQLITE: Case[] = [
  ['psql', ['db.local']],
  ['psql mydb', ['db.local']],
  ['psql -h localhost -c "SELECT 1"', ['db.local', 'infra.read']],
  ['psql -h 127.0.0.1 -U app app_dev -c "DROP TABLE users"', ['db.destroy', 'db.local']],
  ['psql -h /var/run/postgresql -c "TRUNCATE t"', ['db.destroy', 'db.local']],
  ['psql -h prod-db.internal -c "DROP TABLE users"', ['db.destroy', 'db.production', 'db.remote']],
  ['psql -hprod-db -c "DELETE FROM orders"', ['db.destroy', 'db.production', 'db.remote']],
  ['psql --host=db.example.com --command="truncate audit_log"', ['db.destroy', 'db.remote']],
  ['psql -h prod-db -tAc "DROP TABLE users"', ['db.destroy', 'db.production', 'db.remote']],
  ['psql -h prod-db -c "SELECT count(*) FROM users"', ['db.production', 'db.remote', 'infra.read']],
  [
    'psql -h prod-db -c "UPDATE users SET plan = \'pro\' WHERE id = 7"',
    ['db.production', 'db.remote', 'infra.change'],
  ],
  ['psql -h localhost -c "UPDATE users SET plan = \'pro\' WHERE id = 7"', ['db.local']],
  ['psql -h prod-db -c "SELECT \'drop table users\'"', ['db.production', 'db.remote', 'infra.read']],
  ['psql "$DATABASE_URL" -c "DROP TABLE users"', ['db.destroy', 'db.remote']],
  ['psql $(heroku config:get DATABASE_URL) -c "SELECT 1"', ['db.remote', 'infra.read']],
  ['psql postgres://app:pw@localhost:5432/app -c "DROP TABLE t"', ['db.destroy', 'db.local']],
  [
    'psql postgresql://app@db.prod.example.com/app -c "DROP TABLE t"',
    ['db.destroy', 'db.production', 'db.remote'],
  ],
  ['psql "postgres:///app?host=/var/run/postgresql" -c "DROP TABLE t"', ['db.destroy', 'db.local']],
  ['psql "host=prod-db dbname=app" -c "DROP TABLE t"', ['db.destroy', 'db.production', 'db.remote']],
  ['psql "service=prod" -c "SELECT 1"', ['db.production', 'db.remote', 'infra.read']],
  ['psql -d postgres://u@[::1]:5432/db -c "SELECT 1"', ['db.local', 'infra.read']],
  ['psql -h prod-db -f migrate.sql', ['db.production', 'db.remote']],
  ['pg_dump -h prod-db -Fc app', ['db.remote', 'infra.read']],
  ['pg_dump app_dev', ['db.local', 'infra.read']],
  ['pg_restore -h prod-db -d app --clean dump.pgdump', ['db.destroy', 'db.production', 'db.remote']],
  ['pg_restore -h prod-db -d app -Fc dump.pgdump', ['db.production', 'db.remote', 'infra.change']],
  ['pg_restore -d app_dev -c dump.pgdump', ['db.destroy', 'db.local']],
  ['dropdb app_test', ['db.destroy', 'db.local']],
  ['dropdb -h prod-db app', ['db.destroy', 'db.production', 'db.remote']],
  ['createdb app_test', ['db.local']],
  ['createdb -h prod-db app2', ['db.remote', 'infra.change']],
  ['mysql -u root -e "DROP DATABASE app"', ['db.destroy', 'db.local']],
  ['mysql -h prod-mysql -u root -p -e "DROP DATABASE app"', ['db.destroy', 'db.production', 'db.remote']],
  ['mysql -hprod-mysql -eDROP\\ TABLE\\ t', ['db.destroy', 'db.production', 'db.remote']],
  ['mysql --host=127.0.0.1 --execute="DELETE FROM t"', ['db.destroy', 'db.local']],
  [
    'mysql -h prod -e "SELECT * FROM t WHERE note = \'truncate\'"',
    ['db.production', 'db.remote', 'infra.read'],
  ],
  ['mysql --login-path=prod -e "SHOW TABLES"', ['db.production', 'db.remote', 'infra.read']],
  ['mysql -S /tmp/mysql.sock app', ['db.local']],
  ['mariadb -h db.prod -e "UPDATE t SET x = 1"', ['db.destroy', 'db.production', 'db.remote']],
  ['mysqldump -h prod app', ['db.remote', 'infra.read']],
  ['mysqladmin -h prod drop app', ['db.destroy', 'db.production', 'db.remote']],
  ['mysqladmin -u root drop app_test', ['db.destroy', 'db.local']],
  ['mysqladmin -h prod status', ['db.production', 'db.remote', 'infra.read']],
  ['mysqladmin -h prod shutdown', ['db.production', 'db.remote', 'infra.change']],
  ['sqlite3 dev.db', ['db.local']],
  ['sqlite3 dev.db "SELECT * FROM users"', ['db.local', 'infra.read']],
  ['sqlite3 dev.db "DROP TABLE users"', ['db.destroy', 'db.local']],
  ['sqlite3 -header -csv dev.db "select \'drop\' from t"', ['db.local', 'infra.read']],
  ['sqlite3 -cmd "DELETE FROM t" dev.db .quit', ['db.destroy', 'db.local']],
  ['sqlite3 dev.db .tables', ['db.local', 'infra.read']],
  ['sqlite3 dev.db "INSERT INTO t VALUES (1)"', ['db.local']],
];

describe('classifySql', () => {
  it.each(STATEMENTS)('%s', (sql, bits) => expect(classifySql(sql)).toBe(bits));
});

describe('SQL clients', () => {
  it.each(PSQL_MYSQL_SQLITE)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
