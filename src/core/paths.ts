// Path resolution and classification. POSIX semantics; Windows separators are folded first.
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

/** Tags for a path, given where the guard keeps its own files. */
export function pathTags(path: string, ctx: Pick<JudgeContext, 'projectDir' | 'home'>): string[] {
  const tags: string[] = [];
  const p = path;
  if ((ENV_FILE.test(p) && !ENV_TEMPLATE.test(p)) || CREDENTIAL.some((r) => r.test(p)))
    tags.push('credential');
  if (PERSISTENCE.some((r) => r.test(p))) tags.push('persistence');
  if (CI.some((r) => r.test(p))) tags.push('ci');
  if (GIT_HOOK.some((r) => r.test(p))) tags.push('git-hook');
  const guard = guardRelation(p, ctx);
  if (guard) tags.push(guard === 'inside' ? 'guard' : 'guard-ancestor');
  if (isUnder(p, ctx.projectDir) && BUILD_OUTPUT.test(p.slice(ctx.projectDir.length)))
    tags.push('build-output');
  return tags;
}

/** `inside`: the path is (or is in) a guard file; `ancestor`: it holds one, so deleting it removes the guard. */
export function guardRelation(
  p: string,
  ctx: Pick<JudgeContext, 'projectDir' | 'home'>,
): 'inside' | 'ancestor' | undefined {
  const guardFiles = [
    `${ctx.projectDir}/agent-sre.yaml`,
    `${ctx.projectDir}/agent-sre.yml`,
    `${ctx.projectDir}/.agent-sre`,
    `${ctx.projectDir}/.claude/settings.json`,
    `${ctx.projectDir}/.claude/settings.local.json`,
    `${ctx.home}/.claude/settings.json`,
    `${ctx.home}/.claude/settings.local.json`,
  ];
  if (!hasGlob(p)) {
    if (guardFiles.some((g) => isUnder(p, g))) return 'inside';
    return guardFiles.some((g) => isUnder(g, p)) ? 'ancestor' : undefined;
  }
  // A glob reaches the guard when it matches a guard file, something inside one, or a directory holding one.
  const re = globToRegExp(p, ctx.home);
  if (guardFiles.some((g) => re.test(g) || re.test(`${g}/x`))) return 'inside';
  const holds = guardFiles.some((g) => {
    const parts = g.split('/');
    for (let i = 2; i < parts.length; i++) if (re.test(parts.slice(0, i).join('/'))) return true;
    return false;
  });
  return holds ? 'ancestor' : undefined;
}
