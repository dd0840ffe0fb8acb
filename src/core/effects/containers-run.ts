// Containers, pods, VMs and chroots as a way around the guard (issue 12, class 3). The command inside
// `docker run|exec`, `podman`, `nerdctl`, `docker compose run|exec`, `kubectl exec|debug`, `lxc exec`,
// `vagrant ssh -c`, `nsenter` and `chroot` is judged as a command, and the mounts a new container is
// given are judged as what they are:
//
// - `docker run` (and compose run, kubectl debug node) makes a new container whose mounts we can read
//   from its flags. What the command inside does to a path under a bind mount it does to the host path
//   behind it (`-v /:/host ... rm -rf /host/etc` deletes /etc); a path under no mount is the container's
//   own business and is dropped (`docker run --rm alpine rm -rf /` harms nobody). Network calls, cloud
//   CLIs and opaque code inside are kept whatever the mounts: the network is not isolated.
// - `docker exec`, `kubectl exec`, `lxc exec` enter a container that already exists, whose mounts we
//   cannot see (a dev container usually has the project bind-mounted, a pod holds production data): the
//   command inside is judged as if it ran here, with the container's workdir (`-w`) or `/` as its cwd.
// - Host root: `--privileged`, `--pid=host`, dangerous `--cap-add`, `--device`, a mount of `/` or of a
//   top-level system directory, a container runtime's socket, `kubectl debug node/...` and `nsenter`
//   into pid 1 are tagged `container.host-root` (tier 3).
// - Mounting or copying a credential file or a directory that holds credentials (`~/.aws`, `~/.ssh`,
//   `~/.kube`, the home directory itself) into a container reads it (`docker cp`, `kubectl cp` too).
// - Mass removal: `docker rm -f $(docker ps -aq)`, `docker rmi $(docker images -q)`, `... | xargs docker
//   rm`, `docker system prune -a` remove everything; they are tagged `container.remove-all` (tier 3).
//   Volumes (`volume rm|prune`, `prune --volumes`) are `infra.destroy` in recognize/containers.ts.
import { isUnder, normalize, pathTags, resolvePath, zoneOf } from '../paths.ts';
import type { WordValue } from '../shell/words.ts';
import type { Effect, PathEffect } from '../types.ts';
import type { Ctx, Handler } from './commands.ts';
import { handleCommand } from './commands.ts';
import { childScope, emit, emitOpaque, emitPath, type Scope, type Sink } from './sink.ts';

/** A bind mount: `target` inside the container, `source` on the host (undefined for a named volume). */
export interface Mount {
  target: string;
  source?: string;
}

// ---- docker / podman / nerdctl ---------------------------------------------------------------

/** Global options (before the sub-command) that take a value. */
const GLOBAL_VALUES = new Set(
  '-H --host -c --context --config -l --log-level --tlscacert --tlscert --tlskey --connection --url --identity --root --runroot --storage-driver --storage-opt --cgroup-manager --module --ssh --tmpdir --events-backend --runtime --namespace -n --address -a --data-root'.split(
    ' ',
  ),
);

