// Package managers and task runners: what `npm test`, `make`, `just`, `task`, `pdm run`, `tox`,
// `pip install .` would run, read from the files they run it from (as an earlier command on the same
// line may have left them), and installs whose code comes from a URL, a git remote or a tarball
// just downloaded rather than from the default registry.
import { own } from '../own.ts';
import { resolvePath } from '../paths.ts';
import type { WordValue } from '../shell/words.ts';
import { composerConfigScript, mavenExecCommand } from './build-files.ts';
import { type Ctx, describeProcSub, firstOperand, type Handler, handleCommand, rerun } from './commands.ts';
import { makeRecipes } from './make.ts';
import {
  closure,
  composerScripts,
  denoTasks,
  justRecipes,
  noxCommands,
  pyprojectTasks,
  rustCommands,
  type Task,
  type Tasks,
  taskfileTasks,
  tomlEntries,
  toxCommands,
} from './manifests.ts';
import { fileNow, noteFile, textNow, writtenBy } from './overlay.ts';
import { PM_WITH_VALUE } from './pm-flags.ts';
import { echoOutput, jqEdit, jsonToolEdit, npmPkgEdit, sedEdit } from './rewrites.ts';
import { judgeChange, judgeRunnable, languageOf } from './runnable.ts';
import { childScope, emitOpaque, emitPath } from './sink.ts';

const opts = (...xs: string[]) => new Set(xs);
const NET_IN_SUB = /\b(curl|wget|fetch|nc|ncat|http|xh)\b/;

// ---- reading the file a runner runs from -------------------------------------------------

/**
 * The text of `path` as the runner will find it. A file an earlier command on the line changed in a
 * way we could not follow is opaque code: the runner's scripts are whatever that command put there.
 */
function runFile(c: Ctx, path: string): string | undefined {
  const f = fileNow(c.sink, path);
  if (f.state === 'disk' || f.state === 'changed') return f.text;
  if (f.state === 'unknown') {
    const downloaded = NET_IN_SUB.test(f.by);
    emitOpaque(
      c.sink,
      c.scope,
      `runs scripts from ${path}, which ${f.by.replace(/^\w+: /, '`')}\` changed in a way that cannot be read`,
      downloaded ? ['script-changed', 'rce'] : ['script-changed'],
      c.origin,
    );
  }
  return undefined;
}

/** The first of `names` in `dir` that exists (or was changed on this line). */
function findFile(c: Ctx, dir: string, names: string[]): string | undefined {
  for (const n of names) {
    const p = `${dir}/${n}`;
    if (fileNow(c.sink, p).state !== 'missing') return p;
  }
  return undefined;
}

function runLines(c: Ctx, lines: string[], cwd: string): void {
  const scope = childScope(c.scope, { cwd });
  for (const line of lines) c.api.shell(line, scope, c.sink);
}

function runTasks(c: Ctx, tasks: Task[], cwd: string): void {
  const scope = childScope(c.scope, { cwd });
  for (const t of tasks) {
    for (const line of t.lines) c.api.shell(line, scope, c.sink);
    if (t.script) {
      const lang = languageOf('', t.script);
      if (lang === 'shell' || lang === undefined) c.api.shell(t.script, scope, c.sink);
      else c.api.code(lang, t.script, scope, c.sink);
    }
    for (const py of t.python ?? []) c.api.code('python', py, scope, c.sink);
  }
}

/** Value of `--flag VALUE`, `--flag=VALUE` or `-fVALUE` (for single-letter flags). */
function flagValue(argv: string[], names: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    for (const n of names) {
      if (a === n) return argv[i + 1];
      if (n.startsWith('--') && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      if (/^-\w$/.test(n) && a.startsWith(n) && a.length > 2 && !a.startsWith('--')) return a.slice(2);
    }
  }
  return undefined;
}

/** Operands: words that are not options, skipping the values of options in `withValue`. */
function operands(argv: string[], withValue: Set<string>, from = 0): string[] {
  const out: string[] = [];
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-') && a !== '-') {
      if (withValue.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

// ---- make --------------------------------------------------------------------------------

/** `make target`: the recipes of the named targets (or the default one), with VAR=value overrides. */
function runMake(c: Ctx): void {
  let dir = c.scope.cwd;
  let file: string | undefined;
  const targets: string[] = [];
  const vars = new Map<string, string>();
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '-C' || a === '--directory') dir = resolvePath(c.argv[++i] ?? '.', dir, c.sink.ctx.home);
    else if (a.startsWith('--directory=')) dir = resolvePath(a.slice(12), dir, c.sink.ctx.home);
    else if (/^-C./.test(a)) dir = resolvePath(a.slice(2), dir, c.sink.ctx.home);
    else if (a === '-f' || a === '--file' || a === '--makefile') {
      file = c.argv[++i];
      const w = c.cmd.args[i];
      if (w?.substitutions.some((x) => x.type === 'process_substitution')) return makefileFrom(c, w, targets);
    } else if (/^--(file|makefile)=/.test(a)) file = a.slice(a.indexOf('=') + 1);
    else if (/^-f./.test(a)) file = a.slice(2);
    else if (a === '-I' || a === '-o' || a === '-W' || a === '--include-dir') i++;
    else if (a.startsWith('-')) continue;
    else if (/^[A-Za-z_][\w.]*\s*[:+?]?=/.test(a)) {
      const eq = a.indexOf('=');
      vars.set(
        a
          .slice(0, eq)
          .replace(/[:+?]$/, '')
          .trim(),
        a.slice(eq + 1),
      );
    } else targets.push(a);
  }
  const candidates = file
    ? [resolvePath(file, dir, c.sink.ctx.home)]
    : [`${dir}/GNUmakefile`, `${dir}/makefile`, `${dir}/Makefile`];
  if ((file === '-' || file === '/dev/stdin') && c.cmd.stdin?.kind === 'text') {
    runLines(c, makeRecipes(c.cmd.stdin.text, targets, false, vars), dir);
    return;
  }
  for (const path of candidates) {
    if (fileNow(c.sink, path).state === 'missing') continue;
    const text = runFile(c, path);
    if (text === undefined) return;
    runLines(c, makeRecipes(withIncludes(c, text, dir, 0), targets, false, vars), dir);
    return;
  }
}

