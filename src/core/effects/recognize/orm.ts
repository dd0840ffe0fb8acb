// ORM and migration-tool commands that wipe a whole database (issue 12): `prisma migrate reset`,
// `rails db:drop`, `manage.py flush`, `alembic downgrade base`, `knex migrate:rollback --all`, ...
//
// Their target is not on the command line: it comes from configuration the guard does not read
// (`.env`, `database.yml`, settings modules, knexfiles). So a reset is `db.reset` (tier 3), raised to
// production (`db.production`, tier 4) when the environment or a URL on the line names production,
// to `db.remote` when a URL names another machine, and left quiet (`db.test`) when it names a test
// database. Runners (`bundle exec`, `poetry run`, `npm exec`, `heroku run`, ...) are looked through.
import { own } from '../../own.ts';
import {
  flagValues,
  hasFlag,
  isDynamic,
  isLocalHost,
  nextPositional,
  uriHosts,
  valueFlags,
} from './_args.ts';
import { add, type ExecInfo, type InfraTag } from './_tags.ts';
import { classifySql, namesProduction, namesTest, pgTargetRemote, SQL_DESTROY } from './sql.ts';

/** A whole-database wipe, with the words that select its database or environment. */
interface Reset {
  targets: string[];
  /** The environment the command runs with, when a wrapper (`env A=1 cmd`) added to it. */
  info?: ExecInfo | undefined;
  /** Known to run against a deployed app's database (`heroku run`). */
  remote?: boolean;
}

type Finder = (argv: readonly string[], info: ExecInfo | undefined, depth: number) => Reset | undefined;

const MAX_DEPTH = 4;

// Variables that pick the environment or the database: RAILS_ENV, NODE_ENV, MIX_ENV, APP_ENV,
// DJANGO_SETTINGS_MODULE, ASPNETCORE_ENVIRONMENT, DATABASE_URL, PGDATABASE, GOOSE_DBSTRING, FLYWAY_URL...
const ENV_KEY_RE =
  /(?:^|_)(?:ENV|ENVIRONMENT|STAGE|PROFILES_ACTIVE|SETTINGS_MODULE|CONFIGURATION|CONFIG)$|DATABASE|(?:^|_)DB(?:_|$)|DBSTRING|DSN|(?:^|_)UR[LI]$|HOST$|CONNECTION/;

function envTargets(info: ExecInfo | undefined): string[] {
  const out: string[] = [];
  if (info?.env) for (const [k, v] of info.env) if (v && ENV_KEY_RE.test(k.toUpperCase())) out.push(v);
  return out;
}

/** A URL, conninfo or JDBC string on the line names a host that is not this machine. */
function remoteTarget(t: string): boolean {
  if (isDynamic(t)) return false;
  const s = t.replace(/^jdbc:/i, '');
  const hosts = uriHosts(s);
  if (hosts) return hosts.some((h) => h !== '' && !isLocalHost(h));
  if (/(?:^|\s)host(?:addr)?\s*=/.test(s)) return pgTargetRemote(s);
  const tcp = /@tcp\(([^):]+)/.exec(s);
  return tcp ? !isLocalHost(tcp[1]!) : false;
}

function tagsOf(r: Reset, info: ExecInfo | undefined): InfraTag[] {
  const out: InfraTag[] = ['db.reset'];
  const all = [...r.targets, ...envTargets(info)];
  if (all.some(namesProduction)) return add(out, 'db.production');
  if (r.remote || all.some(remoteTarget)) add(out, 'db.remote');
  if (all.some(namesTest)) add(out, 'db.test');
  return out;
}

/** `KEY=value` words (rake and make style arguments) as an environment of their own. */
function withArgEnv(argv: readonly string[], info: ExecInfo | undefined): ExecInfo | undefined {
  let env: Map<string, string | null> | undefined;
  for (const a of argv) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
    if (!m) continue;
    env ??= new Map(info?.env ?? []);
    env.set(m[1]!, m[2]!);
  }
  return env ? { ...info, env } : info;
}

/** The SQL it will run destroys data, or what reaches its stdin cannot be seen at all. */
function sqlDestroys(sql: readonly string[], info: ExecInfo | undefined, readsStdin: boolean): boolean {
  if (sql.some((s) => (classifySql(s) & SQL_DESTROY) !== 0)) return true;
  if (!readsStdin) return false;
  const stdin = info?.stdin;
  if (!stdin) return false;
  // Text the shell shows (a here-doc, `echo ... |`) or a file it can read; anything else is unseen.
  const text =
    stdin.kind === 'text'
      ? stdin.text
      : stdin.kind === 'file' && stdin.path
        ? info.read?.(stdin.path)
        : undefined;
  return text === undefined || (classifySql(text) & SQL_DESTROY) !== 0;
}