/** `run`/`create`/`exec` options that take a value (docker, podman, nerdctl, compose run/exec). */
const RUN_VALUES = new Set(
  `-a --attach --add-host --annotation --blkio-weight --blkio-weight-device --cap-add --cap-drop --cgroup-parent
  --cgroupns --cidfile --cpu-period --cpu-quota --cpu-rt-period --cpu-rt-runtime -c --cpu-shares --cpus --cpuset-cpus
  --cpuset-mems --device --device-cgroup-rule --device-read-bps --device-read-iops --device-write-bps
  --device-write-iops --dns --dns-option --dns-search --domainname --entrypoint -e --env --env-file --expose --gpus
  --group-add --health-cmd --health-interval --health-retries --health-start-period --health-timeout -h --hostname
  --ip --ip6 --ipc --isolation --kernel-memory -l --label --label-file --link --link-local-ip --log-driver --log-opt
  --mac-address -m --memory --memory-reservation --memory-swap --memory-swappiness --mount --name --network --net
  --network-alias --oom-score-adj --pid --pids-limit --platform -p --publish --pull --restart --runtime
  --security-opt --shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs --ulimit -u --user --userns
  --uts -v --volume --volume-driver --volumes-from -w --workdir --detach-keys --arch --authfile --cgroup-conf
  --chrootdirs --conmon-pidfile --decryption-key --gidmap --uidmap --hostuser --init-path --os --passwd-entry
  --pod --pod-id-file --preserve-fd --requires --sdnotify --seccomp-policy --secret --subgidname --subuidname
  --timeout --tz --umask --unsetenv --variant --index --project-name --profile -f --file --env-from-file
  --image-volume --label-file --cpu-count --cpu-percent --io-maxbandwidth --io-maxiops --rdt-class`
    .split(/\s+/)
    .filter(Boolean),
);

const DANGEROUS_CAPS =
  /^(ALL|SYS_ADMIN|SYS_MODULE|SYS_PTRACE|SYS_RAWIO|DAC_READ_SEARCH|DAC_OVERRIDE|SYS_BOOT)$/i;
const RUNTIME_SOCKET = /(^|\/)(docker|podman|containerd|crio|cri-dockerd|buildkitd)\.sock$/;

interface RunSpec {
  mounts: Mount[];
  /** Why this container is root on the host, if it is. */
  hostRoot: string[];
  workdir?: string;
  /** Index in argv of the image (run) or container (exec). */
  subject: number;
}

/** Split a `-v`/`--volume` spec: `SRC:DST[:opts]`; a bare `DST` is an anonymous volume. */
function volumeSpec(spec: string): { source?: string; target: string } | undefined {
  const parts = spec.split(':');
  if (parts.length === 1) return { target: parts[0]! };
  // Windows drive letters (`C:\x:/app`) are not worth the ambiguity: take the last absolute part.
  const target = parts[1]!.startsWith('/') ? parts[1]! : parts.find((p, i) => i > 0 && p.startsWith('/'));
  if (!target) return undefined;
  return { source: parts[0]!, target };
}

/** `--mount type=bind,source=/,target=/mnt` (also src/dst/destination). */
function mountSpec(spec: string): { source?: string; target: string; bind: boolean } | undefined {
  const kv = new Map<string, string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    kv.set((eq < 0 ? part : part.slice(0, eq)).toLowerCase(), eq < 0 ? 'true' : part.slice(eq + 1));
  }
  const target = kv.get('target') ?? kv.get('dst') ?? kv.get('destination');
  if (!target) return undefined;
  const type = kv.get('type') ?? 'volume';
  const source = kv.get('source') ?? kv.get('src');
  return { source, target, bind: type === 'bind' };
}

/** A mount source as the host sees it: `$PWD`, `$(pwd)`, `.` and relative paths are the cwd's. */
function hostSource(raw: string, c: Ctx): string | undefined {
  const v = raw.replace(/^(\$\(pwd\)|`pwd`|\$\{PWD\})/, c.scope.cwd);
  // A named volume (`pgdata`) has no slash and does not start with `.` or `~`.
  if (!/^[./~$]/.test(v) && !v.includes('/')) return undefined;
  return resolvePath(v, c.scope.cwd, c.sink.ctx.home);
}

/** Home entries that hold credentials: mounting or copying them (or a directory above them) reads them. */
const CREDENTIAL_HOME_ENTRIES = [
  '.aws',
  '.ssh',
  '.kube',
  '.docker/config.json',
  '.config/gcloud',
  '.config/gh',
  '.config/op',
  '.azure',
  '.gnupg',
  '.netrc',
  '.npmrc',
  '.pypirc',
  '.git-credentials',
  '.password-store',
  '.vault-token',
  '.terraform.d',
  '.pgpass',
  '.my.cnf',
];

