// The hook never waits on the network: after it queues pages it starts this detached, short-lived
// `agent-sre tick --deliver-only` and answers the agent at once. If the flusher dies, the pages stay in
// the outbox for the next flusher, `tick` from cron, or `serve`.
//
// One flusher per project at a time: a burst of denials from parallel subagents would otherwise start a
// Node process each. The lock is a file whose age says whether its holder is alive: a holder works for
// at most half the staleness before letting go, and looks at the outbox once more after letting go, so
// a page queued while it was finishing is never left behind.
import type * as ChildProcess from 'node:child_process';
import { closeSync, openSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuiltin } from '../adapters/builtin.ts';
import { packageRoot } from './paths.ts';
import { STATE_DIR } from './policy.ts';

/** A lock older than this belongs to a flusher that died. */
export const FLUSHER_LOCK_STALE_MS = 60_000;

export const flusherLock = (projectDir: string) => join(projectDir, STATE_DIR, 'flusher.lock');

function lockIsLive(path: string, now: number): boolean {
  try {
    return now - statSync(path).mtimeMs < FLUSHER_LOCK_STALE_MS;
  } catch {
    return false;
  }
}

export function startFlusher(projectDir: string): void {
  if (lockIsLive(flusherLock(projectDir), Date.now())) return;
  try {
    const { spawn } = requireBuiltin('node:child_process') as typeof ChildProcess;
    const child = spawn(
      process.execPath,
      [join(packageRoot(), 'bin', 'agent-sre.js'), 'tick', '--deliver-only', '--quiet', '--dir', projectDir],
      { detached: true, stdio: 'ignore', cwd: projectDir, env: { ...process.env, AGENT_SRE_FLUSHER: '1' } },
    );
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Best effort: the pages are safe in the outbox whatever happens here.
  }
}

/** Take the project's flusher lock; false when a live flusher holds it. */
export function takeFlusherLock(projectDir: string, now: number): boolean {
  const path = flusherLock(projectDir);
  try {
    closeSync(openSync(path, 'wx'));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no lock possible: just work
    if (lockIsLive(path, now)) return false;
    // A dead holder's lock: take it over.
    try {
      utimesSync(path, now / 1000, now / 1000);
    } catch {
      // Gone meanwhile; working without it is safe (claims keep pages to one sender).
    }
    return true;
  }
}

export function releaseFlusherLock(projectDir: string): void {
  try {
    unlinkSync(flusherLock(projectDir));
  } catch {
    // Already gone.
  }
}
