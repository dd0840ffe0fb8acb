// SQL clients (psql, mysql, sqlite3 and the postgres/mysql admin tools): where the database is, and
// what the statements passed on the command line do to it.
import {
  flagValues,
  hasFlag,
  isDynamic,
  isLocalHost,
  nextPositional,
  positionals,
  union,
  uriHosts,
  type ValueFlags,
  valueFlags,
} from './_args.ts';
import { scriptText, wholeRunTime } from './_input.ts';
import { add, type ExecInfo, type InfraTag } from './_tags.ts';

export const SQL_READ = 1;
export const SQL_WRITE = 2;
export const SQL_DESTROY = 4;

// Object kinds after DROP. DROP DEFAULT / DROP NOT NULL are absent on purpose: they lose no data.
const DROP_RE =
  /\bDROP\s+(?:(?:TEMPORARY|TEMP|MATERIALIZED|FOREIGN|UNLOGGED|GLOBAL|EXTERNAL)\s+)?(?:TABLES?|DATABASES?|SCHEMAS?|VIEWS?|INDEX|SEQUENCE|FUNCTION|PROCEDURE|ROUTINE|TRIGGER|TYPE|DOMAIN|EXTENSION|ROLE|USER|OWNED|COLUMN|CONSTRAINT|PARTITION|KEYSPACE|EVENT|SERVER|TABLESPACE|PUBLICATION|SUBSCRIPTION|POLICY|RULE|AGGREGATE|OPERATOR|COLLATION|LANGUAGE|STATISTICS|GROUP|COLLECTION|CATALOG|STAGE|STREAM|WAREHOUSE|MACRO|SECRET|CAST|IF\s+EXISTS)\b/;
// MySQL allows `ALTER TABLE t DROP c` without COLUMN. Two linear searches rather than one regex with
// a lazy gap, which goes quadratic on long statements.
const ALTER_TABLE_RE = /\bALTER\s+TABLE\b/;
const ALTER_DROP_RE = /\bDROP\s+(?!DEFAULT\b|NOT\s+NULL\b|IDENTITY\b|EXPRESSION\b)/;
const DML_RE = /\b(DELETE|UPDATE|TRUNCATE)\b/g;
const PRECEDING_WORD_RE = /([\w$]+|,)\s*$/;
// DELETE/UPDATE/TRUNCATE after these words is a trigger event, a privilege or an upsert, not a statement.
const NOT_A_STATEMENT = new Set([
  'ON',
  'OR',
  'OF',
  'BEFORE',
  'AFTER',
  'GRANT',
  'REVOKE',
  'FOR',
  'KEY',
  'DO',
  'THEN',
  ',',
]);
const CALL_PAREN_RE = /^\s*\(/;
const TRIVIAL_WHERE_RE =
  /^\s*(?:TRUE|1|1\s*=\s*1|''\s*=\s*''|NOT\s+FALSE|1\s*<>\s*0)\s*(?:$|[);]|RETURNING\b|LIMIT\b|ORDER\b)/;
