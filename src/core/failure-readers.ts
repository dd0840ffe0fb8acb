// The runners' own ways of naming a failing test and its assertion, one reader each: node:test (TAP
// and spec), vitest, jest, pytest, unittest, go test and cargo test. Each reader gets the output's lines,
// colour codes stripped and secrets redacted, and answers with the first failing test or null.

export interface Found {
  test: string;
  assertion: string;
  /** How many failing tests the output names in all (at least 1). */
  count: number;
}

export type Reader = (lines: readonly string[]) => Found | null;

const PART_MAX = 120;
/** How far from a failing test's name its message may be. */
const SEARCH_LINES = 200;

function flat(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function clip(text: string, max: number): string {
  const t = flat(text);
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/** `a: b` joined, dropping the trailing colon of a header whose detail follows. */
function join(head: string, detail: string): string {
  const h = clip(head, PART_MAX).replace(/:$/, '');
  const d = clip(detail, PART_MAX);
  return h && d ? `${h}: ${d}` : h || d;
}

// An error line: `AssertionError [ERR_ASSERTION]: msg`, `Error: msg`, `TypeError: msg`.
const ERROR_LINE = /^\s*((?:[A-Z]\w*)?(?:Error|Exception)(?: \[\w+\])?):\s*(.*)$/;

/** An error message and, when it ends in a colon, the first line after it (`NaN !== 0`). */
function errorAt(lines: readonly string[], i: number): string | null {
  const m = ERROR_LINE.exec(lines[i] ?? '');
  if (!m) return null;
  const kind = m[1]!.replace(/ \[\w+\]$/, '');
  const msg = m[2]!.trim();
  if (!msg.endsWith(':')) return `${kind}: ${msg}`;
  for (let j = i + 1; j < Math.min(lines.length, i + 6); j++) {
    const next = lines[j]!.trim();
    if (next && !/^at /.test(next) && !/^[+-] (actual|expected)\b/.test(next))
      return `${kind}: ${join(msg, next)}`;
  }
  return `${kind}: ${msg.replace(/:$/, '')}`;
}

function firstError(lines: readonly string[], from: number, to: number): string | null {
  for (let i = from; i < Math.min(to, lines.length); i++) {
    const e = errorAt(lines, i);
    if (e) return e;
  }
  return null;
}

// --- node:test, TAP (and other TAP producers) ---------------------------------------------------------

const NOT_OK = /^(\s*)not ok \d+(?: -)? ?(.*?)(?: # (TODO|SKIP)\b.*)?$/i;
const SUBTEST = /^(\s*)# Subtest: (.*)$/;

/** The value of `key:` in a TAP YAML block: inline, or its indented block joined on one line. */
function yamlValue(block: readonly string[], key: string): string | null {
  const i = block.findIndex((l) => new RegExp(`^\\s*${key}:`).test(l));
  if (i < 0) return null;
  const line = block[i]!;
  const inline = line.slice(line.indexOf(':') + 1).trim();
  if (inline && inline !== '|-' && inline !== '|' && inline !== '>-')
    return inline.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1');
  const own = indentOf(line);
  const out: string[] = [];
  for (let j = i + 1; j < block.length && (block[j]!.trim() === '' || indentOf(block[j]!) > own); j++)
    out.push(block[j]!.trim());
  return out.filter(Boolean).join('\n');
}

const readTap: Reader = (lines) => {
  const stack: Array<{ indent: number; name: string }> = [];
  let first: Found | null = null;
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const sub = SUBTEST.exec(line);
    if (sub) {
      const indent = sub[1]!.length;
      while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
      stack.push({ indent, name: sub[2]!.trim() });
      continue;
    }
    const m = NOT_OK.exec(line);
    if (!m || m[3]) continue;
    const indent = m[1]!.length;
    // The YAML block that follows (indented under it, between `---` and `...`; some producers omit those).
    const block: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() === '...' || (l.trim() !== '' && indentOf(l) <= indent)) break;
      if (l.trim() !== '---') block.push(l);
    }
    // A suite that failed because a test in it did: its test was already counted.
    if (/subtestsFailed/.test(yamlValue(block, 'failureType') ?? '')) continue;
    count++;
    if (first) continue;
    const parents = stack.filter((s) => s.indent < indent).map((s) => s.name);
    const name = [...parents, m[2]!.trim() || `test ${count}`].join(' > ');
    const error = yamlValue(block, 'error') ?? yamlValue(block, 'message') ?? '';
    const errorLines = error.split('\n').filter((l) => l.trim());
    const expected = yamlValue(block, 'expected');
    const actual = yamlValue(block, 'actual');
    const values =
      expected !== null && actual !== null
        ? `expected ${clip(expected, 50)}, actual ${clip(actual, 50)}`
        : (errorLines[1] ?? '');
    first = { test: name, assertion: join(errorLines[0] ?? '', values), count: 0 };
  }
  return first ? { ...first, count } : null;
};

// --- node:test spec reporter ----------------------------------------------------------------------

