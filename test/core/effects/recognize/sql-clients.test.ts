// The table-driven SQL client family (sql-clients.ts): statements from flags, positionals, files and
// stdin; locality from hosts, URLs and environment; production names (issue 12, round 2).
import { describe, expect, it } from 'vitest';
import { recognizeInfra } from '../../../../src/core/effects/recognize/index.ts';
import { hostOf } from '../../../../src/core/effects/recognize/sql-clients.ts';
import { type Case, tagsOf, words } from './_cases.ts';

const REMOTE_DESTROY = ['db.destroy', 'db.remote'];
const LOCAL_DESTROY = ['db.destroy', 'db.local'];
const PROD_DESTROY = ['db.destroy', 'db.production', 'db.remote'];
const REMOTE_READ = ['db.remote', 'infra.read'];
const LOCAL_READ = ['db.local', 'infra.read'];
const REMOTE_CHANGE = ['db.remote', 'infra.change'];

const CASES: Case[] = [
  // ClickHouse
  ["clickhouse-client --host ch-prod.internal --query 'DROP TABLE analytics.events SYNC'", PROD_DESTROY],
  ["clickhouse-client -h ch1.corp -q 'TRUNCATE TABLE logs.raw'", REMOTE_DESTROY],
  [
    "clickhouse client --host=ch1.corp --query='ALTER TABLE t ON CLUSTER main DELETE WHERE 1'",
    REMOTE_DESTROY,
  ],
  ["clickhouse-client -h ch1.corp -q 'DROP DICTIONARY geo'", REMOTE_DESTROY],
  ["clickhouse-client --query 'DROP TABLE scratch'", LOCAL_DESTROY],
  ["clickhouse-client --host ch1.corp --query 'SHOW TABLES'", REMOTE_READ],
  ["clickhouse-client -h localhost:9000 -q 'SELECT count() FROM events'", LOCAL_READ],
  ["clickhouse-client -h ch1.corp -q 'ALTER TABLE t DELETE WHERE ts < now() - 86400'", REMOTE_CHANGE],
  ['clickhouse local --query "SELECT 1"', []],
  // Cassandra
  ["cqlsh cass-1.internal -e 'DROP KEYSPACE shop'", REMOTE_DESTROY],
  ["cqlsh 10.0.4.2 9042 -u admin -e 'TRUNCATE shop.carts'", REMOTE_DESTROY],
  ["cqlsh -e 'DROP TABLE ks.t'", LOCAL_DESTROY],
  ["cqlsh cass-1.internal -e 'SELECT * FROM shop.carts LIMIT 5'", REMOTE_READ],
  ["cqlsh cass-1.internal -e 'DELETE FROM shop.carts WHERE id = 5'", REMOTE_CHANGE],
  // SQL Server
  ["sqlcmd -S tcp:sql01.corp,1433 -Q 'DROP DATABASE Billing'", REMOTE_DESTROY],
  ["sqlcmd -S sql01\\\\PROD -d Orders -Q 'TRUNCATE TABLE dbo.Lines'", PROD_DESTROY],
  ["sqlcmd -S . -Q 'DROP TABLE dbo.tmp'", LOCAL_DESTROY],
  ["sqlcmd -S '(localdb)\\\\MSSQLLocalDB' -Q 'SELECT @@VERSION'", LOCAL_READ],
  ["sqlcmd -S sql01.corp -h -1 -Q 'SELECT name FROM sys.databases'", REMOTE_READ],
  // Snowflake, BigQuery
  ["snowsql -a acme-xy123 -q 'DROP SCHEMA raw CASCADE'", REMOTE_DESTROY],
  ["snowsql -c prod -q 'DELETE FROM orders'", PROD_DESTROY],
  ["snowsql -a acme-xy123 -q 'SELECT 1'", REMOTE_READ],
  ["snow sql -q 'TRUNCATE TABLE raw.events'", REMOTE_DESTROY],
  ["bq query --use_legacy_sql=false 'DELETE FROM ds.users WHERE true'", REMOTE_DESTROY],
  ["bq query --nouse_legacy_sql 'SELECT COUNT(*) FROM ds.users'", REMOTE_READ],
  ['bq rm -f -t ds.users', REMOTE_DESTROY],
  ['bq ls ds', REMOTE_READ],
  // Trino / Presto, Hive, Impala
  ["trino --server https://trino.corp:8443 --execute 'DROP TABLE hive.web.clicks'", REMOTE_DESTROY],
  ["presto --server localhost:8080 --execute 'DROP TABLE memory.default.t'", LOCAL_DESTROY],
  ["trino --server https://trino.corp:8443 --execute 'SHOW CATALOGS'", REMOTE_READ],
  ["beeline -u jdbc:hive2://hs2.corp:10000/default -e 'DROP DATABASE web CASCADE'", REMOTE_DESTROY],
  ["beeline -u jdbc:hive2:// -e 'DROP TABLE t'", LOCAL_DESTROY],
  ["beeline -u jdbc:hive2://hs2.corp:10000/default -e 'SHOW TABLES'", REMOTE_READ],
  ["hive -e 'TRUNCATE TABLE web.clicks'", REMOTE_DESTROY],
  ["impala-shell -i impalad-1.corp:21000 -q 'DROP TABLE web.clicks PURGE'", REMOTE_DESTROY],
  ["impala-shell -q 'DROP TABLE t'", LOCAL_DESTROY],
  ["impala-shell -i impalad-1.corp -q 'DESCRIBE web.clicks'", REMOTE_READ],
  // CockroachDB, usql, DuckDB
  [
    "cockroach sql --url 'postgresql://root@crdb.corp:26257/bank' --execute 'DROP DATABASE bank CASCADE'",
    REMOTE_DESTROY,
  ],
  ["cockroach sql --host crdb-1.corp -e 'DELETE FROM accounts'", REMOTE_DESTROY],
  ["cockroach sql --insecure -e 'DROP TABLE t'", LOCAL_DESTROY],
  ["cockroach sql --host crdb-1.corp -e 'SELECT 1'", REMOTE_READ],
  ["usql pg://app@db.corp/app -c 'TRUNCATE users'", REMOTE_DESTROY],
  ["usql sq:./dev.db -c 'DROP TABLE t'", LOCAL_DESTROY],
  ["usql pg://app@db.corp/app -c 'SELECT 1'", REMOTE_READ],
  ["duckdb analytics.duckdb 'DROP TABLE events'", LOCAL_DESTROY],
  ["duckdb prod.duckdb -c 'DELETE FROM events'", ['db.destroy', 'db.local', 'db.production']],
  ["duckdb md:warehouse -c 'DROP TABLE events'", REMOTE_DESTROY],
  ["duckdb analytics.duckdb 'SELECT count(*) FROM events'", LOCAL_READ],
];

