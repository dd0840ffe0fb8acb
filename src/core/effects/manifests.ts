// The files in which package managers and task runners keep the commands they run: justfiles,
// Taskfiles, the script tables of pyproject.toml, tox.ini, noxfile.py, deno.json and composer.json.
// Each reader is tolerant: it never throws, and what it cannot read it leaves out, so a task it
// does not find is judged by the caller as unknown rather than as harmless.

/** A named task: shell lines it runs, other tasks it runs first or in sequence, and code it evaluates. */
export interface Task {
  lines: string[];
  refs: string[];
  /** A shebang recipe (justfile): the whole body is one script for this interpreter line. */
  script?: string;
  /** Python the runner evaluates (poe `expr`). */
  python?: string[];
}

export type Tasks = Map<string, Task>;

const MAX_TEXT = 512 * 1024;
const task = (): Task => ({ lines: [], refs: [] });

// ---- justfile ----------------------------------------------------------------------------

const JUST_SETTING = /^(set|alias|export|import|mod|unexport)\b/;

/** Recipes of a justfile, in order; `{{var}}` is replaced by the variable's value when it is a literal. */
export function justRecipes(text: string): Tasks {
  const out: Tasks = new Map();
  if (text.length > MAX_TEXT) return out;
  const vars = new Map<string, string>();
  let current: Task | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^[ \t]/.test(line)) {
      if (current && line.trim() !== '') current.lines.push(line.trim());
      continue;
    }
    if (line.trim() === '') continue;
    current = undefined;
    if (line.startsWith('#') || line.startsWith('[')) continue;
    const assign = /^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$/.exec(line);
    if (assign) {
      const v = /^(['"])(.*)\1\s*(#.*)?$/.exec(assign[2]!.trim());
      if (v) vars.set(assign[1]!, v[2]!);
      continue;
    }
    if (JUST_SETTING.test(line)) continue;
    const m = /^@?([A-Za-z_][\w-]*)([^:]*?):(?!=)(.*)$/.exec(line);
    if (!m) continue;
    const deps: string[] = [];
    // `release: build (sync "x") && notify`: dependencies before and after.
    for (const d of m[3]!.replace(/#.*$/, '').matchAll(/\(?\s*([A-Za-z_][\w-]*)/g)) deps.push(d[1]!);
    current = { lines: [], refs: deps.filter((d) => !/^(&&)$/.test(d)) };
    out.set(m[1]!, current);
  }
  for (const t of out.values()) {
    t.lines = t.lines.map((l) => justInterpolate(l, vars));
    if (t.lines[0]?.startsWith('#!')) {
      t.script = t.lines.join('\n');
      t.lines = [];
    } else t.lines = t.lines.map((l) => l.replace(/^[@-]+/, ''));
  }
  return out;
}

function justInterpolate(line: string, vars: Map<string, string>): string {
  return line.replace(/\{\{([^{}]*)\}\}/g, (_m, expr: string) => {
    const e = expr.trim();
    if (/^home_directory\(\)$/.test(e)) return '~';
    if (/^(justfile_directory|invocation_directory|source_directory)\(\)$/.test(e)) return '.';
    const v = vars.get(e);
    if (v !== undefined) return v;
    const lit = /^(['"])(.*)\1$/.exec(e);
    return lit ? lit[2]! : '"$JUST_VALUE"';
  });
}

// ---- Taskfile (go-task) --------------------------------------------------------------------

/** Tasks of a Taskfile: `cmds`, `cmd`, the short forms, `deps` and `task:` calls. */
export function taskfileTasks(text: string, parseYaml: ((text: string) => unknown) | undefined): Tasks {
  const out: Tasks = new Map();
  if (text.length > MAX_TEXT || !parseYaml) return out;
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return out;
  }
  if (!isRecord(doc)) return out;
  const vars = stringVars(doc.vars);
  const tasks = doc.tasks;
  if (!isRecord(tasks)) return out;
  for (const [name, def] of Object.entries(tasks)) {
    const t = task();
    const local = new Map([...vars, ...(isRecord(def) ? stringVars(def.vars) : [])]);
    const addCmd = (c: unknown) => {
      if (typeof c === 'string') t.lines.push(goTemplate(c, local));
      else if (isRecord(c)) {
        if (typeof c.cmd === 'string') t.lines.push(goTemplate(c.cmd, local));
        if (typeof c.task === 'string') t.refs.push(c.task);
        if (c.defer !== undefined) addCmd(c.defer);
      }
    };
    if (typeof def === 'string') addCmd(def);
    else if (Array.isArray(def)) def.forEach(addCmd);
    else if (isRecord(def)) {
      if (typeof def.cmd === 'string') addCmd(def.cmd);
      if (Array.isArray(def.cmds)) def.cmds.forEach(addCmd);
      if (Array.isArray(def.deps))
        for (const d of def.deps) {
          if (typeof d === 'string') t.refs.push(d);
          else if (isRecord(d) && typeof d.task === 'string') t.refs.push(d.task);
        }
    }
    out.set(name, t);
  }
  return out;
}

function stringVars(v: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isRecord(v)) return out;
  for (const [k, x] of Object.entries(v))
    if (typeof x === 'string' || typeof x === 'number') out.set(k, String(x));
  return out;
}

function goTemplate(line: string, vars: Map<string, string>): string {
  return line.replace(/\{\{([^{}]*)\}\}/g, (_m, expr: string) => {
    const e = expr.trim();
    if (/^\.(ROOT_DIR|TASKFILE_DIR|USER_WORKING_DIR|TASK_DIR)$/.test(e)) return '.';
    const v = /^\.([A-Za-z_]\w*)$/.exec(e);
    if (v && vars.has(v[1]!)) return vars.get(v[1]!)!;
    return '"$TASK_VALUE"';
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---- a small TOML reader -------------------------------------------------------------------

type TomlValue = string | TomlValue[] | { [k: string]: TomlValue } | undefined;

/** `key = value` entries per table header, for the value shapes script tables use. Never throws. */
export function tomlEntries(text: string): Map<string, Map<string, TomlValue>> {
  const out = new Map<string, Map<string, TomlValue>>();
  if (text.length > MAX_TEXT) return out;
  let table = '';
  const at = (name: string) => {
    const m = out.get(name) ?? new Map();
    out.set(name, m);
    return m;
  };
  at('');
  const r = new TomlReader(text);
  while (!r.done()) {
    r.skipBlank();
    if (r.done()) break;
    if (r.peek() === '[') {
      const line = r.line();
      const h = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
      table = h ? h[1]!.split('.').map(unquoteKey).join('.') : '';
      at(table);
      continue;
    }
    const start = r.pos;
    const key = r.key();
    r.spaces();
    if (key === undefined || r.peek() !== '=') {
      r.pos = start;
      r.line();
      continue;
    }
    r.pos++;
    r.spaces();
    const value = r.value(0);
    r.line();
    // Dotted keys (`nuke.shell = "..."`) land in the sub-table.
    const parts = key.split('\u0000');
    const name = parts.pop()!;
    at([table, ...parts].filter(Boolean).join('.')).set(name, value);
  }
  return out;
}

function unquoteKey(k: string): string {
  const t = k.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}

class TomlReader {
  pos = 0;
  constructor(private readonly s: string) {}
  done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): string {
    return this.s[this.pos] ?? '';
  }
  spaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipBlank(): void {
    for (;;) {
      while (/[ \t\r\n]/.test(this.peek()) && !this.done()) this.pos++;
      if (this.peek() === '#') this.line();
      else return;
    }
  }
  /** The rest of the line, consumed. */
  line(): string {
    const end = this.s.indexOf('\n', this.pos);
    const stop = end < 0 ? this.s.length : end + 1;
    const text = this.s.slice(this.pos, stop);
    this.pos = stop;
    return text.trim();
  }
  /** A bare, quoted or dotted key; parts joined by NUL. */
  key(): string | undefined {
    const parts: string[] = [];
    for (;;) {
      this.spaces();
      const c = this.peek();
      if (c === '"' || c === "'") {
        const v = this.string();
        if (v === undefined) return undefined;
        parts.push(v);
      } else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.pos, this.pos + 256));
        if (!m) return undefined;
        parts.push(m[0]);
        this.pos += m[0].length;
      }
      this.spaces();
      if (this.peek() !== '.') return parts.join('\u0000');
      this.pos++;
    }
  }
  string(): string | undefined {
    const s = this.s;
    const q = s[this.pos]!;
    const triple = s.startsWith(q.repeat(3), this.pos);
    const close = triple ? q.repeat(3) : q;
    this.pos += close.length;
    if (triple && s[this.pos] === '\n') this.pos++;
    let out = '';
    while (this.pos < s.length) {
      if (s.startsWith(close, this.pos)) {
        this.pos += close.length;
        return out;
      }
      const c = s[this.pos]!;
      if (!triple && c === '\n') return undefined;
      if (c === '\\' && q === '"') {
        const n = s[this.pos + 1] ?? '';
        const esc: Record<string, string> = {
          n: '\n',
          t: '\t',
          r: '\r',
          '"': '"',
          '\\': '\\',
          b: '\b',
          f: '\f',
        };
        if (n in esc) {
          out += esc[n];
          this.pos += 2;
          continue;
        }
        if (n === 'u' || n === 'U') {
          const len = n === 'u' ? 4 : 8;
          const hex = s.slice(this.pos + 2, this.pos + 2 + len);
          const code = /^[0-9a-fA-F]+$/.test(hex) ? Number.parseInt(hex, 16) : Number.NaN;
          out += code <= 0x10ffff ? String.fromCodePoint(code) : '';
          this.pos += 2 + len;
          continue;
        }
        if (triple && n === '\n') {
          this.pos += 2;
          while (/[ \t\r\n]/.test(s[this.pos] ?? '')) this.pos++;
          continue;
        }
        out += n;
        this.pos += 2;
        continue;
      }
      out += c;
      this.pos++;
    }
    return undefined;
  }
  value(depth: number): TomlValue {
    this.skipInline();
    const c = this.peek();
    if (depth > 16) return undefined;
    if (c === '"' || c === "'") return this.string();
    if (c === '[') {
      this.pos++;
      const arr: TomlValue[] = [];
      for (;;) {
        this.skipBlank();
        if (this.done()) return arr;
        if (this.peek() === ']') {
          this.pos++;
          return arr;
        }
        const before = this.pos;
        arr.push(this.value(depth + 1));
        this.skipBlank();
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== ']' && this.pos === before) this.pos++;
      }
    }
    if (c === '{') {
      this.pos++;
      const obj: { [k: string]: TomlValue } = {};
      for (;;) {
        this.spaces();
        if (this.done() || this.peek() === '\n') return obj;
        if (this.peek() === '}') {
          this.pos++;
          return obj;
        }
        const key = this.key();
        this.spaces();
        if (key === undefined || this.peek() !== '=') {
          // Not an inline table we can read: skip to its end.
          while (!this.done() && this.peek() !== '}' && this.peek() !== '\n') this.pos++;
          if (this.peek() === '}') this.pos++;
          return obj;
        }
        this.pos++;
        obj[key.split('\u0000').join('.')] = this.value(depth + 1);
        this.spaces();
        if (this.peek() === ',') this.pos++;
      }
    }
    // A number, boolean or date: not a command.
    while (!this.done() && !/[,\]}\n#]/.test(this.peek())) this.pos++;
    return undefined;
  }
  private skipInline(): void {
    this.spaces();
  }
}