/** Does `path` hold credentials: a credential file, a credential directory, or a directory above one? */
export function holdsCredentials(path: string, home: string): boolean {
  const p = normalize(path);
  return CREDENTIAL_HOME_ENTRIES.some((e) => {
    const entry = `${normalize(home)}/${e}`;
    return isUnder(entry, p) || isUnder(p, entry);
  });
}

/** Read effect for something copied or mounted from the host into a container. */
export function readIntoContainer(c: Ctx, raw: string, tags: string[]): void {
  const path = resolvePath(raw, c.scope.cwd, c.sink.ctx.home);
  const extra = holdsCredentials(path, c.sink.ctx.home) ? ['credential', 'recursive'] : [];
  emitPath(c.sink, c.scope, 'read', path, [...tags, ...extra], c.origin);
}

function parseRun(c: Ctx, from: number, values = RUN_VALUES): RunSpec {
  const spec: RunSpec = { mounts: [], hostRoot: [], subject: -1 };
  const a = c.argv;
  let netHost = false;
  for (let i = from; i < a.length; i++) {
    const arg = a[i]!;
    if (arg === '--') {
      spec.subject = i + 1 < a.length ? i + 1 : -1;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      spec.subject = i;
      break;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (values.has(name)) value = a[++i];
    else if (/^-[vewu]./.test(arg) && !arg.startsWith('--')) value = arg.slice(2); // -v/x:/y, -w/app
    const shortName = eq < 0 && !values.has(name) && /^-[vewu]./.test(arg) ? arg.slice(0, 2) : name;
    if (value === undefined) {
      if (name === '--privileged') spec.hostRoot.push('--privileged');
      continue;
    }
    switch (shortName) {
      case '-v':
      case '--volume': {
        const v = volumeSpec(value);
        if (v) addMount(c, spec, v.source, v.target);
        break;
      }
      case '--mount': {
        const m = mountSpec(value);
        if (m) addMount(c, spec, m.bind ? m.source : undefined, m.target);
        break;
      }
      case '--volumes-from':
        spec.hostRoot.push(`--volumes-from ${value} (mounts we cannot see)`);
        break;
      case '-w':
      case '--workdir':
        spec.workdir = value;
        break;
      case '--pid':
      case '--ipc':
      case '--uts':
      case '--userns':
      case '--cgroupns':
        if (value === 'host' && (name === '--pid' || name === '--userns')) spec.hostRoot.push(`${name}=host`);
        break;
      case '--net':
      case '--network':
        netHost = value === 'host';
        break;
      case '--cap-add':
        for (const cap of value.split(','))
          if (DANGEROUS_CAPS.test(cap.replace(/^CAP_/i, ''))) spec.hostRoot.push(`--cap-add=${cap}`);
        break;
      case '--device':
        spec.hostRoot.push(`--device ${value}`);
        break;
      case '--security-opt':
        if (/unconfined/.test(value) && netHost) spec.hostRoot.push(`--security-opt ${value}`);
        break;
    }
  }
  return spec;
}

function addMount(c: Ctx, spec: RunSpec, rawSource: string | undefined, target: string): void {
  const source = rawSource === undefined ? undefined : hostSource(rawSource, c);
  spec.mounts.push({ target: normalize(target), ...(source ? { source } : {}) });
  if (!source) return;
  const zone = zoneOf(source, c.sink.ctx);
  if (zone === 'root') spec.hostRoot.push(`a mount of ${source}`);
  else if (RUNTIME_SOCKET.test(source))
    spec.hostRoot.push(`a mount of the container runtime socket ${source}`);
  else if (zone === 'device') spec.hostRoot.push(`a mount of the device ${source}`);
  readIntoContainer(c, source, ['mount']);
}

function hostRootEffect(c: Ctx, why: string[]): void {
  if (why.length === 0) return;
  emit(c.sink, c.scope, {
    kind: 'exec',
    program: c.program,
    argv: c.argv,
    tags: ['container.host-root'],
    origin: `${c.origin} (${why.join(', ')})`.slice(0, 200),
  });
}

/** The command words after the image or container, if any. */
function commandWords(c: Ctx, subject: number): WordValue[] {
  return subject < 0 ? [] : c.cmd.args.slice(subject + 1);
}

/** Images whose entrypoint is a CLI: their command words are that CLI's arguments. */
const ENTRYPOINTS: Record<string, string> = {
  'amazon/aws-cli': 'aws',
  'public.ecr.aws/aws-cli/aws-cli': 'aws',
  'bitnami/kubectl': 'kubectl',
  'alpine/k8s': 'kubectl',
  'alpine/helm': 'helm',
  'hashicorp/terraform': 'terraform',
  'alpine/terragrunt': 'terragrunt',
  'pulumi/pulumi': 'pulumi',
  'alpine/git': 'git',
  'curlimages/curl': 'curl',
  'mcr.microsoft.com/azure-cli': 'az',
  'minio/mc': 'mc',
  'rclone/rclone': 'rclone',
};

/** What a new container runs: `--entrypoint` or a known CLI image's entrypoint, then the words. */
function runWords(c: Ctx, subject: number): WordValue[] {
  const words = commandWords(c, subject);
  const ep = c.argv.findIndex(
    (a, i) => (a === '--entrypoint' || a.startsWith('--entrypoint=')) && i < subject,
  );
  const image = subject < 0 ? '' : c.argv[subject]!.replace(/^docker\.io\//, '').replace(/[:@].*$/, '');
  const entry =
    ep >= 0
      ? c.argv[ep]!.includes('=')
        ? c.argv[ep]!.slice(c.argv[ep]!.indexOf('=') + 1)
        : c.argv[ep + 1]
      : ENTRYPOINTS[image];
  if (!entry) return words;
  return [{ value: entry, dynamic: false, quoted: false, substitutions: [] }, ...words];
}

/**
 * Run `words` as a command inside a new container whose bind mounts are `mounts`. Path effects under a
 * mount land on the host path behind it; the others are the container's own and are dropped. Scripts
 * the command would run are read through the mounts too (`-v $PWD:/app -w /app node npm test` reads the
 * project's package.json).
 */
export function runInNewContainer(c: Ctx, words: WordValue[], mounts: Mount[], workdir = '/'): void {
  const head = words[0];
  if (!head) return;
  runMapped(c, mounts, workdir, '/root', (scope, inner) =>
    handleCommand({ ...c.cmd, name: head, args: words.slice(1) }, scope, inner, c.api),
  );
}

/** Run `body` against a sink of its own, then bring its effects back through `mounts`. */
function runMapped(
  c: Ctx,
  mounts: Mount[],
  workdir: string,
  home: string,
  body: (scope: Scope, inner: Sink) => void,
): void {
  const sink = c.sink;
  const inner: Sink = {
    ctx: {
      ...sink.ctx,
      home,
      readScript: (p) => {
        const h = hostPathOf(normalize(p), mounts);
        return h === undefined ? undefined : sink.ctx.readScript?.(h);
      },
    },
    effects: [],
  };
  body(childScope(c.scope, { cwd: normalize(workdir), functions: new Map() }), inner);
  for (const e of inner.effects) mapEffect(e, mounts, c, sink);
}

/** The host path behind a container path, through the deepest mount holding it. */
export function hostPathOf(p: string, mounts: Mount[]): string | undefined {
  let best: Mount | undefined;
  for (const m of mounts)
    if (isUnder(p, m.target) && (!best || m.target.length > best.target.length)) best = m;
  if (!best?.source) return undefined;
  return normalize(best.source + p.slice(best.target === '/' ? 0 : best.target.length));
}

function mapEffect(e: Effect, mounts: Mount[], c: Ctx, sink: Sink): void {
  if (e.kind !== 'read' && e.kind !== 'write' && e.kind !== 'delete') {
    emit(sink, c.scope, e);
    return;
  }
  const pe = e as PathEffect;
  if (pe.tags.includes('unknown-path')) {
    // A target only known at run time may be under a mount: keep it when there is one.
    if (mounts.some((m) => m.source)) emit(sink, c.scope, pe);
    return;
  }
  const base = pe.path.replace(/\/\*$/, '') || '/';
  // The tags the container path gave itself (credential, guard...) are recomputed on the host path.
  const own = new Set(pathTags(pe.path, sink.ctx));
  const tags = pe.tags.filter((t) => !own.has(t) && t !== 'glob');
  const host = hostPathOf(pe.path, mounts);
  if (host !== undefined) {
    emitPath(sink, c.scope, pe.kind, host, tags, pe.origin);
    return;
  }
  // A recursive effect on a directory above a mount reaches what is mounted there (`rm -rf /`).
  if (pe.tags.includes('recursive') || pe.path.endsWith('/*')) {
    for (const m of mounts)
      if (m.source && isUnder(m.target, base) && m.target !== base)
        emitPath(sink, c.scope, pe.kind, m.source, tags, pe.origin);
  }
}

/** Commands that list every container, image or volume (no filter): their output is "everything". */
const LIST_ALL =
  /\b(?:docker|podman|nerdctl)\s+(?:(?:container\s+)?(?:ps|ls|list)|images|image\s+(?:ls|list)|volume\s+(?:ls|list)|network\s+(?:ls|list))\b(?![^|;&)]*(?:--filter|\s-f\b|\s-f\S))/;

function listsEverything(w: WordValue): boolean {
  return w.substitutions.some((s) => LIST_ALL.test(s.text));
}

const REMOVERS = new Set(['rm', 'rmi']);

function massRemoval(c: Ctx, verbAt: number): void {
  const verb = c.argv[verbAt]!;
  const sub = c.argv[verbAt + 1] ?? '';
  const removes =
    REMOVERS.has(verb) ||
    ((verb === 'container' || verb === 'image' || verb === 'network') && /^(rm|remove|kill)$/.test(sub));
  let all = removes && c.cmd.args.slice(verbAt + 1).some(listsEverything);
  // `system prune -a` removes every image not in use, with every stopped container and network.
  if (
    verb === 'system' &&
    sub === 'prune' &&
    c.argv.some((a) => a === '-a' || a === '--all' || /^-[a-z]*a/.test(a))
  )
    all = true;
  if (
    (verb === 'image' || verb === 'container') &&
    sub === 'prune' &&
    c.argv.some((a) => /^(-a|--all|-af|-fa)$/.test(a))
  )
    all = true;
  if (!all) return;
  emit(c.sink, c.scope, {
    kind: 'exec',
    program: c.program,
    argv: c.argv,
    tags: ['container.remove-all'],
    origin: c.origin,
  });
}

/** Index of the sub-command after docker's global options, or -1. */
function dockerVerb(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) return i;
    if (GLOBAL_VALUES.has(a)) i++;
  }
  return -1;
}

