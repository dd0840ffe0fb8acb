// What makes a ledger file ours and intact, independent of SQLite: the files beside it, the `ledger.id`
// witness, the recovery lock, and moving suspect files aside. A ledger that was truncated, replaced or
// unlinked must never quietly become a fresh empty one: that would erase the evidence and bring
// terminated sessions back to life. Every such finding is an IntegrityProblem, and the caller turns it
// into an incident and a hold, never into a fresh start.
import { chmodSync, linkSync, lstatSync, renameSync, type Stats, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createPrivateExclusive, readPrivate, UnsafePathError } from '../fs/private.ts';

export { UnsafePathError };

const PREFIX = '[agent-sre] [ledger]';

export type ProblemKind =
  | 'empty'
  | 'missing'
  | 'replaced'
  | 'not-a-ledger'
  | 'no-header'
  | 'id-file'
  | 'unlinked'
  | 'truncated';

/** Something about the ledger that only tampering or damage explains. */
export interface IntegrityProblem {
  kind: ProblemKind;
  /** The path the problem was found at. */
  path: string;
  /** One sentence: what was found. */
  detail: string;
}

/** Set in a replacement ledger; while `state` is `on`, the hook's writes are refused. */
export interface LedgerHold {
  state: 'on' | 'accepted';
  since: number;
  problem: IntegrityProblem;
  /** The incident raised for it, when the caller raised one. */
  incident: string | null;
  /** Where the suspect files went. */
  suspects: string[];
  acceptedBy?: string;
  acceptedAt?: number;
}

export const HOLD_META_KEY = 'ledger.hold';

/** The witness written beside a ledger when it is created: what `ledger.db` must be. */
export interface LedgerIdFile {
  id: string;
  dev: number;
  ino: number;
  createdAt: number;
  version: string;
}

export interface LedgerFiles {
  db: string;
  wal: string;
  shm: string;
  id: string;
  lock: string;
  dir: string;
}

export function ledgerFiles(db: string): LedgerFiles {
  const dir = dirname(db);
  const stem = basename(db).replace(/\.db$/, '');
  return {
    db,
    wal: `${db}-wal`,
    shm: `${db}-shm`,
    id: join(dir, `${stem}.id`),
    lock: join(dir, `${stem}.lock`),
    dir,
  };
}

export class LedgerIntegrityError extends Error {
  override name = 'LedgerIntegrityError';
  readonly problem: IntegrityProblem;
  constructor(problem: IntegrityProblem, message?: string) {
    super(message ?? `${PREFIX} ${problem.path}: ${problem.detail}`);
    this.problem = problem;
  }
}

/** The ledger is held after an integrity incident: a human must look before tool calls run again. */
export class LedgerHoldError extends Error {
  override name = 'LedgerHoldError';
  readonly hold: LedgerHold;
  constructor(file: string, hold: LedgerHold) {
    super(holdMessage(file, hold));
    this.hold = hold;
  }
}

export function holdMessage(file: string, hold: LedgerHold): string {
  const inc = hold.incident ? ` (SEV1 ${hold.incident}, ledger.integrity)` : ' (ledger.integrity)';
  const moved =
    hold.suspects.length > 0 ? ` The suspect files were moved aside: ${hold.suspects.join(', ')}.` : '';
  return (
    `${PREFIX} the evidence ledger ${file} is on hold since ${new Date(hold.since).toISOString()}: ` +
    `${hold.problem.detail}${inc}. A fresh ledger was started and every tool call is refused until a human ` +
    `checks what happened and runs \`agent-sre ledger accept\` (outside the agent).${moved}`
  );
}

/** No ledger and no trace of one: the first run in a project. */
export class LedgerAbsent extends Error {
  override name = 'LedgerAbsent';
}

export function lstatMaybe(path: string): Stats | undefined {
  return lstatSync(path, { throwIfNoEntry: false });
}

function uid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** A path of ours must be a regular file we own; a link or someone else's file is refused outright. */
export function checkOurFile(path: string, st: Stats): void {
  if (st.isSymbolicLink())
    throw new UnsafePathError(
      `${PREFIX} ${path} is a symbolic link; agent-sre will not follow it. Remove the link (and check who made it).`,
    );
  if (!st.isFile()) throw new UnsafePathError(`${PREFIX} ${path} is not a regular file; move it away.`);
  const me = uid();
  if (me !== undefined && st.uid !== me)
    throw new UnsafePathError(
      `${PREFIX} ${path} belongs to uid ${st.uid}, not to this user (${me}); move it away or run as its owner.`,
    );
}

