// One redactor for everything that leaves the hook: ledger copies now, pages later.
import { SECRET_NAME, SECRET_VALUE_PATTERNS } from './secrets.ts';

export const REDACTED = '[REDACTED]';

const ASSIGNMENT = new RegExp(
  // name=value, name: value, "name": "value", --name value, -H 'Name: value'
  String.raw`((?:["']?)[\w.-]*${SECRET_NAME.source}[\w.-]*["']?\s*(?:=|:)\s*(?:\\?["']|)(?:Bearer\s+|Basic\s+|token\s+)?)([^\s"'\\,;&}]{4,})`,
  'gi',
);
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi;

export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_VALUE_PATTERNS) out = out.replace(re, REDACTED);
  out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
  out = out.replace(BEARER, `$1 ${REDACTED}`);
  out = out.replace(ASSIGNMENT, (_m, head: string, value: string) =>
    value === REDACTED ? `${head}${value}` : `${head}${REDACTED}`,
  );
  return out;
}

/** Redacted JSON text of any value, cut to `max` characters. */
export function redactedJson(value: unknown, max = 64 * 1024): string {
  const text = redactText(JSON.stringify(value) ?? 'null');
  return text.length > max ? `${text.slice(0, max)}…[truncated ${text.length - max} chars]` : text;
}
