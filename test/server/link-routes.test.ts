// /a/:token against a real SQLite ledger: GET shows and changes nothing, POST answers once from our own
// origin and host, and every refusal is a page with a reason, never a stack trace or the token.

import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_KIND, type Approval } from '../../src/app/approvals.ts';
import { humanMac } from '../../src/app/human-mac.ts';
import { dashboardApp } from '../../src/server/dashboard/app.ts';
import { linkRoutes } from '../../src/server/link-routes.ts';
import { type LinkAction, mintLink } from '../../src/server/links.ts';
import {
  type LinkLedger,
  linkLedger,
  mac,
  PORT,
  PROJECT,
  PUBLIC,
  serverContext,
  T0,
  type TestContext,
} from './link-setup.ts';

let ledger: LinkLedger;
let ctx: TestContext;

beforeEach(async () => {
  ledger = await linkLedger();
  ctx = serverContext(ledger.store);
});
afterEach(() => ledger.close());

const HOST = `127.0.0.1:${PORT}`;
const ORIGIN = `http://${HOST}`;

function token(action: LinkAction, over: { target?: string; expiresAt?: number; projectDir?: string } = {}) {
  const target = over.target ?? (action === 'ack' ? ledger.incident.id : ledger.approval.id);
  return mintLink(mac, {
    action,
    target,
    projectDir: over.projectDir ?? PROJECT,
    expiresAt: over.expiresAt ?? T0 + 10 * 60_000,
  });
}

const app = () => linkRoutes(ctx, () => PORT);
const get = (tok: string, headers: Record<string, string> = {}, query = '') =>
  app().request(`/${tok}${query}`, { headers: { host: HOST, ...headers } });
const post = (tok: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  app().request(`/${tok}`, {
    method: 'POST',
    headers: {
      host: HOST,
      origin: ORIGIN,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });

const approvalNow = () =>
  ledger.store.transact(0, (tx) => tx.record<Approval>(APPROVAL_KIND, ledger.approval.id)!.data);
const incidentNow = (id = ledger.incident.id) => ledger.store.transact(0, (tx) => tx.incident(id)!);
/** Put the incident back to triggered, as a second POST racing the first would have found it. */
const reopen = () =>
  ledger.store.transact(0, (tx) => {
    const i = tx.incident(ledger.incident.id)!;
    tx.saveIncident({ ...i, state: 'triggered', acknowledgedBy: null });
  });
/** Everything an answer could change, to show that a request changed none of it. */
const snapshot = () =>
  ledger.store.transact(0, (tx) => ({
    approvals: tx.records(APPROVAL_KIND),
    incidents: tx.incidents(),
    used: tx.records('link.used'),
    outbox: tx.outbox().length,
  }));

describe('GET /a/:token', () => {
  it('shows an approval with its form, escaped, under strict headers, and changes nothing', async () => {
    const before = await snapshot();
    const tok = token('approve');
    const res = await get(tok, {}, '?by=%3Cana%3E');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    );
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // same-origin, not no-referrer: no-referrer would make the browser send `Origin: null` with the POST.
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const html = await res.text();
    expect(html).toContain('<title>Approve APR-1</title>');
    expect(html).toContain('git push origin main');
    expect(html).toContain('git.push-protected');
    // The decision's reason came from a rule; what reaches the page is text, never markup.
    expect(html).toContain('Pushes to &#60;b&#62;main&#60;/b&#62; &#38; tags.');
    expect(html).not.toContain('<b>main');
    expect(html).toContain('value="&#60;ana&#62;"');
    expect(html).toMatch(/<form method="post">/);
    expect(html).not.toMatch(/<script|<link |src=/i);
    expect(html).not.toContain(tok);
    expect(await snapshot()).toEqual(before);
  });

  it('asks for a reason on a deny link, and only a name on an ack link', async () => {
    const deny = await (await get(token('deny'))).text();
    expect(deny).toMatch(/<textarea id="reason" name="reason"[^>]* required>/);
    expect(deny).toContain('class="danger"');
    const ack = await (await get(token('ack'))).text();
    expect(ack).toContain('<title>Acknowledge INC-2</title>');
    expect(ack).toContain('Denied rm -rf ~');
    expect(ack).not.toContain('<textarea');
  });

  it.each([
    [
      'a forged signature',
      () =>
        mintLink(humanMac(Buffer.alloc(32, 9)), {
          action: 'approve',
          target: 'APR-1',
          projectDir: PROJECT,
          expiresAt: T0 + 600_000,
        }),
      403,
      /not signed by this agent-sre/,
    ],
    [
      'a link for another project',
      () => token('approve', { projectDir: '/work/other' }),
      403,
      /another project/,
    ],
    ['an expired link', () => token('approve', { expiresAt: T0 + 500 }), 410, /expired/],
    ['a malformed token', () => 'not-a-token', 400, /not an agent-sre link/],
  ])('refuses %s with a page and the reason', async (_name, make, status, text) => {
    const tok = make();
    const res = await get(tok);
    expect(res.status).toBe(status);
    const html = await res.text();
    expect(html).toMatch(text);
    expect(html).not.toContain('<form');
    expect(html).not.toMatch(/at .*\.ts:\d+/);
    expect(ctx.logs.join('\n')).not.toContain(tok);
  });

  it('refuses a Host that is not ours (DNS rebinding)', async () => {
    const res = await get(token('approve'), { host: 'evil.example:47320' });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/does not answer to that host/);
  });

  it('says when the approval was already answered instead of showing the form', async () => {
    await post(token('approve'), { by: 'ana' });
    const res = await get(token('deny'));
    expect(res.status).toBe(409);
    expect(await res.text()).toMatch(/already answered: approved by ana/);
  });
});

