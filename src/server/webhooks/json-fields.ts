// Reading fields out of JSON nobody here wrote. Lookups are own properties only (so a payload field called
// `constructor` or `__proto__` finds nothing), and names that end up in the ledger, a log line or a Slack
// message lose control and formatting characters (newlines, bidi overrides) and are cut to a sane length.

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export function parseJson(bytes: Uint8Array | string): { ok: true; value: Json } | { ok: false } {
  try {
    const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, value: JSON.parse(text) as Json };
  } catch {
    return { ok: false };
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function field(o: unknown, key: string): Json | undefined {
  return isObject(o) && Object.hasOwn(o, key) ? o[key] : undefined;
}

export function objectField(o: unknown, key: string): JsonObject | undefined {
  const v = field(o, key);
  return isObject(v) ? v : undefined;
}

/** A non-empty string of at most `max` characters, or undefined. */
export function stringField(o: unknown, key: string, max = 1000): string | undefined {
  const v = field(o, key);
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;
}

/** A person's name as a route reports it, fit for the ledger and for log lines. */
export function displayName(raw: string, max = 80): string {
  return raw
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);
}
