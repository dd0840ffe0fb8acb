// LedgerTx on SQLite: incidents, their timelines, the page outbox, channel bookkeeping and records.
// Every method runs inside a transaction the caller opened (SqliteStore.transact or commit).
import type Database from 'better-sqlite3';
import {
  type ChannelRef,
  type Incident,
  OPEN_STATES,
  type TimelineEntry,
} from '../../core/incidents/types.ts';
import type { IncidentQuery, LedgerTx, OutboxQuery, StoredRecord } from '../../ports.ts';
import { OUTBOX_COLUMNS, type OutboxDbRow, type RecordRow, toOutboxRow, toRecord } from './ledger-rows.ts';

export const INCIDENT_TABLES = `
   CREATE TABLE incidents (
     id TEXT PRIMARY KEY,
     dedup_key TEXT NOT NULL,
     state TEXT NOT NULL,
     session_id TEXT,
     detected_at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX incidents_by_dedup ON incidents (dedup_key, detected_at);
   CREATE INDEX incidents_by_state ON incidents (state);
   CREATE TABLE incident_timeline (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     incident_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     entry TEXT NOT NULL
   );
   CREATE INDEX timeline_by_incident ON incident_timeline (incident_id, id);
   CREATE TABLE outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     key TEXT NOT NULL UNIQUE,
     channel TEXT NOT NULL,
     incident_id TEXT,
     page TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     not_before INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     claimed_by TEXT,
     claim_until INTEGER,
     last_error TEXT,
     detail TEXT,
     created_at INTEGER NOT NULL,
     delivered_at INTEGER
   );
   CREATE INDEX outbox_pending ON outbox (status, channel, incident_id, id);
   CREATE TABLE channel_refs (
     incident_id TEXT NOT NULL,
     channel TEXT NOT NULL,
     ref TEXT NOT NULL,
     PRIMARY KEY (incident_id, channel)
   ) WITHOUT ROWID;
   CREATE TABLE channel_slots (channel TEXT PRIMARY KEY, next_send_at INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
   CREATE TABLE records (
     kind TEXT NOT NULL,
     id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (kind, id)
   ) WITHOUT ROWID;
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`;

/** Schema 3: the MAC a human's answer carries (see src/app/human-mac.ts); NULL on anything unsigned. */
export const RECORD_MAC_COLUMN = 'ALTER TABLE records ADD COLUMN mac TEXT;';

const OUTBOX_SELECT = `SELECT ${OUTBOX_COLUMNS} FROM outbox`;

type Statement = Database.Statement<unknown[], unknown>;

/** A WHERE clause from the filters that apply (a condition, or undefined to skip it). */
function where(filters: Array<[string | undefined, readonly unknown[]]>): { sql: string; params: unknown[] } {
  const on = filters.filter(([cond]) => cond !== undefined);
  return {
    sql: on.length ? ` WHERE ${on.map(([cond]) => cond).join(' AND ')}` : '',
    params: on.flatMap(([, params]) => params),
  };
}

