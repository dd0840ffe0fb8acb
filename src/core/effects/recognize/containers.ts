// docker / podman / nerdctl and compose. Local container work (build, run, rm, prune) is ordinary
// development and gets no tag; what leaves the machine (push, swarm, a remote daemon), wipes named
// volumes, or handles registry credentials does.
import {
  findVerb,
  flagValues,
  hasFlag,
  hasShort,
  isDynamic,
  isLocalHost,
  positionalAfter,
  stripPort,
  union,
  uriHosts,
  valueFlags,
} from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

const DOCKER_VALUES = valueFlags(
  '-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey --connection --url --identity --root --runroot --storage-driver --storage-opt --cgroup-manager --module --ssh --tmpdir --events-backend --network-cmd-path --runtime --volumepath --hooks-dir --imagestore --network-config-dir --namespace -n --address -a --snapshotter --cni-path --cni-netconfpath --data-root --host-gateway-ip',
);
// Sub-command options whose values could otherwise be read as the positional after them.
const SUB_VALUES = union(
  DOCKER_VALUES,
  valueFlags(
    '-f --file --project-name --project-directory --env-file --profile --ansi --parallel --progress -t --tag --filter --format -o --output --platform --builder --target --build-arg --secret --cache-from --cache-to --label --driver --name --env --volume --user --workdir --network --entrypoint --timeout --signal --since --until --tail --replicas --image --compose-file --orchestrator',
  ),
);

type DockerCmd =
  | Act
  | 'push'
  | 'login'
  | 'volume'
  | 'system'
  | 'compose'
  | 'image'
  | 'manifest'
  | 'buildx'
  | 'build'
  | 'secret'
  | 'service'
  | 'stack'
  | 'swarm'
  | 'node'
  | 'container'
  | 'context'
  | 'local';

const DOCKER_CMDS: ReadonlyMap<string, DockerCmd> = new Map<string, DockerCmd>([
  ['push', 'push'],
  ['login', 'login'],
  ['logout', 'login'],
  ['volume', 'volume'],
  ['system', 'system'],
  ['compose', 'compose'],
  ['image', 'image'],
  ['manifest', 'manifest'],
  ['buildx', 'buildx'],
  ['builder', 'buildx'],
  ['build', 'build'],
  ['secret', 'secret'],
  ['service', 'service'],
  ['stack', 'stack'],
  ['swarm', 'swarm'],
  ['node', 'node'],
  ['container', 'container'],
  ['context', 'context'],
  ...[
    'ps',
    'images',
    'logs',
    'inspect',
    'version',
    'info',
    'stats',
    'top',
    'history',
    'events',
    'port',
    'diff',
    'search',
    'help',
  ].map((c) => [c, 'read'] as const),
  // Lifecycle commands: local development, unless the daemon is another machine.
  ...[
    'run',
    'exec',
    'rm',
    'rmi',
    'stop',
    'start',
    'restart',
    'kill',
    'create',
    'update',
    'cp',
    'pause',
    'unpause',
    'rename',
    'attach',
    'commit',
    'pull',
    'tag',
    'load',
    'save',
    'import',
    'export',
    'network',
    'wait',
    'prune',
    'pod',
    'machine',
    'play',
    'kube',
    'generate',
    'plugin',
    'trust',
    'scout',
    'sbom',
    'init',
    'debug',
    'desktop',
  ].map((c) => [c, 'local'] as const),
]);

const LOCAL_READS = new Set([
  'ls',
  'list',
  'inspect',
  'ps',
  'logs',
  'show',
  'df',
  'info',
  'events',
  'top',
  'stats',
]);

/** -H / --host / --url naming a daemon that is not on this machine. */
function remoteDaemon(argv: readonly string[]): boolean {
  for (const h of flagValues(argv, ['-H', '--host', '--url'], DOCKER_VALUES)) {
    if (isDynamic(h)) return true;
    const hosts = uriHosts(h) ?? [stripPort(h)];
    if (hosts.some((x) => !isLocalHost(x))) return true;
  }
  return false;
}