const FIRST_WORD_RE = /^[\s(]*([A-Z]+)/;
const WRITE_INSIDE_RE = /\b(?:INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE\s+INTO)\b/;
const ANALYZE_RE = /\bANALY[SZ]E\b/;
const COPY_FROM_RE = /\bFROM\b/;
// Statements built at run time: the text that will run sits inside a string literal.
const DYNAMIC_RE = /\b(?:EXECUTE|EXEC|PREPARE|SP_EXECUTESQL)\b|\\GEXEC/;
const QUOTES_RE = /['"`]/g;

const READ_WORDS = new Set([
  'SELECT',
  'SHOW',
  'DESCRIBE',
  'DESC',
  'TABLE',
  'VALUES',
  'PRAGMA',
  'USE',
  'HELP',
]);
const WRITE_WORDS = new Set([
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'ALTER',
  'DROP',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'REPLACE',
  'MERGE',
  'UPSERT',
  'RENAME',
  'COMMENT',
  'VACUUM',
  'REINDEX',
  'CLUSTER',
  'CALL',
  'DO',
  'LOAD',
  'REFRESH',
  'IMPORT',
  'LOCK',
  'REASSIGN',
  'SECURITY',
  'ATTACH',
  'DETACH',
  'KILL',
  'SHUTDOWN',
  'FLUSH',
  'PURGE',
  'RESTORE',
  'EXEC',
  'EXECUTE',
]);

/**
 * Blanks out string literals, quoted identifiers and comments so keywords inside them do not count.
 * `backslash` picks the MySQL reading of `\'`; callers try both, because each reading can hide code
 * the other exposes. Dollar-quoted bodies and MySQL `/*! ... *\/` comments are kept: they run.
 */
function maskSql(sql: string, backslash: boolean): string {
  let out = '';
  let start = 0;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96) {
      out += sql.slice(start, i + 1);
      let j = i + 1;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (backslash && d === 92) j += 2;
        else if (d === c) {
          if (sql.charCodeAt(j + 1) === c) j += 2;
          else break;
        } else j++;
      }
      out += sql[i];
      i = j + 1;
      start = i;
    } else if (c === 45 && sql.charCodeAt(i + 1) === 45 && (i + 2 >= n || sql.charCodeAt(i + 2) <= 32)) {
      // `--` needs trailing space to be a comment in MySQL; in Postgres `--x` is one too, but leaving
      // that text visible can only add matches, never hide a statement.
      out += `${sql.slice(start, i)} `;
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      start = i;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42 && sql.charCodeAt(i + 2) !== 33) {
      out += `${sql.slice(start, i)} `;
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      start = i;
    } else i++;
  }
  return out + sql.slice(start);
}

function isWordChar(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || (c >= 97 && c <= 122);
}

/** From `pos`, the FROM / SET / WHERE words of this clause, ignoring nested parentheses. */
function clauseWords(s: string, pos: number): { from: boolean; set: boolean; where: number } {
  let depth = 0;
  let from = false;
  let set = false;
  for (let i = pos; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41) {
      if (--depth < 0) break;
    } else if (depth === 0 && isWordChar(c) && !isWordChar(s.charCodeAt(i - 1))) {
      let j = i + 1;
      while (j < s.length && isWordChar(s.charCodeAt(j))) j++;
      const w = s.slice(i, j);
      if (w === 'FROM') from = true;
      else if (w === 'SET') set = true;
      else if (w === 'WHERE') return { from, set, where: j };
      i = j - 1;
    }
  }
  return { from, set, where: -1 };
}

function alterDrops(s: string): boolean {
  const m = ALTER_TABLE_RE.exec(s);
  return m !== null && ALTER_DROP_RE.test(s.slice(m.index));
}

// Each DML keyword scans to the end of its statement; past this many in one statement the input is
// not a real command line, and it is judged destructive rather than scanned quadratically.
const MAX_DML_PER_STATEMENT = 16;

/** TRUNCATE, or DELETE / UPDATE with no WHERE (or a WHERE that is always true). */
function unqualifiedDml(s: string): boolean {
  DML_RE.lastIndex = 0;
  let seen = 0;
  for (let m = DML_RE.exec(s); m !== null; m = DML_RE.exec(s)) {
    if (++seen > MAX_DML_PER_STATEMENT) return true;
    const kw = m[1]!;
    const prev = PRECEDING_WORD_RE.exec(s.slice(Math.max(0, m.index - 24), m.index))?.[1];
    if (prev !== undefined && NOT_A_STATEMENT.has(prev)) continue;
    const after = m.index + kw.length;
    if (kw === 'TRUNCATE') {
      // MySQL's TRUNCATE(x, d) is a rounding function.
      if (!CALL_PAREN_RE.test(s.slice(after))) return true;
      continue;
    }
    const clause = clauseWords(s, after);
    if (kw === 'DELETE' ? !clause.from : !clause.set) continue;
    if (clause.where < 0 || TRIVIAL_WHERE_RE.test(s.slice(clause.where))) return true;
  }
  return false;
}