/** Script tables of a pyproject.toml, by runner: pdm, hatch (per env), taskipy, poe, rye. */
export function pyprojectTasks(text: string): Map<string, Tasks> {
  const out = new Map<string, Tasks>();
  const tables = tomlEntries(text);
  const runner = (name: string) => {
    const m = out.get(name) ?? new Map();
    out.set(name, m);
    return m;
  };
  for (const [table, entries] of tables) {
    const sub = /^tool\.(pdm|rye)\.scripts\.([^.]+)$/.exec(table);
    const hatch = /^tool\.hatch\.envs\.([^.]+)\.scripts$/.exec(table);
    const poe = /^tool\.poe\.tasks\.([^.]+)$/.exec(table);
    if (table === 'tool.pdm.scripts' || table === 'tool.rye.scripts') {
      const r = runner(table.split('.')[1]!);
      for (const [k, v] of entries) if (k !== '_') r.set(k, pdmTask(v));
    } else if (sub) {
      runner(sub[1]!).set(sub[2]!, pdmTask(Object.fromEntries(entries)));
    } else if (hatch) {
      const r = runner(`hatch:${hatch[1]}`);
      for (const [k, v] of entries) r.set(k, { lines: strings(v), refs: [] });
    } else if (table === 'tool.taskipy.tasks') {
      const r = runner('taskipy');
      for (const [k, v] of entries)
        r.set(k, { lines: typeof v === 'string' ? [v] : isTable(v) ? strings(v.cmd) : [], refs: [] });
    } else if (table === 'tool.poe.tasks') {
      const r = runner('poe');
      for (const [k, v] of entries) r.set(k, poeTask(v));
    } else if (poe) {
      runner('poe').set(poe[1]!, poeTask(Object.fromEntries(entries)));
    }
  }
  return out;
}

