// SQL clients beyond psql/mysql/sqlite3 (issue 12, round 2): ClickHouse, Cassandra, SQL Server,
// Snowflake, BigQuery, Trino/Presto, Hive (beeline, hive), Impala, CockroachDB, usql and DuckDB. One
// table says, for each, which options carry statements, script files, hosts, URLs and database names;
// the statements (from the line, from script files and from stdin) go through the same classifier as
// psql's, and the target's locality and production name through the same helpers.
import {
  flagValues,
  hasFlag,
  isDynamic,
  isLocalHost,
  nextPositional,
  positionals,
  stripPort,
  union,
  uriHosts,
  type ValueFlags,
  valueFlags,
} from './_args.ts';
import { scriptText, wholeRunTime } from './_input.ts';
import { add, type ExecInfo, type InfraTag } from './_tags.ts';
import {
  addLocality,
  addProductionTag,
  addSqlTags,
  classifySql,
  namesProduction,
  SQL_DESTROY,
} from './sql.ts';

export interface SqlClient {
  /** Options that take a value (so their value is not taken for a positional). */
  values: ValueFlags;
  /** Options whose value is SQL. */
  sql: readonly string[];
  /** Options whose value is a script file (`-` is stdin); `,` separates several when `fileLists`. */
  files: readonly string[];
  fileLists?: boolean;
  /** Options whose value is a host or server (`h`, `h:port`, `tcp:h,1433`, `https://h:8443`). */
  hosts: readonly string[];
  /** Options whose value is a connection URL (`jdbc:hive2://h/db`, `postgres://h/db`). */
  urls?: readonly string[];
  /** Options that name a database, account, profile or connection: only checked for production. */
  names?: readonly string[];
  /** Environment variables that name the host or URL. */
  env?: readonly string[];
  /** Positionals: `host` (cqlsh), `url` (usql), `sql` (bq query), `file-then-sql` (duckdb). */
  positional?: 'host' | 'url' | 'sql' | 'file-then-sql';
  /** A hosted service: always another machine. */
  alwaysRemote?: boolean;
  /** Options that only print help or a version: stdin is not read. */
  informational?: readonly string[];
  /** Reads statements from stdin when no statement or file option is given. */
  stdin: boolean;
  /** T-SQL `GO` lines end a batch. */
  goBatches?: boolean;
}

const GO_RE = /^[ \t]*GO(?:[ \t]+\d+)?[ \t]*;?[ \t]*$/gim;
// Destruction these dialects spell their own way: ClickHouse mutations with an always-true filter
// (`ALTER TABLE t DELETE WHERE 1`), `DROP DICTIONARY`, T-SQL `DELETE t` / `DELETE FROM t` batches.
const DIALECT_DESTROY_RE =
  /\bALTER\s+TABLE\s+[\w.`"]+(?:\s+ON\s+CLUSTER\s+[\w`"'{}]+)?\s+(?:DELETE|UPDATE\s+[\s\S]{0,200}?)\s*WHERE\s+(?:1|TRUE|1\s*=\s*1)\s*(?:$|;|SETTINGS\b)|\bDROP\s+DICTIONARY\b/i;

function classify(sql: string, client: SqlClient): number {
  const text = client.goBatches ? sql.replace(GO_RE, ';') : sql;
  let flags = classifySql(text);
  if (DIALECT_DESTROY_RE.test(text)) flags |= SQL_DESTROY;
  return flags;
}

const SQLSERVER_LOCAL = new Set(['.', '(local)', '(localdb)', 'localhost']);

/** `tcp:h,1433`, `h\INSTANCE`, `h:9000`, `https://h:8443/x` -> `h`. */
export function hostOf(s: string): string {
  const t = s.trim();
  const hosts = uriHosts(t);
  if (hosts) return hosts.find((h) => !isLocalHost(h)) ?? hosts[0] ?? '';
  let h = t.replace(/^(?:tcp|np|lpc|admin):/i, '');
  h = h.split(/[,\\]/)[0]!;
  if (SQLSERVER_LOCAL.has(h.toLowerCase()) || h.toLowerCase().startsWith('(localdb)')) return 'localhost';
  return stripPort(h);
}

function hostRemote(s: string): boolean {
  return isDynamic(s) || !isLocalHost(hostOf(s));
}

// usql / duckdb schemes that name a file on this machine.
const LOCAL_SCHEMES_RE = /^(?:sq|sqlite3?|file|duckdb|dk|ql|moderncsqlite|mq)?:/i;

/** A URL-style target (`jdbc:hive2://h/db`, `pg://h/db`, `sq:app.db`) reaches another machine. */
function urlRemote(u0: string): boolean {
  if (isDynamic(u0)) return true;
  const u = u0.replace(/^jdbc:/i, '');
  const hosts = uriHosts(u);
  if (hosts) return hosts.some((h) => !isLocalHost(h));
  if (LOCAL_SCHEMES_RE.test(u) || u.startsWith('/') || u.startsWith('.')) return false;
  // A bare name is a connection from a config file, which can point anywhere.
  return true;
}

function envValues(info: ExecInfo | undefined, keys: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const k of keys ?? []) {
    const v = info?.env?.get(k);
    if (v === null) out.push('$RUNTIME');
    else if (v) out.push(v);
  }
  return out;
}

