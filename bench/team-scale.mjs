#!/usr/bin/env node
// Team scale (issue 15): many machines shipping to one team server on PostgreSQL, and `report` over a
// million events in the team store. Against a real PostgreSQL server: a fresh database per run, dropped
// after. Prints a table, then one JSON line; also writes bench/out/team-scale.json.
//
//   AGENT_SRE_BENCH_PG=postgres://agent_sre:agent_sre@127.0.0.1:5432/postgres node bench/team-scale.mjs
//     [--machines 50] [--sessions 20] [--workers 2] [--backlog 100] [--live-seconds 30] [--rate 1]
//     [--report-events 1000000] [--report-runs 3] [--keep-db] [--json]
//     [--only ship|report] [--db NAME]
//
// `--only ship` runs parts 1 and 2, `--only report` part 3. `--db NAME` uses that database as it is (made
// if missing, never dropped): a million events loaded once (`--keep-db`) can be reported on again.
//
// The URL's role must be allowed to CREATE DATABASE (AGENT_SRE_TEST_PG, as .ci/run makes it, is used
// when AGENT_SRE_BENCH_PG is unset). Needs dist/ (npm run build): the team server is the built
// `agent-sre serve --store URL`, in its own process.
//
// 1. Ingest: every machine's ledger is preloaded with --backlog events per session (untimed), then all
//    shippers ship flat out, one batch of up to 500 in flight per machine, as after an outage. Events/s
//    is the events the server took over the time from the first request to the last 2xx.
// 2. Lag: each session commits --rate events/s for --live-seconds; each machine's shipper polls every
//    0.5 s as the hook's flusher does. Lag is local commit to the 2xx whose high-water covers it.
// 3. Report: the store is filled to --report-events with history (through the store's ingest, in
//    batches of 1000), then `report` is timed over it.
import { fork, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTeamLib, importLib, nextState, sessionEvent } from './team-fixtures.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'agent-sre.js');
const OUT = join(ROOT, 'bench', 'out');
export const TEAM_TARGETS = { ingestEventsPerSec: 5000, lagP99Ms: 2000, reportMs: 5000 };
export const PG_URL_ENVS = ['AGENT_SRE_BENCH_PG', 'AGENT_SRE_TEST_PG'];
const TOKEN = `bench-team-token-${randomBytes(12).toString('hex')}`;

export function benchPgUrl(env = process.env) {
  for (const k of PG_URL_ENVS) if (env[k]) return env[k];
  return undefined;
}

const log = (msg) => process.stderr.write(`team-scale: ${msg}\n`);

