// CI/CD services: the CircleCI CLI, gitlab-runner, and the Jenkins CLI, which runs as
// `java -jar jenkins-cli.jar ...`. Deleting jobs, nodes, contexts, pipelines or runner registrations
// is destruction; CI secrets and tokens are credential management.
import { findPathVerb, findVerb, hasFlag, nextPositional, valueFlags } from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

// ---- CircleCI -------------------------------------------------------------------------------

const CIRCLECI_VALUES = valueFlags('--host --token --org-id --org-slug --owner-type --vcs-type --config -c');

type CircleVerb = Act | 'publish';

const CIRCLECI_VERBS: ReadonlyMap<string, CircleVerb> = new Map<string, CircleVerb>([
  ['delete', 'destroy'],
  ['remove-secret', 'destroy'],
  ['publish', 'publish'],
  ...[
    'create',
    'store-secret',
    'update',
    'add',
    'push',
    'unlist',
    'import',
    'add-to-category',
    'remove-from-category',
    'run',
    'trigger',
  ].map((c) => [c, 'change'] as const),
  ...[
    'list',
    'ls',
    'info',
    'show',
    'get',
    'source',
    'validate',
    'process',
    'status',
    'diff',
    'fetch',
    'decide',
    'eval',
    'test',
  ].map((c) => [c, 'read'] as const),
]);

// Contexts and project secrets hold environment secrets; runner tokens let a machine take jobs.
const CIRCLECI_CRED_WORDS_RE = /^(?:context|secret|secrets|token|env|environment-variable)$/;

export function circleci(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const first = nextPositional(argv, 0, CIRCLECI_VALUES);
  if (first < 0) return hasFlag(argv, ['--version']) ? add(out, 'infra.read') : out;
  const top = argv[first]!;
  if (top === 'diagnostic' || top === 'version' || top === 'help') return add(out, 'infra.read');
  // `setup` stores an API token in the CLI's config file.
  if (top === 'setup') return add(out, 'cred.manage');
  const cmd = findPathVerb(argv, first, CIRCLECI_VALUES, CIRCLECI_VERBS, 1);
  if (cmd === undefined) return out;
  if (cmd.value === 'publish') return add(add(out, 'registry.publish'), 'infra.change');
  addAct(out, cmd.value);
  if (cmd.value !== 'read' && cmd.path.some((w) => CIRCLECI_CRED_WORDS_RE.test(w))) {
    // An empty new context holds nothing yet.
    if (!(cmd.path[0] === 'context' && cmd.verb === 'create')) add(out, 'cred.manage');
  }
  return out;
}

// ---- gitlab-runner --------------------------------------------------------------------------

const GITLAB_RUNNER_VALUES = valueFlags('-c --config -l --log-level --log-format --cpuprofile');

type RunnerCmd = Act | 'verify' | 'cred' | 'none';

const GITLAB_RUNNER_CMDS: ReadonlyMap<string, RunnerCmd> = new Map<string, RunnerCmd>([
  // Removes the runner from GitLab as well as from config.toml.
  ['unregister', 'destroy'],
  ['register', 'change'],
  ['verify', 'verify'],
  ['reset-token', 'cred'],
  // Managing the local runner service.
  ...['install', 'uninstall', 'start', 'stop', 'restart'].map((c) => [c, 'change'] as const),
  ...['list', 'status', 'help'].map((c) => [c, 'read'] as const),
  // Running jobs locally and the helpers jobs call.
  ...[
    'run',
    'run-single',
    'exec',
    'artifacts-downloader',
    'artifacts-uploader',
    'cache-archiver',
    'cache-extractor',
    'cache-init',
    'health-check',
    'read-logs',
  ].map((c) => [c, 'none'] as const),
]);

export function gitlabRunner(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, GITLAB_RUNNER_VALUES, GITLAB_RUNNER_CMDS);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const kind = GITLAB_RUNNER_CMDS.get(argv[i]!)!;
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind);
    case 'verify':
      // --delete drops runners GitLab no longer knows from the local config.
      return addAct(out, hasFlag(argv, ['--delete'], i + 1) ? 'change' : 'read');
    case 'cred':
      return add(add(out, 'infra.change'), 'cred.manage');
    case 'none':
      return out;
  }
}