/** `make -f <(curl ...)`: a Makefile made by another command; downloaded or decoded, it is remote code. */
function makefileFrom(c: Ctx, w: WordValue, targets: string[]): void {
  const src = describeProcSub(c, w);
  if (src.kind === 'network' || src.kind === 'decoded')
    emitOpaque(c.sink, c.scope, `make runs a Makefile ${src.kind} by ${src.what}`, ['rce'], c.origin);
  else if (src.kind === 'text' && !src.dynamic) runLines(c, makeRecipes(src.text, targets), c.scope.cwd);
  else
    emitOpaque(c.sink, c.scope, 'make runs a Makefile only known at run time', ['dynamic-command'], c.origin);
}

/** `include x.mk`, `-include`, `sinclude`: the included files' text in place (two levels). */
function withIncludes(c: Ctx, text: string, dir: string, depth: number): string {
  if (depth > 1 || !/^-?s?include\s/m.test(text)) return text;
  return text.replace(/^-?s?include\s+(.+)$/gm, (_m, names: string) =>
    names
      .trim()
      .split(/\s+/)
      .map((n) => {
        const t = /[$*?[]/.test(n) ? undefined : textNow(c.sink, resolvePath(n, dir, c.sink.ctx.home));
        return t === undefined ? '' : withIncludes(c, t, dir, depth + 1);
      })
      .join('\n'),
  );
}

// ---- npm, pnpm, yarn, bun ----------------------------------------------------------------

const PM_BUILTINS = new Set([
  'install',
  'i',
  'ci',
  'add',
  'remove',
  'uninstall',
  'update',
  'upgrade',
  'ls',
  'list',
  'view',
  'info',
  'outdated',
  'audit',
  'init',
  'pack',
  'link',
  'config',
  'why',
  'dedupe',
  'prune',
  'exec',
  'dlx',
  'x',
  'create',
  'publish',
  'unpublish',
  'login',
  'logout',
  'whoami',
  'token',
  'version',
  'help',
  'cache',
  'rebuild',
  'owner',
  'deprecate',
  'dist-tag',
  'search',
  'fund',
  'doctor',
  'set',
  'get',
  'import',
  'patch',
  'store',
  'workspace',
  'workspaces',
  'up',
  'pkg',
  'set-script',
  'pm',
  'global',
  'env',
  'root',
  'bin',
  'prefix',
  'explain',
  'query',
  'sbom',
  'star',
  'stars',
  'team',
  'access',
  'org',
  'profile',
  'hook',
  'completion',
  'edit',
  'explore',
  'docs',
  'home',
  'bugs',
  'repo',
  'ping',
]);

const INSTALL_VERBS = new Set([
  'install',
  'i',
  'in',
  'ins',
  'inst',
  'insta',
  'instal',
  'isnt',
  'isnta',
  'isntal',
  'isntall',
  'add',
  'a',
  'ci',
  'clean-install',
  'ic',
  'install-clean',
  'isntall-clean',
  'rebuild',
  'rb',
  'update',
  'up',
  'upgrade',
  'udpate',
  'install-test',
  'it',
  'install-ci-test',
  'cit',
]);
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];

/** The package.json scripts a package-manager command runs, by key, or undefined for none. */
function packageScriptKeys(c: Ctx, words: string[]): string[] | undefined {
  const pm = c.program;
  const [sub, ...rest] = words;
  if (sub === undefined) return pm === 'yarn' ? INSTALL_SCRIPTS : undefined;
  const hooks = (n: string) => [`pre${n}`, n, `post${n}`];
  if (sub === 'run' || sub === 'run-script' || sub === 'rum' || sub === 'urn')
    return rest[0] ? hooks(rest[0]) : undefined;
  if (sub === 'test' || sub === 't' || sub === 'tst') return hooks('test');
  if (sub === 'start' || sub === 'stop') return hooks(sub);
  if (sub === 'restart') return [...hooks('restart'), ...hooks('stop'), ...hooks('start')];
  if (INSTALL_VERBS.has(sub)) {
    if (c.argv.some((a) => a === '--ignore-scripts' || a === '--ignore-scripts=true')) return undefined;
    const test = /^(install-test|it|install-ci-test|cit)$/.test(sub) ? hooks('test') : [];
    return [...INSTALL_SCRIPTS, ...test];
  }
  if (sub === 'link' && rest.length === 0) return INSTALL_SCRIPTS;
  if (sub === 'pack' || sub === 'publish')
    return ['prepack', 'prepare', 'postpack', 'prepublishOnly', 'prepublish', 'publish', 'postpublish'];
  if (sub === 'version' && rest.length > 0) return hooks('version');
  if (PM_BUILTINS.has(sub) || pm === 'npm') return undefined;
  // `yarn build`, `pnpm lint`, `bun run`-less names: a script of that name.
  return hooks(sub);
}

/** Directories a package-manager command works in: `--prefix`, `-C`, `--cwd`, path workspaces. */
function packageDirs(c: Ctx): string[] {
  const home = c.sink.ctx.home;
  let dir = c.scope.cwd;
  const v = flagValue(c.argv, ['--prefix', '-C', '--dir', '--cwd']);
  if (v) dir = resolvePath(v, dir, home);
  const ws: string[] = [];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    const w =
      a === '-w' || a === '--workspace'
        ? c.argv[i + 1]
        : a.startsWith('--workspace=')
          ? a.slice(12)
          : undefined;
    if (w && (w.includes('/') || w.startsWith('.'))) ws.push(resolvePath(w, dir, home));
  }
  return ws.length > 0 ? ws : [dir];
}

/** `npm test`, `npm run build`, `yarn lint`, `npm install`: the scripts (and lifecycle hooks) they run. */
function runPackageScript(c: Ctx): void {
  const words = operands(c.argv, PM_WITH_VALUE);
  if (/^(exec|x|dlx)$/.test(words[0] ?? '')) return runExec(c, words[0]!);
  const keys = packageScriptKeys(c, words);
  if (!keys) return;
  const nameAt = ['run', 'run-script', 'rum', 'urn'].includes(words[0] ?? '') ? 1 : 0;
  const nameWord = c.cmd.args[c.argv.indexOf(words[nameAt] ?? '\u0000')];
  const anyScript = nameWord?.dynamic === true;
  for (const dir of packageDirs(c)) {
    const path = `${dir}/package.json`;
    if (fileNow(c.sink, path).state === 'missing') continue;
    const text = runFile(c, path);
    if (text === undefined) continue;
    let scripts: Record<string, unknown> = {};
    try {
      const pkg = JSON.parse(text) as { scripts?: Record<string, unknown> };
      scripts = pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {};
    } catch {
      continue;
    }
    const scope = childScope(c.scope, { cwd: dir });
    // A script name only known at run time (`npm run "$T"`) may be any of them.
    for (const key of anyScript ? Object.keys(scripts) : keys) {
      const body = Object.hasOwn(scripts, key) ? scripts[key] : undefined;
      if (typeof body === 'string') c.api.shell(body, scope, c.sink);
    }
  }
}