describe('SQL client family: statements on the line', () => {
  it.each(CASES)('%s', (line, want) => {
    expect(tagsOf(line)).toEqual([...want].sort());
  });
});

describe('SQL client family: stdin, files and run-time SQL', () => {
  const run = (line: string, stdin?: string, files: Record<string, string> = {}) => {
    const unseen: string[] = [];
    const [head = '', ...argv] = words(line);
    const tags = recognizeInfra(head, argv, {
      ...(stdin === undefined ? {} : { stdin: { kind: 'text', text: stdin } }),
      read: (p) => files[p],
      unseen: (w) => unseen.push(w),
    });
    return { tags: [...tags].sort(), unseen };
  };
  it('clickhouse-client reads its queries from stdin', () => {
    expect(run('clickhouse-client --host ch1.corp', 'DROP TABLE events').tags).toEqual(REMOTE_DESTROY);
    expect(run('clickhouse-client --host ch1.corp', 'SELECT 1').tags).toEqual(REMOTE_READ);
  });
  it('sqlcmd -i reads every listed file, GO ends a batch', () => {
    const files = {
      'a.sql': 'SELECT 1\nGO\n',
      'b.sql': 'DELETE FROM dbo.Orders\nGO\nSELECT * FROM x WHERE y = 1\n',
    };
    expect(run('sqlcmd -S sql01.corp -i a.sql,b.sql', undefined, files).tags).toEqual(REMOTE_DESTROY);
    expect(run('sqlcmd -S sql01.corp -i a.sql', undefined, files).tags).toEqual(REMOTE_READ);
  });
  it('an unreadable script file or run-time SQL is unseen', () => {
    expect(run('snowsql -f purge.sql').unseen.length).toBeGreaterThan(0);
    expect(run('cqlsh cass-1 -e "$CQL"').unseen.length).toBeGreaterThan(0);
    expect(run("cqlsh cass-1 -e 'SELECT 1'").unseen).toEqual([]);
  });
  it('cockroach sql and duckdb read stdin', () => {
    expect(run('cockroach sql --url postgres://root@crdb.corp:26257/x', 'DROP TABLE a;').tags).toEqual(
      REMOTE_DESTROY,
    );
    expect(run('duckdb dev.duckdb', 'DROP TABLE a;').tags).toEqual(LOCAL_DESTROY);
  });
});

describe('hostOf', () => {
  it.each([
    ['tcp:sql01.corp,1433', 'sql01.corp'],
    ['sql01\\PROD', 'sql01'],
    ['.', 'localhost'],
    ['(localdb)\\MSSQLLocalDB', 'localhost'],
    ['ch1.corp:9440', 'ch1.corp'],
    ['https://trino.corp:8443', 'trino.corp'],
    ['localhost', 'localhost'],
  ])('%s -> %s', (s, want) => {
    expect(hostOf(s)).toBe(want);
  });
});
