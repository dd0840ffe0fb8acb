// Turning shell words into the strings the shell would pass, as far as they can be known statically.
import type { ShellNode } from '../types.ts';

/** What a shell word evaluates to. `dynamic` means part of it is only known at run time. */
export interface WordValue {
  value: string;
  dynamic: boolean;
  /** The word came from quotes (so `~` and globs were not expanded by the shell). */
  quoted: boolean;
  /** Command or process substitutions inside the word: they run too. */
  substitutions: ShellNode[];
}

export interface WordEnv {
  home: string;
  cwd: string;
  vars: ReadonlyMap<string, string | null>;
}

const ANSI_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}|c.|.)/g,
    (_m, esc: string) => {
      const head = esc[0]!;
      if (head === 'x' || head === 'u' || head === 'U')
        return String.fromCodePoint(Number.parseInt(esc.slice(1), 16));
      if (/[0-7]/.test(head)) return String.fromCharCode(Number.parseInt(esc, 8));
      if (head === 'c') return String.fromCharCode(esc.charCodeAt(1) & 31);
      return ANSI_ESCAPES[esc] ?? esc;
    },
  );
}

/** Backslash removal for unquoted words: `\r\m` -> `rm`, `a\ b` -> `a b`, `\<newline>` vanishes. */
export function unescapeBare(text: string): string {
  return text.replace(/\\(\n|.)/g, (_m, c: string) => (c === '\n' ? '' : c));
}