function classifyStatement(s: string): number {
  const head = s.charCodeAt(0);
  if (head === 92) {
    // psql meta-commands: \d, \l, \copy ... from (a load) and \gexec (runs the query's output).
    if (s.startsWith('\\COPY')) return COPY_FROM_RE.test(s) ? SQL_WRITE : SQL_READ;
    return SQL_READ;
  }
  if (head === 46) {
    // sqlite3 dot-commands.
    if (s.startsWith('.RESTORE')) return SQL_DESTROY;
    if (s.startsWith('.IMPORT')) return SQL_WRITE;
    if (s.startsWith('.SHELL') || s.startsWith('.SYSTEM') || s.startsWith('.READ')) return 0;
    return SQL_READ;
  }
  const first = FIRST_WORD_RE.exec(s)?.[1] ?? '';
  // Plain EXPLAIN only plans the statement; EXPLAIN ANALYZE runs it.
  if (first === 'EXPLAIN' && !ANALYZE_RE.test(s)) return SQL_READ;
  let flags = 0;
  if (DROP_RE.test(s) || alterDrops(s) || unqualifiedDml(s)) flags |= SQL_DESTROY;
  if (first === 'COPY') flags |= COPY_FROM_RE.test(s) ? SQL_WRITE : SQL_READ;
  else if (WRITE_WORDS.has(first)) flags |= SQL_WRITE;
  else if (first === 'WITH' || first === 'EXPLAIN') flags |= WRITE_INSIDE_RE.test(s) ? SQL_WRITE : SQL_READ;
  else if (READ_WORDS.has(first)) flags |= SQL_READ;
  return flags;
}

function classifyMasked(masked: string): number {
  let flags = 0;
  for (const part of masked.toUpperCase().split(';')) {
    const s = part.trim();
    if (s !== '') flags |= classifyStatement(s);
  }
  return flags;
}

/** SQL_READ | SQL_WRITE | SQL_DESTROY bits for one command-line SQL argument (possibly several statements). */
export function classifySql(sql: string): number {
  const masked = maskSql(sql, false);
  let flags = classifyMasked(masked);
  if (sql.includes('\\')) flags |= classifyMasked(maskSql(sql, true));
  if (DYNAMIC_RE.test(masked.toUpperCase()))
    flags |= classifyMasked(sql.replace(QUOTES_RE, ' ')) & SQL_DESTROY;
  return flags;
}

/**
 * Destruction is tagged wherever it runs (rules pair it with db.remote); other writes only count as
 * a production change on a remote database, since local databases are ordinary development.
 */
export function addSqlTags(out: InfraTag[], flags: number, remote: boolean): InfraTag[] {
  if (flags & SQL_DESTROY) add(out, 'db.destroy');
  else if (flags & SQL_WRITE) {
    if (remote) add(out, 'infra.change');
  } else if (flags & SQL_READ) add(out, 'infra.read');
  return out;
}

export function addLocality(out: InfraTag[], remote: boolean): InfraTag[] {
  return add(out, remote ? 'db.remote' : 'db.local');
}

const CONNINFO_HOST_RE = /(?:^|\s)(?:host|hostaddr)\s*=\s*'?([^\s']*)/g;
const CONNINFO_SERVICE_RE = /(?:^|\s)service\s*=/;

/** A libpq-style target (URI, `key=value` conninfo or plain name) reaches another machine, or may. */
export function pgTargetRemote(target: string): boolean {
  if (isDynamic(target)) return true;
  const hosts = uriHosts(target);
  if (hosts) return hosts.some((h) => !isLocalHost(h));
  if (!target.includes('=')) return false;
  // A service entry in pg_service.conf can point anywhere.
  if (CONNINFO_SERVICE_RE.test(target)) return true;
  CONNINFO_HOST_RE.lastIndex = 0;
  for (let m = CONNINFO_HOST_RE.exec(target); m !== null; m = CONNINFO_HOST_RE.exec(target)) {
    if (!isLocalHost(m[1]!)) return true;
  }
  return false;
}

const PG_COMMON = '-h --host -p --port -U --username -d --dbname --maintenance-db';
const PSQL_VALUES = valueFlags(
  `${PG_COMMON} -c --command -f --file -v --set --variable -o --output -L --log-file -F --field-separator -R --record-separator -P --pset -T --table-attr`,
);
const PG_DUMP_VALUES = valueFlags(
  `${PG_COMMON} -f --file -F --format -n --schema -N --exclude-schema -t --table -T --exclude-table -Z --compress -j --jobs -E --encoding -S --superuser --lock-wait-timeout --role -e --extension --exclude-extension --section --exclude-table-data --filter --rows-per-insert --extra-float-digits`,
);
const PG_ADMIN_VALUES = valueFlags(
  '-h --host -p --port -U --username --maintenance-db -T --template -O --owner -E --encoding -l --locale -D --tablespace --lc-collate --lc-ctype',
);