const docker: Handler = (c) => {
  const v = dockerVerb(c.argv);
  if (v < 0) return;
  let verb = c.argv[v]!;
  let at = v;
  if (verb === 'container' && /^(run|create|exec|cp)$/.test(c.argv[v + 1] ?? '')) {
    at = v + 1;
    verb = c.argv[at]!;
  }
  if (verb === 'compose') return composeFrom(c, v + 1);
  massRemoval(c, v);
  if (verb === 'run' || verb === 'create') {
    const spec = parseRun(c, at + 1);
    hostRootEffect(c, spec.hostRoot);
    runInNewContainer(c, runWords(c, spec.subject), spec.mounts, spec.workdir);
    return;
  }
  if (verb === 'exec') {
    const spec = parseRun(c, at + 1);
    if (c.argv.includes('--privileged')) hostRootEffect(c, ['exec --privileged']);
    runInContainer(c, commandWords(c, spec.subject), spec.workdir);
    return;
  }
  if (verb === 'cp') copyInto(c, at + 1);
};

/** `docker cp SRC CONTAINER:DST` reads SRC; `docker cp CONTAINER:SRC DST` writes DST. */
function copyInto(c: Ctx, from: number, values: ReadonlySet<string> = new Set()): void {
  const ops: string[] = [];
  for (let i = from; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a.startsWith('-') && a !== '-') {
      if (values.has(a)) i++;
      continue;
    }
    ops.push(a);
  }
  if (ops.length < 2) return;
  const [src, dst] = [ops[0]!, ops[ops.length - 1]!];
  const remote = (x: string) => /^[A-Za-z0-9][^:\s]*:/.test(x);
  if (remote(dst) && !remote(src) && src !== '-') readIntoContainer(c, src, ['upload']);
  if (remote(src) && !remote(dst) && dst !== '-')
    emitPath(c.sink, c.scope, 'write', dst, ['overwrite'], c.origin);
}