// Code handed to a framework's runner or shell: mass deletes and updates through the ORM (a relation
// with no filter, or one that is always true), schema drops, or SQL in a string literal.
// A call whose argument has no parentheses inside: `where(nil)`, `order(:id)`.
const ARGS = String.raw`\([^()]*\)`;
// Filters that select every row.
const TRUE_SQL = String.raw`\s*["'](?:\s*1\s*=\s*1|\s*true|\s*1|\s*1\s*<>\s*0)\s*["']\s*`;
// ActiveRecord: links that keep every row, then delete_all / destroy_all / update_all.
const RB_LINK = String.raw`\.(?:all|unscoped|where\(\s*(?:nil|\{\s*\}|true|${TRUE_SQL})?\s*\)|where\.not\(\s*id:\s*nil\s*\)|(?:unscope|order|reorder|includes|joins|left_joins|preload|eager_load|select|readonly|in_batches|find_each|lock)(?:${ARGS})?)`;
const RB_MASS = String.raw`\b[A-Z][\w:]*(?:${RB_LINK})*(?:\.(?:delete_all|destroy_all)\b(?![ \t]*\([ \t]*[^)\s])|\.update_all\b|\.(?:each|find_each)\s*\(\s*&:(?:destroy|delete)!?\s*\))`;
const RB_CONN = String.raw`\.connection\.truncate(?:_tables)?\b|\bpurge_current_database\b|\bdrop_table\b`;
// Django: a manager, links that keep every row, then delete() / update(...).
const PY_LINK = String.raw`\.(?:all|filter|exclude)\(\s*(?:\*\*\{\s*\}\s*)?\)|\.filter\(\s*(?:pk|id)__(?:isnull\s*=\s*False|gte?\s*=\s*0)\s*\)|\.(?:order_by|select_related|prefetch_related|only|defer|using)${ARGS}`;
const PY_MASS = String.raw`\b[A-Z]\w*\.(?:objects|_base_manager|_default_manager|all_objects|\w+_objects)(?:${PY_LINK})*\.(?:delete\(\s*\)|update\()`;
// Eloquent: a model or table, links that keep every row, then delete / forceDelete / truncate / update.
const PHP_LINK = String.raw`(?:query|all|withTrashed|onlyTrashed|withoutGlobalScopes|newQuery|toBase|orderBy|latest|oldest)(?:${ARGS})|whereRaw\(${TRUE_SQL}\)|where\(\s*["']?id["']?\s*,\s*["']>=?["']\s*,\s*0\s*\)|each`;
const PHP_MASS = String.raw`(?:\b[A-Z][\w\\]*::|\bDB::table${ARGS}->|\bDB::connection${ARGS}->table${ARGS}->)(?:(?:${PHP_LINK})->)*(?:delete|forceDelete|truncate|update)\(|\b[A-Z][\w\\]*::(?:truncate|forceDelete)\(`;
// Ecto: Repo.delete_all / update_all of a whole schema or an unfiltered `from`.
const EX_QUERY = String.raw`(?:[A-Z][\w.]*|from\s*\(?\s*\w+\s+in\s+[A-Z][\w.]*\s*\)?)`;
const EX_MASS = String.raw`\bRepo\.(?:delete_all|update_all)!?\(\s*(?:[A-Z][\w.]*\s*[,)]|from\s*\(?\s*\w+\s+in\s+[A-Z][\w.]*\s*\)?\s*\))|${EX_QUERY}\s*\|>\s*(?:[A-Z]\w*\.)*Repo\.(?:delete_all|update_all)\b|\bEcto\.Migrator\.run\([^)]*:down`;
// Whole-schema drops in any of them.
const DROP_CODE = String.raw`drop_all\(|dropDatabase\(|\.drop\(\)|sequelize\.(?:drop|sync\(\s*\{\s*force\s*:\s*true)|Schema::(?:drop|dropIfExists|dropAllTables)\(`;
const MASS_DELETE_RE = new RegExp(
  [RB_MASS, RB_CONN, PY_MASS, PHP_MASS, EX_MASS, DROP_CODE].map((r) => `(?:${r})`).join('|'),
);
const STRING_RE = /"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'/g;
/** Runner code longer than this is judged on its first part only (the hook must stay cheap). */
const MAX_CODE = 64 * 1024;

/** Framework code (a runner's `-e`, a shell's `-c`, its stdin) deletes or rewrites whole tables. */
export function codeDestroys(code0: string): boolean {
  const code = code0.length > MAX_CODE ? code0.slice(0, MAX_CODE) : code0;
  if (MASS_DELETE_RE.test(code)) return true;
  STRING_RE.lastIndex = 0;
  for (let m = STRING_RE.exec(code); m !== null; m = STRING_RE.exec(code))
    if (classifySql(m[1] ?? m[2] ?? '') & SQL_DESTROY) return true;
  return false;
}

/** Code a REPL reads from its stdin (a here-doc, `echo ... |`, `< file`); unreadable text is not judged. */
function stdinCode(info: ExecInfo | undefined): string | undefined {
  const s = info?.stdin;
  if (!s) return undefined;
  if (s.kind === 'text') return s.text;
  if (s.kind === 'file' && s.path !== undefined) return info.read?.(s.path);
  return undefined;
}