function pgRemote(argv: readonly string[], values: ValueFlags, maxPositionals: number): boolean {
  for (const h of flagValues(argv, ['-h', '--host'], values)) if (!isLocalHost(h)) return true;
  for (const t of flagValues(argv, ['-d', '--dbname', '--maintenance-db'], values))
    if (pgTargetRemote(t)) return true;
  for (const t of positionals(argv, 0, values, maxPositionals)) if (pgTargetRemote(t)) return true;
  return false;
}

export function psql(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const remote = pgRemote(argv, PSQL_VALUES, 2);
  const prod = pgProduction(argv, PSQL_VALUES, 2, info);
  const out = addProductionTag(addLocality([], remote), prod);
  let flags = 0;
  for (const sql of flagValues(argv, ['-c', '--command'], PSQL_VALUES)) flags |= classifySql(sql);
  flags |= classifySql(psqlScript(argv, info));
  return addSqlTags(out, flags, remote || prod);
}

/** pg_dump / pg_dumpall: a read of the whole database. */
export function pgDump(argv: readonly string[]): InfraTag[] {
  return add(addLocality([], pgRemote(argv, PG_DUMP_VALUES, 1)), 'infra.read');
}

const PG_RESTORE_VALUES = valueFlags(
  '-h --host -p --port -U --username -d --dbname -f --file -F --format -n --schema -N --exclude-schema -t --table -T --trigger -I --index -P --function -L --use-list -j --jobs -S --superuser --role --section --filter',
);

// Only the bool letters: `-Fc` (custom format) must not read as `-c`.
const PG_RESTORE_BOOL_CLUSTER_RE = /^-[acCe1OsxvwWl]+$/;

/** `--clean` drops every object before recreating it. */
export function pgRestore(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const remote = pgRemote(argv, PG_RESTORE_VALUES, 0);
  const out = addProductionTag(addLocality([], remote), pgProduction(argv, PG_RESTORE_VALUES, 0, info));
  const clean =
    hasFlag(argv, ['--clean']) || argv.some((a) => PG_RESTORE_BOOL_CLUSTER_RE.test(a) && a.includes('c'));
  return addSqlTags(out, clean ? SQL_DESTROY : SQL_WRITE, remote);
}

export function dropdb(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const out = addLocality([], pgRemote(argv, PG_ADMIN_VALUES, 1));
  return addSqlTags(addProductionTag(out, pgProduction(argv, PG_ADMIN_VALUES, 1, info)), SQL_DESTROY, false);
}

/** createdb / createuser: writes, which only matter remotely. */
export function pgCreate(argv: readonly string[]): InfraTag[] {
  const remote = pgRemote(argv, PG_ADMIN_VALUES, 1);
  return addSqlTags(addLocality([], remote), SQL_WRITE, remote);
}

const MYSQL_VALUES = valueFlags(
  '-h --host -u --user -P --port -S --socket -D --database -e --execute --default-character-set --defaults-file --defaults-extra-file --defaults-group-suffix --login-path --protocol --ssl-ca --ssl-capath --ssl-cert --ssl-key --ssl-mode --ssl-cipher --tls-version --init-command --connect-timeout --max-allowed-packet --net-buffer-length --plugin-dir --default-auth --bind-address --delimiter --tee --character-sets-dir',
);
const MYSQLDUMP_VALUES = union(
  MYSQL_VALUES,
  valueFlags('-r --result-file -w --where --ignore-table --tables'),
);
const MYSQLADMIN_VALUES = union(MYSQL_VALUES, valueFlags('-c --count -i --sleep'));

/**
 * No host means the local socket. An option file or login path can name any host, so without an
 * explicit local host it counts as remote.
 */
function mysqlRemote(argv: readonly string[], values: ValueFlags): boolean {
  const hosts = flagValues(argv, ['-h', '--host'], values);
  if (hosts.length > 0) return hosts.some((h) => !isLocalHost(h));
  return hasFlag(argv, [
    '--login-path',
    '--defaults-file',
    '--defaults-extra-file',
    '--defaults-group-suffix',
  ]);
}

