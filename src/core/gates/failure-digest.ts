// What of a failed check's output the agent is shown. The end of the output is where runners print their
// summary ("# fail 1", "Tests 1 failed") but not what failed: node --test puts the failing test's name and
// its assertion (`4 !== 3`) above a dozen lines of counts and durations, vitest above its summary block.
// So the digest keeps the lines that name a failure, with a little context, and then the summary.

/** Lines that name a failing test or the assertion behind it, across common runners. */
const FAILURE =
  /(^\s*not ok\b|\bFAIL(ED)?\b|^\s*(×|✗|✖|✕|❌)|\bfailed\b.*\b(test|spec|assert)|AssertionError|\bAssertion\b|^\s*(Expected|Received|expected|actual)\b|!==|\bexpected\b.+\b(to|but|got)\b|^\s*error(\[\w+\])?:|\bError:|\bpanicked at\b|^\s*---\s*FAIL|^\s*E\s{2,}|Traceback \(most recent call last\)|^\s*at .+:\d+:\d+\)?$)/;

/** Count lines of a runner's own bookkeeping, never worth a place in the digest on their own. */
const NOISE =
  /^\s*(# (duration_ms|tests|suites|pass|fail|cancelled|skipped|todo)\b|duration_ms:|\.\.\.\s*$|---\s*$)/;

const CONTEXT = 2;
const SUMMARY_LINES = 6;
const STACK_LINES = 3;

export function failureDigest(output: string, maxChars: number): string {
  const lines = output.split('\n');
  const keep = new Set<number>();
  let stack = 0;
  lines.forEach((line, i) => {
    if (!FAILURE.test(line) || NOISE.test(line)) {
      stack = 0;
      return;
    }
    // A stack trace is one line of use and twenty of frames: keep its first few.
    if (/^\s*at /.test(line) && ++stack > STACK_LINES) return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(lines.length - 1, i + CONTEXT); j++) keep.add(j);
  });
  for (let j = Math.max(0, lines.length - SUMMARY_LINES); j < lines.length; j++) keep.add(j);
  const text = joinKept(
    lines,
    [...keep].sort((a, b) => a - b),
  );
  if (text.length <= maxChars) return text;
  // Too long: the first failures matter most, then the summary; cut the middle.
  const summary = joinKept(
    lines,
    [...keep].filter((i) => i >= lines.length - SUMMARY_LINES),
  );
  const room = maxChars - summary.length - 3;
  if (room < 80) return `…${text.slice(text.length - maxChars + 1)}`;
  return `${text.slice(0, room)}\n…\n${summary}`;
}

function joinKept(lines: readonly string[], kept: readonly number[]): string {
  const out: string[] = [];
  let prev = -1;
  for (const i of kept) {
    if (prev >= 0 && i > prev + 1) out.push('…');
    out.push(lines[i]!);
    prev = i;
  }
  if (kept.length > 0 && kept[0]! > 0) out.unshift('…');
  return out.join('\n');
}
