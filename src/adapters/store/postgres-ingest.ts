// Shipped batches on PostgreSQL, by group commit: the batches that arrive while one transaction runs
// go together into the next, so a team server's many small POSTs cost one transaction (and one WAL
// flush) per group, not one each. Each batch still takes its own stream's high-water mark and gets its
// own answer; a batch that fails is rolled back to its savepoint and fails alone.
import type pg from 'pg';
import type { IngestResult, ShipBatch } from '../../ports.ts';
import { reportableOf } from './event-match.ts';
import { checkBatch } from './memory-team.ts';
import { encodeValue } from './postgres-codec.ts';
import { EVENTS_APPEND_LOCK } from './postgres-tx.ts';
import {
  EVENT_COLUMNS,
  type EventRow,
  eventToRow,
  SESSION_COLUMNS,
  type SessionRow,
  sessionToRow,
} from './sqlite.ts';

const EVENT_LIST = EVENT_COLUMNS.join(', ');
const SESSION_LIST = SESSION_COLUMNS.join(', ');

// Array types for unnest, column by column.
const EVENT_TYPES: Record<keyof EventRow, string> = {
  v: 'integer',
  ts: 'double precision',
  session_id: 'text',
  event: 'text',
  tool: 'text',
  tool_use_id: 'text',
  agent_id: 'text',
  tier: 'integer',
  verdict: 'text',
  rule: 'text',
  reason: 'text',
  effects: 'text',
  duration_ms: 'double precision',
  input: 'text',
};
const SESSION_TYPES: Record<keyof SessionRow, string> = {
  session_id: 'text',
  started_at: 'double precision',
  ended_at: 'double precision',
  cwd: 'text',
  status: 'text',
  consecutive_denials: 'bigint',
  total_denials: 'bigint',
  tool_calls: 'bigint',
  files_touched: 'bigint',
  lines_added: 'bigint',
  lines_removed: 'bigint',
  external_calls: 'bigint',
  subagents: 'bigint',
};

// $1 machine, $2 project, $3 user, $4 seqs, then the event columns, then the session columns (each
// session's last state in the batch), then the ledger ('' for none), the project's team-wide id and each
// event's isReportable (what a report reads, decided once here rather than on every report). Items at or below the stream's high-water mark are skipped in
// SQL, after the stream's row lock, so a batch needs no answer from this thread half-way through.
const E0 = 5;
const S0 = E0 + EVENT_COLUMNS.length;
const L0 = S0 + SESSION_COLUMNS.length;
const INGEST = `WITH hw AS (SELECT high_water FROM team_streams WHERE machine = $1 AND project = $2 AND ledger = $${L0}),
ins AS (
  INSERT INTO events (${EVENT_LIST}, reportable)
  SELECT ${EVENT_LIST}, reportable FROM unnest($4::bigint[], ${EVENT_COLUMNS.map((c, i) => `$${E0 + i}::${EVENT_TYPES[c]}[]`).join(', ')}, $${L0 + 2}::smallint[])
    AS t(seq, ${EVENT_LIST}, reportable)
  WHERE t.seq > (SELECT high_water FROM hw)
  ORDER BY t.seq
  RETURNING session_id
),
counts AS (SELECT session_id, count(*) AS n FROM ins GROUP BY session_id),
up AS (
  INSERT INTO sessions (${SESSION_LIST}, event_count, machine, os_user, project, ledger, project_id)
  SELECT ${SESSION_COLUMNS.map((c) => `s.${c}`).join(', ')}, c.n, $1, $3, $2, nullif($${L0}, ''), $${L0 + 1}
  FROM unnest(${SESSION_COLUMNS.map((c, i) => `$${S0 + i}::${SESSION_TYPES[c]}[]`).join(', ')}) AS s(${SESSION_LIST})
  JOIN counts c ON c.session_id = s.session_id COLLATE "C"
  ORDER BY s.session_id COLLATE "C"
  ON CONFLICT (session_id) DO UPDATE SET ${SESSION_COLUMNS.filter((c) => c !== 'session_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}, event_count = sessions.event_count + excluded.event_count,
    machine = excluded.machine, os_user = excluded.os_user, project = excluded.project,
    ledger = excluded.ledger, project_id = excluded.project_id
  RETURNING 1
)
SELECT (SELECT count(*) FROM ins) AS accepted`;

/** Events in one group at most: a group is one transaction, and the batches behind it wait for it. */
const GROUP_EVENTS = 5_000;

interface Waiting {
  batch: ShipBatch;
  spend: Map<string, number>;
  resolve: (r: IngestResult) => void;
  reject: (e: Error) => void;
}

interface Sql {
  text: string;
  values: unknown[];
}

const streamOf = (b: ShipBatch) => [b.origin.machine, b.origin.project, b.origin.ledger ?? ''] as const;

