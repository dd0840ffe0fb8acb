// Infrastructure as code: terraform / tofu / terragrunt, pulumi, cdk, serverless, ansible.
import { findVerb, flagValue, hasFlag, hasShort, positionalAfter, valueFlags } from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

const TF_VALUES = valueFlags(
  '-chdir -var -var-file -target -replace -state -state-out -backup -out -lock-timeout -parallelism -backend-config -plugin-dir -from-module -generate-config-out -config -test-directory -filter -provider -id',
);

type TfVerb = Act | 'apply' | 'state' | 'workspace' | 'init' | 'cred';

const TF_VERBS: ReadonlyMap<string, TfVerb> = new Map<string, TfVerb>([
  ['apply', 'apply'],
  ['destroy', 'destroy'],
  ['plan', 'read'],
  ['import', 'change'],
  ['refresh', 'change'],
  ['taint', 'change'],
  ['untaint', 'change'],
  ['force-unlock', 'change'],
  ['state', 'state'],
  ['workspace', 'workspace'],
  ['env', 'workspace'],
  ['init', 'init'],
  ['login', 'cred'],
  ['logout', 'cred'],
  ['output', 'read'],
  ['show', 'read'],
  ['validate', 'read'],
  ['fmt', 'read'],
  ['graph', 'read'],
  ['providers', 'read'],
  ['version', 'read'],
  ['console', 'read'],
  ['get', 'read'],
  ['test', 'read'],
  ['metadata', 'read'],
  ['modules', 'read'],
  ['query', 'read'],
]);

const TF_STATE_READ = new Set(['list', 'show', 'pull', 'identities']);
// A saved plan made with `plan -destroy -out=destroy.tfplan` carries no flag when applied; its name may.
const DESTROY_PLAN_RE = /destroy/i;

function terraformFrom(argv: readonly string[], from: number): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, TF_VALUES, TF_VERBS, from);
  if (i < 0) {
    if (hasFlag(argv, ['-version', '--version', '-v', '-help', '--help', '-h'], from)) add(out, 'infra.read');
    return out;
  }
  const verb = TF_VERBS.get(argv[i]!)!;
  const sub = positionalAfter(argv, i, TF_VALUES);
  switch (verb) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, verb);
    case 'apply':
      return addAct(
        out,
        hasFlag(argv, ['-destroy', '--destroy'], i + 1) || DESTROY_PLAN_RE.test(sub) ? 'destroy' : 'change',
      );
    case 'state':
      return sub === '' ? out : addAct(out, TF_STATE_READ.has(sub) ? 'read' : 'change');
    case 'workspace':
      if (sub === 'list' || sub === 'show') return add(out, 'infra.read');
      if (sub === 'delete') return add(out, 'infra.destroy');
      return out;
    case 'init':
      // Moving state to another backend rewrites it; a plain init only downloads providers.
      return addAct(
        out,
        hasFlag(argv, ['-migrate-state', '--migrate-state', '-force-copy'], i + 1) ? 'change' : 'read',
      );
    case 'cred':
      return add(out, 'cred.manage');
  }
}

export function terraform(argv: readonly string[]): InfraTag[] {
  return terraformFrom(argv, 0);
}

const TG_VALUES = valueFlags(
  '--terragrunt-working-dir --working-dir --terragrunt-config --config --terragrunt-log-level --log-level --terragrunt-include-dir --queue-include-dir --terragrunt-exclude-dir --queue-exclude-dir --terragrunt-parallelism --parallelism --terragrunt-iam-role --iam-assume-role --terragrunt-source --source --terragrunt-tfpath --tf-path',
);
const TG_WRAPPERS = new Set(['run-all', 'run', 'stack']);
const TG_ALL: ReadonlyMap<string, Act> = new Map<string, Act>([
  ['destroy-all', 'destroy'],
  ['apply-all', 'change'],
  ['plan-all', 'read'],
  ['output-all', 'read'],
  ['validate-all', 'read'],
]);
const TG_VERBS = new Set([...TF_VERBS.keys(), ...TG_WRAPPERS, ...TG_ALL.keys()]);

