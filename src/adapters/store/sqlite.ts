// The evidence ledger on SQLite. The hook opens this store once per tool call of the agent, and several
// agents (or subagents) may write to one file at the same time, so opening a healthy current file costs a
// few stat calls, two pragmas and one small query, and no DDL, and every commit is a single BEGIN IMMEDIATE
// transaction. A ledger that is not the one agent-sre created (0 bytes, replaced, unlinked, header-less) is
// moved aside and replaced by a fresh one that starts with an incident and a hold: see ledger-file.ts.

import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import type { LedgerEvent, SessionState } from '../../core/session/types.ts';
import type {
  EventMatch,
  EventQuery,
  LedgerStore,
  LedgerTx,
  SessionEvents,
  SessionSummary,
  Transition,
} from '../../ports.ts';
import { VERSION } from '../../version.ts';
import { createPrivateExclusive, ensurePrivateDir } from '../fs/private.ts';
import { eventSelect, exactReportable, groupSessionEvents, matchSql } from './event-match.ts';
import {
  checkOurFile,
  chmodPrivate,
  HOLD_META_KEY,
  type IntegrityProblem,
  installLedger,
  LedgerAbsent,
  type LedgerFiles,
  type LedgerHold,
  LedgerHoldError,
  type LedgerIdFile,
  LedgerIntegrityError,
  ledgerFiles,
  lstatMaybe,
  quarantine,
  readIdFile,
  sameFile,
  tightenCompanions,
  traceOf,
  UnsafePathError,
  withLedgerLock,
} from './ledger-file.ts';
import { checkApplied, checkLimit } from './memory.ts';
import { INCIDENT_TABLES, RECORD_MAC_COLUMN, sqliteTx } from './sqlite-tx.ts';

export {
  HOLD_META_KEY,
  type IntegrityProblem,
  type LedgerHold,
  LedgerHoldError,
  type LedgerIdFile,
  LedgerIntegrityError,
  ledgerFiles,
  UnsafePathError,
};

export interface SqliteStoreOptions {
  readonly?: boolean;
  /** How long a writer waits for the write lock before failing. */
  busyTimeoutMs?: number;
  /** The caller's clock, for the header and for recovery records. */
  now?: () => number;
  /**
   * Raise the incident for an integrity problem, inside the transaction that writes the replacement
   * ledger's first records. Returns the incident id. Should it throw, the hold is still recorded.
   */
  onIntegrityProblem?: (tx: LedgerTx, problem: IntegrityProblem, suspects: string[]) => string | null;
  /** Called once a replacement ledger is in place (to start delivering the incident's pages). */
  afterRecovery?: () => void;
}

/** Stored in `PRAGMA user_version`; bump it and add a migration when the tables change. */
export const SCHEMA_VERSION = 4;

/** The first schema with the ledger header; older files are upgraded and given an id once. */
const HEADER_SINCE = 4;

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
  // Who this file is: a random id also written to ledger.id beside it, so a copy, a replacement or an empty
  // file is told from the ledger agent-sre created. One row.
  `CREATE TABLE ledger_header (
     one INTEGER PRIMARY KEY CHECK (one = 1),
     ledger_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     agent_sre_version TEXT NOT NULL
   );`,
];

if (MIGRATIONS.length !== SCHEMA_VERSION)
  throw new Error('[agent-sre] [ledger] SCHEMA_VERSION and MIGRATIONS disagree');

const PREFIX = '[agent-sre] [ledger]';

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

type IntegrityDefaults = (
  file: string,
) => Pick<SqliteStoreOptions, 'now' | 'onIntegrityProblem' | 'afterRecovery'> | undefined;

let integrityDefaults: IntegrityDefaults | undefined;

/**
 * What every open of a project ledger does about an integrity problem when its caller passes nothing (the
 * app registers it when it loads): a caller that opens the file directly must not get a hold that pages
 * nobody.
 */
export function setIntegrityDefaults(fn: IntegrityDefaults): void {
  integrityDefaults = fn;
}

