// One command, after the shell has done its word expansion: unwrap wrappers, follow nested shells
// and scripts, and hand known programs to the handler that knows their effects.
import { own } from '../own.ts';
import { resolvePath } from '../paths.ts';
import { callFunction } from '../shell/indirection.ts';
import type { WordValue } from '../shell/words.ts';
import type { ShellNode } from '../types.ts';
import type { CodeLang } from './code.ts';
import { CONTAINER_COMMANDS, chroot, nsenter } from './containers-run.ts';
import { FILE_COMMANDS } from './fs-commands.ts';
import { gitPaths, gitTags } from './git.ts';
import { guardExecTags } from './guard.ts';
import { NET_COMMANDS } from './net.ts';
import { interpreterSubcommand, PACKAGE_COMMANDS, packageTags } from './packages.ts';
import { scriptText } from './recognize/_input.ts';
import { recognizeInfra } from './recognize/index.ts';
import { secretFlows } from './secret-flow.ts';
import {
  childScope,
  emit,
  emitOpaque,
  emitPath,
  MAX_DEPTH,
  originOf,
  type Scope,
  type Sink,
} from './sink.ts';
import { execInfo, runStdinProgram, STDIN_PATHS, type Stdin } from './stdin.ts';

export type { Stdin } from './stdin.ts';

export interface Command {
  name: WordValue;
  args: WordValue[];
  /** The command's source text, for `origin`. */
  text: string;
  /** `FOO=bar cmd` assignments. */
  env: Map<string, string | null>;
  stdin: Stdin | undefined;
}

/** Callbacks into the analyzers, passed in to keep the module graph acyclic. */
export interface Api {
  shell(source: string, scope: Scope, sink: Sink): void;
  code(lang: CodeLang, code: string, scope: Scope, sink: Sink): void;
  /** Judge a script file by content; false when it cannot be read. */
  script(path: string, scope: Scope, sink: Sink, lang?: CodeLang): boolean;
  /** Judge shell text whose commands read `stdin` (a remote command fed a here-doc). */
  shellWith?(source: string, stdin: Stdin, scope: Scope, sink: Sink): void;
  /** What a command or process substitution writes, as far as it can be told without running it. */
  output?(node: ShellNode, scope: Scope, sink: Sink): Stdin;
}

export interface Ctx {
  cmd: Command;
  program: string;
  argv: string[];
  scope: Scope;
  sink: Sink;
  api: Api;
  origin: string;
}

