// Walks a shell syntax tree and reports what it would do. Commands are handed to the command table;
// this file only knows shell structure: lists, pipelines, redirections, heredocs, substitutions.
import { analyzeCode, type CodeLang } from '../effects/code.ts';
import { type Api, type Command, handleCommand, type Stdin } from '../effects/commands.ts';
import { findTargets, registerExclusions } from '../effects/find.ts';
import { downloadedOnLine } from '../effects/net.ts';
import { judgeRunnable, languageOf } from '../effects/runnable.ts';
import {
  childScope,
  emitOpaque,
  emitPath,
  MAX_DEPTH,
  MAX_SHELL_SOURCE,
  originOf,
  type Scope,
  type Sink,
} from '../effects/sink.ts';
import { echoOutput, isShellSetup, printfOutput } from '../effects/stdin.ts';
import { resolvePath } from '../paths.ts';
import type { ShellNode } from '../types.ts';
import {
  aliasExpansion,
  braceCommandParts,
  isBraceCommandError,
  isEnvSetupEval,
  shellBuiltin,
  withoutAliases,
} from './indirection.ts';
import {
  ARRAY_SEP,
  arrayKey,
  evalWord,
  expandBraces,
  HIDDEN_SUBSTITUTION,
  hiddenSubstitutions,
  splitFields,
  UNBALANCED_SUBSTITUTION,
  type WordValue,
} from './words.ts';

export function analyzeShell(text: string, scope: Scope, sink: Sink): void {
  // A command reaches bash as a C string, which ends at the first NUL: that prefix is what would run.
  // (tree-sitter also spends minutes on long runs of NUL bytes.)
  const nul = text.indexOf('\u0000');
  const source = nul < 0 ? text : text.slice(0, nul);
  if (nul >= 0) emitOpaque(sink, scope, 'shell text with a NUL byte', ['unparsed'], originOf('shell', text));
  if (scope.depth > MAX_DEPTH) {
    emitOpaque(
      sink,
      scope,
      `shell nested more than ${MAX_DEPTH} levels deep`,
      ['too-deep'],
      originOf('shell', source),
    );
    return;
  }
  if (source.length > MAX_SHELL_SOURCE) {
    emitOpaque(
      sink,
      scope,
      `shell text longer than ${MAX_SHELL_SOURCE} bytes`,
      ['too-large'],
      originOf('shell', source),
    );
    return;
  }
  let tree: ShellNode;
  try {
    tree = sink.ctx.parseShell(source);
  } catch (err) {
    emitOpaque(
      sink,
      scope,
      `shell text could not be parsed: ${(err as Error).message}`,
      ['unparsed'],
      originOf('shell', source),
    );
    return;
  }
  const error = firstError(tree);
  if (error) {
    // tree-sitter gave up on part of the text. Bash may read it differently (or run it anyway): what
    // could be recovered is still judged below, and the gap itself is never auto-approved.
    emitOpaque(
      sink,
      scope,
      'shell text that could not be fully parsed',
      ['unparsed'],
      originOf('shell', error.text || source),
    );
  }
  visit(tree, scope, sink, undefined);
}