async function main() {
  const { values: o } = parseArgs({
    options: {
      machines: { type: 'string', default: '50' },
      sessions: { type: 'string', default: '20' },
      workers: { type: 'string', default: '2' },
      backlog: { type: 'string', default: '100' },
      'live-seconds': { type: 'string', default: '30' },
      rate: { type: 'string', default: '1' },
      'report-events': { type: 'string', default: '1000000' },
      'report-runs': { type: 'string', default: '3' },
      json: { type: 'boolean', default: false },
      'keep-db': { type: 'boolean', default: false },
      only: { type: 'string' },
      db: { type: 'string' },
    },
  });
  const opts = {
    machines: Number(o.machines),
    sessions: Number(o.sessions),
    workers: Number(o.workers),
    backlog: Number(o.backlog),
    liveSeconds: Number(o['live-seconds']),
    rate: Number(o.rate),
    reportEvents: Number(o['report-events']),
    reportRuns: Number(o['report-runs']),
    keepDb: o['keep-db'] || o.db !== undefined,
    only: o.only ?? null,
    db: o.db ?? null,
  };
  if (opts.only !== null && opts.only !== 'ship' && opts.only !== 'report')
    throw new Error(`--only ship or --only report, not ${opts.only}`);
  if (opts.db !== null && !/^[a-z_][a-z0-9_]*$/.test(opts.db))
    throw new Error(`--db ${opts.db}: not a plain name`);
  const base = benchPgUrl();
  if (!base) {
    const skipped = `no PostgreSQL URL: set ${PG_URL_ENVS.join(' or ')} to run it`;
    log(`skipped: ${skipped}`);
    console.log(JSON.stringify({ skipped }));
    return 0;
  }
  if (!existsSync(join(ROOT, 'dist', 'cli.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  const result = await teamScale(base, opts);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'team-scale.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (!o.json) console.log(printTeamScale(result));
  console.log(JSON.stringify(result));
  return 0;
}

async function teamScale(base, opts) {
  const pg = (await import('pg')).default;
  const db = opts.db ?? `agent_sre_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 });
    await c.connect();
    try {
      return await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const url = withDatabase(base, db);
  const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-bench');
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'team-'));
  const root = mkdtempSync(join(os.tmpdir(), 'agent-sre-team-scale-'));
  const result = {
    machine: machineInfo(),
    opts,
    targets: TEAM_TARGETS,
    postgres: await admin(
      "SELECT version() AS v, current_setting('synchronous_commit') AS sc, current_setting('shared_buffers') AS sb",
    ).then((r) => ({
      version: r.rows[0].v.split(' on ')[0],
      synchronousCommit: r.rows[0].sc,
      sharedBuffers: r.rows[0].sb,
    })),
  };
  let server;
  const workers = [];
  const exists =
    opts.db !== null && (await admin(`SELECT 1 FROM pg_database WHERE datname = '${db}'`)).rowCount > 0;
  if (!exists) await admin(`CREATE DATABASE ${db}`);
  try {
    const lib = await buildTeamLib(work);
    if (opts.only !== 'report')
      await shipPhases(lib, url, pg, opts, root, result, workers, (s) => (server = s));
    if (opts.only !== 'ship') result.report = await reportBench(lib, url, pg, opts, root);
  } finally {
    for (const w of workers) w.kill();
    await server?.stop();
    if (opts.keepDb) log(`kept the database ${db} (drop it with: DROP DATABASE ${db})`);
    else
      await admin(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch((e) =>
        log(`could not drop ${db}: ${e.message}`),
      );
    rmSync(work, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
  result.machine.loadavgEnd = os.loadavg().map(round);
  return result;
}

// Parts 1 and 2: the team server and the machines' shippers. `setServer` hands the server to the caller,
// which stops it should a part throw.
async function shipPhases(lib, url, pg, opts, root, result, workers, setServer) {
  let server = await startServer(root, url);
  setServer(server);
  log(`team server ${server.url} over the database ${new URL(url).pathname.slice(1)}`);
  const names = Array.from({ length: opts.machines }, (_, i) => `bench-m${String(i + 1).padStart(2, '0')}`);
  const t0 = performance.now();
  for (let w = 0; w < opts.workers; w++) {
    const share = names.filter((_, i) => i % opts.workers === w);
    const cfg = {
      lib,
      url: server.url,
      root,
      machines: share,
      sessions: opts.sessions,
      backlog: opts.backlog,
    };
    // The token goes by environment, as a machine's shipper gets it, never on a command line.
    const env = { ...process.env, AGENT_SRE_TEAM_TOKEN: TOKEN };
    workers.push(
      workerOf(fork(join(ROOT, 'bench', 'team-scale-worker.mjs'), [JSON.stringify(cfg)], { env })),
    );
  }
  log(
    `${opts.machines} machines x ${opts.sessions} sessions in ${opts.workers} workers: preloading ${opts.backlog} events per session into each local ledger`,
  );
  const ready = await Promise.all(workers.map((w) => w.next('ready')));
  const backlog = ready.reduce((a, r) => a + r.events, 0);
  log(`preloaded ${backlog} events in ${sec(performance.now() - t0)} s; shipping them flat out`);

  const go = Date.now();
  const drained = await Promise.all(workers.map((w) => w.ask({ cmd: 'drain' }, 'drained')));
  const ingestMs = Math.max(...drained.map((d) => d.lastDoneAt)) - go;
  const held = await countEvents(pg, url);
  result.ingest = {
    events: backlog,
    serverHolds: held,
    requests: drained.reduce((a, d) => a + d.requests, 0),
    failures: drained.reduce((a, d) => a + d.failures, 0),
    seconds: sec(ingestMs),
    eventsPerSec: Math.round(backlog / (ingestMs / 1000)),
    ...shipSummary(drained),
  };
  if (held !== backlog) throw new Error(`the server holds ${held} events, ${backlog} were shipped`);
  log(
    `ingest: ${result.ingest.eventsPerSec} events/s; live phase: ${opts.rate} events/s per session for ${opts.liveSeconds} s`,
  );

  const lived = await Promise.all(
    workers.map((w) => w.ask({ cmd: 'live', seconds: opts.liveSeconds, rate: opts.rate }, 'live')),
  );
  const lags = lived.flatMap((l) => l.lags).sort((a, b) => a - b);
  const committed = lived.reduce((a, l) => a + l.committed, 0);
  const heldAfter = await countEvents(pg, url);
  result.lag = {
    offeredEventsPerSec: opts.rate * opts.machines * opts.sessions,
    seconds: opts.liveSeconds,
    committed,
    measured: lags.length,
    requests: lived.reduce((a, l) => a + l.requests, 0),
    msP50: round(quantile(lags, 0.5)),
    msP90: round(quantile(lags, 0.9)),
    msP99: round(quantile(lags, 0.99)),
    msMax: round(lags.at(-1) ?? 0),
    ...shipSummary(lived),
  };
  if (heldAfter !== backlog + committed || lags.length !== committed)
    throw new Error(
      `after the live phase the server holds ${heldAfter} events (expected ${backlog + committed}), ${lags.length} lags for ${committed} commits`,
    );
  for (const w of workers) w.ask({ cmd: 'exit' });
  await server.stop();
  server = undefined;
  setServer(undefined);
}

// ---------------------------------------------------------------------------------------------
// The team server: the built CLI, `serve --store`, in a directory of its own.

async function startServer(root, url) {
  const dir = join(root, 'team-server');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--store', url, '--port', '0', '--interval', '60', '--dir', dir],
    {
      cwd: dir,
      env: { ...process.env, CLAUDECODE: '', AGENT_SRE_TEAM_TOKEN: TOKEN, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  for (const s of [child.stdout, child.stderr]) s.setEncoding('utf8').on('data', (c) => (out += c));
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the team server did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /team server on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    });
    child.once('exit', () => rej(new Error(`the team server exited:\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', res);
        child.kill('SIGTERM');
      }),
  };
}