/** `npm exec -- cmd`, `pnpm exec cmd`, `npm exec -c 'cmd'`: the command runs here. */
function runExec(c: Ctx, verb: string): void {
  const at = c.argv.indexOf(verb);
  const call = flagValue(c.argv.slice(at + 1), ['-c', '--call']);
  if (call !== undefined) {
    c.api.shell(call, childScope(c.scope), c.sink);
    return;
  }
  rerun(c, firstOperand(c.argv, opts('-p', '--package', '-c', '--call', ...PM_WITH_VALUE), at + 1));
}

// ---- just, task, Python task runners, tox, nox, deno, composer ---------------------------

const JUSTFILES = ['justfile', 'Justfile', '.justfile', 'JUSTFILE', '.Justfile'];

function runJust(c: Ctx): void {
  const argv = c.argv;
  if (
    argv.some((a) =>
      /^(-l|--list|--summary|--show|-s|--dump|--evaluate|--variables|--init|--help|-h|--version|-V|--fmt|--completions)$/.test(
        a,
      ),
    )
  )
    return;
  const home = c.sink.ctx.home;
  let dir = c.scope.cwd;
  const wd = flagValue(argv, ['--working-directory', '-d']);
  if (wd) dir = resolvePath(wd, dir, home);
  const jf = flagValue(argv, ['--justfile', '-f']);
  const path = jf ? resolvePath(jf, c.scope.cwd, home) : findFile(c, dir, JUSTFILES);
  if (!path) return;
  const text = runFile(c, path);
  if (text === undefined) return;
  const recipes = justRecipes(text);
  const named = operands(
    argv,
    opts(
      '--justfile',
      '-f',
      '--working-directory',
      '-d',
      '--set',
      '--shell',
      '--dotenv-path',
      '--dotenv-filename',
      '--color',
      '--command-color',
      '--chooser',
      '--shell-arg',
    ),
  )
    .filter((w) => !w.includes('='))
    .map((w) => w.split('::').pop()!);
  const picked = named.filter((n) => recipes.has(n));
  const first = recipes.has('default') ? 'default' : [...recipes.keys()][0];
  const want = picked.length > 0 ? picked : named.length === 0 && first ? [first] : [];
  runTasks(c, closure(recipes, want, undefined), dir);
}

const TASKFILES = [
  'Taskfile.yml',
  'taskfile.yml',
  'Taskfile.yaml',
  'taskfile.yaml',
  'Taskfile.dist.yml',
  'taskfile.dist.yml',
  'Taskfile.dist.yaml',
  'taskfile.dist.yaml',
];

/** `task NAME`: go-task's Taskfile, or taskipy's table in pyproject.toml when there is no Taskfile. */
function runTask(c: Ctx): void {
  const argv = c.argv;
  if (
    argv.some((a) => /^(-l|--list|-a|--list-all|--summary|-n|--dry|--help|-h|--version|--init|-i)$/.test(a))
  )
    return;
  const home = c.sink.ctx.home;
  let dir = c.scope.cwd;
  const d = flagValue(argv, ['--dir', '-d']);
  if (d) dir = resolvePath(d, dir, home);
  const tf = flagValue(argv, ['--taskfile', '-t']);
  const names = operands(
    argv,
    opts('--dir', '-d', '--taskfile', '-t', '--output', '-o', '--concurrency', '-C', '--interval', '-I'),
  ).filter((w) => !w.includes('='));
  const path = tf ? resolvePath(tf, c.scope.cwd, home) : findFile(c, dir, TASKFILES);
  if (path) {
    const text = runFile(c, path);
    if (text === undefined) return;
    runTasks(
      c,
      closure(taskfileTasks(text, c.sink.ctx.parseYaml), names.length > 0 ? names : ['default'], undefined),
      dir,
    );
    return;
  }
  // taskipy: `task NAME` with pre_NAME/post_NAME hooks.
  const tasks = pyTasks(c, dir, 'taskipy');
  if (tasks && names[0])
    runTasks(
      c,
      closure(tasks, [names[0]], (n) => [`pre_${n}`, `post_${n}`]),
      dir,
    );
}

function pyTasks(c: Ctx, dir: string, runner: string): Tasks | undefined {
  const path = `${dir}/pyproject.toml`;
  if (fileNow(c.sink, path).state === 'missing') return undefined;
  const text = runFile(c, path);
  return text === undefined ? undefined : pyprojectTasks(text).get(runner);
}

/**
 * `pdm run NAME`, `rye run NAME`, `hatch run [ENV:]NAME`: the script of that name, else NAME is a
 * command run in the project's environment.
 */
function runPyScript(c: Ctx, runner: 'pdm' | 'rye' | 'hatch' | 'poe'): void {
  const withValue = opts(
    '-p',
    '--project',
    '--venv',
    '-C',
    '--directory',
    '-e',
    '--env',
    '--executor',
    '--root',
  );
  const from = runner === 'poe' ? 0 : c.argv.indexOf('run') + 1;
  if (runner !== 'poe' && from === 0) return;
  const i = firstOperand(c.argv, withValue, from);
  const name = c.argv[i];
  if (!name) return;
  const dirFlag = flagValue(c.argv, ['-p', '--project', '--root', '-C', '--directory']);
  const dir = dirFlag ? resolvePath(dirFlag, c.scope.cwd, c.sink.ctx.home) : c.scope.cwd;
  let table: string = runner;
  let script = name;
  if (runner === 'hatch') {
    const colon = name.indexOf(':');
    table = `hatch:${colon > 0 ? name.slice(0, colon) : 'default'}`;
    script = colon > 0 ? name.slice(colon + 1) : name;
  }
  const tasks = pyTasks(c, dir, table);
  if (tasks?.has(script)) {
    if (runner === 'hatch')
      // A hatch script line that starts with another script's name runs that script.
      for (const t of tasks.values())
        t.refs.push(...t.lines.map((l) => l.split(/\s+/)[0]!).filter((w) => tasks.has(w)));
    const hooks = runner === 'pdm' ? (n: string) => [`pre_${n}`, `post_${n}`] : undefined;
    runTasks(c, closure(tasks, [script], hooks), dir);
    return;
  }
  if (runner !== 'poe') runCommandWords(c, i);
}

