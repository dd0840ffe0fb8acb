// The AWS CLI: `aws [globals] <service> <operation> [args]`. Operations are classified by their
// leading verb (`delete-bucket` -> delete), with the high-level `s3` commands and credential
// operations handled by name.
import { hasFlag, isDryRun, nextPositional, positionals, union, valueFlags } from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

const AWS_VALUES = valueFlags(
  '--profile --region --output --endpoint-url --query --cli-read-timeout --cli-connect-timeout --ca-bundle --color --cli-binary-format',
);
const S3_VALUES = union(
  AWS_VALUES,
  valueFlags(
    '--exclude --include --acl --storage-class --sse --sse-kms-key-id --sse-c --sse-c-key --sse-c-copy-source --sse-c-copy-source-key --content-type --cache-control --expires --metadata --metadata-directive --grants --page-size --expected-size --source-region --request-payer --website-redirect --content-disposition --content-encoding --content-language --checksum-algorithm --checksum-mode --copy-props --expires-in --index-document --error-document',
  ),
);

const DESTROY_VERBS = new Set([
  'delete',
  'terminate',
  'purge',
  'deregister',
  'deprovision',
  'destroy',
  'drop',
]);
const READ_VERBS = new Set([
  'get',
  'list',
  'describe',
  'head',
  'lookup',
  'search',
  'scan',
  'query',
  'filter',
  'wait',
  'help',
  'estimate',
  'preview',
  'validate',
  'test',
  'simulate',
  'select',
  'receive',
  'tail',
  'detect',
  'check',
  'verify',
  'download',
  'view',
  'show',
  'discover',
]);
const CHANGE_VERBS = new Set([
  'create',
  'put',
  'update',
  'modify',
  'run',
  'start',
  'stop',
  'reboot',
  'attach',
  'detach',
  'associate',
  'disassociate',
  'authorize',
  'revoke',
  'set',
  'tag',
  'untag',
  'enable',
  'disable',
  'import',
  'register',
  'publish',
  'send',
  'invoke',
  'copy',
  'restore',
  'reset',
  'replace',
  'add',
  'remove',
  'upload',
  'allocate',
  'release',
  'cancel',
  'execute',
  'deploy',
  'rotate',
  'apply',
  'change',
  'upgrade',
  'accept',
  'reject',
  'assign',
  'unassign',
  'increase',
  'decrease',
  'purchase',
  'request',
  'resume',
  'suspend',
  'respond',
  'confirm',
  'complete',
  'initiate',
  'abort',
  'failover',
  'promote',
  'move',
  'rename',
  'notify',
  'signal',
  'continue',
  'provision',
  'subscribe',
  'unsubscribe',
  'activate',
  'deactivate',
  'link',
  'unlink',
  'transfer',
  'merge',
  'lock',
  'unlock',
  'renew',
  'rebuild',
  'restart',
  'resize',
  'scale',
  'migrate',
  'force',
  'admin',
  'retire',
  'flush',
  'write',
  'export',
  'generate',
  'recover',
  'reload',
  'refresh',
  'sync',
  'redeploy',
  'retry',
  'rollback',
  'schedule',
]);

// Operations whose output is a secret or a short-lived credential.
const CRED_READ_OPS = new Set([
  'sts get-session-token',
  'sts assume-role',
  'sts assume-role-with-saml',
  'sts assume-role-with-web-identity',
  'sts get-federation-token',
  'ecr get-login-password',
  'ecr get-authorization-token',
  'ecr-public get-login-password',
  'ecr-public get-authorization-token',
  'codeartifact get-authorization-token',
  'eks get-token',
  'rds generate-db-auth-token',
  'sso get-role-credentials',
  'secretsmanager get-secret-value',
  'secretsmanager batch-get-secret-value',
  'kms decrypt',
  'kms generate-data-key',
  'kms generate-data-key-pair',
  'ec2 get-password-data',
  'lightsail get-instance-access-details',
  'cognito-idp admin-initiate-auth',
  'cognito-idp initiate-auth',
]);
// Services whose writes manage who can do what, or the secrets they do it with.
const CRED_SERVICES = new Set(['iam', 'secretsmanager', 'sso-admin', 'identitystore', 'kms', 'acm-pca']);
const SSM_DECRYPT_OPS = new Set([
  'get-parameter',
  'get-parameters',
  'get-parameters-by-path',
  'get-parameter-history',
]);
// `aws configure get region` names no secret; anything else might be one.
const CONFIG_PLAIN_KEY_RE =
  /(?:^|\.)(?:region|output|cli_pager|max_attempts|retry_mode|sso_region|sso_start_url)$/;

