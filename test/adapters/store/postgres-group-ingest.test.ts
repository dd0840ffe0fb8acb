// Group commit on PostgreSQL: shipped batches that arrive together share one transaction, yet each is
// checked against its own stream, gets its own answer, and fails alone.
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/adapters/store/postgres.ts';
import { PG_TYPES } from '../../../src/adapters/store/postgres-codec.ts';
import { GroupIngest } from '../../../src/adapters/store/postgres-ingest.ts';
import type { IngestResult, Origin, ShipBatch, TeamStore } from '../../../src/ports.ts';
import { batch, item } from '../../contracts/team-store.ts';
import { describePg, usePgDatabase } from '../../helpers/postgres.ts';

const STREAMS = 5;
const BATCHES = 8;
const ITEMS = 20;

const origin = (k: number): Origin => ({ machine: `m${k}`, user: `u${k}`, project: 'p', ledger: `l${k}` });

/** Stream k's b-th batch (b from 0): seqs b*ITEMS+1 .. (b+1)*ITEMS, over two sessions of the stream. */
const batchOf = (k: number, b: number): ShipBatch =>
  batch(
    origin(k),
    Array.from({ length: ITEMS }, (_, i) => item(b * ITEMS + i + 1, `s${k}-${(b * ITEMS + i) % 2}`)),
  );

describePg('PostgresStore ingest: group commit', () => {
  const db = usePgDatabase();
  let store: TeamStore;
  beforeEach(async () => {
    await db.reset();
    store = await openPostgresStore(db.url());
  });
  afterEach(async () => {
    await store.close();
  });

  it('stores concurrent batches of several streams once each, every one with its own high-water mark', async () => {
    // The store's own group commit, over a pool that counts its transactions (one connection each).
    const pool = new pg.Pool({ connectionString: db.url(), types: PG_TYPES, max: 2 });
    // The file's database is dropped with FORCE at the end, which ends this pool's idle connection.
    pool.on('error', () => undefined);
    let transactions = 0;
    const connect = pool.connect.bind(pool);
    pool.connect = (() => {
      transactions++;
      return connect();
    }) as typeof pool.connect;
    const ingests = new GroupIngest(pool, (e) => (e instanceof Error ? e : new Error(String(e))));
    const sent: Array<{ k: number; b: number; result: Promise<IngestResult> }> = [];
    // Interleaved across streams, in order within each, all in flight at once; one batch is sent twice.
    for (let b = 0; b < BATCHES; b++)
      for (let k = 0; k < STREAMS; k++) {
        sent.push({ k, b, result: ingests.ingest(batchOf(k, b)) });
        if (k === 2 && b === 3) sent.push({ k, b: -1, result: ingests.ingest(batchOf(k, b)) });
      }
    const results = await Promise.all(sent.map(async (s) => ({ ...s, r: await s.result })));
    for (const { k, b, r } of results)
      expect(r, `stream ${k} batch ${b}`).toEqual(
        b === -1
          ? { accepted: 0, duplicates: ITEMS, highWater: 4 * ITEMS }
          : { accepted: ITEMS, duplicates: 0, highWater: (b + 1) * ITEMS },
      );
    const rows = await db.query<{ input: string; xmin: string }>(
      'SELECT input, xmin::text FROM events ORDER BY id',
    );
    expect(rows).toHaveLength(STREAMS * BATCHES * ITEMS);
    for (let k = 0; k < STREAMS; k++) {
      const seqs = rows.flatMap((r) => (r.input.startsWith(`s${k}-`) ? [Number(r.input.split('#')[1])] : []));
      expect(seqs).toEqual(Array.from({ length: BATCHES * ITEMS }, (_, i) => i + 1));
    }
    // The first batch went alone; the 40 that came while it ran went together.
    expect(transactions).toBe(2);
    const streams = await db.query<{ ledger: string; high_water: string }>(
      'SELECT ledger, high_water::text FROM team_streams ORDER BY ledger',
    );
    expect(streams).toEqual(
      Array.from({ length: STREAMS }, (_, k) => ({ ledger: `l${k}`, high_water: String(BATCHES * ITEMS) })),
    );
  });

  it('a batch the database refuses fails alone; the others of its group are stored', async () => {
    const bad = batchOf(1, 0);
    // An event version that is not an integer passes the batch's shape check but not the column's type.
    bad.items[5] = { ...bad.items[5]!, event: { ...bad.items[5]!.event, v: 1.5 as 1 } };
    const results = await Promise.allSettled([
      store.ingest(batchOf(0, 0)),
      store.ingest(bad),
      store.ingest(batchOf(2, 0)),
      store.ingest(batchOf(0, 1)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toMatch(
      /^\[agent-sre\] \[postgres\].*integer/,
    );
    expect((results[3] as PromiseFulfilledResult<IngestResult>).value).toEqual({
      accepted: ITEMS,
      duplicates: 0,
      highWater: 2 * ITEMS,
    });
    const counts = await db.query<{ machine: string; n: string }>(
      `SELECT s.machine, count(e.*)::text AS n FROM sessions s LEFT JOIN events e USING (session_id)
       GROUP BY s.machine ORDER BY s.machine`,
    );
    expect(counts).toEqual([
      { machine: 'm0', n: String(2 * ITEMS) },
      { machine: 'm2', n: String(ITEMS) },
    ]);
    // Nothing of the refused batch was kept: its stream starts again from zero.
    expect(await store.highWater(origin(1))).toBe(0);
    expect(await store.ingest(batchOf(1, 0))).toEqual({ accepted: ITEMS, duplicates: 0, highWater: ITEMS });
  });

  it('a malformed batch is refused before it can join a group', async () => {
    const malformed = { ...batchOf(3, 0), origin: { ...origin(3), machine: '' } };
    const [ok, refused] = await Promise.allSettled([store.ingest(batchOf(4, 0)), store.ingest(malformed)]);
    expect(ok.status).toBe('fulfilled');
    expect(refused.status === 'rejected' && String(refused.reason)).toMatch(/origin\.machine/);
  });
});