function positionalsOf(argv: readonly string[], values: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (
    let i = nextPositional(argv, 0, values);
    i >= 0 && out.length < 32;
    i = nextPositional(argv, i + 1, values)
  )
    out.push(argv[i]!);
  return out;
}

// ---- Ruby: rails, rake -------------------------------------------------------------------------

const RAKE_RESET_RE =
  /^db:(?:drop|reset|purge|truncate_all|setup|migrate:reset|schema:load|structure:load|seed:replant)(?::\w+)?$/;
const RAILS_VALUES = valueFlags('-e --environment -f --rakefile -C --directory -I --libdir -r --require');

const rails: Finder = (argv, info0) => {
  const info = withArgEnv(argv, info0);
  const env = flagValues(argv, ['-e', '--environment'], RAILS_VALUES);
  const pos = positionalsOf(argv, RAILS_VALUES);
  const targets = [...env, ...pos.filter((p) => p.includes('='))];
  if (pos.some((p) => RAKE_RESET_RE.test(p))) return { targets };
  if (pos.includes('db:migrate') && info?.env?.get('VERSION') === '0') return { targets };
  const cmd = pos[0];
  if (cmd === 'runner' || cmd === 'r') {
    // `rails runner CODE`, `rails runner script.rb`, `rails runner - < x.rb`.
    const code = pos[1];
    const text =
      code === undefined || code === '-'
        ? stdinCode(info)
        : /^[\w./-]+\.rb$/.test(code)
          ? info?.read?.(code)
          : code;
    if (text !== undefined && codeDestroys(text)) return { targets };
  }
  if ((cmd === 'console' || cmd === 'c') && codeDestroys(stdinCode(info) ?? '')) return { targets };
  if ((cmd === 'dbconsole' || cmd === 'db') && sqlDestroys([], info, true)) return { targets };
  return undefined;
};

// ---- Python: manage.py / django-admin, alembic, flask ------------------------------------------

const DJANGO_VALUES = valueFlags(
  '--settings --pythonpath --database -v --verbosity -c --command -e --execute',
);
const DJANGO_RESET = new Set(['flush', 'reset_db', 'reset_schema', 'drop_test_database']);

const django: Finder = (argv, info) => {
  const dashdash = argv.indexOf('--');
  const own = dashdash < 0 ? argv : argv.slice(0, dashdash);
  const targets = flagValues(own, ['--settings', '--database'], DJANGO_VALUES);
  const pos = positionalsOf(own, DJANGO_VALUES);
  const cmd = pos[0];
  if (cmd === undefined) return undefined;
  if (DJANGO_RESET.has(cmd))
    return cmd === 'drop_test_database' ? { targets: [...targets, 'test'] } : { targets };
  if (cmd === 'migrate' && pos[2] === 'zero' && !hasFlag(own, ['--fake', '--plan'])) return { targets };
  if (cmd === 'dbshell') {
    const client = dashdash < 0 ? [] : argv.slice(dashdash + 1);
    const sql = flagValues(
      client,
      ['-c', '--command', '-e', '--execute'],
      valueFlags('-c --command -e --execute'),
    );
    if (sqlDestroys(sql, info, sql.length === 0)) return { targets };
  }
  if (cmd === 'shell' || cmd === 'shell_plus') {
    const code = flagValues(own, ['-c', '--command'], DJANGO_VALUES);
    if (code.some(codeDestroys)) return { targets };
    if (code.length === 0 && codeDestroys(stdinCode(info) ?? '')) return { targets };
  }
  return undefined;
};

const ALEMBIC_VALUES = valueFlags('-c --config -n --name -x');

const alembic: Finder = (argv) => {
  const pos = positionalsOf(argv, ALEMBIC_VALUES);
  if (pos[0] !== 'downgrade' || hasFlag(argv, ['--sql'])) return undefined;
  if (!/^base$|^[\w-]*@base$/.test(pos[1] ?? '')) return undefined;
  return { targets: flagValues(argv, ['-c', '--config', '-n', '--name', '-x'], ALEMBIC_VALUES) };
};

const FLASK_VALUES = valueFlags('-A --app -e --env-file -d --directory -x');
// Project commands named for what they do: `flask drop-db`, `flask reset_db`, `invoke db.reset`.
const CUSTOM_RESET_RE =
  /^(?:(?:drop|reset|wipe|purge|flush|truncate|nuke|recreate|clear)[-_:.]?(?:db|database|tables?|all|schema|data)|(?:db|database)[-_:.](?:drop|reset|wipe|purge|flush|truncate|nuke|recreate|clear))$/i;

const flask: Finder = (argv) => {
  const pos = positionalsOf(argv, FLASK_VALUES);
  const targets = flagValues(argv, ['-A', '--app', '-e', '--env-file'], FLASK_VALUES);
  if (pos[0] === 'db' && pos[1] === 'downgrade' && !hasFlag(argv, ['--sql']) && /^base$/.test(pos[2] ?? ''))
    return { targets };
  if (pos[0] !== undefined && CUSTOM_RESET_RE.test(pos[0])) return { targets };
  return undefined;
};

// ---- Node: prisma, knex, sequelize, typeorm, drizzle-kit ----------------------------------------