describe('POST /a/:token', () => {
  it('approves once, signed and recorded as a link answer; the second POST of the same link is refused', async () => {
    const tok = token('approve');
    const res = await post(tok, { by: 'ana', reason: 'release day' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('APR-1 approved by ana (link)');
    const a = await approvalNow();
    expect(a).toMatchObject({
      status: 'approved',
      answeredBy: 'ana',
      answeredVia: 'link',
      answerReason: 'release day',
    });

    const again = await post(tok, { by: 'bob' });
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toMatch(/Nothing was changed: APR-1 was already answered: approved by ana\./);
    expect((await approvalNow()).answeredBy).toBe('ana');
    expect(ctx.logs.join('\n')).not.toContain(tok);
  });

  it('spends the nonce in the ledger: a link whose subject is answerable again still works only once', async () => {
    const tok = token('ack');
    expect((await post(tok, { by: 'ana' })).status).toBe(200);
    await reopen();
    const again = await post(tok, { by: 'bob' });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/Nothing was changed: this link was already used\./);
    expect(await ledger.store.transact(0, (tx) => tx.records('link.used').length)).toBe(1);
    // A fresh link for the same incident is another nonce, and works.
    expect((await post(token('ack'), { by: 'bob' })).status).toBe(200);
  });

  it('acknowledges an incident through an ack link', async () => {
    const res = await post(token('ack'), { by: 'ana' });
    expect(res.status).toBe(200);
    const i = await incidentNow();
    expect(i.state).toBe('acknowledged');
    expect(i.acknowledgedBy).toBe('ana');
  });

  it('denies with a reason, and refuses a deny without one (nothing spent: the link still works)', async () => {
    const tok = token('deny');
    const before = await snapshot();
    for (const reason of ['', '   ']) {
      const res = await post(tok, { by: 'ana', reason });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/A denial needs a reason/);
    }
    expect(await snapshot()).toEqual(before);
    const ok = await post(tok, { by: 'ana', reason: 'not on a Friday' });
    expect(ok.status).toBe(200);
    expect(await approvalNow()).toMatchObject({ status: 'denied', answerReason: 'not on a Friday' });
  });

  it('refuses a name that is missing, too long or on several lines', async () => {
    for (const by of ['', '  ', 'x'.repeat(81), 'ana\nbob']) {
      const res = await post(token('ack'), { by });
      expect(res.status).toBe(400);
    }
    expect((await incidentNow()).state).toBe('triggered');
  });

  it.each([
    ['no Origin', { origin: '' }],
    ['another site', { origin: 'https://evil.example' }],
    ['Origin null (a sandboxed frame)', { origin: 'null' }],
    ['another Host', { host: 'evil.example' }],
  ])('refuses a POST from %s and changes nothing', async (_name, headers) => {
    const before = await snapshot();
    const h: Record<string, string> = { ...headers };
    const res = await (h.origin === ''
      ? app().request(`/${token('approve')}`, {
          method: 'POST',
          headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded' },
          body: 'by=ana',
        })
      : post(token('approve'), { by: 'ana' }, h));
    expect(res.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('accepts the public origin and host when the server has a public URL', async () => {
    const res = await post(token('ack'), { by: 'ana' }, { host: 'sre.example.com', origin: PUBLIC });
    expect(res.status).toBe(200);
  });

  it.each([
    [
      'forged',
      () =>
        mintLink(humanMac(Buffer.alloc(32, 9)), {
          action: 'approve',
          target: 'APR-1',
          projectDir: PROJECT,
          expiresAt: T0 + 600_000,
        }),
      403,
    ],
    ['for another project', () => token('approve', { projectDir: '/work/other' }), 403],
    ['expired', () => token('approve', { expiresAt: T0 + 500 }), 410],
  ])('refuses a %s link and changes nothing', async (_name, make, status) => {
    const before = await snapshot();
    const res = await post(make(), { by: 'ana' });
    expect(res.status).toBe(status);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a JSON body and an oversized form', async () => {
    const json = await post(token('ack'), {}, { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    const big = await post(token('approve'), { by: 'ana', reason: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);
    expect((await approvalNow()).status).toBe('pending');
  });

  it('a link for an approval that timed out is refused by the ledger, readably', async () => {
    ctx.clock.now = ledger.approval.expiresAt + 1;
    // The link itself outlives the approval here (a hand-made expiry); the answer still cannot land.
    const res = await post(token('approve', { expiresAt: ledger.approval.expiresAt + 60_000 }), {
      by: 'ana',
    });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toMatch(/Nothing was changed/);
    expect(html).not.toMatch(/\n\s+at /);
  });
});

describe('single use with the in-memory fake of ServerContext.answer', () => {
  it('refuses the second POST of one link', async () => {
    ctx = serverContext(ledger.store, { memoryOnce: true });
    const tok = token('ack');
    expect((await post(tok, { by: 'ana' })).status).toBe(200);
    await reopen();
    const again = await post(tok, { by: 'ana' });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/already used/);
  });
});

describe('hostile paths and forms (property)', () => {
  it('any token segment is a 4xx page, never a 5xx or a stack', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ minLength: 1 }), fc.webSegment(), fc.constant('%E0%A4%A'), fc.constant('%00')),
        fc.boolean(),
        async (segment, isPost) => {
          const path = `/${encodeURIComponent(segment).replace(/%25/g, '%')}`;
          const init: RequestInit = isPost
            ? {
                method: 'POST',
                headers: { host: HOST, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
                body: 'by=ana',
              }
            : { headers: { host: HOST } };
          const res = await app().request(path, init);
          const text = await res.text();
          return res.status >= 400 && res.status < 500 && !/\n\s+at /.test(text);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any form body on a good link is an answer or a 4xx page', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (body) => {
        const res = await app().request(`/${token('deny')}`, {
          method: 'POST',
          headers: { host: HOST, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
          body,
        });
        return res.status === 200 || (res.status >= 400 && res.status < 500);
      }),
      { numRuns: 200 },
    );
  });
});

describe('mounted in the dashboard app at /a', () => {
  const mounted = () =>
    dashboardApp({
      ctx,
      boundPort: () => PORT,
      assetsDir: join(import.meta.dirname, '../../dashboard'),
      links: linkRoutes(ctx, () => PORT),
    }).app;

  it("keeps the confirm page's own headers (same-origin referrer, its CSP) and answers a POST", async () => {
    const tok = token('approve');
    const page = await mounted().request(`/a/${tok}`, { headers: { host: 'sre.example.com' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    );
    const res = await mounted().request(`/a/${tok}`, {
      method: 'POST',
      headers: {
        host: 'sre.example.com',
        origin: PUBLIC,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'by=ana',
    });
    expect(res.status).toBe(200);
    expect((await approvalNow()).status).toBe('approved');
  });
});
