// kubectl (and oc, its OpenShift superset) and helm.
import {
  findVerb,
  flagValue,
  hasFlag,
  isDryRun,
  nextPositional,
  positionalAfter,
  valueFlags,
} from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

const KUBECTL_VALUES = valueFlags(
  '-n --namespace --context --cluster --user --kubeconfig -s --server --token --as --as-group --as-uid --certificate-authority --client-certificate --client-key --request-timeout --tls-server-name -v --v --vmodule --log-file --log-dir --log-file-max-size --stderrthreshold --cache-dir --profile --profile-output --password --username -l --selector -o --output -f --filename -k --kustomize -c --container --field-selector --sort-by --template -p --patch --patch-file --type --for --timeout --replicas --image --image-pull-policy -L --label-columns --chunk-size --grace-period --since --since-time --tail --subresource --field-manager --from-literal --from-file --from-env-file --docker-server --docker-username --docker-password --docker-email --cert --key --port --target-port --name --env --resource --revision --to-revision --min --max --cpu-percent --limits --requests --serviceaccount',
);

type KubeVerb =
  | Act
  | 'get'
  | 'create'
  | 'delete'
  | 'edit'
  | 'apply'
  | 'replace'
  | 'config'
  | 'auth'
  | 'rollout'
  | 'cp'
  | 'certificate'
  | 'none';

const KUBECTL_VERBS: ReadonlyMap<string, KubeVerb> = new Map<string, KubeVerb>([
  ['get', 'get'],
  ['describe', 'read'],
  ['logs', 'read'],
  ['top', 'read'],
  ['explain', 'read'],
  ['api-resources', 'read'],
  ['api-versions', 'read'],
  ['version', 'read'],
  ['cluster-info', 'read'],
  ['diff', 'read'],
  ['events', 'read'],
  ['wait', 'read'],
  ['kustomize', 'read'],
  ['help', 'read'],
  ['options', 'read'],
  ['port-forward', 'read'],
  ['proxy', 'read'],
  ['completion', 'none'],
  ['plugin', 'none'],
  ['alpha', 'none'],
  ['create', 'create'],
  ['delete', 'delete'],
  ['edit', 'edit'],
  ['apply', 'apply'],
  ['replace', 'replace'],
  ['patch', 'change'],
  ['scale', 'change'],
  ['autoscale', 'change'],
  ['set', 'change'],
  ['label', 'change'],
  ['annotate', 'change'],
  ['expose', 'change'],
  ['cordon', 'change'],
  ['uncordon', 'change'],
  ['drain', 'change'],
  ['taint', 'change'],
  ['run', 'change'],
  // The command inside is judged as a command (effects/containers-run.ts); a session with nothing to
  // judge (no command, an interactive shell) is tagged a production change there.
  ['exec', 'read'],
  ['attach', 'change'],
  ['debug', 'change'],
  ['cp', 'cp'],
  ['rollout', 'rollout'],
  ['config', 'config'],
  ['auth', 'auth'],
  ['certificate', 'certificate'],
  ['view-secret', 'none'],
  ['modify-secret', 'none'],
]);

const SECRET_RESOURCE_RE = /(?:^|,)secrets?(?:\.v1)?(?:\/|,|$)/i;
const RBAC_RESOURCE_RE = /^(?:cluster)?role(?:binding)?s?(?:\.rbac\.authorization\.k8s\.io)?(?:\/|$)/i;
// Only `name` and `wide` leave secret values out of `kubectl get` output.
const SECRET_SAFE_OUTPUT = new Set(['name', 'wide']);

function resourceAfter(argv: readonly string[], at: number): string {
  return positionalAfter(argv, at, KUBECTL_VALUES);
}

function secretValuesShown(argv: readonly string[], from: number): boolean {
  const o = flagValue(argv, ['-o', '--output'], KUBECTL_VALUES, from);
  if (o !== undefined && !SECRET_SAFE_OUTPUT.has(o)) return true;
  return hasFlag(argv, ['--template'], from);
}