/** Tags for one run of `client` with `argv` (the words after the program and its subcommand). */
export function sqlClient(client: SqlClient, argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const v = client.values;
  const hosts = flagValues(argv, client.hosts, v);
  const urls = client.urls ? flagValues(argv, client.urls, v) : [];
  const pos = positionals(argv, 0, v, 16);
  let statements: string[] = [];
  let files = flagValues(argv, client.files, v);
  if (client.fileLists) files = files.flatMap((f) => f.split(','));
  let local = false;
  if (client.positional === 'host' && pos[0] !== undefined) hosts.push(pos[0]);
  if (client.positional === 'url' && pos[0] !== undefined) urls.push(pos[0]);
  if (client.positional === 'sql') statements = pos;
  if (client.positional === 'file-then-sql') {
    // duckdb FILE [SQL...]: a local file unless it names MotherDuck or an object store.
    if (pos[0] !== undefined && /^(?:md|motherduck|s3|gcs|gs|az|azure|https?):/i.test(pos[0]))
      urls.push(pos[0]);
    else local = true;
    statements = pos.slice(1);
  }
  const envTargets = envValues(info, client.env);
  const remote =
    client.alwaysRemote === true ||
    hosts.some(hostRemote) ||
    urls.some(urlRemote) ||
    envTargets.some((t) => (t.includes('://') ? urlRemote(t) : hostRemote(t)));
  const names = client.names ? flagValues(argv, client.names, v) : [];
  const prod = [...hosts, ...urls, ...names, ...envTargets, ...(local ? pos.slice(0, 1) : [])].some(
    namesProduction,
  );
  const out = addProductionTag(addLocality([], remote), prod);

  const sql = [...flagValues(argv, client.sql, v), ...statements];
  let flags = 0;
  for (const s of sql) flags |= classify(s, client);
  if (info) {
    if (sql.some((s) => wholeRunTime(info, s))) info.unseen?.('SQL only known at run time');
    const informational = hasFlag(argv, client.informational ?? ['--help', '--version', '-?']);
    const readsStdin = client.stdin && sql.length === 0 && files.length === 0 && !informational;
    flags |= classify(scriptText(info, files, readsStdin), client);
  }
  return addSqlTags(out, flags, remote || prod);
}

// ---- the table ---------------------------------------------------------------------------------

const CLICKHOUSE: SqlClient = {
  values: valueFlags(
    '-h --host --port -u --user --password -d --database -q --query --queries-file -f --format -C --config-file --config --param_ --max_threads --connection --history_file --query_id --log-level --send_logs_level --jwt --ssh-key-file --ssh-key-passphrase --quota_key --max_memory_usage --stage --compression',
  ),
  sql: ['-q', '--query'],
  files: ['--queries-file'],
  hosts: ['-h', '--host'],
  names: ['-d', '--database', '--connection', '-u', '--user'],
  env: ['CLICKHOUSE_HOST'],
  stdin: true,
  informational: ['--help', '--version', '-V'],
};

const CQLSH: SqlClient = {
  values: valueFlags(
    '-e --execute -f --file -k --keyspace -u --username -p --password -b --secure-connect-bundle --cqlshrc --cqlversion --protocol-version --encoding --connect-timeout --request-timeout -t --tty --consistency-level --serial-consistency-level',
  ),
  sql: ['-e', '--execute'],
  files: ['-f', '--file'],
  hosts: [],
  urls: ['-b', '--secure-connect-bundle'],
  names: ['-k', '--keyspace', '--cqlshrc'],
  env: ['CQLSH_HOST'],
  positional: 'host',
  stdin: true,
  informational: ['--help', '--version', '-h'],
};