const SPEC_FAIL = /^\s*✖ (.+?)(?: \([\d.]+m?s\))?$/;

const readNodeSpec: Reader = (lines) => {
  // The `✖ failing tests:` section repeats each failure; read what comes before it.
  const end = lines.findIndex((l) => /^\s*✖ failing tests:/.test(l));
  const body = end < 0 ? lines : lines.slice(0, end);
  let first: Found | null = null;
  let count = 0;
  for (let i = 0; i < body.length; i++) {
    const m = SPEC_FAIL.exec(body[i]!);
    if (!m) continue;
    // A suite's ✖ has its failing test's lines above it and no error of its own below: the error must
    // come before the next test's line.
    let next = i + 1;
    while (next < Math.min(body.length, i + 3) && !/^\s*[✖✔﹣]/.test(body[next]!)) next++;
    const error = firstError(body, i + 1, next);
    if (!error) continue;
    count++;
    if (!first) first = { test: m[1]!.trim(), assertion: error, count: 0 };
  }
  return first ? { ...first, count } : null;
};

// --- vitest and jest ---------------------------------------------------------------------------------

const VITEST_FAIL = /^\s*FAIL\s+(\S.*? > .+?)\s*$/;
const JEST_BULLET = /^\s*● (.+?)\s*$/;
const CROSS = /^\s*[×✗✕]\s+(.+?)(?:\s+\d+(?:\.\d+)?\s*m?s)?\s*$/;

const readVitest: Reader = (lines) => {
  const hits = lines.flatMap((l, i) => {
    const m = VITEST_FAIL.exec(l);
    return m ? [{ i, name: m[1]! }] : [];
  });
  const first = hits[0];
  if (!first) return null;
  const error = firstError(lines, first.i + 1, first.i + 8) ?? '';
  return { test: first.name, assertion: error, count: new Set(hits.map((h) => h.name)).size };
};

const readJest: Reader = (lines) => {
  const hits = lines.flatMap((l, i) => {
    const m = JEST_BULLET.exec(l);
    // `● Console` introduces what the tests logged, not a failure.
    return m && m[1] !== 'Console' ? [{ i, name: m[1]! }] : [];
  });
  const first = hits[0];
  if (!first) return null;
  // The matcher line, then `Expected: …` / `Received: …`, before the code frame.
  const said: string[] = [];
  const values: string[] = [];
  for (let j = first.i + 1; j < Math.min(lines.length, first.i + 14); j++) {
    const l = lines[j]!.trim();
    if (!l) continue;
    if (/^(>?\s*\d+ \||\|)/.test(l) || /^at /.test(l) || JEST_BULLET.test(lines[j]!)) break;
    if (/^(Expected|Received)( value)?:/.test(l)) values.push(l);
    else if (said.length === 0) said.push(l);
  }
  return {
    test: first.name,
    assertion: join(said[0] ?? '', values.join(', ')),
    count: hits.length,
  };
};

/** A bare `×` listing (a reporter without a failures section): the name, and the first error after it. */
const readCross: Reader = (lines) => {
  const hits = lines.flatMap((l, i) => {
    const m = CROSS.exec(l);
    return m ? [{ i, name: m[1]! }] : [];
  });
  const first = hits[0];
  if (!first) return null;
  return {
    test: first.name,
    assertion: firstError(lines, first.i + 1, first.i + SEARCH_LINES) ?? '',
    count: hits.length,
  };
};

// --- pytest and unittest -------------------------------------------------------------------------------

const PYTEST_FAILED = /^(?:FAILED|ERROR) (\S+::\S+)(?: - (.*))?$/;
const PYTEST_HEADER = /^_{3,} (.+?) _{3,}$/;
const UNITTEST = /^(?:FAIL|ERROR): (\S+) \((.+)\)/;

const readPytest: Reader = (lines) => {
  const hits = lines.flatMap((l) => {
    const m = PYTEST_FAILED.exec(l.trim());
    return m ? [{ name: m[1]!, why: m[2] ?? '' }] : [];
  });
  if (hits.length > 0) {
    const first = hits[0]!;
    let why = first.why;
    if (!why) {
      // `-rf` off: the `E   ` lines under the test's header say it.
      const short = first.name.split('::').at(-1)!;
      const h = lines.findIndex((l) => PYTEST_HEADER.exec(l.trim())?.[1] === short);
      const e = h < 0 ? undefined : lines.slice(h, h + SEARCH_LINES).find((l) => /^E\s+\S/.test(l));
      why = e?.replace(/^E\s+/, '') ?? '';
    }
    return { test: first.name, assertion: why, count: hits.length };
  }
  const headers = lines.flatMap((l, i) => {
    const m = PYTEST_HEADER.exec(l.trim());
    return m && !/\b(FAILURES|ERRORS|passed|failed)\b/.test(m[1]!) ? [{ i, name: m[1]! }] : [];
  });
  for (const h of headers) {
    const e = lines.slice(h.i + 1, h.i + SEARCH_LINES).find((l) => /^E\s+\S/.test(l));
    if (e) return { test: h.name, assertion: e.replace(/^E\s+/, ''), count: headers.length };
  }
  return null;
};

