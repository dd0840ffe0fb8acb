// The daemon's shared ledger connections: one request's failed commit must not close the connection
// another request is still using (a late async PostToolUse losing its race used to refuse a waiting call
// with "ledger.db is closed").
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { storeCache } from '../../src/app/hookd.ts';
import { emptyEvent } from '../../src/app/transitions.ts';
import { newSession } from '../../src/core/session/rules.ts';
import type { Transition } from '../../src/ports.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const d = mkdtempSync(join(tmpdir(), 'agent-sre-cache-'));
  dirs.push(d);
  return d;
}

const event = (sessionId: string, at: number) =>
  emptyEvent({ event: 'test', sessionId, cwd: '/p', agentId: null, toolUseId: null, tool: null }, at);

const ok = (sessionId: string, at: number): Transition<void> => ({
  sessionId,
  now: at,
  apply: (state) => ({
    state: state ?? newSession(sessionId, '/p', at),
    event: event(sessionId, at),
    result: undefined,
  }),
});

const lostRace = (sessionId: string): Transition<void> => ({
  sessionId,
  apply: () => {
    throw new Error('already recorded');
  },
});

describe('storeCache (the daemon)', () => {
  it('a failed commit does not close the connection under a request that is still using it', async () => {
    const dir = project();
    const cache = storeCache();
    const waiting = cache.get(dir);
    const late = cache.get(dir);
    await waiting.commit(ok('s1', 1));
    await expect(late.commit(lostRace('s1'))).rejects.toThrow('already recorded');
    // The waiting request goes on: its next operations must work.
    await waiting.commit(ok('s1', 2));
    expect((await waiting.events({ sessionId: 's1' })).map((e) => e.ts)).toEqual([1, 2]);
    expect(await late.getSession('s1')).toMatchObject({ sessionId: 's1' });
    await cache.closeAll();
  });

  it('many requests interleaving failures and writes all see a working ledger', async () => {
    const dir = project();
    const cache = storeCache();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        i % 3 === 0 ? cache.get(dir).commit(lostRace('s2')) : cache.get(dir).commit(ok('s2', i)),
      ),
    );
    const failed = results
      .filter((r) => r.status === 'rejected')
      .map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed).toHaveLength(14);
    expect(failed.every((f) => f.includes('already recorded'))).toBe(true);
    expect(await cache.get(dir).events({ sessionId: 's2' })).toHaveLength(26);
    await cache.closeAll();
  });
});
