// A short, stable, non-cryptographic hash for identifiers (dedup keys). node:crypto is off limits in
// the core and costs the hook milliseconds to load; nothing here needs to resist an attacker.

/** FNV-1a over UTF-16 code units, as 8 hex digits. */
export function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
