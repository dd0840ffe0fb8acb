// The dashboard server over a real SQLite ledger: who may get in (one-time login links), what it refuses
// (other Hosts, other Origins, missing CSRF tokens), and that an answer given here is the CLI's transition,
// signed so the waiting gate obeys it, and recorded with the route it came by.
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_KIND, type Approval, requestApproval, verifyApproval } from '../../src/app/approvals.ts';
import { raiseSignals } from '../../src/app/incidents.ts';
import { newSession } from '../../src/core/session/rules.ts';
import type { LedgerEvent } from '../../src/core/session/types.ts';
import { mintLoginToken } from '../../src/server/dashboard/auth.ts';
import { startTestDashboard, type TestDashboard } from '../helpers/dashboard.ts';

let d: TestDashboard;
let clock = Date.parse('2026-12-06T03:00:00Z');
const now = () => clock;

beforeEach(async () => {
  clock = Date.parse('2026-12-06T03:00:00Z');
  d = await startTestDashboard({ now, yaml: 'version: 1\ngate: { mode: wait, timeoutSeconds: 600 }\n' });
});
afterEach(async () => {
  await d.close();
});

function event(sessionId: string, ts: number, over: Partial<LedgerEvent> = {}): LedgerEvent {
  return {
    v: 1,
    ts,
    sessionId,
    event: 'PreToolUse',
    tool: 'Bash',
    toolUseId: `t${ts}`,
    agentId: null,
    tier: 1,
    verdict: 'allow',
    rule: null,
    reason: null,
    effects: [],
    durationMs: 3,
    input: JSON.stringify({ command: 'ls' }),
    ...over,
  };
}

async function append(e: LedgerEvent) {
  await d.store.commit({
    sessionId: e.sessionId,
    now: e.ts,
    apply: (state) => ({ state: state ?? newSession(e.sessionId, d.dir, e.ts), event: e, result: null }),
  });
}

async function pendingApproval(): Promise<Approval> {
  await append(
    event('s1', clock - 1000, {
      tier: 3,
      verdict: 'ask',
      rule: 'git.push-protected',
      reason: 'Pushes to main.',
      input: JSON.stringify({ command: 'git push origin main' }),
    }),
  );
  return d.store
    .transact(clock, (tx) =>
      requestApproval(
        tx,
        {
          project: d.dir,
          sessionId: 's1',
          call: { tool: 'Bash', input: { command: 'git push origin main' }, cwd: d.dir },
          decision: {
            tier: 3,
            verdict: 'ask',
            rule: 'git.push-protected',
            reason: 'Pushes to main.',
            effects: [],
          },
          at: clock,
        },
        d.ctx.paging,
      ),
    )
    .then((r) => r.approval);
}

/** A raw request, so Host and Origin can be anything (fetch sets Host itself). */
function raw(
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: d.service.port, path, method, headers, setHost: false },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const host = () => `127.0.0.1:${d.service.port}`;

