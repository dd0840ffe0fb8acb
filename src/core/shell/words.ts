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
  /** Ranges of `value` that came from unquoted expansions: the shell splits them at IFS characters. */
  splits?: [number, number][];
  /** Positions in `value` of the separators between array elements (`"${a[@]}"`): always new words. */
  breaks?: number[];
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
      if (head === 'x' || head === 'u' || head === 'U') {
        // `\x` with no digits stays as written; a code point past Unicode's range is dropped.
        if (esc.length === 1) return `\\${esc}`;
        const cp = Number.parseInt(esc.slice(1), 16);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
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

/**
 * Arrays live in the same variable map: `a[@]` holds the elements joined by NUL (no shell string can
 * hold one), `a` the first element, as bash reads `$a`. The positional parameters are the array `@`.
 */
export const ARRAY_SEP = '\u0000';
export function arrayKey(name: string): string {
  return `${name}[@]`;
}

function arrayElements(name: string, env: WordEnv): string[] | null {
  const v = env.vars.get(arrayKey(name));
  if (v === undefined) {
    if (name === '@' || name === '*') return null;
    const scalar = lookup(name, env);
    return scalar === null ? null : [scalar];
  }
  return v === null ? null : v === '' ? [] : v.split(ARRAY_SEP);
}

/** `${a[@]}`, `${a[*]}`, `${a[N]}`, `$@`, `$*`, `${@}`: an array expansion, with how it is indexed. */
const ARRAY_EXPANSION = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\[(@|\*|\d+)\]\}|\{?([@*])\}?)$/;
/** `${!ref}`: the variable whose name `ref` holds. */
const INDIRECT_EXPANSION = /^\$\{!([A-Za-z_][A-Za-z0-9_]*)\}$/;

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
      // Inside a string tree-sitter puts the blank before an expansion into it (`"$a $b"` has ` $b`).
      const lead = /^\s+/.exec(node.text)?.[0];
      if (lead) {
        out.value += lead;
        append({ ...node, text: node.text.slice(lead.length) }, env, out, inDouble);
        return;
      }
      if (expandSpecial(node, env, out, inDouble)) return;
      const m = EXPANSION_NAME.exec(node.text);
      const isPlain = node.type === 'simple_expansion' || /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(node.text);
      // `${TMPDIR:-/tmp}`: known when the variable is, or when both sides are temp dirs.
      const withDefault = /^\$\{TMPDIR:?-(\/tmp|\/var\/tmp)\/?\}$/.test(node.text);
      const v = m && (isPlain || withDefault) ? lookup(m[1]!, env) : null;
      if (v === null) {
        out.dynamic = true;
        out.value += node.text;
      } else appendExpanded(out, v, inDouble);
      out.substitutions.push(...hiddenSubstitutions(node));
      for (const c of node.children) collectSubstitutions(c, out);
      return;
    }
    case 'command_substitution': {
      // `$(printf 'r%s' m)`, `$(echo rm)`, `$(command -v rm)`: output that is known without running it.
      const known = staticOutput(node, env);
      out.substitutions.push(node);
      if (known !== undefined) {
        appendExpanded(out, known, inDouble);
        return;
      }
      out.dynamic = true;
      out.value += node.text;
      return;
    }
    case 'process_substitution':
      // Bash passes `<(cmd)` and `>(cmd)` as a pipe's path: a file nobody else names, not the words
      // inside (those run, through `substitutions`).
      out.substitutions.push(node);
      out.value += '/dev/fd/63';
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

/** A known expansion result; unquoted, the shell splits it into words later. */
function appendExpanded(out: WordValue, value: string, inDouble: boolean): void {
  const start = out.value.length;
  out.value += value;
  if (inDouble) return;
  // An empty range still marks the word: an unquoted expansion that is empty leaves no word.
  out.splits ??= [];
  out.splits.push([start, out.value.length]);
}

/** Array, positional and indirect expansions. False when the node is none of them. */
function expandSpecial(node: ShellNode, env: WordEnv, out: WordValue, inDouble: boolean): boolean {
  const ind = INDIRECT_EXPANSION.exec(node.text);
  if (ind) {
    const ref = lookup(ind[1]!, env);
    const v = ref !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(ref) ? lookup(ref, env) : null;
    if (v === null) {
      out.dynamic = true;
      out.value += node.text;
    } else appendExpanded(out, v, inDouble);
    return true;
  }
  const arr = ARRAY_EXPANSION.exec(node.text);
  if (!arr) return false;
  const name = arr[1] ?? '@';
  const index = arr[2] ?? arr[3]!;
  const elements = arrayElements(name, env);
  if (elements === null) {
    out.dynamic = true;
    out.value += node.text;
    return true;
  }
  if (/^\d+$/.test(index)) {
    appendExpanded(out, elements[Number(index)] ?? '', inDouble);
    return true;
  }
  if (inDouble && index === '*') {
    out.value += elements.join(' ');
    return true;
  }
  // `"${a[@]}"` is one word per element; unquoted, each element is split again.
  elements.forEach((e, k) => {
    if (k > 0) {
      out.breaks ??= [];
      out.breaks.push(out.value.length);
      out.value += ' ';
    }
    appendExpanded(out, e, inDouble);
  });
  return true;
}

const DEFAULT_IFS = ' \t\n';

/**
 * The words a command word becomes after field splitting: the parts that came from unquoted
 * expansions are cut at IFS characters (`c="rm -rf"; $c` is two words), array elements are separate
 * words, and an unquoted expansion that is empty leaves no word at all. `ifs` null: IFS is only known
 * at run time, so a word that would be split is itself only known at run time.
 */
