// Code fed to a program on standard input (issue 12, class 1): a here-string, a here-doc, a pipe,
// `< file`, a process substitution or `. /dev/stdin`. The text that reaches a shell, an interpreter,
// a database client or a remote shell is judged as its arguments would be; text nobody can know (a
// download, a variable, a file that cannot be read) is opaque code, at least tier 3.
import { own } from '../own.ts';
import { resolvePath } from '../paths.ts';
import type { CodeLang } from './code.ts';
import type { Ctx } from './commands.ts';
import type { ExecInfo } from './recognize/index.ts';
import { childScope, emitOpaque, type Scope } from './sink.ts';

/** What a command reads on stdin, as far as the shell line shows it. */
export type Stdin =
  /** Literal text. `dynamic`: parts of it (unquoted here-doc expansions, `echo "$X"`) are only known at run time; they are left as written. */
  | { kind: 'text'; text: string; dynamic?: boolean }
  | { kind: 'file'; path: string }
  | { kind: 'network'; what: string }
  | { kind: 'decoded'; what: string }
  | { kind: 'unknown'; what: string };

/** Paths that name the process's own stdin: `bash /dev/stdin`, `. /dev/stdin`, `python3 /dev/fd/0`. */
export const STDIN_PATHS: ReadonlySet<string> = new Set(['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** The program text reaching a shell (`shell`) or an interpreter on stdin, judged like `-c` text. */
export function runStdinProgram(
  c: Ctx,
  lang: CodeLang | 'shell',
  stdin: Stdin,
  scope: Scope = c.scope,
): void {
  switch (stdin.kind) {
    case 'text':
      if (stdin.dynamic)
        emitOpaque(
          c.sink,
          scope,
          'runs code with parts only known at run time',
          ['dynamic-command'],
          c.origin,
        );
      if (lang === 'shell') c.api.shell(stdin.text, childScope(scope), c.sink);
      else c.api.code(lang, stdin.text, childScope(scope), c.sink);
      return;
    case 'file': {
      const path = resolvePath(stdin.path, c.scope.cwd, c.sink.ctx.home);
      if (
        STDIN_PATHS.has(stdin.path) ||
        !c.api.script(path, scope, c.sink, lang === 'shell' ? undefined : lang)
      )
        emitOpaque(c.sink, scope, `runs ${stdin.path}, which could not be read`, ['unread-script'], c.origin);
      return;
    }
    case 'network':
      emitOpaque(c.sink, scope, `runs code downloaded by ${stdin.what}`, ['rce'], c.origin);
      return;
    case 'decoded':
      emitOpaque(c.sink, scope, `runs code decoded by ${stdin.what}`, ['rce', 'obfuscated'], c.origin);
      return;
    case 'unknown':
      emitOpaque(c.sink, scope, `runs code produced by ${stdin.what}`, ['dynamic-command'], c.origin);
  }
}

/**
 * A remote or container command with the caller's stdin (`ssh host <<EOF`, `ssh host 'bash -s' <
 * x.sh`, `echo 'rm -rf /' | ssh host bash`, `docker exec -i c sh < x.sh`). With no command, the login
 * shell reads stdin as its program; otherwise the command is judged with that stdin, as if it ran
 * here. `c` is the local command (its scope is where files on the line are found); `scope` is the one
 * the remote command is judged in. Exported for the ssh and container handlers.
 */
export function judgeRemote(c: Ctx, remote: string, scope: Scope): void {
  const raw = c.cmd.stdin;
  const stdin: Stdin | undefined =
    raw?.kind === 'file' && !STDIN_PATHS.has(raw.path)
      ? { kind: 'file', path: resolvePath(raw.path, c.scope.cwd, c.sink.ctx.home) }
      : raw;
  if (remote.trim() === '') {
    if (stdin) runStdinProgram(c, 'shell', stdin, scope);
    return;
  }
  if (!stdin) c.api.shell(remote, scope, c.sink);
  else if (c.api.shellWith) c.api.shellWith(remote, stdin, scope, c.sink);
  else {
    c.api.shell(remote, scope, c.sink);
    runStdinProgram(c, 'shell', stdin, scope);
  }
}

/**
 * What a recognizer needs beyond argv: the environment, stdin, a reader for the script files the
 * client is told to run (`psql -f`, `mongosh x.js`, `redis-cli --eval`), and where to report program
 * text nobody can see (opaque, tier 3).
 */
export function execInfo(c: Ctx): ExecInfo {
  return {
    // Variables set earlier on the line (`export RAILS_ENV=production && rails db:drop`) count too.
    env: c.scope.vars.size === 0 ? c.cmd.env : new Map([...c.scope.vars, ...c.cmd.env]),
    stdin: c.cmd.stdin,
    read: (p) =>
      STDIN_PATHS.has(p) ? undefined : c.sink.ctx.readScript?.(resolvePath(p, c.scope.cwd, c.sink.ctx.home)),
    unseen: (what) => emitOpaque(c.sink, c.scope, `${c.program} runs ${what}`, ['unread-script'], c.origin),
    dynamicWords: new Set(c.cmd.args.filter((w) => w.dynamic).map((w) => w.value)),
  };
}

// ---- what echo and printf write --------------------------------------------------------------------

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  e: '\x1b',
  E: '\x1b',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

/**
 * Backslash escapes as printf's format and `echo -e` read them (`\n`, `\t`, `\\`, octal, `\xHH`).
 * `echo` takes octal as `\0NNN`; printf as `\NNN`. `\c` ends the output.
 */
export function decodeEscapes(s: string, echo = false): string {
  let out = '';
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const ch = s[i]!;
    if (ch !== '\\' || i + 1 >= n) {
      out += ch;
      continue;
    }
    const next = s[i + 1]!;
    if (next === 'c') return out;
    const oct = echo ? /^0[0-7]{0,3}/.exec(s.slice(i + 1, i + 5)) : /^[0-7]{1,3}/.exec(s.slice(i + 1, i + 4));
    if (oct) {
      out += String.fromCharCode(Number.parseInt(oct[0], 8) & 255);
      i += oct[0].length;
      continue;
    }
    const hex = next === 'x' ? /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2, i + 4)) : null;
    if (hex) {
      out += String.fromCharCode(Number.parseInt(hex[0], 16));
      i += 1 + hex[0].length;
      continue;
    }
    const e = ESCAPES[next];
    if (e !== undefined) {
      out += e;
      i++;
    } else out += ch;
  }
  return out;
}

