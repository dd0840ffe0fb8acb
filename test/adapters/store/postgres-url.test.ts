// What reaches a message about the store's server, and how text that PostgreSQL cannot hold is stored:
// both parse untrusted input (a URL from a config file or the environment, text from a tool call).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, encodeText } from '../../../src/adapters/store/postgres-codec.ts';
import { parsePgUrl, redact } from '../../../src/adapters/store/postgres-url.ts';

describe('parsePgUrl', () => {
  it.each([
    ['postgres://u:pw@db.example:5433/team', 'db.example:5433/team'],
    ['postgresql://u@127.0.0.1/agent_sre', '127.0.0.1/agent_sre'],
    ['postgres://u:pw@[::1]:5432/x', '[::1]:5432/x'],
    ['postgres:///sockets_db', 'localhost/sockets_db'],
    ['postgres://u:pw@h', 'h/(default database)'],
    ['postgres://u:p%40ss@h/d%20b?sslmode=require', 'h/d b'],
  ])('%s is labelled %s', (url, label) => {
    expect(parsePgUrl(url).label).toBe(label);
  });

  it.each([
    ['not a url at all', /not a URL/],
    ['mysql://u:hunter2@h/d', /must start with postgres:\/\//],
    ['host=h password=hunter2 dbname=d', /not a URL/],
    ['', /not a URL/],
  ])('refuses %j without quoting it', (url, message) => {
    let err: Error | undefined;
    try {
      parsePgUrl(url);
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('hunter2');
  });

  const password = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' });
  const word = fc.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/);

  it('never puts the password in the label, and a message that quotes the URL loses it', () => {
    fc.assert(
      fc.property(word, password, word, word, (user, pw, host, dbName) => {
        const url = `postgres://${user}:${encodeURIComponent(pw)}@${host}.example:5432/${dbName}`;
        const t = parsePgUrl(url);
        expect(t.label).toBe(`${host}.example:5432/${dbName}`);
        const message = `could not connect to ${url}: timeout (at ${user}:${encodeURIComponent(pw)}@${host})`;
        const clean = redact(message, t.secrets);
        expect(clean).not.toContain(url);
        expect(clean).not.toContain(`:${encodeURIComponent(pw)}@`);
        expect(clean).toContain('could not connect to ***');
      }),
    );
  });

  it('never throws anything but its own message on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl(), fc.constantFrom('postgres://', 'postgres://@', 'postgres://:@:/')),
        (url) => {
          try {
            const t = parsePgUrl(url);
            expect(typeof t.label).toBe('string');
          } catch (e) {
            expect((e as Error).message).toMatch(/^\[agent-sre\] \[postgres\] the store URL/);
          }
        },
      ),
    );
  });
});

describe('text PostgreSQL cannot hold', () => {
  it('round-trips any string, and what is stored has no NUL and no lone surrogate', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }),
          fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\ud800', '\udc00', 'a', '"') }),
        ),
        (s) => {
          const stored = encodeText(s);
          expect(decodeText(stored)).toBe(s);
          expect(stored.includes('\u0000')).toBe(false);
          expect(Buffer.from(stored, 'utf8').toString('utf8')).toBe(stored);
        },
      ),
    );
  });

  it('stores ordinary text as it is, so the tables stay readable', () => {
    for (const s of ['', 'rm -rf ~/x', 'it\'s "quoted" ✓ 😀', '{"json":true}', 'a\u0001b'])
      expect(encodeText(s)).toBe(s);
  });
});
