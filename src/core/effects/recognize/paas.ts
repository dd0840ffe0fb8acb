// Hosting platforms: heroku, fly, vercel, netlify, railway, firebase, supabase, wrangler. Setting an
// app's environment variables is an app change (infra.change); reading them back out is cred.read.
import {
  findPathVerb,
  flagValues,
  hasFlag,
  nextPositional,
  positionalAfter,
  valueFlags,
  verbLookup,
} from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';
import { addLocality, addSqlTags, classifySql, pgTargetRemote, SQL_DESTROY } from './sql.ts';

/** Verbs shared by the platform CLIs. */
const PAAS_VERBS: ReadonlyMap<string, Act> = new Map<string, Act>([
  ...['destroy', 'delete', 'remove', 'rm', 'purge', 'uninstall', 'prune', 'del'].map(
    (v) => [v, 'destroy'] as const,
  ),
  ...[
    'deploy',
    'launch',
    'create',
    'add',
    'set',
    'unset',
    'scale',
    'restart',
    'start',
    'stop',
    'suspend',
    'resume',
    'rollback',
    'promote',
    'enable',
    'disable',
    'attach',
    'detach',
    'update',
    'upgrade',
    'migrate',
    'on',
    'off',
    'kill',
    'killall',
    'run',
    'push',
    'transfer',
    'rename',
    'copy',
    'restore',
    'import',
    'clone',
    'fork',
    'move',
    'release',
    'allocate',
    'extend',
    'redeploy',
    'up',
    'exec',
    'ssh',
    'sftp',
    'console',
    'distribute',
    'apply',
    'install',
    'invoke',
    'cordon',
    'uncordon',
    'lock',
    'unlock',
    'publish',
    'buy',
    'issue',
    'put',
    'upload',
    'execute',
    'new',
    'pause',
    'unpause',
    'reset',
    'rotate',
    'bulk',
  ].map((v) => [v, 'change'] as const),
  ...[
    'info',
    'list',
    'ls',
    'logs',
    'log',
    'status',
    'show',
    'get',
    'whoami',
    'version',
    'inspect',
    'releases',
    'history',
    'doctor',
    'wait',
    'diagnose',
    'outliers',
    'blocking',
    'locks',
    'tail',
    'watch',
    'dump',
    'export',
    'download',
    'check',
    'help',
    'view',
    'sdkconfig',
    'versions',
    'diff',
    'lint',
    'insights',
  ].map((v) => [v, 'read'] as const),
]);

function act(word: string): Act | undefined {
  return verbLookup(PAAS_VERBS, word);
}

/** `heroku apps:destroy` / `netlify sites:delete` / `firebase hosting:channel:delete`: verb is the last part. */
function colonParts(word: string): string[] {
  return word.split(':');
}

const HEROKU_VALUES = valueFlags(
  '-a --app -r --remote -s --space --team -e --env -c --command --confirm --size --type -o --output -n --num --dyno --source --process-type --stack --region --team-name --org',
);
const HEROKU_READ_TOPICS = new Set([
  'apps',
  'logs',
  'ps',
  'releases',
  'addons',
  'domains',
  'features',
  'regions',
  'stacks',
  'status',
  'info',
  'version',
  'help',
  'buildpacks',
  'certs',
  'drains',
  'labs',
  'members',
  'spaces',
  'webhooks',
  'pipelines',
  'teams',
  'orgs',
  'sessions',
  'maintenance',
  'dyno',
  'open',
]);

const HEROKU_LOCAL = new Set(['local', 'git', 'plugins', 'update', 'autocomplete']);

const DB_WIPE: InfraTag[] = ['infra.destroy', 'db.destroy', 'db.remote'];

