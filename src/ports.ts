// Interfaces the app layer needs from the outside world. Types only.
import type { LedgerEvent, SessionState } from './core/session/types.ts';

export interface Transition<R = unknown> {
  sessionId: string;
  /** Files this event touched. The store de-duplicates them per session. */
  files?: string[];
  /**
   * Pure step, run inside the store's write transaction: given the current state (`undefined`
   * for a session never seen) and how many of `files` are new to the session, return the next
   * state and the event to append. `result` is handed back to the caller untouched.
   */
  apply(
    state: SessionState | undefined,
    newFiles: number,
  ): { state: SessionState; event: LedgerEvent; result: R };
}

export interface SessionSummary {
  state: SessionState;
  /** Hook events recorded for the session. */
  events: number;
}

export interface EventQuery {
  sessionId?: string;
  /** Newest first when set; oldest first otherwise. */
  limit?: number;
}

/**
 * The evidence ledger. `commit` is atomic: the event and the state change it causes land
 * together or not at all, even with many processes writing at once.
 */
export interface LedgerStore {
  readonly name: string;
  commit<R>(t: Transition<R>): Promise<R>;
  getSession(sessionId: string): Promise<SessionState | undefined>;
  listSessions(): Promise<SessionSummary[]>;
  events(q?: EventQuery): Promise<LedgerEvent[]>;
  close(): Promise<void>;
}