/**
 * A command run in a container (or pod, or machine) that already exists: its mounts are unknown, so the
 * command is judged as if it ran here, from the container's workdir (`/` when not given).
 */
export function runInExisting(c: Ctx, words: WordValue[], workdir = '/', tags: string[] = []): void {
  const head = words[0];
  if (!head) return;
  const scope: Scope = childScope(c.scope, {
    cwd: resolvePath(workdir, '/', c.sink.ctx.home),
    functions: new Map(),
    inherited: [...c.scope.inherited, ...tags],
  });
  // A redirect (`< migrations/x.sql`) is opened by the shell here, not inside: its path is the host's.
  const stdin =
    c.cmd.stdin?.kind === 'file'
      ? { kind: 'file' as const, path: resolvePath(c.cmd.stdin.path, c.scope.cwd, c.sink.ctx.home) }
      : c.cmd.stdin;
  handleCommand({ ...c.cmd, name: head, args: words.slice(1), stdin }, scope, c.sink, c.api);
}

/** Where a command in an existing container runs when no `-w` says: the image's WORKDIR, unknown here. */
export const CONTAINER_WORKDIR = '/container-workdir';

/**
 * `docker exec`, `compose exec`, `kubectl exec`: like runInExisting, but paths under the container's
 * own workdir (the image's WORKDIR when no `-w` names one, or a `-w` that is no host location, such as
 * `/app`) are the container's working copy, judged like project files: `docker exec app rm -rf
 * node_modules` is ordinary development there. Everything else is judged as if it ran here, so
 * `rm -rf /` or a data directory stays what it is, and a `-w` into the home or a system directory
 * (which may well be a mount of the host's) is not softened.
 */