export type Handler = (c: Ctx) => void;

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish']);
/** Directories whose programs are the ordinary ones: `/bin/rm` is rm, not a script to read. */
const SYSTEM_BIN = /^\/(usr\/(local\/)?)?s?bin\/|^\/opt\/homebrew\/bin\/|^\/bin\//;
const INTERPRETERS: Record<string, CodeLang> = {
  python: 'python',
  python2: 'python',
  python3: 'python',
  pypy: 'python',
  pypy3: 'python',
  node: 'node',
  nodejs: 'node',
  deno: 'node',
  bun: 'node',
  tsx: 'node',
  'ts-node': 'node',
  perl: 'perl',
  ruby: 'ruby',
  php: 'php',
};
const CODE_FLAGS: Record<CodeLang, string[]> = {
  python: ['-c'],
  node: ['-e', '--eval', '-p', '--print', 'eval'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
};

/** Config git takes from the environment (GIT_CONFIG_KEY_n/VALUE_n, GIT_CONFIG_PARAMETERS), as `-c` args. */
function gitEnvConfig(env: Map<string, string | null>): string[] {
  const out: string[] = [];
  for (const [k, v] of env) {
    const key = /^GIT_CONFIG_KEY_(\d+)$/.exec(k);
    if (key && v) out.push('-c', `${v}=${env.get(`GIT_CONFIG_VALUE_${key[1]}`) ?? ''}`);
    if (k === 'GIT_CONFIG_PARAMETERS' && v) for (const m of v.matchAll(/'([^']*)'/g)) out.push('-c', m[1]!);
  }
  return out;
}

/**
 * Variables the usual hook managers read to skip hooks: husky (`HUSKY=0`, v4's `HUSKY_SKIP_HOOKS`),
 * pre-commit (`SKIP=id,...`), lefthook (`LEFTHOOK=0`). A value only known at run time (null) counts.
 */
function skipsHooksByEnv(env: Map<string, string | null>): boolean {
  for (const [k, v] of env) {
    if ((k === 'HUSKY' || k === 'LEFTHOOK') && (v === null || v === '0' || v === 'false')) return true;
    if ((k === 'SKIP' || k === 'HUSKY_SKIP_HOOKS') && v !== '') return true;
  }
  return false;
}

export function handleCommand(cmd: Command, scope: Scope, sink: Sink, api: Api): void {
  const origin = originOf('bash', cmd.text);
  if (scope.depth > MAX_DEPTH) {
    emitOpaque(sink, scope, `commands nested more than ${MAX_DEPTH} levels deep`, ['too-deep'], origin);
    return;
  }
  if (cmd.name.dynamic) {
    emitOpaque(
      sink,
      scope,
      `the program name \`${cmd.name.value}\` is only known at run time`,
      ['dynamic-command'],
      origin,
    );
    return;
  }
  const raw = cmd.name.value;
  const fn = scope.functions?.get(raw);
  if (fn) {
    // A shell function defined earlier on the line: its body runs, with these words as $1... and "$@".
    // The program of that name is judged too: a wrapper outside the shell (sudo, env, xargs) runs it.
    callFunction(raw, fn, cmd, scope, sink, api);
  }
  // Lower-cased: `RM -rf /` runs rm on a case-insensitive file system (macOS by default).
  // Windows spellings too: `C:\\Program Files\\Git\\bin\\git.exe`, `GIT.EXE`.
  const program = (raw.split(/[/\\]/).pop() ?? raw).toLowerCase().replace(/\.exe$/, '');
  const argv = cmd.args.map((a) => a.value);
  for (const [k, v] of cmd.env) {
    // Variables whose value git, ssh or a pager runs as a command.
    if (
      v &&
      /^(GIT_SSH_COMMAND|GIT_SSH|GIT_EDITOR|GIT_SEQUENCE_EDITOR|GIT_PAGER|GIT_EXTERNAL_DIFF|EDITOR|VISUAL|PAGER|SSH_ASKPASS|GIT_ASKPASS)$/.test(
        k,
      )
    ) {
      api.shell(v, childScope(scope), sink);
    }
  }
  const c: Ctx = { cmd, program, argv, scope, sink, api, origin };
  const tags = [
    ...recognizeInfra(program, argv, execInfo(c)),
    ...(program === 'git' ? gitTags([...gitEnvConfig(cmd.env), ...argv], sink.ctx.protectedBranches) : []),
  ];
  tags.push(...packageTags(c));
  tags.push(...guardExecTags(program, cmd.name, cmd.args, scope.cwd, sink.ctx));
  for (const [k] of cmd.env)
    if (/^(LD_PRELOAD|LD_LIBRARY_PATH|PROMPT_COMMAND|BASH_ENV|ENV)$/.test(k)) tags.push('env-hijack');
  if (program === 'git' && skipsHooksByEnv(cmd.env) && !tags.includes('git.no-verify'))
    tags.push('git.no-verify');
  emit(sink, scope, { kind: 'exec', program, argv, tags, origin });
  if (program === 'git') gitPaths(c);
  // What it prints of the environment or a secret, and credential trees it sends (secret-flow.ts).
  secretFlows(c);
  if (raw.includes('/') && !SYSTEM_BIN.test(raw) && !(program in INTERPRETERS) && !SHELLS.has(program)) {
    // `./deploy.sh`, `scripts/x`: run by path, so read and judge what it holds.
    const path = resolvePath(raw, scope.cwd, sink.ctx.home);
    if (!api.script(path, scope, sink))
      emit(sink, scope, { kind: 'exec', program, argv, tags: ['unread-script'], origin });
    return;
  }
  if (SHELLS.has(program)) return runShell(c);
  const lang = own(INTERPRETERS, program);
  if (lang === 'node' && runsStdinScript(c)) return;
  if (lang && interpreterSubcommand(c)) return;
  if (lang) return runInterpreter(c, lang);
  const handler =
    own(WRAPPERS, program) ??
    own(FILE_COMMANDS, program) ??
    own(NET_COMMANDS, program) ??
    own(OTHER, program) ??
    own(PACKAGE_COMMANDS, program) ??
    own(CONTAINER_COMMANDS, program);
  if (handler) handler(c);
  else if (/^mkfs(\..*)?$|^mke2fs$|^mkswap$/.test(program)) diskWrite(c);
}

/** Re-dispatch `argv[from..]` as a command of its own (after a wrapper such as sudo or env). */
export function rerun(c: Ctx, from: number, extraTags: string[] = []): void {
  const words = c.cmd.args.slice(from);
  const head = words[0];
  if (!head) return;
  const scope =
    extraTags.length > 0
      ? childScope(c.scope, { depth: c.scope.depth, inherited: [...c.scope.inherited, ...extraTags] })
      : c.scope;
  handleCommand(
    { ...c.cmd, name: head, args: words.slice(1) },
    { ...scope, depth: scope.depth + 1 },
    c.sink,
    c.api,
  );
}

/** Index of the first argument that is not an option, skipping option values named in `withValue`. */
export function firstOperand(argv: string[], withValue: Set<string>, from = 0): number {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return i + 1;
    if (!a.startsWith('-') || a === '-') return i;
    if (withValue.has(a)) i++;
  }
  return argv.length;
}