// ---- Jenkins CLI ----------------------------------------------------------------------------

// java launcher options that take the next word as their value.
const JAVA_VALUES = valueFlags(
  '-cp -classpath --class-path -p --module-path --upgrade-module-path --add-modules --limit-modules --add-reads --add-exports --add-opens --enable-native-access',
);

const JENKINS_CLI_JAR_RE = /^jenkins-cli[\w.-]*\.jar$/i;

/** Index of the word after `-jar` when the launcher runs a jar, or -1. */
function jarArgument(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-jar') return i + 1 < argv.length ? i + 1 : -1;
    // A main class or module: what follows are that program's arguments.
    if (a.charCodeAt(0) !== 45 || a === '-m' || a === '--module' || a === '--') return -1;
    if (JAVA_VALUES.has(a)) i++;
  }
  return -1;
}

/** java: only `java ... -jar jenkins-cli*.jar ...` is recognized. */
export function java(argv: readonly string[]): InfraTag[] {
  const j = jarArgument(argv);
  if (j < 0) return [];
  const jar = argv[j]!.split(/[/\\]/).pop()!;
  return JENKINS_CLI_JAR_RE.test(jar) ? jenkinsCli(argv, j + 1) : [];
}

const JENKINS_VALUES = valueFlags('-s -auth -bearer -i -p -user -logger');

type JenkinsCmd = Act | 'cred';

const JENKINS_CMDS: ReadonlyMap<string, JenkinsCmd> = new Map<string, JenkinsCmd>([
  ...[
    'create-credentials-by-xml',
    'update-credentials-by-xml',
    'create-credentials-domain-by-xml',
    'update-credentials-domain-by-xml',
    'import-credentials-as-xml',
  ].map((c) => [c, 'cred'] as const),
  ...[
    'build',
    'copy-job',
    'add-job-to-view',
    'remove-job-from-view',
    'connect-node',
    'disconnect-node',
    'online-node',
    'offline-node',
    'restart',
    'safe-restart',
    'shutdown',
    'safe-shutdown',
    'quiet-down',
    'cancel-quiet-down',
    'keep-build',
    'stop-builds',
    'clear-queue',
    'replay-pipeline',
    'restart-from-stage',
    // Runs arbitrary code on the controller.
    'groovy',
    'groovysh',
  ].map((c) => [c, 'change'] as const),
  ...[
    'who-am-i',
    'version',
    'help',
    'console',
    'session-id',
    'declarative-linter',
    'wait-node-online',
    'wait-node-offline',
  ].map((c) => [c, 'read'] as const),
]);

const JENKINS_CHANGE_PREFIXES = ['create-', 'update-', 'set-', 'enable-', 'disable-', 'install-', 'reload-'];

/** Exact entries first, then the command families the CLI's naming makes plain. */
function jenkinsAct(cmd: string): JenkinsCmd | undefined {
  const exact = JENKINS_CMDS.get(cmd);
  if (exact !== undefined) return exact;
  if (cmd.startsWith('delete-')) return 'destroy';
  if (cmd.startsWith('list-') || cmd.startsWith('get-')) return 'read';
  return JENKINS_CHANGE_PREFIXES.some((p) => cmd.startsWith(p)) ? 'change' : undefined;
}

function jenkinsCli(argv: readonly string[], from: number): InfraTag[] {
  const out: InfraTag[] = [];
  for (
    let i = nextPositional(argv, from, JENKINS_VALUES);
    i >= 0;
    i = nextPositional(argv, i + 1, JENKINS_VALUES)
  ) {
    const cmd = argv[i]!;
    const act = jenkinsAct(cmd);
    if (act === undefined) continue;
    if (act === 'cred') return add(add(out, 'infra.change'), 'cred.manage');
    addAct(out, act);
    if (act === 'destroy' && cmd.includes('credentials')) add(out, 'cred.manage');
    return out;
  }
  return out;
}
