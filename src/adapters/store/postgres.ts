// The ledger on PostgreSQL: a team's shared store, written by several servers and machines at once.
// Writes that run the app's synchronous LedgerTx (commit, transact) go through one connection held by a
// worker thread (pg-sync.ts); batches shipped from machines are group-committed on a pooled connection
// (postgres-ingest.ts); reads use the pool. Every write through the worker is serialised within this
// process, and across processes by row locks and advisory locks (postgres-tx.ts, the session lock below).
import pg from 'pg';
import { isReportable } from '../../core/metrics/reportable.ts';
import type { LedgerEvent, SessionState } from '../../core/session/types.ts';
import type {
  EventMatch,
  EventQuery,
  IngestResult,
  LedgerTx,
  Origin,
  SessionEvents,
  SessionSummary,
  ShipBatch,
  TeamSessionSummary,
  TeamStore,
  Transition,
} from '../../ports.ts';
import { eventSelect, exactReportable, groupSessionEvents, matchSql, reportableOf } from './event-match.ts';
import { checkApplied, checkLimit } from './memory.ts';
import { PgBridge } from './pg-sync.ts';
import { decodeRow, decodeText, encodeValue, PG_TYPES } from './postgres-codec.ts';
import { GroupIngest } from './postgres-ingest.ts';
import { migrate } from './postgres-schema.ts';
import { EVENTS_APPEND_LOCK, LOCK_NS, postgresTx } from './postgres-tx.ts';
import { parsePgUrl, redact } from './postgres-url.ts';
import {
  EVENT_COLUMNS,
  type EventRow,
  eventToRow,
  rowToEvent,
  rowToSession,
  SESSION_COLUMNS,
  type SessionRow,
  sessionToRow,
} from './sqlite.ts';

export interface PostgresStoreOptions {
  /** How long one statement, or one wait for a lock, may take before the transaction is given up. */
  timeoutMs?: number;
  /** Connections for reads. */
  poolSize?: number;
}

export const DEFAULT_PG_TIMEOUT_MS = 10_000;

const EVENT_LIST = EVENT_COLUMNS.join(', ');
const SESSION_LIST = SESSION_COLUMNS.join(', ');
const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');
const UPSERT_SESSION = `INSERT INTO sessions (${SESSION_LIST}, event_count) VALUES (${params(SESSION_COLUMNS.length)}, 1)
  ON CONFLICT (session_id) DO UPDATE SET ${SESSION_COLUMNS.filter((c) => c !== 'session_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}, event_count = sessions.event_count + 1`;
const INSERT_EVENT = `INSERT INTO events (${EVENT_LIST}, reportable) VALUES (${params(EVENT_COLUMNS.length + 1)})`;

const PREFIX = '[agent-sre] [postgres]';

interface OriginRow {
  machine: string | null;
  os_user: string;
  project: string;
  project_id: string | null;
  ledger: string | null;
}

function originOfRow(r: OriginRow & { machine: string }): Origin {
  return {
    machine: r.machine,
    user: r.os_user,
    project: r.project,
    ...(r.project_id ? { projectId: r.project_id } : {}),
    ...(r.ledger ? { ledger: r.ledger } : {}),
  };
}

export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<TeamStore> {
  const target = parsePgUrl(url);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PG_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: url,
    types: PG_TYPES,
    max: opts.poolSize ?? 4,
    allowExitOnIdle: true,
    application_name: 'agent-sre',
    statement_timeout: timeoutMs,
    connectionTimeoutMillis: timeoutMs,
  });
  // An idle connection the server dropped: the pool replaces it on the next query.
  pool.on('error', () => undefined);
  // No `cause`: the driver's error is not ours to vouch for, and whoever logs it would log it whole.
  const fail = (err: unknown) =>
    new Error(
      `${PREFIX} ${target.label}: ${redact(err instanceof Error ? err.message : String(err), target.secrets)}`,
    );
  const bridge = new PgBridge({
    connectionString: url,
    label: target.label,
    secrets: target.secrets,
    timeoutMs,
  });
  // The worker starts (Node, pg, a connection: about 200 ms) while the schema is checked.
  const [migrated, connected] = await Promise.allSettled([migrate(pool), bridge.job([])]);
  const failed = [migrated, connected].find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled([bridge.close(), pool.end()]);
    const e: unknown = failed.reason;
    // The bridge's own errors already name the server, without the password.
    throw e instanceof Error && e.message.startsWith(PREFIX) ? e : fail(e);
  }
  return new PostgresStore(pool, bridge, target.label, fail);
}

