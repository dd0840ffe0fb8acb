import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/adapters/store/memory.ts';
import { answerApproval, expireStaleApprovals, requestApproval } from '../../src/app/approvals.ts';
import { humanMac } from '../../src/app/human-mac.ts';
import { answerIncident, escalateAll, OVERRIDE_KIND, raiseSignals } from '../../src/app/incidents.ts';
import { queueHandoffs } from '../../src/app/tick.ts';
import type { PagingSettings } from '../../src/core/incidents/config.ts';
import type { Signal } from '../../src/core/incidents/types.ts';
import type { LedgerStore } from '../../src/ports.ts';
import { settings, T0 } from '../fixtures/incidents.ts';

const MIN = 60_000;
const signal = (over: Partial<Signal> = {}): Signal => ({
  kind: 'session.terminated',
  project: '/work/proj',
  sessionId: 's1',
  rule: 'session.terminated',
  key: '',
  summary: 'Session s1 terminated after 20 denials',
  details: {},
  at: T0,
  ...over,
});

const oncall: PagingSettings['oncall'] = {
  timeZone: 'UTC',
  workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' },
  handoffNoticeMinutes: 60,
  people: {
    alice: { name: 'Alice', channels: ['alice-slack'] },
    bob: { name: 'Bob', channels: ['bob-slack'] },
  },
  schedules: {
    primary: {
      layers: [{ name: 'weekly', start: '2026-11-23T09:00', turnHours: 168, members: ['alice', 'bob'] }],
    },
  },
};

const paging = settings({
  channels: {
    file: { type: 'file', path: '.agent-sre/pages.jsonl' },
    pd: { type: 'pagerduty', routingKeyEnv: 'PD_KEY', baseUrl: 'http://127.0.0.1:1' },
    gh: { type: 'github', repo: 'acme/api', tokenEnv: 'GH_TOKEN', baseUrl: 'http://127.0.0.1:1', labels: [] },
    'alice-slack': { type: 'slack', webhookUrlEnv: 'ALICE' },
    'bob-slack': { type: 'slack', webhookUrlEnv: 'BOB' },
  },
  routing: [{ match: {}, channels: ['file', 'pd', 'gh'] }],
  escalation: {
    default: 'main',
    policies: {
      main: {
        rules: [
          { delayMinutes: 15, targets: [{ oncall: 'primary' }] },
          { delayMinutes: 10, targets: [{ person: 'bob' }] },
        ],
        repeat: 0,
        fallback: [{ channel: 'file' }],
      },
    },
  },
  oncall,
});