function runShell(c: Ctx): void {
  const { argv } = c;
  if (noExec(argv)) return;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-c' || (/^-[a-z]*c[a-z]*$/.test(a) && !a.startsWith('--'))) {
      const src = c.cmd.args[i + 1]?.value === '--' ? c.cmd.args[i + 2] : c.cmd.args[i + 1];
      if (!src) return;
      if (src.dynamic) {
        dynamicCode(c, src, 'a shell');
        return;
      }
      // A new shell process: functions defined on this line are not visible in it.
      c.api.shell(src.value, childScope(c.scope, { functions: new Map() }), c.sink);
      return;
    }
    if (a === '-s' || a === '-') break;
    // `-o pipefail`, `-euo pipefail`, `+O extglob`, `--rcfile F`: the next word is the option's value.
    if (/^[-+][a-zA-Z]*[oO]$/.test(a) || a === '--rcfile' || a === '--init-file') {
      i++;
      continue;
    }
    if (a.startsWith('-') || a.startsWith('+')) continue;
    // `bash script.sh`: judge the script.
    const path = resolvePath(a, c.scope.cwd, c.sink.ctx.home);
    if (c.cmd.args[i]!.substitutions.some((x) => x.type === 'process_substitution') || STDIN_PATHS.has(a))
      return runFromStdin(c, 'shell');
    if (!c.api.script(path, c.scope, c.sink, undefined)) unreadScript(c);
    return;
  }
  runFromStdin(c, 'shell');
}

/**
 * `bash -n`, `sh -o noexec`, `fish --no-execute`: the shell only checks the syntax and runs nothing.
 * Only options before the first operand count; after `-c TEXT` words are arguments, not options.
 */
function noExec(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || a === '-' || !/^-/.test(a)) return false;
    if (a === '--no-execute' || (/^-[a-zA-Z]+$/.test(a) && a.includes('n'))) return true;
    if (/^-[a-zA-Z]*o$/.test(a)) {
      if (argv[i + 1] === 'noexec') return true;
      i++;
    }
    if (/^-[a-zA-Z]*c/.test(a)) return false;
  }
  return false;
}

// `deno run` / `bun run` options whose value is the next word.
const RUN_VALUE_OPTS: ReadonlySet<string> = new Set([
  '-c',
  '--config',
  '--import-map',
  '--lock',
  '--cert',
  '--location',
  '--seed',
  '--env-file',
  '--cwd',
  '--preload',
  '-r',
  '--require',
  '--tsconfig-override',
]);

/**
 * `deno run -A -`, `deno run /dev/stdin`, `bun run -`, `deno run <(curl ...)`: the program is read
 * from stdin or a process substitution, so what reaches it is judged as code (a download is remote code).
 */
function runsStdinScript(c: Ctx): boolean {
  if ((c.program !== 'deno' && c.program !== 'bun') || c.argv[0] !== 'run') return false;
  for (let i = 1; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '--') continue;
    if (a !== '-' && a.startsWith('-')) {
      if (RUN_VALUE_OPTS.has(a)) i++;
      continue;
    }
    if (STDIN_PATHS.has(a) || c.cmd.args[i]!.substitutions.some((x) => x.type === 'process_substitution')) {
      runFromStdin(c, 'node');
      return true;
    }
    return false;
  }
  return false;
}

/** A shell or interpreter that reads its program from stdin or a process substitution. */
function runFromStdin(c: Ctx, lang: CodeLang | 'shell'): void {
  const procSub = c.cmd.args.find((a) => a.substitutions.some((s) => s.type === 'process_substitution'));
  const stdin = procSub ? describeProcSub(c, procSub) : c.cmd.stdin;
  if (!stdin) return; // interactive shell: nothing to judge
  runStdinProgram(c, lang, stdin);
}

const NET_IN_SUB = /\b(curl|wget|fetch|nc|ncat|http|xh)\b/;
const DECODE_IN_SUB = /\b(base64|xxd|openssl|uudecode)\b/;

/**
 * What the first substitution in `w` writes: what its command prints when that can be told
 * (`<(echo 'rm -rf ~')`, `$(cat x.sh)`, `<(curl ...)`), else a download, a decoding or unknown by
 * the words in it. Text the analyzer could not place never ranks below what the words say.
 */
export function describeProcSub(c: Ctx, w: WordValue): Stdin {
  const sub = w.substitutions[0];
  const text = w.substitutions.map((s) => s.text).join(' ');
  const out = sub && c.api.output ? c.api.output(sub, c.scope, c.sink) : undefined;
  if (out && out.kind !== 'unknown') return out;
  if (NET_IN_SUB.test(text)) return { kind: 'network', what: text };
  if (DECODE_IN_SUB.test(text)) return { kind: 'decoded', what: text };
  return out ?? { kind: 'unknown', what: text };
}

/**
 * Code built at run time: downloaded or decoded text is remote code execution; a word that is one
 * substitution whose output is known (`bash -c "$(cat x.sh)"`) is judged as that code; anything
 * else is opaque.
 */
function dynamicCode(c: Ctx, w: WordValue, who: string, lang: CodeLang | 'shell' = 'shell'): void {
  const source = w.substitutions.length > 0 ? describeProcSub(c, w) : undefined;
  const whole = w.substitutions.length === 1 && w.value.trim() === w.substitutions[0]!.text;
  if (source?.kind === 'network')
    emitOpaque(c.sink, c.scope, `${who} runs code downloaded by ${source.what}`, ['rce'], c.origin);
  else if (source?.kind === 'decoded')
    emitOpaque(
      c.sink,
      c.scope,
      `${who} runs code decoded by ${source.what}`,
      ['rce', 'obfuscated'],
      c.origin,
    );
  else if (whole && source && (source.kind === 'text' || source.kind === 'file'))
    runStdinProgram(c, lang, source);
  else emitOpaque(c.sink, c.scope, `${who} runs code only known at run time`, ['dynamic-command'], c.origin);
}