export function openSqliteStore(file: string, given: SqliteStoreOptions = {}): LedgerStore {
  const opts: SqliteStoreOptions = { ...integrityDefaults?.(file), ...given };
  const files = ledgerFiles(file);
  try {
    return storeOf(openGuarded(files, opts), files, opts);
  } catch (err) {
    if (opts.readonly || !(err instanceof LedgerIntegrityError || err instanceof LedgerAbsent))
      throw openError(file, err, opts.readonly ?? false);
  }
  // Rare: the first run in a project, or a problem. Settled under the lock, then opened like any other time.
  try {
    if (withLedgerLock(files, () => settle(files, opts))) opts.afterRecovery?.();
    return storeOf(openGuarded(files, opts), files, opts);
  } catch (err) {
    throw openError(file, err, false);
  }
}

function openError(file: string, err: unknown, readonly: boolean): Error {
  if (err instanceof LedgerIntegrityError && readonly)
    return new LedgerIntegrityError(
      err.problem,
      `${err.message}. Opened read-only, so nothing was changed: the next hook call (or any agent-sre command that writes) moves the suspect files aside and raises a SEV1 ledger.integrity incident.`,
    );
  if (err instanceof LedgerIntegrityError || err instanceof UnsafePathError || err instanceof LedgerHoldError)
    return err;
  return new Error(`${PREFIX} cannot open ${file}: ${causeText(err)}`, { cause: err });
}

/** What a guarded open found: the connection, and who the file is. */
interface Opened {
  db: Database.Database;
  ino: number;
  dev: number;
  size: number;
  ledgerId: string;
  hold: LedgerHold | undefined;
}

interface HeaderRow {
  ledger_id: string;
  created_at: number;
  agent_sre_version: string;
  hold: string | null;
}

const HEADER_SQL = `SELECT ledger_id, created_at, agent_sre_version,
  (SELECT value FROM meta WHERE key = '${HOLD_META_KEY}') AS hold FROM ledger_header WHERE one = 1`;

const problem = (kind: IntegrityProblem['kind'], path: string, detail: string) =>
  new LedgerIntegrityError({ kind, path, detail });

/**
 * Open the ledger only when it is the file agent-sre created: a regular file of ours (0600, in a 0700
 * directory, no links), not empty, the inode and id its witness names, with the header. The healthy path
 * costs an lstat of the directory and of the file and one small read of the witness.
 */