/** Statements are prepared once per connection and reused by every transaction. */
export function sqliteTx(db: Database.Database): (now: number) => LedgerTx {
  const cache = new Map<string, Statement>();
  const st = (sql: string): Statement => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const parseIncident = (row: unknown) =>
    row === undefined ? undefined : (JSON.parse((row as { data: string }).data) as Incident);

  return (now) => ({
    now,
    incident: (id) => parseIncident(st('SELECT data FROM incidents WHERE id = ?').get(id)),
    incidentByDedup: (key) =>
      parseIncident(
        st(
          'SELECT data FROM incidents WHERE dedup_key = ? ORDER BY detected_at DESC, rowid DESC LIMIT 1',
        ).get(key),
      ),
    incidents: (q: IncidentQuery = {}) => {
      const w = where([
        [q.open ? `state IN (${OPEN_STATES.map(() => '?').join(', ')})` : undefined, OPEN_STATES],
        [q.sessionId !== undefined ? 'session_id = ?' : undefined, [q.sessionId]],
      ]);
      return st(`SELECT data FROM incidents${w.sql} ORDER BY detected_at, rowid`)
        .all(...w.params)
        .map((r) => parseIncident(r) as Incident);
    },
    nextSeq: (name) =>
      (
        st(
          'INSERT INTO sequences (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value',
        ).get(name) as { value: number }
      ).value,
    saveIncident: (inc) => {
      st(
        `INSERT INTO incidents (id, dedup_key, state, session_id, detected_at, data) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data`,
      ).run(inc.id, inc.dedupKey, inc.state, inc.sessionId, inc.milestones.detectedAt, JSON.stringify(inc));
    },
    addTimeline: (id, entries) => {
      const ins = st('INSERT INTO incident_timeline (incident_id, at, entry) VALUES (?, ?, ?)');
      for (const e of entries) ins.run(id, e.at, JSON.stringify(e));
    },
    timeline: (id) =>
      (
        st('SELECT entry FROM incident_timeline WHERE incident_id = ? ORDER BY id').all(id) as {
          entry: string;
        }[]
      ).map((r) => JSON.parse(r.entry) as TimelineEntry),
    enqueue: (pages) => {
      const ins = st(
        `INSERT OR IGNORE INTO outbox (key, channel, incident_id, page, status, not_before, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      );
      let added = 0;
      for (const { page, notBefore } of pages)
        added += ins.run(
          page.key,
          page.channel,
          page.incidentId,
          JSON.stringify(page),
          notBefore,
          notBefore,
          now,
        ).changes;
      return added;
    },
    outbox: (q: OutboxQuery = {}) => {
      const w = where([
        [q.incidentId !== undefined ? 'incident_id = ?' : undefined, [q.incidentId]],
        [q.status !== undefined ? 'status = ?' : undefined, [q.status]],
      ]);
      return (st(`${OUTBOX_SELECT}${w.sql} ORDER BY id`).all(...w.params) as OutboxDbRow[]).map(toOutboxRow);
    },
    claimDue: (worker, leaseMs, limit) => {
      // The head of each (channel, incident) queue is its oldest pending page; only heads are due.
      const rows = st(
        `${OUTBOX_SELECT} WHERE id IN (
           SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY channel, incident_id
         ) AND next_attempt_at <= @now AND (claim_until IS NULL OR claim_until <= @now)
         ORDER BY id LIMIT @limit`,
      ).all({ now, limit }) as OutboxDbRow[];
      const claim = st('UPDATE outbox SET claimed_by = ?, claim_until = ? WHERE id = ?');
      for (const r of rows) claim.run(worker, now + leaseMs, r.id);
      return rows.map(toOutboxRow);
    },
    settle: (id, worker, outcome) => {
      const held = st("SELECT 1 FROM outbox WHERE id = ? AND claimed_by = ? AND status = 'pending'").get(
        id,
        worker,
      );
      if (!held) return false;
      if (outcome.status === 'delivered')
        st(
          "UPDATE outbox SET status = 'delivered', delivered_at = ?, detail = ?, attempts = attempts + 1, claimed_by = NULL, claim_until = NULL WHERE id = ?",
        ).run(now, outcome.detail, id);
      else if (outcome.status === 'failed')
        st(
          "UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1, claimed_by = NULL, claim_until = NULL WHERE id = ?",
        ).run(outcome.error, id);
      else
        st(
          'UPDATE outbox SET last_error = ?, next_attempt_at = ?, attempts = attempts + 1, claimed_by = NULL, claim_until = NULL WHERE id = ?',
        ).run(outcome.error, outcome.nextAttemptAt, id);
      return true;
    },
    nextDueAt: () => {
      const r = st(
        `SELECT MIN(next_attempt_at) AS at FROM outbox WHERE id IN (
           SELECT MIN(id) FROM outbox WHERE status = 'pending' GROUP BY channel, incident_id
         ) AND (claim_until IS NULL OR claim_until <= @now)`,
      ).get({ now }) as { at: number | null };
      return r.at;
    },
    channelRef: (incidentId, channel) => {
      const r = st('SELECT ref FROM channel_refs WHERE incident_id = ? AND channel = ?').get(
        incidentId,
        channel,
      ) as { ref: string } | undefined;
      return r === undefined ? undefined : (JSON.parse(r.ref) as ChannelRef);
    },
    setChannelRef: (incidentId, channel, ref) => {
      st(
        'INSERT INTO channel_refs (incident_id, channel, ref) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET ref = excluded.ref',
      ).run(incidentId, channel, JSON.stringify(ref));
    },
    reserveSend: (channel, minIntervalMs) => {
      const r = st('SELECT next_send_at FROM channel_slots WHERE channel = ?').get(channel) as
        | { next_send_at: number }
        | undefined;
      if (r && r.next_send_at > now) return r.next_send_at - now;
      st(
        'INSERT INTO channel_slots (channel, next_send_at) VALUES (?, ?) ON CONFLICT DO UPDATE SET next_send_at = excluded.next_send_at',
      ).run(channel, now + minIntervalMs);
      return 0;
    },
    record: <T>(kind: string, id: string) => {
      const r = st('SELECT id, created_at, data, mac FROM records WHERE kind = ? AND id = ?').get(kind, id) as
        | RecordRow
        | undefined;
      return r === undefined ? undefined : toRecord<T>(kind, r);
    },
    records: <T>(kind: string) =>
      (
        st('SELECT id, created_at, data, mac FROM records WHERE kind = ? ORDER BY created_at, id').all(
          kind,
        ) as RecordRow[]
      ).map((r) => toRecord<T>(kind, r)),
    putRecord: (rec: StoredRecord) => {
      // A record written without a MAC loses the old one: the MAC vouches for the data it was made over.
      st(
        'INSERT INTO records (kind, id, created_at, data, mac) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET data = excluded.data, mac = excluded.mac',
      ).run(rec.kind, rec.id, rec.createdAt, JSON.stringify(rec.data), rec.mac ?? null);
    },
    meta: (key) =>
      (st('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value,
    setMeta: (key, value) => {
      st('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value').run(
        key,
        value,
      );
    },
  });
}