/** Switch letters that take the rest of the word as their value (`-Mstrict`, `-rjson`, `-i.bak`). */
const REST_TAKING: Partial<Record<CodeLang, string>> = { perl: 'MmIxdDCVi', ruby: 'IrxCEFKTWi' };
/** Switches whose value may be the next word. */
const NEXT_TAKING: Partial<Record<CodeLang, string>> = { perl: 'I', ruby: 'IrCEF' };

/**
 * `perl -i -pe CODE files`, `perl -pi.bak -e ...`, `ruby -i -pe ...`: each file is rewritten in place.
 * Without -i, -p and -n read them.
 */
function inPlaceFiles(c: Ctx, lang: CodeLang): void {
  const rest = REST_TAKING[lang];
  if (!rest) return;
  let inplace = false;
  let loops = false;
  let code = false;
  const positional: WordValue[] = [];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '--') {
      positional.push(...c.cmd.args.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-' || a.startsWith('--')) {
      if (!a.startsWith('--')) positional.push(c.cmd.args[i]!);
      continue;
    }
    for (let k = 1; k < a.length; k++) {
      const ch = a[k]!;
      if (ch === 'i') inplace = true;
      if (ch === 'p' || ch === 'n') loops = true;
      if (ch === 'e' || (lang === 'perl' && ch === 'E')) {
        code = true;
        if (k === a.length - 1) i++;
        break;
      }
      if ((ch === 'l' || ch === '0') && /^\d/.test(a.slice(k + 1)))
        k += /^\d+/.exec(a.slice(k + 1))![0].length;
      if (rest.includes(ch)) {
        if (k === a.length - 1 && NEXT_TAKING[lang]!.includes(ch)) i++;
        break;
      }
    }
  }
  const files = code ? positional : positional.slice(1);
  if (!inplace && !loops) return;
  for (const f of files)
    emitPath(
      c.sink,
      c.scope,
      inplace ? 'write' : 'read',
      f.value,
      inplace ? ['edit'] : [],
      c.origin,
      f.dynamic,
    );
}

function runInterpreter(c: Ctx, lang: CodeLang): void {
  inPlaceFiles(c, lang);
  const flags = CODE_FLAGS[lang];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    // Short flags bundle: `-pe`, `-we`, `-ne` end in the flag that takes the code.
    const bundled =
      lang === 'python' ? /^-[a-zA-Z]*c$/.test(a) : lang !== 'php' && /^-[a-zA-Z]*[eEp]$/.test(a);
    if (flags.includes(a) || bundled) {
      const code = c.cmd.args[i + 1];
      if (!code) return;
      if (code.dynamic) dynamicCode(c, code, c.program, lang);
      else c.api.code(lang, code.value, childScope(c.scope), c.sink);
      return;
    }
    if (STDIN_PATHS.has(a)) return runFromStdin(c, lang);
    if (a === '-m' || a === 'run') return;
    if (a.startsWith('-')) continue;
    if (c.cmd.args[i]!.substitutions.some((s) => s.type === 'process_substitution'))
      return runFromStdin(c, lang);
    const path = resolvePath(a, c.scope.cwd, c.sink.ctx.home);
    if (!c.api.script(path, c.scope, c.sink, lang)) unreadScript(c);
    return;
  }
  runFromStdin(c, lang);
}

function diskWrite(c: Ctx): void {
  // A device is destroyed; an image file is ordinary work; a target known only at run time is asked about.
  for (const w of c.cmd.args) {
    if (w.value.startsWith('-')) continue;
    if (w.dynamic) emitPath(c.sink, c.scope, 'write', w.value, ['disk-format'], c.origin, true);
    else if (w.value.startsWith('/dev/'))
      emitPath(c.sink, c.scope, 'write', w.value, ['disk-format'], c.origin);
  }
}

// Wrappers run another command; options that take a value are listed so their value is skipped.
const opts = (...xs: string[]) => new Set(xs);
const SUDO_OPTS = opts(
  '-u',
  '-g',
  '-C',
  '-D',
  '-h',
  '-p',
  '-r',
  '-t',
  '-T',
  '-U',
  '--user',
  '--group',
  '--chdir',
  '--prompt',
);
const TIMEOUT_OPTS = opts('-s', '-k', '--signal', '--kill-after');
const NICE_OPTS = opts('-n', '--adjustment');
const XARGS_OPTS = opts(
  '-J',
  '-I',
  '-i',
  '-L',
  '-l',
  '-n',
  '-P',
  '-s',
  '-d',
  '-E',
  '-e',
  '-a',
  '--arg-file',
  '--delimiter',
  '--max-args',
  '--max-procs',
  '--replace',
);
const STDBUF_OPTS = opts('-i', '-o', '-e');

function wrapper(optsWithValue: Set<string>, tags: string[] = [], skipOperands = 0): Handler {
  return (c) => {
    let i = firstOperand(c.argv, optsWithValue);
    i += skipOperands;
    rerun(c, i, tags);
  };
}

