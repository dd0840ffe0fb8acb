// One redactor for everything that leaves the hook: ledger copies now, pages later.
import { isSecretAssignment, SECRET_VALUE_PATTERNS } from './secrets.ts';

export const REDACTED = '[REDACTED]';

// name=value, name: value, "name": "value" (also JSON-escaped). The key is bounded to 64 characters
// and tested afterwards: an unbounded `[\w.-]*NAME[\w.-]*` is quadratic on one long word, and the hook
// redacts every input it records.
const KEY_VALUE =
  /([\w.-]{1,64})(\\?["']?\s*[:=]\s*(?:\\?["'])?(?:Bearer\s+|Basic\s+|token\s+)?)([^\s"'\\,;&}]{4,})/g;
// --password VALUE, -p VALUE style flags separated by a space.
const FLAG_VALUE =
  /(--?[\w-]{0,40}(?:password|passwd|secret|token|api-?key)[\w-]{0,40}\s+)([^\s"'\\-][^\s"'\\]{3,})/gi;
const BEARER = /\b(Bearer|Basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^/\s@]+@/gi;

export function redactText(text: string): string {
  let out = text;
  for (const re of SECRET_VALUE_PATTERNS) out = out.replace(re, REDACTED);
  out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
  out = out.replace(BEARER, `$1 ${REDACTED}`);
  out = out.replace(KEY_VALUE, (m, key: string, mid: string, value: string) =>
    isSecretAssignment(key, value) ? `${key}${mid}${REDACTED}` : m,
  );
  out = out.replace(FLAG_VALUE, (m, head: string, value: string) =>
    isSecretAssignment(head.trim(), value) ? `${head}${REDACTED}` : m,
  );
  return out;
}

/** Redacted JSON text of any value, cut to `max` characters. */
export function redactedJson(value: unknown, max = 64 * 1024): string {
  const text = redactText(JSON.stringify(value) ?? 'null');
  return text.length > max ? `${text.slice(0, max)}…[truncated ${text.length - max} chars]` : text;
}
