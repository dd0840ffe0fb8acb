// The evidence ledger on SQLite. The hook opens this store once per tool call of the agent, and several
// agents (or subagents) may write to one file at the same time, so opening a current file costs two
// pragmas and no DDL, and every commit is a single BEGIN IMMEDIATE transaction.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { LedgerEvent, SessionState } from '../../core/session/types.ts';
import type { EventQuery, LedgerStore, LedgerTx, SessionSummary, Transition } from '../../ports.ts';
import { checkApplied, checkLimit } from './memory.ts';
import { INCIDENT_TABLES, RECORD_MAC_COLUMN, sqliteTx } from './sqlite-tx.ts';

export interface SqliteStoreOptions {
  readonly?: boolean;
  /** How long a writer waits for the write lock before failing. */
  busyTimeoutMs?: number;
}

/** Stored in `PRAGMA user_version`; bump it and add a migration when the tables change. */
export const SCHEMA_VERSION = 3;

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

type SqlValue = string | number | null;
type Encoders<T> = Record<string, (value: T) => SqlValue>;
type RowOf<C> = { [K in keyof C]: C[K] extends (value: never) => infer V ? V : never };

// Typing the encoders through a helper keeps each column's row type tied to the field it comes from.
function encoders<T>() {
  return <C extends Encoders<T>>(columns: C): C => columns;
}

// One entry per column, in table order: the single source for the events column list. Adding a field
// to LedgerEvent breaks `rowToEvent`'s return type until a column is added here and to a migration.
const EVENT_ENCODERS = encoders<LedgerEvent>()({
  v: (e) => e.v,
  ts: (e) => e.ts,
  session_id: (e) => e.sessionId,
  event: (e) => e.event,
  tool: (e) => e.tool,
  tool_use_id: (e) => e.toolUseId,
  agent_id: (e) => e.agentId,
  tier: (e) => e.tier,
  verdict: (e) => e.verdict,
  rule: (e) => e.rule,
  reason: (e) => e.reason,
  effects: (e) => JSON.stringify(e.effects),
  duration_ms: (e) => e.durationMs,
  input: (e) => e.input,
});

export type EventRow = RowOf<typeof EVENT_ENCODERS>;
export const EVENT_COLUMNS = Object.keys(EVENT_ENCODERS) as (keyof EventRow)[];

export function eventToRow(event: LedgerEvent): EventRow {
  return encode(EVENT_ENCODERS, event);
}

export function rowToEvent(row: EventRow): LedgerEvent {
  return {
    v: row.v,
    ts: row.ts,
    sessionId: row.session_id,
    event: row.event,
    tool: row.tool,
    toolUseId: row.tool_use_id,
    agentId: row.agent_id,
    tier: row.tier,
    verdict: row.verdict,
    rule: row.rule,
    reason: row.reason,
    effects: JSON.parse(row.effects),
    durationMs: row.duration_ms,
    input: row.input,
  };
}

const SESSION_ENCODERS = encoders<SessionState>()({
  session_id: (s) => s.sessionId,
  started_at: (s) => s.startedAt,
  ended_at: (s) => s.endedAt,
  cwd: (s) => s.cwd,
  status: (s) => s.status,
  consecutive_denials: (s) => s.consecutiveDenials,
  total_denials: (s) => s.totalDenials,
  tool_calls: (s) => s.usage.toolCalls,
  files_touched: (s) => s.usage.filesTouched,
  lines_added: (s) => s.usage.linesAdded,
  lines_removed: (s) => s.usage.linesRemoved,
  external_calls: (s) => s.usage.externalCalls,
  subagents: (s) => s.usage.subagents,
});

export type SessionRow = RowOf<typeof SESSION_ENCODERS>;
/** The session's own fields; the table also keeps `event_count`, maintained by `commit`. */
export const SESSION_COLUMNS = Object.keys(SESSION_ENCODERS) as (keyof SessionRow)[];

export function sessionToRow(state: SessionState): SessionRow {
  return encode(SESSION_ENCODERS, state);
}

export function rowToSession(row: SessionRow): SessionState {
  return {
    sessionId: row.session_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    cwd: row.cwd,
    status: row.status,
    consecutiveDenials: row.consecutive_denials,
    totalDenials: row.total_denials,
    usage: {
      toolCalls: row.tool_calls,
      filesTouched: row.files_touched,
      linesAdded: row.lines_added,
      linesRemoved: row.lines_removed,
      externalCalls: row.external_calls,
      subagents: row.subagents,
    },
  };
}

function encode<T, C extends Encoders<T>>(columns: C, value: T): RowOf<C> {
  const row: Record<string, SqlValue> = {};
  for (const [column, get] of Object.entries(columns)) row[column] = get(value);
  return row as RowOf<C>;
}

