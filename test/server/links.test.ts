// Signed action links: what a token says, and that nothing but a token this user minted, for this project,
// before its expiry, verifies. Property tests throw random strings, truncations, flipped characters and
// swapped MACs at verifyLink: none may verify, and none may throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { humanMac } from '../../src/app/human-mac.ts';
import { type LinkAction, linkUrl, mintLink, projectTag, verifyLink } from '../../src/server/links.ts';

const mac = humanMac(Buffer.alloc(32, 7));
const otherMac = humanMac(Buffer.alloc(32, 8));
const T0 = Date.UTC(2026, 4, 12, 2, 14, 7);
const PROJECT = '/work/acme-api';
const mint = (over: Partial<Parameters<typeof mintLink>[1]> = {}, key = mac) =>
  mintLink(key, { action: 'ack', target: 'INC-3', projectDir: PROJECT, expiresAt: T0 + 60_000, ...over });
const check = (token: unknown, over: Partial<{ projectDir: string; now: number }> = {}) =>
  verifyLink(token, { mac, projectDir: PROJECT, now: T0, ...over });

describe('mintLink and verifyLink', () => {
  it.each<[LinkAction, string]>([
    ['ack', 'INC-3'],
    ['approve', 'APR-2'],
    ['deny', 'APR-12'],
  ])('a %s link for %s verifies and gives back its claims', (action, target) => {
    const token = mint({ action, target, nonce: 'n'.repeat(22) });
    expect(check(token)).toEqual({
      ok: true,
      claims: { action, target, project: projectTag(PROJECT), expiresAt: T0 + 60_000, nonce: 'n'.repeat(22) },
    });
  });

  it('is URL-safe and compact: base64url claims, a dot, a 43-character base64url MAC', () => {
    const token = mint();
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(200);
    expect(encodeURIComponent(token)).toBe(token);
    const body = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    expect(body).toEqual([1, 'ack', 'INC-3', projectTag(PROJECT), T0 + 60_000, expect.any(String)]);
    // The project travels as a hash, never as the path.
    expect(Buffer.from(token.split('.')[0]!, 'base64url').toString()).not.toContain('acme');
  });

  it('gives every link its own nonce', () => {
    const nonces = new Set(
      Array.from({ length: 50 }, () => (check(mint()) as { claims: { nonce: string } }).claims.nonce),
    );
    expect(nonces.size).toBe(50);
  });

  it('refuses a link signed with another key (a forgery)', () => {
    expect(check(mint({}, otherMac))).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('refuses a link minted for another project', () => {
    expect(check(mint({ projectDir: '/work/other' }))).toEqual({ ok: false, reason: 'wrong project' });
  });

  it('refuses a link at and after its expiry', () => {
    const token = mint();
    expect(check(token, { now: T0 + 59_999 }).ok).toBe(true);
    expect(check(token, { now: T0 + 60_000 })).toEqual({ ok: false, reason: 'expired' });
    expect(check(token, { now: T0 + 10 * 60_000 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses claims re-encoded with a changed field under the original MAC', () => {
    const [, sig] = mint().split('.');
    const fields = [1, 'approve', 'INC-3', projectTag(PROJECT), T0 + 60_000, 'n'.repeat(22)];
    const forged = `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${sig}`;
    // approve needs an APR target: malformed before any MAC is computed.
    expect(check(forged)).toEqual({ ok: false, reason: 'malformed' });
    const later = [1, 'ack', 'INC-3', projectTag(PROJECT), T0 + 9e9, 'n'.repeat(22)];
    expect(check(`${Buffer.from(JSON.stringify(later)).toString('base64url')}.${sig}`)).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });

  it.each([
    ['a number', 42],
    ['undefined', undefined],
    ['an empty string', ''],
    ['no dot', 'abc'],
    ['two dots', 'a.b.c'],
    ['a padded MAC', `${mint().split('.')[0]}.${'A'.repeat(42)}=`],
    ['a hex MAC', `${mint().split('.')[0]}.${'a'.repeat(64)}`],
    ['JSON that is an object', `${Buffer.from('{"a":1}').toString('base64url')}.${'A'.repeat(43)}`],
    [
      'a target of the wrong kind',
      `${Buffer.from(JSON.stringify([1, 'ack', 'APR-1', 'a'.repeat(16), 1, 'n'.repeat(22)])).toString('base64url')}.${'A'.repeat(43)}`,
    ],
    ['a huge token', `${'A'.repeat(5000)}.${'A'.repeat(43)}`],
  ])('calls %s malformed', (_name, token) => {
    expect(check(token)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses to mint claims it would refuse to verify', () => {
    expect(() => mint({ target: 'APR-1' })).toThrow(/cannot mint/);
    expect(() => mint({ expiresAt: Number.NaN })).toThrow(/cannot mint/);
  });

  it('builds the URL under the public address, with or without a trailing slash', () => {
    expect(linkUrl('https://sre.example.com', 'tok')).toBe('https://sre.example.com/a/tok');
    expect(linkUrl('https://sre.example.com/base/', 'tok')).toBe('https://sre.example.com/base/a/tok');
  });
});

describe('verifyLink on hostile input (property)', () => {
  const good = mint({ action: 'approve', target: 'APR-2' });

  it('never throws and never verifies a random string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.base64String()), (s) => {
        const r = check(s);
        return r.ok === false;
      }),
      { numRuns: 2000 },
    );
  });

  it('never verifies a truncation or an extension of a good token', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.string({ minLength: 1 }), (cut, tail) => {
        return !check(good.slice(0, cut)).ok && !check(good + tail).ok;
      }),
    );
  });

  it('never verifies a good token with one character changed', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ %';
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.constantFrom(...alphabet.split('')),
        (at, ch) => {
          fc.pre(good[at] !== ch);
          return !check(good.slice(0, at) + ch + good.slice(at + 1)).ok;
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("never verifies claims carrying another token's MAC", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<LinkAction>('ack', 'approve', 'deny'),
        fc.integer({ min: 1, max: 99 }),
        fc.integer({ min: 1, max: 1e9 }),
        (action, n, ttl) => {
          const target = action === 'ack' ? `INC-${n}` : `APR-${n}`;
          const a = mint({ action, target, expiresAt: T0 + ttl });
          const b = mint({ action, target, expiresAt: T0 + ttl });
          const swapped = `${a.split('.')[0]}.${b.split('.')[1]}`;
          return check(a).ok && check(b).ok && !check(swapped).ok;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws when the MAC itself throws', () => {
    const broken = {
      sign: () => 'x',
      verify: () => {
        throw new Error('no key');
      },
    };
    expect(verifyLink(good, { mac: broken, projectDir: PROJECT, now: T0 })).toEqual({
      ok: false,
      reason: 'bad signature',
    });
  });
});