const readUnittest: Reader = (lines) => {
  const hits = lines.flatMap((l, i) => {
    const m = UNITTEST.exec(l.trim());
    return m ? [{ i, name: `${m[2]}`.includes(m[1]!) ? m[2]! : `${m[2]}.${m[1]}` }] : [];
  });
  const first = hits[0];
  if (!first) return null;
  return {
    test: first.name,
    assertion: firstError(lines, first.i + 1, first.i + 40) ?? '',
    count: hits.length,
  };
};

// --- go test ----------------------------------------------------------------------------------------

const GO_FAIL = /^(\s*)--- FAIL: (\S+)/;
const GO_MESSAGE = /^\s+(\S+\.go:\d+): ?(.*)$/;

/** Where a failing go test's message is: under its `--- FAIL` line, or (with -v) after its `=== RUN`. */
function goMessageLine(lines: readonly string[], failAt: number, name: string): number {
  if (GO_MESSAGE.test(lines[failAt + 1] ?? '')) return failAt + 1;
  const isRun = (l: string) => /^=== RUN\s/.test(l) && l.replace(/^=== RUN\s+/, '').trim() === name;
  let run = failAt - 1;
  const stop = Math.max(-1, failAt - SEARCH_LINES);
  while (run > stop && !isRun(lines[run]!)) run--;
  if (run <= stop) return -1;
  for (let j = run + 1; j < failAt; j++) if (GO_MESSAGE.test(lines[j]!)) return j;
  return -1;
}

const readGo: Reader = (lines) => {
  const fails = lines.flatMap((l, i) => {
    const m = GO_FAIL.exec(l);
    return m ? [{ i, name: m[2]! }] : [];
  });
  if (fails.length === 0) return null;
  // A parent test fails because its subtest did, and comes first: the one with its own message wins.
  let chosen: Found | null = null;
  let withMessage = 0;
  for (const f of fails) {
    const k = goMessageLine(lines, f.i, f.name);
    if (k < 0) continue;
    withMessage++;
    if (chosen) continue;
    const m = GO_MESSAGE.exec(lines[k]!)!;
    let msg = m[2]!.trim();
    if (!msg) {
      // testify: the message is in the `Error:` field below, with expected and actual under it.
      const block = lines.slice(k + 1, k + 12).map((l) => l.trim());
      const err = block.find((l) => /^Error:/.test(l))?.replace(/^Error:\s*/, '') ?? '';
      const values = block.filter((l) => /^(expected|actual)\s*:/.test(l)).map((l) => l.replace(/\s+:/, ':'));
      msg = join(err, values.join(', '));
    }
    chosen = { test: f.name, assertion: `${m[1]}: ${msg}`, count: 0 };
  }
  if (chosen) return { ...chosen, count: withMessage };
  // No message line: a panic usually says why.
  const panic = lines.find((l) => /^panic: /.test(l));
  return { test: fails.at(-1)!.name, assertion: panic ?? '', count: 1 };
};

// --- cargo test ---------------------------------------------------------------------------------------

const CARGO_STDOUT = /^---- (\S+) stdout ----$/;
const CARGO_PANIC_NEW = /panicked at ([^\s']+:\d+:\d+):\s*$/;
const CARGO_PANIC_OLD = /panicked at '(.*)', (\S+:\d+:\d+)/;

const readCargo: Reader = (lines) => {
  const hits = lines.flatMap((l, i) => {
    const m = CARGO_STDOUT.exec(l.trim());
    return m ? [{ i, name: m[1]! }] : [];
  });
  const first = hits[0];
  if (!first) return null;
  for (let j = first.i + 1; j < Math.min(lines.length, first.i + 10); j++) {
    const line = lines[j]!;
    const old = CARGO_PANIC_OLD.exec(line);
    if (old) return { test: first.name, assertion: `${old[1]} (${old[2]})`, count: hits.length };
    const m = CARGO_PANIC_NEW.exec(line);
    if (!m) continue;
    // The message, then `left:` / `right:` for assert_eq!, up to the backtrace note.
    const said: string[] = [];
    for (let k = j + 1; k < Math.min(lines.length, j + 8); k++) {
      const l = lines[k]!.trim();
      if (!l || /^(note:|stack backtrace:|----)/.test(l)) break;
      said.push(l);
    }
    const [head = '', ...values] = said;
    return {
      test: first.name,
      assertion: `${join(head, values.join(', '))} (${m[1]})`,
      count: hits.length,
    };
  }
  return { test: first.name, assertion: '', count: hits.length };
};

// Most specific first: a format's markers do not appear in the others' output.
export const READERS: readonly Reader[] = [
  readTap,
  readNodeSpec,
  readVitest,
  readJest,
  readPytest,
  readUnittest,
  readGo,
  readCargo,
  readCross,
];
