// The local ledger's events after the shipper's cursor, with their ids: the LedgerStore port reads
// events without ids, so the shipper reads the SQLite file itself, read-only, by primary key.
import Database from 'better-sqlite3';
import { EVENT_COLUMNS, type EventRow, rowToEvent } from '../../adapters/store/sqlite.ts';
import type { LedgerEvent } from '../../core/session/types.ts';
import type { TeamStore } from '../../ports.ts';
import { ledgerPath } from '../ledger.ts';

export interface SeqEvent {
  seq: number;
  event: LedgerEvent;
}

/** Events in id order after a local id; the shipper's only view of the ledger's event table. */
export interface EventSource {
  after(seq: number, limit: number): Promise<SeqEvent[]>;
  /** The newest id, 0 for an empty ledger: cheap, for "is anything unshipped?". */
  last(): Promise<number>;
  /** The ledger's own id (its header): a replaced ledger ships as a new stream. Null when it has none. */
  ledgerId?(): Promise<string | null>;
  close(): void;
}

/** The team store's events, for the team server's OpenTelemetry export. The store owns the connection. */
export function teamEventSource(store: TeamStore): EventSource {
  return {
    after: (seq, limit) => store.eventsAfter(seq, limit),
    last: () => store.lastEventSeq(),
    close: () => undefined,
  };
}

export function sqliteEventSource(projectDir: string): EventSource {
  let db: Database.Database | undefined;
  const open = () => {
    db ??= new Database(ledgerPath(projectDir), { readonly: true, fileMustExist: true });
    return db;
  };
  const cols = EVENT_COLUMNS.join(', ');
  return {
    async after(seq, limit) {
      const rows = open()
        .prepare(`SELECT id, ${cols} FROM events WHERE id > ? ORDER BY id LIMIT ?`)
        .all(seq, limit) as Array<EventRow & { id: number }>;
      return rows.map((r) => ({ seq: r.id, event: rowToEvent(r) }));
    },
    async ledgerId() {
      // A ledger from before the header has no id: it ships as the stream it always was.
      const has = open().prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_header'",
      );
      if (!has.get()) return null;
      const row = open().prepare('SELECT ledger_id FROM ledger_header WHERE one = 1').get() as
        | { ledger_id: string }
        | undefined;
      return row?.ledger_id ?? null;
    },
    async last() {
      const row = open().prepare('SELECT MAX(id) AS id FROM events').get() as { id: number | null };
      return row.id ?? 0;
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}
