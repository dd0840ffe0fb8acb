// Just enough TOML for Codex's config.toml: find the string values of keys by their full dotted path
// (`hooks.state."<key>".trusted_hash`, `projects."<dir>".trust_level`), and set one by editing the text in
// place: the value's line when the key is there, a line under its table's header when the table is, else a
// new table at the end. Everything else in the file (comments, order, other tables) stays byte for byte.
// The input is the user's file, so reading never throws: what it cannot follow it skips.

/** A key path segment, quoted as TOML needs: bare when it can be, else a basic string. */
export function tomlKey(segment: string): string {
  return /^[A-Za-z0-9_-]+$/.test(segment) ? segment : tomlString(segment);
}

export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Parses a dotted key (`a."b.c".d`) from the start of `text`; returns its segments and the rest. */
function parseKey(text: string): { path: string[]; rest: string } | undefined {
  const path: string[] = [];
  let i = 0;
  const skip = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  for (;;) {
    skip();
    if (text[i] === '"') {
      const s = parseBasic(text, i);
      if (!s) return undefined;
      path.push(s.value);
      i = s.end;
    } else if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      path.push(text.slice(i + 1, end));
      i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!m) return undefined;
      path.push(m[0]);
      i += m[0].length;
    }
    skip();
    if (text[i] !== '.') return { path, rest: text.slice(i) };
    i++;
  }
}

/** A basic string starting at `start` (the opening quote). */
function parseBasic(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') return { value, end: i + 1 };
    if (ch !== '\\') {
      value += ch;
      continue;
    }
    const next = text[++i];
    const simple: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      n: '\n',
      t: '\t',
      r: '\r',
      b: '\b',
      f: '\f',
    };
    if (next !== undefined && next in simple) value += simple[next];
    else if (next === 'u' || next === 'U') {
      const len = next === 'u' ? 4 : 8;
      const hex = text.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return undefined;
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      value += String.fromCodePoint(cp);
      i += len;
    } else return undefined;
  }
  return undefined;
}

/** A string value at the start of `text` (after `=`), basic or literal; undefined for anything else. */
function parseStringValue(text: string): string | undefined {
  const t = text.trimStart();
  if (t.startsWith('"') && !t.startsWith('"""')) return parseBasic(t, 0)?.value;
  if (t.startsWith("'") && !t.startsWith("'''")) {
    const end = t.indexOf("'", 1);
    return end < 0 ? undefined : t.slice(1, end);
  }
  return undefined;
}

interface Line {
  /** The table this line is in (its header's path), or the header's own path. */
  table: string[];
  header: boolean;
  key?: string[];
  /** The line up to the `=` of its assignment (indentation and key as written). */
  prefix?: string;
  value?: string;
}

/** Line by line: headers, and `key = "string"` assignments with their full paths. Multi-line values are skipped. */
function scan(text: string): Line[] {
  const lines = text.split('\n');
  const out: Line[] = [];
  let table: string[] = [];
  let inMultiline: string | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (inMultiline) {
      if (line.includes(inMultiline)) inMultiline = undefined;
      out.push({ table, header: false });
      continue;
    }
    const t = line.trim();
    const header = /^\[\[?(.*?)\]\]?\s*(#.*)?$/.exec(t);
    if (header && !t.startsWith('[[') === !t.replace(/\s*#.*$/, '').endsWith(']]')) {
      const k = parseKey(header[1] ?? '');
      table = k && k.rest.trim() === '' ? k.path : ['\0unreadable'];
      out.push({ table, header: true });
      continue;
    }
    const k = parseKey(t);
    if (k?.rest.startsWith('=')) {
      const rhs = k.rest.slice(1).trimStart();
      for (const q of ['"""', "'''"]) if (rhs.startsWith(q) && !rhs.slice(3).includes(q)) inMultiline = q;
      const value = parseStringValue(rhs);
      const prefix =
        line.slice(0, line.length - line.trimStart().length) + t.slice(0, t.length - k.rest.length).trimEnd();
      out.push({
        table,
        header: false,
        key: [...table, ...k.path],
        prefix,
        ...(value === undefined ? {} : { value }),
      });
      continue;
    }
    out.push({ table, header: false });
  }
  return out;
}

const same = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/** The string at `path` (the last assignment wins, as a duplicate is an error Codex reports anyway). */
export function getTomlString(text: string, path: string[]): string | undefined {
  let found: string | undefined;
  for (const l of scan(text)) if (l.key && same(l.key, path) && l.value !== undefined) found = l.value;
  return found;
}

/**
 * `text` with the string at `path` set to `value`: the line holding it rewritten, else a line added under the
 * table header `path` minus its last segment, else that table appended at the end.
 */
export function setTomlString(text: string, path: string[], value: string): string {
  const lines = text.split('\n');
  const scanned = scan(text);
  const table = path.slice(0, -1);
  const leaf = path[path.length - 1]!;
  const assignment = `${tomlKey(leaf)} = ${tomlString(value)}`;
  for (let i = scanned.length - 1; i >= 0; i--) {
    const l = scanned[i]!;
    // Wherever the key is written (under its own table, or dotted under a parent), its line is rewritten.
    if (l.key && same(l.key, path)) {
      lines[i] = `${l.prefix} = ${tomlString(value)}`;
      return lines.join('\n');
    }
  }
  const headerAt = scanned.findIndex((l) => l.header && same(l.table, table));
  if (headerAt >= 0) {
    lines.splice(headerAt + 1, 0, assignment);
    return lines.join('\n');
  }
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  const gap = body === '' ? '' : '\n';
  return `${body}${gap}[${table.map(tomlKey).join('.')}]\n${assignment}\n`;
}
