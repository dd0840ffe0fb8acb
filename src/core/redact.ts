// One redactor for everything that leaves the hook: ledger copies now, pages (PagerDuty, Slack, GitHub,
// webhooks) later. What counts as a secret, and what is deliberately left alone, is in secrets.ts.
import { findSecrets, isSecretNamed, type SecretFinding } from './secrets.ts';

export const REDACTED = '[REDACTED]';

export interface Redaction {
  text: string;
  /** What was hidden, by rule, with offsets into the original text. Overlapping findings are kept. */
  findings: SecretFinding[];
}

/**
 * `text` with every secret replaced by `[REDACTED]`, and what was found. The names, quotes, schemes and
 * URL parts around a secret stay, so the record still says what happened: `DB_PASSWORD=[REDACTED]`,
 * `postgres://admin:[REDACTED]@db:5432`, `Authorization: Bearer [REDACTED]`. Overlapping or touching
 * findings become one marker. Redacting the result again changes nothing.
 */
export function redact(text: string): Redaction {
  const findings = findSecrets(text);
  if (findings.length === 0) return { text, findings };
  let spans = merge(findings);
  let out = mask(text, spans);
  // A marker changes what its neighbours look like (`key--token x` becomes `[REDACTED]--token x`, now a
  // flag). Look again until nothing new turns up, so that redacting the result changes nothing. One more
  // look is the rule; it costs a scan only when something was found.
  for (let round = 0; round < 4; round++) {
    const map = markerStarts(spans);
    const spanStarts = spans.map((s) => s.start);
    const more = findSecrets(out)
      .map((f) => ({
        rule: f.rule,
        start: toOriginal(f.start, spans, map, 'start'),
        end: toOriginal(f.end, spans, map, 'end'),
      }))
      .filter((f) => !covered(f, spans, spanStarts));
    if (more.length === 0) break;
    findings.push(...more);
    findings.sort((a, b) => a.start - b.start || b.end - a.end);
    spans = merge(findings);
    out = mask(text, spans);
  }
  return { text: out, findings };
}

interface Span {
  start: number;
  end: number;
}

/** Sorted findings as disjoint spans; overlapping or touching ones joined. */
function merge(findings: readonly SecretFinding[]): Span[] {
  const spans: Span[] = [];
  for (const f of findings) {
    const last = spans.at(-1);
    if (last && f.start <= last.end) last.end = Math.max(last.end, f.end);
    else spans.push({ start: f.start, end: f.end });
  }
  return spans;
}

function mask(text: string, spans: readonly Span[]): string {
  let out = '';
  let pos = 0;
  for (const s of spans) {
    out += text.slice(pos, s.start) + REDACTED;
    pos = s.end;
  }
  return out + text.slice(pos);
}

/** Where each span's marker starts in `mask(text, spans)`. */
function markerStarts(spans: readonly Span[]): number[] {
  const starts: number[] = [];
  let shift = 0;
  for (const s of spans) {
    starts.push(s.start + shift);
    shift += REDACTED.length - (s.end - s.start);
  }
  return starts;
}

/** Index of the last element of the sorted `xs` below `p` (or at most `p`), -1 if none. */
function lastBefore(xs: readonly number[], p: number, orEqual: boolean): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < p || (orEqual && xs[mid] === p)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** An offset into `mask(text, spans)` as an offset into `text`; inside a marker, its span's start or end. */
function toOriginal(
  p: number,
  spans: readonly Span[],
  starts: readonly number[],
  side: 'start' | 'end',
): number {
  const i = lastBefore(starts, p, false);
  if (i < 0) return p;
  const s = spans[i]!;
  const markerEnd = starts[i]! + REDACTED.length;
  if (p < markerEnd) return side === 'start' ? s.start : s.end;
  return s.end + (p - markerEnd);
}

/** Is `f` inside one of the (sorted, disjoint) spans, whose starts are `starts`? */
function covered(f: Span, spans: readonly Span[], starts: readonly number[]): boolean {
  const i = lastBefore(starts, f.start, true);
  return i >= 0 && f.end <= spans[i]!.end;
}

export function redactText(text: string): string {
  return redact(text).text;
}

/**
 * Redacted JSON text of any value, cut to `max` characters. The JSON text is redacted as a whole, so that
 * `{"password": "…"}` is seen as the pair it is. Should a finding reach across a string's quotes (a rule
 * reading one string's closing quote as the opening quote of a value), each string is redacted on its own
 * instead, with its key as the name: the result is always valid JSON of the same shape, up to the cut.
 */
export function redactedJson(value: unknown, max = 64 * 1024): string {
  const json = JSON.stringify(value) ?? 'null';
  const r = redact(json);
  let text = r.text;
  if (r.findings.length > 0 && !(insideStrings(json, r.findings) && parses(text)))
    text = redactStrings(JSON.parse(json));
  return text.length > max ? `${text.slice(0, max)}…[truncated ${text.length - max} chars]` : text;
}

/** Does every finding lie inside one string of the JSON text `json`? */
function insideStrings(json: string, findings: readonly SecretFinding[]): boolean {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < json.length; i++) {
    if (json[i] !== '"') continue;
    starts.push(i + 1);
    for (i++; i < json.length && json[i] !== '"'; i++) if (json[i] === '\\') i++;
    ends.push(i);
  }
  return findings.every((f) => {
    const k = lastBefore(starts, f.start, true);
    return k >= 0 && f.end <= ends[k]!;
  });
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON text of `v` with every string redacted on its own, and a string under a secret's name (`password`,
 * or `value` beside `"name": "DB_PASSWORD"`) hidden whole. Written out by hand so that two keys that both
 * redact to the marker stay two.
 */
function redactStrings(v: unknown, name?: string): string {
  if (typeof v === 'string')
    return JSON.stringify(name !== undefined && isSecretNamed(name, v) ? REDACTED : redactText(v));
  if (Array.isArray(v)) return `[${v.map((x) => redactStrings(x)).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const o = v as Record<string, unknown>;
  const sibling = typeof o.name === 'string' ? o.name : typeof o.key === 'string' ? o.key : undefined;
  const entries = Object.entries(o).map(
    ([k, x]) =>
      `${JSON.stringify(redactText(k))}:${redactStrings(x, k === 'value' && sibling ? sibling : k)}`,
  );
  return `{${entries.join(',')}}`;
}