/** Inside double quotes a backslash only escapes $ ` " \ and newline. */
function unescapeDouble(text: string): string {
  return text.replace(/\\([$`"\\\n])/g, (_m, c: string) => (c === '\n' ? '' : c));
}

function lookup(name: string, env: WordEnv): string | null {
  if (name === 'HOME') return env.home;
  if (name === 'PWD') return env.cwd;
  // $SHELL is always some shell: judging it as sh sees through `$SHELL -c '...'`.
  if (name === 'SHELL' && !env.vars.has('SHELL')) return '/bin/sh';
  // Unless the command line set it, $TMPDIR names a temp directory.
  if (name === 'TMPDIR' && !env.vars.has('TMPDIR')) return '/tmp';
  const v = env.vars.get(name);
  return v === undefined ? null : v;
}

const EXPANSION_NAME = /^\$\{?#?([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/;

export function evalWord(node: ShellNode, env: WordEnv): WordValue {
  const out: WordValue = { value: '', dynamic: false, quoted: false, substitutions: [] };
  append(node, env, out, false);
  return out;
}

function append(node: ShellNode, env: WordEnv, out: WordValue, inDouble: boolean): void {
  switch (node.type) {
    case 'word':
    case 'command_name':
      if (node.children.length > 0) {
        for (const c of node.children) append(c, env, out, inDouble);
        return;
      }
      if (inDouble) out.value += unescapeDouble(node.text);
      else if (out.value === '' && /^~(\/|$)/.test(node.text))
        out.value += env.home + unescapeBare(node.text.slice(1));
      else out.value += unescapeBare(node.text);
      return;
    case 'number':
    case 'string_content':
      out.value += inDouble ? unescapeDouble(node.text) : node.text;
      return;
    case 'raw_string':
      out.quoted = true;
      out.value += node.text.slice(1, -1);
      return;
    case 'ansi_c_string':
      out.quoted = true;
      out.value += decodeAnsiC(node.text.slice(2, -1));
      return;
    case 'translated_string':
    case 'string': {
      out.quoted = true;
      // tree-sitter leaves the line breaks between the parts of a string out of every child
      // (`"echo hi<LF>rm -rf /"` has the parts `echo hi` and `rm -rf /`): put the text between them back.
      let at = 0;
      for (const c of node.children) {
        const i = node.text.indexOf(c.text, at);
        if (i >= 0) {
          if (i > at && at > 0) out.value += unescapeDouble(node.text.slice(at, i));
          at = i + c.text.length;
        }
        if (c.type === '"' || c.type === '$"' || c.type === '$') continue;
        append(c, env, out, true);
      }
      return;
    }
    case 'concatenation':
      for (const c of node.children) append(c, env, out, inDouble);
      return;
    case 'simple_expansion':
    case 'expansion': {
      const m = EXPANSION_NAME.exec(node.text);
      const isPlain = node.type === 'simple_expansion' || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(node.text);
      // `${TMPDIR:-/tmp}`: known when the variable is, or when both sides are temp dirs.
      const withDefault = /^\$\{TMPDIR:?-(\/tmp|\/var\/tmp)\/?\}$/.test(node.text);
      const v = m && (isPlain || withDefault) ? lookup(m[1]!, env) : null;
      if (v === null) {
        out.dynamic = true;
        out.value += node.text;
      } else out.value += v;
      out.substitutions.push(...hiddenSubstitutions(node));
      for (const c of node.children) collectSubstitutions(c, out);
      return;
    }
    case 'command_substitution':
    case 'process_substitution':
      out.dynamic = true;
      out.substitutions.push(node);
      out.value += node.text;
      return;
    case 'arithmetic_expansion':
      out.dynamic = true;
      out.value += node.text;
      for (const c of node.children) collectSubstitutions(c, out);
      return;
    default:
      // Anything else (brace expressions, globs, odd tokens) passes through as literal text.
      if (node.children.length === 0) out.value += node.text;
      else for (const c of node.children) append(c, env, out, inDouble);
  }
}

function collectSubstitutions(node: ShellNode, out: WordValue): void {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') {
    out.substitutions.push(node);
    return;
  }
  if (node.type === 'expansion') out.substitutions.push(...hiddenSubstitutions(node));
  for (const c of node.children) collectSubstitutions(c, out);
}

/** A command substitution tree-sitter left as plain text inside `${...}`; its text is the command. */
export const HIDDEN_SUBSTITUTION = 'hidden_substitution';
/** The same, when the command cannot be cut out cleanly (an unclosed backtick or `$(`). */
export const UNBALANCED_SUBSTITUTION = 'unbalanced_substitution';

/**
 * tree-sitter reads a backtick substitution in a parameter expansion's word (`${x:-`rm -rf /`}`,
 * `${x//a/`cmd`}`) as plain text, and bash runs it. The expansion's own text, with the substitutions
 * tree-sitter did parse and nested expansions (scanned on their own) blanked out, is searched for
 * backticks and `$(`: each becomes a node holding the command text, or an unbalanced one.
 */
export function hiddenSubstitutions(expansion: ShellNode): ShellNode[] {
  let text = expansion.text;
  let from = 0;
  const mask = (n: ShellNode) => {
    const at = text.indexOf(n.text, from);
    if (at < 0) return;
    text = text.slice(0, at) + ' '.repeat(n.text.length) + text.slice(at + n.text.length);
    from = at + n.text.length;
  };
  const walk = (n: ShellNode) => {
    for (const c of n.children) {
      if (c.type === 'command_substitution' || c.type === 'process_substitution' || c.type === 'expansion')
        mask(c);
      else walk(c);
    }
  };
  walk(expansion);
  const out: ShellNode[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    const backtick = ch === '`';
    if (!backtick && !(ch === '$' && text[i + 1] === '(')) continue;
    const end = backtick ? closingBacktick(text, i + 1) : closingParen(text, i + 2);
    if (end < 0) return [...out, { type: UNBALANCED_SUBSTITUTION, text: expansion.text, children: [] }];
    const inner = backtick ? text.slice(i + 1, end).replace(/\\([$`\\])/g, '$1') : text.slice(i + 2, end);
    out.push({ type: HIDDEN_SUBSTITUTION, text: inner, children: [] });
    i = end;
  }
  return out;
}

function closingBacktick(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '`') return i;
  }
  return -1;
}

function closingParen(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

const MAX_BRACE_WORDS = 256;

/**
 * Bash brace expansion of one unquoted word: `agent-sre.{yaml,yml}` is two words, `f{1..3}` three.
 * Nested and repeated braces expand in turn; past 256 words the rest is left as is.
 */
export function expandBraces(word: string): string[] {
  const open = findBrace(word);
  if (!open) return [word];
  const { start, end, parts } = open;
  const out: string[] = [];
  for (const p of parts) {
    for (const w of expandBraces(word.slice(0, start) + p + word.slice(end + 1))) {
      out.push(w);
      if (out.length >= MAX_BRACE_WORDS) return out;
    }
  }
  return out;
}

function findBrace(word: string): { start: number; end: number; parts: string[] } | undefined {
  for (let start = word.indexOf('{'); start >= 0; start = word.indexOf('{', start + 1)) {
    if (word[start - 1] === '$') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < word.length; i++) {
      const ch = word[i];
      if (ch === '\\') i++;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) {
        const body = word.slice(start + 1, i);
        if (commas.length > 0) {
          const cuts = [start, ...commas, i];
          return { start, end: i, parts: cuts.slice(1).map((c, k) => word.slice(cuts[k]! + 1, c)) };
        }
        const seq = /^(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])$/.exec(body);
        if (seq) return { start, end: i, parts: sequence(seq[1]!, seq[2]!) };
        break;
      } else if (ch === ',' && depth === 1) commas.push(i);
    }
  }
  return undefined;
}

function sequence(a: string, b: string): string[] {
  const num = /^-?\d+$/.test(a);
  const from = num ? Number(a) : a.charCodeAt(0);
  const to = num ? Number(b) : b.charCodeAt(0);
  const step = from <= to ? 1 : -1;
  const out: string[] = [];
  for (let v = from; out.length < MAX_BRACE_WORDS; v += step) {
    out.push(num ? String(v) : String.fromCharCode(v));
    if (v === to) break;
  }
  return out;
}
