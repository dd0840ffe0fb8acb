import { chmodSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EVENT_COLUMNS,
  eventToRow,
  openSqliteStore,
  rowToEvent,
  SCHEMA_VERSION,
  SESSION_COLUMNS,
} from '../../../src/adapters/store/sqlite.ts';
import type { LedgerStore } from '../../../src/ports.ts';
import { bareEvent, fullEvent, step, testLedgerStore } from '../../contracts/ledger-store.ts';
import { testLedgerTx } from '../../contracts/ledger-tx.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'agent-sre-ledger-'));
}

testLedgerStore('sqlite', async () => {
  const dir = await tempDir();
  return {
    store: openSqliteStore(join(dir, 'ledger.db')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

testLedgerTx('sqlite', async () => {
  const dir = await tempDir();
  return {
    store: openSqliteStore(join(dir, 'ledger.db')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('openSqliteStore', () => {
  let dir: string;
  let file: string;
  const open: LedgerStore[] = [];
  const raw: Database.Database[] = [];

  const store = (...args: Parameters<typeof openSqliteStore>) => {
    const s = openSqliteStore(...args);
    open.push(s);
    return s;
  };
  const inspect = (path = file) => {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    raw.push(db);
    return db;
  };

  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir, 'ledger.db');
  });

  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const db of raw.splice(0)) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is named sqlite', () => {
    expect(store(file).name).toBe('sqlite');
  });

  it('puts the file in WAL mode and stamps the schema version', () => {
    store(file);
    const db = inspect();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
  });

  it('has tables whose columns are the mapped ones', () => {
    store(file);
    const db = inspect();
    const columns = (table: string) =>
      (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
    expect(columns('events')).toEqual(['id', ...EVENT_COLUMNS]);
    expect(columns('sessions')).toEqual([...SESSION_COLUMNS, 'event_count']);
    expect(columns('session_files')).toEqual(['session_id', 'path']);
  });

  it('maps events to rows and back without loss', () => {
    for (const event of [fullEvent('s', 1), bareEvent('s', 2)]) {
      const row = eventToRow(event);
      expect(Object.keys(row)).toEqual(EVENT_COLUMNS);
      expect(typeof row.effects).toBe('string');
      expect(rowToEvent(row)).toStrictEqual(event);
    }
  });

  it('creates missing parent directories', async () => {
    const nested = join(dir, 'a', 'b', '.agent-sre', 'ledger.db');
    await store(nested).commit(step('s1'));
    expect(inspect(nested).pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('keeps sessions, events and seen files across a reopen', async () => {
    const first = store(file);
    await first.commit(step('s1', { files: ['/a', '/b'] }));
    await first.commit(step('s2', { event: bareEvent('s2', 9) }));
    const sessions = await first.listSessions();
    const events = await first.events();
    await first.close();

    const second = store(file);
    expect(await second.listSessions()).toStrictEqual(sessions);
    expect(await second.events()).toStrictEqual(events);
    const seen = await second.commit(step('s1', { files: ['/b', '/c'] }));
    expect(seen.newFiles).toBe(1);
    expect(seen.prev).toStrictEqual(sessions[0]?.state);
    expect((await second.getSession('s1'))?.usage).toMatchObject({ toolCalls: 2, filesTouched: 3 });
  });

  it('trusts user_version on open, so the usual path runs no DDL', async () => {
    await store(file).close();
    const db = new Database(file);
    db.exec('DROP TABLE sessions');
    db.close();
    // A table is missing, but open must not notice: only the first statement that needs it does.
    const s = store(file);
    await expect(s.getSession('s1')).rejects.toThrow(/no such table/);
  });

  it('holds, never starts afresh, when the file is not a database', async () => {
    await writeFile(file, 'this is not a sqlite database, just text. '.repeat(200));
    const s = store(file);
    const err = await s.commit(step('s1')).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('LedgerHoldError');
    expect(err?.message).toContain(`${file} is not an SQLite database`);
    expect(err?.message).toContain('agent-sre ledger accept');
  });

  it('names the file and keeps the cause when the path cannot be created', async () => {
    const blocker = join(dir, 'plain-file');
    await writeFile(blocker, 'x');
    const bad = join(blocker, 'sub', 'ledger.db');
    const err = catchError(() => openSqliteStore(bad));
    expect(err.message).toContain(`[agent-sre] [ledger] cannot open ${bad}: `);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('refuses a ledger written by a newer schema', () => {
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    chmodSync(file, 0o600);
    const err = catchError(() => openSqliteStore(file));
    expect(err.message).toContain(`cannot open ${file}: schema version ${SCHEMA_VERSION + 1} is newer`);
  });

  it('reads but refuses writes when opened read-only', async () => {
    await store(file).commit(step('s1'));
    const ro = store(file, { readonly: true });
    expect((await ro.getSession('s1'))?.usage.toolCalls).toBe(1);
    expect(await ro.events()).toHaveLength(1);
    await expect(ro.commit(step('s1'))).rejects.toThrow(`cannot write to ${file}: opened read-only`);
    expect(await ro.events()).toHaveLength(1);
  });

  it('does not create a missing file when opened read-only', () => {
    const err = catchError(() => openSqliteStore(join(dir, 'missing', 'ledger.db'), { readonly: true }));
    expect(err.message).toContain(`cannot open ${join(dir, 'missing', 'ledger.db')}`);
    expect(err.cause).toBeInstanceOf(Error);
  });

  it('names the file when a write fails for a reason other than apply', async () => {
    const s = store(file);
    await s.commit(step('s1'));
    // Holding the write lock from another connection makes the commit time out.
    const blocker = new Database(file);
    raw.push(blocker);
    blocker.exec('BEGIN IMMEDIATE');
    const impatient = store(file, { busyTimeoutMs: 50 });
    const err = await impatient.commit(step('s1')).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    blocker.exec('ROLLBACK');
    expect(err?.message).toContain(`[agent-sre] [ledger] cannot write to ${file}: database is locked`);
    expect(err?.cause).toBeInstanceOf(Error);
    expect((await s.getSession('s1'))?.usage.toolCalls).toBe(1);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