export function heroku(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, HEROKU_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const parts = colonParts(argv[i]!);
  const topic = parts[0]!;
  // Space-separated topics (`heroku apps destroy`) are accepted by newer CLIs.
  const next = positionalAfter(argv, i, HEROKU_VALUES);
  const rest = parts.length > 1 ? parts.slice(1) : act(next) || topic === 'pg' ? [next] : [];
  const key = [topic, ...rest].join(':');
  switch (topic) {
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    case 'keys':
    case 'access':
      return add(out, rest.length === 0 || rest[0] === '' ? 'infra.read' : 'cred.manage');
    case 'config':
      // Config vars are the app's secrets: printing them is a credential read.
      if (rest.length === 0 || rest[0] === '' || rest[0] === 'get') return add(out, 'cred.read');
      return add(out, 'infra.change');
    case 'auth':
      if (rest[0] === 'token') return add(out, 'cred.read');
      if (rest[0] === 'whoami') return add(out, 'infra.read');
      return add(out, 'cred.manage');
    case 'authorizations':
      if (rest.length === 0 || rest[0] === '') return add(out, 'infra.read');
      return add(out, rest[0] === 'info' ? 'cred.read' : 'cred.manage');
    case 'pg':
      return herokuPg(argv, key, out);
    case 'redis':
      if (rest[0] === 'credentials') return add(out, 'cred.read');
      if (rest[0] === 'cli') return add(out, 'db.remote');
      break;
  }
  // Local tooling: `heroku local` runs the Procfile here, `heroku git:remote` edits .git/config.
  if (HEROKU_LOCAL.has(topic)) return out;
  const verb = rest.length > 0 ? rest[rest.length - 1]! : topic;
  const a = act(verb);
  if (a) return addAct(out, a);
  return HEROKU_READ_TOPICS.has(topic) && (rest.length === 0 || rest[0] === '')
    ? add(out, 'infra.read')
    : out;
}

const PG_READ = new Set([
  '',
  'info',
  'diagnose',
  'outliers',
  'blocking',
  'locks',
  'ps',
  'bloat',
  'vacuum-stats',
  'links',
  'settings',
  'backups',
  'upgrade:wait',
  'wait',
]);

function herokuPg(argv: readonly string[], key: string, out: InfraTag[]): InfraTag[] {
  const sub = key.slice(3);
  switch (sub) {
    case 'psql': {
      let flags = 0;
      for (const sql of flagValues(argv, ['-c', '--command'], HEROKU_VALUES)) flags |= classifySql(sql);
      return addSqlTags(add(out, 'db.remote'), flags, true);
    }
    // reset wipes the database; copy and backups:restore overwrite their target with other data.
    case 'reset':
    case 'copy':
    case 'backups:restore':
      return DB_WIPE.slice();
    case 'credentials':
    case 'credentials:url':
      return add(out, 'cred.read');
    case 'credentials:rotate':
    case 'credentials:create':
    case 'credentials:repair-default':
      return add(out, 'cred.manage');
    case 'credentials:destroy':
      return add(add(out, 'infra.destroy'), 'cred.manage');
    case 'pull':
      return add(add(out, 'infra.read'), 'db.remote');
    case 'push':
      return add(add(out, 'infra.change'), 'db.remote');
  }
  if (PG_READ.has(sub)) return add(out, 'infra.read');
  const parts = sub.split(':');
  return addAct(out, act(parts[parts.length - 1]!));
}

const FLY_VALUES = valueFlags(
  '-a --app -c --config -o --org -r --region -t --access-token --image -i -e --env --strategy --vm-size --dockerfile --build-arg --build-target --machine --process-group --vm-memory --vm-cpus --volume --name -n --size --snapshot-id --format --file-local --file-literal --file-secret --build-secret --host --from --to',
);

export function fly(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, FLY_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const group = argv[i]!;
  const sub = positionalAfter(argv, i, FLY_VALUES);
  switch (group) {
    case 'auth':
      if (sub === 'token') return add(out, 'cred.read');
      if (sub === 'whoami') return add(out, 'infra.read');
      return add(out, 'cred.manage');
    case 'tokens':
      return add(out, sub === 'list' || sub === 'ls' ? 'infra.read' : 'cred.manage');
    case 'ssh':
      if (sub === 'issue') return add(out, 'cred.manage');
      return add(out, sub === 'log' ? 'infra.read' : 'infra.change');
    case 'secrets':
      return add(out, sub === 'list' || sub === 'ls' ? 'infra.read' : 'infra.change');
  }
  const top = act(group);
  if (top) return addAct(out, top);
  const cmd = findPathVerb(argv, i, FLY_VALUES, PAAS_VERBS);
  return cmd ? addAct(out, cmd.value) : out;
}