const SQLCMD: SqlClient = {
  values: valueFlags(
    '-S -d -U -P -H -l -t -h -s -w -a -c -f -i -o -v -q -Q -L -m -y -Y -z -Z -K -M -D -G -A -e -r --server --database-name --user-name --password --input-file --output-file --query --initial-query --variables --authentication-method',
  ),
  sql: ['-Q', '-q', '--query', '--initial-query'],
  files: ['-i', '--input-file'],
  fileLists: true,
  hosts: ['-S', '--server'],
  names: ['-d', '--database-name'],
  env: ['SQLCMDSERVER'],
  stdin: true,
  informational: ['-?', '--help', '--version'],
  goBatches: true,
};

const SNOWSQL: SqlClient = {
  values: valueFlags(
    '-a --accountname -u --username -d --dbname -s --schemaname -w --warehouse -r --rolename -q --query -f --filename -c --connection --config -o --option -D --variable --authenticator --private-key-path --region -h --host -p --port',
  ),
  sql: ['-q', '--query'],
  files: ['-f', '--filename'],
  hosts: [],
  names: [
    '-a',
    '--accountname',
    '-d',
    '--dbname',
    '-c',
    '--connection',
    '-s',
    '--schemaname',
    '-h',
    '--host',
  ],
  alwaysRemote: true,
  stdin: true,
  informational: ['--help', '-v', '--version', '-?'],
};

// `snow sql -q ...` (Snowflake CLI) takes the same shape.
const SNOW_SQL: SqlClient = {
  ...SNOWSQL,
  values: valueFlags(
    '-q --query -f --filename -c --connection --account --database --schema --role --warehouse --user --host --port -D --variable --format --authenticator',
  ),
  files: ['-f', '--filename'],
  names: ['-c', '--connection', '--account', '--database', '--schema', '--host'],
  stdin: true,
};

const BQ_QUERY: SqlClient = {
  values: valueFlags(
    '--project_id --dataset_id --location --destination_table --parameter --format --max_rows -n --job_id --label --maximum_bytes_billed --api --api_version --apilog --bigqueryrc --ca_certificates_file --httplib2_debuglevel --trace --external_table_definition --time_partitioning_field --time_partitioning_type --clustering_fields --range_partitioning --schema --udf_resource --destination_kms_key --connection_property --session_id',
  ),
  sql: [],
  files: [],
  hosts: [],
  names: ['--project_id', '--dataset_id', '--destination_table'],
  positional: 'sql',
  alwaysRemote: true,
  stdin: true,
};

const TRINO: SqlClient = {
  values: valueFlags(
    '--server --catalog --schema --execute -e -f --file --user --password --source --session --client-tags --client-info --output-format --resource-estimate --extra-credential --access-token --keystore-path --keystore-password --truststore-path --truststore-password --krb5-principal --krb5-config-path --krb5-keytab-path --krb5-remote-service-name --socks-proxy --http-proxy --timezone --network-logging --path --trace-token --config',
  ),
  sql: ['--execute', '-e'],
  files: ['-f', '--file'],
  hosts: ['--server'],
  names: ['--catalog', '--schema', '--source'],
  env: ['TRINO_SERVER', 'PRESTO_SERVER'],
  stdin: true,
};

const BEELINE: SqlClient = {
  values: valueFlags(
    '-u -n -p -d -e -f -i -w -a --hivevar --hiveconf --property-file --outputformat --delimiterForDSV --truncateTable -r',
  ),
  sql: ['-e'],
  files: ['-f', '-i'],
  hosts: [],
  urls: ['-u'],
  names: ['--hivevar', '--hiveconf', '--property-file'],
  stdin: true,
  informational: ['--help', '-h'],
};

// The Hive CLI runs against the metastore its configuration names: a cluster.
const HIVE: SqlClient = {
  values: valueFlags('-e -f -i -d --define --hivevar --hiveconf --database -S -v -H'),
  sql: ['-e'],
  files: ['-f', '-i'],
  hosts: [],
  names: ['--database', '--hivevar', '--hiveconf', '-d', '--define'],
  alwaysRemote: true,
  stdin: true,
};

