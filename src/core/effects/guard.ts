// Programs that switch the guard off without writing a file: removing or replacing the agent-sre
// package, signalling its processes, and naming the per-user secret. Tags only; the policy tiers them.
import { own } from '../own.ts';
import { guardMatch, isUnder, resolvePath } from '../paths.ts';
import type { WordValue } from '../shell/words.ts';
import type { JudgeContext } from '../types.ts';
import { PM_WITH_VALUE } from './pm-flags.ts';

const GUARD_NAMES = /agent-sre|hookd/i;

/** Exec tags for one command: `guard`, `guard-signal-broad` or `guard-secret`. */
export function guardExecTags(
  program: string,
  name: WordValue,
  args: WordValue[],
  cwd: string,
  ctx: JudgeContext,
): string[] {
  const argv = args.map((a) => a.value);
  const tags: string[] = [];
  if (mentionsSecret([name, ...args], cwd, ctx)) tags.push('guard-secret');
  if (PACKAGE_MANAGERS.has(program) && touchesGuardPackage(program, argv)) tags.push('guard');
  const signal = own(SIGNALLERS, program)?.(argv, args, cwd, ctx);
  if (signal) tags.push(signal);
  return tags;
}

// ---- the per-user secret ------------------------------------------------------------------------

// AGENT_SRE_TOKEN, the HTTP hooks' token, is derived from the secret and sits in Claude Code's environment,
// which the agent's shell inherits: naming it is reaching for it.
const SECRET_SPELLINGS =
  /\.config\/agent-sre(\/|$|[^\w.-])|XDG_CONFIG_HOME[^\n]{0,40}agent-sre|agent-sre\/+secret|AGENT_SRE_TOKEN/i;