const WRAPPERS: Record<string, Handler> = {
  sudo: wrapper(SUDO_OPTS, ['privileged']),
  doas: wrapper(opts('-u', '-C'), ['privileged']),
  nohup: wrapper(opts()),
  time: wrapper(opts('-f', '-o')),
  nice: wrapper(NICE_OPTS),
  ionice: wrapper(opts('-c', '-n', '-p')),
  chronic: wrapper(opts()),
  setsid: wrapper(opts()),
  unbuffer: wrapper(opts()),
  caffeinate: wrapper(opts('-t', '-w')),
  stdbuf: wrapper(STDBUF_OPTS),
  torsocks: wrapper(opts()),
  proxychains: wrapper(opts('-f')),
  proxychains4: wrapper(opts('-f')),
  timeout: wrapper(TIMEOUT_OPTS, [], 1),
  exec: wrapper(opts('-a')),
  builtin: wrapper(opts()),
  npx: wrapper(opts('-p', '--package', '-c')),
  bunx: wrapper(opts()),
  corepack: wrapper(opts()),
  busybox: (c) => rerun(c, 0),
  pkexec: wrapper(opts('--user'), ['privileged']),
  runuser: wrapper(opts('-u', '-g', '-G', '--user', '--group', '-s', '--shell'), ['privileged']),
  sg: wrapper(opts(), [], 1),
  // The command inside, with its paths under the new root (containers-run.ts).
  chroot: (c) => chroot(c),
  'systemd-run': wrapper(
    opts(
      '-p',
      '--property',
      '-u',
      '--unit',
      '-E',
      '--setenv',
      '--uid',
      '--gid',
      '-M',
      '--machine',
      '--slice',
      '--description',
    ),
    ['persistence'],
  ),
  strace: wrapper(opts('-o', '-e', '-p', '-s', '-u', '-E', '-a', '-b', '-I', '-O', '-P', '-S', '-X')),
  ltrace: wrapper(opts('-o', '-e', '-p', '-s', '-u', '-n', '-a')),
  valgrind: wrapper(opts()),
  taskset: (c) =>
    rerun(
      c,
      firstOperand(c.argv, opts('-p', '--pid')) +
        (c.argv.some((a) => a === '-c' || a === '--cpu-list') ? 0 : 1),
    ),
  numactl: wrapper(
    opts(
      '-C',
      '-N',
      '-m',
      '-p',
      '-i',
      '--physcpubind',
      '--cpunodebind',
      '--membind',
      '--preferred',
      '--interleave',
    ),
  ),
  unshare: wrapper(
    opts(
      '--propagation',
      '--setgroups',
      '-S',
      '-G',
      '--map-user',
      '--map-group',
      '-R',
      '-w',
      '--root',
      '--wd',
    ),
  ),
  // Host root when it enters pid 1's mount namespace; the command inside is judged (containers-run.ts).
  nsenter: (c) => nsenter(c),
  fakeroot: wrapper(opts('-l', '--lib', '--faked', '-s', '-i')),
  firejail: wrapper(opts()),
  faketime: wrapper(opts('-m', '-p', '-f'), [], 1),
  // tree-sitter reads `coproc [NAME] { cmds; }` as a plain command whose words are the braces and body.
  coproc: (c) => {
    const from = /^[A-Za-z_][A-Za-z0-9_]*$/.test(c.argv[0] ?? '') && c.argv[1] === '{' ? 1 : 0;
    const body = c.argv
      .slice(from)
      .join(' ')
      .replace(/^\{\s*/, '')
      .replace(/\}\s*$/, '');
    c.api.shell(body, childScope(c.scope), c.sink);
  },
  script: (c) => {
    const i = c.argv.findIndex((a) => a === '-c' || a === '--command' || /^-[a-zA-Z]*c$/.test(a));
    const src = i >= 0 ? c.cmd.args[i + 1] : undefined;
    if (src && !src.dynamic) c.api.shell(src.value, childScope(c.scope), c.sink);
    else if (src) dynamicCode(c, src, 'script');
  },
  'pnpm dlx': wrapper(opts()),
  flock: (c) => rerun(c, firstOperand(c.argv, opts('-w', '-E', '--timeout')) + 1),
  command: (c) => {
    if (c.argv.some((a) => a === '-v' || a === '-V')) return;
    // `command rm` skips shell functions named rm.
    rerun({ ...c, scope: { ...c.scope, functions: undefined } }, firstOperand(c.argv, opts()));
  },
  env: (c) => {
    let i = 0;
    for (; i < c.argv.length; i++) {
      const a = c.argv[i]!;
      if (a === '-u' || a === '--unset' || a === '-C' || a === '--chdir' || a === '-P' || a === '-S') {
        if (a === '-S') {
          // -S splits its string into words, and the remaining words follow them.
          const words = c.cmd.args.slice(i + 1);
          if (words.some((w) => w.dynamic)) dynamicCode(c, words.find((w) => w.dynamic)!, 'env -S');
          else c.api.shell(words.map((w) => w.value).join(' '), childScope(c.scope), c.sink);
          return;
        }
        i++;
        continue;
      }
      if (a.startsWith('-')) continue;
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) continue;
      break;
    }
    rerun(c, i);
  },
  su: (c) => {
    const i = c.argv.findIndex((a) => a === '-c' || a === '--command');
    const src = i >= 0 ? c.cmd.args[i + 1] : undefined;
    if (src && !src.dynamic)
      c.api.shell(
        src.value,
        childScope(c.scope, { inherited: [...c.scope.inherited, 'privileged'] }),
        c.sink,
      );
    else
      emit(c.sink, c.scope, {
        kind: 'exec',
        program: 'su',
        argv: c.argv,
        tags: ['privileged'],
        origin: c.origin,
      });
  },
  eval: (c) => {
    if (c.cmd.args.some((a) => a.dynamic)) {
      const text = c.cmd.args.map((a) => a.value).join(' ');
      const downloads = NET_IN_SUB.test(text);
      const decodes = DECODE_IN_SUB.test(text);
      if (downloads || decodes) {
        emitOpaque(
          c.sink,
          c.scope,
          `eval of ${downloads ? 'downloaded' : 'decoded'} text`,
          downloads ? ['rce'] : ['rce', 'obfuscated'],
          c.origin,
        );
      } else
        emitOpaque(c.sink, c.scope, 'eval of text only known at run time', ['dynamic-command'], c.origin);
      return;
    }
    c.api.shell(c.argv.join(' '), childScope(c.scope), c.sink);
  },
  source: (c) => sourceScript(c),
  '.': (c) => sourceScript(c),
  xargs: (c) => {
    const i = firstOperand(c.argv, XARGS_OPTS);
    if (i >= c.argv.length) return;
    // The items come from stdin: literal text when the pipe shows it, else an argument nobody can see.
    let words = c.cmd.args.slice(i);
    // -I/-J/--replace: each input line stands where the placeholder is, not at the end.
    const ri = c.argv.findIndex((a) => /^-[IJi]/.test(a) || a.startsWith('--replace'));
    const flag = ri < 0 ? undefined : c.argv[ri]!;
    const attached = flag && /^-[IJ]./.test(flag) ? flag.slice(2) : undefined;
    const placeholder =
      flag === undefined
        ? undefined
        : (attached ??
          (flag.includes('=')
            ? flag.split('=')[1] || '{}'
            : flag === '-i' || flag === '--replace'
              ? '{}'
              : c.argv[ri + 1]));
    // The items come from stdin: literal text when the pipe shows it, else an argument nobody can see.
    const items = stdinItems(c.cmd.stdin, placeholder ? 'lines' : 'words');
    let tail = items;
    if (placeholder) {
      const item = items[0]!;
      words = words.map((w) =>
        w.value.includes(placeholder)
          ? { ...w, value: w.value.replaceAll(placeholder, item.value), dynamic: w.dynamic || item.dynamic }
          : w,
      );
      tail = [];
    }
    handleCommand(
      { ...c.cmd, name: words[0]!, args: [...words.slice(1), ...tail], stdin: undefined },
      { ...c.scope, depth: c.scope.depth + 1 },
      c.sink,
      c.api,
    );
  },
  parallel: (c) => {
    // GNU parallel quotes each input as one argument; without `:::` the inputs are stdin lines.
    const sep = c.argv.indexOf(':::');
    const cmdWords = c.argv.slice(
      firstOperand(c.argv, opts('-j', '--jobs', '-S', '--sshlogin')),
      sep < 0 ? undefined : sep,
    );
    if (sep < 0 && !c.cmd.stdin && cmdWords.length === 0) return;
    const inputs: WordValue[] = sep >= 0 ? c.cmd.args.slice(sep + 1) : stdinItems(c.cmd.stdin, 'lines');
    const quoted = (w: string) =>
      /^[A-Za-z0-9_@%+=:,./{}~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
    for (const input of inputs) {
      if (input.dynamic && cmdWords.length === 0) {
        dynamicCode(c, input, 'parallel');
        continue;
      }
      if (cmdWords.length === 0) {
        c.api.shell(input.value, childScope(c.scope), c.sink);
        continue;
      }
      const line = cmdWords.map(quoted).join(' ');
      // An input nobody can see stays a run-time value: the command is still judged, its target is unknown.
      const arg = input.dynamic ? '"$STDIN_ITEM"' : quoted(input.value);
      c.api.shell(
        line.includes('{}') ? line.replaceAll('{}', arg) : `${line} ${arg}`,
        childScope(c.scope),
        c.sink,
      );
    }
  },
  tmux: (c) => {
    // `tmux new -d 'cmd'`, `new-window`, `split-window`, `respawn-pane`, `run-shell` hand their words to
    // a shell; `send-keys` types them into one (Enter runs them).
    const at = c.argv.findIndex((a) => TMUX_RUNS.test(a));
    if (at < 0) return;
    const typed = /^send/.test(c.argv[at]!);
    const i = firstOperand(c.argv, TMUX_VALUES, at + 1);
    const words = c.argv.slice(i).filter((w) => !typed || !/^(Enter|C-m|KPEnter)$/.test(w));
    if (words.length > 0) c.api.shell(words.join(' '), childScope(c.scope, { functions: new Map() }), c.sink);
  },
  screen: (c) => {
    // `screen -dmS name cmd args`: runs cmd; `screen -S name -X stuff 'text'` types text into its shell.
    const x = c.argv.indexOf('-X');
    if (x >= 0) {
      if (c.argv[x + 1] === 'stuff' && c.argv[x + 2])
        c.api.shell(c.argv[x + 2]!.replace(/(\\n|\\r|\^M)+$/, ''), childScope(c.scope), c.sink);
      return;
    }
    let i = 0;
    while (i < c.argv.length && c.argv[i]!.startsWith('-'))
      i += SCREEN_VALUES.has(c.argv[i]!) || /^-[a-zA-Z]*[SctehpT]$/.test(c.argv[i]!) ? 2 : 1;
    rerun(c, i);
  },
  watch: (c) => {
    // watch hands its words to `sh -c` joined by spaces; judge that, and the words as a command too.
    const i = firstOperand(c.argv, opts('-n', '--interval', '-d', '--differences'));
    const rest = c.argv.slice(i).join(' ');
    if (rest) c.api.shell(rest, childScope(c.scope), c.sink);
    if (c.argv.length - i > 1) rerun(c, i);
  },
};