/** `terragrunt run-all destroy`, `terragrunt run --all -- destroy`, or a terraform command passed through. */
export function terragrunt(argv: readonly string[]): InfraTag[] {
  const i = findVerb(argv, TG_VALUES, TG_VERBS);
  if (i < 0) return [];
  const verb = argv[i]!;
  if (TG_WRAPPERS.has(verb)) return terraformFrom(argv, i + 1);
  const all = TG_ALL.get(verb);
  if (all) return addAct([], all);
  return terraformFrom(argv, i);
}

const PULUMI_VALUES = valueFlags(
  '-C --cwd -s --stack --color -v --verbose --tracing --profiling --memprofilerate --config-file --secrets-provider --target -t --target-replace --replace --exclude --message -m --parallel -p --policy-pack --policy-pack-config --import-file -o --file -f --path --suppress-permalink',
);

type PulumiVerb = Act | 'stack' | 'state' | 'config' | 'cred' | 'none';

const PULUMI_VERBS: ReadonlyMap<string, PulumiVerb> = new Map<string, PulumiVerb>([
  ['up', 'change'],
  ['update', 'change'],
  ['refresh', 'change'],
  ['import', 'change'],
  ['cancel', 'change'],
  ['watch', 'change'],
  ['destroy', 'destroy'],
  ['down', 'destroy'],
  ['dn', 'destroy'],
  ['preview', 'read'],
  ['pre', 'read'],
  ['whoami', 'read'],
  ['about', 'read'],
  ['version', 'read'],
  ['logs', 'read'],
  ['stack', 'stack'],
  ['state', 'state'],
  ['config', 'config'],
  ['login', 'cred'],
  ['logout', 'cred'],
  ['new', 'none'],
  ['plugin', 'none'],
  ['install', 'none'],
  ['convert', 'none'],
  ['gen-completion', 'none'],
  ['package', 'none'],
]);

const PULUMI_STACK: ReadonlyMap<string, Act | 'none'> = new Map<string, Act | 'none'>([
  ['ls', 'read'],
  ['output', 'read'],
  ['history', 'read'],
  ['export', 'read'],
  ['graph', 'read'],
  ['tag', 'read'],
  ['select', 'none'],
  ['unselect', 'none'],
  ['init', 'none'],
  ['rm', 'destroy'],
  ['remove', 'destroy'],
  ['import', 'change'],
  ['rename', 'change'],
  ['change-secrets-provider', 'change'],
]);

// Pulumi prints secret config values in plain text on `config get`; only the key name hints at them.
const SECRET_KEY_RE = /pass(?:word|wd)?|secret|token|credential|private|api[-_]?key|(?:^|[:._-])key$/i;

export function pulumi(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, PULUMI_VALUES, PULUMI_VERBS);
  if (i < 0) return out;
  const verb = PULUMI_VERBS.get(argv[i]!)!;
  const showSecrets = hasFlag(argv, ['--show-secrets'], i + 1);
  const sub = positionalAfter(argv, i, PULUMI_VALUES);
  switch (verb) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, verb, hasFlag(argv, ['--preview-only'], i + 1));
    case 'stack': {
      const act = sub === '' ? 'read' : PULUMI_STACK.get(sub);
      if (act !== 'none') addAct(out, act);
      if (showSecrets) add(out, 'cred.read');
      return out;
    }
    case 'state':
      return sub === '' ? out : addAct(out, 'change');
    case 'config':
      if (sub === '' || sub === 'get') {
        add(out, 'infra.read');
        const key = sub === 'get' ? positionalAfter(argv, argv.indexOf('get', i), PULUMI_VALUES) : '';
        if (showSecrets || SECRET_KEY_RE.test(key)) add(out, 'cred.read');
      }
      // set / rm / cp edit the local Pulumi.<stack>.yaml only.
      return out;
    case 'cred':
      return add(out, 'cred.manage');
    case 'none':
      return out;
  }
}

const CDK_VALUES = valueFlags(
  '-a --app -c --context -p --plugin --profile --proxy --ca-bundle-path --role-arn -r -o --output --toolkit-stack-name --require-approval --parameters --outputs-file -O --method -m --change-set-name --concurrency --progress --build --asset-metadata --path-metadata --notices -b --bootstrap-bucket-name --qualifier --tags -t --cloudformation-execution-policies --trust --trust-for-lookup',
);

