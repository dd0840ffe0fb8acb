// Walks a shell syntax tree and reports what it would do. Commands are handed to the command table;
// this file only knows shell structure: lists, pipelines, redirections, heredocs, substitutions.
import { analyzeCode, type CodeLang } from '../effects/code.ts';
import { type Api, type Command, handleCommand, type Stdin } from '../effects/commands.ts';
import { findTargets } from '../effects/fs-commands.ts';
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
import { resolvePath } from '../paths.ts';
import type { ShellNode } from '../types.ts';
import { evalWord, type WordValue } from './words.ts';

export function analyzeShell(source: string, scope: Scope, sink: Sink): void {
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
  visit(tree, scope, sink, undefined);
}

const api: Api = {
  shell: analyzeShell,
  code: (lang: CodeLang, code: string, scope: Scope, sink: Sink) => analyzeCode(lang, code, scope, sink, api),
  script: analyzeScript,
};

/** Run a script file by path: shell scripts are parsed, other languages scanned for their effects. */
function analyzeScript(path: string, scope: Scope, sink: Sink, lang?: CodeLang): boolean {
  const text = sink.ctx.readScript?.(path);
  if (text === undefined) return false;
  const child = childScope(scope);
  const kind = lang ?? languageOf(path, text) ?? 'shell';
  if (kind === 'shell') analyzeShell(text, child, sink);
  else api.code(kind, text, child, sink);
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
  'ERROR',
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
      visitPipeline(node, scope, sink);
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
      if (STATEMENT_CONTAINERS.has(node.type) || node.children.length > 0) {
        for (const c of node.children) {
          if (node.type === 'for_statement' && c.field === 'value') {
            substitutionsIn(c, scope, sink);
            continue;
          }
          visit(c, scope, sink, undefined);
        }
      }
  }
}

/** Run the substitutions inside a node that is otherwise data (a `for` list, a test expression). */
function substitutionsIn(node: ShellNode, scope: Scope, sink: Sink): void {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') {
    visit(node, scope, sink, undefined);
    return;
  }
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
  const v = evalWord(valueNode, wordEnv(scope, sink));
  for (const s of v.substitutions) visit(s, scope, sink, undefined);
  scope.vars.set(name, v.dynamic ? null : v.value);
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
  const env = wordEnv(scope, sink);
  const stdinRedirects = [...redirectsStdin];
  const prefixVars = new Map<string, string | null>();
  let name: WordValue | undefined;
  const args: WordValue[] = [];
  for (const c of node.children) {
    if (c.type === 'variable_assignment') {
      const n = c.children.find((x) => x.field === 'name')?.text;
      const v = c.children.find((x) => x.field === 'value');
      const val = v ? evalWord(v, env) : undefined;
      if (val) for (const s of val.substitutions) visit(s, scope, sink, undefined);
      if (n) prefixVars.set(n, val && !val.dynamic ? val.value : null);
      continue;
    }
    if (c.field === 'name') name = evalWord(c, env);
    else if (c.field === 'argument') args.push(evalWord(c, env));
    else if (c.type === 'file_redirect') {
      redirect(c, scope, sink);
      args.push(...extraDestinations(c).map((d) => evalWord(d, env)));
    } else if (c.type === 'herestring_redirect' || c.type === 'heredoc_redirect') stdinRedirects.push(c);
  }
  args.push(...extraArgs.map((d) => evalWord(d, env)));
  if (!name) {
    // `FOO=bar` alone: a plain assignment.
    for (const [k, v] of prefixVars) scope.vars.set(k, v);
    return;
  }
  for (const w of [name, ...args]) for (const s of w.substitutions) visit(s, scope, sink, undefined);
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

