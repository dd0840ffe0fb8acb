// Path resolution and classification. POSIX semantics; Windows separators are folded first.
import { isGitHistoryPath } from './git-history.ts';
import { globToRegExp, hasGlob } from './glob.ts';
import type { JudgeContext, Zone } from './types.ts';

export function normalize(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      out.pop();
      continue;
    }
    out.push(seg);
  }
  return (abs ? '/' : '') + out.join('/') || (abs ? '/' : '.');
}

/** Expand `~` and resolve against cwd. `~user` is treated as another user's home: outside. */
export function resolvePath(p: string, cwd: string, home: string): string {
  if (p === '~') return normalize(home);
  if (p.startsWith('~/')) return normalize(`${home}/${p.slice(2)}`);
  if (p.startsWith('~')) return normalize(`/home/${p.slice(1)}`);
  if (p.startsWith('/')) return normalize(p);
  return normalize(`${cwd}/${p}`);
}

export function isUnder(path: string, dir: string): boolean {
  if (dir === '/') return true;
  return path === dir || path.startsWith(`${dir}/`);
}

const TOP_LEVEL = new Set([
  'bin',
  'boot',
  'dev',
  'etc',
  'home',
  'lib',
  'lib32',
  'lib64',
  'libx32',
  'mnt',
  'media',
  'opt',
  'proc',
  'root',
  'run',
  'sbin',
  'srv',
  'sys',
  'usr',
  'var',
  'Users',
  'System',
  'Library',
  'Applications',
  'Volumes',
  'private',
  'snap',
  'nix',
]);
const SYSTEM_TREES = [...TOP_LEVEL].filter(
  (d) => !['home', 'Users', 'mnt', 'media', 'Volumes', 'dev'].includes(d),
);
const HARMLESS_DEVICES = /^\/dev\/(null|zero|u?random|stdout|stderr|stdin|tty|fd\/\d+|shm(\/.*)?)$/;