function workerOf(child) {
  const waiting = [];
  const early = [];
  child.on('message', (msg) => {
    if (msg.error) {
      for (const w of waiting.splice(0)) w.rej(new Error(`worker: ${msg.error}`));
      return;
    }
    const w = waiting.findIndex((x) => x.key in msg);
    if (w < 0) return early.push(msg);
    const entry = waiting.splice(w, 1)[0];
    entry.res(msg[entry.key]);
  });
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.rej(new Error(`a worker exited (${code})`));
  });
  const next = (key) =>
    new Promise((res, rej) => {
      const i = early.findIndex((m) => key in m);
      if (i >= 0) return res(early.splice(i, 1)[0][key]);
      waiting.push({ key, res, rej });
    });
  return {
    next,
    ask(msg, key) {
      const p = key ? next(key) : undefined;
      if (child.connected) child.send(msg);
      return p;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Report over a million events: history streams fill the store to --report-events, then `report`.

async function reportBench(libFile, url, pg, opts, root) {
  const lib = await importLib(libFile);
  const store = await lib.openPostgresStore(url, { timeoutMs: 120_000 });
  const have = await countEvents(pg, url);
  const toAdd = Math.max(0, opts.reportEvents - have);
  const sessions = opts.machines * opts.sessions;
  const perSession = Math.ceil(toAdd / sessions);
  // A month of history: report's default window is 30 days, so every event is in it.
  const now = Date.now();
  const spanMs = 28 * 86_400_000;
  const t0 = performance.now();
  let added = 0;
  try {
    log(`loading ${toAdd} events of history (${sessions} sessions) through the store's ingest`);
    for (let m = 0; m < opts.machines && added < toAdd; m++) {
      const machine = `hist-m${String(m + 1).padStart(2, '0')}`;
      const origin = { machine, user: `dev-${machine}`, project: 'a1b2c3d4e5f60718' };
      const states = Array.from({ length: opts.sessions }, (_, s) => {
        const id = `${machine}-h${String(s).padStart(2, '0')}`;
        const startedAt = now - spanMs + ((m * opts.sessions + s) / sessions) * (spanMs - 86_400_000);
        return { state: lib.newSession(id, '/home/dev/acme', startedAt), n: 0 };
      });
      let seq = 0;
      let items = [];
      const flush = async () => {
        if (items.length === 0) return;
        await store.ingest({ origin, items });
        items = [];
      };
      // Session after session (a stream's ids rise with time), each session's events a second apart.
      for (const s of states) {
        for (let n = 0; n < perSession && added < toAdd; n++, added++) {
          const step = sessionEvent(s.state.sessionId, s.n++, s.state.startedAt + n * 1000);
          s.state = nextState(s.state, step);
          items.push({ seq: ++seq, event: step.event, state: s.state });
          if (items.length === 1000) await flush();
        }
        await flush();
      }
    }
  } finally {
    await store.close();
  }
  const loadMs = performance.now() - t0;
  const total = await countEvents(pg, url);
  const sessionCount = await countRows(pg, url, 'sessions');
  // What autovacuum would have done by the time anyone reads a month of history.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('VACUUM ANALYZE');
  await c.end();
  const out = {
    events: total,
    sessions: sessionCount,
    loadSeconds: sec(loadMs),
    loadEventsPerSec: Math.round(added / (loadMs / 1000)),
  };
  const dir = join(root, 'report-project');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  const help = spawnSync(process.execPath, [BIN, 'report', '--help'], { encoding: 'utf8' });
  const cli = /--store\b/.test(help.stdout);
  const times = [];
  let summary;
  for (let r = 0; r < opts.reportRuns; r++) {
    const t = performance.now();
    if (cli) {
      const run = spawnSync(process.execPath, [BIN, 'report', '--store', url, '--json', '--dir', dir], {
        cwd: dir,
        env: { ...process.env, CLAUDECODE: '', HOME: dir },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      });
      if (run.status !== 0) throw new Error(`agent-sre report --store exited ${run.status}: ${run.stderr}`);
      summary = JSON.parse(run.stdout);
    } else {
      const s = await lib.openPostgresStore(url, { timeoutMs: 120_000 });
      try {
        const loaded = lib.loadPolicy(undefined, 'agent-sre.yaml');
        const now2 = Date.now();
        summary = (
          await lib.makeReport(now2 - 30 * 86_400_000, {
            store: s,
            projectDir: dir,
            policy: loaded.policy,
            now: now2,
          })
        ).report;
      } finally {
        await s.close();
      }
    }
    times.push(performance.now() - t);
    log(`report run ${r + 1}: ${sec(times.at(-1))} s`);
  }
  times.sort((a, b) => a - b);
  log('where the report spends its time');
  return {
    ...out,
    where: await reportBreakdown(lib, url, pg),
    timed: cli
      ? 'agent-sre report --store URL --json (the built CLI, a fresh process)'
      : 'makeReport over openPostgresStore, in-process (report --store is not in the built CLI yet)',
    reportSessions: summary?.sessions?.count ?? summary?.sessions?.length ?? null,
    msMin: round(times[0]),
    msMedian: round(quantile(times, 0.5)),
    msMax: round(times.at(-1)),
  };
}

// The parts of makeReport over the store, one after another: the session list, then the one read of the
// events its folds use under the default policy (reportEvents), and what per-session counts cost as one aggregate in SQL.
async function reportBreakdown(lib, url, pg) {
  const store = await lib.openPostgresStore(url, { timeoutMs: 120_000 });
  const out = {};
  try {
    let t = performance.now();
    const all = await store.listSessions();
    out.listSessionsMs = round(performance.now() - t);
    t = performance.now();
    const read = await store.sessionEvents(
      all.map((s) => s.state.sessionId),
      lib.reportEvents({ testPatterns: [], testCommands: [] }),
    );
    out.sessionEventsMs = round(performance.now() - t);
    out.eventsRead = read.reduce((a, r) => a + r.events.length, 0);
  } finally {
    await store.close();
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const t = performance.now();
    await c.query(`SELECT session_id, count(*) AS n, max(ts) AS last_at,
        count(*) FILTER (WHERE event IN ('Stop', 'SubagentStop', 'TaskCompleted') AND rule = 'acceptance.blocked') AS blocks,
        count(*) FILTER (WHERE event IN ('Stop', 'SubagentStop', 'TaskCompleted') AND rule = 'gate.exhausted') AS exhausted
      FROM events GROUP BY session_id`);
    out.sqlAggregateMs = round(performance.now() - t);
  } finally {
    await c.end();
  }
  return out;
}

/** Each POST's round trip as the shipper saw it (read, send, 2xx, cursor), and the failures by reason. */
function shipSummary(parts) {
  const rt = parts.flatMap((p) => p.roundTrips).sort((a, b) => a - b);
  const errors = {};
  for (const p of parts) for (const [k, n] of Object.entries(p.errors)) errors[k] = (errors[k] ?? 0) + n;
  return {
    roundTripMsP50: round(quantile(rt, 0.5)),
    roundTripMsP99: round(quantile(rt, 0.99)),
    roundTripMsMax: round(rt.at(-1) ?? 0),
    ...(Object.keys(errors).length ? { errors } : {}),
  };
}

const countEvents = (pg, url) => countRows(pg, url, 'events');

async function countRows(pg, url, table) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

export function printTeamScale(r) {
  if (r.skipped) return `Team scale (issue 15): skipped (${r.skipped})`;
  if (r.error) return `Team scale (issue 15): failed: ${r.error}`;
  const m = r.machine;
  const rows = [];
  if (r.ingest)
    rows.push(
      [
        `ingest, ${r.opts.machines} machines x ${r.opts.sessions} sessions, backlog shipped flat out`,
        `${r.ingest.eventsPerSec} events/s`,
        `${r.ingest.events} events, ${r.ingest.requests} batches in ${r.ingest.seconds} s`,
        `>= ${TEAM_TARGETS.ingestEventsPerSec}/s`,
      ],
      [
        `shipping lag, ${r.lag.offeredEventsPerSec} events/s offered for ${r.lag.seconds} s`,
        `p99 ${r.lag.msP99} ms`,
        `p50 ${r.lag.msP50}, p90 ${r.lag.msP90}, max ${r.lag.msMax} ms over ${r.lag.measured} events`,
        `p99 < ${TEAM_TARGETS.lagP99Ms} ms`,
      ],
    );
  if (r.report)
    rows.push([
      `report over ${r.report.events} events, ${r.report.sessions} sessions`,
      `${r.report.msMedian} ms`,
      `min ${r.report.msMin}, max ${r.report.msMax} ms; ${r.report.timed}`,
      `< ${TEAM_TARGETS.reportMs} ms`,
    ]);
  return [
    `Team scale (issue 15)  node ${m.node}  ${m.cpus} cpu  load ${m.loadavg.join(' ')} -> ${(m.loadavgEnd ?? []).join(' ')}  ${r.postgres.version}, synchronous_commit ${r.postgres.synchronousCommit}`,
    table(['what', 'measured', 'detail', 'target'], rows),
    ...(r.ingest
      ? [
          `  POST round trips (shipper's view): ingest p50 ${r.ingest.roundTripMsP50} / p99 ${r.ingest.roundTripMsP99} ms, live p50 ${r.lag.roundTripMsP50} / p99 ${r.lag.roundTripMsP99} ms`,
          ...[r.ingest.errors, r.lag.errors].filter(Boolean).map(
            (e) =>
              `  retried after: ${Object.entries(e)
                .map(([k, n]) => `${n} x ${k}`)
                .join('; ')}`,
          ),
        ]
      : []),
    ...(r.report
      ? [
          `  history loaded for the report at ${r.report.loadEventsPerSec} events/s through the store's ingest (${r.report.loadSeconds} s)`,
          `  report's parts: listSessions ${r.report.where.listSessionsMs} ms, sessionEvents (the ${r.report.where.eventsRead} events the report's folds use) ${r.report.where.sessionEventsMs} ms; per-session counts as one SQL aggregate ${r.report.where.sqlAggregateMs} ms`,
        ]
      : []),
  ].join('\n');
}

function table(head, rows) {
  const cells = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const fmt = (r) => `  ${r.map((c, i) => c.padEnd(widths[i])).join('  ')}`;
  return [fmt(cells[0]), `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...cells.slice(1).map(fmt)].join(
    '\n',
  );
}

function withDatabase(url, db) {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function machineInfo() {
  return {
    node: process.version,
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    loadavg: os.loadavg().map(round),
  };
}

const quantile = (sorted, q) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const round = (n) => Math.round(n * 100) / 100;
const sec = (ms) => round(ms / 1000);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`team-scale: ${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