const PRISMA_VALUES = valueFlags('--schema --url --file --name -n --from-url --to-url');

const prisma: Finder = (argv, info) => {
  const pos = positionalsOf(argv, PRISMA_VALUES);
  const targets = flagValues(argv, ['--schema', '--url'], PRISMA_VALUES);
  const [group, verb] = pos;
  if (group === 'migrate' && verb === 'reset') return { targets };
  if (group === 'db' && verb === 'push' && hasFlag(argv, ['--force-reset', '--accept-data-loss']))
    return { targets };
  if (group === 'db' && verb === 'execute') {
    // The SQL comes from --file (not read here) or --stdin.
    if (hasFlag(argv, ['--file'])) return { targets };
    if (hasFlag(argv, ['--stdin']) && (info?.stdin === undefined || sqlDestroys([], info, true)))
      return { targets };
  }
  return undefined;
};

const KNEX_VALUES = valueFlags(
  '--knexfile --knexpath --cwd --client --connection --migrations-directory --migrations-table-name --env --specific -x',
);

const knex: Finder = (argv) => {
  const pos = positionalsOf(argv, KNEX_VALUES);
  if (pos[0] !== 'migrate:rollback' || !hasFlag(argv, ['--all'])) return undefined;
  return { targets: flagValues(argv, ['--env', '--knexfile', '--connection'], KNEX_VALUES) };
};

const SEQUELIZE_VALUES = valueFlags(
  '--env --url --config --options-path --migrations-path --seeders-path --models-path --to --from --name --seed',
);

const sequelize: Finder = (argv) => {
  const pos = positionalsOf(argv, SEQUELIZE_VALUES);
  const targets = flagValues(argv, ['--env', '--url', '--config', '--options-path'], SEQUELIZE_VALUES);
  const cmd = pos[0];
  if (cmd === 'db:drop' || cmd === 'db:migrate:undo:all') return { targets };
  if (cmd === 'db:migrate:undo' && flagValues(argv, ['--to'], SEQUELIZE_VALUES).includes('0'))
    return { targets };
  return undefined;
};

const TYPEORM_VALUES = valueFlags('-d --dataSource --data-source -c --connection -f --config');

const typeorm: Finder = (argv) => {
  const pos = positionalsOf(argv, TYPEORM_VALUES);
  const targets = flagValues(
    argv,
    ['-d', '--dataSource', '--data-source', '-c', '--connection', '-f', '--config'],
    TYPEORM_VALUES,
  );
  if (pos[0] === 'schema:drop') return { targets };
  if (pos[0] === 'query' && pos.slice(1).some((s) => (classifySql(s) & SQL_DESTROY) !== 0))
    return { targets };
  return undefined;
};

const DRIZZLE_VALUES = valueFlags('--config --dialect --schema --url --out --driver --tablesFilter');

const drizzle: Finder = (argv) => {
  const pos = positionalsOf(argv, DRIZZLE_VALUES);
  if (!/^push(?::\w+)?$/.test(pos[0] ?? '') || !hasFlag(argv, ['--force'])) return undefined;
  return { targets: flagValues(argv, ['--config', '--url'], DRIZZLE_VALUES) };
};

// ---- Elixir, PHP, .NET --------------------------------------------------------------------------

const MIX_VALUES = valueFlags('-r --repo --to --step -n -e --eval');

const mix: Finder = (argv, info) => {
  const tasks = positionalsOf(argv, MIX_VALUES).map((p) => p.replace(/[,+]+$/, ''));
  if (tasks.some((t) => t === 'ecto.drop' || t === 'ecto.reset')) return { targets: [] };
  if (
    tasks.includes('ecto.rollback') &&
    (hasFlag(argv, ['--all']) || flagValues(argv, ['--to'], MIX_VALUES).includes('0'))
  )
    return { targets: [] };
  if (tasks[0] === 'run') {
    if (flagValues(argv, ['-e', '--eval'], MIX_VALUES).some(codeDestroys)) return { targets: [] };
    // `mix run priv/repo/wipe.exs`: the script file.
    const script = tasks[1];
    const text = script !== undefined && /\.exs?$/.test(script) ? info?.read?.(script) : undefined;
    if (text !== undefined && codeDestroys(text)) return { targets: [] };
  }
  return undefined;
};

const ARTISAN_VALUES = valueFlags('--env --database --path --seeder --step --execute');
const ARTISAN_RESET = new Set(['migrate:fresh', 'migrate:refresh', 'migrate:reset', 'db:wipe']);

const artisan: Finder = (argv, info) => {
  const pos = positionalsOf(argv, ARTISAN_VALUES);
  const targets = flagValues(argv, ['--env', '--database'], ARTISAN_VALUES);
  const cmd = pos[0] ?? '';
  if (ARTISAN_RESET.has(cmd)) return { targets };
  if (cmd === 'tinker') {
    const code = flagValues(argv, ['--execute'], ARTISAN_VALUES);
    if (code.some(codeDestroys)) return { targets };
    if (code.length === 0 && codeDestroys(stdinCode(info) ?? '')) return { targets };
  }
  if (cmd === 'db' && sqlDestroys([], info, true)) return { targets };
  return undefined;
};