export function runInContainer(c: Ctx, words: WordValue[], workdir?: string, tags: string[] = []): void {
  const cwd = workdir === undefined ? CONTAINER_WORKDIR : resolvePath(workdir, '/', c.sink.ctx.home);
  const own = workdir === undefined || (cwd !== '/' && zoneOf(cwd, c.sink.ctx) === 'outside');
  if (!own) return runInExisting(c, words, cwd, tags);
  const inner: Sink = { ctx: c.sink.ctx, effects: [] };
  runInExisting({ ...c, sink: inner }, words, cwd, tags);
  for (const e of inner.effects) {
    if ('path' in e && isUnder(e.path, cwd)) {
      e.zone = 'project';
      e.tags = [...new Set([...e.tags, 'container'])];
    }
    emit(c.sink, c.scope, e);
  }
}

// ---- compose ---------------------------------------------------------------------------------

const COMPOSE_GLOBAL_VALUES = new Set(
  '-f --file -p --project-name --project-directory --env-file --profile --ansi --parallel --progress -c --context -H --host'.split(
    ' ',
  ),
);

function composeFrom(c: Ctx, from: number): void {
  let i = from;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (!a.startsWith('-')) break;
    if (COMPOSE_GLOBAL_VALUES.has(a)) i++;
  }
  const verb = c.argv[i];
  if (verb !== 'run' && verb !== 'exec') return;
  const spec = parseRun(c, i + 1);
  hostRootEffect(c, spec.hostRoot);
  // The service's own mounts are in the compose file: what runs inside is judged as if it ran here,
  // with any mounts given on the line mapped.
  const words = commandWords(c, spec.subject);
  if (spec.mounts.some((m) => m.source)) {
    const inner: Sink = { ctx: c.sink.ctx, effects: [] };
    const scope = childScope(c.scope, { cwd: normalize(spec.workdir ?? '/'), functions: new Map() });
    const head = words[0];
    if (!head) return;
    handleCommand({ ...c.cmd, name: head, args: words.slice(1) }, scope, inner, c.api);
    for (const e of inner.effects) {
      if ('path' in e && hostPathOf(e.path, spec.mounts) !== undefined) mapEffect(e, spec.mounts, c, c.sink);
      else emit(c.sink, c.scope, e);
    }
    return;
  }
  runInContainer(c, words, spec.workdir);
}