function isTable(v: TomlValue): v is { [k: string]: TomlValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: TomlValue): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

function pdmTask(v: TomlValue): Task {
  if (typeof v === 'string') return { lines: [v], refs: [] };
  // `cmd = ["pytest", "-x"]` is one command's words.
  if (Array.isArray(v)) return { lines: [strings(v).map(shellQuote).join(' ')], refs: [] };
  if (!isTable(v)) return task();
  const t = task();
  if (typeof v.cmd === 'string') t.lines.push(v.cmd);
  else if (Array.isArray(v.cmd)) t.lines.push(strings(v.cmd).map(shellQuote).join(' '));
  t.lines.push(...strings(v.shell));
  for (const c of strings(v.composite ?? v.chain)) {
    // A composite step is another script's name (with arguments) or a command.
    t.refs.push(c.split(/\s+/)[0]!);
    t.lines.push(c);
  }
  return t;
}

function poeTask(v: TomlValue): Task {
  if (typeof v === 'string') return { lines: [v], refs: [] };
  if (Array.isArray(v)) {
    const t = task();
    for (const x of v) {
      if (typeof x === 'string') {
        t.refs.push(x);
        t.lines.push(x);
      } else {
        const sub = poeTask(x);
        t.lines.push(...sub.lines);
        t.refs.push(...sub.refs);
      }
    }
    return t;
  }
  if (!isTable(v)) return task();
  const t = task();
  t.lines.push(...strings(v.cmd), ...strings(v.shell));
  if (typeof v.ref === 'string') t.refs.push(v.ref.split(/\s+/)[0]!);
  if (Array.isArray(v.sequence)) {
    const sub = poeTask(v.sequence);
    t.lines.push(...sub.lines);
    t.refs.push(...sub.refs);
  }
  if (typeof v.expr === 'string') t.python = [v.expr];
  for (const d of strings(v.deps)) t.refs.push(d.split(/\s+/)[0]!);
  return t;
}

