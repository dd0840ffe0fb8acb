// One worker process of the team-scale bench: a share of the simulated machines, each a project
// directory with its own SQLite ledger written through the store's commit (the hook's path) and its own
// shipper (src/app/team/ship.ts's shipOnce over the ledger file, bearer token, loopback HTTP). Driven by
// bench/team-scale.mjs over IPC: `drain` ships the preloaded backlog flat out, `live` commits at a
// steady rate while the shippers poll as the hook's flusher does, and times each event from its local
// commit to the 2xx that covers it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { importLib, nextState, sessionEvent } from './team-fixtures.mjs';

const cfg = JSON.parse(process.argv[2]);
const lib = await importLib(cfg.lib);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const POLL_MS = 500;
const STATUS_EVERY_MS = 10_000;

const machines = cfg.machines.map((name) => {
  const dir = join(cfg.root, name, 'acme');
  mkdirSync(join(dir, '.agent-sre'), { recursive: true });
  const store = lib.openSqliteStore(join(dir, '.agent-sre', 'ledger.db'));
  // team.project set: the team-wide id without running git for a remote.
  const team = {
    url: cfg.url,
    tokenEnv: 'AGENT_SRE_TEAM_TOKEN',
    machine: name,
    project: 'github.com/acme/acme',
  };
  const sessions = Array.from({ length: cfg.sessions }, (_, i) => ({
    id: `${name}-s${String(i).padStart(2, '0')}`,
    n: 0,
  }));
  const source = lib.sqliteEventSource(dir);
  return {
    name,
    dir,
    store,
    source,
    sessions,
    seq: 0,
    commitAt: [],
    ship: { store, source, team, token: process.env.AGENT_SRE_TEAM_TOKEN, origin: null, now: Date.now },
  };
});

/** One hook commit: the next event of a session, into the machine's ledger. Returns its local id. */
async function commit(m, s, ts) {
  const step = sessionEvent(s.id, s.n++, ts);
  await m.store.commit({
    sessionId: s.id,
    now: ts,
    apply: (state) => ({
      state: nextState(state ?? lib.newSession(s.id, '/home/dev/acme', ts), step),
      event: step.event,
      result: undefined,
    }),
  });
  return ++m.seq;
}

async function preload() {
  const t0 = Date.now() - cfg.backlog * 1000;
  for (const m of machines) {
    for (let n = 0; n < cfg.backlog; n++) for (const s of m.sessions) await commit(m, s, t0 + n * 1000);
    // As the team round names the stream: machine, user, checkout, team-wide project and ledger id.
    m.ship.origin = await lib.originOf(
      m.dir,
      m.ship.team,
      process.env,
      (await m.source.ledgerId?.()) ?? null,
    );
  }
}

/** Ship until the server holds everything committed so far (or `stop()` says so), as shipAll does. */
// How long each shipOnce that sent something took (read, POST, 2xx, cursor written), and why any failed.
const roundTrips = [];
const errors = new Map();

async function shipRound(m, onAck) {
  let requests = 0;
  let failures = 0;
  for (;;) {
    const before = performance.now();
    const r = await lib.shipOnce(m.ship);
    if (r.sent > 0 || r.error) {
      requests++;
      roundTrips.push(performance.now() - before);
    }
    if (r.error) {
      failures++;
      const why = r.error.replace(/\d+/g, 'N').slice(0, 120);
      errors.set(why, (errors.get(why) ?? 0) + 1);
      // shipAll's first backoff.
      await sleep(1000);
      continue;
    }
    onAck?.(r.cursor, performance.now());
    if (!r.more) return { requests, failures };
  }
}

/** The round trips and failures since the last call. */
function shipStats() {
  const out = { roundTrips: roundTrips.splice(0), errors: Object.fromEntries(errors) };
  errors.clear();
  return out;
}

async function drain() {
  const out = await Promise.all(
    machines.map(async (m) => {
      const r = await shipRound(m);
      return { ...r, doneAt: Date.now() };
    }),
  );
  return {
    requests: out.reduce((a, r) => a + r.requests, 0),
    failures: out.reduce((a, r) => a + r.failures, 0),
    lastDoneAt: Math.max(...out.map((r) => r.doneAt)),
    ...shipStats(),
  };
}

async function live(seconds, perSessionPerSec) {
  const lags = [];
  let committing = true;
  let committed = 0;
  const tickMs = 50;
  const start = performance.now();
  const writer = async (m) => {
    let done = 0;
    let next = 0;
    while (committing) {
      const due = Math.floor(((performance.now() - start) / 1000) * perSessionPerSec * m.sessions.length);
      while (done < due) {
        const s = m.sessions[next++ % m.sessions.length];
        const seq = await commit(m, s, Date.now());
        m.commitAt[seq] = performance.now();
        done++;
        committed++;
      }
      await sleep(tickMs);
    }
  };
  const shipper = async (m) => {
    let acked = m.seq;
    let statusAt = 0;
    let requests = 0;
    const onAck = (cursor, at) => {
      for (let q = acked + 1; q <= cursor; q++)
        if (m.commitAt[q] !== undefined) lags.push(at - m.commitAt[q]);
      acked = Math.max(acked, cursor);
    };
    // Like the flusher: ship what is there, poll every 500 ms, pull the fleet status every 10 s.
    while (committing || acked < m.seq) {
      requests += (await shipRound(m, onAck)).requests;
      if (Date.now() - statusAt >= STATUS_EVERY_MS) {
        statusAt = Date.now();
        await lib.pullStatus(m.ship);
      }
      if (committing || acked < m.seq) await sleep(POLL_MS);
    }
    return requests;
  };
  const shippers = machines.map(shipper);
  const writers = machines.map(writer);
  await sleep(seconds * 1000);
  committing = false;
  await Promise.all(writers);
  const requests = (await Promise.all(shippers)).reduce((a, b) => a + b, 0);
  return { committed, requests, lags, ...shipStats() };
}

process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'drain') process.send({ drained: await drain() });
    else if (msg.cmd === 'live') process.send({ live: await live(msg.seconds, msg.rate) });
    else if (msg.cmd === 'exit') {
      for (const m of machines) {
        m.source.close();
        await m.store.close();
      }
      process.disconnect();
    }
  } catch (err) {
    process.send({ error: String(err?.stack ?? err) });
  }
});

const t0 = performance.now();
await preload();
process.send({ ready: { events: machines.length * cfg.sessions * cfg.backlog, ms: performance.now() - t0 } });