// A row of SELECT EVENT_LIST in rowMode 'array': rowToEvent(decodeRow(row)) without the two objects between.
const EVENT_INDEX = Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, i])) as Record<keyof EventRow, number>;
function arrayToEvent(row: unknown[]): LedgerEvent {
  const text = (c: keyof EventRow) => {
    const v = row[EVENT_INDEX[c]];
    return typeof v === 'string' ? decodeText(v) : (v as null);
  };
  const at = <T>(c: keyof EventRow) => row[EVENT_INDEX[c]] as T;
  return {
    v: at('v'),
    ts: at('ts'),
    sessionId: text('session_id') as string,
    event: text('event') as string,
    tool: text('tool'),
    toolUseId: text('tool_use_id'),
    agentId: text('agent_id'),
    tier: at('tier'),
    verdict: text('verdict') as LedgerEvent['verdict'],
    rule: text('rule'),
    reason: text('reason'),
    effects: JSON.parse(text('effects') as string),
    durationMs: at('duration_ms'),
    input: text('input'),
  };
}

class PostgresStore implements TeamStore {
  readonly name = 'postgres';
  #closed = false;
  private readonly pool: pg.Pool;
  private readonly bridge: PgBridge;
  private readonly label: string;
  private readonly fail: (err: unknown) => Error;
  private readonly ingests: GroupIngest;

  constructor(pool: pg.Pool, bridge: PgBridge, label: string, fail: (err: unknown) => Error) {
    this.ingests = new GroupIngest(pool, fail);
    this.pool = pool;
    this.bridge = bridge;
    this.label = label;
    this.fail = fail;
  }

  async commit<R>(t: Transition<R>): Promise<R> {
    this.#assertOpen();
    const files = [...new Set(t.files ?? [])];
    return this.bridge.transaction(
      [
        { text: 'BEGIN' },
        // Commits to one session queue here, so each reads the state the previous one wrote.
        { text: 'SELECT pg_advisory_xact_lock($1, hashtext($2))', values: [LOCK_NS.session, t.sessionId] },
        { text: `SELECT ${SESSION_LIST} FROM sessions WHERE session_id = $1`, values: [t.sessionId] },
        {
          text: 'INSERT INTO session_files (session_id, path) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
          values: [t.sessionId, files],
        },
      ],
      (run, first) => {
        const row = first[2]?.rows[0] as SessionRow | undefined;
        const out = t.apply(
          row === undefined ? undefined : rowToSession(row),
          first[3]?.rowCount ?? 0,
          postgresTx(run, t.now ?? 0, true),
        );
        checkApplied(t, out);
        return {
          value: out.result,
          last: [
            // Before the session's row, as a shipped batch takes it before its sessions' rows: the same
            // session arriving both ways at once then waits instead of deadlocking.
            EVENTS_APPEND_LOCK,
            { text: UPSERT_SESSION, values: Object.values(sessionToRow(out.state)) },
            {
              text: INSERT_EVENT,
              values: [...Object.values(eventToRow(out.event)), reportableOf(out.event)],
            },
          ],
        };
      },
    );
  }

  async transact<R>(now: number, fn: (tx: LedgerTx) => R, opts: { readonly?: boolean } = {}): Promise<R> {
    this.#assertOpen();
    const readonly = opts.readonly ?? false;
    // A read-only transaction sees one snapshot throughout, as SQLite's deferred one does.
    const begin = readonly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN';
    return this.bridge.transaction([{ text: begin }], (run) => ({
      value: fn(postgresTx(run, now, !readonly)),
    }));
  }

