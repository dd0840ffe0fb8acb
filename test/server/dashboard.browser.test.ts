// The dashboard page in real headless Chromium, against the real server over a real SQLite ledger that
// the real hook pipeline wrote (test/helpers/dashboard-scene.ts). What an on-call engineer sees and does:
// the state renders, the strict CSP refuses nothing the page does, answers land in the ledger as the CLI's
// transitions would, a decision streams in without a reload, and agent-written text stays text.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt } from '../e2e/bin.ts';
import { collectProblems, launchChromium } from '../helpers/browser.ts';
import { Scene, type ScenePage } from '../helpers/dashboard-scene.ts';

const XSS = '<img src=x onerror=alert(1)>';

let browser: Browser;
beforeAll(async () => {
  ensureBuilt();
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
});

let scene: Scene;
let server: ScenePage;
let context: BrowserContext;
let page: Page;
let problems: string[];

beforeEach(async () => {
  scene = Scene.create();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  problems = collectProblems(page);
});
afterEach(async () => {
  await context?.close();
  await scene?.close();
});

/** Start the server and sign in with a one-time login link, as the engineer does from the one serve printed. */
async function open(o: { live?: boolean } = {}): Promise<void> {
  server = await scene.serve();
  await page.goto(server.service.loginUrl('ana'));
  await page.locator('#user', { hasText: 'ana' }).waitFor();
  if (o.live !== false) await page.locator('#live:not(.off)').waitFor({ timeout: 10_000 });
}

/** A session with ordinary calls and one the policy refuses (which opens an incident). */
async function work(sessionId = 'sess-work'): Promise<void> {
  await scene.call(sessionId, 'Read', { file_path: `${scene.dir}/src/app.ts` }, { usd: 0.4 });
  await scene.call(sessionId, 'Bash', { command: 'npm test' }, { usd: 0.35 });
  await scene.call(sessionId, 'Bash', { command: 'rm -rf ~' }, { usd: 0.1 });
}

const card = (kind: 'Approval' | 'Incident', id: string) =>
  page.getByRole('article', { name: `${kind} ${id}` });