const SYMFONY_VALUES = valueFlags('-e --env --connection --em --group');

const symfony: Finder = (argv) => {
  const pos = positionalsOf(argv, SYMFONY_VALUES);
  const targets = flagValues(argv, ['-e', '--env', '--connection', '--em'], SYMFONY_VALUES);
  const cmd = pos[0] ?? '';
  if (cmd === 'doctrine:database:drop' || cmd === 'doctrine:schema:drop') return { targets };
  if (cmd === 'doctrine:fixtures:load' && !hasFlag(argv, ['--append'])) return { targets };
  if (
    (cmd === 'doctrine:query:sql' || cmd === 'dbal:run-sql') &&
    pos.slice(1).some((s) => (classifySql(s) & SQL_DESTROY) !== 0)
  )
    return { targets };
  return undefined;
};

/** php artisan ..., php bin/console ... */
const php: Finder = (argv, info, depth) => {
  const i = nextPositional(argv, 0, valueFlags('-c -d -f -r -z'));
  if (i < 0) return undefined;
  const script = argv[i]!.split('/').pop();
  if (script === 'artisan') return artisan(argv.slice(i + 1), info, depth);
  if (script === 'console') return symfony(argv.slice(i + 1), info, depth);
  return undefined;
};

const DOTNET_VALUES = valueFlags(
  '--connection --context -c --project -p --startup-project -s --framework --configuration --runtime -r --msbuildprojectextensionspath --environment -e',
);

const dotnetEf: Finder = (argv) => {
  const pos = positionalsOf(argv, DOTNET_VALUES);
  if (pos[0] !== 'ef' || pos[1] !== 'database') return undefined;
  const dashdash = argv.indexOf('--');
  const targets = [
    ...flagValues(argv, ['--connection', '--environment', '-e'], DOTNET_VALUES),
    ...(dashdash < 0 ? [] : argv.slice(dashdash + 1)),
  ];
  if (pos[2] === 'drop') return { targets };
  if (pos[2] === 'update' && pos[3] === '0') return { targets };
  return undefined;
};

// ---- Go and JVM migration tools ------------------------------------------------------------------

const GOOSE_VALUES = valueFlags('-dir -table -certfile -ssl-cert -ssl-key -env -timeout');

const goose: Finder = (argv) => {
  const pos = positionalsOf(argv, GOOSE_VALUES);
  // `goose [DRIVER DBSTRING] reset` or `down-to 0`: the words before the command name the database.
  const k = pos.findIndex((p, j) => p === 'reset' || (p === 'down-to' && pos[j + 1] === '0'));
  if (k < 0) return undefined;
  return { targets: [...pos.slice(0, k), ...flagValues(argv, ['-env'], GOOSE_VALUES)] };
};

const DBMATE_VALUES = valueFlags(
  '-u --url -e --env --env-file -d --migrations-dir --migrations-table -s --schema-file --wait-timeout',
);

const dbmate: Finder = (argv) => {
  const pos = positionalsOf(argv, DBMATE_VALUES);
  if (pos[0] !== 'drop') return undefined;
  return { targets: flagValues(argv, ['-u', '--url', '-e', '--env', '--env-file'], DBMATE_VALUES) };
};

// golang-migrate: `migrate -path DIR -database URL down` (no count, or `-all`) runs every down
// migration, `drop` drops everything in the database; `down N`, `up`, `goto`, `force` stay quiet.
const GOLANG_MIGRATE_VALUES = valueFlags(
  '-path --path -source --source -database --database -prefetch --prefetch -lock-timeout --lock-timeout',
);

const golangMigrate: Finder = (argv) => {
  const pos = positionalsOf(argv, GOLANG_MIGRATE_VALUES);
  const k = pos.findIndex((p) => p === 'down' || p === 'drop');
  if (k < 0) return undefined;
  if (pos[k] === 'down' && pos[k + 1] !== undefined && /^\d+$/.test(pos[k + 1]!) && pos[k + 1] !== '0')
    return undefined;
  return {
    targets: flagValues(
      argv,
      ['-database', '--database', '-source', '--source', '-path', '--path'],
      GOLANG_MIGRATE_VALUES,
    ),
  };
};

const flyway: Finder = (argv) => {
  if (!argv.includes('clean')) return undefined;
  // Options are `-key=value`: every value can name the database or the environment.
  return {
    targets: argv.filter((a) => a.startsWith('-') && a.includes('=')).map((a) => a.slice(a.indexOf('=') + 1)),
  };
};

const LIQUIBASE_VALUES = valueFlags(
  '--url --defaults-file --changelog-file --username --password --contexts --labels',
);

const liquibase: Finder = (argv) => {
  const pos = positionalsOf(argv, LIQUIBASE_VALUES);
  if (!pos.some((p) => /^drop-?all$/i.test(p))) return undefined;
  return { targets: flagValues(argv, ['--url', '--defaults-file'], LIQUIBASE_VALUES) };
};

