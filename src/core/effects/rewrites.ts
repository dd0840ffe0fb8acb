// What a command that rewrites a file leaves in it, for the programs agents use to change package
// scripts and build files: `npm pkg set`, `npm set-script`, `json -I`, `jq`/`yq` assignments and
// `sed` substitutions. Each returns the new text, or undefined when the change cannot be computed
// (the caller then treats the file as changed in an unknown way). Never throws.

const MAX_TEXT = 256 * 1024;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isObj(v: unknown): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parse(text: string): Json | undefined {
  if (text.length > MAX_TEXT) return undefined;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Set (or, with `value` undefined, delete) `path` in `doc`; false when the path cannot be followed. */
function setPath(doc: Json, path: string[], value: Json | undefined): boolean {
  if (path.length === 0 || path.some((k) => FORBIDDEN.has(k))) return false;
  let cur: Json = doc;
  for (const k of path.slice(0, -1)) {
    if (!isObj(cur)) return false;
    if (!isObj(cur[k])) {
      if (value === undefined) return true;
      cur[k] = {};
    }
    cur = cur[k]!;
  }
  if (!isObj(cur)) return false;
  const last = path[path.length - 1]!;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return true;
}

/** `scripts.test`, `scripts[test]`, `scripts["pre-test"]` -> its keys. */
function dottedPath(key: string): string[] | undefined {
  const out: string[] = [];
  const re = /\.?([^.[\]]+)|\[\s*(?:(['"])(.*?)\2|([^\]]*))\s*\]/y;
  let i = 0;
  while (i < key.length) {
    re.lastIndex = i;
    const m = re.exec(key);
    if (!m || m[0] === '') return undefined;
    out.push(m[1] ?? m[3] ?? m[4] ?? '');
    i = re.lastIndex;
  }
  return out.length > 0 ? out : undefined;
}

/**
 * `npm pkg set k=v ...` (with `--json`, values are JSON), `npm pkg delete k ...`, `npm set-script name
 * cmd`. `words` are the arguments after `pkg`/`set-script`; a null word is only known at run time.
 */
export function npmPkgEdit(
  before: string,
  verb: string,
  words: (string | null)[],
  json: boolean,
): string | undefined {
  const doc = parse(before);
  if (!isObj(doc)) return undefined;
  if (verb === 'set-script') {
    const [name, cmd] = words;
    if (name == null || cmd == null) return undefined;
    return setPath(doc, ['scripts', name], cmd) ? JSON.stringify(doc, null, 2) : undefined;
  }
  for (const w of words) {
    if (w === null) return undefined;
    if (verb === 'set') {
      const eq = w.indexOf('=');
      if (eq <= 0) return undefined;
      const path = dottedPath(w.slice(0, eq));
      let value: Json = w.slice(eq + 1);
      if (json) {
        const v = parse(value);
        if (v === undefined) return undefined;
        value = v;
      }
      if (!path || !setPath(doc, path, value)) return undefined;
    } else if (verb === 'delete') {
      const path = dottedPath(w);
      if (!path || !setPath(doc, path, undefined)) return undefined;
    } else return undefined;
  }
  return JSON.stringify(doc, null, 2);
}

/** One JavaScript string, number or boolean literal. */
function jsLiteral(src: string): Json | undefined {
  const t = src.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  const m = /^(["'`])((?:\\.|(?!\1)[^\\])*)\1$/s.exec(t);
  if (!m) return undefined;
  if (m[1] === '`' && m[2]!.includes('${')) return undefined;
  return m[2]!.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (_s, e: string) => {
    if (e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/** Split at `sep` outside quotes and brackets. */
function splitTop(src: string, sep: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === sep && depth === 0) {
      // `|=` is an operator, not a pipe.
      if (sep === '|' && src[i + 1] === '=') continue;
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  if (quote || depth !== 0) return undefined;
  out.push(src.slice(start));
  return out;
}

/** `json -I -f package.json -e 'this.scripts.x = "..."; delete this.scripts.y'`. */
export function jsonToolEdit(before: string, code: string): string | undefined {
  const doc = parse(before);
  if (!isObj(doc)) return undefined;
  const stmts = splitTop(code, ';');
  if (!stmts) return undefined;
  for (const s of stmts) {
    const t = s.trim();
    if (t === '') continue;
    const del = /^delete\s+this((?:\.[A-Za-z_$][\w$]*|\[\s*(['"])[^'"]*\2\s*\])+)$/.exec(t);
    if (del) {
      const path = dottedPath(del[1]!.replace(/^\./, ''));
      if (!path || !setPath(doc, path, undefined)) return undefined;
      continue;
    }
    const m = /^this((?:\.[A-Za-z_$][\w$-]*|\[\s*(['"])[^'"]*\2\s*\])+)\s*=\s*([\s\S]+)$/.exec(t);
    if (!m) return undefined;
    const path = dottedPath(m[1]!.replace(/^\./, ''));
    const value = jsLiteral(m[3]!);
    if (!path || value === undefined || !setPath(doc, path, value)) return undefined;
  }
  return JSON.stringify(doc, null, 2);
}

/** jq/yq path `.scripts.test`, `.scripts["pre-x"]`, `.["scripts"].x`. */
function jqPath(src: string): string[] | undefined {
  const t = src.trim();
  if (!t.startsWith('.')) return undefined;
  const out: string[] = [];
  const re = /\.?(?:([A-Za-z_][\w-]*)|"((?:\\.|[^"\\])*)"|\[\s*"((?:\\.|[^"\\])*)"\s*\])/y;
  let i = 0;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m || m[0] === '' || m[0] === '.') return undefined;
    out.push(m[1] ?? m[2] ?? m[3] ?? '');
    i = re.lastIndex;
  }
  return out.length > 0 ? out : undefined;
}

/**
 * A jq (or yq) filter made of assignments (`.a.b = "x"`, `|=`, `+=` on strings), `del(...)` and `.`,
 * applied to `before`. `vars` holds `--arg` values (null when only known at run time).
 */
export function jqEdit(before: string, filter: string, vars: Map<string, string | null>): string | undefined {
  const doc = parse(before);
  if (!isObj(doc)) return undefined;
  const parts = splitTop(filter, '|');
  if (!parts) return undefined;
  for (const p of parts) {
    const t = p.trim();
    if (t === '.' || t === '') continue;
    const del = /^del\((.*)\)$/s.exec(t);
    if (del) {
      for (const q of splitTop(del[1]!, ',') ?? [])
        if (!setPath(doc, jqPath(q) ?? [], undefined)) return undefined;
      continue;
    }
    const m = /^(\.[^=|+]*?)\s*(\|=|\+=|=)\s*([\s\S]+)$/.exec(t);
    if (!m) return undefined;
    const path = jqPath(m[1]!);
    if (!path) return undefined;
    let value: Json | undefined;
    const v = m[3]!.trim();
    const ref = /^\$([A-Za-z_]\w*)$/.exec(v);
    if (ref) {
      const x = vars.get(ref[1]!);
      if (x === undefined || x === null) return undefined;
      value = x;
    } else value = parse(v);
    if (value === undefined) return undefined;
    if (m[2] === '+=') {
      let cur: Json | undefined = doc;
      for (const k of path) cur = isObj(cur) ? cur[k] : undefined;
      if (typeof cur !== 'string' || typeof value !== 'string') return undefined;
      value = cur + value;
    }
    if (!setPath(doc, path, value)) return undefined;
  }
  return JSON.stringify(doc, null, 2);
}

// ---- sed ---------------------------------------------------------------------------------

interface SedCmd {
  addr?: { line?: number; last?: boolean; re?: RegExp };
  kind: 's' | 'd';
  re?: RegExp;
  repl?: string;
  global?: boolean;
}

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
};

/**
 * A sed regular expression as a JavaScript one, or undefined when it could backtrack badly (a
 * quantified group, a back-reference) or uses what we do not translate.
 */
export function sedRegExp(src: string, extended: boolean, flags: string): RegExp | undefined {
  if (src.length > 1024) return undefined;
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '[') {
      // The closing bracket: not a first `]` (a literal), not the end of a `[:class:]` inside.
      let end = i + (src[i + 1] === '^' ? 2 : 1);
      if (src[end] === ']') end++;
      while (end < src.length && src[end] !== ']') {
        if (src[end] === '[' && src[end + 1] === ':') {
          const close = src.indexOf(':]', end + 2);
          if (close < 0) return undefined;
          end = close + 2;
        } else end++;
      }
      if (end >= src.length) return undefined;
      const body = src
        .slice(i + 1, end)
        .replace(/\\/g, '\\\\')
        .replace(/\[:(\w+):\]/g, (_m, n: string) => CLASSES[n] ?? '\u0000');
      if (body.includes('\u0000') || body.includes('[')) return undefined;
      out += `[${body}]`;
      i = end;
      continue;
    }
    if (c === '\\') {
      const n = src[++i] ?? '';
      if (/[1-9]/.test(n)) return undefined;
      if (!extended && '(){}+?|'.includes(n)) out += n;
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else if (/[wWsSbB]/.test(n)) out += `\\${n}`;
      else if (n === '<' || n === '>') out += '\\b';
      else if (/\w/.test(n)) out += n;
      else out += `\\${n}`;
      continue;
    }
    if (!extended && '(){}+?|'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  // A quantified group can backtrack exponentially, many quantifiers polynomially: not computed.
  if (/\)[*+?{]/.test(out) || (out.match(/[*+{]/g)?.length ?? 0) > 4) return undefined;
  try {
    return new RegExp(out, flags);
  } catch {
    return undefined;
  }
}

function sedParse(script: string, extended: boolean): SedCmd[] | undefined {
  const cmds: SedCmd[] = [];
  let i = 0;
  const s = script;
  const delimited = (delim: string): string | undefined => {
    let out = '';
    for (; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\' && s[i + 1] === delim) {
        // An escaped delimiter is the character itself; marked so pattern and replacement each read it so.
        out += '\u0001';
        i++;
        continue;
      }
      if (c === '\\') {
        out += c + (s[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === delim) {
        i++;
        return out;
      }
      if (c === '\n') return undefined;
      out += c;
    }
    return undefined;
  };
  while (i < s.length) {
    while (/[\s;]/.test(s[i] ?? '')) i++;
    if (i >= s.length) break;
    const cmd: SedCmd = { kind: 's' };
    if (/\d/.test(s[i]!)) {
      const m = /^\d+/.exec(s.slice(i))!;
      cmd.addr = { line: Number(m[0]) };
      i += m[0].length;
    } else if (s[i] === '$') {
      cmd.addr = { last: true };
      i++;
    } else if (s[i] === '/') {
      i++;
      const re = delimited('/');
      const r = re === undefined ? undefined : sedRegExp(re.replaceAll('\u0001', '[/]'), extended, '');
      if (!r) return undefined;
      cmd.addr = { re: r };
    }
    const op = s[i++];
    if (op === 'd') cmd.kind = 'd';
    else if (op === 's') {
      const delim = s[i++];
      if (!delim || /[\s\\\n]/.test(delim)) return undefined;
      const pat = delimited(delim);
      const repl = pat === undefined ? undefined : delimited(delim);
      if (pat === undefined || repl === undefined) return undefined;
      const fl = /^[gIip0-9]*/.exec(s.slice(i))![0];
      i += fl.length;
      if (/[1-9]/.test(fl)) return undefined;
      const re = sedRegExp(
        pat.replaceAll('\u0001', `[${delim === '\\' ? '\\\\' : delim}]`),
        extended,
        /[Ii]/.test(fl) ? 'i' : '',
      );
      if (!re) return undefined;
      cmd.re = re;
      cmd.repl = repl.replaceAll('\u0001', delim);
      cmd.global = fl.includes('g');
    } else return undefined;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (i < s.length && s[i] !== ';' && s[i] !== '\n' && s[i] !== '}') return undefined;
    cmds.push(cmd);
  }
  return cmds;
}

function sedReplacement(repl: string, m: RegExpExecArray | string[]): string {
  let out = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c === '&') out += m[0];
    else if (c === '\\') {
      const n = repl[++i] ?? '';
      if (/[0-9]/.test(n)) out += m[Number(n)] ?? '';
      else if (n === 'n') out += '\n';
      else if (n === 't') out += '\t';
      else out += n;
    } else out += c;
  }
  return out;
}

/** `sed -i` with the given scripts (from -e or the first operand) applied to `before`. */
export function sedEdit(before: string, scripts: string[], extended: boolean): string | undefined {
  if (before.length > MAX_TEXT) return undefined;
  const cmds: SedCmd[] = [];
  for (const sc of scripts) {
    const parsed = sedParse(sc, extended);
    if (!parsed) return undefined;
    cmds.push(...parsed);
  }
  const lines = before.split('\n');
  if (lines.some((l) => l.length > 4096)) return undefined;
  const trailing = before.endsWith('\n');
  if (trailing) lines.pop();
  const out: string[] = [];
  lines.forEach((line, n) => {
    let text: string | undefined = line;
    for (const c of cmds) {
      if (text === undefined) break;
      const a = c.addr;
      if (a) {
        if (a.line !== undefined && a.line !== n + 1) continue;
        if (a.last && n !== lines.length - 1) continue;
        if (a.re && !a.re.test(text)) continue;
      }
      if (c.kind === 'd') {
        text = undefined;
        break;
      }
      const re = new RegExp(c.re!.source, c.re!.flags.replace('g', '') + (c.global ? 'g' : ''));
      text = text.replace(re, (...args) => {
        const groups = args.slice(0, -2).filter((x) => typeof x === 'string' || x === undefined) as string[];
        return sedReplacement(
          c.repl!,
          groups.map((g) => g ?? ''),
        );
      });
    }
    if (text !== undefined) out.push(text);
  });
  return out.join('\n') + (trailing ? '\n' : '');
}

/** The output of `echo` (`-n`, `-e`, `-E`) or `printf FORMAT ARGS...`; undefined for what we do not model. */
export function echoOutput(program: string, args: string[]): string | undefined {
  if (program === 'echo') {
    let i = 0;
    let newline = true;
    let escapes = false;
    for (; i < args.length && /^-[neE]+$/.test(args[i]!); i++) {
      if (args[i]!.includes('n')) newline = false;
      if (args[i]!.includes('e')) escapes = true;
      if (args[i]!.includes('E')) escapes = false;
    }
    const text = args.slice(i).join(' ');
    return (escapes ? backslashes(text) : text) + (newline ? '\n' : '');
  }
  if (program === 'printf') {
    let rest = args;
    if (rest[0] === '--') rest = rest.slice(1);
    if (rest[0] === '-v') return undefined;
    const [fmt, ...values] = rest;
    if (fmt === undefined) return undefined;
    let out = '';
    let k = 0;
    let guard = 0;
    do {
      out += backslashes(fmt).replace(/%([-+ 0#]*\d*(?:\.\d+)?)([sdbqcfxXoiu%])/g, (_m, _f, conv: string) => {
        if (conv === '%') return '%';
        const v = values[k++] ?? '';
        return conv === 'b' ? backslashes(v) : v;
      });
    } while (k < values.length && ++guard < 256);
    return out;
  }
  return undefined;
}

function backslashes(s: string): string {
  return s.replace(/\\(0[0-7]{0,3}|x[0-9a-fA-F]{1,2}|.)/g, (_m, e: string) => {
    if (e[0] === '0' && e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 8));
    if (e[0] === 'x' && e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return (
      (
        {
          n: '\n',
          t: '\t',
          r: '\r',
          '\\': '\\',
          a: '\u0007',
          b: '\b',
          f: '\f',
          v: '\v',
          e: '\u001b',
        } as Record<string, string>
      )[e] ?? `\\${e}`
    );
  });
}
