// A real PostgreSQL server for the tests that need one. AGENT_SRE_TEST_PG is a libpq URL whose role may
// CREATE DATABASE; each test file gets a database of its own (agent_sre_t_<random>), dropped afterwards.
// Without the variable these tests are skipped, and say so in their title; with AGENT_SRE_PG_REQUIRED=1
// (set by .ci/run) a missing variable or an unreachable server fails them instead.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { parsePgUrl } from '../../src/adapters/store/postgres-url.ts';

export const PG_ENV = 'AGENT_SRE_TEST_PG';
const BASE_URL = process.env[PG_ENV] || undefined;
const REQUIRED = process.env.AGENT_SRE_PG_REQUIRED === '1';

/** Skipped only where nobody asked for PostgreSQL; the title names the variable that runs it. */
export function describePg(name: string, fn: () => void): void {
  const skip = BASE_URL === undefined && !REQUIRED;
  describe.skipIf(skip)(skip ? `${name} (skipped: set ${PG_ENV} to a PostgreSQL URL to run)` : name, fn);
}

function baseUrl(): string {
  if (BASE_URL === undefined)
    throw new Error(
      `AGENT_SRE_PG_REQUIRED=1 but ${PG_ENV} is not set: .ci/run sets both after starting PostgreSQL`,
    );
  return BASE_URL;
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

async function admin<R>(fn: (c: pg.Client) => Promise<R>): Promise<R> {
  const url = baseUrl();
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${parsePgUrl(url).label} (${PG_ENV}) is unreachable: ${(err as Error).message}. ` +
        'Start it (.ci/run does: pg_ctlcluster 15 main start) or unset the variable to skip these tests.',
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface PgDatabase {
  /** This file's database. */
  url(): string;
  /** Empty every table the store made, so the next store starts from nothing (the schema stays). */
  reset(): Promise<void>;
  /** A client on this file's database, for looking at what the store wrote. */
  query<T extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<T[]>;
}

/** Call inside describePg: creates the database before the file's tests and drops it after. */
export function usePgDatabase(): PgDatabase {
  const name = `agent_sre_t_${randomBytes(6).toString('hex')}`;
  let url: string | undefined;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE ${name}`));
    url = withDatabase(baseUrl(), name);
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    if (url) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });

  const query = async <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    if (!client) throw new Error('the test database is not ready');
    return (await client.query<T>(text, values)).rows;
  };

  return {
    url: () => {
      if (!url) throw new Error('the test database is not ready');
      return url;
    },
    query,
    async reset() {
      const tables = await query<{ t: string }>(
        "SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'agent_sre_schema'",
      );
      if (tables.length > 0) await query(`TRUNCATE ${tables.map((r) => r.t).join(', ')} RESTART IDENTITY`);
    },
  };
}