/** Does this text name agent-sre's per-user directory, however it is spelled? */
export function namesSecretDir(text: string, cwd: string, ctx: JudgeContext): boolean {
  const dir = ctx.guard?.userDir;
  if (!dir) return false;
  if (SECRET_SPELLINGS.test(text) || containsDir(text, dir)) return true;
  if (/\s/.test(text)) return false;
  // The dir's own name ends in agent-sre: a word without it reaches the dir only as a glob or from inside.
  const low = text.toLowerCase();
  if (!low.includes('agent-sre') && !/[*?[]/.test(text) && !isUnder(cwd.toLowerCase(), dir.toLowerCase()))
    return false;
  const abs = resolvePath(text, cwd, ctx.home);
  if (/[*?[]/.test(abs)) return guardMatch(abs, ctx).secret;
  return isUnder(abs.toLowerCase(), dir.toLowerCase().replace(/\/+$/, ''));
}

function containsDir(text: string, dir: string): boolean {
  const low = text.toLowerCase();
  const d = dir.toLowerCase().replace(/\/+$/, '');
  for (let at = low.indexOf(d); at >= 0; at = low.indexOf(d, at + 1)) {
    if (!/[\w.-]/.test(low[at + d.length] ?? '')) return true;
  }
  return false;
}

function mentionsSecret(words: WordValue[], cwd: string, ctx: JudgeContext): boolean {
  return words.some((w) => namesSecretDir(w.value, cwd, ctx));
}

// ---- removing or replacing the agent-sre package ----------------------------------------------

const PACKAGE_MANAGERS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const REMOVE = /^(remove|uninstall|rm|r|un|unlink)$/;
const ADD = /^(install|i|in|ins|inst|insta|instal|isnt|isnta|isntal|isntall|add|update|up|upgrade|link|ln)$/;
/** `agent-sre`, `agent-sre@x`, `github:x/agent-sre`, `../agent-sre`, `git+https://h/agent-sre.git#v1`, a packed tarball. */
const GUARD_SPEC = /^agent-sre(@.*)?$|[/:]agent-sre(\.git)?(#.*)?\/?$|(^|\/)agent-sre-\d[\w.-]*\.tgz$/i;

/** `npm uninstall agent-sre`, `yarn global add agent-sre@x`, `pnpm link ../agent-sre`: the guard's code changes. */
function touchesGuardPackage(program: string, argv: string[]): boolean {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (PM_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  if (program === 'yarn' && words[0] === 'global') words.shift();
  const [verb, ...specs] = words;
  if (!verb) return false;
  if (REMOVE.test(verb) || ADD.test(verb)) return specs.some((s) => GUARD_SPEC.test(s));
  return false;
}

// ---- signals to the guard's processes ----------------------------------------------------------

type Signal = 'guard' | 'guard-signal-broad' | undefined;
type Signaller = (argv: string[], args: WordValue[], cwd: string, ctx: JudgeContext) => Signal;

/** What the guard's processes look like in `ps`: the daemon, the hook, `serve`; all named `node`. */
function guardProcesses(ctx: JudgeContext): string[] {
  const root = ctx.guard?.installDir ?? '/usr/local/lib/node_modules/agent-sre';
  return [
    `node ${root}/dist/hookd.cjs ${ctx.projectDir}/.agent-sre/hookd-1.sock`,
    `node ${root}/bin/agent-sre-hook.cjs hook claude`,
    `node ${root}/bin/agent-sre.js serve`,
    'node',
  ];
}
/** Other processes of a developer's machine: a pattern that also matches these is a broad kill. */
function otherProcesses(ctx: JudgeContext): string[] {
  return [
    'node',
    `node ${ctx.projectDir}/node_modules/.bin/vite`,
    `node ${ctx.home}/app/dist/server.js`,
    '/usr/bin/python3 -m http.server 8000',
  ];
}

function classify(test: (candidate: string) => boolean, ctx: JudgeContext, names = false): Signal {
  const guard = names ? [...GUARD_COMM, 'node'] : guardProcesses(ctx);
  const other = names ? ['node', 'nodejs', 'vite', 'python3'] : otherProcesses(ctx);
  if (!guard.some(test)) return undefined;
  return other.some(test) ? 'guard-signal-broad' : 'guard';
}
const GUARD_COMM = ['agent-sre', 'agent-sre-hook', 'agent-sre-hookd', 'hookd', 'hookd.cjs'];

/** A pgrep/pkill pattern (an extended regex) as a test over process names and command lines. */
function patternTest(pattern: string, exact: boolean, icase: boolean): (s: string) => boolean {
  try {
    const re = new RegExp(exact ? `^(?:${pattern})$` : pattern, icase ? 'i' : '');
    return (s) => re.test(s);
  } catch {
    return (s) => (icase ? s.toLowerCase().includes(pattern.toLowerCase()) : s.includes(pattern));
  }
}

const PGREP_WITH_VALUE = new Set([
  '-g',
  '-G',
  '-P',
  '-s',
  '-t',
  '-u',
  '-U',
  '-d',
  '--signal',
  '--ns',
  '--nslist',
  '--group',
  '--parent',
  '--session',
  '--terminal',
  '--euid',
  '--uid',
  '--delimiter',
]);

const pkill: Signaller = (argv, _args, cwd, ctx) => {
  let exact = false;
  let icase = false;
  let selector = false;
  const patterns: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-F' || a === '--pidfile') {
      // The pid comes from a file: the daemon's pid file is in .agent-sre/.
      const file = argv[++i] ?? '';
      if (guardMatch(resolvePath(file, cwd, ctx.home), ctx).relation === 'inside' || GUARD_NAMES.test(file))
        return 'guard';
      continue;
    }
    if (PGREP_WITH_VALUE.has(a)) {
      if (/^(-[uUgGs]|--(euid|uid|group|session))$/.test(a)) selector = true;
      i++;
      continue;
    }
    if (a.startsWith('--')) {
      if (a === '--exact') exact = true;
      if (a === '--ignore-case') icase = true;
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      if (/^-[a-zA-Z]+$/.test(a)) {
        if (a.includes('x')) exact = true;
        if (a.includes('i')) icase = true;
        if (/[uUgGs]$/.test(a)) selector = true;
      }
      continue;
    }
    patterns.push(a);
  }
  if (patterns.length === 0) return selector ? 'guard-signal-broad' : undefined;
  return worst(patterns.map((p) => classify(patternTest(p, exact, icase), ctx)));
};

const killall: Signaller = (argv, _args, _cwd, ctx) => {
  let regex = false;
  let icase = false;
  let user = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (
      a === '-s' ||
      a === '--signal' ||
      a === '-y' ||
      a === '-o' ||
      a === '--younger-than' ||
      a === '--older-than'
    ) {
      i++;
      continue;
    }
    if (a === '-u' || a === '--user') {
      user = true;
      i++;
      continue;
    }
    if (a === '-r' || a === '--regexp') regex = true;
    else if (a === '-I' || a === '--ignore-case') icase = true;
    else if (/^-[a-zA-Z]+$/.test(a) && !/^-[A-Z]{2,}$/.test(a)) {
      if (a.includes('r')) regex = true;
      if (a.includes('I')) icase = true;
    }
    if (!a.startsWith('-')) names.push(a);
  }
  if (names.length === 0) return user ? 'guard-signal-broad' : undefined;
  return worst(
    names.map((n) => {
      const test = regex
        ? patternTest(n, false, icase)
        : (s: string) => (icase ? s.toLowerCase() === n.toLowerCase() : s === n);
      return classify(test, ctx, true);
    }),
  );
};

/** `kill -9 -1`, `kill $(pgrep -f hookd)`, `pgrep agent-sre | xargs kill`: what the pids come from. */
const kill: Signaller = (argv, args, _cwd, ctx) => {
  let i = 0;
  if (argv[0] === '-s' || argv[0] === '-n' || argv[0] === '--signal') i = 2;
  else if (/^-([0-9]+|[A-Z][A-Z0-9+-]*)$/.test(argv[0] ?? '')) i = 1;
  else if (argv[0] === '-l' || argv[0] === '-L' || argv[0] === '--list') return undefined;
  if (argv[i] === '--') i++;
  // After the signal, pid `-1` is every process the user may signal: the guard's daemon too.
  if (argv.slice(i).includes('-1')) return 'guard-signal-broad';
  const found: Signal[] = [];
  for (const w of args.slice(i)) for (const s of w.substitutions) found.push(fromPidSource(s.text, ctx));
  return worst(found);
};

/** The text of a command that prints pids: `pgrep -f x`, `pidof node`, `ps aux | grep hookd | awk ...`. */
export function fromPidSource(text: string, ctx: JudgeContext): Signal {
  if (GUARD_NAMES.test(text)) return 'guard';
  const words = text
    .replace(/^\$\(|\)$|^`|`$/g, '')
    .split(/\s+/)
    .map((w) => w.replace(/^['"]|['"]$/g, ''));
  const at = words.findIndex((w) => /^(pgrep|pidof|pkill)$/.test(w));
  if (at >= 0) {
    const rest = words.slice(at + 1).filter((w) => !/^[|;&]+$/.test(w));
    const end = rest.findIndex((w) => /[|;&)]/.test(w));
    const own = end < 0 ? rest : rest.slice(0, end);
    if (words[at] === 'pidof')
      return worst(own.filter((w) => !w.startsWith('-')).map((n) => classify((s) => s === n, ctx, true)));
    return pkill(own, [], ctx.projectDir, ctx);
  }
  const grep = words.findIndex((w) => /^e?grep$/.test(w));
  if (grep >= 0 && words.some((w) => w === 'ps')) {
    const pattern = words.slice(grep + 1).find((w) => !w.startsWith('-'));
    if (pattern) return classify(patternTest(pattern, false, false), ctx);
  }
  return undefined;
}

const fuser: Signaller = (argv, _args, cwd, ctx) => {
  if (!argv.some((a) => /^-[a-zA-Z]*k/.test(a) || a === '--kill')) return undefined;
  const files = argv.filter((a) => !a.startsWith('-'));
  return files.some(
    (f) => guardMatch(resolvePath(f, cwd, ctx.home), ctx).relation === 'inside' || GUARD_NAMES.test(f),
  )
    ? 'guard'
    : undefined;
};

function worst(found: Signal[]): Signal {
  return found.includes('guard')
    ? 'guard'
    : found.includes('guard-signal-broad')
      ? 'guard-signal-broad'
      : undefined;
}

const SIGNALLERS: Record<string, Signaller> = {
  kill,
  pkill,
  killall,
  killall5: () => 'guard-signal-broad',
  skill: pkill,
  fuser,
};