describe('the dashboard in a browser', () => {
  it('shows a waiting approval with its call, rule and history, the incident, and the session with budgets and cost', async () => {
    await work();
    const gate = scene.gateInAnotherProcess(BIN, 'sess-work', 'git push origin main');
    const a = await scene.pendingApproval();
    await open();

    const approval = card('Approval', a.id);
    await approval.waitFor();
    const text = await approval.textContent();
    expect(text).toContain('git push origin main');
    expect(text).toContain(a.rule);
    expect(text).toMatch(/times out in \d+m/);
    // The session's calls before the gated one, newest first, behind a disclosure.
    await approval.getByText(/The session's last \d+ decisions/).click();
    expect(await approval.locator('.feed li').count()).toBeGreaterThanOrEqual(3);
    expect(await approval.locator('.feed li').first().textContent()).toContain('git push origin main');
    await expect.poll(() => page.title()).toBe('(1) agent-sre');

    // The tier-4 refusal opened an incident; so did the approval request (it pages someone).
    const incidents = await page.locator('#incidents-list article').allInnerTexts();
    expect(incidents.some((t) => /rm -rf ~/.test(t) && /triggered/.test(t))).toBe(true);

    const row = page.locator('#sessions-body tr', { hasText: 'sess-work' });
    await expect.poll(() => row.textContent()).toMatch(/\$0\.75/);
    expect(await row.locator('meter').count()).toBeGreaterThanOrEqual(4);
    expect(await row.textContent()).toMatch(/tool calls\s*2 \/ 3000/);

    // The live feed carries the refusal with its tier.
    const denied = page.locator('#feed-list li.tier-4', { hasText: 'rm -rf ~' });
    expect(await denied.textContent()).toMatch(/T4\s+deny/);
    expect(problems).toEqual([]);
    gate.child.kill('SIGTERM');
  });

  it('runs under the strict CSP with nothing refused, and the CSP is in force', async () => {
    await work();
    await open();
    await page.locator('#sessions-body tr').first().waitFor();
    // Open a session's detail too: the server-rendered postmortem is the one HTML the page inserts.
    await page.getByRole('button', { name: 'sess-work' }).first().click();
    await page.locator('#detail .postmortem h1').waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    expect(problems).toEqual([]);
    // The control: an inline script is refused, and the refusal is seen by the same listener.
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.head.append(s);
      return (window as unknown as { __inline?: number }).__inline;
    });
    expect(ran).toBeUndefined();
    await expect.poll(() => problems.join('\n')).toMatch(/Content Security Policy/);
  });

  it('Approve answers the waiting gate: the ledger says approved via the dashboard, and the call runs', async () => {
    await scene.call('sess-push', 'Bash', { command: 'git status' });
    const gate = scene.gateInAnotherProcess(BIN, 'sess-push', 'git push origin main');
    const a = await scene.pendingApproval();
    await open();
    await card('Approval', a.id).getByRole('button', { name: 'Approve' }).click();

    const result = await gate.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"permissionDecision":"allow"');
    const rec = (await scene.approvals()).find((x) => x.id === a.id);
    expect(rec).toMatchObject({ status: 'approved', answeredBy: 'ana', answeredVia: 'dashboard' });
    // The page moves it to the answered list and says who answered.
    await card('Approval', a.id).waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('#approvals-empty').isVisible()).toBe(true);
    expect(await page.locator('#approvals-answered').textContent()).toMatch(
      /approved\s+\S*\s*APR-\d+[\s\S]*by ana \(dashboard\)/,
    );
    expect(await page.locator('#toast').textContent()).toContain(`${a.id} approved by ana (dashboard)`);
    expect(problems).toEqual([]);
  });

  it('Deny needs a reason: refused in the page without one (nothing sent), recorded with one', async () => {
    const gate = scene.gateInAnotherProcess(BIN, 'sess-deny', 'git push origin main');
    const a = await scene.pendingApproval();
    await open();
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    const c = card('Approval', a.id);
    await c.getByRole('button', { name: 'Deny…' }).click();
    const reason = c.getByLabel('Why deny it?');
    await reason.fill('   ');
    await c.getByRole('button', { name: 'Deny with this reason' }).click();
    expect(await c.getByRole('alert').textContent()).toMatch(/needs a reason/);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);
    expect((await scene.approvals()).find((x) => x.id === a.id)?.status).toBe('pending');

    await reason.fill('Not during the freeze; open a PR instead.');
    await c.getByRole('button', { name: 'Deny with this reason' }).click();
    const result = await gate.done;
    expect(result.stdout).toContain('"permissionDecision":"deny"');
    expect(result.stdout).toContain('Not during the freeze');
    expect(posts).toHaveLength(1);
    const rec = (await scene.approvals()).find((x) => x.id === a.id);
    expect(rec).toMatchObject({
      status: 'denied',
      answeredVia: 'dashboard',
      answerReason: 'Not during the freeze; open a PR instead.',
    });
    expect(problems).toEqual([]);
  });

  it('keeps a Deny reason being typed when the state refreshes under it', async () => {
    const gate = scene.gateInAnotherProcess(BIN, 'sess-type', 'git push origin main');
    const a = await scene.pendingApproval();
    await open();
    const c = card('Approval', a.id);
    await c.getByRole('button', { name: 'Deny…' }).click();
    await c.getByLabel('Why deny it?').fill('half a tho');
    // Another session's call changes the state; the page refetches and rebuilds what changed.
    await scene.call('sess-other', 'Bash', { command: 'ls -la' });
    await page.locator('#sessions-body tr', { hasText: 'sess-other' }).waitFor();
    expect(await c.getByLabel('Why deny it?').inputValue()).toBe('half a tho');
    expect(await c.locator('form').isVisible()).toBe(true);
    gate.child.kill('SIGTERM');
  });

  it('Acknowledge moves an incident on: the ledger and the timeline name ana via the dashboard', async () => {
    await work('sess-inc');
    await open();
    const c = page.locator('#incidents-list article', { hasText: 'rm -rf ~' });
    const id = (await c.getAttribute('data-id'))!;
    expect(await c.locator('.actions button').allTextContents()).toEqual([
      'Acknowledge',
      'Mitigate',
      'Resolve',
    ]);
    await c.getByLabel('Note (optional)').fill('looking at it');
    await c.getByRole('button', { name: 'Acknowledge' }).click();

    const inc = card('Incident', id);
    await inc.locator('.badge.st-acknowledged').waitFor();
    expect(await inc.locator('.actions button').allTextContents()).toEqual(['Mitigate', 'Resolve']);
    expect(await inc.locator('.timeline').textContent()).toMatch(
      /acknowledged\s*ana via dashboard[^\n]*looking at it/,
    );
    const store = server.store;
    const { incident, timeline } = await store.transact(Date.now(), (tx) => ({
      incident: tx.incident(id),
      timeline: tx.timeline(id),
    }));
    expect(incident?.state).toBe('acknowledged');
    expect(incident?.acknowledgedBy).toBe('ana');
    expect(timeline.find((t) => t.kind === 'acknowledged')?.actor).toEqual({
      kind: 'human',
      id: 'ana',
      via: 'dashboard',
    });
    expect(problems).toEqual([]);
  });

  it('a decision the hook writes appears in the live feed without a reload', async () => {
    await scene.call('sess-live', 'Bash', { command: 'ls' });
    await open();
    await page.evaluate(() => {
      (window as unknown as { __same: boolean }).__same = true;
    });
    await scene.call('sess-live', 'Bash', { command: 'curl -s https://api.example.com/v1/status' });
    const item = page.locator('#feed-list li', { hasText: 'api.example.com' }).first();
    await item.waitFor({ timeout: 10_000 });
    expect(await page.locator('#feed-list li').first().textContent()).toContain('api.example.com');
    expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);
    expect(problems).toEqual([]);
  });

  it('reconnects when the stream fails and catches up on what happened meanwhile', async () => {
    await scene.call('sess-net', 'Bash', { command: 'ls' });
    // A proxy in the way answers the stream with an error: EventSource gives up on those by itself.
    await page.route('**/api/stream', (r) => r.fulfill({ status: 503, body: 'upstream unavailable' }));
    await open({ live: false });
    await page.locator('#live.off', { hasText: 'reconnecting' }).waitFor();
    await scene.call('sess-net', 'Bash', { command: 'rm -rf ~' });
    await page.unroute('**/api/stream');
    await page.locator('#live:not(.off)').waitFor({ timeout: 15_000 });
    await page.locator('#incidents-list article', { hasText: 'rm -rf ~' }).waitFor({ timeout: 5_000 });
    expect(problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
  });

  it('shows agent-written markup as text, in the approval, the feed and the session detail', async () => {
    await scene.call('sess-xss', 'Bash', { command: `echo '${XSS}' > notes.html` });
    const gate = scene.gateInAnotherProcess(BIN, 'sess-xss', `git push origin main -o '${XSS}'`);
    const a = await scene.pendingApproval();
    await open();
    const c = card('Approval', a.id);
    await c.waitFor();
    expect(await c.locator('h3').textContent()).toContain(XSS);
    expect(await page.locator('#feed-list').textContent()).toContain(XSS);
    await page.getByRole('button', { name: 'sess-xss' }).first().click();
    await page.locator('#detail .postmortem h1').waitFor();
    expect(await page.locator('#detail').textContent()).toContain(XSS);
    // Nothing the agent wrote became an element: no images anywhere, no alert.
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    gate.child.kill('SIGTERM');
  });

  it('shows the error when an answer fails: someone else answered first', async () => {
    const gate = scene.gateInAnotherProcess(BIN, 'sess-race', 'git push origin main');
    const a = await scene.pendingApproval();
    // This page hears nothing after its first load, like a phone whose stream dropped.
    await page.route('**/api/stream', (r) => r.abort());
    await open({ live: false });
    await card('Approval', a.id).waitFor();
    await scene.answer(
      { kind: 'approval', id: a.id, decision: 'deny', reason: 'no' },
      { id: 'ben', via: 'cli' },
    );
    await card('Approval', a.id).getByRole('button', { name: 'Approve' }).click();
    const alert = card('Approval', a.id).getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Not recorded: .*already denied/);
    expect((await scene.approvals()).find((x) => x.id === a.id)).toMatchObject({
      status: 'denied',
      answeredBy: 'ben',
    });
    // The refused POST is the only thing the browser complains about.
    expect(problems.filter((p) => !/409|api\/stream|ERR_FAILED/.test(p))).toEqual([]);
    await gate.done;
  });
});
