// The LedgerStore contract. Every adapter runs this suite; src/adapters/store/memory.ts is the reference.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEvent, SessionState, SessionStatus } from '../../src/core/session/types.ts';
import type { Effect } from '../../src/core/types.ts';
import type { LedgerStore, Transition } from '../../src/ports.ts';

export interface StoreFixture {
  store: LedgerStore;
  cleanup?: () => Promise<void>;
}

const T0 = 1_700_000_000_000;

export function freshState(sessionId: string, startedAt = T0): SessionState {
  return {
    sessionId,
    startedAt,
    endedAt: null,
    cwd: '/work/project',
    status: 'active',
    consecutiveDenials: 0,
    totalDenials: 0,
    usage: { toolCalls: 0, filesTouched: 0, linesAdded: 0, linesRemoved: 0, externalCalls: 0, subagents: 0 },
  };
}

const ALL_EFFECTS: Effect[] = [
  {
    kind: 'exec',
    tags: ['git.force-push'],
    origin: 'bash: git push -f',
    program: 'git',
    argv: ['push', '-f'],
  },
  { kind: 'delete', tags: ['recursive'], origin: 'bash: rm -rf ~/x', path: '/home/u/x', zone: 'home' },
  { kind: 'write', tags: [], origin: 'Write', path: '/work/project/a.ts', zone: 'project' },
  { kind: 'read', tags: ['credential'], origin: 'Read', path: '/home/u/.aws/credentials', zone: 'home' },
  {
    kind: 'net',
    tags: [],
    origin: 'bash: curl',
    host: 'api.example.com',
    method: 'POST',
    credentialed: true,
    url: 'https://api.example.com/v1?q=1',
  },
  { kind: 'net', tags: [], origin: 'WebFetch', host: 'example.org', method: 'GET', credentialed: false },
  {
    kind: 'mcp',
    tags: [],
    origin: 'mcp__gh__create_issue',
    server: 'gh',
    tool: 'create_issue',
    verb: 'write',
  },
  { kind: 'opaque', tags: ['eval'], origin: 'bash: eval "$X"', why: 'dynamic code' },
];

/** Every field set, with text that tends to break quoting and encodings. */
export function fullEvent(sessionId: string, n: number): LedgerEvent {
  return {
    v: 1,
    ts: T0 + n,
    sessionId,
    event: 'PreToolUse',
    tool: 'Bash',
    toolUseId: `toolu_${n}`,
    agentId: 'agent-7',
    tier: 4,
    verdict: 'deny',
    rule: 'fs.delete-home',
    reason: `it's "rm -rf" of ~/x; DROP TABLE events; -- ✓ 😀 \u0000 nul`,
    effects: structuredClone(ALL_EFFECTS),
    durationMs: 3.25,
    input: JSON.stringify({ command: 'rm -rf ~/x', n, note: 'line1\nline2\ttab é' }),
  };
}

/** Every nullable field null. */
export function bareEvent(sessionId: string, n: number): LedgerEvent {
  return {
    v: 1,
    ts: T0 + n,
    sessionId,
    event: 'session.resume',
    tool: null,
    toolUseId: null,
    agentId: null,
    tier: null,
    verdict: null,
    rule: null,
    reason: null,
    effects: [],
    durationMs: null,
    input: null,
  };
}

export interface Seen {
  /** The state `apply` was given. */
  prev: SessionState | undefined;
  newFiles: number;
  /** The objects `apply` returned, kept so tests can mutate them after the commit. */
  next: SessionState;
  event: LedgerEvent;
}

interface StepOptions {
  files?: string[];
  event?: LedgerEvent;
  startedAt?: number;
  /** Last word on the next state. */
  edit?: (next: SessionState) => void;
}