export class GroupIngest {
  readonly #pool: pg.Pool;
  readonly #fail: (err: unknown) => Error;
  #waiting: Waiting[] = [];
  #running = false;

  constructor(pool: pg.Pool, fail: (err: unknown) => Error) {
    this.#pool = pool;
    this.#fail = fail;
  }

  /** A malformed batch is refused here, before it can join a group. */
  async ingest(batch: ShipBatch): Promise<IngestResult> {
    const spend = checkBatch(batch);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ batch, spend, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#waiting.length > 0) {
        let n = 0;
        let events = 0;
        while (
          n < this.#waiting.length &&
          (n === 0 || events + this.#waiting[n]!.batch.items.length <= GROUP_EVENTS)
        )
          events += this.#waiting[n++]!.batch.items.length;
        await this.#commit(this.#waiting.splice(0, n));
      }
    } finally {
      this.#running = false;
    }
  }

  async #commit(group: Waiting[]): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      for (const w of group) w.reject(this.#fail(err));
      return;
    }
    const run = async (q: Sql) =>
      (await client.query({ text: q.text, values: q.values.map(encodeValue) })).rows;
    const answers: Array<() => void> = [];
    try {
      await client.query('BEGIN');
      const streams = new Map(group.map((w) => [JSON.stringify(streamOf(w.batch)), w.batch]));
      const keys = [...streams.values()].map(streamOf);
      const users = [...streams.values()].map((b) => b.origin.user);
      await run({
        text: `INSERT INTO team_streams (machine, project, ledger, os_user, high_water)
               SELECT m, p, l, u, 0 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s(m, p, l, u)
               ON CONFLICT (machine, project, ledger) DO NOTHING`,
        values: [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2]), users],
      });
      // Every stream of the group, in one order, so two servers' groups never wait on each other in a
      // circle; one stream's batches take turns across servers, other streams' go ahead.
      await run({
        text: `SELECT 1 FROM team_streams WHERE (machine, project, ledger) IN
                 (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
               ORDER BY machine COLLATE "C", project COLLATE "C", ledger COLLATE "C" FOR UPDATE`,
        values: [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
      });
      // Taken after the streams' rows, which are the only locks a group waits on before it.
      await run({ text: EVENTS_APPEND_LOCK.text, values: EVENTS_APPEND_LOCK.values ?? [] });
      for (const w of group) {
        await client.query('SAVEPOINT batch');
        try {
          const result = await this.#one(run, w);
          await client.query('RELEASE SAVEPOINT batch');
          answers.push(() => w.resolve(result));
        } catch (err) {
          await client.query('ROLLBACK TO SAVEPOINT batch');
          answers.push(() => w.reject(this.#fail(err)));
        }
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      // The connection may be in any state: it is closed, not given back.
      client.release(true);
      for (const w of group) w.reject(this.#fail(err));
      return;
    }
    client.release();
    for (const answer of answers) answer();
  }

  async #one(run: (q: Sql) => Promise<Record<string, unknown>[]>, w: Waiting): Promise<IngestResult> {
    const { batch, spend } = w;
    const { machine, project, user } = batch.origin;
    const ledger = batch.origin.ledger ?? '';
    const projectId = batch.origin.projectId ?? null;
    const events = batch.items.map((i) => eventToRow(i.event));
    const lastState = new Map<string, SessionRow>();
    for (const i of batch.items) lastState.set(i.state.sessionId, sessionToRow(i.state));
    const sessions = [...lastState.values()];
    const [ins] = await run({
      text: INGEST,
      values: [
        machine,
        project,
        user,
        batch.items.map((i) => i.seq),
        ...EVENT_COLUMNS.map((c) => events.map((e) => e[c])),
        ...SESSION_COLUMNS.map((c) => sessions.map((s) => s[c])),
        ledger,
        projectId,
        batch.items.map((i) => reportableOf(i.event)),
      ],
    });
    const [hw] = await run({
      text: `UPDATE team_streams SET high_water = greatest(high_water, $3), os_user = $4
             WHERE machine = $1 AND project = $2 AND ledger = $5 RETURNING high_water`,
      values: [machine, project, batch.items.at(-1)?.seq ?? 0, user, ledger],
    });
    if (spend.size > 0)
      await run({
        text: `INSERT INTO team_spend (machine, project, os_user, day, usd, ledger, project_id)
               SELECT $1, $2, $3, d, u, $6, $7 FROM unnest($4::text[], $5::double precision[]) AS x(d, u)
               ON CONFLICT (day, machine, project, ledger) DO UPDATE
               SET usd = greatest(team_spend.usd, excluded.usd), os_user = excluded.os_user,
                   project_id = excluded.project_id`,
        values: [machine, project, user, [...spend.keys()], [...spend.values()], ledger, projectId],
      });
    const accepted = Number(ins?.accepted ?? 0);
    return { accepted, duplicates: batch.items.length - accepted, highWater: Number(hw?.high_water) };
  }
}
