// A signed link followed in real headless Chromium (Debian's binary, as the dashboard's browser tests use):
// the confirm page renders under its CSP without complaint, and its form's POST carries an Origin the
// server accepts. The second test is why the confirm page is `Referrer-Policy: same-origin`: under
// `no-referrer` Chromium sends `Origin: null` with a form POST, which the Origin check must refuse.
import { accessSync, constants } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_KIND, type Approval } from '../../src/app/approvals.ts';
import { linkRoutes } from '../../src/server/link-routes.ts';
import { mintLink } from '../../src/server/links.ts';
import {
  type LinkLedger,
  linkLedger,
  mac,
  PROJECT,
  serverContext,
  T0,
  type TestContext,
} from './link-setup.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function listen(app: Hono): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    ) as Server;
  });
}

let browser: Browser;
beforeAll(async () => {
  // A missing browser is a failure with the fix in it, never a skip.
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});
afterAll(() => browser?.close());

describe('a deny link in Chromium', () => {
  let ledger: LinkLedger;
  let ctx: TestContext;
  let server: Server;
  let port = 0;
  beforeEach(async () => {
    ledger = await linkLedger();
    // Loopback only: the origin Chromium sends is http://127.0.0.1:<port>.
    ctx = serverContext(ledger.store, { server: { publicUrl: null } });
    const app = new Hono();
    app.route(
      '/a',
      linkRoutes(ctx, () => port),
    );
    ({ server, port } = await listen(app));
  });
  afterEach(async () => {
    await new Promise((r) => server.close(r));
    await ledger.close();
  });

  it('shows the request, takes a name and a reason, and denies once', async () => {
    const token = mintLink(mac, {
      action: 'deny',
      target: 'APR-1',
      projectDir: PROJECT,
      expiresAt: T0 + 600_000,
    });
    const page = await browser.newPage();
    page.setDefaultTimeout(5_000);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    try {
      await page.goto(`http://127.0.0.1:${port}/a/${token}?by=ana`);
      expect(await page.textContent('h1')).toBe('Deny APR-1');
      expect(await page.inputValue('#by')).toBe('ana');
      // The reason is required: the browser will not send the form without it.
      await page.click('button[type=submit]');
      expect(await page.textContent('h1')).toBe('Deny APR-1');
      await page.fill('#reason', 'not during the freeze');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.textContent('h1')).toBe('Done');
      expect(await page.textContent('p')).toContain('APR-1 denied by ana (link)');
      const a = await ledger.store.transact(0, (tx) => tx.record<Approval>(APPROVAL_KIND, 'APR-1')!.data);
      expect(a).toMatchObject({
        status: 'denied',
        answeredVia: 'link',
        answerReason: 'not during the freeze',
      });
      // No CSP violation or other complaint on the way (the 409 below logs one of its own).
      expect(problems).toEqual([]);
      // Back: the page is fetched again (no-store) and now says the request was answered; no form is left.
      await page.goBack();
      expect(await page.textContent('p')).toMatch(/APR-1 was already answered: denied by ana/);
      expect(await page.$('form')).toBeNull();
    } finally {
      await page.close();
    }
  });
});

describe('why the confirm page is not no-referrer', () => {
  it('Chromium sends Origin: null with a form POST from a no-referrer page, a real origin from same-origin', async () => {
    const seen: Record<string, string> = {};
    const app = new Hono();
    app.get('/:policy', (c) =>
      c.html('<form method="post"><button>go</button></form>', 200, {
        'Referrer-Policy': c.req.param('policy'),
      }),
    );
    app.post('/:policy', (c) => {
      seen[c.req.param('policy')] = c.req.header('origin') ?? '(none)';
      return c.text('ok');
    });
    const { server, port } = await listen(app);
    const page = await browser.newPage();
    try {
      for (const policy of ['no-referrer', 'same-origin']) {
        await page.goto(`http://127.0.0.1:${port}/${policy}`);
        await Promise.all([page.waitForNavigation(), page.click('button')]);
      }
    } finally {
      await page.close();
      await new Promise((r) => server.close(r));
    }
    expect(seen).toEqual({ 'no-referrer': 'null', 'same-origin': `http://127.0.0.1:${port}` });
  });
});