const supabaseReset: Finder = (argv) => {
  const pos = positionalsOf(
    argv,
    valueFlags('--workdir --profile -o --output --db-url --project-ref -p --password'),
  );
  if (pos[0] !== 'db' || pos[1] !== 'reset') return undefined;
  return { targets: flagValues(argv, ['--db-url'], valueFlags('--db-url')) };
};

// ---- Runners: the framework command is further along the line ----------------------------------

/** Interpreter and runner words in front of the framework's own command. */
const python: Finder = (argv, info, depth) => {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-m') return dispatch(moduleProgram(argv[i + 1] ?? ''), argv.slice(i + 2), info, depth);
    if (a === '-c' || a === '-') return undefined;
    if (a === '-W' || a === '-X' || a === '-Q') {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return dispatch(a.split('/').pop() ?? a, argv.slice(i + 1), info, depth);
  }
  return undefined;
};

function moduleProgram(mod: string): string {
  return mod === 'django' ? 'django-admin' : mod;
}

/** `bundle exec X`, `poetry run X`, `npm exec -- X`, `pnpm X`, `yarn dlx X`, `bun x X`, ... */
function runner(subcommands: readonly string[] | 'any', values = valueFlags('')): Finder {
  return (argv, info, depth) => {
    const i = nextPositional(argv, 0, values);
    if (i < 0) return undefined;
    if (subcommands === 'any') return dispatchWords(argv.slice(i), info, depth);
    if (!subcommands.includes(argv[i]!)) return dispatchWords(argv.slice(i), info, depth, true);
    const j = nextPositional(argv, i + 1, values);
    return j < 0 ? undefined : dispatchWords(argv.slice(j), info, depth);
  };
}

const RUN_VALUES = valueFlags(
  '-a --app -r --remote -s --size -e --env --type -x --exit-code --service -s --environment',
);

/** `heroku run CMD`, `railway run CMD`, `fly ssh console -C "CMD"`: the database of a deployed app. */
function remoteRunner(program: 'heroku' | 'railway' | 'fly'): Finder {
  return (argv, info, depth) => {
    let words: string[];
    if (program === 'fly') {
      if (argv[0] !== 'ssh') return undefined;
      const c = flagValues(
        argv,
        ['-C', '--command'],
        valueFlags('-a --app -C --command -s --select -u --user'),
      );
      if (c.length === 0) return undefined;
      words = c[c.length - 1]!.trim().split(/\s+/);
    } else {
      const i = nextPositional(argv, 0, RUN_VALUES);
      if (i < 0 || !/^run(?::detached)?$/.test(argv[i]!)) return undefined;
      const j = nextPositional(argv, i + 1, RUN_VALUES);
      if (j < 0) return undefined;
      // `heroku run "rails db:reset" -a shop`: one quoted word holds the whole command.
      words = /\s/.test(argv[j]!) ? [...argv[j]!.trim().split(/\s+/), ...argv.slice(j + 1)] : argv.slice(j);
    }
    const r = dispatchWords(words, info, depth);
    return r ? { ...r, remote: true } : undefined;
  };
}

/** `env A=1 B=2 cmd ...`: the assignments reach the command. */
const envWrapper: Finder = (argv, info, depth) => {
  let i = 0;
  const env = new Map(info?.env ?? []);
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
    if (m) env.set(m[1]!, m[2]!);
    else if (a === '-u' || a === '--unset' || a === '-C' || a === '--chdir') i++;
    else if (!a.startsWith('-')) break;
  }
  return dispatchWords(argv.slice(i), { ...info, env }, depth);
};

const CONTAINER_VALUES = valueFlags(
  '-e --env --env-file -u --user -w --workdir --detach-keys --index --name --entrypoint -p --publish -v --volume -l --label --network --net -h --hostname --mount --platform --pull --restart --cpus -m --memory --add-host --dns --device --cap-add --cap-drop --security-opt --log-driver --log-opt --pid --ipc --tmpfs --ulimit --gpus --stop-signal --health-cmd --link --expose --runtime --cidfile --user-ns --userns --group-add -f --file --project-name --profile --context -c -H --host --log-level --config',
);

/**
 * `docker exec C cmd`, `docker run IMAGE cmd`, `docker compose exec|run SERVICE cmd`: the command runs
 * with the `-e` variables it is given. A container on this machine is not a remote database.
 */
const container: Finder = (argv, info, depth) => {
  let i = nextPositional(argv, 0, CONTAINER_VALUES);
  if (i >= 0 && argv[i] === 'compose') i = nextPositional(argv, i + 1, CONTAINER_VALUES);
  if (i < 0 || !['exec', 'run'].includes(argv[i]!)) return undefined;
  const from = i + 1;
  const target = nextPositional(argv, from, CONTAINER_VALUES);
  if (target < 0) return undefined;
  const env = new Map(info?.env ?? []);
  for (const e of flagValues(argv.slice(from, target), ['-e', '--env'], CONTAINER_VALUES)) {
    const eq = e.indexOf('=');
    if (eq > 0) env.set(e.slice(0, eq), e.slice(eq + 1));
  }
  const files = flagValues(argv.slice(from, target), ['--env-file'], CONTAINER_VALUES);
  const words = argv[target + 1] === '--' ? argv.slice(target + 2) : argv.slice(target + 1);
  const r = dispatchWords(words, { ...info, env }, depth);
  return r ? { ...r, targets: [...r.targets, ...files] } : undefined;
};

