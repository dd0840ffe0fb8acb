// What one runner invocation produced, measured. The runner's stdout is untrusted text: Claude Code's
// `--output-format json` envelope, its `stream-json` lines, or any program's plain text. Everything
// that can be read from it is; nothing here throws on malformed input.
import type { GoldenAssertion, GoldenSample, ShapeMetric } from './types.ts';

export type OutputFormat = 'json' | 'stream-json' | 'text';

export interface ParsedOutput {
  format: OutputFormat;
  /** The answer: the envelope's `result`, else the last assistant text, else stdout itself. */
  text: string;
  /** The envelope said `is_error: true`. */
  isError: boolean;
  turns: number | null;
  durationMs: number | null;
  costUsd: number | null;
  outputTokens: number | null;
  inputTokens: number | null;
  /** tool_use blocks seen (stream-json only: the json envelope does not list tool calls). */
  toolCalls: number | null;
}

/** Past this, stdout is measured but not parsed line by line. */
const MAX_PARSE = 8 * 1024 * 1024;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The fields of Claude Code's result object (`claude -p --output-format json`, or stream-json's last line). */
function fromEnvelope(env: Obj): Omit<ParsedOutput, 'format' | 'toolCalls'> {
  const usage = isObj(env.usage) ? env.usage : {};
  const input = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']
    .map((k) => num(usage[k]))
    .filter((v): v is number => v !== null);
  const result = env.result;
  return {
    text: typeof result === 'string' ? result : result === undefined ? '' : JSON.stringify(result),
    isError: env.is_error === true,
    turns: num(env.num_turns),
    durationMs: num(env.duration_ms),
    costUsd: num(env.total_cost_usd) ?? num(env.cost_usd),
    outputTokens: num(usage.output_tokens),
    inputTokens: input.length > 0 ? input.reduce((a, b) => a + b, 0) : null,
  };
}

const looksLikeEnvelope = (v: unknown): v is Obj =>
  isObj(v) && (v.type === 'result' || (typeof v.result === 'string' && 'session_id' in v));

export function parseRunnerOutput(stdout: string): ParsedOutput {
  const plain: ParsedOutput = {
    format: 'text',
    text: stdout,
    isError: false,
    turns: null,
    durationMs: null,
    costUsd: null,
    outputTokens: null,
    inputTokens: null,
    toolCalls: null,
  };
  if (stdout.length > MAX_PARSE) return plain;
  const trimmed = stdout.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return plain;
  const whole = tryJson(trimmed);
  if (looksLikeEnvelope(whole)) return { ...fromEnvelope(whole), format: 'json', toolCalls: null };
  // `--output-format json --verbose` prints the whole message list as one array.
  const lines = Array.isArray(whole)
    ? whole
    : trimmed
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 0)
        .map(tryJson);
  const known = new Set(['system', 'assistant', 'user', 'result']);
  if (lines.length === 0 || !lines.every(isObj) || !lines.some((l) => known.has(l.type as string)))
    return plain;
  let toolCalls = 0;
  let lastText: string | null = null;
  let envelope: Obj | undefined;
  for (const line of lines as Obj[]) {
    if (line.type === 'result') envelope = line;
    if (line.type !== 'assistant' || !isObj(line.message) || !Array.isArray(line.message.content)) continue;
    const texts: string[] = [];
    for (const block of line.message.content) {
      if (!isObj(block)) continue;
      if (block.type === 'tool_use' || block.type === 'server_tool_use' || block.type === 'mcp_tool_use')
        toolCalls++;
      if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    }
    if (texts.length > 0) lastText = texts.join('\n');
  }
  const { format: _f, toolCalls: _t, ...none } = plain;
  const fields = envelope ? fromEnvelope(envelope) : { ...none, text: lastText ?? '' };
  return {
    ...fields,
    text: fields.text === '' && lastText !== null ? lastText : fields.text,
    format: 'stream-json',
    toolCalls,
  };
}

/** Markdown structure, fences respected: headings inside a code block are not headings. */
export function markdownShape(text: string): { headings: number; codeBlocks: number } {
  let headings = 0;
  let codeBlocks = 0;
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      const mark = f[1]!;
      if (fence === null) {
        fence = mark;
        codeBlocks++;
      } else if (mark[0] === fence[0] && mark.length >= fence.length && line.trim() === mark) fence = null;
      continue;
    }
    if (fence === null && /^ {0,3}#{1,6}(\s|$)/.test(line)) headings++;
  }
  return { headings, codeBlocks };
}

/** The JSON an answer carries: all of it, else its last ```json block; undefined when none. */
export function jsonOf(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const whole = tryJson(trimmed);
    if (whole !== undefined) return whole;
  }
  const blocks = [...trimmed.matchAll(/```(?:json|JSON)?[ \t]*\n([\s\S]*?)\n?```/g)];
  for (let i = blocks.length - 1; i >= 0; i--) {
    const v = tryJson(blocks[i]![1]!);
    if (v !== undefined && typeof v === 'object' && v !== null) return v;
  }
  return undefined;
}