const VERCEL_VALUES = valueFlags(
  '-t --token -S --scope --cwd -A --local-config -Q --global-config -T --team -e --env -b --build-env -m --meta --target --archive --regions -l --limit --next --environment --git-branch',
);
const VERCEL_NONE = new Set([
  'link',
  'dev',
  'build',
  'init',
  'git',
  'telemetry',
  'switch',
  'completion',
  'help',
  'unlink',
]);
const VERCEL_READ = new Set(['logs', 'inspect', 'ls', 'list', 'whoami', 'bisect', 'httpstat']);
const PATH_LIKE_RE = /^(?:\.{1,2}(?:\/|$)|\/|~)|\//;

export function vercel(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, VERCEL_VALUES);
  if (i < 0) {
    if (hasFlag(argv, ['--version', '-v', '--help', '-h'])) return add(out, 'infra.read');
    // Bare `vercel` (or `vercel --prod`) deploys the current directory.
    return add(out, 'infra.change');
  }
  const cmd = argv[i]!;
  const sub = positionalAfter(argv, i, VERCEL_VALUES);
  switch (cmd) {
    case 'deploy':
    case 'promote':
    case 'rollback':
    case 'redeploy':
      return add(out, 'infra.change');
    case 'remove':
    case 'rm':
      return add(out, 'infra.destroy');
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    // Both write the project's environment variables, secrets included, into local files.
    case 'pull':
      return add(out, 'cred.read');
    case 'env':
      if (sub === 'pull') return add(out, 'cred.read');
      if (sub === 'ls' || sub === 'list' || sub === '') return add(out, 'infra.read');
      return add(out, 'infra.change');
    case 'alias':
    case 'secrets':
      // Removing an alias or a legacy secret is reconfiguration, not loss of data.
      if (sub === 'ls' || sub === 'list' || sub === '') return add(out, 'infra.read');
      return add(out, 'infra.change');
  }
  if (VERCEL_NONE.has(cmd)) return out;
  if (VERCEL_READ.has(cmd)) return add(out, 'infra.read');
  const subAct = sub === '' ? undefined : act(sub);
  if (subAct) return addAct(out, subAct);
  if (PATH_LIKE_RE.test(cmd)) return add(out, 'infra.change');
  return out;
}

const NETLIFY_VALUES = valueFlags(
  '--auth --site -s --dir -d --functions -f --message -m --alias --filter --context --scope --data --name -n --account-slug --timeout',
);
const NETLIFY_NONE = new Set([
  'link',
  'unlink',
  'init',
  'dev',
  'build',
  'serve',
  'switch',
  'completion',
  'recipes',
  'open',
  'help',
]);

// `netlify api <operationId>`: operations are named deleteSite, getSite, listSites, updateSite...
const API_DESTROY_RE = /^(?:delete|purge)/i;
const API_READ_RE = /^(?:get|list)/i;

export function netlify(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, NETLIFY_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const parts = colonParts(argv[i]!);
  const topic = parts[0]!;
  const verb = parts.length > 1 ? parts[parts.length - 1]! : positionalAfter(argv, i, NETLIFY_VALUES);
  switch (topic) {
    case 'deploy':
      return add(out, 'infra.change');
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    case 'status':
    case 'logs':
    case 'watch':
      return add(out, 'infra.read');
    case 'env':
      // env:list prints values as well as names.
      if (verb === 'get' || verb === 'list' || verb === '') return add(out, 'cred.read');
      return add(out, 'infra.change');
    case 'api': {
      const method = parts.length > 1 ? '' : verb;
      if (API_DESTROY_RE.test(method)) return add(out, 'infra.destroy');
      if (API_READ_RE.test(method)) return add(out, 'infra.read');
      return method === '' ? out : add(out, 'infra.change');
    }
  }
  if (NETLIFY_NONE.has(topic)) return out;
  if (topic === 'functions' && (verb === 'create' || verb === 'build' || verb === 'serve')) return out;
  return addAct(out, act(verb));
}

const RAILWAY_VALUES = valueFlags('-s --service -e --environment -p --project --set -m --message');