export function shellQuote(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

// ---- tox.ini, noxfile.py -------------------------------------------------------------------

/** The commands of every test environment in a tox.ini (or a `legacy_tox_ini` string). */
export function toxCommands(text: string): string[] {
  if (text.length > MAX_TEXT) return [];
  const out: string[] = [];
  let section = '';
  let collecting = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const h = /^\s*\[([^\]]+)\]/.exec(line);
    if (h) {
      section = h[1]!.trim();
      collecting = false;
      continue;
    }
    if (!/^(testenv|tox:testenv)/.test(section)) continue;
    const kv = /^([A-Za-z_]+)\s*[=:]\s*(.*)$/.exec(line);
    if (kv) {
      collecting = /^commands(_pre|_post)?$/.test(kv[1]!);
      if (collecting && kv[2]!.trim()) out.push(kv[2]!.trim());
      continue;
    }
    if (collecting && /^\s+\S/.test(line)) {
      const prev = out.length - 1;
      if (prev >= 0 && out[prev]!.endsWith('\\'))
        out[prev] = `${out[prev]!.slice(0, -1).trimEnd()} ${line.trim()}`;
      else out.push(line.trim());
    } else if (line.trim() !== '' && !/^\s*[#;]/.test(line)) collecting = false;
  }
  return out
    .filter((l) => !l.startsWith('#'))
    .map((l) =>
      l
        .replace(/^[-!]+\s*/, '')
        .replace(/\{posargs(?::([^{}]*))?\}/g, (_m, d: string | undefined) => d ?? '')
        .replace(/\{(toxinidir|tox_root|toxworkdir|work_dir)\}/g, '.')
        .replace(/\{homedir\}/g, '~')
        .replace(
          /\{(envdir|env_dir|envtmpdir|env_tmp_dir|envsitepackagesdir|envlogdir|envbindir)\}/g,
          '.tox/env',
        )
        .replace(/\{env:([A-Za-z_]\w*)(?::[^{}]*)?\}/g, '"$$$1"')
        .replace(/\{[^{}]*\}/g, '"$TOX_VALUE"'),
    );
}

/** `session.run("rm", "-rf", path)` in a noxfile: commands whose words are all string literals. */
export function noxCommands(text: string): string[] {
  if (text.length > MAX_TEXT) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/\bsession\.(?:run|run_always|run_install)\(/g)) {
    const words: string[] = [];
    let i = m.index + m[0].length;
    for (let n = 0; n < 64; n++) {
      while (/\s/.test(text[i] ?? '')) i++;
      const lit = /^[rbuRBU]?(["'])((?:\\.|(?!\1)[^\\\n])*)\1/.exec(text.slice(i, i + 4096));
      if (!lit) {
        // `*args`, a variable or a keyword argument: a word nobody can see.
        if (!/^[)]/.test(text.slice(i)) && !/^[A-Za-z_]\w*\s*=/.test(text.slice(i, i + 64)))
          words.push('"$NOX_VALUE"');
        break;
      }
      words.push(shellQuote(lit[2]!.replace(/\\(.)/g, '$1')));
      i += lit[0].length;
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== ',') break;
      i++;
    }
    if (words.length > 0 && words[0] !== '"$NOX_VALUE"') out.push(words.join(' '));
  }
  return out;
}

