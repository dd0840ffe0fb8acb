// Ledger integrity (issue 10, findings 3, 5, 9): a ledger that was truncated, replaced or unlinked is an
// incident and a hold, never a fresh start; the files are private and never reached through a link.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/store/sqlite.ts';
import { ledgerStatus } from '../../../src/app/ledger.ts';
import { ledgerPath, openLedger } from '../../../src/app/store.ts';
import { main } from '../../../src/cli/index.ts';
import type { Io } from '../../../src/cli/io.ts';
import type { LedgerStore } from '../../../src/ports.ts';
import { step } from '../../contracts/ledger-store.ts';

let project: string;
let state: string;
let db: string;
const open: LedgerStore[] = [];

const ledger = (opts: { readonly?: boolean } = {}) => {
  const s = openLedger(project, opts);
  open.push(s);
  return s;
};
const mode = (p: string) => (lstatSync(p).mode & 0o777).toString(8);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
const suspects = () => readdirSync(state).filter((n) => n.includes('.suspect-'));

async function integrityIncidents(s: LedgerStore) {
  return s.transact(
    Date.now(),
    (tx) => tx.incidents({ open: true }).filter((i) => i.source.kind === 'ledger.integrity'),
    { readonly: true },
  );
}

/** A project whose ledger holds one session, closed again. */
async function seeded(): Promise<void> {
  const s = openLedger(project);
  await s.commit(step('s1'));
  await s.close();
}

async function expectHeld(kind: string, detail: RegExp): Promise<void> {
  const s = ledger();
  const err = await failure(s.commit(step('s2')));
  expect(err?.name).toBe('LedgerHoldError');
  expect(err?.message).toMatch(detail);
  expect(err?.message).toContain('agent-sre ledger accept');
  expect(err?.message).toContain(db);
  // Never a fresh empty ledger that quietly carries on: the replacement starts with the incident.
  const incidents = await integrityIncidents(s);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]).toMatchObject({ severity: 'SEV1', state: 'triggered' });
  expect(incidents[0]?.title).toContain(kind);
  expect(err?.message).toContain(incidents[0]?.id);
  expect(statSync(db).size).toBeGreaterThan(0);
  expect(await s.events()).toHaveLength(0);
}

beforeEach(() => {
  project = mkdtempSync(join(tmpdir(), 'agent-sre-integrity-'));
  state = join(project, '.agent-sre');
  db = ledgerPath(project);
});

afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
  rmSync(project, { recursive: true, force: true });
});