export function railway(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, RAILWAY_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-V']) ? add(out, 'infra.read') : out;
  const cmd = argv[i]!;
  const sub = positionalAfter(argv, i, RAILWAY_VALUES);
  switch (cmd) {
    case 'down':
    case 'delete':
      return add(out, 'infra.destroy');
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    case 'variables':
    case 'variable':
    case 'vars':
      // Without --set it prints every variable with its value.
      if (hasFlag(argv, ['--set'], i + 1) || sub === 'set' || sub === 'delete')
        return add(out, 'infra.change');
      return add(out, 'cred.read');
    case 'connect':
      // Opens psql / redis-cli / mongosh on the project's hosted database.
      return add(out, 'db.remote');
    case 'link':
    case 'unlink':
    case 'init':
    case 'run':
    case 'shell':
    case 'dev':
    case 'completion':
    case 'docs':
    case 'open':
      return out;
  }
  const top = act(cmd);
  if (top) return addAct(out, top);
  return sub === ''
    ? cmd === 'environment' || cmd === 'service'
      ? add(out, 'infra.read')
      : out
    : addAct(out, act(sub));
}

const FIREBASE_VALUES = valueFlags(
  '-P --project --account --token --config --only --except -m --message --instance --data -o --output --release-notes --app --testers --groups --site --expires --region --schema --database',
);
const FIREBASE_NONE = new Set([
  'emulators',
  'serve',
  'init',
  'use',
  'open',
  'setup',
  'target',
  'help',
  'experiments',
  'ext:dev',
]);

export function firebase(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, FIREBASE_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-V']) ? add(out, 'infra.read') : out;
  const word = argv[i]!;
  const parts = colonParts(word);
  const topic = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (topic === 'login' || topic === 'logout')
    return add(out, last === 'list' ? 'infra.read' : 'cred.manage');
  if (FIREBASE_NONE.has(topic) || FIREBASE_NONE.has(word)) return out;
  if (word === 'functions:config:get' || word === 'functions:secrets:access' || word === 'auth:export') {
    return add(out, 'cred.read');
  }
  if (word.startsWith('functions:secrets:')) {
    if (last === 'get') return add(out, 'infra.read');
    const a = act(last) ?? 'change';
    return add(addAct(out, a), 'cred.manage');
  }
  if (word.startsWith('apps:') && last === 'sdkconfig') return add(out, 'infra.read');
  return addAct(out, act(last));
}

const SUPABASE_VALUES = valueFlags(
  '--workdir --profile -o --output --db-url --project-ref -p --password --schema -s --file -f --org-id --name --region --db-password --env-file --import-map --version',
);

type DbDefault = 'local' | 'linked';

/** Supabase `db` commands target the local stack or the linked project, each with its own default. */
function supabaseRemote(argv: readonly string[], from: number, fallback: DbDefault): boolean {
  if (hasFlag(argv, ['--local'], from)) return false;
  const urls = flagValues(argv, ['--db-url'], SUPABASE_VALUES, from);
  if (urls.length > 0) return urls.some(pgTargetRemote);
  if (hasFlag(argv, ['--linked'], from)) return true;
  return fallback === 'linked';
}

export function supabase(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, SUPABASE_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const group = argv[i]!;
  const sub = positionalAfter(argv, i, SUPABASE_VALUES);
  switch (group) {
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    case 'link':
    case 'start':
    case 'stop':
    case 'status':
    case 'init':
    case 'gen':
    case 'test':
    case 'services':
    case 'bootstrap':
    case 'completion':
      return out;
    case 'inspect':
      return add(out, 'infra.read');
    case 'db':
      return supabaseDb(argv, i, sub, out);
    case 'migration':
    case 'migrations': {
      if (sub === 'list' || sub === 'fetch') return add(out, 'infra.read');
      if (sub === 'repair' || (sub === 'up' && supabaseRemote(argv, i + 1, 'local')))
        return add(out, 'infra.change');
      return out;
    }
    case 'projects':
      if (sub === 'api-keys') return add(out, 'cred.read');
      break;
    case 'functions':
      if (sub === 'serve' || sub === 'new') return out;
      break;
    case 'secrets':
      return add(out, sub === 'list' ? 'infra.read' : 'infra.change');
  }
  return addAct(out, act(sub));
}