/**
 * What `echo ARGS` writes. bash's echo leaves backslashes alone unless `-e`; zsh's and dash's (and
 * bash's as macOS `sh`) decode them. When the two readings differ both are returned, one after the
 * other, so whatever runs the text is judged for either.
 */
export function echoOutput(args: readonly string[]): string {
  let i = 0;
  let escapes = false;
  let raw = false;
  for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
    if (args[i]!.includes('e')) escapes = true;
    if (args[i]!.includes('E')) raw = true;
  }
  const text = args.slice(i).join(' ');
  if (escapes && !raw) return decodeEscapes(text, true);
  const decoded = decodeEscapes(text, true);
  return decoded === text ? text : `${text}\n${decoded}`;
}

const PRINTF_TOKEN = /%%|%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[a-zA-Z]|[^%]+|%/g;

/** What `printf FORMAT ARGS...` writes: the format is reused while arguments remain, as printf does. */
export function printfOutput(args: readonly string[]): string {
  let [format, ...rest] = args;
  if (format === '--') [format, ...rest] = rest;
  if (format === undefined) return '';
  if (format === '-v') return ''; // printf -v VAR: writes a variable, not stdout
  let out = '';
  let k = 0;
  for (let round = 0; round < 64; round++) {
    let used = false;
    PRINTF_TOKEN.lastIndex = 0;
    for (let m = PRINTF_TOKEN.exec(format); m !== null; m = PRINTF_TOKEN.exec(format)) {
      const t = m[0];
      if (t === '%%') out += '%';
      else if (t.length > 1 && t.startsWith('%')) {
        const arg = rest[k++] ?? '';
        used = true;
        out += t.endsWith('b') ? decodeEscapes(arg, true) : arg;
      } else out += decodeEscapes(t);
    }
    if (!used || k >= rest.length) break;
  }
  return out;
}

// ---- programs whose output is shell setup code ----------------------------------------------------

/** `pyenv init -`, `direnv hook bash`, `brew shellenv`, `ssh-agent -s`: the tool prints its own setup code. */
const SETUP_VERBS: Record<string, RegExp> = {
  direnv: /^(hook|export)$/,
  pyenv: /^(init|virtualenv-init)$/,
  rbenv: /^init$/,
  nodenv: /^init$/,
  goenv: /^init$/,
  jenv: /^init$/,
  plenv: /^init$/,
  fnm: /^env$/,
  starship: /^init$/,
  zoxide: /^init$/,
  atuin: /^init$/,
  mise: /^(activate|env|hook-env)$/,
  rtx: /^(activate|env)$/,
  brew: /^shellenv$/,
  conda: /^shell\.\w+$/,
  opam: /^(env|config)$/,
  'ssh-agent': /^-[sc]$/,
  dircolors: /^(-[bc]|--bourne-shell|--c-shell)?$/,
  thefuck: /^--alias$/,
};

/**
 * A program that prints shell setup for itself: a `completion`/`completions` subcommand
 * (`kubectl completion bash`, `gh completion -s zsh`) or a known init hook. Sourcing or eval'ing
 * its output is as trusted as running the program, which is judged on its own.
 */
export function isShellSetup(name: string, args: readonly string[]): boolean {
  if (name.includes('/') || name.includes('$')) return false;
  const words = args.filter((a) => !a.startsWith('-'));
  if (words.length <= 3 && words.slice(0, 2).some((w) => w === 'completion' || w === 'completions'))
    return true;
  const verb = own(SETUP_VERBS, name);
  return verb !== undefined && verb.test(args[0] ?? '');
}