describe('creating a ledger', () => {
  it('is private and atomic: 0600 files in a 0700 directory, a header and a witness', async () => {
    await ledger().commit(step('s1'));
    expect(mode(state)).toBe('700');
    expect(mode(db)).toBe('600');
    for (const f of [`${db}-wal`, `${db}-shm`]) if (existsSync(f)) expect(mode(f)).toBe('600');
    const witness = JSON.parse(readFileSync(join(state, 'ledger.id'), 'utf8'));
    expect(mode(join(state, 'ledger.id'))).toBe('600');
    expect(witness).toMatchObject({ ino: statSync(db).ino, dev: statSync(db).dev });
    const status = ledgerStatus(project);
    expect(status.header?.id).toBe(witness.id);
    expect(status.hold).toBeNull();
    expect(status.problem).toBeNull();
    // Built under a temporary name, nothing left behind.
    expect(readdirSync(state).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('tightens what an older agent-sre left open to others (0644 files, 0755 directory)', async () => {
    await seeded();
    chmodSync(state, 0o755);
    chmodSync(db, 0o644);
    await ledger().commit(step('s1'));
    expect(mode(state)).toBe('700');
    expect(mode(db)).toBe('600');
  });

  it('adopts a ledger from before the header (no witness) once, without an incident', async () => {
    await seeded();
    const raw = new Database(db);
    raw.exec('DROP TABLE ledger_header');
    raw.pragma('user_version = 3');
    raw.close();
    unlinkSync(join(state, 'ledger.id'));
    const s = ledger();
    await s.commit(step('s1'));
    expect(await s.events()).toHaveLength(2);
    expect(await integrityIncidents(s)).toEqual([]);
    expect(existsSync(join(state, 'ledger.id'))).toBe(true);
  });
});

describe('a ledger that is not the one agent-sre created', () => {
  it('0 bytes: incident, hold and deny, never a fresh empty ledger', async () => {
    await seeded();
    truncateSync(db, 0);
    await expectHeld('empty', /empty \(0 bytes\)/);
    expect(suspects().some((n) => n.startsWith('ledger.db.suspect-'))).toBe(true);
  });

  it('0 bytes with no witness (a first-run race cannot explain it) is held too', async () => {
    await seeded();
    truncateSync(db, 0);
    unlinkSync(join(state, 'ledger.id'));
    await expectHeld('empty', /empty/);
  });

  it('replaced by another valid SQLite database', async () => {
    await seeded();
    const other = mkdtempSync(join(tmpdir(), 'agent-sre-other-'));
    try {
      const o = openSqliteStore(join(other, 'ledger.db'));
      await o.commit(step('forged'));
      await o.close();
      copyFileSync(join(other, 'ledger.db'), `${db}.new`);
      chmodSync(`${db}.new`, 0o600);
      renameSync(`${db}.new`, db);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    await expectHeld('replaced', /not the file created as ledger/);
  });

  it('replaced by a copy of itself (same content, another inode)', async () => {
    await seeded();
    copyFileSync(db, `${db}.copy`);
    chmodSync(`${db}.copy`, 0o600);
    renameSync(`${db}.copy`, db);
    await expectHeld('replaced', /inode/);
  });

  it('deleted while its witness remains', async () => {
    await seeded();
    unlinkSync(db);
    await expectHeld('missing', /is missing while .*ledger\.id exists/);
  });

  it('with its header removed', async () => {
    await seeded();
    const raw = new Database(db);
    raw.exec('DELETE FROM ledger_header');
    raw.close();
    await expectHeld('no-header', /no ledger header/);
  });

  it('read-only opens report it and change nothing', async () => {
    await seeded();
    truncateSync(db, 0);
    expect(() => ledger({ readonly: true })).toThrow(/empty \(0 bytes\).*changed/s);
    expect(statSync(db).size).toBe(0);
    expect(suspects()).toEqual([]);
  });
});

describe('a store that stays open (the daemon)', () => {
  it('throws on its next commit when the file is unlinked, and the reopen is held', async () => {
    const s = ledger();
    await s.commit(step('s1'));
    unlinkSync(db);
    const err = await failure(s.commit(step('s1')));
    expect(err?.name).toBe('LedgerHoldError');
    expect(err?.message).toMatch(/deleted or moved away while agent-sre had it open/);
    // The connection is done with; the daemon drops it and opens again.
    expect((await failure(s.commit(step('s1'))))?.name).toBe('LedgerHoldError');
    const again = ledger();
    expect((await failure(again.commit(step('s1'))))?.name).toBe('LedgerHoldError');
    expect(await integrityIncidents(again)).toHaveLength(1);
    // The WAL the open connection was writing is kept as evidence, not checkpointed away.
    expect(suspects().some((n) => n.startsWith('ledger.db-wal.suspect-'))).toBe(true);
  });

  it('throws on its next commit when the file is truncated', async () => {
    const s = ledger();
    await s.commit(step('s1'));
    truncateSync(db, 0);
    const err = await failure(s.commit(step('s1')));
    expect(err?.name).toBe('LedgerHoldError');
    expect(err?.message).toMatch(/shrank from \d+ to 0 bytes/);
    expect(await integrityIncidents(ledger())).toHaveLength(1);
  });

  it('throws on its next write transaction when the file is replaced', async () => {
    const s = ledger();
    await s.commit(step('s1'));
    copyFileSync(db, `${db}.copy`);
    renameSync(`${db}.copy`, db);
    const err = await failure(s.transact(Date.now(), () => 1));
    expect(err?.message).toMatch(/replaced by another file while agent-sre had it open/);
  });
});

describe('links', () => {
  it('refuses a symlink at ledger.db and leaves its target alone', async () => {
    mkdirSync(state, { mode: 0o700 });
    const target = join(project, 'target.txt');
    writeFileSync(target, 'precious');
    symlinkSync(target, db);
    expect(() => ledger()).toThrow(/ledger\.db is a symbolic link; agent-sre will not follow it/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });

  it('refuses a symlinked .agent-sre directory', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'agent-sre-elsewhere-'));
    try {
      symlinkSync(elsewhere, state);
      expect(() => ledger()).toThrow(/\.agent-sre is a symbolic link/);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('refuses a symlinked -wal with a message that names it', async () => {
    await seeded();
    const target = join(project, 'target.txt');
    writeFileSync(target, 'precious');
    symlinkSync(target, `${db}-wal`);
    expect(() => ledger()).toThrow(/ledger\.db-wal is a symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
  });
});

describe('agent-sre ledger accept', () => {
  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    let out = '';
    let err = '';
    const io: Io = {
      argv,
      stdout: (s) => {
        out += s;
      },
      stderr: (s) => {
        err += s;
      },
      readStdin: async () => '',
      env: { AGENT_SRE_DELIVERY: 'off', ...env },
      cwd: project,
    };
    const code = await main(io);
    return { code, out, err };
  };

  it('is refused inside a coding agent (CLAUDECODE=1), and the hold stays', async () => {
    await seeded();
    truncateSync(db, 0);
    await expectHeld('empty', /empty/);
    const r = await run(['ledger', 'accept', '--by', 'mallory'], { CLAUDECODE: '1' });
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/inside a coding agent/);
    expect(ledgerStatus(project).hold?.state).toBe('on');
  });

  it('lifts the hold and records who; the incident stays open; tool calls commit again', async () => {
    await seeded();
    truncateSync(db, 0);
    await expectHeld('empty', /empty/);
    const held = await run(['ledger', 'status', '--json']);
    expect(held.code).toBe(1);
    expect(JSON.parse(held.out).hold).toMatchObject({ state: 'on', problem: { kind: 'empty' } });
    const r = await run(['ledger', 'accept', '--by', 'alice', '--note', 'it was me, restoring a backup']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/hold lifted by alice/);
    const s = ledger();
    await s.commit(step('s1'));
    const [incident] = await integrityIncidents(s);
    expect(incident?.state).toBe('triggered');
    const timeline = await s.transact(Date.now(), (tx) => tx.timeline(incident!.id), { readonly: true });
    expect(timeline.at(-1)?.text).toMatch(/accepted by alice: it was me/);
    expect((await run(['ledger', 'status'])).code).toBe(0);
    expect((await run(['ledger', 'accept', '--by', 'alice'])).err).toMatch(/not on hold/);
  });
});
