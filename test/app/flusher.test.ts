import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  FLUSHER_LOCK_STALE_MS,
  flusherLock,
  releaseFlusherLock,
  takeFlusherLock,
} from '../../src/app/flusher.ts';

describe('the flusher lock', () => {
  const dirs: string[] = [];
  const project = () => {
    const d = mkdtempSync(join(tmpdir(), 'agent-sre-flusher-'));
    mkdirSync(join(d, '.agent-sre'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('admits one flusher at a time, and the next once it lets go', () => {
    const dir = project();
    const now = Date.now();
    expect(takeFlusherLock(dir, now)).toBe(true);
    expect(takeFlusherLock(dir, now)).toBe(false);
    releaseFlusherLock(dir);
    expect(takeFlusherLock(dir, now)).toBe(true);
  });

  it("takes over a dead flusher's lock, and then holds it itself", () => {
    const dir = project();
    const now = Date.now();
    expect(takeFlusherLock(dir, now)).toBe(true);
    const old = (now - FLUSHER_LOCK_STALE_MS - 1000) / 1000;
    utimesSync(flusherLock(dir), old, old);
    expect(takeFlusherLock(dir, now)).toBe(true);
    // The new holder's lock is fresh again.
    expect(takeFlusherLock(dir, now)).toBe(false);
  });

  it('works without a lock where none can be made (no state dir yet)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agent-sre-flusher-'));
    dirs.push(dir);
    expect(takeFlusherLock(dir, Date.now())).toBe(true);
  });
});
