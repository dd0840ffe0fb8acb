// The hook's flusher in team mode: one per project (the flusher lock), it keeps shipping while events keep
// arriving, polling the ledger every half second, and exits when nothing has happened for 30 s. It lets go
// of the lock before the lock could look stale, and takes it again if there is more to do.
import { FLUSHER_LOCK_STALE_MS, releaseFlusherLock, takeFlusherLock } from '../flusher.ts';
import { runTick, type TickDeps, type TickReport } from '../tick.ts';
import { sqliteEventSource } from './local-events.ts';
import { shippedCursor } from './ship.ts';

export const POLL_MS = 500;
export const IDLE_EXIT_MS = 30_000;

export async function keepShipping(
  p: { dir: string },
  deps: TickDeps,
  opts: { pollMs?: number; idleMs?: number } = {},
): Promise<TickReport | undefined> {
  const pollMs = opts.pollMs ?? POLL_MS;
  const idleMs = opts.idleMs ?? IDLE_EXIT_MS;
  const source = sqliteEventSource(p.dir);
  let total: TickReport | undefined;
  let lastWork = deps.now();
  const unshipped = async () => (await source.last()) > (await shippedCursor(deps.store, deps.now()));
  try {
    while (takeFlusherLock(p.dir, deps.now())) {
      try {
        const letGo = deps.now() + FLUSHER_LOCK_STALE_MS / 2;
        while (deps.now() < letGo) {
          const r = await runTick({ ...deps }, { deliverOnly: true, maxWaitMs: 0, deadline: letGo });
          total = r;
          // A server that stays down is not work: the flusher exits, and the next hook call or tick retries.
          if ((r.team?.accepted ?? 0) + r.delivered > 0) lastWork = deps.now();
          if (deps.now() - lastWork >= idleMs) break;
          await deps.sleep(pollMs);
        }
      } finally {
        releaseFlusherLock(p.dir);
      }
      // Look once more after letting go: an event committed meanwhile saw the lock and started no flusher.
      if (deps.now() - lastWork >= idleMs && (total?.team?.error || !(await unshipped()))) break;
    }
  } finally {
    source.close();
  }
  return total;
}
