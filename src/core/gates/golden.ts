// Golden-file comparison for acceptance checks: exactly, after normalising whitespace, or as JSON
// structure, with a threshold on the share that must match.
import type { GoldenMode } from './types.ts';

export interface GoldenResult {
  passed: boolean;
  /** 0..1. */
  score: number;
  /** Where they first differ, for the block reason. */
  detail: string;
}

// The LCS table is rows × columns; past this many cells the comparison goes line by line instead.
const MAX_LCS_CELLS = 4_000_000;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

export function compareGolden(
  output: string,
  golden: string,
  mode: GoldenMode,
  threshold: number,
): GoldenResult {
  if (mode === 'structural') return structural(output, golden, threshold);
  const norm = mode === 'normalized' ? normalize : (s: string) => s.split('\n');
  const a = norm(output);
  const b = norm(golden);
  const total = Math.max(a.length, b.length);
  const same = total === 0 ? 0 : a.length * b.length <= MAX_LCS_CELLS ? lcs(a, b) : positional(a, b);
  const score = total === 0 ? 1 : same / total;
  const passed = score >= threshold && (threshold < 1 || a.join('\n') === b.join('\n'));
  return { passed, score, detail: passed ? 'matches' : firstLineDiff(a, b) };
}

function normalize(text: string): string[] {
  const lines = text
    .replace(ANSI, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function positional(a: string[], b: string[]): number {
  let n = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] === b[i]) n++;
  return n;
}

/** Longest common subsequence of lines, in two rows of memory. */
function lcs(a: string[], b: string[]): number {
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++)
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

function clip(s: string, n = 80): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function firstLineDiff(a: string[], b: string[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) {
      const got = a[i] === undefined ? 'nothing (output ended)' : JSON.stringify(clip(a[i]!));
      const want = b[i] === undefined ? 'nothing (golden ended)' : JSON.stringify(clip(b[i]!));
      return `line ${i + 1}: expected ${want}, got ${got}`;
    }
  }
  return 'same lines';
}

// --- structural -----------------------------------------------------------------------------------------

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * Every leaf value by its path. Keys that are not plain identifiers are quoted, so `{"a.b":1}` and
 * `{"a":{"b":1}}` do not share a path; an explicit stack, so deep nesting cannot overflow the call stack.
 */
function leaves(root: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (value === null || typeof value !== 'object') {
      out.set(path || '$', JSON.stringify(value));
      continue;
    }
    const isArray = Array.isArray(value);
    const entries = isArray ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(path || '$', isArray ? '[]' : '{}');
    for (const [k, v] of entries)
      stack.push([v, `${path}${isArray ? `[${k}]` : IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`}`]);
  }
  return out;
}

function structural(output: string, golden: string, threshold: number): GoldenResult {
  let got: unknown;
  let want: unknown;
  try {
    want = JSON.parse(golden);
  } catch (err) {
    return { passed: false, score: 0, detail: `the golden file is not JSON: ${(err as Error).message}` };
  }
  try {
    got = JSON.parse(output);
  } catch (err) {
    return { passed: false, score: 0, detail: `the output is not JSON: ${(err as Error).message}` };
  }
  const a = leaves(got);
  const b = leaves(want);
  const keys = new Set([...a.keys(), ...b.keys()]);
  let same = 0;
  let first: string | null = null;
  for (const k of keys) {
    if (a.get(k) === b.get(k)) same++;
    else if (first === null)
      first = `${k}: expected ${b.has(k) ? clip(b.get(k)!) : 'no value'}, got ${a.has(k) ? clip(a.get(k)!) : 'no value'}`;
  }
  const score = keys.size === 0 ? 1 : same / keys.size;
  const passed = score >= threshold && (threshold < 1 || first === null);
  return { passed, score, detail: first ?? 'matches' };
}