export function mysql(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const remote = mysqlRemote(argv, MYSQL_VALUES);
  const prod = mysqlProduction(argv, MYSQL_VALUES, info);
  const out = addProductionTag(addLocality([], remote), prod);
  let flags = 0;
  for (const sql of flagValues(argv, ['-e', '--execute'], MYSQL_VALUES)) flags |= classifySql(sql);
  flags |= classifySql(mysqlScript(argv, info));
  return addSqlTags(out, flags, remote || prod);
}

export function mysqldump(argv: readonly string[]): InfraTag[] {
  return add(addLocality([], mysqlRemote(argv, MYSQLDUMP_VALUES)), 'infra.read');
}

const MYSQLADMIN_READ = new Set(['status', 'extended-status', 'processlist', 'ping', 'variables', 'version']);

export function mysqladmin(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const remote = mysqlRemote(argv, MYSQLADMIN_VALUES);
  const out = addProductionTag(addLocality([], remote), mysqlProduction(argv, MYSQLADMIN_VALUES, info));
  const i = nextPositional(argv, 0, MYSQLADMIN_VALUES);
  const cmd = i < 0 ? '' : argv[i]!.toLowerCase();
  if (cmd === 'drop') return addSqlTags(out, SQL_DESTROY, remote);
  if (cmd === 'password' || cmd === 'old-password') return add(out, 'cred.manage');
  if (MYSQLADMIN_READ.has(cmd)) return add(out, 'infra.read');
  if (cmd !== '') addSqlTags(out, SQL_WRITE, remote);
  return out;
}

const SQLITE_OPTS = 'cmd init separator newline nullvalue vfs maxsize mmap lookaside pagecache heap escape';
const SQLITE_VALUES = valueFlags(
  SQLITE_OPTS.split(' ')
    .map((o) => `-${o} --${o}`)
    .join(' '),
);

/** Always a file on this machine; statements follow the file name or come through -cmd. */
export function sqlite3(argv: readonly string[]): InfraTag[] {
  const out = addLocality([], false);
  let flags = 0;
  for (const sql of flagValues(argv, ['-cmd', '--cmd'], SQLITE_VALUES)) flags |= classifySql(sql);
  const pos = positionals(argv, 0, SQLITE_VALUES);
  for (let k = 1; k < pos.length; k++) flags |= classifySql(pos[k]!);
  const prod = pos.length > 0 && namesProduction(pos[0]!);
  return addSqlTags(addProductionTag(out, prod), flags, prod);
}

// ---- production and test names (issue 12) ------------------------------------------------------
// A database whose name says production is production wherever it is reached from: a tunnel or a
// port-forward to it is `localhost` too. Names are split into words (`app_production`, `ordersProd`,
// `prod-db.internal`, `APP_PROD`), so `products` and `reproduction` are not production.

const CAMEL_RE = /([a-z0-9])([A-Z])/g;
const PRODUCTION_WORD_RE = /(?:^|[^a-z])(?:prod|production|prd)(?:[^a-z]|$)/;
const TEST_WORD_RE = /(?:^|[^a-z])(?:test|tests|testing)(?:[^a-z]|$)/;

/** `s` (a database name, URL, host, environment or settings module) names production. */
export function namesProduction(s: string): boolean {
  return PRODUCTION_WORD_RE.test(s.replace(CAMEL_RE, '$1_$2').toLowerCase());
}

/** `s` names a test database or environment (`myapp_test`, `RAILS_ENV=test`, `settings.testing`). */
export function namesTest(s: string): boolean {
  return TEST_WORD_RE.test(s.replace(CAMEL_RE, '$1_$2').toLowerCase());
}

export function addProductionTag(out: InfraTag[], production: boolean): InfraTag[] {
  return production ? add(out, 'db.production') : out;
}

function envNamesProduction(info: ExecInfo | undefined, keys: readonly string[]): boolean {
  for (const k of keys) {
    const v = info?.env?.get(k);
    if (v && namesProduction(v)) return true;
  }
  return false;
}

function pgProduction(
  argv: readonly string[],
  values: ValueFlags,
  maxPositionals: number,
  info?: ExecInfo,
): boolean {
  for (const t of flagValues(argv, ['-h', '--host', '-d', '--dbname', '--maintenance-db'], values))
    if (namesProduction(t)) return true;
  for (const t of positionals(argv, 0, values, maxPositionals)) if (namesProduction(t)) return true;
  return envNamesProduction(info, ['PGDATABASE', 'PGHOST', 'PGSERVICE']);
}

