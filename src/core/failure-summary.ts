// One line that says why a check or a test run failed. The last line of a runner's output is its
// bookkeeping (`# duration_ms 316.6`, `Tests  1 failed (2)`, `FAIL example.com/sum 0.002s`), which says
// nothing about what broke. Runners name the failing test and its assertion above that, each in its own
// way; this reads the common ones (node:test TAP and spec, vitest, jest, pytest and unittest, go test,
// cargo test) and falls back to the last line that is neither bookkeeping nor blank.
import { clip, READERS } from './failure-readers.ts';
import { redactText } from './redact.ts';

export interface FailureSummary {
  /** The failing test as its runner names it; null when no runner's format was recognised. */
  test: string | null;
  /** One line: `test: assertion` (with "and N more" when more tests failed), or the fallback line. */
  text: string;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** Runners' output can be long; the failures and the summary are near the end. */
const MAX_INPUT = 64 * 1024;
const DEFAULT_MAX = 200;
const PART_MAX = 120;

/** Bookkeeping: counts, timings, banners and rulers that never say what failed. */
const NOISE = [
  /^#\s*(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms)\b/i,
  /^ℹ\s*(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms)\b/,
  /^(TAP version \d+|1\.\.\d+|\.\.\.|---)$/,
  /^duration_ms:/,
  /^(Test Files|Tests|Start at|Duration|Snapshots|Time|Test Suites)\b:?\s/,
  /^Ran all test suites/,
  /^=+.*=+$/,
  /^[-_=~⎯─━*]{3,}/,
  /^(FAIL|ok|PASS)(\s+\S+\s+[\d.]+m?s)?$/,
  /^FAIL\s+\S+\s+[\d.]+m?s$/,
  /^ok\s+\S+\s+(\([^)]*\)|[\d.]+m?s)/,
  /^exit status \d+$/,
  /^test result: /,
  /^error: test failed, to rerun/,
  /^note: (run with `RUST_BACKTRACE|Some details are omitted)/,
  /^npm (ERR!|error|warn)/,
  /^> /,
  /^make(\[\d+\])?: \*\*\*/,
  /^Error: Process completed with exit code/,
  /^at .+:\d+(:\d+)?\)?$/,
  /^\d+ (passed|failed|skipped|passing|failing|pending)\b/,
];

/** The last line that is neither blank nor bookkeeping, or '' when there is none. */
function lastMeaningful(lines: readonly string[]): string {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!.trim();
    if (l && !NOISE.some((re) => re.test(l))) return l;
  }
  return '';
}

/** Why `output` says a check or test run failed, in one line of at most `max` characters. */
export function summarizeFailure(output: string, max = DEFAULT_MAX): FailureSummary {
  const text = output.length > MAX_INPUT ? output.slice(output.length - MAX_INPUT) : output;
  const lines = redactText(text.replace(ANSI, '').replace(/\r\n?/g, '\n')).split('\n');
  for (const read of READERS) {
    const found = read(lines);
    if (!found) continue;
    const more = found.count > 1 ? ` (and ${found.count - 1} more)` : '';
    const test = clip(found.test, PART_MAX);
    const body = found.assertion ? `${test}: ${clip(found.assertion, max)}` : test;
    const room = max - more.length;
    return { test, text: `${body.length <= room ? body : `${body.slice(0, room - 1)}…`}${more}` };
  }
  return { test: null, text: clip(lastMeaningful(lines), max) };
}
