// Shell indirection: aliases, functions, positional parameters, arrays and the builtins that set
// variables (`printf -v`, `read`). What a command turns into through them is judged as that command;
// what cannot be known statically stays a run-time value, and a program name nobody can resolve is
// opaque (analyze.ts and commands.ts emit that).
import type { Api, Command } from '../effects/commands.ts';
import { childScope, emitOpaque, originOf, type Scope, type Sink } from '../effects/sink.ts';
import type { ShellNode } from '../types.ts';
import { ARRAY_SEP, arrayKey, printfFormat, type WordValue } from './words.ts';

/** Aliases live in the variable map under a key no shell variable can have. */
export function aliasKey(name: string): string {
  return `alias:${name}`;
}

/** An alias name as bash accepts one at the start of a command: unquoted, no expansion. */
const ALIAS_NAME = /^[A-Za-z0-9_.:@%+,!^-]+$/;

/** The positional parameters `$1`..., `$#`, `$@` and `$*`; unset ones up to `$9` become empty. */
export function setPositional(vars: Map<string, string | null>, words: WordValue[]): void {
  const known = words.every((w) => !w.dynamic);
  const n = Math.max(words.length, 9);
  for (let i = 0; i < n; i++) {
    const w = words[i];
    vars.set(String(i + 1), w ? (w.dynamic ? null : w.value) : '');
  }
  vars.set('#', String(words.length));
  vars.set(arrayKey('@'), known ? words.map((w) => w.value).join(ARRAY_SEP) : null);
  vars.set('@', known ? words.map((w) => w.value).join(' ') : null);
  vars.set('*', known ? words.map((w) => w.value).join(' ') : null);
}

/** A variable (or array) whose value only the running shell knows. */
function unknown(scope: Scope, name: string, array = false): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return;
  scope.vars.set(name, null);
  if (array) scope.vars.set(arrayKey(name), null);
  else scope.vars.delete(arrayKey(name));
}

const READ_WITH_VALUE = new Set(['-d', '-i', '-n', '-N', '-p', '-t', '-u']);

/**
 * Builtins that change what later words mean: `alias`/`unalias`, `set -- WORDS`, `printf -v NAME`,
 * `read NAMES`, `mapfile`/`readarray NAME`, `shift`. Called with the words after field splitting.
 */
export function shellBuiltin(name: string, args: WordValue[], scope: Scope): void {
  const argv = args.map((a) => a.value);
  switch (name) {
    case 'alias':
      for (const a of args) {
        const eq = a.value.indexOf('=');
        if (eq <= 0) continue;
        const n = a.value.slice(0, eq);
        if (ALIAS_NAME.test(n)) scope.vars.set(aliasKey(n), a.dynamic ? null : a.value.slice(eq + 1));
      }
      return;
    case 'unalias':
      if (argv.includes('-a')) {
        for (const k of [...scope.vars.keys()]) if (k.startsWith('alias:')) scope.vars.delete(k);
      } else for (const a of argv) scope.vars.delete(aliasKey(a));
      return;
    case 'set': {
      const dd = argv.indexOf('--');
      const from = dd >= 0 ? dd + 1 : argv.findIndex((a) => !/^[-+]/.test(a));
      if (from < 0 || (dd < 0 && argv.slice(0, from).some((a) => /^[-+][a-z]*o$/.test(a)))) return;
      const words = args.slice(from);
      scope.positional = words;
      setPositional(scope.vars, words);
      return;
    }
    case 'shift': {
      const n = Number(argv[0] ?? '1');
      if (!scope.positional || !Number.isInteger(n)) return;
      scope.positional = scope.positional.slice(n);
      setPositional(scope.vars, scope.positional);
      return;
    }
    case 'printf': {
      if (argv[0] !== '-v' || !argv[1]) return;
      const rest = args.slice(2);
      if (rest[0]?.value === '--') rest.shift();
      const known = rest.length > 0 && rest.every((a) => !a.dynamic);
      const value = known
        ? printfFormat(
            rest[0]!.value,
            rest.slice(1).map((a) => a.value),
          )
        : undefined;
      const target = argv[1].replace(/\[.*$/, '');
      if (value === undefined) unknown(scope, target);
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(target)) {
        scope.vars.set(target, value);
        scope.vars.delete(arrayKey(target));
      }
      return;
    }
    case 'read':
      for (let i = 0; i < argv.length; i++) {
        const a = argv[i]!;
        if (a === '-a') unknown(scope, argv[++i] ?? '', true);
        else if (READ_WITH_VALUE.has(a)) i++;
        else if (!a.startsWith('-')) unknown(scope, a);
      }
      if (!argv.some((a) => !a.startsWith('-'))) unknown(scope, 'REPLY');
      return;
    case 'mapfile':
    case 'readarray': {
      const names = argv.filter((a, i) => !a.startsWith('-') && !/^-[dnOstuC]$/.test(argv[i - 1] ?? ''));
      unknown(scope, names[names.length - 1] ?? 'MAPFILE', true);
      return;
    }
  }
}