/** The part of a path before its first glob character: `/etc/*` -> `/etc`, `/*` -> `/`. */
export function globBase(path: string): string {
  const i = path.search(/[*?[]/);
  if (i < 0) return path;
  const cut = path.slice(0, i);
  const slash = cut.lastIndexOf('/');
  return slash <= 0 ? '/' : cut.slice(0, slash);
}

export function zoneOf(path: string, ctx: Pick<JudgeContext, 'projectDir' | 'home' | 'tempDirs'>): Zone {
  const base = globBase(path);
  const globbed = base !== path;
  if (isUnder(base, ctx.projectDir)) return 'project';
  // The most specific root wins: a home inside a temp dir (HOME=/tmp/u in some containers) is still home,
  // so `rm -rf ~/x` there is not a temp-file delete. (HOME=/tmp itself makes the two the same place.)
  if (
    ctx.home !== '/' &&
    isUnder(base, ctx.home) &&
    ctx.tempDirs.some((t) => isUnder(ctx.home, t) && ctx.home !== t)
  )
    return 'home';
  if (ctx.tempDirs.some((t) => isUnder(base, t) && base !== t)) return 'temp';
  if (ctx.tempDirs.some((t) => base === t)) return globbed ? 'temp' : 'system';
  if (base.startsWith('/dev/') || base === '/dev') return HARMLESS_DEVICES.test(base) ? 'temp' : 'device';
  if (base === '/') return 'root';
  if (isUnder(base, ctx.home)) return 'home';
  const top = base.split('/')[1] ?? '';
  if (base === `/${top}` && TOP_LEVEL.has(top)) return 'root';
  if (SYSTEM_TREES.some((d) => isUnder(base, `/${d}`))) return 'system';
  return 'outside';
}

// Tags by path shape. Each entry: tag, test over the normalised absolute path.
const ENV_FILE = /(^|\/)\.env(\.[^/]*)?$/;
const ENV_TEMPLATE = /(^|\/)\.env\.(example|sample|template|dist|defaults)$/;
const CREDENTIAL = [
  /\/\.ssh\/(?!.*\.pub$)(?!known_hosts)(?!config$)(?!authorized_keys)[^/]+$/,
  /\/\.ssh\/?$/,
  /\/\.aws\/(credentials|config)$/,
  /\/\.aws\/(sso|cli)\/cache(\/|$)/,
  /\/\.config\/gcloud(\/|$)/,
  /\/\.azure(\/|$)/,
  /\/\.kube\/config$/,
  /\/\.docker\/config\.json$/,
  /\/\.npmrc$/,
  /\/\.pypirc$/,
  /\/\.netrc$/,
  /\/\.pgpass$/,
  /\/\.my\.cnf$/,
  /\/\.git-credentials$/,
  /\/\.config\/gh\/hosts\.yml$/,
  /\/\.gnupg(\/|$)/,
  /\/Library\/Keychains(\/|$)/,
  /\/\.local\/share\/keyrings(\/|$)/,
  /\/\.password-store(\/|$)/,
  /\/\.vault-token$/,
  /\/\.terraform\.d\/credentials\.tfrc\.json$/,
  /\/\.config\/op(\/|$)/,
  /\.(pem|key|p12|pfx|keystore|jks)$/,
  /(^|\/)(id_rsa|id_dsa|id_ecdsa|id_ed25519)$/,
  /(^|\/)secrets?\.(ya?ml|json|toml)$/,
  /(^|\/)credentials\.json$/,
  /(^|\/)service[-_]account.*\.json$/,
  /\/etc\/shadow$/,
  /\/etc\/gshadow$/,
];
const PERSISTENCE = [
  /\/\.ssh\/authorized_keys2?$/,
  /\/\.ssh\/rc$/,
  /\/(\.bashrc|\.bash_profile|\.bash_login|\.bash_logout|\.profile|\.zshrc|\.zshenv|\.zprofile|\.zlogin|\.kshrc|\.cshrc|\.tcshrc)$/,
  /\/\.config\/fish\/config\.fish$/,
  /\/\.config\/(autostart|systemd)(\/|$)/,
  /\/Library\/(LaunchAgents|LaunchDaemons)(\/|$)/,
  /^\/etc\/(sudoers(\.d)?|crontab|cron\.[a-z]+|profile(\.d)?|bash\.bashrc|rc\.local|environment|ld\.so\.preload|systemd|init\.d|pam\.d)(\/|$)/,
  /^\/var\/spool\/cron(\/|$)/,
  /^\/(usr\/)?lib\/systemd(\/|$)/,
];
const CI = [
  /\/\.github\/workflows\//,
  /\/\.github\/actions\//,
  /\/\.gitlab-ci\.ya?ml$/,
  /\/\.gitlab\/ci\//,
  /\/\.circleci\//,
  /\/Jenkinsfile$/,
  /\/azure-pipelines\.ya?ml$/,
  /\/\.buildkite\//,
  /\/\.travis\.ya?ml$/,
  /\/bitbucket-pipelines\.yml$/,
  /\/\.drone\.ya?ml$/,
];
const GIT_HOOK = [
  /\/\.git\/hooks\//,
  /\/\.husky\/(?!_\/)/,
  /\/\.git\/config$/,
  /\/lefthook\.ya?ml$/,
  /\/\.pre-commit-config\.yaml$/,
];
const BUILD_OUTPUT =
  /\/(node_modules|dist|build|out|target|coverage|\.next|\.nuxt|\.turbo|\.cache|__pycache__|\.pytest_cache|\.mypy_cache|\.venv|venv|\.gradle|\.parcel-cache|tmp)(\/|$)/;

/** Tags for a path, given where the guard keeps its own files. `exclude` drops paths a `find` skips. */
export function pathTags(
  path: string,
  ctx: Pick<JudgeContext, 'projectDir' | 'home' | 'guard'>,
  exclude?: (p: string) => boolean,
): string[] {
  const tags: string[] = [];
  const p = path;
  if ((ENV_FILE.test(p) && !ENV_TEMPLATE.test(p)) || CREDENTIAL.some((r) => r.test(p)))
    tags.push('credential');
  if (PERSISTENCE.some((r) => r.test(p))) tags.push('persistence');
  if (CI.some((r) => r.test(p))) tags.push('ci');
  if (GIT_HOOK.some((r) => r.test(p))) tags.push('git-hook');
  // Deleting it destroys the repository's history (issue 12): the project's .git and its objects and refs.
  if (isGitHistoryPath(p, ctx.projectDir)) tags.push('git-history');
  const guard = guardMatch(p, ctx, exclude);
  if (guard.relation) tags.push(guard.relation === 'inside' ? 'guard' : 'guard-ancestor');
  if (guard.secret) tags.push('guard-secret');
  if (isUnder(p, ctx.projectDir) && BUILD_OUTPUT.test(p.slice(ctx.projectDir.length)))
    tags.push('build-output');
  return tags;
}

interface GuardEntry {
  path: string;
  /** Names inside a guard directory a glob may aim at (`**\/ledger.db`); `x` stands for any other. */
  members: string[];
  secret: boolean;
  /** An ancestor whose deletion is a routine reinstall, not an attack on this entry. */
  routineAncestor?: (ancestor: string) => boolean;
}

const STATE_MEMBERS = [
  'ledger.db',
  'ledger.db-wal',
  'ledger.db-shm',
  'ledger.db-journal',
  'ledger.id',
  'hookd.sock',
  'hookd-0.sock',
  'hookd-0.sock.started',
  'hookd.pid',
  'flusher.lock',
  'pages.jsonl',
  'policy.json',
  'runbook.json',
  'guard-config.json',
  'hook.cjs.cache',
  'golden/report.md',
  'x',
];
const INSTALL_MEMBERS = [
  'package.json',
  'bin/agent-sre.js',
  'bin/agent-sre-hook.cjs',
  'dist/hook.cjs',
  'dist/hookd.cjs',
  'dist/cli.js',
  'dist/config-load.cjs',
  'dist/hook.cjs.cache',
  'dist/chunks/x.js',
  'node_modules/x/index.js',
  'x',
];

/**
 * `rm -rf node_modules && npm ci` reinstalls the guard from the lockfile; the hook is registered with
 * onFailure "block", so in between every call is refused rather than let through. Deleting the
 * package's own directory (or a pnpm `agent-sre@x` store entry) is not routine.
 */
const routineInstallAncestor = (a: string) => /\/(node_modules|\.pnpm)$/.test(a);

type GuardCtx = Pick<JudgeContext, 'projectDir' | 'home' | 'guard'>;
const ENTRIES = new Map<string, (GuardEntry & { low: string })[]>();

/** guardEntries with lower-cased paths, kept per world (a context is made per call; the world rarely changes). */
function cachedEntries(ctx: GuardCtx): (GuardEntry & { low: string })[] {
  const key = `${ctx.projectDir}\0${ctx.home}\0${ctx.guard?.installDir ?? ''}\0${ctx.guard?.userDir ?? ''}\0${ctx.guard?.codexHome ?? ''}`;
  const hit = ENTRIES.get(key);
  if (hit) return hit;
  const entries = guardEntries(ctx).map((e) => ({ ...e, low: e.path.toLowerCase() }));
  // A daemon serves one project; tests and replays switch worlds. Stay small either way.
  if (ENTRIES.size >= 16) ENTRIES.clear();
  ENTRIES.set(key, entries);
  return entries;
}

/** Everything that makes up the guard: its policy, state, Claude Code settings, code and secret. */
export function guardEntries(ctx: GuardCtx): GuardEntry[] {
  const file = (path: string): GuardEntry => ({ path, members: [], secret: false });
  const { projectDir: p, home: h } = ctx;
  const entries = [
    file(`${p}/agent-sre.yaml`),
    file(`${p}/agent-sre.yml`),
    { path: `${p}/.agent-sre`, members: STATE_MEMBERS, secret: false },
    file(`${p}/.claude/settings.json`),
    file(`${p}/.claude/settings.local.json`),
    file(`${h}/.claude/settings.json`),
    file(`${h}/.claude/settings.local.json`),
    file('/etc/claude-code/managed-settings.json'),
    file('/Library/Application Support/ClaudeCode/managed-settings.json'),
    ...agentConfigEntries(ctx),
  ];
  const install = ctx.guard?.installDir ? normalize(ctx.guard.installDir) : undefined;
  // Working on agent-sre itself: what runs is bin/ and dist/, not the sources being edited (node_modules
  // is a routine reinstall, as below).
  const running =
    install && isUnder(p, install)
      ? ['bin', 'dist', 'package.json'].map((d) => `${install}/${d}`)
      : install
        ? [install]
        : [];
  for (const path of running)
    entries.push({ path, members: INSTALL_MEMBERS, secret: false, routineAncestor: routineInstallAncestor });
  const user = ctx.guard?.userDir;
  if (user)
    entries.push({ path: normalize(user), members: ['secret', 'trusted-installs.json', 'x'], secret: true });
  return entries;
}

/**
 * The other agents' hook configs, where `agent-sre init --agent` wires the guard or where a file could
 * switch it off: Codex (project and `$CODEX_HOME` hooks.json and config.toml, whose `[hooks.state]` holds
 * the human's trust and `[features] hooks = false` disables every hook), Gemini CLI (settings.json at each
 * level, and the trusted-folders list that decides whether a project's settings load), Cursor (hooks.json)
 * and Copilot (every file in a hooks directory can carry `disableAllHooks`, so the directories).
 */
function agentConfigEntries(ctx: GuardCtx): GuardEntry[] {
  const file = (path: string): GuardEntry => ({ path, members: [], secret: false });
  const dir = (path: string, members: string[]): GuardEntry => ({
    path,
    members: [...members, 'x'],
    secret: false,
  });
  const { projectDir: p, home: h } = ctx;
  const codexHomes = [...new Set([normalize(ctx.guard?.codexHome ?? `${h}/.codex`), `${h}/.codex`])];
  return [
    file(`${p}/.codex/hooks.json`),
    file(`${p}/.codex/config.toml`),
    ...codexHomes.flatMap((c) => [file(`${c}/hooks.json`), file(`${c}/config.toml`)]),
    file('/etc/codex/config.toml'),
    file('/etc/codex/requirements.toml'),
    file(`${p}/.gemini/settings.json`),
    file(`${h}/.gemini/settings.json`),
    file(`${h}/.gemini/trustedFolders.json`),
    file('/etc/gemini-cli/settings.json'),
    file('/etc/gemini-cli/system-defaults.json'),
    file('/Library/Application Support/GeminiCli/settings.json'),
    file(`${p}/.cursor/hooks.json`),
    file(`${h}/.cursor/hooks.json`),
    file('/etc/cursor/hooks.json'),
    file('/Library/Application Support/Cursor/hooks.json'),
    dir(`${p}/.github/hooks`, ['agent-sre.json']),
    file(`${p}/.github/copilot/settings.json`),
    file(`${p}/.github/copilot/settings.local.json`),
    dir(`${h}/.copilot/hooks`, ['agent-sre.json']),
    file(`${h}/.copilot/settings.json`),
    file(`${h}/.copilot/config.json`),
    dir('/etc/github-copilot/policy.d', []),
  ];
}

/** `inside`: the path is (or is in) a guard file; `ancestor`: it holds one, so deleting it removes the guard. */
export function guardRelation(
  p: string,
  ctx: Pick<JudgeContext, 'projectDir' | 'home' | 'guard'>,
): 'inside' | 'ancestor' | undefined {
  return guardMatch(p, ctx).relation;
}

/**
 * How a path (or a glob) relates to the guard, and whether it reaches the per-user secret. Compared
 * without case: on a case-insensitive file system (macOS by default) `AGENT-SRE.YAML` is the policy.
 */
export function guardMatch(
  path: string,
  ctx: Pick<JudgeContext, 'projectDir' | 'home' | 'guard'>,
  exclude: (p: string) => boolean = () => false,
): { relation: 'inside' | 'ancestor' | undefined; secret: boolean; holdsSecret: boolean } {
  const entries = cachedEntries(ctx);
  let secret = false;
  let inside = false;
  let ancestor = false;
  // A directory above the secret: reading all of it reads the secret too.
  let holdsSecret = false;
  if (!hasGlob(path)) {
    const p = path.toLowerCase();
    for (const e of entries) {
      if (exclude(e.path)) continue;
      if (isUnder(p, e.low)) {
        inside = true;
        secret ||= e.secret;
      } else if (isUnder(e.low, p) && !e.routineAncestor?.(path)) {
        ancestor = true;
        holdsSecret ||= e.secret;
      }
    }
  } else {
    // A glob reaches the guard when it matches a guard file, something inside one, or a directory holding one.
    const re = globToRegExp(path, ctx.home, 'i');
    for (const e of entries) {
      const candidates = [e.path, ...e.members.map((m) => `${e.path}/${m}`)].filter((c) => !exclude(c));
      if (candidates.some((c) => re.test(c))) {
        inside = true;
        secret ||= e.secret;
        continue;
      }
      const parts = e.path.split('/');
      for (let i = 2; i < parts.length; i++) {
        const a = parts.slice(0, i).join('/');
        if (re.test(a) && !exclude(a) && !e.routineAncestor?.(a)) {
          ancestor = true;
          holdsSecret ||= e.secret;
        }
      }
    }
  }
  return { relation: inside ? 'inside' : ancestor ? 'ancestor' : undefined, secret, holdsSecret };
}