describe('incidents on the ledger', () => {
  let store: LedgerStore;
  beforeEach(() => {
    store = createMemoryStore();
  });
  const keys = async () => (await store.transact(0, (tx) => tx.outbox())).map((r) => r.page.key);

  it('a new incident triggers its routed channels and the first escalation step, once', async () => {
    const r = await store.transact(T0, (tx) => raiseSignals(tx, [signal()], paging));
    expect(r.incidents[0]?.id).toBe('INC-1');
    expect(await keys()).toEqual([
      'INC-1/file/trigger',
      'INC-1/pd/trigger',
      'INC-1/gh/trigger',
      'INC-1/alice-slack/trigger/0.0',
    ]);
    expect(r.incidents[0]?.pagedChannels).toEqual(['file', 'pd', 'gh', 'alice-slack']);
    // A repeat pages nobody new; the GitHub thread hears at 2, 4, 8 sightings.
    for (let i = 1; i <= 8; i++)
      await store.transact(T0 + i, (tx) => raiseSignals(tx, [signal({ at: T0 + i })], paging));
    const after = await keys();
    expect(after.filter((k) => k.includes('/repeat/'))).toEqual([
      'INC-1/gh/repeat/2',
      'INC-1/gh/repeat/4',
      'INC-1/gh/repeat/8',
    ]);
    const inc = await store.transact(0, (tx) => tx.incident('INC-1'));
    expect(inc?.alertCount).toBe(9);
  });

  it('escalates on time until acknowledged, then acknowledge and resolve reach every paged channel', async () => {
    await store.transact(T0, (tx) => raiseSignals(tx, [signal()], paging));
    expect(await store.transact(T0 + 14 * MIN, (tx) => escalateAll(tx, paging))).toBe(0);
    expect(await store.transact(T0 + 15 * MIN, (tx) => escalateAll(tx, paging))).toBe(1);
    expect((await keys()).at(-1)).toBe('INC-1/bob-slack/trigger/0.1');
    await store.transact(T0 + 16 * MIN, (tx) =>
      answerIncident(tx, 'INC-1', 'acknowledge', { kind: 'human', id: 'bob' }, paging),
    );
    // Acknowledged: the clock stops.
    expect(await store.transact(T0 + 60 * MIN, (tx) => escalateAll(tx, paging))).toBe(0);
    await store.transact(T0 + 61 * MIN, (tx) =>
      answerIncident(tx, 'INC-1', 'resolve', { kind: 'human', id: 'bob' }, paging),
    );
    const all = await keys();
    for (const ch of ['file', 'pd', 'gh', 'alice-slack', 'bob-slack']) {
      expect(all).toContain(`INC-1/${ch}/acknowledge`);
      expect(all).toContain(`INC-1/${ch}/resolve`);
    }
    const timeline = await store.transact(0, (tx) => tx.timeline('INC-1'));
    expect(timeline.map((t) => t.kind)).toEqual([
      'triggered',
      'paged',
      'escalated',
      'acknowledged',
      'resolved',
    ]);
  });

  it('runs out of rules into the fallback, once', async () => {
    await store.transact(T0, (tx) => raiseSignals(tx, [signal()], paging));
    await store.transact(T0 + 15 * MIN, (tx) => escalateAll(tx, paging));
    expect(await store.transact(T0 + 25 * MIN, (tx) => escalateAll(tx, paging))).toBe(1);
    expect((await keys()).at(-1)).toBe('INC-1/file/escalate/fallback');
    expect(await store.transact(T0 + 90 * MIN, (tx) => escalateAll(tx, paging))).toBe(0);
    expect((await store.transact(0, (tx) => tx.incident('INC-1')))?.escalation.exhausted).toBe(true);
  });

  it('holds SEV3 pages until working hours, never SEV1-2, and never the file log', async () => {
    const saturdayNight = Date.UTC(2026, 10, 28, 23, 0);
    const monday9 = Date.UTC(2026, 10, 30, 9, 0);
    await store.transact(saturdayNight, (tx) =>
      raiseSignals(tx, [signal({ kind: 'tier4.denied', key: 'r', rule: 'r', at: saturdayNight })], paging),
    );
    await store.transact(saturdayNight, (tx) =>
      raiseSignals(tx, [signal({ kind: 'session.terminated', sessionId: 's2', at: saturdayNight })], paging),
    );
    const rows = await store.transact(0, (tx) => tx.outbox());
    const at = (key: string) => rows.find((r) => r.page.key === key)?.notBefore;
    expect(at('INC-1/pd/trigger')).toBe(monday9);
    expect(at('INC-1/file/trigger')).toBe(saturdayNight);
    expect(at('INC-2/pd/trigger')).toBe(saturdayNight);
    // The SEV3 escalation's first step waits for Monday too.
    expect(rows.some((r) => r.page.key === 'INC-1/alice-slack/trigger/0.0')).toBe(false);
    expect(rows.some((r) => r.page.key.startsWith('INC-2/') && r.page.channel.endsWith('-slack'))).toBe(true);
  });

  it('an override changes who the escalation pages', async () => {
    await store.transact(T0, (tx) =>
      tx.putRecord({
        kind: OVERRIDE_KIND,
        id: 'OVR-1',
        createdAt: T0 - 1,
        data: {
          id: 'OVR-1',
          schedule: 'primary',
          person: 'bob',
          start: T0 - MIN,
          end: T0 + MIN,
          createdAt: T0 - 1,
        },
      }),
    );
    await store.transact(T0, (tx) => raiseSignals(tx, [signal()], paging));
    expect(await keys()).toContain('INC-1/bob-slack/trigger/0.0');
  });

  it('refuses to let anyone but a human answer, and leaves no trace when refused', async () => {
    await store.transact(T0, (tx) => raiseSignals(tx, [signal()], paging));
    await expect(
      store.transact(T0, (tx) =>
        answerIncident(tx, 'INC-1', 'acknowledge', { kind: 'agent', id: 'claude' }, paging),
      ),
    ).rejects.toThrow(/agent/);
    await expect(
      store.transact(T0, (tx) => answerIncident(tx, 'INC-9', 'resolve', { kind: 'human', id: 'a' }, paging)),
    ).rejects.toThrow(/no incident INC-9/);
    expect((await store.transact(0, (tx) => tx.incident('INC-1')))?.state).toBe('triggered');
  });
});