/** The witness file; undefined when there is none. A damaged one is an integrity problem. */
export function readIdFile(path: string): LedgerIdFile | undefined {
  const raw = readPrivate(path, 4096, { tighten: true });
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw.toString('utf8')) as LedgerIdFile;
    if (typeof v.id === 'string' && Number.isInteger(v.ino) && Number.isInteger(v.dev)) return v;
  } catch {
    // Reported below.
  }
  throw new LedgerIntegrityError({ kind: 'id-file', path, detail: `${path} is not a ledger id file` });
}

/** Who the file at `st` should be, according to the witness. */
export function sameFile(st: Pick<Stats, 'ino' | 'dev'>, id: Pick<LedgerIdFile, 'ino' | 'dev'>): boolean {
  return st.ino === id.ino && st.dev === id.dev;
}

// A holder of the lock works for well under a second; one this old belongs to a process that died.
const LOCK_STALE_MS = 30_000;
const LOCK_WAIT_MS = 5_000;
const LOCK_POLL_MS = 20;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Run `fn` holding the ledger's creation/recovery lock, so that two processes finding the same problem do
 * not both move files aside (the second would move the first one's fresh ledger).
 */
export function withLedgerLock<R>(files: LedgerFiles, fn: () => R): R {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    if (createPrivateExclusive(files.lock, `${process.pid}\n`)) break;
    const st = lstatMaybe(files.lock);
    if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) {
      try {
        unlinkSync(files.lock);
      } catch {
        // Another process cleared it first.
      }
      continue;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${PREFIX} ${files.lock} is held by another process setting up or recovering the ledger; try again, or remove the lock if no agent-sre process is running.`,
      );
    sleepSync(LOCK_POLL_MS);
  }
  try {
    return fn();
  } finally {
    try {
      unlinkSync(files.lock);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/** Filesystem-safe time stamp for suspect names. */
function stamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

/**
 * Move every file of the ledger (db, -wal, -shm, witness) aside as `<name>.suspect-<time>`. Renaming moves a
 * link itself, never its target. An open connection to the old file keeps working on the renamed inode, and
 * SQLite, seeing its file moved, neither checkpoints into it nor deletes the WAL on close: the evidence stays.
 */
export function quarantine(files: LedgerFiles, at: number): string[] {
  const moved: string[] = [];
  const suffix = `.suspect-${stamp(at)}-${process.pid}`;
  for (const path of [files.db, files.wal, files.shm, files.id]) {
    if (!lstatMaybe(path)) continue;
    const to = `${path}${suffix}`;
    renameSync(path, to);
    moved.push(to);
  }
  return moved;
}

export interface NewLedger {
  id: string;
  createdAt: number;
}

/**
 * Put a fully built ledger in place: `build` fills the temporary file (schema, header, first records) and
 * closes it, then the witness is created (O_EXCL) and the file is hard-linked to its name, which fails rather
 * than replace anything already there. So `ledger.db` is either absent or complete, never 0 bytes or
 * header-less. Call it holding the lock.
 */
export function installLedger(
  files: LedgerFiles,
  ledger: NewLedger,
  build: (tmp: string) => void,
  version: string,
): void {
  const tmp = `${files.db}.tmp-${process.pid}-${ledger.id.slice(0, 8)}`;
  if (!createPrivateExclusive(tmp, '')) throw new Error(`${PREFIX} ${tmp} already exists; remove it`);
  try {
    build(tmp);
    const st = statSync(tmp);
    const witness: LedgerIdFile = {
      id: ledger.id,
      dev: st.dev,
      ino: st.ino,
      createdAt: ledger.createdAt,
      version,
    };
    if (!createPrivateExclusive(files.id, `${JSON.stringify(witness)}\n`))
      throw new Error(`${PREFIX} ${files.id} appeared while the ledger was being created; try again`);
    linkSync(tmp, files.db);
  } finally {
    for (const leftover of [tmp, `${tmp}-journal`, `${tmp}-wal`, `${tmp}-shm`]) {
      try {
        unlinkSync(leftover);
      } catch {
        // Not there: nothing to clean.
      }
    }
  }
}

/** Is there any trace of a ledger (a witness or a WAL) while the database file itself is missing? */
export function traceOf(files: LedgerFiles): string | undefined {
  for (const path of [files.id, files.wal]) if (lstatMaybe(path)) return path;
  return undefined;
}

/** Tighten the WAL and shared-memory files an older agent-sre left readable by others (0644). */
export function tightenCompanions(files: LedgerFiles): void {
  for (const path of [files.wal, files.shm]) {
    const st = lstatMaybe(path);
    if (!st) continue;
    checkOurFile(path, st);
    if ((st.mode & 0o077) !== 0) chmodPrivate(path);
  }
}

export function chmodPrivate(path: string): void {
  // By path, never through an fd of our own: closing any fd on the database would drop the POSIX locks
  // SQLite holds on it in this process. The path was just lstat-ed as our regular file in our 0700 directory.
  chmodSync(path, 0o600);
}