/**
 * The text of a command whose first word is an alias, with the alias replaced by its body (bash's
 * rule: a body ending in a blank makes the next word an alias candidate too). Undefined when the
 * command does not start with an alias. `used` lists the aliases replaced, which bash does not
 * expand again inside their own expansion.
 */
export function aliasExpansion(
  node: ShellNode,
  scope: Scope,
): { text: string; used: string[]; unknown: boolean } | undefined {
  const nameNode = node.children.find((c) => c.field === 'name');
  if (!nameNode || !ALIAS_NAME.test(nameNode.text)) return undefined;
  const first = scope.vars.get(aliasKey(nameNode.text));
  if (first === undefined) return undefined;
  if (first === null) return { text: node.text, used: [nameNode.text], unknown: true };
  let from = 0;
  for (const c of node.children) {
    if (c === nameNode) break;
    const at = node.text.indexOf(c.text, from);
    if (at >= 0) from = at + c.text.length;
  }
  const at = node.text.indexOf(nameNode.text, from);
  if (at < 0) return undefined;
  const used = [nameNode.text];
  let body = first;
  let text = node.text.slice(0, at) + body;
  let tail = node.text.slice(at + nameNode.text.length);
  for (let k = 0; k < 8 && /[ \t]$/.test(body); k++) {
    const m = /^([ \t]*)([^\s;&|<>()'"\\$`]+)/.exec(tail);
    const next = m ? scope.vars.get(aliasKey(m[2]!)) : undefined;
    if (!m || next === undefined || next === null || used.includes(m[2]!)) break;
    used.push(m[2]!);
    body = next;
    text += m[1]! + body;
    tail = tail.slice(m[0].length);
  }
  return { text: text + tail, used, unknown: false };
}

/** Run `f` with the given aliases hidden, as bash does inside their own expansion. */
export function withoutAliases(scope: Scope, names: string[], f: () => void): void {
  const saved = names.map((n) => [aliasKey(n), scope.vars.get(aliasKey(n))] as const);
  for (const [k] of saved) scope.vars.delete(k);
  try {
    f();
  } finally {
    for (const [k, v] of saved) if (v !== undefined) scope.vars.set(k, v);
  }
}

/** Version managers and agents whose `eval "$(tool init)"` output only sets up the environment. */
const ENV_SETUP =
  /^(?:\S*\/)?(?:(?:pyenv|rbenv|nodenv|goenv|jenv|plenv|phpenv|pyenv) (?:init|virtualenv-init)(?: -{0,2}[\w-]*)*|direnv (?:export|hook) \w+|brew shellenv(?: \w+)?|conda shell\.\w+ hook|(?:fnm|opam) env(?: --?[\w-]+(?:=\S+)?)*|(?:zoxide|starship|mise|rtx|atuin|mcfly|oh-my-posh) (?:init|activate)(?: [\w-]+)*|ssh-agent(?: -[sc])?|luarocks path(?: --[\w-]+)*|dircolors(?: -[bc])?(?: \S+)?|(?:kubectl|helm|gh|npm|pip|rustup|poetry|minikube|kind) completion(?: [\w-]+)*|minikube(?: -p \S+)? docker-env)$/;

/**
 * `eval "$(pyenv init -)"`: every word is one command substitution of a known environment-setup
 * command, whose output is shell setup, not a command the agent chose.
 */
export function isEnvSetupEval(args: WordValue[]): boolean {
  if (args.length === 0) return false;
  return args.every((a) => {
    if (a.substitutions.length !== 1) return false;
    const sub = a.substitutions[0]!;
    if (sub.type !== 'command_substitution') return false;
    const inner = sub.text
      .replace(/^\$\(|\)$/g, '')
      .replace(/^`|`$/g, '')
      .trim()
      .replace(/\s+/g, ' ');
    return ENV_SETUP.test(inner) && a.value.replace(sub.text, '').replace(/["']/g, '').trim() === '';
  });
}

/** Call-stack entries: a function already running with the same words is not expanded again. */
function callKey(name: string): string {
  return `call:${name}`;
}

/**
 * A shell function called with `cmd`'s words: its body runs with them as `$1`..., `$@`. Recursion
 * with the same words adds nothing and stops; other recursion is bounded by the depth limit.
 */
export function callFunction(
  name: string,
  body: ShellNode,
  cmd: Command,
  scope: Scope,
  sink: Sink,
  api: Api,
): void {
  const signature = JSON.stringify(cmd.args.map((a) => a.value));
  const active = scope.vars.get(callKey(name));
  if (active?.split(ARRAY_SEP).includes(signature)) {
    // The same call again. Under a condition (`[ "$1" -gt 0 ] && f ...`) it adds nothing; as a plain
    // statement of the body it never ends (`loop() { loop; }`): the shell runs until it dies.
    if (callsItselfAlways(name, body))
      emitOpaque(
        sink,
        scope,
        `function ${name} calls itself without end`,
        ['recursion'],
        originOf('bash', body.text),
      );
    return;
  }
  const child = childScope(scope, { positional: cmd.args });
  child.vars.set(callKey(name), active ? `${active}${ARRAY_SEP}${signature}` : signature);
  setPositional(child.vars, cmd.args);
  api.shell(body.text, child, sink);
}

/** A statement of the body itself (not under `&&`, `||`, `if` or a loop) that calls `name`. */
function callsItselfAlways(name: string, body: ShellNode): boolean {
  return body.children.some((c) => {
    const cmd = c.type === 'redirected_statement' ? c.children.find((x) => x.field === 'body') : c;
    const stages = cmd?.type === 'pipeline' ? cmd.children : cmd ? [cmd] : [];
    return stages.some(
      (st) => st.type === 'command' && st.children.find((x) => x.field === 'name')?.text === name,
    );
  });
}

/**
 * `{rm,-rf,~}`: tree-sitter reads a brace expansion in command position as a broken brace group (an
 * ERROR holding `{` and a command name ending in `}`). True for that shape, which bash runs as the
 * words the braces expand to.
 */
export function isBraceCommandError(n: ShellNode): boolean {
  const [open, name] = n.children;
  return (
    n.type === 'ERROR' &&
    open?.type === '{' &&
    name?.type === 'command_name' &&
    /^[^\s{}'"`$\\;&|<>()]*,[^\s{}'"`$\\;&|<>()]*\}$/.test(name.text)
  );
}

/** The ERROR's parts with `{` and the name joined back into one command name. */
export function braceCommandParts(n: ShellNode): ShellNode[] {
  const [open, name, ...rest] = n.children;
  const text = `${open!.text}${name!.text}`;
  return [
    {
      type: 'command_name',
      text,
      field: 'name',
      children: [{ type: 'word', text, children: [] }],
    },
    ...rest,
  ];
}