const CDK_VERBS: ReadonlyMap<string, Act | 'none'> = new Map<string, Act | 'none'>([
  ['deploy', 'change'],
  ['watch', 'change'],
  ['bootstrap', 'change'],
  ['import', 'change'],
  ['migrate', 'change'],
  ['rollback', 'change'],
  ['gc', 'change'],
  ['refactor', 'change'],
  ['destroy', 'destroy'],
  ['diff', 'read'],
  ['synth', 'read'],
  ['synthesize', 'read'],
  ['list', 'read'],
  ['ls', 'read'],
  ['doctor', 'read'],
  ['metadata', 'read'],
  ['notices', 'read'],
  ['docs', 'read'],
  ['doc', 'read'],
  ['context', 'read'],
  ['acknowledge', 'read'],
  ['ack', 'read'],
  ['init', 'none'],
]);

export function cdk(argv: readonly string[]): InfraTag[] {
  const i = findVerb(argv, CDK_VALUES, CDK_VERBS);
  if (i < 0) return [];
  const act = CDK_VERBS.get(argv[i]!)!;
  return act === 'none' ? [] : addAct([], act);
}

const SLS_VALUES = valueFlags(
  '--stage -s --region -r --aws-profile --config -c --function -f --app --org --param --type -t --path -p --data -d --startTime --filter',
);

const SLS_VERBS: ReadonlyMap<string, Act | 'deploy' | 'invoke' | 'config' | 'cred' | 'none'> = new Map<
  string,
  Act | 'deploy' | 'invoke' | 'config' | 'cred' | 'none'
>([
  ['deploy', 'deploy'],
  ['remove', 'destroy'],
  ['rollback', 'change'],
  ['invoke', 'invoke'],
  ['info', 'read'],
  ['logs', 'read'],
  ['print', 'read'],
  ['package', 'read'],
  ['metrics', 'read'],
  ['doctor', 'read'],
  ['support', 'read'],
  ['config', 'config'],
  ['login', 'cred'],
  ['logout', 'cred'],
  ['offline', 'none'],
  ['create', 'none'],
  ['install', 'none'],
  ['plugin', 'none'],
  ['dev', 'none'],
]);

export function serverless(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, SLS_VALUES, SLS_VERBS);
  if (i < 0) return out;
  const verb = SLS_VERBS.get(argv[i]!)!;
  const sub = positionalAfter(argv, i, SLS_VALUES);
  switch (verb) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, verb);
    case 'deploy':
      return addAct(out, sub === 'list' ? 'read' : 'change');
    case 'invoke':
      return sub === 'local' ? out : addAct(out, 'change');
    case 'config':
      return sub === 'credentials' ? add(out, 'cred.manage') : out;
    case 'cred':
      return add(out, 'cred.manage');
    case 'none':
      return out;
  }
}

const ANSIBLE_VALUES = valueFlags(
  '-i --inventory --inventory-file -m --module-name -a --args -u --user -e --extra-vars -f --forks -l --limit -t --tags --skip-tags -c --connection -T --timeout -M --module-path --vault-id --vault-password-file --private-key --key-file --become-method --become-user -B --background -P --poll --start-at-task --ssh-common-args --ssh-extra-args --scp-extra-args --sftp-extra-args --playbook-dir',
);
const ANSIBLE_READ_ONLY = ['--check', '-C', '--syntax-check', '--list-hosts', '--list-tasks', '--list-tags'];
// Modules that only gather facts or report.
const ANSIBLE_READ_MODULES = new Set([
  'ping',
  'setup',
  'gather_facts',
  'debug',
  'stat',
  'ansible.builtin.ping',
  'ansible.builtin.setup',
  'ansible.builtin.gather_facts',
  'ansible.builtin.debug',
  'ansible.builtin.stat',
]);

/** A playbook run changes every host it targets unless it only checks or lists. */
export function ansiblePlaybook(argv: readonly string[]): InfraTag[] {
  return addAct([], hasFlag(argv, ANSIBLE_READ_ONLY) ? 'read' : 'change');
}

/** Ad-hoc ansible defaults to the `command` module: a change unless the module only reads. */
export function ansible(argv: readonly string[]): InfraTag[] {
  if (hasFlag(argv, ['--version', '-h', '--help']) || hasFlag(argv, ANSIBLE_READ_ONLY))
    return addAct([], 'read');
  const module = flagValue(argv, ['-m', '--module-name'], ANSIBLE_VALUES) ?? 'command';
  return addAct([], ANSIBLE_READ_MODULES.has(module) || hasShort(argv, 'C') ? 'read' : 'change');
}
