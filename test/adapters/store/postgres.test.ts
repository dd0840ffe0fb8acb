// The PostgreSQL store against a real server (test/helpers/postgres.ts): the shared contracts, then what
// only it has.
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { openPostgresStore, type PostgresStoreOptions } from '../../../src/adapters/store/postgres.ts';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../../src/adapters/store/postgres-schema.ts';
import { LOCK_NS } from '../../../src/adapters/store/postgres-tx.ts';
import type { TeamStore } from '../../../src/ports.ts';
import { bareEvent, step, testLedgerStore } from '../../contracts/ledger-store.ts';
import { testLedgerTx } from '../../contracts/ledger-tx.ts';
import { testTeamStore } from '../../contracts/team-store.ts';
import { incident, page, T0 } from '../../fixtures/incidents.ts';
import { describePg, usePgDatabase } from '../../helpers/postgres.ts';

describePg('postgres store', () => {
  const db = usePgDatabase();
  const make = async () => {
    await db.reset();
    return { store: await openPostgresStore(db.url(), { timeoutMs: 5000 }) };
  };
  testLedgerStore('postgres', make);
  testLedgerTx('postgres', make);
  testTeamStore('postgres', make);
});

describePg('openPostgresStore', () => {
  const db = usePgDatabase();
  const open: TeamStore[] = [];
  const store = async (opts: PostgresStoreOptions = {}, url = db.url()) => {
    const s = await openPostgresStore(url, opts);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  /** A connection of the test's own that holds locks while the store works. */
  async function holder(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: db.url() });
    await c.connect();
    return c;
  }

  it('migrates an empty database once when two servers start at the same time, and a reopen is a no-op', async () => {
    const fresh = `agent_sre_t_m${Date.now().toString(36)}`;
    await db.query(`CREATE DATABASE ${fresh}`);
    const url = db.url().replace(/\/[^/?]+(\?|$)/, `/${fresh}$1`);
    try {
      await Promise.all([store({}, url), store({}, url), store({}, url)]);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const applied = async () =>
          (await c.query('SELECT version, applied_at FROM agent_sre_schema ORDER BY version')).rows;
        const first = await applied();
        expect(first.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((_, i) => i + 1));
        await (await store({}, url)).commit(step('s1'));
        expect(await applied()).toEqual(first);
        // A database a newer agent-sre migrated is refused, not written with the wrong idea of its tables.
        await c.query('INSERT INTO agent_sre_schema (version, agent_sre_version) VALUES ($1, $2)', [
          PG_SCHEMA_VERSION + 1,
          'future',
        ]);
        await expect(openPostgresStore(url)).rejects.toThrow(/newer than this agent-sre understands/);
      } finally {
        await c.end();
      }
    } finally {
      for (const s of open.splice(0)) await s.close();
      await db.query(`DROP DATABASE ${fresh} WITH (FORCE)`);
    }
  });

  it('claimDue skips a page another connection holds, instead of waiting for it or taking it', async () => {
    await db.reset();
    const s = await store({ timeoutMs: 3000 });
    await s.transact(T0, (t) =>
      t.enqueue([
        { page: page('a', { incidentId: 'INC-1' }), notBefore: T0 },
        { page: page('b', { incidentId: 'INC-2' }), notBefore: T0 },
      ]),
    );
    const other = await holder();
    try {
      await other.query('BEGIN');
      await other.query("SELECT id FROM outbox WHERE key = 'a' FOR UPDATE");
      const started = Date.now();
      const got = await s.transact(T0, (t) => t.claimDue('w2', 1000, 10));
      expect(got.map((r) => r.page.key)).toEqual(['b']);
      expect(Date.now() - started).toBeLessThan(1000);
      await other.query('ROLLBACK');
      expect((await s.transact(T0, (t) => t.claimDue('w3', 1000, 10))).map((r) => r.page.key)).toEqual(['a']);
    } finally {
      await other.end();
    }
  });

  it('gives up a transaction that waits too long, rolls it back, and carries on with a fresh connection', async () => {
    await db.reset();
    const s = await store({ timeoutMs: 800 });
    const other = await holder();
    try {
      // Hold the incident lock, as a stuck server elsewhere would.
      await other.query('SELECT pg_advisory_lock($1, 0)', [LOCK_NS.incidents]);
      const started = Date.now();
      await expect(
        s.transact(T0, (t) => {
          t.enqueue([{ page: page('before-the-wait'), notBefore: T0 }]);
          t.saveIncident(incident('INC-1'));
        }),
      ).rejects.toThrow(/no answer within 800 ms.*rolls the transaction back/);
      expect(Date.now() - started).toBeLessThan(3000);
      await other.query('SELECT pg_advisory_unlock($1, 0)', [LOCK_NS.incidents]);
    } finally {
      await other.end();
    }
    const r = await s.transact(T0, (t) => ({ inc: t.incidents(), out: t.outbox() }));
    expect(r).toEqual({ inc: [], out: [] });
    await s.commit(step('after'));
    expect(await s.getSession('after')).toBeDefined();
  });

  it('refuses a transaction opened inside another, leaving the outer one to finish', async () => {
    await db.reset();
    const s = await store();
    let inner: Promise<unknown> | undefined;
    await s.transact(T0, (t) => {
      t.setMeta('outer', '1');
      inner = s.transact(T0, (u) => u.setMeta('inner', '1'));
    });
    await expect(inner).rejects.toThrow(/already open/);
    expect(await s.transact(T0, (t) => [t.meta('outer'), t.meta('inner')])).toEqual(['1', undefined]);
  });

  it('names the server by host and database, never the password', async () => {
    const secret = 'pw-that-must-not-leak-7f3a';
    const u = new URL(db.url());
    u.password = secret;
    const err = await openPostgresStore(u.toString()).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain(`${u.hostname}:${u.port}${u.pathname}`);
    expect(err?.message).toMatch(/password authentication failed/);
    expect(`${err?.message} ${err?.stack} ${String(err?.cause ?? '')}`).not.toContain(secret);
  });

  it('judges rows written before the reportable column as it judges marked ones, along its index', async () => {
    await db.reset();
    const s = await store();
    const sh = (command: string) => JSON.stringify({ command });
    const events = [
      { ...bareEvent('old', 1), event: 'PostToolUse', tool: 'Bash', input: sh('npm test') },
      { ...bareEvent('old', 2), event: 'PostToolUse', tool: 'Bash', input: sh('rg foo') },
      { ...bareEvent('old', 3), event: 'PreToolUse', tool: 'Bash', input: sh('git merge main') },
    ];
    for (const event of events) await s.commit(step('old', { event }));
    const fresh = await s.sessionEvents(['old'], { reportable: true });
    expect(fresh[0]?.events).toStrictEqual([events[0], events[2]]);
    const c = await holder();
    try {
      // As migration 3 leaves rows it could only guess at.
      await c.query('UPDATE events SET reportable = 2');
      // The report's read can go along the partial index, not through every row of the session (on a
      // table this small the planner would rather scan it, so scanning is priced out).
      await c.query('SET enable_seqscan = off');
      const plan = await c.query(
        "EXPLAIN SELECT id FROM events WHERE session_id = ANY('{old}'::text[]) AND (reportable > 0) ORDER BY session_id, id",
      );
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/events_reportable/);
    } finally {
      await c.end();
    }
    expect(await s.sessionEvents(['old'], { reportable: true })).toStrictEqual(fresh);
  });

  it('stores times and counts beyond 32 bits exactly', async () => {
    await db.reset();
    const s = await store();
    const big = step('s1', {
      edit: (st) => {
        st.startedAt = 2 ** 52 + 1;
        st.usage.linesAdded = 2 ** 40;
      },
    });
    const seen = await s.commit(big);
    expect(await s.getSession('s1')).toStrictEqual(seen.next);
  });
});
