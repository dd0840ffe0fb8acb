// Cloud CLIs whose commands are a path of groups ending in a verb: gcloud, az, doctl, eksctl.
import {
  findPathVerb,
  flagValue,
  isDryRun,
  nextPositional,
  type PathVerb,
  positionalAfter,
  type ValueFlags,
  valueFlags,
} from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

const CRED_WORD_RE = /keys?$|credentials?|connection-strings?|secrets?|password|publishing|token|access-key/;

const GCLOUD_VALUES = valueFlags(
  '--project --account --configuration --flags-file --flatten --format --verbosity --billing-project --impersonate-service-account --access-token-file --trace-token --filter --limit --page-size --sort-by --zone --region --location --member --role --condition --key-file --cred-file --iam-account --image --source --destination',
);
const GCLOUD_TRACKS = new Set(['alpha', 'beta', 'preview']);

const GCLOUD_VERBS: ReadonlyMap<string, Act> = new Map<string, Act>([
  ...[
    'list',
    'describe',
    'get',
    'read',
    'tail',
    'ls',
    'cat',
    'du',
    'info',
    'browse',
    'help',
    'search',
    'wait',
  ].map((v) => [v, 'read'] as const),
  ...['print', 'explain', 'check', 'diff', 'lint', 'validate', 'test', 'access'].map(
    (v) => [v, 'read'] as const,
  ),
  ...[
    'create',
    'deploy',
    'update',
    'set',
    'patch',
    'import',
    'export',
    'start',
    'stop',
    'reset',
    'resize',
    'restart',
    'apply',
    'submit',
    'publish',
    'enable',
    'disable',
    'rollback',
    'restore',
    'promote',
    'ssh',
    'scp',
    'attach',
    'detach',
    'add',
    'remove',
    'undelete',
    'cancel',
    'execute',
    'call',
    'invoke',
    'connect',
    'replace',
    'rename',
    'suspend',
    'resume',
    'upgrade',
    'rotate',
    'snapshot',
    'mv',
    'cp',
    'rsync',
    'move',
    'copy',
    'seek',
    'ack',
    'pull',
    'failover',
    'switchover',
    'clone',
  ].map((v) => [v, 'change'] as const),
  ...['delete', 'rm', 'purge', 'destroy'].map((v) => [v, 'destroy'] as const),
]);

const GCLOUD_CRED_READ = new Set([
  'print-access-token',
  'print-identity-token',
  'generate-login-token',
  'decrypt',
]);

export function gcloud(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  let gi = nextPositional(argv, 0, GCLOUD_VALUES);
  if (gi >= 0 && GCLOUD_TRACKS.has(argv[gi]!)) gi = nextPositional(argv, gi + 1, GCLOUD_VALUES);
  if (gi < 0) return out;
  const group = argv[gi]!;
  switch (group) {
    case 'info':
    case 'version':
    case 'help':
    case 'topic':
      return add(out, 'infra.read');
    case 'components':
    case 'init':
    case 'feedback':
    case 'survey':
      return out;
    case 'config': {
      const sub = positionalAfter(argv, gi, GCLOUD_VALUES);
      if (sub === 'list' || sub === 'get' || sub === 'get-value') add(out, 'infra.read');
      return out;
    }
    case 'auth': {
      // auth [application-default] <verb>
      let sub = positionalAfter(argv, gi, GCLOUD_VALUES);
      if (sub === 'application-default') sub = positionalAfter(argv, argv.indexOf(sub, gi), GCLOUD_VALUES);
      if (sub === 'list' || sub === '') return add(out, 'infra.read');
      if (sub.startsWith('print-')) return add(out, 'cred.read');
      return add(out, 'cred.manage');
    }
  }
  const cmd = findPathVerb(argv, gi, GCLOUD_VALUES, GCLOUD_VERBS);
  if (!cmd) return out;
  if (GCLOUD_CRED_READ.has(cmd.verb) || (group === 'secrets' && cmd.verb === 'access')) {
    return add(add(out, 'infra.read'), 'cred.read');
  }
  let act: Act = cmd.value;
  if (cmd.verb === 'rsync' && argv.includes('--delete-unmatched-destination-objects')) act = 'destroy';
  else if (cmd.verb === 'cp' || cmd.verb === 'rsync') {
    const dest = lastPositional(argv, cmd.index, GCLOUD_VALUES);
    if (!dest.startsWith('gs://') && !dest.startsWith('s3://')) act = 'read';
  }
  addAct(out, act, isDryRun(argv, cmd.index + 1));
  if (act !== 'read' && credManaged(group, cmd)) add(out, 'cred.manage');
  return out;
}