// ---- build.rs -------------------------------------------------------------------------------

const RUST_STR = /^\s*&?\s*(?:r#*)?"((?:\\.|[^"\\])*)"(?:\.to_string\(\)|\.into\(\))?\s*$/;

/** A Rust expression as a shell word: a string literal, the home directory, else unknown. */
function rustWord(expr: string): string {
  const lit = RUST_STR.exec(expr);
  if (lit) return shellQuote(lit[1]!.replace(/\\(.)/g, '$1'));
  if (/home_dir\(\)|var(_os)?\(\s*"HOME"\s*\)/.test(expr)) return '~';
  return '"$RUST_VALUE"';
}

/** Split a Rust argument list at top-level commas. */
function rustArgs(src: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === '"') quote = false;
    } else if (ch === '"') quote = true;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      out.push(src.slice(start, i));
      start = i + 1;
    }
  }
  if (src.slice(start).trim()) out.push(src.slice(start));
  return out;
}

/** The text inside the parentheses or brackets that open at `open`, or undefined. */
function balanced(text: string, open: number): string | undefined {
  const close: Record<string, string> = { '(': ')', '[': ']' };
  const want = close[text[open]!];
  if (!want) return undefined;
  let depth = 0;
  let quote = false;
  for (let i = open; i < text.length && i < open + 8192; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === '"') quote = false;
    } else if (ch === '"') quote = true;
    else if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  return undefined;
}

/**
 * What a Cargo build script runs: `Command::new("x").arg(..).args([..])` chains as commands,
 * `fs::remove_dir_all`/`remove_file` as deletes. Arguments that are not literals stay unknown.
 */