describe('approvals', () => {
  const mac = humanMac(Buffer.alloc(32, 7));
  const waitPaging = { ...paging, gate: { mode: 'wait' as const, timeoutSeconds: 30 } };
  const ctx = {
    project: '/work/proj',
    sessionId: 's1',
    call: { tool: 'Bash', input: { command: 'git push origin main' }, cwd: '/work/proj' },
    decision: {
      tier: 3 as const,
      verdict: 'ask' as const,
      rule: 'git.push-protected',
      reason: 'Pushes to main.',
      effects: [],
    },
    at: T0,
  };

  it('pages with approve/deny instructions and names who was paged', async () => {
    const store = createMemoryStore();
    const { approval } = await store.transact(T0, (tx) => requestApproval(tx, ctx, waitPaging));
    expect(approval).toMatchObject({
      id: 'APR-1',
      status: 'pending',
      expiresAt: T0 + 30_000,
      paged: ['Alice'],
    });
    const rows = await store.transact(0, (tx) => tx.outbox());
    expect(rows[0]?.page.instructions[0]).toBe('agent-sre approve APR-1 --dir /work/proj');
    expect(rows[0]?.page.severity).toBe('SEV2');
  });

  it('the first answer wins and resolves the incident; expiry cancels it', async () => {
    const store = createMemoryStore();
    await store.transact(T0, (tx) => requestApproval(tx, ctx, waitPaging));
    await store.transact(T0 + 1, (tx) => requestApproval(tx, { ...ctx, at: T0 + 1 }, waitPaging));
    const a = await store.transact(T0 + 5, (tx) =>
      answerApproval(tx, 'APR-1', 'approved', { kind: 'human', id: 'alice' }, waitPaging, undefined, mac),
    );
    expect(a.approval).toMatchObject({ status: 'approved', answeredBy: 'alice', answeredAt: T0 + 5 });
    await expect(
      store.transact(T0 + 6, (tx) =>
        answerApproval(tx, 'APR-1', 'denied', { kind: 'human', id: 'bob' }, waitPaging, 'no', mac),
      ),
    ).rejects.toThrow(/already approved by alice/);
    await expect(
      store.transact(T0 + 6, (tx) =>
        answerApproval(tx, 'APR-2', 'approved', { kind: 'agent', id: 'claude' }, waitPaging),
      ),
    ).rejects.toThrow(/only a human/);
    await store.transact(T0 + 31_000, (tx) =>
      answerApproval(tx, 'APR-2', 'expired', { kind: 'system', id: 'gate' }, waitPaging),
    );
    const incidents = await store.transact(0, (tx) => tx.incidents());
    expect(incidents.map((i) => [i.id, i.state])).toEqual([
      ['INC-1', 'resolved'],
      ['INC-2', 'cancelled'],
    ]);
    const resolves = (await store.transact(0, (tx) => tx.outbox())).filter(
      (r) => r.page.action === 'resolve',
    );
    expect(resolves.map((r) => r.page.key)).toContain('INC-2/pd/resolve');
  });

  it('tick expires a request whose hook is gone, after a grace period', async () => {
    const store = createMemoryStore();
    await store.transact(T0, (tx) => requestApproval(tx, ctx, waitPaging));
    expect(await store.transact(T0 + 30_000 + 59_000, (tx) => expireStaleApprovals(tx, waitPaging))).toBe(0);
    expect(await store.transact(T0 + 30_000 + 60_000, (tx) => expireStaleApprovals(tx, waitPaging))).toBe(1);
    const rec = await store.transact(0, (tx) =>
      tx.record<{ status: string; answeredBy: string }>('approval', 'APR-1'),
    );
    expect(rec?.data).toMatchObject({ status: 'expired', answeredBy: 'tick' });
    expect((await store.transact(0, (tx) => tx.incident('INC-1')))?.state).toBe('cancelled');
  });
});

describe('handoff notices', () => {
  it('tell the incoming person before the handoff, once', async () => {
    const store = createMemoryStore();
    const handoff = Date.UTC(2026, 10, 30, 9, 0); // Monday 09:00 UTC: alice hands over to bob
    const first = await store.transact(handoff - 55 * MIN, (tx) => queueHandoffs(tx, paging));
    expect(first).toBe(1);
    const again = await store.transact(handoff - 54 * MIN, (tx) => queueHandoffs(tx, paging));
    expect(again).toBe(0);
    const [row] = await store.transact(0, (tx) => tx.outbox());
    expect(row?.page).toMatchObject({
      action: 'handoff',
      channel: 'bob-slack',
      recipient: 'bob',
      incidentId: null,
    });
    expect(row?.page.title).toMatch(/Bob/);
    // Far from any handoff: nothing.
    const quiet = await store.transact(handoff + 2 * 24 * 60 * MIN, (tx) => queueHandoffs(tx, paging));
    expect(quiet).toBe(0);
  });
});