function mysqlProduction(argv: readonly string[], values: ValueFlags, info?: ExecInfo): boolean {
  for (const t of flagValues(argv, ['-h', '--host', '-D', '--database', '--login-path'], values))
    if (namesProduction(t)) return true;
  const i = nextPositional(argv, 0, values);
  if (i >= 0 && namesProduction(argv[i]!)) return true;
  return envNamesProduction(info, ['MYSQL_HOST', 'MYSQL_DATABASE']);
}

// Statements that change no data and no schema: transaction control and session settings.
const NEUTRAL_WORDS = new Set([
  'BEGIN',
  'START',
  'COMMIT',
  'END',
  'ROLLBACK',
  'ABORT',
  'SAVEPOINT',
  'RELEASE',
  'SET',
  'RESET',
  'SHOW',
]);

/**
 * Every statement only reads (or is transaction control): what lets an MCP tool named `execute_sql`
 * that carries a SELECT count as a read. Anything unknown, dynamic or writing is not read-only.
 */
export function sqlReadOnly(sql: string): boolean {
  const flags = classifySql(sql);
  if (flags !== SQL_READ && flags !== 0) return false;
  for (const backslash of sql.includes('\\') ? [false, true] : [false]) {
    const masked = maskSql(sql, backslash).toUpperCase();
    if (DYNAMIC_RE.test(masked)) return false;
    for (const part of masked.split(';')) {
      const st = part.trim();
      if (st === '' || classifyStatement(st) === SQL_READ) continue;
      if (!NEUTRAL_WORDS.has(FIRST_WORD_RE.exec(st)?.[1] ?? '')) return false;
    }
  }
  return true;
}

// ---- SQL that reaches the client from stdin or files (issue 12, class 1) --------------------------
// `psql -h prod <<< 'DROP DATABASE app'`, `mysql -h prod < purge.sql`, `psql -f reset.sql` and the
// files `\i` or `source` pull in are classified like `-c`/`-e`; any of them nobody can read is
// reported through `info.unseen` (opaque, tier 3).

const PSQL_INCLUDE_RE = /^[ \t]*\\(?:i|ir|include|include_relative)[ \t]+(\S+)/gm;
const MYSQL_INCLUDE_RE = /^[ \t]*(?:source|\\\.)[ \t]+(\S+)/gim;

function includedIn(texts: readonly string[], re: RegExp): string[] {
  const out: string[] = [];
  for (const t of texts) for (const m of t.matchAll(re)) out.push(m[1]!);
  return out;
}

/** psql reads `-f` files (`-` is stdin) and, with neither `-c` nor `-f`, its stdin. */
function psqlScript(argv: readonly string[], info: ExecInfo | undefined): string {
  if (!info) return '';
  const commands = flagValues(argv, ['-c', '--command'], PSQL_VALUES);
  const files = flagValues(argv, ['-f', '--file'], PSQL_VALUES);
  const informational = hasFlag(argv, ['-l', '--list', '-V', '--version', '-?', '--help']);
  const readsStdin = commands.length === 0 && files.length === 0 && !informational;
  if (commands.some((c) => wholeRunTime(info, c))) info.unseen?.('SQL only known at run time');
  return scriptText(info, [...files, ...includedIn(commands, PSQL_INCLUDE_RE)], readsStdin, PSQL_INCLUDE_RE);
}

/** mysql reads its stdin unless `-e` gives the statements; `source FILE` and `\. FILE` read files. */
function mysqlScript(argv: readonly string[], info: ExecInfo | undefined): string {
  if (!info) return '';
  const commands = flagValues(argv, ['-e', '--execute'], MYSQL_VALUES);
  const informational = hasFlag(argv, ['-V', '--version', '-?', '--help']);
  const readsStdin = commands.length === 0 && !informational;
  if (commands.some((c) => wholeRunTime(info, c))) info.unseen?.('SQL only known at run time');
  return scriptText(info, includedIn(commands, MYSQL_INCLUDE_RE), readsStdin, MYSQL_INCLUDE_RE);
}