function credManaged(group: string, cmd: PathVerb<Act>): boolean {
  if (cmd.verb.includes('iam-policy') || group === 'iam' || group === 'secrets') return true;
  if (CRED_WORD_RE.test(cmd.verb)) return true;
  return cmd.path.some((p) => p === 'keys' || p === 'credentials' || p === 'hmac');
}

function lastPositional(argv: readonly string[], after: number, values: ValueFlags): string {
  let last = '';
  for (let j = nextPositional(argv, after + 1, values); j >= 0; j = nextPositional(argv, j + 1, values))
    last = argv[j]!;
  return last;
}

const AZ_VALUES = valueFlags(
  '--subscription -o --output --query -g --resource-group -n --name -l --location --ids --vault-name --account-name --container-name --file -f --source --destination -d --assignee --role --scope --uri -u --url --body -b --headers --method -m --resource --sku --image --admin-username --admin-password --password -p --username --cluster-name --server -s --database-name --settings --plan --runtime --template-file --parameters --set --add --remove --tags --app-id --display-name --years',
);

const AZ_VERBS: ReadonlyMap<string, Act> = new Map<string, Act>([
  ...[
    'list',
    'show',
    'get',
    'exists',
    'wait',
    'download',
    'export',
    'query',
    'browse',
    'tail',
    'check',
    'what-if',
  ].map((v) => [v, 'read'] as const),
  ...[
    'create',
    'update',
    'set',
    'add',
    'remove',
    'start',
    'stop',
    'restart',
    'deallocate',
    'redeploy',
    'reimage',
    'resize',
    'scale',
    'deploy',
    'up',
    'import',
    'upload',
    'invoke',
    'assign',
    'swap',
    'sync',
    'restore',
    'renew',
    'rotate',
    'regenerate',
    'reset',
    'generalize',
    'capture',
    'run',
    'enable',
    'disable',
    'attach',
    'detach',
    'install',
    'upgrade',
    'rollback',
    'approve',
    'reject',
    'config-zip',
    'connect',
    'failover',
    'recover',
    'copy',
    'move',
    'build',
    'push',
    'execute',
    'grant',
    'revoke',
  ].map((v) => [v, 'change'] as const),
  ...['delete', 'purge', 'destroy'].map((v) => [v, 'destroy'] as const),
]);

export function az(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const gi = nextPositional(argv, 0, AZ_VALUES);
  if (gi < 0) return argv.includes('--version') ? add(out, 'infra.read') : out;
  const group = argv[gi]!;
  const sub = positionalAfter(argv, gi, AZ_VALUES);
  switch (group) {
    case 'login':
    case 'logout':
      return add(out, 'cred.manage');
    case 'version':
    case 'find':
    case 'help':
      return add(out, 'infra.read');
    case 'config':
    case 'extension':
    case 'upgrade':
    case 'init':
    case 'interactive':
    case 'configure':
      return out;
    case 'ssh':
      return add(out, 'infra.change');
    case 'rest':
      return addAct(out, restAct(flagValue(argv, ['--method', '-m'], AZ_VALUES)));
    case 'account':
      if (sub === 'get-access-token') return add(out, 'cred.read');
      if (sub === 'clear') return add(out, 'cred.manage');
      if (sub === 'set') return out;
      break;
  }
  if (group === 'acr' && sub === 'login') return add(out, 'cred.manage');
  const cmd = findPathVerb(argv, gi, AZ_VALUES, AZ_VERBS);
  if (!cmd) return out;
  addAct(out, cmd.value);
  const keyPath = cmd.path.some((p) => p === 'keys' || p === 'credential' || p === 'credentials');
  const secretPath = cmd.path.includes('secret');
  if (cmd.value === 'read') {
    // `keyvault secret list` shows names only; `keys list`, `secret show`, `list-keys` show values, and
    // so do app settings and connection strings. aks get-credentials writes a kubeconfig like
    // gcloud's and is left a read.
    const settings = cmd.path.includes('appsettings') || cmd.path.includes('connection-string');
    const shows = CRED_WORD_RE.test(cmd.verb) || keyPath || settings || (secretPath && cmd.verb !== 'list');
    if (shows && cmd.verb !== 'get-credentials') add(out, 'cred.read');
  } else if (
    CRED_WORD_RE.test(cmd.verb) ||
    keyPath ||
    secretPath ||
    group === 'ad' ||
    group === 'role' ||
    group === 'identity'
  ) {
    add(out, 'cred.manage');
  }
  return out;
}

