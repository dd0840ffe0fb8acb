// LedgerTx on PostgreSQL, inside a transaction PgBridge opened. Several servers or machines may write
// at once, so what SQLite gets from its single writer is made explicit here:
// - the incident tables, records and meta are read and then written back by the app (dedup, approvals),
//   so the first use of any of them in a transaction takes one database-wide advisory lock, held to
//   COMMIT; a transaction that never touches them (most hook commits, the delivery worker) never waits;
// - sequences, send slots and the outbox claim are single atomic statements (an upsert, FOR UPDATE SKIP
//   LOCKED), so two delivery workers claim different pages without waiting on each other.
import {
  type ChannelRef,
  type Incident,
  OPEN_STATES,
  type TimelineEntry,
} from '../../core/incidents/types.ts';
import type { IncidentQuery, LedgerTx, OutboxQuery, StoredRecord } from '../../ports.ts';
import { OUTBOX_COLUMNS, type OutboxDbRow, type RecordRow, toOutboxRow, toRecord } from './ledger-rows.ts';
import type { Query, Rows } from './pg-sync.ts';

/** Advisory lock keys (two-int form): a namespace and a key. */
export const LOCK_NS = { incidents: 0x4153_0001, session: 0x4153_0002, events: 0x4153_0003 } as const;
/**
 * Taken by every transaction that appends events, just before it does: events then become visible in id
 * order, so a follower reading by id (eventsAfter) never passes an id whose transaction commits later.
 */
export const EVENTS_APPEND_LOCK: Query = {
  text: 'SELECT pg_advisory_xact_lock($1, 0)',
  values: [LOCK_NS.events],
};
const INCIDENT_LOCK: Query = { text: 'SELECT pg_advisory_xact_lock($1, 0)', values: [LOCK_NS.incidents] };

const parseIncident = (row: Record<string, unknown> | undefined) =>
  row === undefined ? undefined : (JSON.parse(row.data as string) as Incident);

// The head of each (channel, incident) queue is its oldest pending page; only heads are due. `status`
// and the lease are checked again on the outer row, so a page another worker settled or claimed after
// this statement's snapshot is re-read under its row lock and dropped.
const DUE_HEADS = `SELECT id FROM outbox
  WHERE id IN (SELECT min(id) FROM outbox WHERE status = 'pending' GROUP BY channel, incident_id)
    AND status = 'pending' AND next_attempt_at <= $1 AND (claim_until IS NULL OR claim_until <= $1)`;