function openGuarded(files: LedgerFiles, opts: SqliteStoreOptions): Opened {
  const readonly = opts.readonly ?? false;
  if (readonly) checkDirReadonly(files.dir);
  else ensurePrivateDir(files.dir);
  const witness = readIdFile(files.id);
  const st = lstatMaybe(files.db);
  const file = files.db;
  if (!st) {
    const trace = witness ? files.id : traceOf(files);
    if (trace)
      throw problem(
        'missing',
        file,
        `${file} is missing while ${trace} exists: the ledger was deleted or moved`,
      );
    const earlier = earlierSuspects(files);
    if (earlier)
      throw problem(
        'missing',
        file,
        `${file} is missing while suspect files of an earlier ledger remain (${earlier}); move them away to start afresh`,
      );
    throw new LedgerAbsent(`${file} does not exist`);
  }
  checkOurFile(file, st);
  if (st.size === 0) throw problem('empty', file, `${file} is empty (0 bytes): it was truncated or replaced`);
  if (witness && !sameFile(st, witness))
    throw problem(
      'replaced',
      file,
      `${file} is not the file created as ledger ${witness.id} (inode ${st.ino}, expected ${witness.ino}): it was replaced or copied`,
    );
  if (!readonly && (st.mode & 0o077) !== 0) {
    // An older agent-sre made these 0644: they hold every recorded tool input.
    chmodPrivate(file);
    tightenCompanions(files);
  }
  const db = connect(files, readonly, opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS);
  try {
    let version: number;
    try {
      // Per connection, so it is set on every open; it costs no I/O.
      if (!readonly) db.pragma('synchronous = NORMAL');
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (err) {
      if (isCode(err, 'SQLITE_NOTADB') || isCode(err, 'SQLITE_CORRUPT'))
        throw problem('not-a-ledger', file, `${file} is not an SQLite database (${causeText(err)})`);
      throw err;
    }
    if (version > SCHEMA_VERSION)
      throw new Error(
        `schema version ${version} is newer than this agent-sre understands (${SCHEMA_VERSION})`,
      );
    if (version === 0)
      throw problem(
        'not-a-ledger',
        file,
        `${file} has no agent-sre tables: it is not a ledger agent-sre created`,
      );
    let known = witness;
    if (version < HEADER_SINCE) {
      if (witness)
        throw problem(
          'replaced',
          file,
          `${file} has schema version ${version}, older than ledger ${witness.id} was created with: it was replaced`,
        );
      if (readonly)
        throw new Error(
          `schema version ${version} needs upgrading to ${SCHEMA_VERSION}; open it writable once first`,
        );
      known = adopt(db, files, st, opts);
    } else if (version < SCHEMA_VERSION) {
      if (readonly)
        throw new Error(
          `schema version ${version} needs upgrading to ${SCHEMA_VERSION}; open it writable once first`,
        );
      migrate(db, newLedgerId(), (opts.now ?? Date.now)());
    }
    let head: HeaderRow | undefined;
    try {
      head = db.prepare(HEADER_SQL).get() as HeaderRow | undefined;
    } catch (err) {
      if (!(err instanceof Database.SqliteError)) throw err;
      head = undefined;
    }
    if (!head)
      throw problem('no-header', file, `${file} has no ledger header: it is not a ledger agent-sre created`);
    if (!known)
      throw problem(
        'id-file',
        files.id,
        `${files.id} is missing for ledger ${head.ledger_id}: the witness was deleted`,
      );
    if (head.ledger_id !== known.id)
      throw problem(
        'replaced',
        file,
        `${file} holds ledger ${head.ledger_id} but ${files.id} names ${known.id}: it was replaced`,
      );
    const hold = head.hold === null ? undefined : parseHold(head.hold);
    return {
      db,
      ino: st.ino,
      dev: st.dev,
      size: st.size,
      ledgerId: head.ledger_id,
      hold: hold?.state === 'on' ? hold : undefined,
    };
  } catch (err) {
    db.close();
    if (isCode(err, 'SQLITE_CANTOPEN')) explainCantOpen(files);
    throw err;
  }
}

/** SQLite refuses a linked -wal or -shm (it opens them O_NOFOLLOW) with only "unable to open": say which. */
function explainCantOpen(files: LedgerFiles): void {
  for (const path of [files.wal, files.shm]) {
    const st = lstatMaybe(path);
    if (st) checkOurFile(path, st);
  }
}

function checkDirReadonly(dir: string): void {
  const st = lstatMaybe(dir);
  if (!st) throw new LedgerAbsent(`${dir} does not exist`);
  if (st.isSymbolicLink())
    throw new UnsafePathError(
      `${PREFIX} ${dir} is a symbolic link; agent-sre will not follow it. Remove the link.`,
    );
}

function connect(files: LedgerFiles, readonly: boolean, timeout: number): Database.Database {
  try {
    return new Database(files.db, { readonly, fileMustExist: true, timeout });
  } catch (err) {
    explainCantOpen(files);
    throw err;
  }
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof Database.SqliteError && (err.code === code || err.code.startsWith(`${code}_`));
}

function parseHold(text: string): LedgerHold {
  try {
    return JSON.parse(text) as LedgerHold;
  } catch {
    // An unreadable hold is still a hold: fail closed.
    return {
      state: 'on',
      since: 0,
      problem: { kind: 'no-header', path: '', detail: 'the ledger hold record is unreadable' },
      incident: null,
      suspects: [],
    };
  }
}

/** Suspect files of an earlier ledger, looked for only when no ledger exists (the first-run path). */
function earlierSuspects(files: LedgerFiles): string | undefined {
  const stem = basename(files.db);
  try {
    return readdirSync(files.dir).find((n) => n.startsWith(stem) && n.includes('.suspect-'));
  } catch {
    return undefined;
  }
}

/**
 * Under the lock, look again: another process may have created or replaced the ledger meanwhile. Then
 * create the first ledger, or move the suspect files aside and start a replacement held for a human.
 * True when a replacement was made.
 */
function settle(files: LedgerFiles, opts: SqliteStoreOptions): boolean {
  try {
    openGuarded(files, opts).db.close();
    return false;
  } catch (err) {
    if (err instanceof LedgerAbsent) {
      createLedger(files, opts, undefined);
      return false;
    }
    if (!(err instanceof LedgerIntegrityError)) throw err;
    replaceLedger(files, opts, err.problem);
    return true;
  }
}

function replaceLedger(files: LedgerFiles, opts: SqliteStoreOptions, found: IntegrityProblem): LedgerHold {
  const at = (opts.now ?? Date.now)();
  const suspects = quarantine(files, at);
  return createLedger(files, opts, { problem: found, suspects, at }) as LedgerHold;
}

function newLedgerId(): string {
  // The global Web Crypto loads on first touch, so only the rare path that creates a ledger pays for it.
  return globalThis.crypto.randomUUID();
}

/**
 * Build a complete ledger under a temporary name (schema, header and, after an integrity problem, the
 * incident and the hold as its first records) and put it in place. Returns the hold, if one was set.
 */
function createLedger(
  files: LedgerFiles,
  opts: SqliteStoreOptions,
  recovery: { problem: IntegrityProblem; suspects: string[]; at: number } | undefined,
): LedgerHold | undefined {
  const now = recovery?.at ?? (opts.now ?? Date.now)();
  const id = newLedgerId();
  let hold: LedgerHold | undefined;
  installLedger(
    files,
    { id, createdAt: now },
    (tmp) => {
      const db = new Database(tmp, {
        fileMustExist: true,
        timeout: opts.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      });
      try {
        db.transaction(() => {
          for (const m of MIGRATIONS) db.exec(m);
          insertHeader(db, id, now);
          if (recovery) hold = recordHold(db, now, recovery, opts);
          db.pragma(`user_version = ${SCHEMA_VERSION}`);
        })();
        // Stored in the file; the WAL is checkpointed and removed when this connection closes.
        db.pragma('journal_mode = WAL');
      } finally {
        db.close();
      }
    },
    VERSION,
  );
  return hold;
}

function insertHeader(db: Database.Database, id: string, now: number): void {
  db.prepare(
    'INSERT OR IGNORE INTO ledger_header (one, ledger_id, created_at, agent_sre_version) VALUES (1, ?, ?, ?)',
  ).run(id, now, VERSION);
}

function recordHold(
  db: Database.Database,
  now: number,
  recovery: { problem: IntegrityProblem; suspects: string[] },
  opts: SqliteStoreOptions,
): LedgerHold {
  const tx = sqliteTx(db)(now);
  let incident: string | null = null;
  let raiseError: string | undefined;
  try {
    // A savepoint: a failed raise leaves nothing half-written, and the hold below is recorded regardless.
    incident = db.transaction(
      () => opts.onIntegrityProblem?.(tx, recovery.problem, recovery.suspects) ?? null,
    )();
  } catch (err) {
    raiseError = causeText(err);
  }
  const hold: LedgerHold = {
    state: 'on',
    since: now,
    problem: raiseError
      ? {
          ...recovery.problem,
          detail: `${recovery.problem.detail} (the incident could not be raised: ${raiseError})`,
        }
      : recovery.problem,
    incident,
    suspects: recovery.suspects,
  };
  tx.setMeta(HOLD_META_KEY, JSON.stringify(hold));
  tx.putRecord({ kind: 'ledger.integrity', id: String(now), createdAt: now, data: hold });
  return hold;
}

/**
 * A ledger from before the header (schema 1 or 2) and no witness: upgraded in place and given an id. The
 * one case where a file without a witness is accepted; a schema-3 file without one is not.
 */
function adopt(
  db: Database.Database,
  files: LedgerFiles,
  st: { ino: number; dev: number },
  opts: SqliteStoreOptions,
): LedgerIdFile {
  const now = (opts.now ?? Date.now)();
  migrate(db, newLedgerId(), now);
  const head = db.prepare(HEADER_SQL).get() as HeaderRow;
  const witness: LedgerIdFile = {
    id: head.ledger_id,
    dev: st.dev,
    ino: st.ino,
    createdAt: head.created_at,
    version: head.agent_sre_version,
  };
  // Another process upgrading the same file at the same time writes the same witness; only one gets to.
  if (!createPrivateExclusive(files.id, `${JSON.stringify(witness)}\n`)) {
    const other = readIdFile(files.id);
    if (!other || other.id !== witness.id || !sameFile(st, other))
      throw problem('replaced', files.db, `${files.id} does not match ${files.db}: one of them was replaced`);
  }
  return witness;
}

function migrate(db: Database.Database, id: string, now: number): void {
  // The journal mode is stored in the file, so it only needs setting while the file is being set up. The
  // switch waits on the busy timeout like any write. Should a file system refuse WAL, rollback journaling
  // is still correct, only slower, so the result is not checked.
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    // Another process may have upgraded the file while this one waited for the write lock.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION)
      throw new Error(`schema version ${current} is newer than ${SCHEMA_VERSION}`);
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    if (current < HEADER_SINCE) insertHeader(db, id, now);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

/** What the store keeps to notice, before each write, that its file was changed under it. */
interface Guard {
  ino: number;
  dev: number;
  /** The largest size seen: a database file never shrinks (no VACUUM, no auto-vacuum). */
  size: number;
  ledgerId: string;
  files: LedgerFiles;
  opts: SqliteStoreOptions;
}

function storeOf(o: Opened, files: LedgerFiles, opts: SqliteStoreOptions): LedgerStore {
  return new SqliteStore(
    o.db,
    files.db,
    { ino: o.ino, dev: o.dev, size: o.size, ledgerId: o.ledgerId, files, opts },
    o.hold,
  );
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
  readonly #guard: Guard;
  readonly #hold: LedgerHold | undefined;
  /** Set once the file was found changed under this connection: every later call fails the same way. */
  #broken?: Error;

  constructor(db: Database.Database, file: string, guard: Guard, hold: LedgerHold | undefined) {
    this.db = db;
    this.file = file;
    this.#guard = guard;
    this.#hold = hold;
  }

  async commit<R>(t: Transition<R>): Promise<R> {
    this.#assertOpen();
    if (this.db.readonly) throw new Error(`${PREFIX} cannot write to ${this.file}: opened read-only`);
    this.#verify();
    // Only the hook commits tool calls: while a hold is on they are refused, and the incident and the
    // outbox stay usable for the humans and the delivery worker (they use transact).
    if (this.#hold) throw new LedgerHoldError(this.file, this.#hold);
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

  async sessionEvents(sessionIds: readonly string[], match: EventMatch): Promise<SessionEvents[]> {
    this.#assertOpen();
    const values: unknown[] = [];
    const where = matchSql(match, {
      param: (v) => {
        values.push(v);
        return '?';
      },
      contains: (column, needle) => `instr(${column}, ${needle}) > 0`,
      startsWith: (column, prefix) => `instr(${column}, ${prefix}) = 1`,
    });
    const ids = JSON.stringify(sessionIds);
    // One snapshot for both reads, so the newest times and the events agree.
    const read = this.db.transaction(() => {
      const last = this.#statement(
        'sessionEvents:last',
        () =>
          'SELECT j.value AS id, (SELECT ts FROM events WHERE session_id = j.value ORDER BY id DESC LIMIT 1) AS ts FROM json_each(?) j',
      ).all(ids) as Array<{ id: string; ts: number | null }>;
      const rows = this.#statement(
        `sessionEvents:${match.lean ? 'lean:' : ''}${where}`,
        () =>
          `SELECT ${eventSelect(EVENT_COLUMNS, match.lean)} FROM events WHERE session_id IN (SELECT value FROM json_each(?)) AND ${where} ORDER BY session_id, id`,
      ).all(ids, ...(values as SqlValue[])) as EventRow[];
      return { last, rows };
    });
    const { last, rows } = read.deferred();
    return groupSessionEvents(
      sessionIds,
      new Map(last.map((r) => [r.id, r.ts])),
      exactReportable(rows, match, rowToEvent),
    );
  }

  async transact<R>(now: number, fn: (tx: LedgerTx) => R, opts: { readonly?: boolean } = {}): Promise<R> {
    this.#assertOpen();
    const readonly = opts.readonly || this.db.readonly;
    if (!readonly) this.#verify();
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
    if (this.#broken) throw this.#broken;
    if (!this.db.open) throw new Error(`${PREFIX} ${this.file} is closed`);
  }

  /**
   * Before a write: is the file at our path still the one this connection has open, and no shorter than
   * it was? One lstat; a long-lived connection (the daemon's) would otherwise keep writing into an unlinked
   * or truncated file, and every event would be lost.
   */
  #verify(): void {
    const g = this.#guard;
    const st = lstatMaybe(this.file);
    let found: IntegrityProblem;
    if (!st)
      found = {
        kind: 'unlinked',
        path: this.file,
        detail: `${this.file} was deleted or moved away while agent-sre had it open`,
      };
    else if (st.ino !== g.ino || st.dev !== g.dev)
      found = {
        kind: 'replaced',
        path: this.file,
        detail: `${this.file} was replaced by another file while agent-sre had it open`,
      };
    else if (st.size < g.size)
      found = {
        kind: 'truncated',
        path: this.file,
        detail: `${this.file} shrank from ${g.size} to ${st.size} bytes while agent-sre had it open: it was truncated`,
      };
    else {
      if (st.size > g.size) g.size = st.size;
      return;
    }
    throw this.#changedUnderUs(found);
  }

  /**
   * Move the changed files aside and start a held replacement (unless another process already did), then
   * close this connection: only after the move, so SQLite sees its file gone and neither checkpoints into
   * the suspect file nor deletes its WAL. The caller (the daemon) drops this store and opens afresh.
   */
  #changedUnderUs(found: IntegrityProblem): Error {
    const g = this.#guard;
    let err: Error;
    try {
      let hold: LedgerHold | undefined;
      withLedgerLock(g.files, () => {
        let current: LedgerIdFile | undefined;
        try {
          current = readIdFile(g.files.id);
        } catch {
          current = undefined;
        }
        if (current && current.id !== g.ledgerId && lstatMaybe(g.files.db)) return;
        hold = replaceLedger(g.files, g.opts, found);
      });
      this.db.close();
      if (hold) g.opts.afterRecovery?.();
      err = hold
        ? new LedgerHoldError(this.file, hold)
        : new LedgerIntegrityError(found, `${PREFIX} ${found.detail}; another process already replaced it`);
    } catch (cause) {
      err = new LedgerIntegrityError(
        found,
        `${PREFIX} ${found.detail}, and it could not be moved aside: ${causeText(cause)}`,
      );
    }
    this.#broken = err;
    return err;
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

export interface LedgerHeader {
  id: string;
  createdAt: number;
  version: string;
}

/**
 * The header and hold of a ledger, read through the same checks as any open but read-only, so nothing
 * is changed; throws LedgerIntegrityError when the file is not the ledger its witness names.
 */
export function readLedgerHeader(file: string): { header: LedgerHeader; hold: LedgerHold | undefined } {
  const files = ledgerFiles(file);
  let opened: Opened;
  try {
    opened = openGuarded(files, { readonly: true });
  } catch (err) {
    throw openError(file, err, true);
  }
  try {
    const head = opened.db.prepare(HEADER_SQL).get() as HeaderRow;
    const hold = head.hold === null ? undefined : parseHold(head.hold);
    return {
      header: { id: head.ledger_id, createdAt: head.created_at, version: head.agent_sre_version },
      hold,
    };
  } finally {
    opened.db.close();
  }
}
