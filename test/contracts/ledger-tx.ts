// The LedgerTx contract: incident rows, timelines, the outbox and its claims, channel bookkeeping and
// records. Every LedgerStore runs it; src/adapters/store/memory-tx.ts is the reference.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../src/ports.ts';
import { incident, page, T0 } from '../fixtures/incidents.ts';
import { bareEvent, freshState, type StoreFixture } from './ledger-store.ts';

export function testLedgerTx(name: string, make: () => Promise<StoreFixture>): void {
  describe(`LedgerTx contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: LedgerStore;
    beforeEach(async () => {
      fx = await make();
      store = fx.store;
    });
    afterEach(async () => {
      await store.close();
      await fx.cleanup?.();
    });

    it('keeps incidents by id and finds the newest by dedup key', async () => {
      await store.transact(T0, (t) => {
        t.saveIncident(incident('INC-1', { dedupKey: 'k', state: 'resolved' }));
        t.saveIncident(
          incident('INC-2', {
            dedupKey: 'k',
            milestones: { ...incident('x').milestones, detectedAt: T0 + 5 },
          }),
        );
        t.saveIncident(incident('INC-3', { dedupKey: 'other' }));
      });
      const r = await store.transact(T0, (t) => ({
        one: t.incident('INC-1'),
        byKey: t.incidentByDedup('k'),
        none: t.incidentByDedup('missing'),
        open: t.incidents({ open: true }).map((i) => i.id),
        all: t.incidents().map((i) => i.id),
        bySession: t.incidents({ sessionId: 'nope' }),
      }));
      expect(r.one?.state).toBe('resolved');
      expect(r.byKey?.id).toBe('INC-2');
      expect(r.none).toBeUndefined();
      expect(r.open).toEqual(['INC-3', 'INC-2']);
      expect(r.all).toEqual(['INC-1', 'INC-3', 'INC-2']);
      expect(r.bySession).toEqual([]);
    });

    it('updates an incident in place', async () => {
      await store.transact(T0, (t) => t.saveIncident(incident('INC-1')));
      await store.transact(T0, (t) =>
        t.saveIncident(incident('INC-1', { state: 'acknowledged', alertCount: 4 })),
      );
      const all = await store.transact(T0, (t) => t.incidents());
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ state: 'acknowledged', alertCount: 4 });
    });

    it('counts sequences from 1, independently per name', async () => {
      const r = await store.transact(T0, (t) => [
        t.nextSeq('incident'),
        t.nextSeq('incident'),
        t.nextSeq('approval'),
      ]);
      expect(r).toEqual([1, 2, 1]);
      expect(await store.transact(T0, (t) => t.nextSeq('incident'))).toBe(3);
    });

    it('appends timeline entries in order', async () => {
      const e = (text: string) => ({
        at: T0,
        kind: 'note' as const,
        actor: { kind: 'system' as const, id: 's' },
        text,
      });
      await store.transact(T0, (t) => t.addTimeline('INC-1', [e('a'), e('b')]));
      await store.transact(T0, (t) => t.addTimeline('INC-2', [e('x')]));
      await store.transact(T0, (t) => t.addTimeline('INC-1', [e('c')]));
      expect((await store.transact(T0, (t) => t.timeline('INC-1'))).map((x) => x.text)).toEqual([
        'a',
        'b',
        'c',
      ]);
    });

    it('queues each page key once', async () => {
      const n1 = await store.transact(T0, (t) =>
        t.enqueue([
          { page: page('a'), notBefore: T0 },
          { page: page('b'), notBefore: T0 },
        ]),
      );
      const n2 = await store.transact(T0, (t) => t.enqueue([{ page: page('a'), notBefore: T0 }]));
      expect([n1, n2]).toEqual([2, 0]);
      const rows = await store.transact(T0, (t) => t.outbox());
      expect(rows.map((r) => [r.page.key, r.status, r.attempts, r.createdAt])).toEqual([
        ['a', 'pending', 0, T0],
        ['b', 'pending', 0, T0],
      ]);
    });

    it('only the oldest pending page of an (incident, channel) is due, and only once claimed', async () => {
      await store.transact(T0, (t) =>
        t.enqueue([
          { page: page('i1/pd/trigger'), notBefore: T0 },
          { page: page('i1/pd/ack', { action: 'acknowledge' }), notBefore: T0 },
          { page: page('i1/slack/trigger', { channel: 'slack' }), notBefore: T0 },
          { page: page('i2/pd/trigger', { incidentId: 'INC-2' }), notBefore: T0 },
          { page: page('later', { incidentId: 'INC-3' }), notBefore: T0 + 60_000 },
        ]),
      );
      const a = await store.transact(T0, (t) => t.claimDue('w1', 1000, 10));
      expect(a.map((r) => r.page.key)).toEqual(['i1/pd/trigger', 'i1/slack/trigger', 'i2/pd/trigger']);
      // Claimed rows are not handed to a second worker while the lease holds.
      expect(await store.transact(T0 + 10, (t) => t.claimDue('w2', 1000, 10))).toEqual([]);
      // Settling the head makes the next page of that queue due.
      const first = a[0]!;
      expect(
        await store.transact(T0 + 20, (t) => t.settle(first.id, 'w1', { status: 'delivered', detail: 'ok' })),
      ).toBe(true);
      const b = await store.transact(T0 + 30, (t) => t.claimDue('w2', 1000, 10));
      expect(b.map((r) => r.page.key)).toEqual(['i1/pd/ack']);
      // Claimed heads are their worker's business: the next due page is the quiet one.
      expect(await store.transact(T0 + 30, (t) => t.nextDueAt())).toBe(T0 + 60_000);
    });

    it('a lapsed lease lets another worker take the page, and the first one loses its claim', async () => {
      await store.transact(T0, (t) => t.enqueue([{ page: page('a'), notBefore: T0 }]));
      const [row] = await store.transact(T0, (t) => t.claimDue('w1', 1000, 10));
      const again = await store.transact(T0 + 1000, (t) => t.claimDue('w2', 1000, 10));
      expect(again.map((r) => r.id)).toEqual([row!.id]);
      expect(
        await store.transact(T0 + 1001, (t) =>
          t.settle(row!.id, 'w1', { status: 'delivered', detail: null }),
        ),
      ).toBe(false);
      expect(
        await store.transact(T0 + 1002, (t) =>
          t.settle(row!.id, 'w2', { status: 'delivered', detail: null }),
        ),
      ).toBe(true);
      expect(
        await store.transact(T0 + 1003, (t) =>
          t.settle(row!.id, 'w2', { status: 'delivered', detail: null }),
        ),
      ).toBe(false);
      const [done] = await store.transact(T0, (t) => t.outbox());
      expect(done).toMatchObject({ status: 'delivered', deliveredAt: T0 + 1002, attempts: 1 });
    });

    it('a retry waits for its time; a failure is final and unblocks the queue', async () => {
      await store.transact(T0, (t) =>
        t.enqueue([
          { page: page('t'), notBefore: T0 },
          { page: page('r', { action: 'resolve' }), notBefore: T0 },
        ]),
      );
      const [t1] = await store.transact(T0, (t) => t.claimDue('w', 100, 10));
      await store.transact(T0, (t) =>
        t.settle(t1!.id, 'w', { status: 'retry', error: '503', nextAttemptAt: T0 + 5000 }),
      );
      expect(await store.transact(T0 + 4999, (t) => t.claimDue('w', 100, 10))).toEqual([]);
      expect(await store.transact(T0 + 4999, (t) => t.nextDueAt())).toBe(T0 + 5000);
      const [t2] = await store.transact(T0 + 5000, (t) => t.claimDue('w', 100, 10));
      expect(t2).toMatchObject({ id: t1!.id, attempts: 1, lastError: '503' });
      await store.transact(T0 + 5000, (t) =>
        t.settle(t2!.id, 'w', { status: 'failed', error: '400 invalid' }),
      );
      const [r] = await store.transact(T0 + 5000, (t) => t.claimDue('w', 100, 10));
      expect(r?.page.key).toBe('r');
      expect(await store.transact(T0, (t) => t.outbox({ status: 'failed' }))).toMatchObject([
        { lastError: '400 invalid', attempts: 2 },
      ]);
    });

    it('holds a page until its not-before time', async () => {
      await store.transact(T0, (t) => t.enqueue([{ page: page('quiet'), notBefore: T0 + 3_600_000 }]));
      expect(await store.transact(T0, (t) => t.claimDue('w', 100, 10))).toEqual([]);
      expect(await store.transact(T0 + 3_600_000, (t) => t.claimDue('w', 100, 10))).toHaveLength(1);
    });

    it('keeps channel refs per incident and channel', async () => {
      await store.transact(T0, (t) => t.setChannelRef('INC-1', 'gh', { issue: 7 }));
      await store.transact(T0, (t) => t.setChannelRef('INC-1', 'gh', { issue: 8 }));
      const r = await store.transact(T0, (t) => [t.channelRef('INC-1', 'gh'), t.channelRef('INC-1', 'pd')]);
      expect(r).toEqual([{ issue: 8 }, undefined]);
    });

    it('reserves send slots at the channel rate', async () => {
      expect(await store.transact(T0, (t) => t.reserveSend('slack', 1000))).toBe(0);
      expect(await store.transact(T0 + 400, (t) => t.reserveSend('slack', 1000))).toBe(600);
      expect(await store.transact(T0 + 400, (t) => t.reserveSend('pd', 500))).toBe(0);
      expect(await store.transact(T0 + 1000, (t) => t.reserveSend('slack', 1000))).toBe(0);
    });

    it('keeps records by kind and id, with their first creation time', async () => {
      await store.transact(T0, (t) =>
        t.putRecord({ kind: 'approval', id: 'APR-1', createdAt: T0, data: { status: 'pending' } }),
      );
      await store.transact(T0, (t) =>
        t.putRecord({ kind: 'approval', id: 'APR-1', createdAt: T0 + 9, data: { status: 'approved' } }),
      );
      await store.transact(T0, (t) => t.putRecord({ kind: 'other', id: 'APR-1', createdAt: T0, data: 1 }));
      const r = await store.transact(T0, (t) => ({
        one: t.record('approval', 'APR-1'),
        all: t.records('approval'),
        none: t.record('approval', 'x'),
      }));
      expect(r.one).toEqual({ kind: 'approval', id: 'APR-1', createdAt: T0, data: { status: 'approved' } });
      expect(r.all).toHaveLength(1);
      expect(r.none).toBeUndefined();
    });

    it('keeps meta values', async () => {
      await store.transact(T0, (t) => t.setMeta('a', '1'));
      await store.transact(T0, (t) => t.setMeta('a', '2'));
      expect(await store.transact(T0, (t) => [t.meta('a'), t.meta('b')])).toEqual(['2', undefined]);
    });

    it('rolls everything back when the transaction body throws', async () => {
      await expect(
        store.transact(T0, (t) => {
          t.saveIncident(incident('INC-1'));
          t.enqueue([{ page: page('a'), notBefore: T0 }]);
          t.nextSeq('incident');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const r = await store.transact(T0, (t) => ({
        inc: t.incidents(),
        out: t.outbox(),
        seq: t.nextSeq('incident'),
      }));
      expect(r).toEqual({ inc: [], out: [], seq: 1 });
    });

    it('commits incident changes made inside a session transition with its event', async () => {
      await store.commit({
        sessionId: 's1',
        now: T0,
        apply: (_s, _n, t) => {
          t.saveIncident(incident('INC-1'));
          t.enqueue([{ page: page('a'), notBefore: T0 }]);
          return {
            state: freshState('s1', T0),
            event: bareEvent('s1', 1),
            result: undefined,
          };
        },
      });
      await expect(
        store.commit({
          sessionId: 's1',
          now: T0,
          apply: (_s, _n, t) => {
            t.saveIncident(incident('INC-2'));
            throw new Error('apply failed');
          },
        }),
      ).rejects.toThrow('apply failed');
      const r = await store.transact(T0, (t) => ({
        inc: t.incidents().map((i) => i.id),
        out: t.outbox().length,
      }));
      expect(r).toEqual({ inc: ['INC-1'], out: 1 });
      expect(await store.events()).toHaveLength(1);
    });
  });
}
