// The TeamStore contract: what a team server's store promises about shipped batches. Every TeamStore
// runs it; src/adapters/store/memory-team.ts is the reference.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionState } from '../../src/core/session/types.ts';
import type { Origin, ShipBatch, ShippedItem, TeamStore } from '../../src/ports.ts';
import { bareEvent, freshState, fullEvent, step } from './ledger-store.ts';

export interface TeamFixture {
  store: TeamStore;
  cleanup?: () => Promise<void>;
}

export const LAPTOP: Origin = { machine: 'm-laptop', user: 'ana', project: 'p-1' };
export const CI: Origin = { machine: 'm-ci', user: 'runner', project: 'p-1' };

/** Item `seq` of a stream: session `sessionId`'s `calls`-th tool call, with every event field set. */
export function item(seq: number, sessionId: string, calls = seq): ShippedItem {
  const state: SessionState = {
    ...freshState(sessionId),
    usage: { ...freshState(sessionId).usage, toolCalls: calls },
  };
  return { seq, event: { ...fullEvent(sessionId, seq), input: `${sessionId}#${seq}` }, state };
}

export function batch(origin: Origin, items: ShippedItem[], spend?: ShipBatch['spend']): ShipBatch {
  return spend === undefined ? { origin, items } : { origin, items, spend };
}

