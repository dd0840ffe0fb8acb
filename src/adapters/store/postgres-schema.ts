// The PostgreSQL ledger's tables and how a database gets them. They mirror SQLite's (sqlite.ts,
// sqlite-tx.ts), plus where a shipped session came from and each stream's high-water mark.
//
// Types: times are DOUBLE PRECISION, not BIGINT. Every millisecond time is exact in a double (to 2^53),
// and the contract round-trips fractional times SQLite keeps (a session started at T + 0.5). JSON is
// TEXT: JSONB refuses \u0000 inside strings, which tool inputs may hold. Text compared or sorted on uses
// COLLATE "C" (byte order), as SQLite's BINARY does, whatever the database's default collation.
import type pg from 'pg';
import { VERSION } from '../../version.ts';

// Index i takes a database from version i to i + 1. Never edit one that has shipped.
export const PG_MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id BIGSERIAL PRIMARY KEY,
     v INTEGER NOT NULL,
     ts DOUBLE PRECISION NOT NULL,
     session_id TEXT COLLATE "C" NOT NULL,
     event TEXT NOT NULL,
     tool TEXT,
     tool_use_id TEXT,
     agent_id TEXT,
     tier INTEGER,
     verdict TEXT,
     rule TEXT,
     reason TEXT,
     effects TEXT NOT NULL,
     duration_ms DOUBLE PRECISION,
     input TEXT
   );
   CREATE INDEX events_by_session ON events (session_id, id);
   CREATE INDEX events_by_ts ON events (ts);
   CREATE TABLE sessions (
     session_id TEXT COLLATE "C" PRIMARY KEY,
     started_at DOUBLE PRECISION NOT NULL,
     ended_at DOUBLE PRECISION,
     cwd TEXT NOT NULL,
     status TEXT NOT NULL,
     consecutive_denials BIGINT NOT NULL,
     total_denials BIGINT NOT NULL,
     tool_calls BIGINT NOT NULL,
     files_touched BIGINT NOT NULL,
     lines_added BIGINT NOT NULL,
     lines_removed BIGINT NOT NULL,
     external_calls BIGINT NOT NULL,
     subagents BIGINT NOT NULL,
     event_count BIGINT NOT NULL,
     machine TEXT,
     os_user TEXT,
     project TEXT
   );
   CREATE INDEX sessions_by_start ON sessions (started_at, session_id);
   CREATE TABLE session_files (
     session_id TEXT COLLATE "C" NOT NULL,
     path TEXT COLLATE "C" NOT NULL,
     PRIMARY KEY (session_id, path)
   );
   CREATE TABLE incidents (
     id TEXT COLLATE "C" PRIMARY KEY,
     seq BIGSERIAL NOT NULL,
     dedup_key TEXT COLLATE "C" NOT NULL,
     state TEXT NOT NULL,
     session_id TEXT COLLATE "C",
     detected_at DOUBLE PRECISION NOT NULL,
     data TEXT NOT NULL
   );
   CREATE INDEX incidents_by_dedup ON incidents (dedup_key, detected_at, seq);
   CREATE INDEX incidents_by_state ON incidents (state);
   CREATE TABLE incident_timeline (
     id BIGSERIAL PRIMARY KEY,
     incident_id TEXT COLLATE "C" NOT NULL,
     at DOUBLE PRECISION NOT NULL,
     entry TEXT NOT NULL
   );
   CREATE INDEX timeline_by_incident ON incident_timeline (incident_id, id);
   CREATE TABLE outbox (
     id BIGSERIAL PRIMARY KEY,
     key TEXT COLLATE "C" NOT NULL UNIQUE,
     channel TEXT COLLATE "C" NOT NULL,
     incident_id TEXT COLLATE "C",
     page TEXT NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     not_before DOUBLE PRECISION NOT NULL,
     next_attempt_at DOUBLE PRECISION NOT NULL,
     claimed_by TEXT,
     claim_until DOUBLE PRECISION,
     last_error TEXT,
     detail TEXT,
     created_at DOUBLE PRECISION NOT NULL,
     delivered_at DOUBLE PRECISION
   );
   CREATE INDEX outbox_pending ON outbox (status, channel, incident_id, id);
   CREATE TABLE channel_refs (
     incident_id TEXT COLLATE "C" NOT NULL,
     channel TEXT COLLATE "C" NOT NULL,
     ref TEXT NOT NULL,
     PRIMARY KEY (incident_id, channel)
   );
   CREATE TABLE channel_slots (channel TEXT COLLATE "C" PRIMARY KEY, next_send_at DOUBLE PRECISION NOT NULL);
   CREATE TABLE sequences (name TEXT COLLATE "C" PRIMARY KEY, value BIGINT NOT NULL);
   CREATE TABLE records (
     kind TEXT COLLATE "C" NOT NULL,
     id TEXT COLLATE "C" NOT NULL,
     created_at DOUBLE PRECISION NOT NULL,
     data TEXT NOT NULL,
     mac TEXT,
     PRIMARY KEY (kind, id)
   );
   CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
   -- One row per (machine, project) stream shipping to this store: the highest seq it holds.
   CREATE TABLE team_streams (
     machine TEXT COLLATE "C" NOT NULL,
     project TEXT COLLATE "C" NOT NULL,
     os_user TEXT NOT NULL,
     high_water BIGINT NOT NULL,
     PRIMARY KEY (machine, project)
   );
   CREATE TABLE team_spend (
     machine TEXT COLLATE "C" NOT NULL,
     project TEXT COLLATE "C" NOT NULL,
     day TEXT COLLATE "C" NOT NULL,
     os_user TEXT NOT NULL,
     usd DOUBLE PRECISION NOT NULL,
     PRIMARY KEY (day, machine, project)
   );`,
  // A stream is (machine, project, local ledger): a ledger replaced after an integrity problem restarts
  // its ids at 1 and must not be taken for the old one's duplicates. '' is a shipper that names no ledger.
  `ALTER TABLE team_streams ADD COLUMN ledger TEXT COLLATE "C" NOT NULL DEFAULT '';
   ALTER TABLE team_streams DROP CONSTRAINT team_streams_pkey, ADD PRIMARY KEY (machine, project, ledger);
   ALTER TABLE team_spend ADD COLUMN ledger TEXT COLLATE "C" NOT NULL DEFAULT '', ADD COLUMN project_id TEXT;
   ALTER TABLE team_spend DROP CONSTRAINT team_spend_pkey, ADD PRIMARY KEY (day, machine, project, ledger);
   ALTER TABLE sessions ADD COLUMN project_id TEXT, ADD COLUMN ledger TEXT;`,
  // isReportable (src/core/metrics/reportable.ts), decided when the event is written, and indexed, so a
  // report over a million events reads only what it folds: 0 no, 1 yes, 2 written before this migration
  // and judged when read. The older rows get 2 where the superset of isReportable holds, written out here
  // as it stood, since a migration never changes.
  `ALTER TABLE events ADD COLUMN reportable SMALLINT;
   UPDATE events SET reportable = CASE WHEN
       event IN ('Stop', 'SubagentStop', 'TaskCompleted', 'check.result') OR verdict = 'deny'
       OR rule = 'gate.exhausted' OR starts_with(rule, 'budget.')
       OR (event IN ('PreToolUse', 'PostToolUse', 'PostToolUseFailure') AND tool IN ('Bash', 'PowerShell'))
       OR (event = 'PostToolUse' AND strpos(input, 'gitOperation') > 0)
     THEN 2 ELSE 0 END;
   ALTER TABLE events ALTER COLUMN reportable SET NOT NULL;
   CREATE INDEX events_reportable ON events (session_id, id) WHERE reportable > 0;`,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS agent_sre_schema (
  version INTEGER PRIMARY KEY,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  agent_sre_version TEXT NOT NULL
)`;

