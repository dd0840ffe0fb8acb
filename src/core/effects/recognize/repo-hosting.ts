// GitHub (gh) and GitLab (glab) CLIs. Every write to the hosting service is repo.write, ordinary
// collaboration (opening and commenting on issues and pull requests) included: the default policy's
// repo.change rule narrows by subcommand, and a stricter project rule can gate the rest. Deletes
// are repo.destroy; key, token and login management is cred.manage.
import {
  flagValue,
  flagValues,
  hasFlag,
  nextPositional,
  positionalAfter,
  type ValueFlags,
  valueFlags,
} from './_args.ts';
import { add, type InfraTag } from './_tags.ts';

type RepoAct = 'read' | 'write' | 'destroy' | 'cred-read' | 'cred-manage';

const TAG: Record<RepoAct, InfraTag> = {
  read: 'repo.read',
  write: 'repo.write',
  destroy: 'repo.destroy',
  'cred-read': 'cred.read',
  'cred-manage': 'cred.manage',
};

/** group -> verb -> act; a verb missing from its group gets no tag. `*` is the group's default. */
type Table = Readonly<Record<string, Readonly<Record<string, RepoAct>>>>;

const GH: Table = {
  repo: {
    delete: 'destroy',
    archive: 'write',
    unarchive: 'write',
    edit: 'write',
    rename: 'write',
    create: 'write',
    fork: 'write',
    sync: 'write',
    list: 'read',
    view: 'read',
    clone: 'read',
  },
  release: {
    delete: 'destroy',
    'delete-asset': 'destroy',
    create: 'write',
    edit: 'write',
    upload: 'write',
    list: 'read',
    view: 'read',
    download: 'read',
    verify: 'read',
    'verify-asset': 'read',
  },
  pr: {
    merge: 'write',
    create: 'write',
    comment: 'write',
    edit: 'write',
    close: 'write',
    reopen: 'write',
    ready: 'write',
    review: 'write',
    lock: 'write',
    unlock: 'write',
    'update-branch': 'write',
    revert: 'write',
    list: 'read',
    view: 'read',
    diff: 'read',
    checks: 'read',
    status: 'read',
    checkout: 'read',
  },
  issue: {
    delete: 'destroy',
    create: 'write',
    comment: 'write',
    edit: 'write',
    close: 'write',
    reopen: 'write',
    lock: 'write',
    unlock: 'write',
    pin: 'write',
    unpin: 'write',
    transfer: 'write',
    develop: 'write',
    list: 'read',
    view: 'read',
    status: 'read',
  },
  gist: {
    delete: 'destroy',
    create: 'write',
    edit: 'write',
    rename: 'write',
    list: 'read',
    view: 'read',
    clone: 'read',
  },
  secret: { set: 'write', delete: 'destroy', remove: 'destroy', list: 'read' },
  variable: { set: 'write', delete: 'destroy', list: 'read', get: 'read' },
  workflow: { run: 'write', enable: 'write', disable: 'write', list: 'read', view: 'read' },
  run: {
    rerun: 'write',
    cancel: 'write',
    delete: 'destroy',
    list: 'read',
    view: 'read',
    watch: 'read',
    download: 'read',
  },
  cache: { delete: 'write', list: 'read' },
  label: { delete: 'destroy', create: 'write', edit: 'write', clone: 'write', list: 'read' },
  codespace: {
    delete: 'destroy',
    create: 'write',
    edit: 'write',
    stop: 'write',
    list: 'read',
    view: 'read',
    logs: 'read',
  },
  project: {
    delete: 'destroy',
    'item-delete': 'destroy',
    'field-delete': 'destroy',
    create: 'write',
    edit: 'write',
    close: 'write',
    'item-add': 'write',
    'item-create': 'write',
    'item-edit': 'write',
    list: 'read',
    view: 'read',
    'field-list': 'read',
    'item-list': 'read',
  },
  ruleset: { list: 'read', view: 'read', check: 'read' },
  'ssh-key': { add: 'cred-manage', delete: 'cred-manage', list: 'read' },
  'gpg-key': { add: 'cred-manage', delete: 'cred-manage', list: 'read' },
  org: { list: 'read' },
  search: { '*': 'read' },
  browse: { '*': 'read' },
  status: { '*': 'read' },
  attestation: { verify: 'read', download: 'read' },
};

const GH_VALUES = valueFlags(
  '-R --repo --hostname -X --method -H --header -f --raw-field -F --field --input -q --jq -t --template --cache -p --preview -b --body -T --title -B --base --head -l --label -a --assignee -m --milestone -L --limit -s --state -e --env -o --org --json -A --author -S --search --ref -n --notes --notes-file --target --visibility -d --description -j --job',
);

// Writes to these endpoints add or remove keys and tokens that authenticate as the user.
const GH_CRED_ENDPOINT_RE =
  /(?:^|\/)(?:keys|gpg_keys|ssh_signing_keys|authorizations|installations\/[^/]+\/access_tokens)(?:\/|$|\?)/;
const GRAPHQL_MUTATION_RE = /^\s*mutation\b/;

export function gh(argv: readonly string[]): InfraTag[] {
  const gi = nextPositional(argv, 0, GH_VALUES);
  if (gi < 0) return hasFlag(argv, ['--version', '--help']) ? ['repo.read'] : [];
  const group = argv[gi]!;
  if (group === 'api') return api(argv, gi, GH_VALUES, ['-X', '--method']);
  if (group === 'auth') return ghAuth(argv, gi);
  if (group === 'repo') {
    const verb = positionalAfter(argv, gi, GH_VALUES);
    if (verb === 'deploy-key') {
      const sub = positionalAfter(argv, argv.indexOf('deploy-key', gi), GH_VALUES);
      return sub === 'add' || sub === 'delete' ? ['cred.manage'] : sub === 'list' ? ['repo.read'] : [];
    }
  }
  return fromTable(GH, argv, gi, GH_VALUES);
}