export function docker(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, DOCKER_VALUES, DOCKER_CMDS);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const cmd = argv[i]!;
  const kind = DOCKER_CMDS.get(cmd)!;
  const sub = positionalAfter(argv, i, SUB_VALUES);
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind);
    case 'push':
      return publish(out);
    case 'login':
      return add(out, 'cred.manage');
    case 'volume':
      if (sub === 'rm' || sub === 'remove' || sub === 'prune') return add(out, 'infra.destroy');
      return LOCAL_READS.has(sub) ? add(out, 'infra.read') : out;
    case 'system':
      // `system prune --volumes` and podman's `system reset` delete named volumes and their data.
      if ((sub === 'prune' && hasFlag(argv, ['--volumes'], i + 1)) || sub === 'reset')
        return add(out, 'infra.destroy');
      if (sub === 'df' || sub === 'info' || sub === 'events') return add(out, 'infra.read');
      return out;
    case 'compose':
      return composeFrom(argv, i + 1, out);
    case 'image':
      if (sub === 'push') return publish(out);
      return LOCAL_READS.has(sub) || sub === 'history' ? add(out, 'infra.read') : out;
    case 'manifest':
      return sub === 'push' ? publish(out) : sub === 'inspect' ? add(out, 'infra.read') : out;
    case 'buildx':
      if (
        sub === 'imagetools' &&
        positionalAfter(argv, argv.indexOf('imagetools', i), SUB_VALUES) === 'create'
      ) {
        return publish(out);
      }
      if ((sub === 'build' || sub === 'bake') && pushesImage(argv, i)) return publish(out);
      return sub === 'ls' || sub === 'inspect' || sub === 'du' ? add(out, 'infra.read') : out;
    case 'build':
      return pushesImage(argv, i) ? publish(out) : out;
    case 'secret':
      if (sub === 'create' || sub === 'rm' || sub === 'remove') return add(out, 'cred.manage');
      return LOCAL_READS.has(sub) ? add(out, 'infra.read') : out;
    case 'service':
    case 'stack':
    case 'node':
      return addAct(out, swarmAct(sub));
    case 'swarm':
      return sub === 'ca' ? add(out, 'cred.manage') : sub === '' ? out : add(out, 'infra.change');
    case 'container':
      if (LOCAL_READS.has(sub)) return add(out, 'infra.read');
      return remoteDaemon(argv) && sub !== '' ? add(out, 'infra.change') : out;
    case 'context':
      return LOCAL_READS.has(sub) ? add(out, 'infra.read') : out;
    case 'local':
      return remoteDaemon(argv) ? add(out, 'infra.change') : out;
  }
}

function publish(out: InfraTag[]): InfraTag[] {
  return add(add(out, 'registry.publish'), 'infra.change');
}

const REGISTRY_OUTPUT_RE = /(?:^|,)(?:type=registry|push=true)(?:,|$)/;

function pushesImage(argv: readonly string[], from: number): boolean {
  if (hasFlag(argv, ['--push'], from + 1)) return true;
  return flagValues(argv, ['-o', '--output'], SUB_VALUES, from + 1).some((o) => REGISTRY_OUTPUT_RE.test(o));
}

/** Swarm services and stacks are deployments: create/update/scale change them, rm removes them. */
function swarmAct(sub: string): Act | undefined {
  if (sub === 'rm' || sub === 'remove' || sub === 'down') return 'destroy';
  if (LOCAL_READS.has(sub) || sub === 'services') return 'read';
  return sub === '' ? undefined : 'change';
}

const COMPOSE_VALUES = valueFlags(
  '-f --file -p --project-name --project-directory --env-file --profile --ansi --parallel --progress -c --context -H --host',
);
const COMPOSE_CMDS: ReadonlyMap<string, Act | 'down' | 'push' | 'none'> = new Map<
  string,
  Act | 'down' | 'push' | 'none'
>([
  ['down', 'down'],
  ['push', 'push'],
  ...['ps', 'logs', 'config', 'ls', 'images', 'top', 'version', 'port', 'events', 'convert'].map(
    (c) => [c, 'read'] as const,
  ),
  ...[
    'up',
    'build',
    'run',
    'exec',
    'start',
    'stop',
    'restart',
    'pull',
    'create',
    'kill',
    'pause',
    'unpause',
    'rm',
    'cp',
    'wait',
    'watch',
    'attach',
    'scale',
    'alpha',
    'publish',
  ].map((c) => [c, 'none'] as const),
]);

function composeFrom(argv: readonly string[], from: number, out: InfraTag[]): InfraTag[] {
  const i = findVerb(argv, COMPOSE_VALUES, COMPOSE_CMDS, from);
  if (i < 0) return out;
  const kind = COMPOSE_CMDS.get(argv[i]!)!;
  switch (kind) {
    case 'down':
      // -v / --volumes removes the project's named volumes with their data.
      return hasFlag(argv, ['--volumes'], i + 1) || hasShort(argv, 'v', i + 1)
        ? add(out, 'infra.destroy')
        : out;
    case 'push':
      return publish(out);
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind);
    case 'none':
      return out;
  }
}

/** docker-compose / podman-compose. */
export function compose(argv: readonly string[]): InfraTag[] {
  return composeFrom(argv, 0, []);
}