/** Run `argv[i..]` as a command of its own; a `.py` file is run by Python. */
function runCommandWords(c: Ctx, i: number): void {
  const head = c.cmd.args[i];
  if (!head) return;
  if (/\.py$/.test(head.value) && !head.value.includes('/')) {
    const python: WordValue = { value: 'python', dynamic: false, quoted: false, substitutions: [] };
    handleCommand(
      { ...c.cmd, name: python, args: c.cmd.args.slice(i) },
      { ...c.scope, depth: c.scope.depth + 1 },
      c.sink,
      c.api,
    );
    return;
  }
  rerun(c, i);
}

/** `uv run CMD`, `poetry run CMD`, `pipenv run CMD`: CMD runs in the project's environment. */
function envRunner(withValue: Set<string>): Handler {
  return (c) => {
    const at = c.argv.indexOf('run');
    if (at < 0 || firstOperand(c.argv, withValue) !== at) return installerSubcommand(c);
    runCommandWords(c, firstOperand(c.argv, withValue, at + 1));
  };
}

const UV_RUN_OPTS = opts(
  '--with',
  '--with-editable',
  '--with-requirements',
  '--python',
  '-p',
  '--package',
  '--extra',
  '--group',
  '--env-file',
  '--directory',
  '--project',
  '--index',
  '--default-index',
  '--index-url',
  '--extra-index-url',
  '--find-links',
  '-f',
  '--script',
  '--only-group',
  '--no-group',
);

function runTox(c: Ctx): void {
  if (
    c.argv.some((a) =>
      /^(-l|-a|--listenvs|--listenvs-all|list|l|config|c|--help|-h|--version|quickstart)$/.test(a),
    )
  )
    return;
  const cfg = flagValue(c.argv, ['-c', '--conf', '--root']);
  const dir = c.scope.cwd;
  const path = cfg
    ? resolvePath(cfg, dir, c.sink.ctx.home)
    : findFile(c, dir, ['tox.ini', 'pyproject.toml', 'setup.cfg']);
  if (!path) return;
  const text = runFile(c, path);
  if (text === undefined) return;
  let ini = text;
  if (path.endsWith('.toml')) {
    const legacy = tomlEntries(text).get('tool.tox')?.get('legacy_tox_ini');
    ini = typeof legacy === 'string' ? legacy : '';
  }
  runLines(c, toxCommands(ini), dir);
}

function runNox(c: Ctx): void {
  if (c.argv.some((a) => /^(-l|--list|--list-sessions|--help|-h|--version)$/.test(a))) return;
  const f = flagValue(c.argv, ['-f', '--noxfile']);
  const path = resolvePath(f ?? 'noxfile.py', c.scope.cwd, c.sink.ctx.home);
  if (fileNow(c.sink, path).state === 'missing') return;
  const text = runFile(c, path);
  if (text === undefined) return;
  c.api.code('python', text, childScope(c.scope), c.sink);
  runLines(c, noxCommands(text), c.scope.cwd);
}