function fromTable(table: Table, argv: readonly string[], gi: number, values: ValueFlags): InfraTag[] {
  // Own keys only: `gh constructor` must not find Object.prototype.constructor.
  const group = argv[gi]!;
  if (!Object.hasOwn(table, group)) return [];
  const verbs = table[group]!;
  const verb = positionalAfter(argv, gi, values);
  const act = Object.hasOwn(verbs, verb) ? verbs[verb] : verbs['*'];
  return act ? [TAG[act]] : [];
}

function ghAuth(argv: readonly string[], gi: number): InfraTag[] {
  switch (positionalAfter(argv, gi, GH_VALUES)) {
    case 'token':
    case 'git-credential':
      return ['cred.read'];
    case 'status':
      return hasFlag(argv, ['--show-token', '-t'], gi + 1) ? ['cred.read'] : ['repo.read'];
    case 'login':
    case 'logout':
    case 'refresh':
    case 'setup-git':
    case 'switch':
      return ['cred.manage'];
    default:
      return [];
  }
}

/**
 * `gh api` / `glab api`: the method is -X, or POST once any field or --input is given, else GET.
 * GraphQL goes over POST either way, so a query is a read and only a mutation writes.
 */
function api(argv: readonly string[], gi: number, values: ValueFlags, methodFlags: string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const endpoint = positionalAfter(argv, gi, values);
  const fields = flagValues(argv, ['-f', '--raw-field', '-F', '--field'], values, gi + 1);
  const explicit = flagValue(argv, methodFlags, values, gi + 1)?.toUpperCase();
  const hasBody = fields.length > 0 || hasFlag(argv, ['--input'], gi + 1);
  let method = explicit ?? (hasBody ? 'POST' : 'GET');
  if (endpoint === 'graphql' && method === 'POST') {
    const mutation = fields.some((f) => f.startsWith('query=') && GRAPHQL_MUTATION_RE.test(f.slice(6)));
    method = mutation || hasFlag(argv, ['--input'], gi + 1) ? 'POST' : 'GET';
  }
  if (method === 'DELETE') add(out, 'repo.destroy');
  else if (method === 'GET' || method === 'HEAD') add(out, 'repo.read');
  else add(out, 'repo.write');
  if (method !== 'GET' && method !== 'HEAD' && GH_CRED_ENDPOINT_RE.test(endpoint)) add(out, 'cred.manage');
  return out;
}

const GLAB: Table = {
  repo: {
    delete: 'destroy',
    archive: 'write',
    create: 'write',
    fork: 'write',
    edit: 'write',
    transfer: 'write',
    list: 'read',
    view: 'read',
    clone: 'read',
    search: 'read',
  },
  release: {
    delete: 'destroy',
    create: 'write',
    upload: 'write',
    list: 'read',
    view: 'read',
    download: 'read',
  },
  mr: {
    merge: 'write',
    create: 'write',
    note: 'write',
    approve: 'write',
    revoke: 'write',
    close: 'write',
    reopen: 'write',
    update: 'write',
    rebase: 'write',
    delete: 'destroy',
    list: 'read',
    view: 'read',
    diff: 'read',
    checkout: 'read',
    issues: 'read',
  },
  issue: {
    delete: 'destroy',
    create: 'write',
    note: 'write',
    close: 'write',
    reopen: 'write',
    update: 'write',
    list: 'read',
    view: 'read',
    board: 'read',
  },
  ci: {
    delete: 'destroy',
    run: 'write',
    retry: 'write',
    cancel: 'write',
    trigger: 'write',
    list: 'read',
    view: 'read',
    status: 'read',
    trace: 'read',
    get: 'read',
    lint: 'read',
    artifact: 'read',
  },
  pipeline: {
    delete: 'destroy',
    run: 'write',
    retry: 'write',
    cancel: 'write',
    list: 'read',
    view: 'read',
    status: 'read',
  },
  // Project CI variables are often masked secrets, so reading one out counts as a credential read.
  variable: {
    set: 'write',
    update: 'write',
    delete: 'destroy',
    list: 'read',
    get: 'cred-read',
    export: 'cred-read',
  },
  schedule: { delete: 'destroy', create: 'write', run: 'write', list: 'read' },
  snippet: { create: 'write', delete: 'destroy', list: 'read', view: 'read' },
  label: { delete: 'destroy', create: 'write', list: 'read' },
  'ssh-key': { add: 'cred-manage', delete: 'cred-manage', list: 'read', get: 'read' },
  'deploy-key': { add: 'cred-manage', delete: 'cred-manage', list: 'read', get: 'read' },
  token: { create: 'cred-manage', revoke: 'cred-manage', rotate: 'cred-manage', list: 'read' },
  auth: { login: 'cred-manage', logout: 'cred-manage', status: 'read' },
};

const GLAB_VALUES = valueFlags(
  '-R --repo -X --method -H --header -f --raw-field -F --field --input -g --group -m --message -t --title -d --description -l --label -b --branch -s --source-branch --target-branch -a --assignee -P --per-page -p --page --hostname -n --name -v --value -N --notes',
);

export function glab(argv: readonly string[]): InfraTag[] {
  const gi = nextPositional(argv, 0, GLAB_VALUES);
  if (gi < 0) return hasFlag(argv, ['--version', '--help']) ? ['repo.read'] : [];
  if (argv[gi] === 'api') return api(argv, gi, GLAB_VALUES, ['-X', '--method']);
  return fromTable(GLAB, argv, gi, GLAB_VALUES);
}