describe('signing in', () => {
  it('refuses the page and the API without a session', async () => {
    expect((await fetch(`${d.service.origin}/`)).status).toBe(401);
    const api = await fetch(`${d.service.origin}/api/state`);
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: string }).error).toMatch(/login-link/);
  });

  it('a login link signs in once, with an HttpOnly SameSite=Strict cookie', async () => {
    const url = d.service.loginUrl('ana');
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const set = first.headers.get('set-cookie') ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    const cookie = set.split(';')[0]!;
    const state = await fetch(`${d.service.origin}/api/state`, { headers: { cookie } });
    expect(state.status).toBe(200);
    expect(((await state.json()) as { user: string }).user).toBe('ana');
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(await again.text()).toMatch(/already used/);
  });

  it('refuses an expired, forged or other project’s login link', async () => {
    const url = d.service.loginUrl('ana');
    clock += 11 * 60_000;
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(401);
    const token = mintLoginToken(d.mac, d.dir, 'ana', clock);
    const [body, sig] = token.split('.') as [string, string];
    const flipped = `${body}.${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect((await fetch(`${d.service.origin}/login?t=${flipped}`, { redirect: 'manual' })).status).toBe(401);
    const other = mintLoginToken(d.mac, '/elsewhere', 'ana', clock);
    const r = await fetch(`${d.service.origin}/login?t=${other}`, { redirect: 'manual' });
    expect(r.status).toBe(401);
    expect(await r.text()).toMatch(/another project/);
    expect((await fetch(`${d.service.origin}/login`, { redirect: 'manual' })).status).toBe(401);
  });

  it('limits login attempts per address: the 11th in a minute gets 429 with Retry-After', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++)
      codes.push((await fetch(`${d.service.origin}/login?t=guess${i}`, { redirect: 'manual' })).status);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes[10]).toBe(429);
    const last = await fetch(`${d.service.origin}/login?t=${'x'}`, { redirect: 'manual' });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // A real link is refused too while the bucket is empty; a minute later it works.
    const url = d.service.loginUrl('ana');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(429);
    clock += 60_000;
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(303);
  });

  it('a cookie stops working when its session expires', async () => {
    const { cookie } = await d.signIn();
    clock += 13 * 3_600_000;
    expect((await fetch(`${d.service.origin}/api/state`, { headers: { cookie } })).status).toBe(401);
  });
});

describe('DNS rebinding and cross-site requests', () => {
  it('answers only to its own Host', async () => {
    const { cookie } = await d.signIn();
    for (const h of ['evil.example', `evil.example:${d.service.port}`, '127.0.0.1:1', ''])
      expect((await raw('/api/state', { host: h, cookie })).status).toBe(421);
    expect((await raw('/api/state', { host: host(), cookie })).status).toBe(200);
    expect((await raw('/api/state', { host: `localhost:${d.service.port}`, cookie })).status).toBe(200);
  });

  it('refuses a state change without our Origin or without the CSRF token', async () => {
    const a = await pendingApproval();
    const { cookie, csrf } = await d.signIn();
    expect(csrf).toMatch(/^[\w-]{20,}$/);
    const body = JSON.stringify({ decision: 'approve' });
    const base = { host: host(), cookie, 'content-type': 'application/json' };
    const cases: Array<[Record<string, string>, number]> = [
      [{ ...base, 'x-csrf-token': csrf }, 403], // no Origin
      [{ ...base, 'x-csrf-token': csrf, origin: 'http://evil.example' }, 403],
      [{ ...base, 'x-csrf-token': csrf, origin: 'null' }, 403],
      [{ ...base, origin: `http://${host()}` }, 403], // no token
      [{ ...base, origin: `http://${host()}`, 'x-csrf-token': `${csrf}x` }, 403],
    ];
    for (const [headers, status] of cases)
      expect((await raw(`/api/approvals/${a.id}`, headers, 'POST', body)).status).toBe(status);
    const still = await d.store.transact(clock, (tx) => tx.record<Approval>(APPROVAL_KIND, a.id));
    expect(still?.data.status).toBe('pending');
  });

  it('sends a strict Content-Security-Policy with the page', async () => {
    const { cookie } = await d.signIn();
    const page = await fetch(`${d.service.origin}/`, { headers: { cookie } });
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('answering from the dashboard', () => {
  const post = async (path: string, body: unknown, s: { cookie: string; csrf: string }) =>
    fetch(`${d.service.origin}${path}`, {
      method: 'POST',
      headers: {
        cookie: s.cookie,
        'x-csrf-token': s.csrf,
        origin: d.service.origin,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });

  it('approves with a signed answer the waiting gate obeys, recorded as via dashboard', async () => {
    const a = await pendingApproval();
    const s = await d.signIn('ana');
    const r = await post(`/api/approvals/${a.id}`, { decision: 'approve' }, s);
    expect(r.status).toBe(200);
    const rec = await d.store.transact(clock, (tx) => tx.record<Approval>(APPROVAL_KIND, a.id));
    expect(rec?.data).toMatchObject({ status: 'approved', answeredBy: 'ana', answeredVia: 'dashboard' });
    expect(verifyApproval(d.mac, a, rec!)).toBe(true);
    const again = await post(`/api/approvals/${a.id}`, { decision: 'deny', reason: 'late' }, s);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/already approved/);
  });

  it('refuses a denial without a reason, and records one with it', async () => {
    const a = await pendingApproval();
    const s = await d.signIn('ana');
    const bare = await post(`/api/approvals/${a.id}`, { decision: 'deny' }, s);
    expect(bare.status).toBe(409);
    expect(((await bare.json()) as { error: string }).error).toMatch(/reason/);
    const r = await post(`/api/approvals/${a.id}`, { decision: 'deny', reason: 'not tonight' }, s);
    expect(r.status).toBe(200);
    const rec = await d.store.transact(clock, (tx) => tx.record<Approval>(APPROVAL_KIND, a.id));
    expect(rec?.data).toMatchObject({ status: 'denied', answerReason: 'not tonight' });
  });

  it('acknowledges an incident: the timeline names the person and the route, TTA is set', async () => {
    const raised = await d.store.transact(clock, (tx) =>
      raiseSignals(
        tx,
        [
          {
            kind: 'tier4.denied',
            project: d.dir,
            sessionId: 's1',
            rule: 'fs.rm-home',
            summary: 'rm -rf ~ denied',
            details: {},
            key: 'x',
            at: clock,
          },
        ],
        d.ctx.paging,
      ),
    );
    const id = raised.incidents[0]!.id;
    clock += 120_000;
    const s = await d.signIn('ben');
    expect((await post(`/api/incidents/${id}`, { action: 'acknowledge', note: 'on it' }, s)).status).toBe(
      200,
    );
    const { incident, timeline } = await d.store.transact(clock, (tx) => ({
      incident: tx.incident(id),
      timeline: tx.timeline(id),
    }));
    expect(incident?.state).toBe('acknowledged');
    expect(incident?.milestones.acknowledgedAt).toBe(clock);
    const ack = timeline.find((t) => t.kind === 'acknowledged');
    expect(ack?.actor).toEqual({ kind: 'human', id: 'ben', via: 'dashboard' });
    const bad = await post(`/api/incidents/${id}`, { action: 'explode' }, s);
    expect(bad.status).toBe(400);
  });
});

describe('the views', () => {
  it('state carries the pending approval with its call, effects context and recent history', async () => {
    await append(event('s1', clock - 5000));
    const a = await pendingApproval();
    const { cookie } = await d.signIn();
    const state = (await (await fetch(`${d.service.origin}/api/state`, { headers: { cookie } })).json()) as {
      approvals: Array<{ id: string; status: string; action: string; recent: unknown[]; rule: string }>;
      sessions: Array<{ id: string; budgets: Array<{ name: string; limit: number | null }> }>;
      cost: { perDay: unknown[] };
    };
    expect(state.approvals[0]).toMatchObject({ id: a.id, status: 'pending', rule: 'git.push-protected' });
    expect(state.approvals[0]!.action).toContain('git push origin main');
    expect(state.approvals[0]!.recent.length).toBe(2);
    // Summaries come from the recorded tool input (the hook stores tool_input itself, redacted).
    expect(state.approvals[0]!.recent.map((r) => (r as { summary: string }).summary)).toEqual([
      'git push origin main',
      'ls',
    ]);
    expect(state.sessions[0]!.id).toBe('s1');
    expect(state.sessions[0]!.budgets.find((b) => b.name === 'filesTouched')?.limit).toBe(200);
    expect(state.cost.perDay).toHaveLength(14);
  });

  it('streams a new decision and a change over SSE', async () => {
    const { cookie } = await d.signIn();
    const ac = new AbortController();
    const res = await fetch(`${d.service.origin}/api/stream`, { headers: { cookie }, signal: ac.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const until = async (re: RegExp) => {
      const deadline = Date.now() + 10_000;
      while (!re.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return re.test(text);
    };
    expect(await until(/event: ready/)).toBe(true);
    // Let the watcher take its first look, then write as the hook would.
    await new Promise((r) => setTimeout(r, 300));
    await append(event('s2', clock, { tier: 4, verdict: 'deny', rule: 'fs.rm-home', reason: 'no' }));
    expect(await until(/event: decision\ndata: \{[^\n]*"rule":"fs.rm-home"/)).toBe(true);
    expect(await until(/event: changed/)).toBe(true);
    ac.abort();
  });

  it('renders a session’s postmortem as HTML with nothing active in it', async () => {
    await append(
      event('s3', clock, {
        input: JSON.stringify({ command: 'echo "<script>alert(1)</script>"' }),
      }),
    );
    const { cookie } = await d.signIn();
    const r = await fetch(`${d.service.origin}/api/sessions/s3`, { headers: { cookie } });
    expect(r.status).toBe(200);
    const detail = (await r.json()) as {
      postmortemHtml: string;
      postmortemMarkdown: string;
      decisions: unknown[];
    };
    expect(detail.decisions).toHaveLength(1);
    expect(detail.postmortemHtml).toMatch(/<h1>/);
    expect(detail.postmortemHtml).not.toMatch(/<script/i);
    expect((await fetch(`${d.service.origin}/api/sessions/nope`, { headers: { cookie } })).status).toBe(404);
  });
});
