// The PostgreSQL connection behind the store's synchronous LedgerTx (see pg-sync.ts). Plain JavaScript
// that imports only `pg`, so Node loads the same file from the TypeScript sources and from dist/.
//
// One connection, one job at a time. A job is a list of queries run back to back. Sync jobs (the
// transaction the main thread is blocked in) answer on the shared port and wake the main thread through
// the shared Int32Array; async jobs (a whole transaction in one job, such as an ingest) answer on the
// worker's parent port. While a sync transaction is open, async jobs wait: they must never run inside it.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';

const { port, signal, config } = workerData;
const wake = new Int32Array(signal);

// int8 (counts, ids) as numbers; values beyond 2^53 would be silently wrong, so they are an error.
const INT8 = 20;
const types = {
  getTypeParser(oid, format) {
    if (oid === INT8)
      return (text) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} is beyond 2^53`);
        return n;
      };
    return pg.types.getTypeParser(oid, format);
  },
};

let client = null;
/** The client the open sync transaction began on; a reconnect inside it must never carry on. */
let txClient = null;
const syncJobs = [];
const asyncJobs = [];
let busy = false;

async function connection() {
  if (client) return client;
  const c = new pg.Client({ ...config, types });
  // A dropped connection is reported here; the next job connects afresh (outside a transaction only).
  c.on('error', () => {
    if (client === c) client = null;
  });
  await c.connect();
  client = c;
  return c;
}

function errorOf(err) {
  const e = err instanceof Error ? err : new Error(String(err));
  return { message: e.message, code: e.code, name: e.name };
}

async function runQueries(c, queries) {
  const results = [];
  for (const q of queries) {
    const r = await c.query({ text: q.text, values: q.values });
    results.push({ rows: r.rows, rowCount: r.rowCount });
  }
  return results;
}

// A failed job ends its transaction here (ROLLBACK), so the main thread only rolls back after its own
// code threw between two jobs.
async function runSync(job) {
  let c;
  if (job.tx === 'begin') {
    c = await connection();
    txClient = c;
  } else {
    c = txClient;
    if (c === null || c !== client) {
      txClient = null;
      throw new Error('the connection was lost inside a transaction, which the server rolled back');
    }
  }
  try {
    const results = await runQueries(c, job.queries);
    if (job.tx === 'end') txClient = null;
    return results;
  } catch (err) {
    txClient = null;
    if (client === c) await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function runAsync(job) {
  if (job.close) {
    const c = client;
    client = null;
    if (c) await c.end();
    return [];
  }
  const c = await connection();
  try {
    return await runQueries(c, job.queries);
  } catch (err) {
    // The job's own BEGIN may have left a transaction open on the shared connection.
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function pump() {
  if (busy) return;
  const sync = syncJobs.shift();
  const job = sync ?? (txClient === null ? asyncJobs.shift() : undefined);
  if (!job) return;
  busy = true;
  const run = sync ? runSync(job) : runAsync(job);
  run
    .then(
      (results) => ({ id: job.id, results }),
      (err) => ({ id: job.id, error: errorOf(err) }),
    )
    .then((reply) => {
      if (sync) {
        port.postMessage(reply);
        Atomics.store(wake, 0, 1);
        Atomics.notify(wake, 0);
      } else {
        parentPort.postMessage(reply);
      }
      busy = false;
      pump();
    });
}

port.on('message', (job) => {
  syncJobs.push(job);
  pump();
});
parentPort.on('message', (job) => {
  asyncJobs.push(job);
  pump();
});