  async getSession(sessionId: string): Promise<SessionState | undefined> {
    const [row] = await this.#read<SessionRow>(`SELECT ${SESSION_LIST} FROM sessions WHERE session_id = $1`, [
      sessionId,
    ]);
    return row === undefined ? undefined : rowToSession(row);
  }

  async listSessions(): Promise<SessionSummary[]> {
    return (await this.teamSessions()).map(({ state, events }) => ({ state, events }));
  }

  async events(q: EventQuery = {}): Promise<LedgerEvent[]> {
    this.#assertOpen();
    checkLimit(q.limit);
    const values: unknown[] = [];
    let sql = `SELECT ${EVENT_LIST} FROM events`;
    if (q.sessionId !== undefined) {
      values.push(q.sessionId);
      sql += ' WHERE session_id = $1';
    }
    if (q.limit !== undefined) {
      values.push(q.limit);
      sql += ` ORDER BY id DESC LIMIT $${values.length}`;
    } else sql += ' ORDER BY id';
    return (await this.#read<EventRow>(sql, values)).map(rowToEvent);
  }

  async sessionEvents(sessionIds: readonly string[], match: EventMatch): Promise<SessionEvents[]> {
    const values: unknown[] = [[...sessionIds]];
    const where = matchSql(match, {
      param: (v) => {
        values.push(v);
        return `$${values.length}::text`;
      },
      contains: (column, needle) => `strpos(${column}, ${needle}) > 0`,
      startsWith: (column, prefix) => `starts_with(${column}, ${prefix})`,
      reportableColumn: 'reportable',
    });
    // The stored answer comes after the event's columns, where arrayToEvent does not look.
    const stored = EVENT_COLUMNS.length;
    // Each session's newest event is one step down the (session_id, id) index, however long the session.
    const [last, rows] = await Promise.all([
      this.#read<{ id: string; ts: number | null }>(
        `SELECT s.id, (SELECT ts FROM events WHERE session_id = s.id ORDER BY id DESC LIMIT 1) AS ts
         FROM unnest($1::text[]) AS s(id)`,
        [[...sessionIds]],
      ),
      this.#readArrays(
        // Along the (session_id, id) index: ORDER BY id alone sorts every matched row, on disk past work_mem.
        `SELECT ${eventSelect(EVENT_COLUMNS, match.lean)}, reportable FROM events WHERE session_id = ANY($1::text[]) AND ${where} ORDER BY session_id, id`,
        values,
      ),
    ]);
    const events = exactReportable(rows, match, arrayToEvent, (r) => r[stored] as number | null);
    return groupSessionEvents(sessionIds, new Map(last.map((r) => [r.id, r.ts])), events);
  }

  async ingest(batch: ShipBatch): Promise<IngestResult> {
    this.#assertOpen();
    return this.ingests.ingest(batch);
  }

  async eventsAfter(seq: number, limit: number): Promise<Array<{ seq: number; event: LedgerEvent }>> {
    this.#assertOpen();
    checkLimit(limit);
    const rows = await this.#read<EventRow & { id: number }>(
      `SELECT id, ${EVENT_LIST} FROM events WHERE id > $1 ORDER BY id LIMIT $2`,
      [seq, limit],
    );
    return rows.map((r) => ({ seq: r.id, event: rowToEvent(r) }));
  }

  async lastEventSeq(): Promise<number> {
    const [row] = await this.#read<{ id: number | null }>('SELECT max(id) AS id FROM events', []);
    return row?.id ?? 0;
  }

  async highWater(origin: Origin): Promise<number> {
    const [row] = await this.#read<{ high_water: number }>(
      'SELECT high_water FROM team_streams WHERE machine = $1 AND project = $2 AND ledger = $3',
      [origin.machine, origin.project, origin.ledger ?? ''],
    );
    return row?.high_water ?? 0;
  }

  async teamSessions(): Promise<TeamSessionSummary[]> {
    const rows = await this.#read<SessionRow & { event_count: number } & OriginRow>(
      `SELECT ${SESSION_LIST}, event_count, machine, os_user, project, project_id, ledger
       FROM sessions ORDER BY started_at, session_id`,
    );
    return rows.map((r) => ({
      state: rowToSession(r),
      events: r.event_count,
      origin: r.machine === null ? null : originOfRow(r as OriginRow & { machine: string }),
    }));
  }

  async fleetSpend(day: string): Promise<Array<{ origin: Origin; usd: number }>> {
    const rows = await this.#read<OriginRow & { machine: string; usd: number }>(
      `SELECT machine, project, os_user, project_id, ledger, usd FROM team_spend WHERE day = $1
       ORDER BY machine, project, ledger`,
      [day],
    );
    return rows.map((r) => ({ origin: originOfRow(r), usd: r.usd }));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.bridge.close();
    await this.pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`${PREFIX} the store for ${this.label} is closed`);
  }

  /** Rows as arrays, undecoded: a read of many rows builds one object per row, not three. */
  async #readArrays(text: string, values: unknown[]): Promise<unknown[][]> {
    this.#assertOpen();
    try {
      return (await this.pool.query({ text, values: values.map(encodeValue), rowMode: 'array' })).rows;
    } catch (err) {
      throw this.fail(err);
    }
  }

  async #read<T>(text: string, values: unknown[] = []): Promise<T[]> {
    this.#assertOpen();
    try {
      const r = await this.pool.query({ text, values: values.map(encodeValue) });
      return r.rows.map((row) => decodeRow<T>(row));
    } catch (err) {
      throw this.fail(err);
    }
  }
}