/** `lock`: false in a read-only transaction, whose snapshot is consistent without waiting on writers. */
export function postgresTx(run: (queries: Query[]) => Rows[], now: number, lock: boolean): LedgerTx {
  let locked = !lock;
  const one = (q: Query): Rows => run([q])[0] as Rows;
  // The advisory lock travels with the first query that needs it: one round trip, not two.
  const guarded = (q: Query): Rows => {
    if (locked) return one(q);
    const [, r] = run([INCIDENT_LOCK, q]);
    locked = true;
    return r as Rows;
  };
  const rows = <T>(r: Rows) => r.rows as T[];

  return {
    now,
    incident: (id) =>
      parseIncident(guarded({ text: 'SELECT data FROM incidents WHERE id = $1', values: [id] }).rows[0]),
    incidentByDedup: (key) =>
      parseIncident(
        guarded({
          text: 'SELECT data FROM incidents WHERE dedup_key = $1 ORDER BY detected_at DESC, seq DESC LIMIT 1',
          values: [key],
        }).rows[0],
      ),
    incidents: (q: IncidentQuery = {}) => {
      const conds: string[] = [];
      const values: unknown[] = [];
      if (q.open) {
        values.push([...OPEN_STATES]);
        conds.push(`state = ANY($${values.length}::text[])`);
      }
      if (q.sessionId !== undefined) {
        values.push(q.sessionId);
        conds.push(`session_id = $${values.length}`);
      }
      const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
      return guarded({
        text: `SELECT data FROM incidents${where} ORDER BY detected_at, seq`,
        values,
      }).rows.map((r) => parseIncident(r) as Incident);
    },
    nextSeq: (name) =>
      one({
        text: `INSERT INTO sequences (name, value) VALUES ($1, 1)
               ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value`,
        values: [name],
      }).rows[0]?.value as number,
    saveIncident: (inc) => {
      guarded({
        text: `INSERT INTO incidents (id, dedup_key, state, session_id, detected_at, data) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (id) DO UPDATE SET state = excluded.state, data = excluded.data`,
        values: [
          inc.id,
          inc.dedupKey,
          inc.state,
          inc.sessionId,
          inc.milestones.detectedAt,
          JSON.stringify(inc),
        ],
      });
    },
    addTimeline: (id, entries) => {
      if (entries.length === 0) return;
      guarded({
        text: `INSERT INTO incident_timeline (incident_id, at, entry)
               SELECT $1, e.at, e.entry FROM unnest($2::double precision[], $3::text[]) WITH ORDINALITY AS e(at, entry, n)
               ORDER BY e.n`,
        values: [id, entries.map((e) => e.at), entries.map((e) => JSON.stringify(e))],
      });
    },
    timeline: (id) =>
      rows<{ entry: string }>(
        guarded({
          text: 'SELECT entry FROM incident_timeline WHERE incident_id = $1 ORDER BY id',
          values: [id],
        }),
      ).map((r) => JSON.parse(r.entry) as TimelineEntry),
    enqueue: (pages) => {
      if (pages.length === 0) return 0;
      const results = run(
        pages.map(({ page, notBefore }) => ({
          text: `INSERT INTO outbox (key, channel, incident_id, page, status, not_before, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, 'pending', $5, $5, $6) ON CONFLICT (key) DO NOTHING`,
          values: [page.key, page.channel, page.incidentId, JSON.stringify(page), notBefore, now],
        })),
      );
      return results.reduce((n, r) => n + (r.rowCount ?? 0), 0);
    },
    outbox: (q: OutboxQuery = {}) => {
      const conds: string[] = [];
      const values: unknown[] = [];
      if (q.incidentId !== undefined) {
        values.push(q.incidentId);
        conds.push(`incident_id = $${values.length}`);
      }
      if (q.status !== undefined) {
        values.push(q.status);
        conds.push(`status = $${values.length}`);
      }
      const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
      return rows<OutboxDbRow>(
        one({ text: `SELECT ${OUTBOX_COLUMNS} FROM outbox${where} ORDER BY id`, values }),
      ).map(toOutboxRow);
    },
    claimDue: (worker, leaseMs, limit) => {
      const r = one({
        text: `UPDATE outbox SET claimed_by = $2, claim_until = $3
               WHERE id IN (${DUE_HEADS} ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
               RETURNING ${OUTBOX_COLUMNS}`,
        values: [now, worker, now + leaseMs, limit],
      });
      return rows<OutboxDbRow>(r)
        .sort((a, b) => a.id - b.id)
        .map(toOutboxRow);
    },
    settle: (id, worker, outcome) => {
      const held = "WHERE id = $1 AND claimed_by = $2 AND status = 'pending'";
      const release = 'attempts = attempts + 1, claimed_by = NULL, claim_until = NULL';
      let q: Query;
      if (outcome.status === 'delivered')
        q = {
          text: `UPDATE outbox SET status = 'delivered', delivered_at = $3, detail = $4, ${release} ${held}`,
          values: [id, worker, now, outcome.detail],
        };
      else if (outcome.status === 'failed')
        q = {
          text: `UPDATE outbox SET status = 'failed', last_error = $3, ${release} ${held}`,
          values: [id, worker, outcome.error],
        };
      else
        q = {
          text: `UPDATE outbox SET last_error = $3, next_attempt_at = $4, ${release} ${held}`,
          values: [id, worker, outcome.error, outcome.nextAttemptAt],
        };
      return (one(q).rowCount ?? 0) > 0;
    },
    nextDueAt: () =>
      (one({
        text: `SELECT min(next_attempt_at) AS at FROM outbox WHERE id IN (
                 SELECT min(id) FROM outbox WHERE status = 'pending' GROUP BY channel, incident_id
               ) AND (claim_until IS NULL OR claim_until <= $1)`,
        values: [now],
      }).rows[0]?.at ?? null) as number | null,
    channelRef: (incidentId, channel) => {
      const r = one({
        text: 'SELECT ref FROM channel_refs WHERE incident_id = $1 AND channel = $2',
        values: [incidentId, channel],
      }).rows[0];
      return r === undefined ? undefined : (JSON.parse(r.ref as string) as ChannelRef);
    },
    setChannelRef: (incidentId, channel, ref) => {
      one({
        text: `INSERT INTO channel_refs (incident_id, channel, ref) VALUES ($1, $2, $3)
               ON CONFLICT (incident_id, channel) DO UPDATE SET ref = excluded.ref`,
        values: [incidentId, channel, JSON.stringify(ref)],
      });
    },
    reserveSend: (channel, minIntervalMs) => {
      // One statement takes the slot when it is free; otherwise it locks the row and changes nothing, and
      // the second reads when the slot frees up.
      const [took, slot] = run([
        {
          text: `INSERT INTO channel_slots (channel, next_send_at) VALUES ($1, $2)
                 ON CONFLICT (channel) DO UPDATE SET next_send_at = excluded.next_send_at
                 WHERE channel_slots.next_send_at <= $3`,
          values: [channel, now + minIntervalMs, now],
        },
        { text: 'SELECT next_send_at FROM channel_slots WHERE channel = $1', values: [channel] },
      ]);
      if ((took?.rowCount ?? 0) > 0) return 0;
      return (slot?.rows[0]?.next_send_at as number) - now;
    },
    record: <T>(kind: string, id: string) => {
      const r = guarded({
        text: 'SELECT id, created_at, data, mac FROM records WHERE kind = $1 AND id = $2',
        values: [kind, id],
      }).rows[0];
      return r === undefined ? undefined : toRecord<T>(kind, r as unknown as RecordRow);
    },
    records: <T>(kind: string) =>
      rows<RecordRow>(
        guarded({
          text: 'SELECT id, created_at, data, mac FROM records WHERE kind = $1 ORDER BY created_at, id',
          values: [kind],
        }),
      ).map((r) => toRecord<T>(kind, r)),
    putRecord: (rec: StoredRecord) => {
      // A record written without a MAC loses the old one: the MAC vouches for the data it was made over.
      guarded({
        text: `INSERT INTO records (kind, id, created_at, data, mac) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data, mac = excluded.mac`,
        values: [rec.kind, rec.id, rec.createdAt, JSON.stringify(rec.data), rec.mac ?? null],
      });
    },
    meta: (key) =>
      guarded({ text: 'SELECT value FROM meta WHERE key = $1', values: [key] }).rows[0]?.value as
        | string
        | undefined,
    setMeta: (key, value) => {
      guarded({
        text: 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        values: [key, value],
      });
    },
  };
}