/** Any fixed key: two servers starting on one empty database take turns, and the second finds it done. */
const MIGRATION_LOCK = 0x4147_5352_0001n;

async function currentVersion(client: pg.PoolClient): Promise<number> {
  const t = await client.query<{ t: string | null }>("SELECT to_regclass('agent_sre_schema')::text AS t");
  if (t.rows[0]?.t == null) return 0;
  const r = await client.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM agent_sre_schema');
  return r.rows[0]?.v ?? 0;
}

/** Bring the database to PG_SCHEMA_VERSION; a current one costs one query and takes no lock. */
export async function migrate(pool: pg.Pool): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  try {
    const seen = await currentVersion(client);
    if (seen > PG_SCHEMA_VERSION) throw tooNew(seen);
    if (seen === PG_SCHEMA_VERSION) return { from: seen, to: seen };
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
      await client.query(VERSION_TABLE);
      // Another server may have migrated while this one waited for the lock.
      const from = await currentVersion(client);
      if (from > PG_SCHEMA_VERSION) throw tooNew(from);
      for (let v = from; v < PG_SCHEMA_VERSION; v++) {
        await client.query(PG_MIGRATIONS[v] as string);
        await client.query('INSERT INTO agent_sre_schema (version, agent_sre_version) VALUES ($1, $2)', [
          v + 1,
          VERSION,
        ]);
      }
      await client.query('COMMIT');
      return { from, to: PG_SCHEMA_VERSION };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    client.release();
  }
}

function tooNew(v: number): Error {
  return new Error(
    `schema version ${v} is newer than this agent-sre understands (${PG_SCHEMA_VERSION}); upgrade agent-sre`,
  );
}