function restAct(method: string | undefined): Act {
  const m = (method ?? 'get').toLowerCase();
  if (m === 'delete') return 'destroy';
  if (m === 'get' || m === 'head' || m === 'options') return 'read';
  return 'change';
}

const DOCTL_VALUES = valueFlags(
  '-t --access-token -c --config --context -o --output --format -u --api-url --region --size --image --ssh-keys --tag-name --vpc-uuid --count --node-pool --version --spec',
);
const DOCTL_VERBS: ReadonlyMap<string, Act> = new Map<string, Act>([
  ...['list', 'ls', 'get', 'logs', 'kubeconfig', 'show', 'options'].map((v) => [v, 'read'] as const),
  ...[
    'create',
    'update',
    'power',
    'reboot',
    'resize',
    'snapshot',
    'rebuild',
    'tag',
    'untag',
    'attach',
    'detach',
    'apply',
    'deploy',
    'restore',
    'enable',
    'disable',
    'shutdown',
    'ssh',
    'upgrade',
    'migrate',
    'assign',
    'unassign',
    'add',
    'remove',
    'reset',
    'replace',
    'recycle',
    'flush',
    'sync',
    'install',
  ].map((v) => [v, 'change'] as const),
  ...['delete', 'rm', 'destroy'].map((v) => [v, 'destroy'] as const),
]);

export function doctl(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const gi = nextPositional(argv, 0, DOCTL_VALUES);
  if (gi < 0) return out;
  const group = argv[gi]!;
  const sub = positionalAfter(argv, gi, DOCTL_VALUES);
  if (group === 'auth') return add(out, sub === 'list' || sub === 'ls' ? 'infra.read' : 'cred.manage');
  if (group === 'version') return add(out, 'infra.read');
  if (group === 'registry' && (sub === 'login' || sub === 'logout')) return add(out, 'cred.manage');
  if (group === 'compute' && sub === 'ssh') return add(out, 'infra.change');
  const cmd = findPathVerb(argv, gi, DOCTL_VALUES, DOCTL_VERBS);
  if (!cmd) {
    // `doctl databases connection <id>` prints the connection string with its password.
    if (group === 'databases' && sub === 'connection') add(add(out, 'infra.read'), 'cred.read');
    return out;
  }
  addAct(out, cmd.value);
  if (cmd.value === 'read' && (cmd.path.includes('connection') || cmd.path.includes('user')))
    add(out, 'cred.read');
  if (cmd.value !== 'read' && (cmd.path.includes('ssh-key') || cmd.path.includes('token')))
    add(out, 'cred.manage');
  return out;
}

const EKSCTL_VALUES = valueFlags(
  '-f --config-file -n --name -r --region -p --profile --cluster --nodegroup --version -t --node-type -N --nodes -m --nodes-min -M --nodes-max --namespace --role --arn --username --group --output -o --timeout --kubeconfig',
);
const EKSCTL_VERBS: ReadonlyMap<string, Act | 'utils'> = new Map<string, Act | 'utils'>([
  ...['get', 'info', 'version', 'help', 'completion'].map((v) => [v, 'read'] as const),
  ...[
    'create',
    'upgrade',
    'update',
    'scale',
    'set',
    'unset',
    'enable',
    'register',
    'drain',
    'associate',
    'disassociate',
  ].map((v) => [v, 'change'] as const),
  ...['delete', 'deregister'].map((v) => [v, 'destroy'] as const),
  ['utils', 'utils'],
]);

export function eksctl(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = nextPositional(argv, 0, EKSCTL_VALUES);
  if (i < 0) return out;
  const verb = EKSCTL_VERBS.get(argv[i]!);
  if (!verb) return out;
  const resource = positionalAfter(argv, i, EKSCTL_VALUES);
  if (verb === 'utils') {
    return addAct(
      out,
      resource.startsWith('describe') || resource === 'write-kubeconfig' ? 'read' : 'change',
    );
  }
  addAct(out, verb, isDryRun(argv, i + 1));
  // iamserviceaccount / iamidentitymapping grant AWS or cluster permissions.
  if (verb !== 'read' && resource.startsWith('iam')) add(out, 'cred.manage');
  return out;
}
