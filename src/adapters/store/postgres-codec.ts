// What PostgreSQL's text cannot hold, made storable and given back exactly. A `text` value may not
// contain U+0000, and a lone UTF-16 surrogate would reach the server as U+FFFD: both come from untrusted
// input (a tool call's arguments, a shipped event), and a store that threw on them would let one event
// block a machine's whole stream. Such strings, and any that start with the marker, are stored as the
// marker followed by their JSON form, which has neither. Everything else is stored as it is, so the
// tables stay readable, and JSON columns (JSON.stringify escapes both) never change.
import type { CustomTypesConfig } from 'pg';
import pg from 'pg';

const MARKER = '\u0001';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function needsEscape(s: string): boolean {
  return s.startsWith(MARKER) || s.includes('\u0000') || LONE_SURROGATE.test(s);
}

export function encodeText(s: string): string {
  return needsEscape(s) ? MARKER + JSON.stringify(s) : s;
}

export function decodeText(s: string): string {
  return s.startsWith(MARKER) ? (JSON.parse(s.slice(MARKER.length)) as string) : s;
}

/** A query parameter on its way in: strings (and arrays of them, for unnest) escaped. */
export function encodeValue(v: unknown): unknown {
  if (typeof v === 'string') return encodeText(v);
  if (Array.isArray(v)) return v.map(encodeValue);
  return v;
}

export function decodeRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[k] = typeof v === 'string' ? decodeText(v) : v;
  return out as T;
}

const INT8 = 20;

/** int8 (ids, counts) as numbers, as the worker reads them too; beyond 2^53 is an error, never a wrong number. */
export const PG_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8)
      return (text: string) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
        return n;
      };
    return pg.types.getTypeParser(oid, format as 'text');
  }) as CustomTypesConfig['getTypeParser'],
};