function runComposer(c: Ctx): void {
  const words = operands(c.argv, opts('-d', '--working-dir'));
  const [sub, name] = words;
  if (!sub || c.argv.includes('--no-scripts')) return;
  const d = flagValue(c.argv, ['-d', '--working-dir']);
  const dir = d ? resolvePath(d, c.scope.cwd, c.sink.ctx.home) : c.scope.cwd;
  const events: Record<string, string[]> = {
    install: ['pre-install-cmd', 'post-install-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    i: ['pre-install-cmd', 'post-install-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    update: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    u: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    upgrade: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    require: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    remove: ['pre-update-cmd', 'post-update-cmd', 'pre-autoload-dump', 'post-autoload-dump'],
    'dump-autoload': ['pre-autoload-dump', 'post-autoload-dump'],
    dumpautoload: ['pre-autoload-dump', 'post-autoload-dump'],
    'create-project': ['post-root-package-install', 'post-create-project-cmd'],
  };
  const keys = own(events, sub) ?? (sub === 'run-script' || sub === 'run' ? (name ? [name] : []) : [sub]);
  const path = `${dir}/composer.json`;
  if (fileNow(c.sink, path).state === 'missing') return;
  const text = runFile(c, path);
  if (text === undefined) return;
  runTasks(c, closure(composerScripts(text), keys, undefined), dir);
}

/** `pip install .`, `pip install -e ./lib`: the project's setup.py runs. */
function pipInstallLocal(c: Ctx, argv: string[]): void {
  const sub = argv.find((a) => !a.startsWith('-'));
  if (sub !== 'install' && sub !== 'wheel' && sub !== 'download' && sub !== 'sync') return;
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--editable') targets.push(argv[++i] ?? '');
    else if (a.startsWith('--editable=')) targets.push(a.slice(11));
    else if (PIP_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-') && a !== sub) targets.push(a);
  }
  for (const t of targets) {
    const local = t.replace(/\[[^\]]*\]$/, '');
    if (!/^(\.|\.\.|~|\/)/.test(local) && !local.includes('/')) continue;
    if (/\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/.test(local) || /:\/\//.test(local)) continue;
    const path = `${resolvePath(local, c.scope.cwd, c.sink.ctx.home)}/setup.py`;
    if (fileNow(c.sink, path).state === 'missing') continue;
    const text = runFile(c, path);
    if (text !== undefined) c.api.code('python', text, childScope(c.scope), c.sink);
  }
}

/** `uv pip install .`, `uv sync`: the installer parts of a runner. */
function installerSubcommand(c: Ctx): void {
  if (c.program === 'uv' && c.argv[0] === 'pip') pipInstallLocal(c, c.argv.slice(1));
  else if (
    (c.program === 'uv' || c.program === 'pdm' || c.program === 'poetry') &&
    /^(sync|install)$/.test(c.argv[0] ?? '')
  )
    pipInstallLocal(c, ['install', '.']);
}

function runDenoTask(c: Ctx, from: number): void {
  const name = operands(c.argv, opts('--config', '-c', '--cwd'), from)[0];
  if (!name) return;
  const cfg = flagValue(c.argv, ['--config', '-c']);
  const dir = c.scope.cwd;
  const path = cfg ? resolvePath(cfg, dir, c.sink.ctx.home) : findFile(c, dir, ['deno.json', 'deno.jsonc']);
  if (!path) return;
  const text = runFile(c, path);
  if (text === undefined) return;
  runTasks(c, closure(denoTasks(text), [name], undefined), dir);
}

/**
 * Interpreters that are also package managers or task runners: `bun run x`, `bun install`,
 * `deno task x`, `python -m pip install .`. True when the command was one of those.
 */
export function interpreterSubcommand(c: Ctx): boolean {
  const first = c.argv[0];
  if (c.program === 'bun') {
    if (first === undefined || first.startsWith('-') || (/[./]/.test(first) && first !== 'x')) {
      // `bun file.ts`, `bun --watch x.ts`: the interpreter; `bun` alone prints help.
      return first === undefined;
    }
    if (first === 'x' || first === 'test' || first === 'build' || first === 'repl' || first === 'pm')
      return true;
    runPackageScript(c);
    return true;
  }
  if (c.program === 'deno' && first === 'task') {
    runDenoTask(c, 1);
    return true;
  }
  if (/^python[\d.]*$|^pypy/.test(c.program)) {
    const m = c.argv.indexOf('-m');
    if (
      m >= 0 &&
      /^(pip|pip3)$/.test(c.argv[m + 1] ?? '') &&
      c.argv.slice(0, m).every((a) => a.startsWith('-'))
    ) {
      pipInstallLocal(c, c.argv.slice(m + 2));
      return true;
    }
  }
  return false;
}

/** `cargo build|run|test|check|install --path`: the package's build script runs first. */
function runCargo(c: Ctx): void {
  const sub = c.argv.find((a) => !a.startsWith('-') && !a.startsWith('+'));
  if (!sub || !/^(build|b|run|r|test|t|check|c|bench|clippy|doc|d|install|rustc|fix)$/.test(sub)) return;
  if (sub === 'install' && !c.argv.some((a) => a === '--path' || a.startsWith('--path='))) return;
  const manifest = flagValue(c.argv, ['--manifest-path']);
  const pathFlag = sub === 'install' ? flagValue(c.argv, ['--path']) : undefined;
  const home = c.sink.ctx.home;
  const dir = manifest
    ? resolvePath(manifest, c.scope.cwd, home).replace(/\/[^/]*$/, '')
    : pathFlag
      ? resolvePath(pathFlag, c.scope.cwd, home)
      : c.scope.cwd;
  const path = `${dir}/build.rs`;
  if (fileNow(c.sink, path).state === 'missing') return;
  const text = runFile(c, path);
  if (text !== undefined) runLines(c, rustCommands(text), dir);
}

export const PACKAGE_COMMANDS: Record<string, Handler> = {
  cargo: runCargo,
  make: runMake,
  gmake: runMake,
  npm: runPackageScript,
  pnpm: runPackageScript,
  yarn: runPackageScript,
  just: runJust,
  task: runTask,
  'go-task': runTask,
  pdm: (c) => (c.argv.includes('run') ? runPyScript(c, 'pdm') : installerSubcommand(c)),
  rye: (c) => (c.argv.includes('run') ? runPyScript(c, 'rye') : undefined),
  hatch: (c) => (c.argv.includes('run') ? runPyScript(c, 'hatch') : undefined),
  poe: (c) => runPyScript(c, 'poe'),
  uv: envRunner(UV_RUN_OPTS),
  poetry: envRunner(opts('-C', '--directory', '-P', '--project')),
  pipenv: envRunner(opts()),
  tox: runTox,
  nox: runNox,
  composer: runComposer,
  pip: (c) => pipInstallLocal(c, c.argv),
  pip3: (c) => pipInstallLocal(c, c.argv),
};

// ---- installs from outside the registry ----------------------------------------------------

const REGISTRY_FLAG =
  /^(--registry|--index-url|-i|--extra-index-url|--index|--default-index|--source|--trusted-host|--find-links)(=|$)/;
const INSTALLERS = /^(npm|pnpm|yarn|bun|pip|pip[\d.]+|uv|poetry|pipx|gem|cargo|pdm|rye|pipenv|uvx)$/;
const DEFAULT_INDEX =
  /registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org|files\.pythonhosted\.org|rubygems\.org|crates\.io/;
const PIP_WITH_VALUE = opts(
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--src',
  '--upgrade-strategy',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--no-binary',
  '--only-binary',
  '-C',
  '--config-settings',
  '--global-option',
  '--trusted-host',
  '--proxy',
  '--cert',
  '--client-cert',
  '--cache-dir',
  '--log',
  '--timeout',
  '--retries',
  '--exists-action',
  '--report',
  '--python',
  '-p',
  '--group',
  '-G',
  '--extra',
  '-E',
  '--extras',
  '--source',
  '--tag',
  '--branch',
  '--rev',
  '--spec',
  '--from',
  '--with',
  '--index',
  '--default-index',
  '--suffix',
  '--pip-args',
);

/** A URL or git remote in pip's, uv's or poetry's requirement syntax (`name @ git+https://...`). */
export function isPipRemote(spec: string): boolean {
  if (/(^|@\s*)(git|hg|svn|bzr)\+/i.test(spec)) return true;
  const url = /(?:^|@\s*)([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (url) return url[1]!.toLowerCase() !== 'file';
  return /^[\w.-]+@[\w.-]+\.[a-z]{2,}:[\w./~-]+$/i.test(spec); // git@github.com:user/repo.git
}

/** A git remote, URL or GitHub shorthand in npm's package-spec syntax (`user/repo`, `github:x/y`). */
export function isNpmRemote(spec: string): boolean {
  const s = spec.trim();
  if (s === '' || /^(\.|\/|~|[A-Za-z]:[\\/])/.test(s)) return false;
  if (/^[\w.-]+@[\w.-]+\.[a-z]{2,}:[\w./~-]+$/i.test(s)) return true; // git@github.com:user/repo.git
  // `name@range`, `@scope/name@range`, aliases `name@npm:other`: what follows the name's `@`.
  const alias = /^(@[^/@\s]+\/)?[^/@\s]+@(.+)$/.exec(s);
  const target = alias ? alias[2]! : s;
  if (/^file:|^link:|^workspace:|^portal:|^npm:|^jsr:/.test(target)) return false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return true;
  if (/^(github|gitlab|bitbucket|gist|git(\+[a-z]+)?):/i.test(target)) return true;
  if (/^[\w.-]+@[\w.-]+:/.test(target)) return true;
  // `user/repo`, `user/repo#ref`: GitHub. A scoped name starts with `@`; a range never holds `/`.
  if (/^[A-Za-z0-9][\w.-]*\/[\w.-]+(#.*)?$/.test(target) && !/\.(tgz|tar\.gz|tar)$/.test(target)) return true;
  return false;
}

/** A local file the command line itself downloaded: a tarball or wheel fetched a moment ago. */
function downloadedHere(c: Ctx, spec: string): boolean {
  if (!/^(\.|\/|~)|\.(tgz|tar\.gz|tar|whl|zip)$/.test(spec)) return false;
  const path = resolvePath(spec.replace(/^file:/, ''), c.scope.cwd, c.sink.ctx.home);
  if (writtenBy(c.sink, path, (e) => e.tags.includes('download'))) return true;
  // A downloader whose output flag we do not parse (`curl -sLo t.tgz`, `aria2c -o`): it names the file.
  const name = spec.split('/').pop()!;
  return c.sink.effects.some((e) => e.kind === 'net' && e.origin.includes(name));
}

/** Requirement lines of `-r FILE` (nested `-r` followed once more). */
function requirementSpecs(c: Ctx, file: string, depth: number): { specs: string[]; indexes: string[] } {
  const out = { specs: [] as string[], indexes: [] as string[] };
  const path = resolvePath(file, c.scope.cwd, c.sink.ctx.home);
  const text = textNow(c.sink, path);
  if (text === undefined || text.length > 256 * 1024) return out;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const opt =
      /^(-r|--requirement|-c|--constraint|-e|--editable|-i|--index-url|--extra-index-url|-f|--find-links)(?:\s*=\s*|\s+)(\S+)/.exec(
        line,
      );
    if (opt) {
      const [, flag, value] = opt;
      if (/^(-r|--requirement|-c|--constraint)$/.test(flag!)) {
        if (depth < 2) {
          const nested = requirementSpecs(
            c,
            resolvePath(value!, path.replace(/\/[^/]*$/, ''), c.sink.ctx.home),
            depth + 1,
          );
          out.specs.push(...nested.specs);
          out.indexes.push(...nested.indexes);
        }
      } else if (/^(-e|--editable)$/.test(flag!)) out.specs.push(value!);
      else out.indexes.push(value!);
      continue;
    }
    out.specs.push(line);
  }
  return out;
}

/**
 * The package specs an install or one-off run names, by tool; `indexes` are index or find-links URLs.
 */
function installSpecs(c: Ctx): { specs: string[]; indexes: string[]; npm: boolean } | undefined {
  let program = c.program;
  let argv = c.argv;
  const m = argv.indexOf('-m');
  if (/^python[\d.]*$|^pypy/.test(program) && m >= 0 && /^(pip|pip3|pipx|uv)$/.test(argv[m + 1] ?? '')) {
    program = argv[m + 1]!;
    argv = argv.slice(m + 2);
  }
  if (program === 'uv' && argv[0] === 'pip') {
    program = 'pip';
    argv = argv.slice(1);
  }
  const ops = (from = 0, withValue = PIP_WITH_VALUE) => operands(argv, withValue, from);
  const values = (names: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      for (const n of names) {
        if (a === n && argv[i + 1] !== undefined) out.push(argv[i + 1]!);
        else if (n.startsWith('--') && a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      }
    }
    return out;
  };
  if (/^(npm|pnpm|yarn|bun)$/.test(program)) {
    const words = ops(0, PM_WITH_VALUE);
    const sub = words[0];
    const pkgs = values(['-p', '--package']);
    if (sub === undefined) return undefined;
    if (INSTALL_VERBS.has(sub)) return { specs: words.slice(1), indexes: [], npm: true };
    if (sub === 'global' && words[1] === 'add') return { specs: words.slice(2), indexes: [], npm: true };
    if (/^(exec|x|dlx|create|init)$/.test(sub))
      return { specs: pkgs.length > 0 ? pkgs : words.slice(1, 2), indexes: [], npm: true };
    return undefined;
  }
  if (/^(npx|bunx|pnpx)$/.test(program)) {
    const pkgs = values(['-p', '--package']);
    const first = ops(0, opts('-p', '--package', '-c', '--call'))[0];
    return { specs: pkgs.length > 0 ? pkgs : first ? [first] : [], indexes: [], npm: true };
  }
  if (/^pip[\d.]*$/.test(program)) {
    const words = ops();
    if (!/^(install|download|wheel)$/.test(words[0] ?? '')) return undefined;
    const specs = [...words.slice(1), ...values(['-e', '--editable'])];
    const indexes = values(['-f', '--find-links']);
    for (const r of values(['-r', '--requirement', '-c', '--constraint'])) {
      const req = requirementSpecs(c, r, 0);
      specs.push(...req.specs);
      indexes.push(...req.indexes);
    }
    return { specs, indexes, npm: false };
  }
  if (
    program === 'uvx' ||
    (program === 'uv' && argv[0] === 'tool' && /^(run|install|upgrade)$/.test(argv[1] ?? ''))
  ) {
    const words = ops(program === 'uvx' ? 0 : 2);
    return {
      specs: [...values(['--from', '--with']), ...words.slice(0, 1)],
      indexes: values(['-f', '--find-links']),
      npm: false,
    };
  }
  if (program === 'uv' && argv[0] === 'run') {
    // `uv run https://.../script.py` fetches the script and runs it.
    const first = operands(argv, UV_RUN_OPTS, 1)[0];
    const url = first && /^[a-z][a-z0-9+.-]*:\/\//i.test(first) ? [first] : [];
    return { specs: [...values(['--with', '--with-editable']), ...url], indexes: [], npm: false };
  }
  if (program === 'pipx') {
    const words = ops();
    if (!/^(install|run|inject|upgrade)$/.test(words[0] ?? '')) return undefined;
    const specs = [...values(['--spec'])];
    if (words[0] === 'inject') specs.push(...words.slice(2));
    else specs.push(...words.slice(1, 2));
    return { specs, indexes: [], npm: false };
  }
  if (/^(poetry|pdm|rye|uv|pipenv)$/.test(program)) {
    const words = ops();
    if (!/^(add|install)$/.test(words[0] ?? '')) return undefined;
    return { specs: words.slice(1), indexes: [], npm: false };
  }
  if (program === 'cargo' && argv[0] === 'install')
    return { specs: values(['--git']).map((u) => `git+${u}`), indexes: [], npm: false };
  if (program === 'go' && argv[0] === 'run') {
    // `go run example.com/x@v1`: a module fetched and run now; `go run ./cmd` and `go run .` are local.
    const remote = argv.slice(1).find((a) => !a.startsWith('-') && /^[^./~][^@\s]*@\S+$/.test(a));
    return { specs: remote ? [`go+https://${remote}`] : [], indexes: [], npm: false };
  }
  if (program === 'deno' && /^(run|install|compile|x)$/.test(argv[0] ?? '')) {
    const first = operands(
      argv,
      opts(
        '--config',
        '-c',
        '--import-map',
        '--lock',
        '--cert',
        '--location',
        '--seed',
        '--v8-flags',
        '--env-file',
      ),
      1,
    )[0];
    return { specs: first && /^https?:\/\//i.test(first) ? [first] : [], indexes: [], npm: false };
  }
  return undefined;
}

/**
 * Tags for an install or one-off run: `registry.custom` for a non-default index, `install.remote` for
 * code from a URL, a git remote or a tarball downloaded on the same line. Also records what writers
 * of script files leave behind (see {@link noteRewrite}).
 */
export function packageTags(c: Ctx): string[] {
  noteRewrite(c);
  const tags: string[] = [];
  const argv = c.argv;
  if (INSTALLERS.test(c.program) || /^python[\d.]*$/.test(c.program)) {
    for (let i = 0; i < argv.length; i++) {
      const m = REGISTRY_FLAG.exec(argv[i]!);
      if (!m) continue;
      if (m[1] === '--find-links' && !/^pip/.test(c.program) && !/^python/.test(c.program)) continue;
      const value = m[2] === '=' ? argv[i]!.slice(argv[i]!.indexOf('=') + 1) : (argv[i + 1] ?? '');
      if (m[1] === '--find-links' && !/:\/\//.test(value)) continue;
      if (!DEFAULT_INDEX.test(value)) {
        tags.push('registry.custom');
        break;
      }
    }
  }
  const found = installSpecs(c);
  if (!found) return tags;
  if (
    found.indexes.some((u) => /:\/\//.test(u) && !DEFAULT_INDEX.test(u)) &&
    !tags.includes('registry.custom')
  )
    tags.push('registry.custom');
  const remote = found.specs.some(
    (s) => (found.npm ? isNpmRemote(s) : isPipRemote(s)) || downloadedHere(c, s),
  );
  if (remote) tags.push('install.remote');
  return tags;
}

// ---- writers of script files ---------------------------------------------------------------

/** Write effects of this command's own redirections: the ones emitted just before it. */
function redirectTargets(c: Ctx): { path: string; append: boolean }[] {
  const out: { path: string; append: boolean }[] = [];
  for (let i = c.sink.effects.length - 1; i >= 0; i--) {
    const e = c.sink.effects[i]!;
    if (e.kind !== 'write' || !e.tags.includes('redirect')) break;
    if (!e.tags.includes('dynamic')) out.push({ path: e.path, append: e.tags.includes('append') });
  }
  return out;
}

function record(c: Ctx, path: string, before: string | undefined, after: string | undefined): void {
  noteFile(c.sink, path, after, c.origin);
  if (after !== undefined) judgeChange(path, before, after, c.scope, c.sink, c.api.shell);
}

const word = (w: WordValue | undefined): string | null => (w === undefined || w.dynamic ? null : w.value);

/**
 * Writers whose result we can compute: `npm pkg set|delete`, `npm set-script`, `json -I`, `jq`/`yq`,
 * `sed -i`, `perl -pi -e 's///'`, `echo`/`printf` into a file, `tee`, `cp`/`mv`. Each records the new
 * text for runners later on the line, and what it adds to a file that runs is judged now.
 */
function noteRewrite(c: Ctx): void {
  const { program, argv } = c;
  const home = c.sink.ctx.home;
  const args = c.cmd.args;
  if (program === 'composer' && !args.some((w) => w.dynamic)) {
    const deferred = childScope(c.scope, { inherited: [...c.scope.inherited, 'deferred'] });
    for (const body of composerConfigScript(argv)) c.api.shell(body, deferred, c.sink);
  }
  if (/^mvnw?$/.test(program)) {
    const line = mavenExecCommand(argv);
    if (line) c.api.shell(line, childScope(c.scope), c.sink);
  }
  if (/^(npm|pnpm|bun)$/.test(program)) {
    const words = operands(argv, PM_WITH_VALUE);
    const at = program === 'bun' && words[0] === 'pm' ? 1 : 0;
    const verb = words[at] === 'pkg' ? words[at + 1] : words[at] === 'set-script' ? 'set-script' : undefined;
    if (verb !== 'set' && verb !== 'delete' && verb !== 'set-script') return;
    const start =
      argv.indexOf(verb === 'set-script' ? 'set-script' : 'pkg') + (verb === 'set-script' ? 1 : 2);
    const values = args
      .slice(start)
      .filter((w) => !(w.value.startsWith('-') && !w.dynamic))
      .map(word);
    const json = argv.includes('--json');
    for (const dir of packageDirs(c)) {
      const path = `${dir}/package.json`;
      const before = textNow(c.sink, path);
      const after = before === undefined ? undefined : npmPkgEdit(before, verb, values, json);
      record(c, path, before, after);
      emitPath(c.sink, c.scope, 'write', path, ['edit'], c.origin);
    }
    return;
  }
  if (program === 'json' && argv.some((a) => a === '-I' || a === '--in-place')) {
    const file = flagValue(argv, ['-f']);
    if (!file) return;
    const code: string[] = [];
    for (let i = 0; i < args.length; i++) if (argv[i] === '-e') code.push(word(args[i + 1]) ?? '\u0000');
    const path = resolvePath(file, c.scope.cwd, home);
    const before = textNow(c.sink, path);
    const after =
      before === undefined || code.some((x) => x.includes('\u0000'))
        ? undefined
        : code.reduce<string | undefined>(
            (t, x) => (t === undefined ? undefined : jsonToolEdit(t, x)),
            before,
          );
    record(c, path, before, after);
    emitPath(c.sink, c.scope, 'write', path, ['edit'], c.origin);
    return;
  }
  if (program === 'jq' || program === 'yq' || program === 'gojq') {
    const vars = new Map<string, string | null>();
    const rest: (string | null)[] = [];
    let inPlace = false;
    let filterFile = false;
    for (let i = 0; i < args.length; i++) {
      const a = argv[i]!;
      if (a === '--arg') {
        vars.set(argv[i + 1] ?? '', word(args[i + 2]));
        i += 2;
      } else if (a === '--argjson' || a === '--slurpfile' || a === '--rawfile') {
        vars.set(argv[i + 1] ?? '', null);
        i += 2;
      } else if (a === '-i' || a === '--inplace' || a === '--in-place') inPlace = program === 'yq';
      else if (a === '-f' || a === '--from-file') filterFile = true;
      else if (a === '--indent' || a === '-L' || a === '--output-format' || a === '-o' || a === '-p') i++;
      else if (a.startsWith('-') && a !== '-') continue;
      else rest.push(word(args[i]));
    }
    const [filter, ...files] = filterFile ? [null, ...rest] : rest;
    const targets = inPlace
      ? files.map((f) => ({ path: f === null ? '' : resolvePath(f, c.scope.cwd, home), append: false }))
      : redirectTargets(c);
    const input =
      files.length === 1 && files[0] !== null ? resolvePath(files[0]!, c.scope.cwd, home) : undefined;
    for (const t of targets) {
      if (!t.path) continue;
      const src = input ?? t.path;
      const before = textNow(c.sink, src);
      const after =
        before !== undefined && filter != null && !t.append ? jqEdit(before, filter, vars) : undefined;
      record(c, t.path, textNow(c.sink, t.path), after);
    }
    return;
  }
  if (program === 'sed' || program === 'gsed' || program === 'perl') {
    const scripts: (string | null)[] = [];
    const files: (string | null)[] = [];
    let inPlace = false;
    let extended = program === 'perl';
    let unknown = false;
    for (let i = 0; i < args.length; i++) {
      const a = argv[i]!;
      if (a === '--') {
        files.push(...args.slice(i + 1).map(word));
        break;
      }
      if (a === '-e' || a === '--expression' || (a === '-E' && program === 'perl')) {
        scripts.push(word(args[++i]));
        continue;
      }
      if (a.startsWith('--expression=')) {
        scripts.push(args[i]!.dynamic ? null : a.slice(13));
        continue;
      }
      if (a.startsWith('--in-place')) {
        inPlace = true;
        continue;
      }
      if (a === '-f' || a === '--file' || a === '-z' || a === '--null-data' || a === '-n' || a === '--quiet')
        unknown = true;
      if (a === '-l' || a === '--line-length') {
        i++;
        continue;
      }
      if (a === '-E' || a === '-r' || a === '--regexp-extended') {
        extended = true;
        continue;
      }
      if (/^-[a-zA-Z]+/.test(a)) {
        // Bundles: `-i`, `-i.bak`, `-Ei`, `-pi`, `-pie` (perl: -e takes the next word).
        const letters = a.slice(1);
        const iAt = letters.indexOf('i');
        const flags = iAt >= 0 ? letters.slice(0, iAt) : letters;
        if (iAt >= 0) inPlace = true;
        if (/[Er]/.test(flags)) extended = true;
        if (/[fzn]/.test(flags) && program !== 'perl') unknown = true;
        if (program === 'perl') {
          if (/[nlaF0]/.test(letters) && !/^p?i?e?$/.test(letters.replace(/\.\w+/, ''))) unknown = true;
          if (letters.endsWith('e')) scripts.push(word(args[++i]));
        }
        // BSD `sed -i '' ...`: the empty word is the backup suffix.
        if (program !== 'perl' && a === '-i' && argv[i + 1] === '') i++;
        continue;
      }
      if (scripts.length === 0 && program !== 'perl') scripts.push(word(args[i]));
      else files.push(word(args[i]));
    }
    if (!inPlace) return;
    for (const f of files) {
      if (f === null) continue;
      const path = resolvePath(f, c.scope.cwd, home);
      const before = textNow(c.sink, path);
      const perlSafe =
        program !== 'perl' ||
        scripts.every((s) => s !== null && /^\s*s(.).*\1.*\1[gi]*\s*;?\s*$/.test(s) && !s.includes('$'));
      const after =
        before === undefined || unknown || !perlSafe || scripts.length === 0 || scripts.includes(null)
          ? undefined
          : sedEdit(before, scripts as string[], extended);
      record(c, path, before, after);
      // An edit we cannot follow (`sed -i '/x/a ...'`) still shows the text it brings in.
      if (after === undefined)
        for (const s of scripts) if (s) judgeRunnable(path, s, true, c.scope, c.sink, c.api.shell);
    }
    return;
  }
  if (program === 'echo' || program === 'printf') {
    const targets = redirectTargets(c);
    if (targets.length === 0) return;
    const out = args.some((w) => w.dynamic) ? undefined : echoOutput(program, argv);
    for (const t of targets) {
      const before = textNow(c.sink, t.path) ?? '';
      const after = out === undefined ? undefined : t.append ? before + out : out;
      record(c, t.path, t.append ? before : undefined, after);
    }
    return;
  }
  if (program === 'tee' && c.cmd.stdin?.kind === 'text') {
    const append = argv.some((a) => a === '-a' || a === '--append');
    const text = c.cmd.stdin.text;
    for (const w of args) {
      if (w.value.startsWith('-') || w.dynamic) continue;
      const path = resolvePath(w.value, c.scope.cwd, home);
      const before = textNow(c.sink, path) ?? '';
      record(c, path, append ? before : undefined, append ? before + text : text);
    }
    return;
  }
  if (program === 'cp' || program === 'mv' || program === 'install') {
    const ops = operands(
      argv,
      opts('-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '-g'),
    );
    if (ops.length !== 2 || args.some((w) => w.dynamic)) return;
    const [src, dest] = ops as [string, string];
    const srcPath = resolvePath(src, c.scope.cwd, home);
    const base = srcPath.split('/').pop()!;
    const destPath = resolvePath(dest, c.scope.cwd, home);
    const target = dest === '.' || dest === '..' || dest.endsWith('/') ? `${destPath}/${base}` : destPath;
    noteFile(c.sink, target, textNow(c.sink, srcPath), c.origin);
  }
}
