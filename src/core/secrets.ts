// What a secret looks like. Shared by the classifier (secrets in URLs are exfiltration) and the
// redactor (secrets never reach the ledger).

/** Token formats with a recognisable shape. Global regexes: reset lastIndex or use replace. */
export const SECRET_VALUE_PATTERNS: RegExp[] = [
  /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bhttps:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g,
  /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}\b/g,
  /\bnpm_[A-Za-z0-9]{30,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\bya29\.[0-9A-Za-z_-]{20,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/g,
  /\bhf_[A-Za-z0-9]{30,}\b/g,
  /\bdop_v1_[a-f0-9]{64}\b/g,
  /\bshpat_[a-fA-F0-9]{32}\b/g,
  /\bpypi-[A-Za-z0-9_-]{50,}\b/g,
];

/** Names that mark the value next to them as secret (`password=`, `X-Api-Key:`, `"token": ...`). */
export const SECRET_NAME =
  /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth(orization)?|credential|private[_-]?key|session[_-]?id|client[_-]?secret|sig(nature)?|bearer|cookie)/i;

const SECRET_QUERY_KEY =
  /^(.*[_.-])?(pass(word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|key|auth|credentials?|client[_-]?secret|sig|signature|session(id)?)$/i;

const SECRET_KEY_ANYWHERE =
  /(pass(word|wd|phrase)|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential)/i;
const SECRET_KEY_SUFFIX =
  /(^|[_.-])(auth|authorization|pwd|pass|sig|signature|session|session[_-]?id|cookie|key|bearer)$/i;
const NOT_A_SECRET = /^(\d{1,9}|true|false|null|undefined|none|\[REDACTED\])$/i;

/** Is `key` the name of a secret, and `value` plausibly one (not a count, flag or placeholder)? */
export function isSecretAssignment(key: string, value: string): boolean {
  const k = key.replace(/^-+/, '');
  return (SECRET_KEY_ANYWHERE.test(k) || SECRET_KEY_SUFFIX.test(k)) && !NOT_A_SECRET.test(value);
}

export function looksLikeSecretValue(text: string): boolean {
  return SECRET_VALUE_PATTERNS.some((re) => {
    re.lastIndex = 0;
    return re.test(text);
  });
}

/** Does a URL carry a credential: user:pass@, a secret-named query parameter, or a token-shaped value? */
export function urlCarriesSecret(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i.test(url)) return true;
  const q = url.indexOf('?');
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split(/[&#]/)) {
      const [k = '', v = ''] = pair.split('=');
      if (v.length >= 6 && SECRET_QUERY_KEY.test(k) && !/^(true|false|null|\d{1,5})$/i.test(v)) return true;
    }
  }
  return looksLikeSecretValue(url);
}