const KUBECTL_VALUES = valueFlags(
  '-n --namespace --context --cluster -c --container -f --filename --kubeconfig -l --selector',
);

/** `kubectl exec POD -- cmd`: a cluster's database; the namespace or context can name production. */
const kubectlExec: Finder = (argv, info, depth) => {
  const i = nextPositional(argv, 0, KUBECTL_VALUES);
  const dashdash = argv.indexOf('--');
  if (i < 0 || argv[i] !== 'exec' || dashdash < 0) return undefined;
  const r = dispatchWords(argv.slice(dashdash + 1), info, depth);
  if (!r) return undefined;
  const where = flagValues(
    argv.slice(0, dashdash),
    ['-n', '--namespace', '--context', '--cluster'],
    KUBECTL_VALUES,
  );
  return { ...r, targets: [...r.targets, ...where], remote: true };
};

/** `dotenv -e .env.production -- cmd`: the env file it loads names the environment. */
const dotenv: Finder = (argv, info, depth) => {
  const values = valueFlags('-e -v -c -f --env-file');
  const files = flagValues(argv, ['-e', '-c', '-f', '--env-file'], values);
  const dashdash = argv.indexOf('--');
  const i = dashdash >= 0 ? dashdash + 1 : nextPositional(argv, 0, values);
  const r = i < 0 ? undefined : dispatchWords(argv.slice(i), info, depth);
  return r ? { ...r, targets: [...r.targets, ...files] } : undefined;
};

const SCRIPT_SPLIT_RE = /\s*(?:&&|\|\||;|\|)\s*/;