function supabaseDb(argv: readonly string[], i: number, sub: string, out: InfraTag[]): InfraTag[] {
  switch (sub) {
    case 'reset': {
      const remote = supabaseRemote(argv, i + 1, 'local');
      return addSqlTags(addLocality(remote ? add(out, 'infra.destroy') : out, remote), SQL_DESTROY, remote);
    }
    case 'push': {
      const remote = supabaseRemote(argv, i + 1, 'linked');
      return remote ? add(addLocality(out, true), 'infra.change') : addLocality(out, false);
    }
    case 'dump':
    case 'pull':
    case 'diff':
    case 'lint':
      return add(
        addLocality(out, supabaseRemote(argv, i + 1, sub === 'dump' || sub === 'pull' ? 'linked' : 'local')),
        'infra.read',
      );
    default:
      return out;
  }
}

const WRANGLER_VALUES = valueFlags(
  '-c --config -e --env --name --compatibility-date --account-id --command --file --binding --namespace-id --persist-to --message --tag --format --branch --project-name --commit-hash --commit-message --database --preview-id --path --metadata --ttl --expiration --expiration-ttl --jurisdiction --storage-class --content-type --output --timestamp',
);
const WRANGLER_NONE = new Set([
  'dev',
  'init',
  'generate',
  'build',
  'types',
  'telemetry',
  'setup',
  'complete',
  'docs',
  'metrics',
]);
const WRANGLER_READ = new Set(['tail', 'whoami', 'check']);

/**
 * wrangler: `d1 execute` runs SQL against the local dev database unless --remote; KV and R2 commands
 * touch only the local store with --local.
 */
export function wrangler(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, WRANGLER_VALUES);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const parts = colonParts(argv[i]!);
  const group = parts[0]!;
  const remote = hasFlag(argv, ['--remote'], i + 1);
  const local = hasFlag(argv, ['--local'], i + 1);
  switch (group) {
    case 'deploy':
    case 'publish':
    case 'rollback':
      return add(out, 'infra.change');
    case 'delete':
      return add(out, 'infra.destroy');
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    case 'd1':
      return wranglerD1(argv, i, remote, out);
    case 'secret':
      return add(out, positionalAfter(argv, i, WRANGLER_VALUES) === 'list' ? 'infra.read' : 'infra.change');
    case 'kv':
    case 'r2':
      if (local) return out;
  }
  if (WRANGLER_NONE.has(group)) return out;
  if (WRANGLER_READ.has(group)) return add(out, 'infra.read');
  // `kv:key delete` and `kv key delete` alike: the verb is the first known word after the group.
  if (parts.length > 1) {
    const a = act(positionalAfter(argv, i, WRANGLER_VALUES));
    return addAct(out, a);
  }
  const cmd = findPathVerb(argv, i, WRANGLER_VALUES, PAAS_VERBS);
  return cmd ? addAct(out, cmd.value) : out;
}

function wranglerD1(argv: readonly string[], i: number, remote: boolean, out: InfraTag[]): InfraTag[] {
  const sub = positionalAfter(argv, i, WRANGLER_VALUES);
  switch (sub) {
    case 'execute': {
      let flags = 0;
      for (const sql of flagValues(argv, ['--command'], WRANGLER_VALUES)) flags |= classifySql(sql);
      return addSqlTags(addLocality(out, remote), flags, remote);
    }
    case 'migrations': {
      const op = positionalAfter(argv, argv.indexOf('migrations', i), WRANGLER_VALUES);
      if (op === 'apply')
        return remote ? add(addLocality(out, true), 'infra.change') : addLocality(out, false);
      return op === 'list' ? add(out, 'infra.read') : out;
    }
    case 'time-travel': {
      const op = positionalAfter(argv, argv.indexOf('time-travel', i), WRANGLER_VALUES);
      return op === 'restore' ? add(out, 'infra.destroy') : op === 'info' ? add(out, 'infra.read') : out;
    }
    default:
      return addAct(out, act(sub));
  }
}
