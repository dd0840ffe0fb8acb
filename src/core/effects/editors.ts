// Text editors run without a terminal (`vim -es -c ... file`, `ex`, `ed`, `emacs --batch`): each file
// they open may be written, and their own commands may run a shell (`:!cmd`, `r !cmd`, `system()`).
import type { Ctx, Handler } from './commands.ts';
import { childScope, emitPath } from './sink.ts';

const VIM_WITH_VALUE = new Set([
  '-c',
  '--cmd',
  '-S',
  '-u',
  '-U',
  '-i',
  '-T',
  '-s',
  '-w',
  '-W',
  '-t',
  '-q',
  '--servername',
]);
const EMACS_WITH_VALUE = new Set([
  '-l',
  '--load',
  '--eval',
  '-f',
  '--funcall',
  '-L',
  '--directory',
  '--chdir',
  '--script',
  '-t',
  '--terminal',
]);

/** `:!cmd`, `silent !cmd`, `r !cmd`, `w !cmd`, `call system("cmd")`: the shell command in an ex command. */
export function exShell(command: string): string | undefined {
  const bang = /^\s*:*\s*(?:sil(?:ent)?!?\s+)?(?:r(?:ead)?\s*|w(?:rite)?\s*|\d*,?\d*\s*)?!(.+)$/.exec(
    command,
  );
  if (bang) return bang[1]!.trim();
  const call = /\bsystem(?:list)?\s*\(\s*(['"])(.*?)\1/.exec(command);
  return call?.[2];
}

function runEx(c: Ctx, command: string): void {
  for (const part of [command, ...command.split('|')]) {
    const sh = exShell(part);
    if (sh) c.api.shell(sh, childScope(c.scope), c.sink);
  }
}

/** Script lines fed on stdin; `printf 'a\\nb'` reaches us with the escape still in it. */
function stdinLines(c: Ctx): string[] {
  return c.cmd.stdin?.kind === 'text' ? c.cmd.stdin.text.split(/\n|\\n/) : [];
}

const vim: Handler = (c) => {
  let readOnly = c.program === 'view' || c.program === 'rview';
  const files: string[] = [];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    // `-sc CMD`: a bundle ending in c takes the command.
    if (a === '-c' || a === '--cmd' || /^-[a-zA-Z]+c$/.test(a)) runEx(c, c.argv[++i] ?? '');
    else if (VIM_WITH_VALUE.has(a)) i++;
    else if (a === '-R' || a === '-M') readOnly = true;
    else if (a.startsWith('+')) runEx(c, a.slice(1));
    else if (a === '--') files.push(...c.argv.slice(i + 1));
    else if (!a.startsWith('-')) files.push(a);
    if (a === '--') break;
  }
  // Commands piped in (`ex file <<EOF`, `vim -es file < cmds`) run like -c ones.
  if (c.cmd.stdin?.kind === 'text') for (const line of c.cmd.stdin.text.split('\n')) runEx(c, line);
  for (const f of files)
    emitPath(c.sink, c.scope, readOnly ? 'read' : 'write', f, readOnly ? [] : ['edit'], c.origin);
};

const ed: Handler = (c) => {
  const files = c.argv.filter((a, i) => !a.startsWith('-') && c.argv[i - 1] !== '-p');
  for (const line of stdinLines(c)) runEx(c, line);
  for (const f of files) emitPath(c.sink, c.scope, 'write', f, ['edit'], c.origin);
};

const SHELL_FROM_ELISP =
  /\((?:shell-command|call-process-shell-command|start-process-shell-command)\s+"((?:[^"\\]|\\.)*)"/g;

const emacs: Handler = (c) => {
  const files: string[] = [];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '--eval') {
      for (const m of (c.argv[i + 1] ?? '').matchAll(SHELL_FROM_ELISP))
        c.api.shell(m[1]!.replace(/\\(.)/g, '$1'), childScope(c.scope), c.sink);
    }
    if (EMACS_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-') && !a.startsWith('+')) files.push(a);
  }
  for (const f of files) emitPath(c.sink, c.scope, 'write', f, ['edit'], c.origin);
};

/** Terminal editors with no batch mode: every file named may be saved. */
const plain: Handler = (c) => {
  for (const f of c.argv.filter((a) => !a.startsWith('-') && !a.startsWith('+')))
    emitPath(c.sink, c.scope, 'write', f, ['edit'], c.origin);
};

export const EDITOR_COMMANDS: Record<string, Handler> = {
  vim,
  vi: vim,
  nvim: vim,
  ex: vim,
  view: vim,
  rview: vim,
  rvim: vim,
  gvim: vim,
  vimdiff: vim,
  ed,
  red: ed,
  emacs,
  nano: plain,
  pico: plain,
  micro: plain,
  joe: plain,
  jed: plain,
  mcedit: plain,
  kak: plain,
  hx: plain,
  helix: plain,
  mg: plain,
  ne: plain,
};
