// The secret corpus (test/corpus/secrets/redaction.jsonl) through the one redactor. Each line is a case:
//   {"format":"aws-access-key-id","rule":"aws-access-key-id","text":"…","secret":"AKIA…"}  the secret must go
//   {"format":"git-sha","text":"git checkout 3f2a…","clean":true}                         the text must stay
// `rule`, when present, names the rule that must catch the secret. Every value in the corpus is made up in
// the shape of the real format; none is a live credential. The corpus lives in a subdirectory so that the
// policy corpus's validator and test (which read test/corpus/*.jsonl) leave it alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactedJson, redactText } from '../../src/core/redact.ts';
import { SECRET_RULE_NAMES } from '../../src/core/secrets.ts';

interface SecretCase {
  format: string;
  rule?: string;
  text: string;
  secret: string;
}
interface CleanCase {
  format: string;
  text: string;
  clean: true;
}
type Case = SecretCase | CleanCase;

const FILE = join(import.meta.dirname, '..', 'corpus', 'secrets', 'redaction.jsonl');
const lines = readFileSync(FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const cases = lines.map((l) => JSON.parse(l) as Case);
const secrets = cases.filter((c): c is SecretCase => !('clean' in c));
const cleans = cases.filter((c): c is CleanCase => 'clean' in c);

/** The secret as JSON writes it inside a string, once and twice. */
const escapedOnce = (s: string) => JSON.stringify(s).slice(1, -1);
const forms = (s: string) => [s, escapedOnce(s), escapedOnce(escapedOnce(s))];
const leaked = (out: string, secret: string) => forms(secret).find((f) => out.includes(f));

describe('secret corpus', () => {
  it('is well formed', () => {
    const known = new Set(SECRET_RULE_NAMES);
    lines.forEach((line, i) => {
      const c = JSON.parse(line) as Record<string, unknown>;
      const where = `redaction.jsonl:${i + 1}`;
      expect(c.format, where).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(typeof c.text === 'string' && c.text.length > 0, where).toBe(true);
      if ('clean' in c) {
        expect(Object.keys(c).sort(), where).toEqual(['clean', 'format', 'text']);
        expect(c.clean, where).toBe(true);
      } else {
        expect(
          Object.keys(c).every((k) => ['format', 'rule', 'text', 'secret'].includes(k)),
          where,
        ).toBe(true);
        expect(typeof c.secret === 'string' && c.secret.length >= 6, where).toBe(true);
        expect((c.text as string).includes(c.secret as string), `${where}: secret not in text`).toBe(true);
        if (c.rule !== undefined)
          expect(known.has(c.rule as string), `${where}: unknown rule ${c.rule}`).toBe(true);
      }
    });
  });

  it('covers at least 40 secret formats and 20 look-alikes that must stay', () => {
    expect(new Set(secrets.map((c) => c.format)).size).toBeGreaterThanOrEqual(40);
    expect(cleans.length).toBeGreaterThanOrEqual(20);
  });

  it.each(secrets.map((c, i) => [`${c.format} #${i + 1}`, c] as const))('hides %s', (_name, c) => {
    const out = redactText(c.text);
    expect(leaked(out, c.secret), out).toBeUndefined();
    expect(out).toContain(REDACTED);
    // As the ledger stores hook inputs: JSON text, the secret JSON-escaped, at any depth.
    for (const value of [{ x: c.text }, { tool_input: { command: c.text, nested: [{ content: c.text }] } }]) {
      const json = redactedJson(value);
      expect(leaked(json, c.secret), json).toBeUndefined();
      expect(() => JSON.parse(json), json).not.toThrow();
    }
    expect(redactText(out)).toBe(out);
    if (c.rule) {
      const at = c.text.indexOf(c.secret);
      const { findings } = redact(c.text);
      const by = findings.filter((f) => f.start <= at && f.end >= at + c.secret.length).map((f) => f.rule);
      expect(by, `rules: ${findings.map((f) => f.rule).join(', ')}`).toContain(c.rule);
    }
  });

  it.each(cleans.map((c, i) => [`${c.format} #${i + 1}`, c] as const))('leaves %s alone', (_name, c) => {
    expect(redact(c.text).findings).toEqual([]);
    expect(redactText(c.text)).toBe(c.text);
    expect(redactedJson({ x: c.text })).toBe(JSON.stringify({ x: c.text }));
  });
});