const TMUX_RUNS =
  /^(new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|send-keys|send)$/;
const TMUX_VALUES = opts('-s', '-n', '-c', '-t', '-x', '-y', '-e', '-F', '-l', '-L', '-S', '-f', '-T', '-N');
const SCREEN_VALUES = opts('-S', '-c', '-t', '-e', '-h', '-p', '-T', '-Logfile');

/** What xargs or parallel read from stdin: words or lines of literal text, else one unseen argument. */
function stdinItems(stdin: Stdin | undefined, split: 'words' | 'lines'): WordValue[] {
  if (stdin?.kind !== 'text') {
    // The producer's text travels with the item, so `pgrep -f hookd | xargs kill` is seen for what it is.
    const from: ShellNode[] =
      stdin?.kind === 'unknown' ? [{ type: 'pipeline_input', text: stdin.what, children: [] }] : [];
    return [{ value: '$STDIN_ITEM', dynamic: true, quoted: false, substitutions: from }];
  }
  const parts = stdin.text
    .split(split === 'words' ? /\s+|\\n/ : /\n|\\n/)
    .map((p) => (split === 'lines' ? p.trim() : p));
  // Text with run-time parts (`echo "$DIR" | xargs rm -rf`): an item holding one is only known then.
  const runTime = (v: string) => stdin.dynamic === true && /[$`]/.test(v);
  return parts
    .filter(Boolean)
    .map((value) => ({ value, dynamic: runTime(value), quoted: true, substitutions: [] }));
}

/** A script we could not read: the call is judged without its content. */
function unreadScript(c: Ctx): void {
  emit(c.sink, c.scope, {
    kind: 'exec',
    program: c.program,
    argv: c.argv,
    tags: ['unread-script'],
    origin: c.origin,
  });
}

function sourceScript(c: Ctx): void {
  const target = c.cmd.args[0];
  if (!target) return;
  if (target.substitutions.some((s) => s.type === 'process_substitution') || STDIN_PATHS.has(target.value))
    return runFromStdin(c, 'shell');
  if (
    target.dynamic ||
    !c.api.script(resolvePath(target.value, c.scope.cwd, c.sink.ctx.home), c.scope, c.sink, undefined)
  )
    unreadScript(c);
}

const OTHER: Record<string, Handler> = {
  // at and batch read the job's commands from stdin (or -f FILE) and run them later.
  at: (c) => scheduledJob(c),
  batch: (c) => scheduledJob(c),
  sqlite3: (c) => sqliteClient(c),
  sqlite: (c) => sqliteClient(c),
  litecli: (c) => sqliteClient(c),
  cd: (c) => {
    const target = c.cmd.args[0];
    if (!target || target.value === '~') c.scope.cwd = c.sink.ctx.home;
    else if (target.value === '-') return;
    else if (target.dynamic) {
      // A cd to an unknown place: later relative paths are anchored nowhere we know.
      c.scope.cwd = '/$UNKNOWN_DIR';
    } else c.scope.cwd = resolvePath(target.value, c.scope.cwd, c.sink.ctx.home);
  },
  pushd: (c) => OTHER.cd!(c),
  'agent-sre': (c) => {
    // The agent may inspect (check, replay, sessions) but not act as the guard or reconfigure it.
    if (c.argv[0] === 'init' || c.argv[0] === 'hook' || (c.argv[0] === 'session' && c.argv[1] === 'resume')) {
      emit(c.sink, c.scope, {
        kind: 'exec',
        program: 'agent-sre',
        argv: c.argv,
        tags: ['guard'],
        origin: c.origin,
      });
    }
  },
  claude: (c) => {
    if (
      c.argv.some((a) =>
        /^--dangerously-skip-permissions|^--permission-mode(=|$)|bypassPermissions|disableAllHooks/.test(a),
      )
    ) {
      emit(c.sink, c.scope, {
        kind: 'exec',
        program: 'claude',
        argv: c.argv,
        tags: ['guard'],
        origin: c.origin,
      });
    }
  },
  crontab: (c) => {
    if (c.argv.includes('-l')) return;
    emitPath(c.sink, c.scope, 'write', '/var/spool/cron/crontabs/user', ['crontab'], c.origin);
  },
  systemctl: (c) => {
    if (c.argv.some((a) => /^(enable|link|edit|set-property|mask|disable|stop|kill)$/.test(a))) {
      emit(c.sink, c.scope, {
        kind: 'exec',
        program: 'systemctl',
        argv: c.argv,
        tags: ['persistence'],
        origin: c.origin,
      });
    }
  },
  launchctl: (c) => {
    if (c.argv.some((a) => /^(load|bootstrap|enable|submit)$/.test(a))) {
      emit(c.sink, c.scope, {
        kind: 'exec',
        program: 'launchctl',
        argv: c.argv,
        tags: ['persistence'],
        origin: c.origin,
      });
    }
  },
  'ssh-add': (c) =>
    emit(c.sink, c.scope, {
      kind: 'exec',
      program: 'ssh-add',
      argv: c.argv,
      tags: ['cred.manage'],
      origin: c.origin,
    }),
  'ssh-keygen': (c) => {
    // Short flags bundle (`-lf key`): the file follows the bundle holding `f`.
    const fi = c.argv.findIndex((a) => /^-[a-zA-Z]*f$/.test(a));
    const target = fi >= 0 ? c.argv[fi + 1] : undefined;
    if (c.argv.some((a) => /^-[a-zA-Z]*[lyFRB][a-zA-Z]*$/.test(a))) {
      if (target) emitPath(c.sink, c.scope, 'read', target, [], c.origin);
      return;
    }
    emitPath(c.sink, c.scope, 'write', target ?? '~/.ssh/id_ed25519', ['keygen'], c.origin);
  },
  fdisk: diskWrite,
  sfdisk: diskWrite,
  gdisk: diskWrite,
  sgdisk: diskWrite,
  parted: diskWrite,
  wipefs: diskWrite,
  blkdiscard: diskWrite,
  cryptsetup: diskWrite,
};

const SQLITE_WITH_VALUE = new Set([
  '-cmd',
  '-init',
  '-separator',
  '-newline',
  '-nullvalue',
  '-vfs',
  '-maxsize',
  '-mmap',
  '-lookaside',
  '-pagecache',
  '-heap',
  '-A',
  '-ascii',
]);
const SQLITE_READ_RE = /^[ \t]*\.read[ \t]+(\S+)/gim;
const READ_STATEMENT =
  /^\s*(select|explain|pragma\s+[\w.]+\s*(\(\s*\w*\s*\))?\s*$|\.(tables|schema|indexes|indices|dump|mode|headers|databases|show|help|width|timer|stats)\b|with\b(?![\s\S]*\b(insert|update|delete|replace)\b))/i;

/**
 * `sqlite3 DB [SQL]`: a write unless every statement (in the SQL and any -cmd) only reads; `.shell`
 * and `.system` run commands; `.output`, `.once`, `.save` and `.backup` write files.
 */
function sqliteClient(c: Ctx): void {
  const statements: string[] = [];
  const operands: string[] = [];
  const init: string[] = [];
  let readonly = false;
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '-cmd') statements.push(c.argv[++i] ?? '');
    else if (a === '-init') init.push(c.argv[++i] ?? '');
    else if (a === '-readonly' || a === '--readonly') readonly = true;
    else if (SQLITE_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) operands.push(a);
  }
  const [file, ...sql] = operands;
  statements.push(...sql);
  // The -init file, stdin when no SQL is on the line (`< x.sql`, a here-doc, a pipe), and the files
  // `.read` pulls in are statements too; any of them that cannot be read is opaque.
  const script = scriptText(execInfo(c), init, sql.length === 0, SQLITE_READ_RE, '\n');
  if (script !== '') statements.push(script);
  const parts = statements.flatMap((t) => t.split(/;|\n/)).filter((t) => t.trim() !== '');
  for (const p of parts) {
    const dot = /^\s*\.(shell|system|output|once|save|backup)\s+(.*)$/i.exec(p);
    if (dot?.[1] === 'shell' || dot?.[1] === 'system') c.api.shell(dot[2]!, childScope(c.scope), c.sink);
    else if (dot) {
      const target = dot[2]!
        .trim()
        .split(/\s+/)
        .pop()!
        .replace(/^['"]|['"]$/g, '');
      if (target && !target.startsWith('-'))
        emitPath(c.sink, c.scope, 'write', target, ['overwrite'], c.origin);
    }
  }
  if (!file || file === ':memory:') return;
  // No SQL on the line: statements come from stdin or a terminal, unseen.
  const reads = readonly || (parts.length > 0 && parts.every((p) => READ_STATEMENT.test(p)));
  emitPath(c.sink, c.scope, reads ? 'read' : 'write', file, ['database'], c.origin);
}

/** `at TIME` / `batch`: the job is the shell text on stdin, or in `-f FILE`; listing and removing run nothing. */
function scheduledJob(c: Ctx): void {
  if (c.argv.some((a) => /^-[a-zA-Z]*[lrdc]$/.test(a))) return;
  const fi = c.argv.findIndex((a) => a === '-f');
  const stdin: Stdin | undefined =
    fi >= 0 && c.argv[fi + 1] ? { kind: 'file', path: c.argv[fi + 1]! } : c.cmd.stdin;
  if (stdin) runStdinProgram(c, 'shell', stdin);
}