const IMPALA: SqlClient = {
  values: valueFlags(
    '-i --impalad -q --query -f --query_file -d --database -u --user -o --output_file --output_delimiter --ldap_password_cmd --config_file --var --query_option -Q --kerberos_service_name -s --ca_cert --client_connect_timeout_ms --protocol --http_path',
  ),
  sql: ['-q', '--query'],
  files: ['-f', '--query_file'],
  hosts: ['-i', '--impalad'],
  names: ['-d', '--database', '--config_file'],
  stdin: true,
};

const COCKROACH_SQL: SqlClient = {
  values: valueFlags(
    '-e --execute -f --file --host --port -p --url -d --database -u --user --certs-dir --format --set --echo-sql --cluster-name --watch --read-only',
  ),
  sql: ['-e', '--execute'],
  files: ['-f', '--file'],
  hosts: ['--host'],
  urls: ['--url'],
  names: ['-d', '--database', '--cluster-name'],
  env: ['COCKROACH_HOST', 'COCKROACH_URL'],
  stdin: true,
};

const USQL: SqlClient = {
  values: valueFlags(
    '-c --command -f --file -o --out -v --set -N --cset -P --pset -F --field-separator -R --record-separator -T --table-attr --config',
  ),
  sql: ['-c', '--command'],
  files: ['-f', '--file'],
  hosts: [],
  names: ['-N', '--cset', '--config'],
  positional: 'url',
  stdin: true,
};

const DUCKDB: SqlClient = {
  values: valueFlags('-c -s -cmd -init -separator -newline -nullvalue -f -storage_version'),
  sql: ['-c', '-s', '-cmd'],
  files: ['-f', '-init'],
  hosts: [],
  positional: 'file-then-sql',
  stdin: true,
  informational: ['-help', '-version', '--help', '--version'],
};

const BQ_TARGET_VALUES = union(BQ_QUERY.values, valueFlags('--project_id'));

/** `bq query SQL`, and `bq rm` (a table, dataset or model deleted in BigQuery). */
export function bq(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const i = nextPositional(argv, 0, BQ_QUERY.values);
  if (i < 0) return [];
  const verb = argv[i]!;
  const rest = argv.slice(i + 1);
  if (verb === 'query') return sqlClient(BQ_QUERY, rest, info);
  if (verb === 'rm') {
    const names = positionals(rest, 0, BQ_TARGET_VALUES, 4);
    return addSqlTags(
      addProductionTag(addLocality([], true), names.some(namesProduction)),
      SQL_DESTROY,
      true,
    );
  }
  if (verb === 'ls' || verb === 'show' || verb === 'head') return add(addLocality([], true), 'infra.read');
  return [];
}

function subcommand(
  sub: string,
  client: SqlClient,
): (argv: readonly string[], info?: ExecInfo) => InfraTag[] {
  return (argv, info) => {
    const i = argv.findIndex((a) => !a.startsWith('-'));
    return i >= 0 && argv[i] === sub
      ? sqlClient(client, [...argv.slice(0, i), ...argv.slice(i + 1)], info)
      : [];
  };
}

/** Program basename -> recognizer, for index.ts. */
export const SQL_CLIENTS: ReadonlyArray<
  readonly [string, (argv: readonly string[], info?: ExecInfo) => InfraTag[]]
> = [
  ['clickhouse-client', (argv, info) => sqlClient(CLICKHOUSE, argv, info)],
  ['clickhouse', subcommand('client', CLICKHOUSE)],
  ['cqlsh', (argv, info) => sqlClient(CQLSH, argv, info)],
  ['sqlcmd', (argv, info) => sqlClient(SQLCMD, argv, info)],
  ['snowsql', (argv, info) => sqlClient(SNOWSQL, argv, info)],
  ['snow', subcommand('sql', SNOW_SQL)],
  ['bq', bq],
  ['trino', (argv, info) => sqlClient(TRINO, argv, info)],
  ['trino-cli', (argv, info) => sqlClient(TRINO, argv, info)],
  ['presto', (argv, info) => sqlClient(TRINO, argv, info)],
  ['presto-cli', (argv, info) => sqlClient(TRINO, argv, info)],
  ['beeline', (argv, info) => sqlClient(BEELINE, argv, info)],
  ['hive', (argv, info) => sqlClient(HIVE, argv, info)],
  ['impala-shell', (argv, info) => sqlClient(IMPALA, argv, info)],
  ['cockroach', subcommand('sql', COCKROACH_SQL)],
  ['usql', (argv, info) => sqlClient(USQL, argv, info)],
  ['duckdb', (argv, info) => sqlClient(DUCKDB, argv, info)],
];