export function rustCommands(text: string): string[] {
  if (text.length > MAX_TEXT) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/\bCommand::new\(/g)) {
    const first = balanced(text, m.index + m[0].length - 1);
    if (first === undefined) continue;
    const words = [rustWord(first)];
    let i = m.index + m[0].length + first.length + 1;
    for (let n = 0; n < 64; n++) {
      const call =
        /^\s*\.\s*(arg|args|current_dir|env|envs|stdout|stderr|stdin|status|output|spawn|env_remove|env_clear)\s*\(/.exec(
          text.slice(i, i + 256),
        );
      if (!call) break;
      const inner = balanced(text, i + call[0].length - 1);
      if (inner === undefined) break;
      if (call[1] === 'arg') words.push(rustWord(inner));
      else if (call[1] === 'args') {
        const list = /^\s*(?:&\s*)?(?:vec!\s*)?\[([\s\S]*)\]\s*$/.exec(inner);
        words.push(...(list ? rustArgs(list[1]!).map(rustWord) : ['"$RUST_VALUE"']));
      }
      i += call[0].length + inner.length + 1;
    }
    if (words[0] !== '"$RUST_VALUE"') out.push(words.join(' '));
  }
  for (const m of text.matchAll(/\b(remove_dir_all|remove_file)\(/g)) {
    const inner = balanced(text, m.index + m[0].length - 1);
    if (inner === undefined) continue;
    const w = rustWord(inner);
    if (w !== '"$RUST_VALUE"') out.push(`${m[1] === 'remove_dir_all' ? 'rm -rf' : 'rm -f'} ${w}`);
  }
  return out;
}

// ---- deno.json, composer.json --------------------------------------------------------------

/** `tasks` of a deno.json(c): a command string or `{ command, dependencies }`. */
export function denoTasks(text: string): Tasks {
  const out: Tasks = new Map();
  const doc = parseJsonish(text);
  if (!isRecord(doc) || !isRecord(doc.tasks)) return out;
  for (const [k, v] of Object.entries(doc.tasks)) {
    if (typeof v === 'string') out.set(k, { lines: [v], refs: [] });
    else if (isRecord(v))
      out.set(k, {
        lines: typeof v.command === 'string' ? [v.command] : [],
        refs: Array.isArray(v.dependencies)
          ? v.dependencies.filter((d): d is string => typeof d === 'string')
          : [],
      });
  }
  return out;
}

/** `scripts` of a composer.json: a command or a list; `@name` runs another script, `@php` php. */
export function composerScripts(text: string): Tasks {
  const out: Tasks = new Map();
  const doc = parseJsonish(text);
  if (!isRecord(doc) || !isRecord(doc.scripts)) return out;
  for (const [k, v] of Object.entries(doc.scripts)) {
    const items =
      typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
    const t = task();
    for (const item of items as string[]) {
      if (/^@(php|composer|putenv)\b/.test(item)) t.lines.push(item.slice(1));
      else if (item.startsWith('@')) t.refs.push(item.slice(1).split(/\s+/)[0]!);
      else if (/^[\w\\]+::\w+$/.test(item))
        continue; // a PHP callback
      else t.lines.push(item);
    }
    out.set(k, t);
  }
  return out;
}

/** JSON, or JSON with comments and trailing commas (deno.jsonc). */
export function parseJsonish(text: string): unknown {
  if (text.length > MAX_TEXT) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // fall through
  }
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const m = /^"(?:\\.|[^"\\\n])*"/.exec(text.slice(i, i + 65536));
      if (!m) return undefined;
      out += m[0];
      i += m[0].length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end - 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else out += c;
  }
  try {
    return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

/** The tasks `name` runs, following references (depth-limited), with pre/post hooks when asked. */
export function closure(tasks: Tasks, names: string[], hooks: ((n: string) => string[]) | undefined): Task[] {
  const out: Task[] = [];
  const seen = new Set<string>();
  const walk = (n: string, depth: number) => {
    if (seen.has(n) || depth > 8) return;
    seen.add(n);
    const t = tasks.get(n);
    if (!t) return;
    const pre = hooks ? hooks(n) : [];
    for (const h of pre.slice(0, 1)) walk(h, depth + 1);
    for (const r of t.refs) walk(r, depth + 1);
    out.push(t);
    for (const h of pre.slice(1)) walk(h, depth + 1);
  };
  for (const n of names) walk(n, 0);
  return out;
}