const MAX_KEY_PATHS = 10_000;

/** Distinct key paths of a JSON value (`a`, `a.b`, `a[].c`): its structure, whatever the values. */
export function jsonKeyPaths(value: unknown): number {
  const seen = new Set<string>();
  const walk = (v: unknown, path: string, depth: number) => {
    if (depth > 64 || seen.size >= MAX_KEY_PATHS) return;
    if (Array.isArray(v)) for (const item of v) walk(item, `${path}[]`, depth + 1);
    else if (isObj(v))
      for (const [k, child] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        seen.add(p);
        walk(child, p, depth + 1);
      }
  };
  walk(value, '', 0);
  return seen.size;
}

export interface RunnerResult {
  stdout: string;
  exitCode: number | null;
  timedOut: boolean;
  startError: string | null;
  /** Wall time measured around the process: the duration when the output does not say. */
  wallMs: number;
}

export function shapeOf(parsed: ParsedOutput, wallMs: number): Record<ShapeMetric, number | null> {
  const md = markdownShape(parsed.text);
  const json = jsonOf(parsed.text);
  return {
    chars: parsed.text.length,
    headings: md.headings,
    codeBlocks: md.codeBlocks,
    jsonKeys: json === undefined ? null : jsonKeyPaths(json),
    toolCalls: parsed.toolCalls,
    turns: parsed.turns,
    durationMs: parsed.durationMs ?? (Number.isFinite(wallMs) && wallMs >= 0 ? wallMs : null),
    costUsd: parsed.costUsd,
    outputTokens: parsed.outputTokens,
    inputTokens: parsed.inputTokens,
  };
}

/** Checks a JSON value against a JSON Schema: null when it holds, else the first problems. Injected (zod lives outside the core). */
export type SchemaValidator = (schema: Record<string, unknown>, value: unknown) => string | null;

const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function describeAssertion(a: GoldenAssertion): string {
  if ('contains' in a)
    return `contains ${JSON.stringify(clip(a.contains))}${a.ignoreCase ? ' (any case)' : ''}`;
  if ('notContains' in a)
    return `does not contain ${JSON.stringify(clip(a.notContains))}${a.ignoreCase ? ' (any case)' : ''}`;
  if ('regex' in a) return `matches /${clip(a.regex)}/`;
  if ('schema' in a) return 'JSON matches the schema';
  return `exits ${a.exitCode}`;
}

/** The assertions that fail on an answer, described (the exit code is checked by `sampleOf`). */
export function failedAssertions(
  assertions: readonly GoldenAssertion[],
  text: string,
  validate: SchemaValidator,
): string[] {
  const failed: string[] = [];
  for (const a of assertions) {
    let ok = true;
    let why = '';
    if ('contains' in a || 'notContains' in a) {
      const needle = 'contains' in a ? a.contains : a.notContains;
      const hay = a.ignoreCase ? text.toLowerCase() : text;
      const found = hay.includes(a.ignoreCase ? needle.toLowerCase() : needle);
      ok = 'contains' in a ? found : !found;
    } else if ('regex' in a) {
      try {
        ok = new RegExp(a.regex, 'm').test(text);
      } catch {
        ok = false;
        why = ' (invalid regex)';
      }
    } else if ('schema' in a) {
      const value = jsonOf(text);
      if (value === undefined) {
        ok = false;
        why = ': the answer holds no JSON';
      } else {
        try {
          const problem = validate(a.schema, value);
          ok = problem === null;
          if (problem) why = `: ${clip(problem, 160)}`;
        } catch (err) {
          ok = false;
          why = `: the schema cannot be used (${clip((err as Error).message, 120)})`;
        }
      }
    } else continue;
    if (!ok) failed.push(describeAssertion(a) + why);
  }
  return failed;
}

/** One sample: the runner's result measured and judged. */
export function sampleOf(
  r: RunnerResult,
  assertions: readonly GoldenAssertion[],
  validate: SchemaValidator,
): GoldenSample {
  const wanted = assertions.find((a): a is { exitCode: number } => 'exitCode' in a)?.exitCode ?? 0;
  if (r.startError !== null)
    return { passed: false, error: `could not start: ${clip(r.startError, 200)}`, failures: [], metrics: {} };
  if (r.timedOut) return { passed: false, error: 'timed out', failures: [], metrics: {} };
  const parsed = parseRunnerOutput(r.stdout);
  const error =
    r.exitCode !== wanted
      ? `exited ${r.exitCode}${r.exitCode === 127 ? ' (command not found)' : ''}, expected ${wanted}`
      : parsed.isError
        ? 'the runner reported is_error'
        : null;
  const failures = failedAssertions(assertions, parsed.text, validate);
  // A failed run's output is an error message, not an answer: its shape would only add noise.
  return {
    passed: error === null && failures.length === 0,
    error,
    failures,
    metrics: error === null ? shapeOf(parsed, r.wallMs) : {},
  };
}