const compose: Handler = (c) => composeFrom(c, 0);

// ---- kubectl ---------------------------------------------------------------------------------

const KUBECTL_VALUES = new Set(
  `-n --namespace --context --cluster --user --kubeconfig -s --server --token --as --as-group --as-uid
  --certificate-authority --client-certificate --client-key --request-timeout -v --v -c --container -f --filename
  --pod-running-timeout --image --image-pull-policy --profile --target --copy-to --env --set-image --share-processes
  --attach --custom -l --selector --retries`
    .split(/\s+/)
    .filter(Boolean),
);

/** A shell started with nothing to run: an interactive session nobody can see into. */
function bareShell(words: WordValue[]): boolean {
  const head = words[0]?.value.split('/').pop() ?? '';
  return (
    /^(sh|bash|zsh|ash|dash|ksh|fish)$/.test(head) && !words.slice(1).some((w) => /^-[a-z]*c/.test(w.value))
  );
}

const kubectl: Handler = (c) => {
  const v = dockerVerbWith(c.argv, KUBECTL_VALUES);
  if (v < 0) return;
  const verb = c.argv[v]!;
  const dash = c.argv.indexOf('--', v);
  const words = dash < 0 ? [] : c.cmd.args.slice(dash + 1);
  if (verb === 'exec') {
    // recognize/kubernetes.ts tags exec as a read when it has a command to judge; a session with
    // nothing visible to judge (no command, a bare shell) stays a production change.
    if (words.length === 0 || (bareShell(words) && !c.cmd.stdin)) {
      emit(c.sink, c.scope, {
        kind: 'exec',
        program: c.program,
        argv: c.argv,
        tags: ['infra.change'],
        origin: c.origin,
      });
      return;
    }
    runInContainer(c, words, undefined, ['remote']);
    return;
  }
  if (verb === 'debug') {
    const target = c.argv.slice(v + 1).find((a) => !a.startsWith('-'));
    if (target && /^(node|nodes|no)\//.test(target)) {
      // A node debug pod runs privileged with the node's root file system at /host.
      hostRootEffect(c, [`a debug pod on ${target} with the node's file system at /host`]);
      if (words.length > 0) runInNewContainer(c, words, [{ target: '/host', source: '/' }]);
      return;
    }
    if (words.length > 0) runInContainer(c, words, undefined, ['remote']);
    return;
  }
  if (verb === 'cp') copyInto(c, v + 1, KUBECTL_VALUES);
};

function dockerVerbWith(argv: readonly string[], values: Set<string>): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return -1;
    if (!a.startsWith('-')) return i;
    if (values.has(a)) i++;
  }
  return -1;
}

// ---- lxc / incus, vagrant ----------------------------------------------------------------------