/** A transition that counts the call and the new files, and appends `event` (default: a full one). */
export function step(sessionId: string, opts: StepOptions = {}): Transition<Seen> {
  const t: Transition<Seen> = {
    sessionId,
    apply(prev, newFiles) {
      const base = prev ?? freshState(sessionId, opts.startedAt);
      const next: SessionState = {
        ...base,
        usage: {
          ...base.usage,
          toolCalls: base.usage.toolCalls + 1,
          filesTouched: base.usage.filesTouched + newFiles,
        },
      };
      opts.edit?.(next);
      const event = opts.event ?? fullEvent(sessionId, next.usage.toolCalls);
      return { state: next, event, result: { prev, newFiles, next, event } };
    },
  };
  if (opts.files !== undefined) t.files = opts.files;
  return t;
}

function failing(sessionId: string, error: Error, files?: string[], before?: (s: SessionState) => void) {
  const t: Transition<never> = {
    sessionId,
    apply(prev) {
      if (prev !== undefined) before?.(prev);
      throw error;
    },
  };
  if (files !== undefined) t.files = files;
  return t;
}

export function testLedgerStore(name: string, make: () => Promise<StoreFixture>): void {
  describe(`LedgerStore contract: ${name}`, () => {
    let store: LedgerStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    it('has a name', () => {
      expect(typeof store.name).toBe('string');
      expect(store.name.length).toBeGreaterThan(0);
    });

    it('starts an unseen session with apply(undefined) and stores the state it returns', async () => {
      expect(await store.getSession('s1')).toBeUndefined();
      const first = await store.commit(step('s1'));
      expect(first.prev).toBeUndefined();
      expect(await store.getSession('s1')).toStrictEqual(first.next);
      const second = await store.commit(step('s1'));
      expect(second.prev).toStrictEqual(first.next);
      expect((await store.getSession('s1'))?.usage.toolCalls).toBe(2);
    });

    it('round-trips every session field exactly', async () => {
      const statuses: SessionStatus[] = ['active', 'escalated', 'terminated', 'ended'];
      let previous: SessionState | undefined;
      for (const [i, status] of statuses.entries()) {
        const seen = await store.commit(
          step('s1', {
            edit: (s) => {
              s.startedAt = T0 + 0.5;
              s.endedAt = i % 2 === 0 ? T0 + 1000 + i : null;
              s.cwd = `/tmp/it's "quoted" ✓/${i}`;
              s.status = status;
              s.consecutiveDenials = i + 1;
              s.totalDenials = 10 + i;
              s.usage = {
                toolCalls: 100 + i,
                filesTouched: 200 + i,
                linesAdded: 300 + i,
                linesRemoved: 400 + i,
                externalCalls: 500 + i,
                subagents: 600 + i,
              };
            },
          }),
        );
        expect(seen.prev).toStrictEqual(previous);
        const stored = await store.getSession('s1');
        expect(stored).toStrictEqual(seen.next);
        expect(stored?.status).toBe(status);
        previous = stored;
      }
    });

    it('appends events in commit order with every field intact', async () => {
      const events = [fullEvent('s1', 1), bareEvent('s1', 2), { ...fullEvent('s1', 3), tier: 1 as const }];
      const last = events[2]!;
      last.verdict = 'allow';
      last.durationMs = 0;
      for (const event of events) await store.commit(step('s1', { event }));
      expect(await store.events()).toStrictEqual(events);
      expect(await store.events({ sessionId: 's1' })).toStrictEqual(events);
    });

    it('hands back the result of apply untouched', async () => {
      const result = { token: Symbol('result'), fn: () => 1 };
      const got = await store.commit({
        sessionId: 's1',
        apply: () => ({ state: freshState('s1'), event: bareEvent('s1', 1), result }),
      });
      expect(got).toBe(result);
    });

    it('counts only first sightings of files, per session', async () => {
      const counts: number[] = [];
      const commit = async (sessionId: string, files?: string[]) => {
        counts.push((await store.commit(step(sessionId, files === undefined ? {} : { files }))).newFiles);
      };
      await commit('s1', ['/a', '/b']);
      await commit('s1', ['/b', '/c', '/c']);
      await commit('s1', []);
      await commit('s1');
      await commit('s1', ['/a', '/b', '/c']);
      await commit('s2', ['/a', '/d', '/d']);
      await commit('s1', ['/d', '/A']);
      expect(counts).toEqual([2, 1, 0, 0, 0, 2, 2]);
      expect((await store.getSession('s1'))?.usage.filesTouched).toBe(5);
      expect((await store.getSession('s2'))?.usage.filesTouched).toBe(2);
    });

    it('writes nothing when apply throws, and passes the error through', async () => {
      await store.commit(step('s1', { files: ['/a'] }));
      const before = await store.getSession('s1');
      const boom = new Error('boom');
      await expect(store.commit(failing('s1', boom, ['/b', '/a']))).rejects.toBe(boom);
      await expect(store.commit(failing('new', boom, ['/x']))).rejects.toBe(boom);

      expect(await store.getSession('s1')).toStrictEqual(before);
      expect(await store.getSession('new')).toBeUndefined();
      expect(await store.events()).toHaveLength(1);
      expect((await store.listSessions()).map((s) => [s.state.sessionId, s.events])).toEqual([['s1', 1]]);
      // The files seen by the failed commits were not recorded either.
      expect((await store.commit(step('s1', { files: ['/b'] }))).newFiles).toBe(1);
      expect((await store.commit(step('new', { files: ['/x'] }))).newFiles).toBe(1);
    });

    it('is not changed by apply mutating the state it was given', async () => {
      await store.commit(step('s1'));
      const before = await store.getSession('s1');
      const boom = new Error('boom');
      const vandal = (s: SessionState) => {
        s.status = 'terminated';
        s.usage.toolCalls = 999;
      };
      await expect(store.commit(failing('s1', boom, undefined, vandal))).rejects.toBe(boom);
      expect(await store.getSession('s1')).toStrictEqual(before);
    });

    it('refuses state or events filed under another session', async () => {
      await expect(
        store.commit(
          step('s1', {
            edit: (s) => {
              s.sessionId = 's2';
            },
          }),
        ),
      ).rejects.toThrow(/s1.*s2/);
      await expect(store.commit(step('s1', { event: bareEvent('s2', 1) }))).rejects.toThrow(/s1.*s2/);
      expect(await store.getSession('s1')).toBeUndefined();
      expect(await store.getSession('s2')).toBeUndefined();
      expect(await store.events()).toEqual([]);
    });

    it('keeps what it holds out of reach of callers', async () => {
      const seen = await store.commit(step('s1'));
      const expected = structuredClone(seen.next);
      const expectedEvent = structuredClone(seen.event);
      seen.next.usage.toolCalls = 999;
      seen.event.effects.length = 0;
      const read = await store.getSession('s1');
      read!.usage.linesAdded = 999;
      (await store.events())[0]!.reason = 'changed';
      (await store.listSessions())[0]!.state.status = 'ended';

      expect(await store.getSession('s1')).toStrictEqual(expected);
      expect(await store.events()).toStrictEqual([expectedEvent]);
      expect((await store.listSessions())[0]?.state).toStrictEqual(expected);
    });

    it('lists sessions with their event counts, by start time then id', async () => {
      expect(await store.listSessions()).toEqual([]);
      await store.commit(step('late', { startedAt: T0 + 50 }));
      await store.commit(step('b', { startedAt: T0 }));
      await store.commit(step('late'));
      await store.commit(step('a', { startedAt: T0 }));
      await store.commit(step('late'));
      await store.commit(step('zz-earliest', { startedAt: T0 - 50 }));
      const list = await store.listSessions();
      expect(list.map((s) => [s.state.sessionId, s.events])).toEqual([
        ['zz-earliest', 1],
        ['a', 1],
        ['b', 1],
        ['late', 3],
      ]);
      expect(list[3]?.state).toStrictEqual(await store.getSession('late'));
    });

    it('returns events oldest first, or the newest `limit` newest first', async () => {
      const e = [1, 2, 3, 4, 5].map((n) => bareEvent(n % 2 ? 'odd' : 'even', n));
      for (const event of e) await store.commit(step(event.sessionId, { event }));
      const [e1, e2, e3, e4, e5] = e;

      expect(await store.events()).toStrictEqual(e);
      expect(await store.events({ limit: 2 })).toStrictEqual([e5, e4]);
      expect(await store.events({ limit: 50 })).toStrictEqual([e5, e4, e3, e2, e1]);
      expect(await store.events({ limit: 0 })).toStrictEqual([]);
      expect(await store.events({ sessionId: 'odd' })).toStrictEqual([e1, e3, e5]);
      expect(await store.events({ sessionId: 'odd', limit: 2 })).toStrictEqual([e5, e3]);
      expect(await store.events({ sessionId: 'even', limit: 1 })).toStrictEqual([e4]);
      expect(await store.events({ sessionId: 'none' })).toStrictEqual([]);
      expect(await store.events({ sessionId: 'none', limit: 3 })).toStrictEqual([]);
    });

    it('reads only the events a match selects, per session in the order asked, with each newest time', async () => {
      const ev = (sessionId: string, n: number, e: Partial<LedgerEvent>): LedgerEvent => ({
        ...bareEvent(sessionId, n),
        ...e,
      });
      const a = [
        ev('a', 1, { event: 'PreToolUse', tool: 'Bash' }),
        ev('a', 2, { event: 'PreToolUse', tool: 'Read' }),
        ev('a', 3, { event: 'Stop', rule: 'acceptance.blocked' }),
        ev('a', 4, { event: 'PostToolUse', tool: 'Edit', input: '{"x":"50%_budget"}' }),
        ev('a', 5, { event: 'PreToolUse', tool: 'Read', rule: 'budget.calls' }),
        ev('a', 6, { event: 'PreToolUse', tool: 'Read', rule: 'xbudget.calls' }),
        ev('a', 7, { event: 'PreToolUse', tool: 'Read', verdict: 'deny' }),
        ev('a', 9, { event: 'PreToolUse', tool: 'Read' }),
      ];
      const b = [ev('b', 8, { event: 'PostToolUse', tool: 'Read', input: 'has gitOperation in it' })];
      const c = [ev('c', 10, { event: 'PreToolUse', tool: 'Read' })];
      for (const event of [...a.slice(0, 7), ...b, a[7]!, ...c])
        await store.commit(step(event.sessionId, { event }));
      const match = {
        events: ['Stop'],
        tools: ['Bash'],
        verdicts: ['deny'],
        rulePrefixes: ['budget.'],
        inputContains: ['gitOperation', '50%_'],
      };
      expect(await store.sessionEvents(['b', 'a', 'c', 'none'], match)).toStrictEqual([
        { sessionId: 'b', lastAt: T0 + 8, events: b },
        { sessionId: 'a', lastAt: T0 + 9, events: [a[0], a[2], a[3], a[4], a[6]] },
        { sessionId: 'c', lastAt: T0 + 10, events: [] },
        { sessionId: 'none', lastAt: null, events: [] },
      ]);
      // A rule named exactly, and a LIKE wildcard that must not act as one.
      expect(
        (await store.sessionEvents(['a'], { rules: ['budget.calls'], inputContains: ['%'] }))[0]?.events,
      ).toStrictEqual([a[3], a[4]]);
      expect(await store.sessionEvents(['a'], {})).toStrictEqual([
        { sessionId: 'a', lastAt: T0 + 9, events: [] },
      ]);
      expect(await store.sessionEvents([], match)).toStrictEqual([]);
      // Every field as stored, U+0000 (which PostgreSQL's text cannot hold, so its store escapes) included.
      const full = { ...fullEvent('f', 11), input: '{"note":"\u0000 git"}' };
      await store.commit(step('f', { event: full }));
      expect(await store.sessionEvents(['f'], { inputContains: ['git'] })).toStrictEqual([
        { sessionId: 'f', lastAt: full.ts, events: [full] },
      ]);
      // A lean read: the same events and fields, but no effects and no reason.
      expect(full.effects.length).toBeGreaterThan(0);
      expect(full.reason).not.toBeNull();
      expect(await store.sessionEvents(['f'], { inputContains: ['git'], lean: true })).toStrictEqual([
        { sessionId: 'f', lastAt: full.ts, events: [{ ...full, effects: [], reason: null }] },
      ]);
      // Both halves of toolEvents must hold: a Bash PreToolUse and a Read PostToolUse are not taken.
      expect(
        await store.sessionEvents(['a', 'b'], {
          toolEvents: { events: ['PostToolUse', 'Stop'], tools: ['Bash', 'Edit'] },
        }),
      ).toStrictEqual([
        { sessionId: 'a', lastAt: T0 + 9, events: [a[3]] },
        { sessionId: 'b', lastAt: T0 + 8, events: [] },
      ]);
    });

    it('reads what a report reads: markers, refusals, git calls that can commit, test runs', async () => {
      const sh = (command: string) => JSON.stringify({ command, description: 'x' });
      const ev = (n: number, e: Partial<LedgerEvent>): LedgerEvent => ({ ...bareEvent('n', n), ...e });
      const taken = [
        ev(1, { event: 'PreToolUse', tool: 'Bash', input: sh('git commit -m "x"') }),
        ev(2, { event: 'PostToolUse', tool: 'Bash', input: sh('git commit -m "x"') }),
        ev(3, { event: 'PostToolUse', tool: 'Bash', input: sh('cd app && npm test') }),
        ev(4, { event: 'PostToolUseFailure', tool: 'PowerShell', input: sh('pytest -q') }),
        ev(5, { event: 'PostToolUse', tool: 'Bash', input: '{"command":"ls","gitOperation":{"commit":{}}}' }),
        ev(6, { event: 'Stop', rule: 'acceptance.blocked' }),
        ev(7, { event: 'check.result', rule: 'tests' }),
        ev(8, { event: 'PreToolUse', tool: 'Read', verdict: 'deny', rule: 'fs.secret' }),
        ev(9, { event: 'PreToolUse', tool: 'Edit', verdict: 'ask', rule: 'budget.files' }),
        ev(10, { event: 'SubagentStop', rule: 'gate.exhausted' }),
      ];
      const left = [
        // A test command before it ran is not a run; nor is one that only mentions tests.
        ev(11, { event: 'PreToolUse', tool: 'Bash', input: sh('npm test') }),
        ev(12, { event: 'PostToolUse', tool: 'Bash', input: sh('echo npm test') }),
        ev(13, { event: 'PostToolUse', tool: 'Bash', input: sh('git status') }),
        ev(14, { event: 'PostToolUse', tool: 'Read', input: '{"file_path":"git commit"}' }),
        ev(15, { event: 'PostToolUse', tool: 'Bash', input: 'not json: git commit' }),
        ev(16, { event: 'PreToolUse', tool: 'Edit', verdict: 'allow', rule: 'xbudget.files' }),
      ];
      for (const event of [...left, ...taken].sort((x, y) => x.ts - y.ts))
        await store.commit(step('n', { event }));
      expect(await store.sessionEvents(['n'], { reportable: true })).toStrictEqual([
        { sessionId: 'n', lastAt: T0 + 16, events: taken },
      ]);
      // With another list: the union, oldest first.
      expect(
        (await store.sessionEvents(['n'], { reportable: true, tools: ['Read'], lean: true }))[0]?.events,
      ).toStrictEqual(
        [...taken, left[3]!].sort((x, y) => x.ts - y.ts).map((e) => ({ ...e, effects: [], reason: null })),
      );
    });

    it('rejects a limit that is not a non-negative integer', async () => {
      await store.commit(step('s1'));
      for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(store.events({ limit }), `limit ${limit}`).rejects.toThrow(/limit/);
      }
    });

    it('keeps sessions isolated from each other', async () => {
      for (let i = 0; i < 3; i++) {
        await store.commit(
          step('s1', {
            files: [`/f${i}`],
            edit: (s) => {
              s.usage.linesAdded += 10;
            },
          }),
        );
        await store.commit(
          step('s2', {
            files: ['/same'],
            edit: (s) => {
              s.totalDenials += 1;
            },
          }),
        );
      }
      await store.commit(
        step('s1', {
          edit: (s) => {
            s.status = 'ended';
          },
        }),
      );
      const s1 = await store.getSession('s1');
      const s2 = await store.getSession('s2');
      expect(s1?.usage).toEqual({ ...freshState('s1').usage, toolCalls: 4, filesTouched: 3, linesAdded: 30 });
      expect(s1?.status).toBe('ended');
      expect(s1?.totalDenials).toBe(0);
      expect(s2?.usage).toEqual({ ...freshState('s2').usage, toolCalls: 3, filesTouched: 1 });
      expect(s2?.status).toBe('active');
      expect(s2?.totalDenials).toBe(3);
      expect((await store.events({ sessionId: 's1' })).every((e) => e.sessionId === 's1')).toBe(true);
      expect(await store.events({ sessionId: 's1' })).toHaveLength(4);
      expect(await store.events({ sessionId: 's2' })).toHaveLength(3);
    });

    it('loses no update when commits are issued concurrently', async () => {
      const n = 40;
      const seen = await Promise.all(
        Array.from({ length: n }, (_, i) => store.commit(step('s1', { files: [`/f${i % 7}`] }))),
      );
      expect((await store.getSession('s1'))?.usage).toMatchObject({ toolCalls: n, filesTouched: 7 });
      // Serialised: each commit saw a distinct predecessor.
      expect(new Set(seen.map((s) => s.prev?.usage.toolCalls ?? 0)).size).toBe(n);
      expect(seen.reduce((sum, s) => sum + s.newFiles, 0)).toBe(7);
      expect(await store.events()).toHaveLength(n);
    });

    it('rejects use after close, and closes twice without error', async () => {
      await store.commit(step('s1'));
      await store.close();
      await expect(store.commit(step('s1'))).rejects.toThrow(/closed/);
      await expect(store.getSession('s1')).rejects.toThrow(/closed/);
      await expect(store.listSessions()).rejects.toThrow(/closed/);
      await expect(store.events()).rejects.toThrow(/closed/);
      await expect(store.close()).resolves.toBeUndefined();
    });

    it('matches a model over random commit sequences', async () => {
      const op = fc.record({
        session: fc.constantFrom('a', 'b', 'c'),
        files: fc.option(fc.array(fc.constantFrom('/1', '/2', '/3', '/4', '/é'), { maxLength: 4 }), {
          nil: undefined,
        }),
        fail: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
          const fx = await make();
          try {
            const files = new Map<string, Set<string>>();
            const calls = new Map<string, number>();
            const log: string[] = [];
            for (const [i, o] of ops.entries()) {
              const known = files.get(o.session) ?? new Set();
              const fresh = new Set((o.files ?? []).filter((f) => !known.has(f)));
              if (o.fail) {
                await expect(fx.store.commit(failing(o.session, new Error('x'), o.files))).rejects.toThrow(
                  'x',
                );
                continue;
              }
              const event = { ...bareEvent(o.session, i), input: `op${i}` };
              const seen = await fx.store.commit(
                step(o.session, { ...(o.files && { files: o.files }), event }),
              );
              expect(seen.newFiles).toBe(fresh.size);
              files.set(o.session, new Set([...known, ...fresh]));
              calls.set(o.session, (calls.get(o.session) ?? 0) + 1);
              log.push(`op${i}`);
            }
            const list = await fx.store.listSessions();
            expect(list.map((s) => [s.state.sessionId, s.events])).toEqual([...calls.entries()].sort());
            for (const s of list) {
              expect(s.state.usage.toolCalls).toBe(calls.get(s.state.sessionId));
              expect(s.state.usage.filesTouched).toBe(files.get(s.state.sessionId)?.size ?? 0);
            }
            expect((await fx.store.events()).map((e) => e.input)).toEqual(log);
          } finally {
            await fx.store.close();
            await fx.cleanup?.();
          }
        }),
        { numRuns: 25 },
      );
    });
  });
}