// Index i upgrades a file from user_version i to i + 1. Never edit one that has shipped: files written
// by older versions replay the list from where they stopped.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     v INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     session_id TEXT NOT NULL,
     event TEXT NOT NULL,
     tool TEXT,
     tool_use_id TEXT,
     agent_id TEXT,
     tier INTEGER,
     verdict TEXT,
     rule TEXT,
     reason TEXT,
     effects TEXT NOT NULL,
     duration_ms REAL,
     input TEXT
   );
   CREATE INDEX events_by_session ON events (session_id, id);
   CREATE TABLE sessions (
     session_id TEXT PRIMARY KEY,
     started_at INTEGER NOT NULL,
     ended_at INTEGER,
     cwd TEXT NOT NULL,
     status TEXT NOT NULL,
     consecutive_denials INTEGER NOT NULL,
     total_denials INTEGER NOT NULL,
     tool_calls INTEGER NOT NULL,
     files_touched INTEGER NOT NULL,
     lines_added INTEGER NOT NULL,
     lines_removed INTEGER NOT NULL,
     external_calls INTEGER NOT NULL,
     subagents INTEGER NOT NULL,
     event_count INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE session_files (
     session_id TEXT NOT NULL,
     path TEXT NOT NULL,
     PRIMARY KEY (session_id, path)
   ) WITHOUT ROWID;`,
  INCIDENT_TABLES,
  RECORD_MAC_COLUMN,
];

if (MIGRATIONS.length !== SCHEMA_VERSION)
  throw new Error('[agent-sre] [ledger] SCHEMA_VERSION and MIGRATIONS disagree');

const PREFIX = '[agent-sre] [ledger]';

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): LedgerStore {
  const readonly = opts.readonly ?? false;
  let db: Database.Database;
  try {
    db = connect(file, readonly, opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  } catch (cause) {
    throw new Error(`${PREFIX} cannot open ${file}: ${causeText(cause)}`, { cause });
  }
  return new SqliteStore(db, file);
}

function connect(file: string, readonly: boolean, timeout: number): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly, timeout });
  } catch (err) {
    // Creating the directory only after a failed open keeps the common path free of extra syscalls.
    const dir = dirname(file);
    if (readonly || existsSync(dir)) throw err;
    mkdirSync(dir, { recursive: true });
    db = new Database(file, { timeout });
  }
  try {
    // Per connection, so it is set on every open; it costs no I/O.
    db.pragma('synchronous = NORMAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== SCHEMA_VERSION) migrate(db, version, readonly);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

function migrate(db: Database.Database, from: number, readonly: boolean): void {
  if (from > SCHEMA_VERSION) {
    throw new Error(`schema version ${from} is newer than this agent-sre understands (${SCHEMA_VERSION})`);
  }
  if (readonly) {
    throw new Error(
      `schema version ${from} needs upgrading to ${SCHEMA_VERSION}; open it writable once first`,
    );
  }
  // The journal mode is stored in the file, so it only needs setting while the file is being set up. The
  // switch waits on the busy timeout like any write. Should a file system refuse WAL, rollback journaling
  // is still correct, only slower, so the result is not checked.
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    // Another process may have set the file up while this one waited for the write lock.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION)
      throw new Error(`schema version ${current} is newer than ${SCHEMA_VERSION}`);
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

type Statement = Database.Statement<unknown[], unknown>;

interface CommitContext {
  /** Set when the error came from `apply` (or its output), which propagates untouched. */
  applyFailed: boolean;
}

const EVENT_SELECT = EVENT_COLUMNS.join(', ');
const SESSION_SELECT = SESSION_COLUMNS.join(', ');
const GET_SESSION_SQL = `SELECT ${SESSION_SELECT} FROM sessions WHERE session_id = ?`;

class SqliteStore implements LedgerStore {
  readonly name = 'sqlite';
  // Prepared on first use: a hook process typically runs one commit and exits.
  #write?: (t: Transition<unknown>, ctx: CommitContext) => unknown;
  #statements = new Map<string, Statement>();
  #tx?: (now: number) => LedgerTx;

  private readonly db: Database.Database;
  private readonly file: string;

  constructor(db: Database.Database, file: string) {
    this.db = db;
    this.file = file;
  }

  async commit<R>(t: Transition<R>): Promise<R> {
    this.#assertOpen();
    if (this.db.readonly) throw new Error(`${PREFIX} cannot write to ${this.file}: opened read-only`);
    const ctx: CommitContext = { applyFailed: false };
    try {
      return this.#writer()(t, ctx) as R;
    } catch (err) {
      if (ctx.applyFailed) throw err;
      throw new Error(`${PREFIX} cannot write to ${this.file}: ${causeText(err)}`, { cause: err });
    }
  }

  async getSession(sessionId: string): Promise<SessionState | undefined> {
    this.#assertOpen();
    const row = this.#statement('getSession', () => GET_SESSION_SQL).get(sessionId);
    return row === undefined ? undefined : rowToSession(row as SessionRow);
  }

  async listSessions(): Promise<SessionSummary[]> {
    this.#assertOpen();
    const sql = `SELECT ${SESSION_SELECT}, event_count FROM sessions ORDER BY started_at, session_id`;
    const rows = this.#statement('listSessions', () => sql).all() as (SessionRow & { event_count: number })[];
    return rows.map((row) => ({ state: rowToSession(row), events: row.event_count }));
  }

  async events(q: EventQuery = {}): Promise<LedgerEvent[]> {
    this.#assertOpen();
    const { sessionId, limit } = q;
    checkLimit(limit);
    const bySession = sessionId !== undefined;
    const limited = limit !== undefined;
    const stmt = this.#statement(
      `events:${bySession}:${limited}`,
      () =>
        `SELECT ${EVENT_SELECT} FROM events${bySession ? ' WHERE session_id = @sessionId' : ''} ` +
        (limited ? 'ORDER BY id DESC LIMIT @limit' : 'ORDER BY id'),
    );
    const params: Record<string, SqlValue> = {};
    if (bySession) params.sessionId = sessionId;
    if (limited) params.limit = limit;
    return (stmt.all(params) as EventRow[]).map(rowToEvent);
  }

  async transact<R>(now: number, fn: (tx: LedgerTx) => R, opts: { readonly?: boolean } = {}): Promise<R> {
    this.#assertOpen();
    const readonly = opts.readonly || this.db.readonly;
    const tx = this.db.transaction(() => fn(this.#ledgerTx()(now)));
    try {
      return readonly ? tx.deferred() : tx.immediate();
    } catch (err) {
      // Errors from `fn` itself pass through untouched; the database's own get the file named.
      if (err instanceof Database.SqliteError)
        throw new Error(`${PREFIX} cannot use ${this.file}: ${causeText(err)}`, { cause: err });
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  #ledgerTx(): (now: number) => LedgerTx {
    this.#tx ??= sqliteTx(this.db);
    return this.#tx;
  }

  #assertOpen(): void {
    if (!this.db.open) throw new Error(`${PREFIX} ${this.file} is closed`);
  }

  #statement(key: string, sql: () => string): Statement {
    let stmt = this.#statements.get(key);
    if (stmt === undefined) {
      stmt = this.db.prepare(sql());
      this.#statements.set(key, stmt);
    }
    return stmt;
  }

  #writer(): (t: Transition<unknown>, ctx: CommitContext) => unknown {
    if (this.#write) return this.#write;
    const select = this.#statement('getSession', () => GET_SESSION_SQL);
    const addFile = this.db.prepare('INSERT OR IGNORE INTO session_files (session_id, path) VALUES (?, ?)');
    const upsert = this.db.prepare(
      `INSERT INTO sessions (${SESSION_SELECT}, event_count)
       VALUES (${SESSION_COLUMNS.map((c) => `@${c}`).join(', ')}, 1)
       ON CONFLICT (session_id) DO UPDATE SET
       ${SESSION_COLUMNS.filter((c) => c !== 'session_id')
         .map((c) => `${c} = excluded.${c}`)
         .join(', ')}, event_count = event_count + 1`,
    );
    const insertEvent = this.db.prepare(
      `INSERT INTO events (${EVENT_SELECT}) VALUES (${EVENT_COLUMNS.map((c) => `@${c}`).join(', ')})`,
    );
    const tx = this.db.transaction((t: Transition<unknown>, ctx: CommitContext) => {
      const row = select.get(t.sessionId) as SessionRow | undefined;
      let newFiles = 0;
      // INSERT OR IGNORE counts only first sightings, including repeats within this one call.
      for (const path of t.files ?? []) newFiles += addFile.run(t.sessionId, path).changes;
      let out: ReturnType<Transition<unknown>['apply']>;
      try {
        out = t.apply(
          row === undefined ? undefined : rowToSession(row),
          newFiles,
          this.#ledgerTx()(t.now ?? 0),
        );
        checkApplied(t, out);
      } catch (err) {
        ctx.applyFailed = true;
        throw err;
      }
      upsert.run(sessionToRow(out.state));
      insertEvent.run(eventToRow(out.event));
      return out.result;
    });
    // BEGIN IMMEDIATE takes the write lock before the read, so two processes cannot both read the same
    // state and each write their own successor (a lost update).
    this.#write = (t, ctx) => tx.immediate(t, ctx);
    return this.#write;
  }
}