const lxc: Handler = (c) => {
  const v = dockerVerbWith(c.argv, new Set(['--project', '--target']));
  if (v < 0) return;
  const verb = c.argv[v]!;
  if (verb === 'exec') {
    const dash = c.argv.indexOf('--', v);
    const words =
      dash >= 0
        ? c.cmd.args.slice(dash + 1)
        : c.cmd.args.slice(v + 2).filter((w) => !w.value.startsWith('-'));
    const cwdAt = c.argv.indexOf('--cwd');
    runInExisting(c, words, cwdAt >= 0 ? c.argv[cwdAt + 1] : '/root');
    return;
  }
  if (verb === 'file' && c.argv[v + 1] === 'push') {
    const ops = c.argv.slice(v + 2).filter((a) => !a.startsWith('-'));
    for (const src of ops.slice(0, -1)) readIntoContainer(c, src, ['upload']);
  }
};

const vagrant: Handler = (c) => {
  if (c.argv[0] !== 'ssh') return;
  const ci = c.argv.findIndex((a) => a === '-c' || a === '--command');
  const dash = c.argv.indexOf('--');
  const src = ci >= 0 ? c.cmd.args[ci + 1] : undefined;
  if (src && !src.dynamic) {
    // The VM is this machine's, with the project synced at /vagrant; the rest of its disk is its own.
    const mounts: Mount[] = [{ target: '/vagrant', source: c.sink.ctx.projectDir }];
    runMapped(c, mounts, '/home/vagrant', '/home/vagrant', (scope, inner) =>
      c.api.shell(src.value, scope, inner),
    );
    return;
  }
  if (src)
    emitOpaque(
      c.sink,
      c.scope,
      'vagrant ssh runs a command only known at run time',
      ['dynamic-command'],
      c.origin,
    );
  else if (dash >= 0 && dash + 1 < c.argv.length)
    emitOpaque(c.sink, c.scope, 'vagrant ssh passes arguments to ssh', ['dynamic-command'], c.origin);
};

// ---- nsenter, chroot -------------------------------------------------------------------------

const NSENTER_VALUES = new Set(
  '-t --target -S -G --setuid --setgid -r -w --root --wd --env -N --user-parent --keep-caps'.split(' '),
);

/** `nsenter -t PID ... cmd`: pid 1's mount namespace is the host's root file system. */
export const nsenter: Handler = (c) => {
  let target = '';
  let mountNs = false;
  let i = 0;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    if (a === '-t' || a === '--target') target = c.argv[++i] ?? '';
    else if (a.startsWith('--target=')) target = a.slice(9);
    else if (/^-t\d+$/.test(a)) target = a.slice(2);
    else if (NSENTER_VALUES.has(a)) i++;
    if (a === '-a' || a === '--all' || a === '-m' || a.startsWith('--mount') || /^-[a-zA-Z]*[ma]/.test(a))
      mountNs = true;
  }
  if (target === '1' && mountNs) hostRootEffect(c, ['nsenter into the mount namespace of pid 1']);
  const words = c.cmd.args.slice(i);
  if (words.length === 0 || bareShell(words)) return;
  runInExisting(c, words, c.scope.cwd);
};

const CHROOT_VALUES = new Set(['--userspec', '--groups']);

/** `chroot NEWROOT cmd`: the command's absolute paths are under NEWROOT. */
export const chroot: Handler = (c) => {
  let i = 0;
  for (; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (!a.startsWith('-')) break;
    if (CHROOT_VALUES.has(a)) i++;
  }
  const root = c.cmd.args[i];
  if (!root) return;
  emit(c.sink, c.scope, {
    kind: 'exec',
    program: 'chroot',
    argv: c.argv,
    tags: ['privileged'],
    origin: c.origin,
  });
  const words = c.cmd.args.slice(i + 1);
  if (words.length === 0) return;
  const newRoot = resolvePath(root.value, c.scope.cwd, c.sink.ctx.home);
  runInNewContainer(c, words, [{ target: '/', source: newRoot }], '/');
};

export const CONTAINER_COMMANDS: Record<string, Handler> = {
  docker,
  podman: docker,
  nerdctl: docker,
  'docker-compose': compose,
  'podman-compose': compose,
  kubectl,
  oc: kubectl,
  lxc,
  incus: lxc,
  vagrant,
};