export function splitFields(w: WordValue, ifs: string | null | undefined): WordValue[] {
  const splits = w.splits ?? [];
  const breaks = new Set(w.breaks ?? []);
  if (splits.length === 0 && breaks.size === 0) return [w];
  if (ifs === null && splits.length > 0)
    return [{ ...w, dynamic: true, splits: undefined, breaks: undefined }];
  if (w.value === '' && !w.quoted && splits.length > 0) return [];
  const sep = ifs ?? DEFAULT_IFS;
  const inSplit = (i: number) => splits.some(([a, b]) => i >= a && i < b);
  const fullySplit = (a: number, b: number) => {
    for (let i = a; i < b; i++) if (!inSplit(i)) return false;
    return true;
  };
  const out: WordValue[] = [];
  let start = 0;
  const push = (end: number) => {
    const value = w.value.slice(start, end);
    // An empty piece that came only from an expansion is no word; `""` and `"${a[@]}"` elements are.
    if (value !== '' || !fullySplit(start, Math.max(end, start + 1)) || breaks.has(end)) {
      out.push({
        value,
        dynamic: w.dynamic && /[$`]/.test(value),
        quoted: w.quoted,
        substitutions: out.length === 0 ? w.substitutions : [],
      });
    }
  };
  for (let i = 0; i < w.value.length; i++) {
    if (breaks.has(i) || (inSplit(i) && sep.includes(w.value[i]!))) {
      push(i);
      start = i + 1;
    }
  }
  push(w.value.length);
  return out;
}

const MAX_OUTPUT = 4096;

/**
 * What a command substitution prints, when that is known without running anything: `echo` and
 * `printf` of known words, and `command -v|which|type -P NAME` (the program NAME). Else undefined.
 */
export function staticOutput(sub: ShellNode, env: WordEnv): string | undefined {
  const body = sub.children.filter((c) => !/^(\$\(|\)|`)$/.test(c.type));
  if (body.length !== 1 || body[0]!.type !== 'command') return undefined;
  const cmd = body[0]!;
  const words: string[] = [];
  for (const c of cmd.children) {
    if (c.field !== 'name' && c.field !== 'argument') return undefined;
    const w = evalWord(c, env);
    if (w.dynamic || w.substitutions.length > 0) return undefined;
    for (const f of splitFields(w, env.vars.get('IFS'))) words.push(f.value);
  }
  const [name, ...args] = words;
  let text: string | undefined;
  if (name === 'echo') {
    let escapes = false;
    let newline = true;
    while (args[0] && /^-[neE]+$/.test(args[0])) {
      const flags = args.shift()!;
      if (flags.includes('n')) newline = false;
      if (flags.includes('e')) escapes = true;
    }
    const joined = args.join(' ');
    text = (escapes ? decodeAnsiC(joined) : joined) + (newline ? '\n' : '');
  } else if (name === 'printf') {
    if (args[0] === '--') args.shift();
    if (args[0] === undefined || args[0].startsWith('-')) return undefined;
    text = printfFormat(args[0], args.slice(1));
  } else if (
    (name === 'which' && args.length === 1) ||
    (name === 'command' && args.length === 2 && /^-[vV]$/.test(args[0]!)) ||
    (name === 'type' && args.length === 2 && /^-[pP]$/.test(args[0]!))
  ) {
    const prog = args[args.length - 1]!;
    text = /^[A-Za-z0-9_.+/-]+$/.test(prog) ? prog : undefined;
  }
  if (text === undefined || text.length > MAX_OUTPUT) return undefined;
  // A command substitution drops the trailing newlines.
  return text.replace(/\n+$/, '');
}

/**
 * bash's `printf FORMAT ARGS`: %s %b %c %d %i %u %x %o %% with flags and widths; the format is reused
 * while arguments remain. Undefined for anything else (`%q`, `%(...)T`) or very long output.
 */
export function printfFormat(format: string, args: string[]): string | undefined {
  const fmt = decodeAnsiC(format.replace(/%%/g, '\u0001')).replace(/\u0001/g, '%%');
  const conv = /%([-+ #0]*)(\d*)(?:\.(\d+))?([a-zA-Z])|%%/g;
  let out = '';
  let next = 0;
  for (let round = 0; round < 64; round++) {
    let failed = false;
    let used = 0;
    out += fmt.replace(conv, (m, flags: string, width: string, prec: string, ch: string) => {
      if (m === '%%') return '%';
      const arg = args[next] ?? '';
      if (next < args.length) {
        next++;
        used++;
      }
      let s: string;
      if (ch === 's') s = prec ? arg.slice(0, Number(prec)) : arg;
      else if (ch === 'b') s = decodeAnsiC(arg);
      else if (ch === 'c') s = arg.slice(0, 1);
      else if (/[diuxXo]/.test(ch)) {
        const n = Number.parseInt(arg || '0', 10);
        if (Number.isNaN(n)) {
          failed = true;
          return '';
        }
        s =
          ch === 'x'
            ? n.toString(16)
            : ch === 'X'
              ? n.toString(16).toUpperCase()
              : ch === 'o'
                ? n.toString(8)
                : String(n);
      } else {
        failed = true;
        return '';
      }
      const w = Number(width || 0);
      if (s.length < w)
        s = flags.includes('-')
          ? s.padEnd(w)
          : s.padStart(w, flags.includes('0') && /[diuxXo]/.test(ch) ? '0' : ' ');
      return s;
    });
    if (failed || out.length > MAX_OUTPUT) return undefined;
    if (used === 0 || next >= args.length) break;
  }
  return out;
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