/** Words of one package-script command, quotes stripped: enough to find a framework command in it. */
function scriptWords(segment: string): string[] {
  return segment
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/^(['"])(.*)\1$/, '$2'));
}

const PM_VALUES = valueFlags('-w --workspace --prefix -C --dir -F --filter --cwd');

/**
 * `npm run typeorm -- schema:drop`: the words after the script name are appended to its body, so the
 * script and its arguments are read together from package.json. `pnpm X` and `yarn X` run script X,
 * or the binary X when there is no such script.
 */
function packageManager(program: 'npm' | 'pnpm' | 'yarn' | 'bun'): Finder {
  const passThrough = runner(
    program === 'npm' ? ['exec', 'x'] : program === 'bun' ? ['x'] : ['exec', 'dlx'],
    PM_VALUES,
  );
  return (argv, info, depth) => {
    let i = nextPositional(argv, 0, PM_VALUES);
    if (i < 0) return undefined;
    const explicit = argv[i] === 'run' || argv[i] === 'run-script';
    if (explicit) i = nextPositional(argv, i + 1, PM_VALUES);
    const name = i < 0 ? undefined : argv[i]!;
    const body = name === undefined ? undefined : scriptBody(info, name);
    if (body !== undefined) {
      let rest = argv.slice(i + 1);
      if (rest[0] === '--') rest = rest.slice(1);
      const segments = body.split(SCRIPT_SPLIT_RE);
      if (rest.length > 0) segments[segments.length - 1] += ` ${rest.join(' ')}`;
      for (const seg of segments) {
        const r = envWrapper(scriptWords(seg), info, depth);
        if (r) return r;
      }
      return undefined;
    }
    return explicit ? undefined : passThrough(argv, info, depth);
  };
}

function scriptBody(info: ExecInfo | undefined, name: string): string | undefined {
  const text = info?.read?.('package.json');
  if (text === undefined) return undefined;
  try {
    const scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts;
    const body = scripts && typeof scripts === 'object' ? own(scripts, name) : undefined;
    return typeof body === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}

const FINDERS: ReadonlyMap<string, Finder> = new Map<string, Finder>([
  ['rails', rails],
  ['rake', rails],
  ['manage.py', django],
  ['django-admin', django],
  ['django-admin.py', django],
  ['alembic', alembic],
  ['flask', flask],
  ['prisma', prisma],
  ['knex', knex],
  ['sequelize', sequelize],
  ['sequelize-cli', sequelize],
  ['typeorm', typeorm],
  ['typeorm-ts-node-commonjs', typeorm],
  ['typeorm-ts-node-esm', typeorm],
  ['drizzle-kit', drizzle],
  ['mix', mix],
  ['php', php],
  ['artisan', artisan],
  ['console', symfony],
  ['dotnet', dotnetEf],
  ['goose', goose],
  ['dbmate', dbmate],
  ['flyway', flyway],
  ['migrate', golangMigrate],
  ['liquibase', liquibase],
  ['supabase', supabaseReset],
  ['python', python],
  ['python3', python],
  ['py', python],
  ['pypy3', python],
  ['bundle', runner(['exec'])],
  ['bundler', runner(['exec'])],
  ['poetry', runner(['run'])],
  ['pipenv', runner(['run'])],
  ['pdm', runner(['run'])],
  ['hatch', runner(['run'])],
  ['rye', runner(['run'])],
  ['uv', runner(['run'], valueFlags('--with --python -p --directory --project --env-file --package'))],
  ['uvx', runner('any')],
  ['pipx', runner(['run'])],
  ['npx', runner('any', valueFlags('-p --package -c'))],
  ['bunx', runner('any')],
  ['npm', packageManager('npm')],
  ['pnpm', packageManager('pnpm')],
  ['yarn', packageManager('yarn')],
  ['bun', packageManager('bun')],
  ['composer', runner(['exec'])],
  ['heroku', remoteRunner('heroku')],
  ['railway', remoteRunner('railway')],
  ['fly', remoteRunner('fly')],
  ['flyctl', remoteRunner('fly')],
  ['docker', container],
  ['podman', container],
  ['nerdctl', container],
  ['docker-compose', (argv, info, depth) => container(['compose', ...argv], info, depth)],
  ['podman-compose', (argv, info, depth) => container(['compose', ...argv], info, depth)],
  ['kubectl', kubectlExec],
  ['oc', kubectlExec],
  ['env', envWrapper],
  ['cross-env', envWrapper],
  ['dotenv', dotenv],
  ['dotenvx', (argv, info, depth) => (argv[0] === 'run' ? dotenv(argv.slice(1), info, depth) : undefined)],
]);

/**
 * Package managers' own commands are not binaries: `pnpm install`, `yarn add`. Only `pnpm X` / `yarn X`
 * with X a framework program (no script of that name is known here) is looked through.
 */
function dispatchWords(
  words: readonly string[],
  info: ExecInfo | undefined,
  depth: number,
  bareOnly = false,
): Reset | undefined {
  const head = words[0];
  if (head === undefined) return undefined;
  const program = (head.split('/').pop() ?? head).toLowerCase();
  if (bareOnly && !BARE_RUNNABLE.has(program)) return undefined;
  return dispatch(program, words.slice(1), info, depth);
}

const BARE_RUNNABLE = new Set([
  'prisma',
  'knex',
  'sequelize',
  'sequelize-cli',
  'typeorm',
  'typeorm-ts-node-commonjs',
  'typeorm-ts-node-esm',
  'drizzle-kit',
  'supabase',
  'rails',
  'rake',
  'python',
  'python3',
  'manage.py',
  'alembic',
  'flask',
  'dbmate',
]);

function dispatch(
  program: string,
  argv: readonly string[],
  info: ExecInfo | undefined,
  depth: number,
): Reset | undefined {
  if (depth >= MAX_DEPTH) return undefined;
  const r = FINDERS.get(program)?.(argv, info, depth + 1);
  return r && !r.info ? { ...r, info } : r;
}

// Document and key-value clients: their recognizers (kv-stores.ts) tag the destruction; a target
// that names production adds `db.production`, so `mongosh mongodb://localhost/app_prod --eval
// 'db.users.deleteMany({})'` meets the same rule as psql on a production-named database.
const KV_VALUES = valueFlags(
  '-h --host -p --port -u --username -n --db --authenticationDatabase --eval -f --file -a --pass --user',
);
const KV_TARGET_FLAGS = ['-h', '--host', '-u', '--username', '-n', '--db'];

function kvProduction(argv: readonly string[], info: ExecInfo | undefined): boolean {
  if (flagValues(argv, KV_TARGET_FLAGS, KV_VALUES).some(namesProduction)) return true;
  const i = nextPositional(argv, 0, KV_VALUES);
  if (i >= 0 && /[:/]/.test(argv[i]!) && namesProduction(argv[i]!)) return true;
  const env = info?.env;
  return ['MONGODB_URI', 'MONGO_URL', 'REDIS_URL', 'REDISCLI_HOST'].some((k) => {
    const v = env?.get(k);
    return v ? namesProduction(v) : false;
  });
}

const KV_PROGRAMS = new Set(['mongosh', 'mongo', 'redis-cli', 'valkey-cli', 'keydb-cli']);

/**
 * Tags for one exec of `program` (basename, lower case): `db.reset` and its target's kind, or none.
 * Runs next to the infra recognizers, which know the same programs for other verbs (`dotnet nuget
 * push`, `supabase db push`, `heroku apps:destroy`).
 */
export const recognizeOrm = (program: string, argv: readonly string[], info?: ExecInfo): InfraTag[] => {
  if (KV_PROGRAMS.has(program)) return kvProduction(argv, info) ? ['db.production'] : [];
  const find = FINDERS.get(program);
  const r = find?.(argv, info, 0);
  return r ? tagsOf(r, r.info ?? info) : [];
};

/** Programs that have an ORM recognizer (also those whose infra recognizer it is combined with). */
export const ORM_PROGRAMS: readonly string[] = [...FINDERS.keys(), ...KV_PROGRAMS];