export function testTeamStore(name: string, make: () => Promise<TeamFixture>): void {
  describe(`TeamStore contract: ${name}`, () => {
    let fx: TeamFixture;
    let store: TeamStore;
    beforeEach(async () => {
      fx = await make();
      store = fx.store;
    });
    afterEach(async () => {
      await store.close();
      await fx.cleanup?.();
    });

    const inputs = async (sessionId?: string) =>
      (await store.events(sessionId === undefined ? {} : { sessionId })).map((e) => e.input);

    it('stores a new batch: events in order, each session at its last state, labelled with its origin', async () => {
      const items = [item(1, 's1'), item(2, 's2'), item(3, 's1'), item(4, 's1')];
      expect(await store.ingest(batch(LAPTOP, items))).toEqual({ accepted: 4, duplicates: 0, highWater: 4 });
      expect(await inputs()).toEqual(['s1#1', 's2#2', 's1#3', 's1#4']);
      expect(await store.events({ sessionId: 's1' })).toStrictEqual(
        [items[0], items[2], items[3]].map((i) => i!.event),
      );
      expect(await store.getSession('s1')).toStrictEqual(items[3]!.state);
      const team = await store.teamSessions();
      expect(team.map((s) => [s.state.sessionId, s.events, s.origin])).toEqual([
        ['s1', 3, LAPTOP],
        ['s2', 1, LAPTOP],
      ]);
      expect((await store.listSessions()).map((s) => [s.state.sessionId, s.events])).toEqual([
        ['s1', 3],
        ['s2', 1],
      ]);
      expect(await store.highWater(LAPTOP)).toBe(4);
    });

    it('takes each (machine, project, seq) once: a replay changes nothing, an overlap adds only the new', async () => {
      await store.ingest(batch(LAPTOP, [item(1, 's1'), item(2, 's1')]));
      expect(await store.ingest(batch(LAPTOP, [item(1, 's1'), item(2, 's1')]))).toEqual({
        accepted: 0,
        duplicates: 2,
        highWater: 2,
      });
      expect(await store.ingest(batch(LAPTOP, [item(2, 's1'), item(3, 's1'), item(7, 's1')]))).toEqual({
        accepted: 2,
        duplicates: 1,
        highWater: 7,
      });
      expect(await inputs()).toEqual(['s1#1', 's1#2', 's1#3', 's1#7']);
      const [s1] = await store.teamSessions();
      expect(s1?.events).toBe(4);
      expect(s1?.state.usage.toolCalls).toBe(7);
      // An old batch arriving late (a retry after a newer one landed) neither adds events nor rolls state back.
      expect(await store.ingest(batch(LAPTOP, [item(3, 's1')]))).toEqual({
        accepted: 0,
        duplicates: 1,
        highWater: 7,
      });
      expect((await store.getSession('s1'))?.usage.toolCalls).toBe(7);
    });

    it('keeps one high-water mark per (machine, project) stream', async () => {
      const otherProject = { ...LAPTOP, project: 'p-2' };
      await store.ingest(batch(LAPTOP, [item(5, 'a')]));
      expect(await store.ingest(batch(CI, [item(1, 'b'), item(2, 'b')]))).toMatchObject({
        accepted: 2,
        highWater: 2,
      });
      expect(await store.ingest(batch(otherProject, [item(1, 'c')]))).toMatchObject({
        accepted: 1,
        highWater: 1,
      });
      expect([
        await store.highWater(LAPTOP),
        await store.highWater(CI),
        await store.highWater(otherProject),
        await store.highWater({ ...CI, machine: 'never-seen' }),
      ]).toEqual([5, 2, 1, 0]);
      // The stream is the machine and the project; the user is a label on what it ships.
      expect(await store.highWater({ ...LAPTOP, user: 'someone-else' })).toBe(5);
      const origins = Object.fromEntries(
        (await store.teamSessions()).map((s) => [s.state.sessionId, s.origin]),
      );
      expect(origins).toEqual({ a: LAPTOP, b: CI, c: otherProject });
    });

    it('takes a replaced local ledger (ids from 1 again) as a new stream, with its own spend', async () => {
      const old = { ...LAPTOP, projectId: 'github.com/acme/app', ledger: 'ledger-1' };
      const fresh = { ...old, ledger: 'ledger-2' };
      await store.ingest(
        batch(old, [item(1, 'a'), item(2, 'a'), item(3, 'a')], [{ day: '2026-11-25', usd: 3 }]),
      );
      expect(
        await store.ingest(batch(fresh, [item(1, 'b'), item(2, 'b')], [{ day: '2026-11-25', usd: 1 }])),
      ).toEqual({
        accepted: 2,
        duplicates: 0,
        highWater: 2,
      });
      expect([
        await store.highWater(old),
        await store.highWater(fresh),
        await store.highWater(LAPTOP),
      ]).toEqual([3, 2, 0]);
      expect(await inputs()).toEqual(['a#1', 'a#2', 'a#3', 'b#1', 'b#2']);
      expect((await store.teamSessions()).map((s) => s.origin)).toEqual([old, fresh]);
      // Each ledger's cumulative figure counts: the new one started again from 0.
      expect(await store.fleetSpend('2026-11-25')).toEqual([
        { origin: old, usd: 3 },
        { origin: fresh, usd: 1 },
      ]);
    });

    it('refuses an empty ledger or project id', async () => {
      for (const origin of [
        { ...LAPTOP, ledger: '' },
        { ...LAPTOP, projectId: '' },
      ])
        await expect(store.ingest(batch(origin, [item(1, 's1')]))).rejects.toThrow();
      expect(await store.events()).toEqual([]);
    });

    it('an empty batch answers with the stream cursor and changes nothing', async () => {
      expect(await store.ingest(batch(LAPTOP, []))).toEqual({ accepted: 0, duplicates: 0, highWater: 0 });
      await store.ingest(batch(LAPTOP, [item(3, 's1')]));
      expect(await store.ingest(batch(LAPTOP, []))).toEqual({ accepted: 0, duplicates: 0, highWater: 3 });
      expect(await store.events()).toHaveLength(1);
    });

    it('refuses a malformed batch whole, before writing anything', async () => {
      const bad: ShipBatch[] = [
        batch(LAPTOP, [item(1, 's1'), item(3, 's1'), item(2, 's1')]),
        batch(LAPTOP, [item(1, 's1'), item(1, 's1')]),
        batch(LAPTOP, [item(0, 's1')]),
        batch(LAPTOP, [item(1.5, 's1')]),
        batch(LAPTOP, [item(1, 's1'), { ...item(2, 's1'), event: bareEvent('other', 2) }]),
        batch({ ...LAPTOP, machine: '' }, [item(1, 's1')]),
        batch(LAPTOP, [item(1, 's1')], [{ day: 'yesterday', usd: 1 }]),
        batch(LAPTOP, [item(1, 's1')], [{ day: '2026-11-25', usd: Number.NaN }]),
        batch(LAPTOP, [item(1, 's1')], [{ day: '2026-11-25', usd: -1 }]),
      ];
      for (const b of bad)
        await expect(store.ingest(b), JSON.stringify(b.items.map((i) => i.seq))).rejects.toThrow();
      expect(await store.events()).toEqual([]);
      expect(await store.teamSessions()).toEqual([]);
      expect(await store.highWater(LAPTOP)).toBe(0);
      expect(await store.fleetSpend('2026-11-25')).toEqual([]);
    });

    it('keeps the highest spend each stream reported per day', async () => {
      await store.ingest(batch(LAPTOP, [], [{ day: '2026-11-25', usd: 1.5 }]));
      await store.ingest(batch(CI, [item(1, 'b')], [{ day: '2026-11-25', usd: 4 }]));
      // Cumulative figures: a repeat or a stale lower one changes nothing; a day repeated in one batch counts once.
      await store.ingest(batch(LAPTOP, [], [{ day: '2026-11-25', usd: 1.25 }]));
      await store.ingest(
        batch(
          LAPTOP,
          [],
          [
            { day: '2026-11-25', usd: 2.5 },
            { day: '2026-11-25', usd: 2 },
            { day: '2026-11-26', usd: 0.5 },
          ],
        ),
      );
      const day = await store.fleetSpend('2026-11-25');
      expect(day).toEqual([
        { origin: CI, usd: 4 },
        { origin: LAPTOP, usd: 2.5 },
      ]);
      expect(await store.fleetSpend('2026-11-26')).toEqual([{ origin: LAPTOP, usd: 0.5 }]);
      expect(await store.fleetSpend('2026-11-27')).toEqual([]);
    });

    it('takes a batch once when it arrives twice at the same time', async () => {
      const items = Array.from({ length: 20 }, (_, i) => item(i + 1, `s${i % 3}`));
      const results = await Promise.all([
        store.ingest(batch(LAPTOP, items)),
        store.ingest(batch(LAPTOP, items)),
        store.ingest(batch(LAPTOP, items.slice(5, 12))),
      ]);
      expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(20);
      expect(await store.events()).toHaveLength(20);
      expect((await store.teamSessions()).reduce((n, s) => n + s.events, 0)).toBe(20);
    });

    it('keeps text that tends to break storage exactly', async () => {
      const odd = item(1, "s'1 \u0000 ✓");
      odd.event.reason = '\u0001starts with a marker \ud800 lone surrogate \u0000';
      odd.state.cwd = '\u0000';
      await store.ingest(batch({ machine: 'm \u0000', user: "o'brien", project: '😀' }, [odd]));
      expect(await store.events()).toStrictEqual([odd.event]);
      expect(await store.getSession(odd.state.sessionId)).toStrictEqual(odd.state);
      expect((await store.teamSessions())[0]?.origin).toEqual({
        machine: 'm \u0000',
        user: "o'brien",
        project: '😀',
      });
    });

    it('labels sessions committed locally with no origin, and sorts them with the shipped ones', async () => {
      await store.commit(step('local', { startedAt: 1 }));
      await store.ingest(batch(LAPTOP, [item(1, 'shipped')]));
      expect((await store.teamSessions()).map((s) => [s.state.sessionId, s.origin])).toEqual([
        ['local', null],
        ['shipped', LAPTOP],
      ]);
    });

    it("lists every stream's events after a position, in the order they became visible, in pages", async () => {
      expect(await store.lastEventSeq()).toBe(0);
      expect(await store.eventsAfter(0, 10)).toEqual([]);
      await store.ingest(batch(LAPTOP, [item(1, 'a'), item(2, 'a')]));
      await store.commit(step('local'));
      await store.ingest(batch(CI, [item(1, 'c')]));
      const all = await store.eventsAfter(0, 100);
      expect(all.map((e) => e.event.sessionId)).toEqual(['a', 'a', 'local', 'c']);
      expect(all.map((e) => e.event)).toStrictEqual(await store.events());
      const seqs = all.map((e) => e.seq);
      expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(4);
      expect(await store.lastEventSeq()).toBe(seqs.at(-1));
      // Pages: from any position, what follows it, at most `limit`.
      expect(await store.eventsAfter(seqs[0]!, 2)).toStrictEqual(all.slice(1, 3));
      expect(await store.eventsAfter(seqs[3]!, 2)).toEqual([]);
      await expect(store.eventsAfter(0, -1)).rejects.toThrow(RangeError);
    });

    it('marks shipped events reportable as committed ones are: a report reads the same from either', async () => {
      const sh = (command: string) => JSON.stringify({ command });
      const at = (seq: number, event: string, tool: string | null, input: string | null): ShippedItem => ({
        ...item(seq, 'n'),
        event: { ...bareEvent('n', seq), event, tool, input, toolUseId: `t${seq}` },
      });
      const items = [
        at(1, 'PreToolUse', 'Bash', sh('git commit -am wip')),
        at(2, 'PostToolUse', 'Bash', sh('git commit -am wip')),
        at(3, 'PostToolUse', 'Bash', sh('ls')),
        at(4, 'PostToolUseFailure', 'Bash', sh('go test ./...')),
        at(5, 'PreToolUse', 'Bash', sh('go test ./...')),
      ];
      await store.ingest(batch(LAPTOP, items));
      const read = await store.sessionEvents(['n'], { reportable: true });
      expect(read[0]?.events).toStrictEqual([items[0], items[1], items[3]].map((i) => i!.event));
    });

    it('rejects use after close', async () => {
      await store.close();
      await expect(store.ingest(batch(LAPTOP, [item(1, 's1')]))).rejects.toThrow(/closed/);
      await expect(store.highWater(LAPTOP)).rejects.toThrow(/closed/);
      await expect(store.teamSessions()).rejects.toThrow(/closed/);
      await expect(store.fleetSpend('2026-11-25')).rejects.toThrow(/closed/);
    });
  });
}