function stdinFromRedirects(redirects: ShellNode[], scope: Scope, sink: Sink): Stdin | undefined {
  for (const r of redirects) {
    if (r.type === 'heredoc_redirect') {
      const body = r.children.find((c) => c.type === 'heredoc_body');
      const quoted = /<<-?\s*(['"]|\\)/.test(r.text);
      // An unquoted heredoc expands $(...) before the command sees it.
      if (body && !quoted) substitutionsIn(body, scope, sink);
      return { kind: 'text', text: body ? heredocText(body) : '' };
    }
    if (r.type === 'herestring_redirect') {
      const w = r.children.find((c) => c.type !== '<<<');
      const v = w ? evalWord(w, wordEnv(scope, sink)) : undefined;
      return v && !v.dynamic ? { kind: 'text', text: v.value } : { kind: 'unknown', what: 'a here-string' };
    }
    if (r.type === 'file_redirect' && r.children.some((c) => c.type === '<')) {
      const dest = r.children.find((c) => c.field === 'destination');
      const v = dest ? evalWord(dest, wordEnv(scope, sink)) : undefined;
      if (v && !v.dynamic) return { kind: 'file', path: v.value };
    }
  }
  return undefined;
}

function heredocText(body: ShellNode): string {
  return body.text.replace(/\n?[^\n]*$/, (end) => (end.startsWith('\n') ? '' : end));
}

function visitRedirected(node: ShellNode, scope: Scope, sink: Sink, stdin: Stdin | undefined): void {
  const body = node.children.find((c) => c.field === 'body');
  const redirects = node.children.filter((c) => c.field === 'redirect' || /redirect$/.test(c.type));
  // tree-sitter nests `> file` inside the heredoc redirect when it follows `<<EOF` on the line.
  const fileRedirects = redirects.flatMap((r) =>
    r.type === 'file_redirect' ? [r] : r.children.filter((c) => c.type === 'file_redirect'),
  );
  const written = fileRedirects
    .map((r) => redirect(r, scope, sink))
    .filter((p): p is string => p !== undefined);
  if (!body) return;
  if (body.type === 'command') {
    visitCommand(body, scope, sink, stdin, redirects, fileRedirects.flatMap(extraDestinations));
    heredocToFile(body, redirects, written, scope, sink);
  } else visit(body, scope, sink, stdin);
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

function visitPipeline(node: ShellNode, scope: Scope, sink: Sink): void {
  const stages = node.children.filter((c) => c.type !== '|' && c.type !== '|&');
  let upstream: Stdin | undefined;
  for (const stage of stages) {
    visit(stage, scope, sink, upstream);
    upstream = describeOutput(stage, scope, sink, upstream);
  }
}

/** What a pipeline stage writes to its stdout, as far as it matters to the next stage. */
function describeOutput(stage: ShellNode, scope: Scope, sink: Sink, upstream: Stdin | undefined): Stdin {
  const cmd = stage.type === 'redirected_statement' ? stage.children.find((c) => c.field === 'body') : stage;
  if (cmd?.type !== 'command') return { kind: 'unknown', what: 'the output of a compound command' };
  const env = wordEnv(scope, sink);
  const nameNode = cmd.children.find((c) => c.field === 'name');
  const name = nameNode ? (evalWord(nameNode, env).value.split('/').pop() ?? '') : '';
  const args = cmd.children.filter((c) => c.field === 'argument').map((c) => evalWord(c, env));
  if (DOWNLOADERS.has(name)) return { kind: 'network', what: originOf(name, cmd.text) };
  if (DECODERS.test(name)) {
    if (upstream?.kind === 'network') return upstream;
    return { kind: 'decoded', what: originOf(name, cmd.text) };
  }
  if ((name === 'echo' || name === 'printf') && args.every((a) => !a.dynamic)) {
    const words = args.map((a) => a.value).filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a)));
    return { kind: 'text', text: words.join(' ') };
  }
  if (name === 'find' && args.every((a) => !a.dynamic))
    return { kind: 'text', text: findTargets(args.map((a) => a.value)).targets.join(' ') };
  if (name === 'cat' && args.length === 1 && !args[0]!.dynamic) return { kind: 'file', path: args[0]!.value };
  if (upstream && (name === 'cat' || name === 'tee') && args.length === 0) return upstream;
  return { kind: 'unknown', what: originOf(name || 'a command', cmd.text) };
}
