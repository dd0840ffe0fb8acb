// What the live views stream. The hook writes the ledger from other processes, so the server cannot be
// told about new rows: one poller per server reads the newest events and a fingerprint of approvals,
// incidents and sessions once a second while anyone watches, and fans out what is new.
import { createHash } from 'node:crypto';
import { APPROVAL_KIND, type Approval } from '../../app/approvals.ts';
import type { LedgerEvent } from '../../core/session/types.ts';
import type { LedgerStore } from '../../ports.ts';
import type { DecisionView } from './api-types.ts';
import { decisionView } from './state.ts';

export type WatchMessage = { kind: 'decision'; decision: DecisionView } | { kind: 'changed' };

const keyOf = (e: LedgerEvent) => `${e.ts}|${e.sessionId}|${e.event}|${e.toolUseId ?? ''}|${e.rule ?? ''}`;

export class LedgerWatcher {
  readonly #subs = new Set<(m: WatchMessage) => void>();
  #timer: NodeJS.Timeout | undefined;
  #seen = new Set<string>();
  #newest = 0;
  #fingerprint = '';
  #primed = false;
  #busy = false;

  constructor(
    private readonly store: LedgerStore,
    private readonly now: () => number,
    private readonly intervalMs = 1000,
  ) {}

  subscribe(fn: (m: WatchMessage) => void): () => void {
    this.#subs.add(fn);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.poll(), this.intervalMs);
      void this.poll();
    }
    return () => {
      this.#subs.delete(fn);
      if (this.#subs.size === 0) this.stop();
    };
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#primed = false;
  }

  /** One look at the ledger; exported for tests, which drive it without a timer. */
  async poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const events = (await this.store.events({ limit: 100 })).reverse();
      const fresh = events.filter((e) => e.ts >= this.#newest - 5000 && !this.#seen.has(keyOf(e)));
      const print = await this.#print();
      const changed = this.#primed && print !== this.#fingerprint;
      if (this.#primed) for (const e of fresh) this.#emit({ kind: 'decision', decision: decisionView(e) });
      if (changed) this.#emit({ kind: 'changed' });
      this.#seen = new Set(events.map(keyOf));
      this.#newest = events.reduce((m, e) => Math.max(m, e.ts), this.#newest);
      this.#fingerprint = print;
      this.#primed = true;
    } catch {
      // A locked or briefly unreadable ledger: the next poll tries again.
    } finally {
      this.#busy = false;
    }
  }

  async #print(): Promise<string> {
    const sessions = await this.store.listSessions();
    const rest = await this.store.transact(
      this.now(),
      (tx) => ({
        incidents: tx.incidents().map((i) => `${i.id}:${i.state}:${i.alertCount}`),
        approvals: tx.records<Approval>(APPROVAL_KIND).map((r) => `${r.id}:${r.data.status}`),
      }),
      { readonly: true },
    );
    const h = createHash('sha256');
    h.update(JSON.stringify([sessions.map((s) => [s.state.sessionId, s.state.status, s.events]), rest]));
    return h.digest('hex');
  }

  #emit(m: WatchMessage) {
    for (const fn of this.#subs) {
      try {
        fn(m);
      } catch {
        // One broken stream must not stop the others.
      }
    }
  }
}