/** Class of an API operation name by its leading verb; `batch-delete-image` is judged as delete. */
export function apiOpAct(op: string): Act | undefined {
  const dash = op.indexOf('-');
  let verb = dash < 0 ? op : op.slice(0, dash);
  if (verb === 'batch' && dash > 0) {
    const next = op.indexOf('-', dash + 1);
    verb = next < 0 ? op.slice(dash + 1) : op.slice(dash + 1, next);
  }
  if (op === 'schedule-key-deletion' || op === 'remove-all-permissions') return 'destroy';
  if (DESTROY_VERBS.has(verb)) return 'destroy';
  if (READ_VERBS.has(verb)) return 'read';
  if (CHANGE_VERBS.has(verb)) return 'change';
  return undefined;
}

export function aws(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const si = nextPositional(argv, 0, AWS_VALUES);
  if (si < 0) return hasFlag(argv, ['--version']) ? add(out, 'infra.read') : out;
  const service = argv[si]!;
  if (service === 'help') return add(out, 'infra.read');
  if (service === 's3') return s3(argv, si, out);
  if (service === 'configure') return configure(argv, si, out);
  const oi = nextPositional(argv, si + 1, AWS_VALUES);
  if (oi < 0) return out;
  const op = argv[oi]!;
  const key = `${service} ${op}`;
  if (CRED_READ_OPS.has(key)) return add(add(out, 'infra.read'), 'cred.read');
  if (service === 'ssm' && SSM_DECRYPT_OPS.has(op) && hasFlag(argv, ['--with-decryption'], oi + 1)) {
    return add(add(out, 'infra.read'), 'cred.read');
  }
  if (service === 'sso' && (op === 'login' || op === 'logout')) return add(out, 'cred.manage');
  // Writes a kubeconfig entry that calls `aws eks get-token`; no secret is stored or shown.
  if (key === 'eks update-kubeconfig') return add(out, 'infra.read');
  const act = apiOpAct(op);
  if (!act) return out;
  addAct(out, act, isDryRun(argv, oi + 1));
  if (act !== 'read' && CRED_SERVICES.has(service) && !isDryRun(argv, oi + 1)) add(out, 'cred.manage');
  return out;
}

function s3(argv: readonly string[], si: number, out: InfraTag[]): InfraTag[] {
  const oi = nextPositional(argv, si + 1, S3_VALUES);
  if (oi < 0) return out;
  const op = argv[oi]!;
  const dry = hasFlag(argv, ['--dryrun', '--dry-run'], oi + 1);
  const args = positionals(argv, oi + 1, S3_VALUES);
  const toS3 = (args[args.length - 1] ?? '').startsWith('s3://');
  switch (op) {
    case 'ls':
    case 'presign':
      return add(out, 'infra.read');
    case 'rm':
    case 'rb':
      return addAct(out, 'destroy', dry);
    case 'mb':
    case 'website':
      return addAct(out, 'change', dry);
    case 'cp':
      return addAct(out, toS3 ? 'change' : 'read', dry);
    case 'mv':
      // Either side on S3 is written: the destination, or the source objects it deletes.
      return addAct(out, 'change', dry);
    case 'sync':
      // --delete removes destination objects missing from the source: `sync /empty s3://b --delete`.
      if (hasFlag(argv, ['--delete'], oi + 1)) return addAct(out, 'destroy', dry);
      return addAct(out, toS3 ? 'change' : 'read', dry);
    default:
      return out;
  }
}

function configure(argv: readonly string[], si: number, out: InfraTag[]): InfraTag[] {
  const oi = nextPositional(argv, si + 1, AWS_VALUES);
  // Bare `aws configure` prompts for and stores access keys.
  if (oi < 0) return add(out, 'cred.manage');
  switch (argv[oi]) {
    case 'get': {
      const k = nextPositional(argv, oi + 1, AWS_VALUES);
      const name = k < 0 ? '' : argv[k]!;
      return add(out, CONFIG_PLAIN_KEY_RE.test(name) ? 'infra.read' : 'cred.read');
    }
    case 'export-credentials':
      return add(out, 'cred.read');
    case 'list':
    case 'list-profiles':
      return add(out, 'infra.read');
    default:
      // set, import, sso, sso-session, add-model: all store or change credentials.
      return add(out, 'cred.manage');
  }
}