/** The first parse error in a tree (an ERROR region, or a MISSING token tree-sitter had to assume). */
function firstError(tree: ShellNode): ShellNode | undefined {
  const stack = [tree];
  for (let n = stack.pop(); n; n = stack.pop()) {
    // `{rm,-rf,~}` (a brace expansion as the command) is read in full by visitError.
    if ((n.type === 'ERROR' && !isBraceCommandError(n)) || n.type === 'MISSING') return n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return undefined;
}

const api: Api = {
  shell: analyzeShell,
  code: (lang: CodeLang, code: string, scope: Scope, sink: Sink) => analyzeCode(lang, code, scope, sink, api),
  script: analyzeScript,
  shellWith: analyzeShellWith,
  output: substitutionOutput,
};

/**
 * Shell text whose commands read `stdin` (`ssh host 'cd /srv && bash -s' < x.sh`): every top-level
 * command gets it, since any of them may be the one that reads it. Text that cannot be parsed in full
 * is judged as usual (its parse error is opaque).
 */
function analyzeShellWith(text: string, stdin: Stdin, scope: Scope, sink: Sink): void {
  let tree: ShellNode | undefined;
  if (scope.depth <= MAX_DEPTH && text.length <= MAX_SHELL_SOURCE && !text.includes('\u0000')) {
    try {
      tree = sink.ctx.parseShell(text);
    } catch {
      tree = undefined;
    }
  }
  if (!tree || firstError(tree)) {
    analyzeShell(text, scope, sink);
    return;
  }
  const feed = (n: ShellNode): void => {
    if (n.type === 'program' || n.type === 'list') for (const c of n.children) feed(c);
    else if (n.children.length > 0) visit(n, scope, sink, stdin);
  };
  feed(tree);
}

/** Run a script file by path: shell scripts are parsed, other languages scanned for their effects. */
function analyzeScript(path: string, scope: Scope, sink: Sink, lang?: CodeLang): boolean {
  // Downloaded earlier on this line (`curl -o f URL && bash f`, `ruby < f`): remote code (net.ts).
  const by = downloadedOnLine(sink, path);
  if (by) {
    emitOpaque(sink, scope, `runs ${path}, which ${by.replace(/^\w+: /, '`')}\` downloaded`, ['rce'], by);
    return true;
  }
  const text = sink.ctx.readScript?.(path);
  if (text === undefined) return false;
  const child = childScope(scope);
  const kind = lang ?? languageOf(path, text) ?? 'shell';
  if (kind === 'shell') analyzeShell(text, child, sink);
  else analyzeCode(kind, text, child, sink, api, true);
  return true;
}

/** A function that starts itself more than once (`:(){ :|:& };:`, `f(){ f & f; }`): a fork bomb. */
function detectForkBomb(fn: ShellNode, scope: Scope, sink: Sink): void {
  const name = fn.children.find((c) => c.field === 'name')?.text;
  const body = fn.children.find((c) => c.field === 'body');
  if (!name || !body) return;
  let selfCalls = 0;
  const walk = (n: ShellNode) => {
    if (n.type === 'command') {
      const cmdName = n.children.find((c) => c.field === 'name');
      if (cmdName?.text === name) selfCalls++;
    }
    for (const c of n.children) walk(c);
  };
  walk(body);
  if (selfCalls >= 2) emitOpaque(sink, scope, 'fork bomb', ['forkbomb'], originOf('bash', fn.text));
}

const STATEMENT_CONTAINERS = new Set([
  'program',
  'list',
  'compound_statement',
  'subshell',
  'do_group',
  'if_statement',
  'elif_clause',
  'else_clause',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'case_item',
  'negated_command',
  'function_definition',
]);

function visit(node: ShellNode, scope: Scope, sink: Sink, stdin: Stdin | undefined): void {
  switch (node.type) {
    case 'command':
      visitCommand(node, scope, sink, stdin, []);
      return;
    case 'redirected_statement':
      visitRedirected(node, scope, sink, stdin);
      return;
    case 'pipeline':
      visitPipeline(node, scope, sink, stdin);
      return;
    case 'variable_assignment':
      assign(node, scope, sink);
      return;
    case 'declaration_command':
      for (const c of node.children) if (c.type === 'variable_assignment') assign(c, scope, sink);
      return;
    case 'subshell':
      for (const c of node.children) visit(c, childScope(scope, { depth: scope.depth }), sink, undefined);
      return;
    case 'command_substitution':
    case 'process_substitution':
      for (const c of node.children) visit(c, childScope(scope, { depth: scope.depth }), sink, undefined);
      return;
    case HIDDEN_SUBSTITUTION:
      // A substitution tree-sitter left as text inside `${...}`: judged like one it parsed.
      analyzeShell(node.text, childScope(scope), sink);
      return;
    case UNBALANCED_SUBSTITUTION:
      emitOpaque(
        sink,
        scope,
        'a command substitution inside a parameter expansion that could not be read',
        ['unparsed'],
        originOf('bash', node.text),
      );
      return;
    case 'ERROR':
      visitError(node, scope, sink);
      return;
    case 'heredoc_body':
    case 'comment':
      return;
    case 'function_definition': {
      // A definition runs nothing; its body is judged where it is called, with the call's arguments.
      detectForkBomb(node, scope, sink);
      const name = node.children.find((c) => c.field === 'name')?.text;
      const body = node.children.find((c) => c.field === 'body');
      if (name && body) {
        scope.functions ??= new Map();
        scope.functions.set(name, body);
      }
      return;
    }
    default:
      if (node.type === 'expansion')
        for (const h of hiddenSubstitutions(node)) visit(h, scope, sink, undefined);
      if (STATEMENT_CONTAINERS.has(node.type) || node.children.length > 0) {
        const kids = node.children;
        const breaks = kids.some((k) => k.type === 'ERROR') ? lineBreaksBefore(node) : undefined;
        for (let i = 0; i < kids.length; i++) {
          const c = kids[i]!;
          if (node.type === 'for_statement' && c.field === 'value') {
            substitutionsIn(c, scope, sink);
            continue;
          }
          const next = kids[i + 1];
          if (
            next?.type === 'ERROR' &&
            (c.type === 'command' || c.type === 'redirected_statement') &&
            breaks?.[i + 1] === false
          ) {
            // `rm -rf / }l((`: tree-sitter ends the command at `rm` and leaves `-rf /` in the ERROR,
            // on the same line: they are one command.
            visitError(
              { ...next, text: `${c.text} ${next.text}`, children: [c, ...next.children] },
              scope,
              sink,
            );
            i++;
            continue;
          }
          visit(c, scope, sink, undefined);
        }
      }
  }
}

/**
 * For each child after the first: is there a line break between it and the child before? Nodes carry
 * no offsets, so the children are found in the parent's text in order; undefined where one is not found.
 */
function lineBreaksBefore(parent: ShellNode): (boolean | undefined)[] {
  const out: (boolean | undefined)[] = [];
  let from = 0;
  let end: number | undefined;
  for (const c of parent.children) {
    const at = parent.text.indexOf(c.text, from);
    out.push(at < 0 || end === undefined ? undefined : parent.text.slice(end, at).includes('\n'));
    end = at < 0 ? undefined : at + c.text.length;
    if (end !== undefined) from = end;
  }
  return out;
}

/** What tree-sitter leaves of a command it could not fit into the grammar: its words and redirections. */
const LOOSE_WORDS = new Set([
  'word',
  'string',
  'raw_string',
  'ansi_c_string',
  'translated_string',
  'concatenation',
  'simple_expansion',
  'expansion',
  'command_substitution',
  'process_substitution',
  'arithmetic_expansion',
  'number',
  'brace_expression',
]);
const REDIRECTS = new Set(['file_redirect', 'herestring_redirect', 'heredoc_redirect']);
const LOOSE_PARTS = new Set([...LOOSE_WORDS, ...REDIRECTS, 'command_name', 'variable_assignment']);
const REDIRECT_OPS = new Set(['>', '>>', '<', '&>', '&>>', '>&', '<&', '>|', '<>']);
const HEREDOC_PARTS = new Set(['heredoc_start', 'heredoc_body', 'heredoc_end']);

/**
 * A region tree-sitter could not parse (`rm -rf / `<(x<<EOF`). Bash may still run what is in it, so
 * it is judged as the commands it most plausibly holds: whole statements inside are visited as usual;
 * loose words (tree-sitter leaves `rm -rf /` as bare `command_name` and `word` tokens when it gives up
 * on a line) are put back together as commands, or appended to the command just before them; a loose
 * heredoc feeds the command before it. The parse error itself is an opaque effect (see analyzeShell).
 */
function visitError(node: ShellNode, scope: Scope, sink: Sink): void {
  const parts = isBraceCommandError(node) ? braceCommandParts(node) : node.children;
  // The statement just before, kept back so that loose parts right after it can join it.
  let stmt: ShellNode | undefined;
  let loose: ShellNode[] = [];
  const flush = () => {
    const s = joined(stmt, loose);
    if (s) visit(s, scope, sink, undefined);
    stmt = undefined;
    loose = [];
  };
  for (let i = 0; i < parts.length; i++) {
    const c = parts[i]!;
    if (c.type === '<<' || c.type === '<<-') {
      const tokens = [c];
      while (i + 1 < parts.length && HEREDOC_PARTS.has(parts[i + 1]!.type)) tokens.push(parts[++i]!);
      const heredoc: ShellNode = {
        type: 'heredoc_redirect',
        text: heredocRedirectText(tokens),
        children: tokens,
      };
      if (stmt || loose.length > 0) {
        loose.push(heredoc);
        continue;
      }
      // A heredoc for no command: only its substitutions run.
      const body = tokens.find((t) => t.type === 'heredoc_body');
      if (body && !/<<-?\s*(['"]|\\)/.test(heredoc.text)) substitutionsIn(body, scope, sink);
      continue;
    }
    const target = parts[i + 1];
    if (REDIRECT_OPS.has(c.type) && target && LOOSE_WORDS.has(target.type)) {
      // `> f` left as two tokens: the redirection it was.
      loose.push({
        type: 'file_redirect',
        text: `${c.text}${target.text}`,
        children: [c, { ...target, field: 'destination' }],
      });
      i++;
      continue;
    }
    if (LOOSE_PARTS.has(c.type)) {
      // `command_name` is where tree-sitter saw a command start; other parts extend the one before.
      if (c.type === 'command_name') flush();
      loose.push(c);
      continue;
    }
    flush();
    if (c.type === 'command' || c.type === 'redirected_statement') stmt = c;
    else visit(c, scope, sink, undefined);
  }
  flush();
}

function heredocRedirectText(tokens: ShellNode[]): string {
  const start = tokens
    .filter((t) => t.type !== 'heredoc_body' && t.type !== 'heredoc_end')
    .map((t) => t.text);
  const rest = tokens.filter((t) => t.type === 'heredoc_body' || t.type === 'heredoc_end').map((t) => t.text);
  return [start.join(''), ...rest].join('\n');
}

/** A statement with loose words and redirections added (a new command when there is no statement). */
function joined(stmt: ShellNode | undefined, parts: ShellNode[]): ShellNode | undefined {
  if (parts.length === 0) return stmt;
  if (stmt?.type === 'redirected_statement') {
    const body = stmt.children.find((c) => c.field === 'body');
    const words = parts.filter((p) => !REDIRECTS.has(p.type));
    const redirects = parts.filter((p) => REDIRECTS.has(p.type)).map((p) => ({ ...p, field: 'redirect' }));
    const children = [...stmt.children, ...redirects];
    const text = joinText(stmt.text, parts);
    if (body?.type === 'command' && words.length > 0) children[children.indexOf(body)] = joined(body, words)!;
    else if (words.length > 0)
      // `{ ls; } >f x`: the words cannot join a compound statement; they are a command of their own.
      return { type: 'program', text, children: [{ ...stmt, children }, joined(undefined, words)!] };
    return { ...stmt, text, children };
  }
  const base = stmt ?? { type: 'command', text: '', children: [] };
  const children = [...base.children];
  let hasName = children.some((c) => c.field === 'name');
  for (const p of parts) {
    if (REDIRECTS.has(p.type)) children.push({ ...p, field: 'redirect' });
    else if (p.type === 'variable_assignment' && !hasName) children.push(p);
    else if (!hasName) {
      hasName = true;
      children.push(
        p.type === 'command_name'
          ? { ...p, field: 'name' }
          : { type: 'command_name', text: p.text, field: 'name', children: [p] },
      );
    }
    // After the name an assignment is just a word (`env FOO=1`): its parts are read as one.
    else children.push({ type: 'concatenation', text: p.text, field: 'argument', children: [p] });
  }
  return { ...base, text: joinText(base.text, parts), children };
}

function joinText(text: string, parts: ShellNode[]): string {
  return [text, ...parts.map((p) => p.text)].filter((t) => t !== '').join(' ');
}

/** Run the substitutions inside a node that is otherwise data (a `for` list, a test expression). */
function substitutionsIn(node: ShellNode, scope: Scope, sink: Sink): void {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') {
    visit(node, scope, sink, undefined);
    return;
  }
  if (node.type === 'expansion') for (const h of hiddenSubstitutions(node)) visit(h, scope, sink, undefined);
  for (const c of node.children) substitutionsIn(c, scope, sink);
}

function assign(node: ShellNode, scope: Scope, sink: Sink): void {
  const name = node.children.find((c) => c.field === 'name')?.text;
  const valueNode = node.children.find((c) => c.field === 'value');
  if (!name) return;
  if (!valueNode) {
    scope.vars.set(name, '');
    return;
  }
  scope.vars.delete(arrayKey(name));
  if (valueNode.type === 'array') {
    // `a=(rm -rf ~)`: each element is a word, split and brace-expanded like a command's.
    const elements: WordValue[] = [];
    for (const c of valueNode.children) {
      if (c.type === '(' || c.type === ')' || c.type === 'comment') continue;
      const w = evalWord(c, wordEnv(scope, sink));
      for (const s of w.substitutions) visit(s, scope, sink, undefined);
      for (const b of braceWords(c, w)) elements.push(...splitFields(b, scope.vars.get('IFS')));
    }
    const known = elements.every((e) => !e.dynamic);
    scope.vars.set(arrayKey(name), known ? elements.map((e) => e.value).join(ARRAY_SEP) : null);
    scope.vars.set(name, known ? (elements[0]?.value ?? '') : null);
    return;
  }
  const v = evalWord(valueNode, wordEnv(scope, sink));
  for (const s of v.substitutions) visit(s, scope, sink, undefined);
  scope.vars.set(name, v.dynamic ? null : v.value);
}

/** An unquoted word with braces (`rm agent-sre.{yaml,yml}`) is the words bash expands it to. */
function braceWords(node: ShellNode, w: WordValue): WordValue[] {
  if (w.quoted || w.dynamic || /['"`$\\]/.test(node.text) || !/\{[^{}]*(,|\.\.)[^{}]*\}/.test(node.text))
    return [w];
  return expandBraces(w.value).map((value) => ({ ...w, value }));
}

function wordEnv(scope: Scope, sink: Sink) {
  return { home: sink.ctx.home, cwd: scope.cwd, vars: scope.vars };
}

function visitCommand(
  node: ShellNode,
  scope: Scope,
  sink: Sink,
  stdin: Stdin | undefined,
  redirectsStdin: ShellNode[],
  extraArgs: ShellNode[] = [],
): void {
  const alias = aliasExpansion(node, scope);
  if (alias) {
    visitAlias(node, alias, scope, sink, stdin, redirectsStdin, extraArgs);
    return;
  }
  const env = wordEnv(scope, sink);
  const stdinRedirects = [...redirectsStdin];
  const prefixVars = new Map<string, string | null>();
  let name: WordValue | undefined;
  const args: WordValue[] = [];
  for (const c of node.children.flatMap(splitAtError)) {
    if (c.type === 'ERROR') {
      visitError(c, scope, sink);
      continue;
    }
    if (c.type === 'variable_assignment') {
      const n = c.children.find((x) => x.field === 'name')?.text;
      const v = c.children.find((x) => x.field === 'value');
      const val = v ? evalWord(v, env) : undefined;
      if (val) for (const s of val.substitutions) visit(s, scope, sink, undefined);
      if (n) prefixVars.set(n, val && !val.dynamic ? val.value : null);
      continue;
    }
    if (c.field === 'name') {
      const [head, ...more] = braceWords(c, evalWord(c, env));
      name = head;
      args.push(...more);
    } else if (c.field === 'argument') args.push(...braceWords(c, evalWord(c, env)));
    else if (c.type === 'file_redirect') {
      redirect(c, scope, sink);
      args.push(...extraDestinations(c).map((d) => evalWord(d, env)));
    } else if (c.type === 'herestring_redirect' || c.type === 'heredoc_redirect') stdinRedirects.push(c);
    // Anything else with structure (tree-sitter reads `echo (rm -rf /)` as a command holding a subshell,
    // which bash refuses) is judged for what it would run.
    else if (c.children.length > 0) visit(c, scope, sink, undefined);
  }
  args.push(...extraArgs.map((d) => evalWord(d, env)));
  if (!name) {
    // `FOO=bar` alone: a plain assignment.
    for (const [k, v] of prefixVars) scope.vars.set(k, v);
    return;
  }
  for (const w of [name, ...args]) for (const s of w.substitutions) visit(s, scope, sink, undefined);
  // Field splitting: `c="rm -rf"; $c ~`, `IFS=,; c=rm,-rf,/; $c`, `"${a[@]}"`, and an empty `$x` vanishes.
  const ifs = scope.vars.get('IFS');
  const words = [name, ...args].flatMap((w) => splitFields(w, ifs));
  if (words.length === 0) {
    for (const [k, v] of prefixVars) scope.vars.set(k, v);
    return;
  }
  [name] = words as [WordValue];
  args.splice(0, args.length, ...words.slice(1));
  if (!name.dynamic) shellBuiltin(name.value, args, scope);
  if (name.value === 'eval' && !name.dynamic && isEnvSetupEval(args)) return;
  if (!name.quoted && !name.dynamic && /\s/.test(name.value.trim()) && /\$/.test(nameText(node))) {
    // `W='rm -rf ~'; $W`: an unquoted expansion is split into words, the first being the program.
    analyzeShell(
      [name.value, ...args.map((a) => quoteWord(a.value))].join(' '),
      { ...scope, depth: scope.depth + 1 },
      sink,
    );
    return;
  }
  if (/^"?\$[@*]"?$/.test(name.value) && scope.positional) {
    // `"$@"` as a command inside a function: the caller's words are the command.
    const [head, ...tail] = scope.positional;
    if (!head) return;
    name = head;
    args.unshift(...tail);
  }
  const cmd: Command = {
    name,
    args,
    text: node.text,
    env: prefixVars,
    stdin: stdin ?? stdinFromRedirects(stdinRedirects, scope, sink),
  };
  handleCommand(cmd, scope, sink, api);
}

/**
 * tree-sitter's error recovery glues what follows a word onto it (`"rm -rf /"<TAB>)| x $x` becomes one
 * word holding an ERROR). Bash ends the word where the parse broke: the word is what comes before the
 * ERROR, the ERROR is judged on its own, and what follows it stays as further arguments.
 */
/**
 * A command that starts with an alias: judged as the text bash runs after replacing it. A body that is
 * one simple command keeps the command's stdin (`curl ... | s` with `alias s=bash`); an alias whose body
 * is only known at run time is opaque.
 */
function visitAlias(
  node: ShellNode,
  alias: { text: string; used: string[]; unknown: boolean },
  scope: Scope,
  sink: Sink,
  stdin: Stdin | undefined,
  redirectsStdin: ShellNode[],
  extraArgs: ShellNode[],
): void {
  if (alias.unknown) {
    emitOpaque(
      sink,
      scope,
      'an alias whose body is only known at run time',
      ['dynamic-command'],
      originOf('bash', node.text),
    );
    return;
  }
  withoutAliases(scope, alias.used, () => {
    let tree: ShellNode | undefined;
    try {
      tree = sink.ctx.parseShell(alias.text);
    } catch {
      tree = undefined;
    }
    const only = tree?.type === 'program' && tree.children.length === 1 ? tree.children[0] : undefined;
    if (only?.type === 'command' && !firstError(only))
      visitCommand(only, scope, sink, stdin, redirectsStdin, extraArgs);
    else analyzeShell(alias.text, scope, sink);
  });
}

function splitAtError(word: ShellNode): ShellNode[] {
  const at = word.children.findIndex((c) => c.type === 'ERROR');
  if (word.field !== 'argument' || word.type !== 'concatenation' || at < 0) return [word];
  const before = word.children.slice(0, at);
  const head: ShellNode[] =
    before.length === 0
      ? []
      : [
          before.length === 1
            ? { ...before[0]!, field: 'argument' }
            : { ...word, text: before.map((c) => c.text).join(''), children: before },
        ];
  const rest = word.children.slice(at + 1).map((c) => ({ ...c, field: 'argument' }));
  return [...head, word.children[at]!, ...rest.flatMap(splitAtError)];
}

/** tree-sitter folds words after `2>/dev/null` into the redirect; bash passes them to the command. */
function extraDestinations(r: ShellNode): ShellNode[] {
  return r.children.filter((c) => c.field === 'destination').slice(1);
}

function nameText(cmd: ShellNode): string {
  return cmd.children.find((c) => c.field === 'name')?.text ?? '';
}

function quoteWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/**
 * What a command reads on stdin from its redirections; the last one wins, as in bash. `run` visits the
 * substitutions an unquoted here-doc expands (off when only describing a stage that was visited).
 */
function stdinFromRedirects(redirects: ShellNode[], scope: Scope, sink: Sink, run = true): Stdin | undefined {
  let out: Stdin | undefined;
  for (const r of redirects) out = redirectStdin(r, scope, sink, run) ?? out;
  return out;
}

function redirectStdin(r: ShellNode, scope: Scope, sink: Sink, run: boolean): Stdin | undefined {
  if (r.type === 'heredoc_redirect') {
    const body = r.children.find((c) => c.type === 'heredoc_body');
    if (!body) return { kind: 'text', text: '' };
    // An unquoted heredoc expands $x and $(...) before the command sees it.
    if (/<<-?\s*(['"]|\\)/.test(r.text)) return { kind: 'text', text: heredocText(body) };
    if (run) substitutionsIn(body, scope, sink);
    return expandHeredoc(body, scope, sink);
  }
  if (r.type === 'herestring_redirect') {
    const w = r.children.find((c) => c.type !== '<<<');
    if (!w) return { kind: 'text', text: '' };
    const v = evalWord(w, wordEnv(scope, sink));
    if (!v.dynamic) return { kind: 'text', text: v.value };
    return runTimeText(v, scope, sink);
  }
  if (r.type === 'file_redirect' && r.children.some((c) => c.type === '<')) {
    const fd = r.children.find((c) => c.type === 'file_descriptor');
    if (fd && fd.text !== '0') return undefined; // `3< file` is not stdin
    const dest = r.children.find((c) => c.field === 'destination');
    if (!dest) return undefined;
    if (dest.type === 'process_substitution') return substitutionOutput(dest, scope, sink);
    const v = evalWord(dest, wordEnv(scope, sink));
    return v.dynamic ? { kind: 'unknown', what: dest.text } : { kind: 'file', path: v.value };
  }
  return undefined;
}

/**
 * A word with run-time parts feeding stdin (`<<< "$(cat x.sh)"`, `echo "DROP TABLE $T"`): one whole
 * substitution is what its command prints; a download or decoding anywhere in it ranks it so;
 * otherwise the text as written, marked as only partly known.
 */
function runTimeText(v: WordValue, scope: Scope, sink: Sink): Stdin {
  const subs = v.substitutions.map((n) => substitutionOutput(n, scope, sink));
  if (subs.length === 1 && v.value.trim() === v.substitutions[0]!.text) return subs[0]!;
  return (
    subs.find((o) => o.kind === 'network') ??
    subs.find((o) => o.kind === 'decoded') ?? { kind: 'text', text: v.value, dynamic: true }
  );
}

/** An unquoted here-doc's text after expansion: known variables filled in, the rest left as written. */
function expandHeredoc(body: ShellNode, scope: Scope, sink: Sink): Stdin {
  let text = '';
  let at = 0;
  let dynamic = false;
  for (const c of body.children) {
    if (c.type === 'heredoc_content' || c.type === 'heredoc_end' || c.children.length === 0) continue;
    const i = body.text.indexOf(c.text, at);
    if (i < 0) continue;
    const v = evalWord(c, wordEnv(scope, sink));
    dynamic ||= v.dynamic;
    text += body.text.slice(at, i) + v.value;
    at = i + c.text.length;
  }
  text += body.text.slice(at);
  // tree-sitter leaves backtick substitutions in a here-doc as plain text.
  if (text.includes('`')) dynamic = true;
  const out = heredocText({ ...body, text });
  return dynamic ? { kind: 'text', text: out, dynamic } : { kind: 'text', text: out };
}

function heredocText(body: ShellNode): string {
  return body.text.replace(/\n?[^\n]*$/, (end) => (end.startsWith('\n') ? '' : end));
}

function visitRedirected(node: ShellNode, scope: Scope, sink: Sink, stdin: Stdin | undefined): void {
  const body = node.children.find((c) => c.field === 'body');
  if (body?.type === 'list' && body.children.length > 1) {
    // tree-sitter reads `a && b < f` as `(a && b) < f`; bash gives the redirections to the last command
    // (`curl -o f URL && ruby < f` feeds f to ruby).
    const last = body.children[body.children.length - 1]!;
    visit({ ...body, children: body.children.slice(0, -1) }, scope, sink, stdin);
    const own = node.children.map((c) => (c === body ? { ...last, field: 'body' } : c));
    visitRedirected({ ...node, children: own }, scope, sink, stdin);
    return;
  }
  const redirects = node.children.filter((c) => c.field === 'redirect' || /redirect$/.test(c.type));
  // tree-sitter nests `> file` inside the heredoc redirect when it follows `<<EOF` on the line.
  const fileRedirects = redirects.flatMap((r) =>
    r.type === 'file_redirect' ? [r] : r.children.filter((c) => c.type === 'file_redirect'),
  );
  const written = fileRedirects
    .map((r) => redirect(r, scope, sink))
    .filter((p): p is string => p !== undefined);
  const heredocs = redirects.filter((r) => r.type === 'heredoc_redirect');
  // Likewise the words after `<<EOF` on its line: they are more arguments (`cat <<EOF $(date)`).
  const heredocArgs = heredocs.flatMap((r) => r.children.filter((c) => c.field === 'argument'));
  if (body?.type === 'command') {
    visitCommand(body, scope, sink, stdin, redirects, [
      ...fileRedirects.flatMap(extraDestinations),
      ...heredocArgs,
    ]);
    heredocToFile(body, redirects, written, scope, sink);
    feedOutputSubstitutions(node, scope, sink, stdin);
  } else if (body) visit(body, scope, sink, stdin);
  for (const r of heredocs) restOfHeredocLine(node, r, scope, sink);
}

const HEREDOC_OWN = new Set(['<<', '<<-', 'heredoc_start', 'heredoc_body', 'heredoc_end', 'file_redirect']);

/**
 * tree-sitter also nests the rest of the heredoc's line in the redirect: `cat <<EOF | sh` holds the
 * pipeline `| sh`, `cat <<EOF && make` the operator and `make`. They run too; a pipeline reads the
 * statement's output (here the heredoc, for `cat`).
 */
function restOfHeredocLine(stmt: ShellNode, heredoc: ShellNode, scope: Scope, sink: Sink): void {
  for (const c of heredoc.children) {
    if (HEREDOC_OWN.has(c.type) || c.field === 'argument' || c.children.length === 0) continue;
    if (c.type === 'pipeline' && (c.children[0]?.type === '|' || c.children[0]?.type === '|&')) {
      const body = heredoc.children.find((x) => x.type === 'heredoc_body');
      let upstream = describeOutput(stmt, scope, sink, {
        kind: 'text',
        text: body ? heredocText(body) : '',
      });
      for (const stage of c.children.filter((x) => x.type !== '|' && x.type !== '|&')) {
        visit(stage, scope, sink, upstream);
        upstream = describeOutput(stage, scope, sink, upstream);
      }
      continue;
    }
    visit(c, scope, sink, undefined);
  }
}

/** `cat > deploy.sh <<EOF` writes a file that may run later: judge the text by what it would run. */
function heredocToFile(
  cmd: ShellNode,
  redirects: ShellNode[],
  written: string[],
  scope: Scope,
  sink: Sink,
): void {
  const name = cmd.children.find((c) => c.field === 'name')?.text ?? '';
  if (name !== 'cat' && name !== 'tee') return;
  const heredoc = redirects.find((r) => r.type === 'heredoc_redirect');
  const body = heredoc?.children.find((c) => c.type === 'heredoc_body');
  if (!body) return;
  const targets = [...written];
  if (name === 'tee')
    for (const a of cmd.children.filter((c) => c.field === 'argument'))
      if (!a.text.startsWith('-')) targets.push(evalWord(a, wordEnv(scope, sink)).value);
  for (const t of targets)
    judgeRunnable(
      resolvePath(t, scope.cwd, sink.ctx.home),
      heredocText(body),
      false,
      scope,
      sink,
      analyzeShell,
    );
}

/** Record a file redirection's effect; returns the path written, if it is one. */
function redirect(node: ShellNode, scope: Scope, sink: Sink): string | undefined {
  if (node.type !== 'file_redirect') return undefined;
  const ops = node.children
    .filter((c) => c.children.length === 0 && /^[<>&|]+$/.test(c.type))
    .map((c) => c.type);
  const dest = node.children.find((c) => c.field === 'destination');
  if (!dest) return undefined;
  if (/^[^\n]*?[<>][ \t]*\n/.test(node.text.slice(0, node.text.indexOf(dest.text))))
    // `>> <LF>rm -rf /`: bash stops at the line break with a syntax error; tree-sitter takes the next
    // line's first word as the target (and the rest as a command). Neither reading can be trusted.
    emitOpaque(
      sink,
      scope,
      'a redirection with no target on its line',
      ['unparsed'],
      originOf('bash', node.text),
    );
  const v = evalWord(dest, wordEnv(scope, sink));
  for (const s of v.substitutions) visit(s, scope, sink, undefined);
  if (/^\d+$/.test(v.value) || v.value === '-') return undefined; // 2>&1, >&-
  const op = ops.join('');
  const origin = originOf('bash', node.text);
  if (op === '<' || op === '<&') {
    emitPath(sink, scope, 'read', v.value, ['redirect'], origin, v.dynamic);
    return undefined;
  }
  const append = op.includes('>>');
  emitPath(sink, scope, 'write', v.value, ['redirect', append ? 'append' : 'overwrite'], origin, v.dynamic);
  return v.dynamic ? undefined : v.value;
}

const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'fetch',
  'http',
  'https',
  'xh',
  'aria2c',
  'nc',
  'ncat',
  'socat',
  'lynx',
  'links',
]);
const DECODERS = /^(base64|base32|xxd|uudecode|openssl|gunzip|zcat|gzip|bzcat|xz|rev|tr)$/;

function visitPipeline(node: ShellNode, scope: Scope, sink: Sink, stdin?: Stdin): void {
  const stages = node.children.filter((c) => c.type !== '|' && c.type !== '|&');
  let upstream: Stdin | undefined = stdin;
  for (const stage of stages) {
    visit(stage, scope, sink, upstream);
    // (a redirected stage feeds its own, in visitRedirected)
    if (stage.type === 'command') feedOutputSubstitutions(stage, scope, sink, upstream);
    upstream = describeOutput(stage, scope, sink, upstream);
  }
}

const FILTERS = new Set([
  'grep',
  'egrep',
  'fgrep',
  'awk',
  'gawk',
  'sed',
  'cut',
  'head',
  'tail',
  'sort',
  'uniq',
  'tr',
]);
const NET_WORDS = /\b(curl|wget|fetch|nc|ncat|http|https|xh|aria2c|socat)\b/;
const DECODE_WORDS = /\b(base64|base32|xxd|openssl|uudecode)\b/;

/**
 * What a command or process substitution writes (`<(echo 'rm -rf ~')`, `$(cat x.sh)`): the output of
 * the one statement inside when it can be told; else a download or decoding by the words in it, else
 * unknown. The statement itself is visited where the substitution stands, not here.
 */
function substitutionOutput(node: ShellNode, scope: Scope, sink: Sink): Stdin {
  const stmts = node.children.filter((c) => c.children.length > 0 && c.type !== 'comment');
  let out: Stdin = { kind: 'unknown', what: node.text };
  if (stmts.length === 1 && scope.depth <= MAX_DEPTH) {
    const stmt = stmts[0]!;
    if (stmt.type === 'pipeline') {
      let up: Stdin | undefined;
      for (const stage of stmt.children.filter((c) => c.type !== '|' && c.type !== '|&'))
        up = describeOutput(stage, scope, sink, up);
      if (up) out = up;
    } else out = describeOutput(stmt, scope, sink, undefined);
  }
  if (out.kind !== 'unknown') return out;
  if (NET_WORDS.test(node.text)) return { kind: 'network', what: node.text };
  if (DECODE_WORDS.test(node.text)) return { kind: 'decoded', what: node.text };
  return out;
}

/**
 * Output process substitutions read what is written into them: `tee >(sh)` feeds its own stdin to
 * `sh`, `cmd > >(bash)` feeds cmd's output to `bash`. Their commands are judged with that stdin.
 */
function feedOutputSubstitutions(stage: ShellNode, scope: Scope, sink: Sink, stdin: Stdin | undefined): void {
  const cmd = stage.type === 'redirected_statement' ? stage.children.find((c) => c.field === 'body') : stage;
  if (cmd?.type !== 'command') return;
  const isOut = (n: ShellNode | undefined) => n?.type === 'process_substitution' && n.text.startsWith('>(');
  const feed = (sub: ShellNode, input: Stdin) => {
    for (const c of sub.children)
      if (c.children.length > 0) visit(c, childScope(scope, { depth: scope.depth }), sink, input);
  };
  const name = cmd.children.find((c) => c.field === 'name')?.text ?? '';
  const input =
    stdin ?? (stage === cmd ? undefined : stdinFromRedirects(redirectsOf(stage), scope, sink, false));
  if (/^(\S*\/)?tee$/.test(name) && input)
    for (const a of cmd.children) if (a.field === 'argument' && isOut(a)) feed(a, input);
  const outRedirects = [...redirectsOf(stage), ...cmd.children.filter((c) => c.type === 'file_redirect')];
  const targets = outRedirects.flatMap((r) =>
    r.type === 'file_redirect' && r.children.some((c) => /^(>|>>|&>|&>>|>\||>&)$/.test(c.type))
      ? r.children.filter((c) => c.field === 'destination' && isOut(c))
      : [],
  );
  if (targets.length === 0) return;
  const output = describeOutput(stage, scope, sink, input);
  for (const t of targets) feed(t, output);
}

function redirectsOf(stage: ShellNode): ShellNode[] {
  if (stage.type !== 'redirected_statement') return [];
  return stage.children.filter((c) => c.field === 'redirect' || /redirect$/.test(c.type));
}

/** `(echo a; echo b) | sh`, `{ printf ...; } | bash`: the outputs of the statements inside, in order. */
function groupOutput(group: ShellNode, scope: Scope, sink: Sink): Stdin {
  const inner = { ...scope, depth: scope.depth + 1 };
  const outs = group.children
    .filter((c) => c.children.length > 0 && c.type !== 'comment')
    .map((st) =>
      st.type === 'pipeline'
        ? substitutionOutput({ ...group, children: [st] }, inner, sink)
        : describeOutput(st, inner, sink, undefined),
    );
  const found = outs.find((o) => o.kind === 'network') ?? outs.find((o) => o.kind === 'decoded');
  if (found) return found;
  if (outs.length > 0 && outs.every((o) => o.kind === 'text'))
    return {
      kind: 'text',
      text: outs.map((o) => (o.kind === 'text' ? o.text : '')).join('\n'),
      dynamic: outs.some((o) => o.kind === 'text' && o.dynamic) || undefined,
    };
  return { kind: 'unknown', what: originOf('a group', group.text) };
}

/** What a pipeline stage writes to its stdout, as far as it matters to the next stage. */
function describeOutput(stage: ShellNode, scope: Scope, sink: Sink, upstream: Stdin | undefined): Stdin {
  const cmd = stage.type === 'redirected_statement' ? stage.children.find((c) => c.field === 'body') : stage;
  if ((cmd?.type === 'subshell' || cmd?.type === 'compound_statement') && scope.depth <= MAX_DEPTH)
    return groupOutput(cmd, scope, sink);
  if (cmd?.type !== 'command') return { kind: 'unknown', what: 'the output of a compound command' };
  // `cat < x.sh | sh`, `cat <<EOF | sh`: a stage's own redirections are its stdin.
  const input =
    upstream ?? (stage === cmd ? undefined : stdinFromRedirects(redirectsOf(stage), scope, sink, false));
  const env = wordEnv(scope, sink);
  const nameNode = cmd.children.find((c) => c.field === 'name');
  const name = nameNode ? (evalWord(nameNode, env).value.split('/').pop() ?? '') : '';
  const argNodes = cmd.children.filter((c) => c.field === 'argument');
  const args = argNodes.map((c) => evalWord(c, env));
  const values = args.map((a) => a.value);
  if (DOWNLOADERS.has(name)) return { kind: 'network', what: originOf(name, cmd.text) };
  if (DECODERS.test(name)) {
    if (input?.kind === 'network') return input;
    return { kind: 'decoded', what: originOf(name, cmd.text) };
  }
  if (name === 'echo' || name === 'printf') {
    const text = name === 'echo' ? echoOutput(values) : printfOutput(values);
    if (args.every((a) => !a.dynamic)) return { kind: 'text', text };
    // `echo "$SQL"`, `echo "$(curl ...)"`: a download stays one; other run-time parts are left as written.
    return runTimeText(
      { value: text, dynamic: true, quoted: true, substitutions: args.flatMap((a) => a.substitutions) },
      scope,
      sink,
    );
  }
  if (isShellSetup(name, values)) return { kind: 'text', text: '' };
  if (name === 'find' && args.every((a) => !a.dynamic)) {
    const plan = findTargets(values);
    registerExclusions(plan, scope, sink);
    return { kind: 'text', text: plan.targets.join(' ') };
  }
  if (name === 'cat') {
    const files = args.filter((a) => !/^-[a-zA-Z]+$/.test(a.value));
    if (files.length === 0 || (files.length === 1 && files[0]!.value === '-'))
      return input ?? { kind: 'unknown', what: originOf(name, cmd.text) };
    const sub = files.length === 1 ? argNodes.find((n) => n.type === 'process_substitution') : undefined;
    if (sub) return substitutionOutput(sub, scope, sink);
    if (files.length === 1 && !files[0]!.dynamic) return { kind: 'file', path: files[0]!.value };
    // Several files: their contents, one after another, when every one can be read.
    const texts = files.map((f) =>
      f.dynamic ? undefined : sink.ctx.readScript?.(resolvePath(f.value, scope.cwd, sink.ctx.home)),
    );
    if (texts.every((t) => t !== undefined)) return { kind: 'text', text: texts.join('\n') };
    return { kind: 'unknown', what: originOf(name, cmd.text) };
  }
  if (input && name === 'tee') return input;
  // A filter passes on what it was fed: `ps aux | grep hookd | awk '{print $2}'` still names hookd, and
  // `curl ... | grep -v '^#' | sh` still runs a download.
  if (input && (input.kind === 'network' || input.kind === 'decoded') && FILTERS.has(name)) return input;
  if (input?.kind === 'unknown' && FILTERS.has(name))
    return { kind: 'unknown', what: `${input.what} | ${originOf(name, cmd.text)}` };
  return { kind: 'unknown', what: originOf(name || 'a command', cmd.text) };
}