export function kubectl(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, KUBECTL_VALUES, KUBECTL_VERBS);
  if (i < 0) return out;
  const verb = KUBECTL_VERBS.get(argv[i]!)!;
  const dry = isDryRun(argv, i + 1);
  switch (verb) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, verb, dry);
    case 'none':
      if (argv[i] === 'view-secret') add(out, 'cred.read');
      else if (argv[i] === 'modify-secret') add(out, 'cred.manage');
      return out;
    case 'get': {
      add(out, 'infra.read');
      if (SECRET_RESOURCE_RE.test(resourceAfter(argv, i)) && secretValuesShown(argv, i + 1))
        add(out, 'cred.read');
      return out;
    }
    case 'create': {
      const kind = resourceAfter(argv, i);
      addAct(out, 'change', dry);
      if (dry) return out;
      if (kind === 'secret' || kind === 'token' || RBAC_RESOURCE_RE.test(kind)) add(out, 'cred.manage');
      return out;
    }
    case 'delete': {
      addAct(out, 'destroy', dry);
      if (!dry && SECRET_RESOURCE_RE.test(resourceAfter(argv, i))) add(out, 'cred.manage');
      return out;
    }
    case 'edit': {
      addAct(out, 'change', dry);
      if (SECRET_RESOURCE_RE.test(resourceAfter(argv, i))) add(out, 'cred.manage');
      return out;
    }
    case 'apply': {
      const sub = resourceAfter(argv, i);
      if (sub === 'view-last-applied') return add(out, 'infra.read');
      addAct(out, 'change', dry);
      // --prune deletes every live object the manifests no longer list.
      if (!dry && hasFlag(argv, ['--prune'], i + 1)) add(out, 'infra.destroy');
      return out;
    }
    case 'replace':
      addAct(out, 'change', dry);
      // --force deletes the object and creates it again.
      if (!dry && hasFlag(argv, ['--force'], i + 1)) add(out, 'infra.destroy');
      return out;
    case 'cp': {
      // Copying into a pod (`dest` is `pod:path`) writes to it; copying out only reads.
      let last = '';
      for (
        let j = nextPositional(argv, i + 1, KUBECTL_VALUES);
        j >= 0;
        j = nextPositional(argv, j + 1, KUBECTL_VALUES)
      ) {
        last = argv[j]!;
      }
      return addAct(out, last.includes(':') ? 'change' : 'read');
    }
    case 'rollout': {
      const sub = resourceAfter(argv, i);
      if (sub === 'status' || sub === 'history') return add(out, 'infra.read');
      return sub === '' ? out : addAct(out, 'change', dry);
    }
    case 'auth': {
      const sub = resourceAfter(argv, i);
      if (sub === 'can-i' || sub === 'whoami') return add(out, 'infra.read');
      if (sub === 'reconcile') addAct(out, 'change', dry);
      return out;
    }
    case 'certificate':
      // Approving a CSR mints a client credential for the cluster.
      return add(addAct(out, 'change', dry), 'cred.manage');
    case 'config':
      return kubeconfig(argv, i, out);
  }
}

function kubeconfig(argv: readonly string[], at: number, out: InfraTag[]): InfraTag[] {
  const sub = resourceAfter(argv, at);
  switch (sub) {
    case 'view':
      add(out, 'infra.read');
      // Without --raw, kubectl redacts keys and tokens.
      if (hasFlag(argv, ['--raw'], at + 1)) add(out, 'cred.read');
      return out;
    case 'get-contexts':
    case 'current-context':
    case 'get-clusters':
    case 'get-users':
      return add(out, 'infra.read');
    case 'set-credentials':
    case 'delete-user':
      return add(out, 'cred.manage');
    case 'set':
    case 'unset': {
      const i = nextPositional(argv, at + 1, KUBECTL_VALUES);
      const path = i < 0 ? '' : positionalAfter(argv, i, KUBECTL_VALUES);
      if (path.startsWith('users.')) add(out, 'cred.manage');
      return out;
    }
    default:
      // use-context, set-context, rename-context...: local kubeconfig bookkeeping.
      return out;
  }
}

const HELM_VALUES = valueFlags(
  '-n --namespace --kube-context --kubeconfig --kube-apiserver --kube-token --kube-as-user --kube-as-group --kube-ca-file --kube-tls-server-name --registry-config --repository-cache --repository-config --burst-limit --qps --version -f --values --set --set-string --set-file --set-json --set-literal -o --output --timeout --description --post-renderer --post-renderer-args --repo --username --password --ca-file --cert-file --key-file --keyring --max --offset -l --selector --revision --history-max --name-template --wait-for',
);

type HelmVerb = Act | 'publish' | 'registry' | 'none';

const HELM_VERBS: ReadonlyMap<string, HelmVerb> = new Map<string, HelmVerb>([
  ['install', 'change'],
  ['upgrade', 'change'],
  ['rollback', 'change'],
  ['test', 'change'],
  ['uninstall', 'destroy'],
  ['delete', 'destroy'],
  ['del', 'destroy'],
  ['un', 'destroy'],
  ['list', 'read'],
  ['ls', 'read'],
  ['status', 'read'],
  ['history', 'read'],
  ['hist', 'read'],
  ['get', 'read'],
  ['show', 'read'],
  ['inspect', 'read'],
  ['template', 'read'],
  ['search', 'read'],
  ['version', 'read'],
  ['lint', 'read'],
  ['env', 'read'],
  ['verify', 'read'],
  ['diff', 'read'],
  ['push', 'publish'],
  ['registry', 'registry'],
  ['repo', 'none'],
  ['plugin', 'none'],
  ['package', 'none'],
  ['create', 'none'],
  ['dependency', 'none'],
  ['dep', 'none'],
  ['pull', 'none'],
  ['fetch', 'none'],
  ['completion', 'none'],
]);

export function helm(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, HELM_VALUES, HELM_VERBS);
  if (i < 0) return out;
  const verb = HELM_VERBS.get(argv[i]!)!;
  switch (verb) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, verb, isDryRun(argv, i + 1));
    case 'publish':
      return add(add(out, 'registry.publish'), 'infra.change');
    case 'registry': {
      const sub = positionalAfter(argv, i, HELM_VALUES);
      if (sub === 'login' || sub === 'logout') add(out, 'cred.manage');
      return out;
    }
    case 'none':
      return out;
  }
}
