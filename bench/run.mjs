#!/usr/bin/env node
// The standing benchmark: hook latency and memory as a fresh process, in-process engine throughput,
// ledger throughput with 8 writers, and agreement with peer guards' test corpora. Prints a readable
// table, then one JSON summary line; also writes bench/out/summary.json and
// bench/out/peer-disagreements.jsonl.
//
//   npm run bench                       (builds dist/ first)
//   node bench/run.mjs [--rounds 40] [--rss-runs 5] [--seconds 2] [--show 20] [--json]
//                      [--skip-hook] [--skip-ledger] [--peer-dir DIR]
//                      [--skip-real] [--real-rounds 3] [--real-calls 20] [--skip-classes] [--skip-team]
//
// The real-client part (bench/real-client.mjs) runs the pinned Claude Code against the scripted stand-in
// with no hooks, cc-safety-net's hook, and agent-sre's command, folded and HTTP paths; --skip-real skips it.
//
// The per-class part (bench/classes.mjs, issue 12) runs test/corpus/<class>.jsonl through our engine and
// through cc-safety-net's hook and writes bench/out/classes.json; --skip-classes skips it.
//
// The team-scale part (bench/team-scale.mjs, issue 15) runs against the PostgreSQL server named by
// AGENT_SRE_BENCH_PG or AGENT_SRE_TEST_PG and is skipped, with a message, when neither is set.
//
// The peer corpora are read from ../shared/benchmarks/peer-corpora (or --peer-dir) and skipped when
// that directory is absent, as in a user's clone. The engine is judged in-process through
// test/helpers/judge.ts (embedded default policy, project /work/proj, home /home/dev), bundled with
// esbuild, so the in-process parts run from src/ whether or not dist/ is current.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEngine } from './engine.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'agent-sre.js');
const OUT = join(ROOT, 'bench', 'out');

const TARGETS = {
  hookRatio: 1.25,
  hookPeakRssMb: 60,
  decisionsPerSec: 20000,
  ledgerEventsPerSec: 2000,
};

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    'rss-runs': { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
    show: { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
    'skip-hook': { type: 'boolean', default: false },
    'skip-ledger': { type: 'boolean', default: false },
    'peer-dir': { type: 'string' },
    'skip-real': { type: 'boolean', default: false },
    'real-rounds': { type: 'string', default: '3' },
    'real-calls': { type: 'string', default: '20' },
    'skip-classes': { type: 'boolean', default: false },
    'skip-team': { type: 'boolean', default: false },
  },
});
const PEER_DIR = opts['peer-dir'] ?? join(ROOT, '..', 'shared', 'benchmarks', 'peer-corpora');
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-bench');
mkdirSync(cache, { recursive: true });
const work = mkdtempSync(join(cache, 'run-'));
const started = performance.now();
const summary = { machine: machine(), source: source(), targets: TARGETS };
let disagreements = [];
try {
  if (!opts['skip-hook']) {
    if (!existsSync(join(ROOT, 'dist', 'cli.js')))
      throw new Error('dist/ is missing: run `npm run bench` (builds first)');
    log(`hook latency, ${opts.rounds} interleaved rounds`);
    summary.hook = hookBench(Number(opts.rounds), Number(opts['rss-runs']));
  }
  const engine = await loadEngine(work);
  log('in-process engine throughput');
  summary.throughput = throughputBench(engine, Number(opts.seconds));
  summary.longInputs = longInputBench(engine);
  log('transcript ingest');
  summary.ingest = await ingestBench();
  if (!opts['skip-ledger']) {
    log('ledger, 8 writers');
    summary.ledger = ledgerBench();
  }
  // Postmortem of a 100k-event session through the built CLI (needs dist/, like the hook rows); run
  // bench/postmortem.mjs alone for the same numbers. It exits 1 over its 5 s target but still reports.
  if (!opts['skip-hook']) {
    log('postmortem over a 100k-event session');
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'postmortem.mjs')], { encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').at(-1);
    summary.postmortem = last
      ? JSON.parse(last)
      : { error: `bench/postmortem.mjs exited ${r.status}: ${r.stderr.trim()}` };
  }
  if (existsSync(PEER_DIR)) {
    log(`peer corpora from ${PEER_DIR}`);
    const { list, ...peers } = peerBench(engine);
    summary.peers = peers;
    disagreements = list;
  } else {
    summary.peers = { skipped: `no peer corpora at ${PEER_DIR}` };
    // A list from an earlier run would look like this run's.
    rmSync(join(OUT, 'peer-disagreements.jsonl'), { force: true });
  }
  if (!opts['skip-classes']) {
    log('per class (issue 12): our engine and cc-safety-net on test/corpus/<class>.jsonl');
    try {
      const { classesBench } = await import('./classes.mjs');
      summary.classes = await classesBench({ log });
    } catch (err) {
      // A failure here (no network for the peer's install, a missing class file) never fails the bench.
      summary.classes = { error: String(err?.message ?? err).slice(0, 2000) };
    }
  }
  if (!opts['skip-real'] && !opts['skip-hook']) {
    log('real client: per-call overhead of none / cc-safety-net / command / fold / http');
    const { realClientBench } = await import('./real-client.mjs');
    try {
      summary.realClient = await realClientBench({
        rounds: Number(opts['real-rounds']),
        calls: Number(opts['real-calls']),
        log,
      });
    } catch (err) {
      summary.realClient = { error: err.message.slice(0, 2000) };
    }
  }
  if (!opts['skip-team']) summary.team = await teamBench();
  summary.seconds = round((performance.now() - started) / 1000);
  // Other processes on the machine skew the timings: compare these with machine.cpus.
  summary.machine.loadavgEnd = os.loadavg().map(round);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  if (!opts.json) printTables(summary, disagreements, Number(opts.show));
  if (!opts.json && summary.classes) {
    const { printClasses } = await import('./classes.mjs');
    console.log(
      summary.classes.error
        ? `Per class: failed: ${summary.classes.error}\n`
        : `${printClasses(summary.classes)}\n`,
    );
  }
  if (!opts.json && summary.realClient?.modes) {
    const { printRealClient } = await import('./real-client.mjs');
    console.log(`\n${printRealClient(summary.realClient)}`);
  }
  if (!opts.json && summary.team) {
    const { printTeamScale } = await import('./team-scale.mjs');
    console.log(`${printTeamScale(summary.team)}\n`);
  }
  // The line on stdout leaves out the per-group breakdowns; bench/out/summary.json has everything.
  console.log(
    JSON.stringify(summary, (k, v) =>
      k === 'groups' || k === 'verdicts' || (Array.isArray(v) && (k === 'missed' || k === 'blocked'))
        ? undefined
        : v,
    ),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// 1. Hook latency and peak RSS, one fresh process per call, interleaved with a bare `node -e 0`.

function hookBench(rounds, rssRuns) {
  const project = mkdtempSync(join(os.tmpdir(), 'agent-sre-bench-proj-'));
  const scratchHome = mkdtempSync(join(os.tmpdir(), 'agent-sre-bench-home-'));
  try {
    // Set the project up as a user would: `agent-sre init` writes agent-sre.yaml, .claude/settings.json
    // and .agent-sre/. HOME points at a scratch dir for init only, so nothing outside tmp is touched.
    const init = spawnSync(process.execPath, [BIN, 'init', '--yes', '--dir', project, '--json'], {
      env: { ...process.env, HOME: scratchHome },
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`agent-sre init failed: ${init.stderr || init.stdout}`);
    // Time exactly the command init wrote for Claude Code to run (exec form: command + args).
    const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
    const pre = settings.hooks.PreToolUse.flatMap((g) => g.hooks).find((h) =>
      / hook claude( |$)/.test(` ${(h.args ?? []).join(' ')}`),
    );
    if (!pre) throw new Error('agent-sre init wrote no PreToolUse hook');
    const HOOK = [...pre.args];
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'index.ts'), 'export const x = 1;\n');
    // One acceptance check, so the Stop rows time the gate itself: once it has passed and nothing was
    // edited since, the gate reads the evidence and skips it (the checks' own run time is not ours).
    const policyFile = join(project, 'agent-sre.yaml');
    writeFileSync(
      policyFile,
      `${readFileSync(policyFile, 'utf8')}\nacceptance:\n  runbook: false\n  checks:\n    - id: bench-true\n      kind: command\n      run: 'true'\n`,
    );

    // One session per round: the deny call would otherwise add up to the session's denial limit
    // and every later call would meet session.terminated instead of its own rule.
    let seq = 0;
    let session = 'bench-warmup';
    const event = (tool, input, sessionId = session) =>
      JSON.stringify({
        session_id: sessionId,
        transcript_path: join(project, 'transcript.jsonl'),
        cwd: project,
        hook_event_name: 'PreToolUse',
        tool_name: tool,
        tool_input: input,
        tool_use_id: `toolu_bench_${seq++}`,
      });
    const lifecycle = (name, extra) =>
      JSON.stringify({
        session_id: 'bench-stop',
        transcript_path: join(project, 'transcript.jsonl'),
        cwd: project,
        hook_event_name: name,
        ...extra,
      });
    const stopEvent = () =>
      lifecycle('Stop', {
        stop_hook_active: false,
        last_assistant_message: 'Implementation complete. All tests pass.',
      });
    const startEvent = () => lifecycle('SessionStart', { source: 'startup' });
    const costTranscript = join(project, 'bench-cost-session.jsonl');
    const costLine = (n, block, out) =>
      JSON.stringify({
        type: 'assistant',
        timestamp: new Date().toISOString(),
        requestId: `req_bench_${n}`,
        message: {
          id: `msg_bench_${n}`,
          model: 'claude-opus-5-5',
          content: [block],
          usage: {
            input_tokens: 8,
            output_tokens: out,
            cache_creation_input_tokens: 900,
            cache_read_input_tokens: 60000,
          },
        },
      });
    let costSeq = 0;
    const appendResponse = () => {
      const n = costSeq++;
      const toolId = `toolu_bench_cost_${n}`;
      writeFileSync(
        costTranscript,
        [
          costLine(n, { type: 'thinking', thinking: 'Planning the next step.' }, 3),
          costLine(n, { type: 'text', text: 'Running the tests.' }, 40),
          costLine(n, { type: 'tool_use', id: toolId, name: 'Bash', input: { command: 'npm test' } }, 212),
          JSON.stringify({
            type: 'user',
            timestamp: new Date().toISOString(),
            message: {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: toolId, content: 'ok '.repeat(1200) }],
            },
          }),
          '',
        ].join('\n'),
        { flag: 'a' },
      );
    };
    while (costSeq < 500) appendResponse(); // about 2 MB of history, read by the first (warm-up) call
    const costPostEvent = () => {
      appendResponse();
      return JSON.stringify({
        session_id: 'bench-cost',
        transcript_path: costTranscript,
        cwd: project,
        hook_event_name: 'PostToolUse',
        tool_name: 'Bash',
        tool_input: { command: 'npm test' },
        tool_response: { stdout: 'ok', stderr: '', interrupted: false, isImage: false },
        tool_use_id: `toolu_bench_${seq++}`,
      });
    };
    const env = { ...process.env, CLAUDE_PROJECT_DIR: project };
    const kinds = {
      baseline: { args: ['-e', '0'], input: () => '', expect: 'allow' },
      'hook allow (ls -la src)': {
        args: HOOK,
        input: () => event('Bash', { command: 'ls -la src' }),
        expect: 'allow',
      },
      'hook deny (rm -rf ~)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }),
        expect: 'deny',
      },
      // Paging cost, side by side: a first denial opens an incident and queues a page (file channel,
      // the default) and starts a detached flusher; a repeat only counts (the session is primed below).
      'hook deny, new incident (queues a page)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }, `bench-page-${seq}`),
        expect: 'deny',
      },
      'hook deny, repeat (no page)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }, `${session}-repeat`),
        expect: 'deny',
      },
      // The same in the hook's own process, where the queueing can be told apart from starting the
      // flusher: AGENT_SRE_DELIVERY=off queues the page but starts nothing.
      'hook deny, in-process, repeat (no page)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }, `${session}-repeat-ip`),
        expect: 'deny',
        env: { AGENT_SRE_HOOKD: '0' },
      },
      'hook deny, in-process, new incident, delivery off (queues only)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }, `bench-page-ip-${seq}`),
        expect: 'deny',
        env: { AGENT_SRE_HOOKD: '0', AGENT_SRE_DELIVERY: 'off' },
      },
      'hook deny, in-process, new incident (queues + starts flusher)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }, `bench-page-ip-${seq}`),
        expect: 'deny',
        env: { AGENT_SRE_HOOKD: '0' },
      },
      'hook Write (src/)': {
        args: HOOK,
        input: () =>
          event('Write', { file_path: join(project, 'src', 'util.ts'), content: 'export const y = 2;\n' }),
        expect: 'allow',
      },
      // The same calls judged in the hook's own process (no warm daemon): the cold path, and the
      // path a project takes when AGENT_SRE_HOOKD=0.
      'hook allow, in-process (ls -la src)': {
        args: HOOK,
        input: () => event('Bash', { command: 'ls -la src' }),
        expect: 'allow',
        env: { AGENT_SRE_HOOKD: '0' },
      },
      'hook deny, in-process (rm -rf ~)': {
        args: HOOK,
        input: () => event('Bash', { command: 'rm -rf ~' }),
        expect: 'deny',
        env: { AGENT_SRE_HOOKD: '0' },
      },
      // The acceptance gate's own cost: evidence from the ledger, the claim read, the skip decision.
      'hook Stop gate (check skipped: passed, nothing edited since)': {
        args: HOOK,
        input: stopEvent,
        expect: 'allow',
      },
      'hook Stop gate, in-process': {
        args: HOOK,
        input: stopEvent,
        expect: 'allow',
        env: { AGENT_SRE_HOOKD: '0' },
      },
      // SessionStart binds the runbook (AGENTS.md from init) and answers with its digest.
      'hook SessionStart (runbook binding + digest)': {
        args: HOOK,
        input: startEvent,
        expect: 'context',
      },
      'hook SessionStart, in-process': {
        args: HOOK,
        input: startEvent,
        expect: 'context',
        env: { AGENT_SRE_HOOKD: '0' },
      },
      // Cost accounting: each call first appends one response (three content-block lines and a tool result)
      // to a transcript that starts with 2 MB of history; the hook stats it and folds only the new bytes.
      'hook PostToolUse (incremental cost accounting)': {
        args: HOOK,
        input: costPostEvent,
        expect: 'allow',
      },
      // Context, not targets: what the hook's two native modules cost on their own.
      'node + better-sqlite3 open': {
        args: [
          '-e',
          `new (require(${JSON.stringify(join(ROOT, 'node_modules', 'better-sqlite3'))}))(':memory:')`,
        ],
        input: () => '',
        expect: 'allow',
      },
      'node + tree-sitter-bash parse': {
        args: [
          '-e',
          `const P = require(${JSON.stringify(join(ROOT, 'node_modules', 'tree-sitter'))}); const p = new P(); ` +
            `p.setLanguage(require(${JSON.stringify(join(ROOT, 'node_modules', 'tree-sitter-bash'))})); p.parse('ls -la src');`,
        ],
        input: () => '',
        expect: 'allow',
      },
    };
    const names = Object.keys(kinds);
    const hooks = names.filter((n) => n.startsWith('hook '));
    const run = (name) => {
      const k = kinds[name];
      const input = k.input();
      const t0 = performance.now();
      const r = spawnSync(process.execPath, k.args, {
        input,
        env: { ...env, ...k.env },
        encoding: 'utf8',
        cwd: project,
      });
      const ms = performance.now() - t0;
      return {
        ms,
        ok: r.status === 0 && verdictOf(r.stdout) === k.expect,
        stdout: r.stdout,
        stderr: r.stderr,
      };
    };

    // The first call after init validates agent-sre.yaml (yaml + zod) and creates the ledger file.
    const cold = run(hooks[0]);
    if (!cold.ok) throw new Error(`hook gave an unexpected answer: ${cold.stdout}${cold.stderr}`);
    for (const name of names) run(name); // one warm-up of each (page cache, policy cache)
    // The warm-up started the project's hook daemon; time the calls once it answers.
    const stateDir = join(project, '.agent-sre');
    const until = Date.now() + 10_000;
    while (!readdirSync(stateDir).some((f) => /^hookd-.*\.sock$/.test(f)) && Date.now() < until)
      spawnSync('sleep', ['0.1']);
    for (const name of hooks) run(name);

    const settleFlusher = () => {
      // Until no flusher for this project is left, closing its ledger included.
      const until = Date.now() + 5_000;
      spawnSync('sleep', ['0.05']);
      const running = () =>
        spawnSync('pgrep', ['-f', `tick --deliver-only --quiet --dir ${project}`]).status === 0;
      while (running() && Date.now() < until) spawnSync('sleep', ['0.05']);
    };
    const samples = Object.fromEntries(names.map((n) => [n, []]));
    const failures = [];
    // Prime the repeat sessions: their timed denials then fold into an open incident. Done up front so
    // the flushers the primers start are finished before any timing begins.
    for (let i = 0; i < rounds; i++) {
      session = `bench-round-${i}`;
      run('hook deny, repeat (no page)');
      run('hook deny, in-process, repeat (no page)');
    }
    settleFlusher();
    for (let i = 0; i < rounds; i++) {
      session = `bench-round-${i}`;
      // Rotate the order each round so no kind always follows the same neighbour.
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        const r = run(name);
        samples[name].push(r.ms);
        // A page's delivery runs in a detached flusher after the hook answered: let it finish, untimed,
        // so its CPU does not land on the next kind's sample.
        if (name.includes('new incident')) settleFlusher();
        if (!r.ok && failures.length < 5) failures.push({ name, stdout: r.stdout, stderr: r.stderr });
      }
    }

    const base = stats(samples.baseline);
    const latency = {};
    for (const name of names) {
      const s = stats(samples[name]);
      latency[name] =
        name === 'baseline'
          ? s
          : {
              ...s,
              ratioP50: round(s.p50 / base.p50),
              ratioP90: round(s.p90 / base.p90),
              overheadMsP50: round(s.p50 - base.p50),
            };
    }

    const rss = peakRss(kinds, names, hooks, rssRuns, env, project);
    const ledgerFile = join(project, '.agent-sre', 'ledger.db');
    return {
      rounds,
      coldFirstCallMs: round(cold.ms),
      latency,
      worstRatioP50: round(Math.max(...hooks.map((n) => latency[n].ratioP50))),
      rss,
      ledgerBytes: existsSync(ledgerFile) ? readFileSync(ledgerFile).length : 0,
      unexpectedAnswers: failures,
    };
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(scratchHome, { recursive: true, force: true });
  }
}

function verdictOf(stdout) {
  const text = stdout.trim();
  if (text === '') return 'allow';
  try {
    const out = JSON.parse(text);
    if (out.decision === 'block') return 'block';
    if (out.hookSpecificOutput?.hookEventName === 'SessionStart') return 'context';
    return out.hookSpecificOutput?.permissionDecision ?? 'unknown';
  } catch {
    return 'unparseable';
  }
}

// Peak RSS per process: GNU `/usr/bin/time -f %M` when present, otherwise a preloaded module that
// reports process.resourceUsage().maxRSS on exit. Both give the maximum resident set of the process.
function peakRss(kinds, names, hooks, runs, env, project) {
  const file = join(work, 'rss.txt');
  const gnuTime =
    existsSync('/usr/bin/time') &&
    spawnSync('/usr/bin/time', ['-f', '%M', '-o', file, 'true']).status === 0 &&
    /^\d+\s*$/.test(readFileSync(file, 'utf8'));
  const probe = join(work, 'rss-probe.mjs');
  if (!gnuTime) {
    writeFileSync(
      probe,
      "import { writeFileSync } from 'node:fs';\n" +
        "process.on('exit', () => writeFileSync(process.env.AGENT_SRE_BENCH_RSS, String(process.resourceUsage().maxRSS)));\n",
    );
  }
  const out = { method: gnuTime ? '/usr/bin/time -f %M' : 'process.resourceUsage().maxRSS on exit' };
  for (const name of names) {
    const k = kinds[name];
    const kb = [];
    for (let i = 0; i < runs; i++) {
      rmSync(file, { force: true });
      const [cmd, args] = gnuTime
        ? ['/usr/bin/time', ['-f', '%M', '-o', file, process.execPath, ...k.args]]
        : [process.execPath, ['--import', pathToFileURL(probe).href, ...k.args]];
      spawnSync(cmd, args, {
        input: k.input(),
        env: { ...env, ...k.env, AGENT_SRE_BENCH_RSS: file },
        encoding: 'utf8',
        cwd: project,
      });
      const n = Number.parseInt(readFileSync(file, 'utf8').trim().split('\n').at(-1), 10);
      if (Number.isFinite(n)) kb.push(n);
    }
    kb.sort((a, b) => a - b);
    out[name] = { maxMb: round(kb.at(-1) / 1024), p50Mb: round(quantile(kb, 0.5) / 1024) };
  }
  out.worstHookMaxMb = Math.max(...hooks.map((n) => out[n].maxMb));
  return out;
}

// ---------------------------------------------------------------------------------------------
// In-process engine: test/helpers/judge.ts bundled next to node_modules so the natives resolve.

function readJsonl(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

// ---------------------------------------------------------------------------------------------
// 2. Decisions per second over the project's corpus and the peer corpora.

// One long unbroken word through the two places a hook spends time on input text: redaction for the
// ledger and judging a Write. Both must stay linear: a quadratic regex here once cost 20 s at 80k chars.
function longInputBench(engine) {
  const out = {};
  for (const size of [40_000, 200_000]) {
    const word = 'a1'.repeat(size / 2);
    let t0 = performance.now();
    engine.redactedJson({ content: `${word}=value ${word}` });
    const redactMs = performance.now() - t0;
    t0 = performance.now();
    engine.decide('Write', { file_path: '/work/proj/fixture.txt', content: word });
    out[`${size} chars`] = { redactMs: round(redactMs), decideWriteMs: round(performance.now() - t0) };
  }
  return out;
}

function throughputBench(engine, seconds) {
  const corpusDir = join(ROOT, 'test', 'corpus');
  const own = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readJsonl(join(corpusDir, f)))
    .map((c) => ({
      tool: c.tool,
      input: c.input,
      opts: { ...(c.cwd ? { cwd: c.cwd } : {}), ...(c.files ? { files: c.files } : {}) },
    }));
  const sets = { 'test/corpus': own };
  if (existsSync(PEER_DIR)) {
    const peer = readdirSync(PEER_DIR)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .flatMap((f) => readJsonl(join(PEER_DIR, f)))
      .map((c) => ({ tool: 'Bash', input: { command: c.command }, opts: { cwd: peerCwd(engine, c.cwd) } }));
    sets['peer-corpora'] = peer;
  }
  const out = {};
  for (const [name, cases] of Object.entries(sets)) {
    const one = (c) => {
      try {
        engine.decide(c.tool, c.input, c.opts);
      } catch {
        // Counted like any other decision; the agreement pass reports engine errors.
      }
    };
    for (const c of cases) one(c); // warm-up: JIT, parser
    // Per-decision latency from one timed pass.
    const lat = cases.map((c) => {
      const t0 = performance.now();
      one(c);
      return (performance.now() - t0) * 1000;
    });
    lat.sort((a, b) => a - b);
    let n = 0;
    const t0 = performance.now();
    let elapsed = 0;
    while (elapsed < seconds * 1000) {
      for (const c of cases) one(c);
      n += cases.length;
      elapsed = performance.now() - t0;
    }
    out[name] = {
      cases: cases.length,
      decisions: n,
      seconds: round(elapsed / 1000),
      decisionsPerSec: Math.round(n / (elapsed / 1000)),
      usP50: round(quantile(lat, 0.5)),
      usP99: round(quantile(lat, 0.99)),
      usMax: round(lat.at(-1)),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Transcript ingest: `agent-sre cost`'s reader (streamed, usage de-duplicated and priced) over a
// generated 64 MB Claude Code transcript, bundled from src/ like the engine. Best and median of 5 reads.

async function ingestBench() {
  const { build } = await import('esbuild');
  const outfile = join(work, 'ingest.mjs');
  await build({
    stdin: {
      contents:
        "export { sessionUsage } from './src/adapters/transcripts/usage-reader.ts';\n" +
        "export { writeTranscript } from './test/helpers/transcript-gen.ts';\n",
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  const { sessionUsage, writeTranscript } = await import(pathToFileURL(outfile).href);
  const file = join(work, 'ingest-transcript.jsonl');
  const expected = writeTranscript(file, 64 * 1024 * 1024, 3);
  const mbps = [];
  let peakHeapMb = 0;
  for (let i = 0; i < 5; i++) {
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const u = await sessionUsage(file, {
      onProgress: () => {
        peakHeapMb = Math.max(peakHeapMb, (process.memoryUsage().heapUsed - heap0) / 1048576);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (u.modelCalls !== expected.modelCalls || u.tokens.cacheRead !== expected.cacheRead)
      throw new Error('ingest: totals differ from the generated transcript');
    mbps.push(expected.bytes / 1048576 / seconds);
  }
  mbps.sort((a, b) => a - b);
  rmSync(file, { force: true });
  return {
    targetMBps: 50,
    fileMb: round(expected.bytes / 1048576),
    lines: expected.lines,
    responses: expected.modelCalls,
    bestMBps: round(mbps.at(-1)),
    medianMBps: round(quantile(mbps, 0.5)),
    peakHeapGrowthMb: round(peakHeapMb),
  };
}

// ---------------------------------------------------------------------------------------------
// 3. Ledger: bench/ledger.mjs with 8 writers.

function ledgerBench() {
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'ledger.mjs'), '--writers', '8'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return { error: `bench/ledger.mjs exited ${r.status}: ${r.stderr.trim()}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

// ---------------------------------------------------------------------------------------------
// Team scale (issue 15): bench/team-scale.mjs against a real PostgreSQL server, when one is named.

async function teamBench() {
  const { benchPgUrl, PG_URL_ENVS } = await import('./team-scale.mjs');
  if (!benchPgUrl()) {
    const skipped = `no PostgreSQL URL: set ${PG_URL_ENVS.join(' or ')} to run it`;
    log(`team scale skipped: ${skipped}`);
    return { skipped };
  }
  log(
    'team scale: 50 machines x 20 sessions shipping to one team server on PostgreSQL, report over 1M events',
  );
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'team-scale.mjs'), '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const last = r.stdout.trim().split('\n').at(-1);
  return r.status === 0 && last ? JSON.parse(last) : { error: `bench/team-scale.mjs exited ${r.status}` };
}

// ---------------------------------------------------------------------------------------------
// 4. Peer corpora: each command through our engine; block = our deny or ask.

function peerCwd(engine, cwd) {
  // `<workspace>` is the project dir. cc-safety-net's tests also use `/project` as the workspace, and
  // an empty cwd means "unknown", which a Claude Code hook never sees; both map to the project dir.
  if (cwd === undefined || cwd === '' || cwd === '<workspace>' || cwd === '/project')
    return engine.WORLD.projectDir;
  return cwd.replaceAll('<workspace>', engine.WORLD.projectDir);
}

function peerBench(engine) {
  const files = ['cc-safety-net.jsonl', 'dcg.jsonl', 'dcg-packs.jsonl'].filter((f) =>
    existsSync(join(PEER_DIR, f)),
  );
  const out = { world: engine.WORLD, corpora: {} };
  const disagreements = [];
  for (const file of files) {
    const corpus = file.replace(/\.jsonl$/, '');
    const all = readJsonl(join(PEER_DIR, file));
    const cases = all.filter((c) => c.portable !== false);
    const tally = () => ({
      cases: 0,
      mustBlock: 0,
      caught: 0,
      caughtDeny: 0,
      caughtAsk: 0,
      missed: 0,
      mustAllow: 0,
      wronglyBlocked: 0,
      wronglyDeny: 0,
      wronglyAsk: 0,
      errors: 0,
    });
    const total = tally();
    const byGroup = {};
    for (const c of cases) {
      const cwd = peerCwd(engine, c.cwd);
      let d;
      try {
        d = engine.decide('Bash', { command: c.command }, { cwd });
      } catch (err) {
        // The hook answers any failure with a deny (fail closed).
        d = { verdict: 'deny', tier: 4, rule: 'engine.error', reason: String(err?.message ?? err) };
      }
      const group = c.pack ?? c.category ?? (c.env ? 'peer-mode-env' : 'default');
      byGroup[group] ??= tally();
      const blocked = d.verdict === 'deny' || d.verdict === 'ask';
      for (const t of [total, byGroup[group]]) {
        t.cases++;
        if (d.rule === 'engine.error') t.errors++;
        if (c.expect === 'block') {
          t.mustBlock++;
          if (blocked) t.caught++;
          else t.missed++;
          if (d.verdict === 'deny') t.caughtDeny++;
          if (d.verdict === 'ask') t.caughtAsk++;
        } else {
          t.mustAllow++;
          if (blocked) t.wronglyBlocked++;
          if (d.verdict === 'deny') t.wronglyDeny++;
          if (d.verdict === 'ask') t.wronglyAsk++;
        }
      }
      const kind =
        c.expect === 'block'
          ? d.verdict === 'allow'
            ? 'missed'
            : d.verdict === 'ask'
              ? 'ask-where-peer-blocks'
              : null
          : blocked
            ? `wrongly-${d.verdict}`
            : null;
      if (kind) {
        disagreements.push({
          corpus,
          kind,
          command: c.command,
          expect: c.expect,
          verdict: d.verdict,
          tier: d.tier,
          rule: d.rule,
          reason: d.reason,
          cwd,
          ...(c.env ? { env: c.env } : {}),
          ...(c.pack ? { pack: c.pack } : {}),
          ...(c.category ? { category: c.category } : {}),
          ...(c.description ? { description: c.description } : {}),
          ...(c.test ? { test: c.test } : {}),
          source: c.source,
        });
      }
    }
    const withRates = (t) => ({
      ...t,
      agreePct: round((100 * (t.caught + t.mustAllow - t.wronglyBlocked)) / Math.max(1, t.cases)),
    });
    out.corpora[corpus] = {
      ...withRates(total),
      skippedNotPortable: all.length - cases.length,
      groups: Object.fromEntries(
        Object.entries(byGroup)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([g, t]) => [g, withRates(t)]),
      ),
    };
  }
  mkdirSync(OUT, { recursive: true });
  const file = join(OUT, 'peer-disagreements.jsonl');
  writeFileSync(
    file,
    disagreements.map((d) => JSON.stringify(d)).join('\n') + (disagreements.length ? '\n' : ''),
  );
  out.disagreementsFile = 'bench/out/peer-disagreements.jsonl';
  out.disagreements = disagreements.length;
  out.list = disagreements;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output.

function printTables(s, list, show) {
  const lines = [];
  const p = (...a) => lines.push(a.join(''));
  const m = s.machine;
  const src = s.source;
  p(
    `source ${src.commit}${src.uncommittedSrcFiles ? ` + ${src.uncommittedSrcFiles} uncommitted files in src/ or test/helpers/` : ''}`,
  );
  p(
    `agent-sre bench  node ${m.node}  ${m.cpus} cpu (${m.cpuModel})  load ${m.loadavg.join(' ')} -> ${m.loadavgEnd.join(' ')}  ${s.seconds}s`,
  );
  if (Math.max(m.loadavg[0], m.loadavgEnd[0]) > m.cpus * 0.75)
    p(
      `WARNING: load average above ${m.cpus * 0.75} on ${m.cpus} cpus: other work shared the machine, timings are inflated`,
    );
  p('');
  if (s.hook) {
    const h = s.hook;
    p(
      `Hook as a fresh process (${h.rounds} interleaved rounds; cold first call after init ${h.coldFirstCallMs} ms)`,
    );
    p(
      table(
        ['call', 'p50 ms', 'p90 ms', 'mean ms', 'ratio p50', 'ratio p90', 'peak RSS MiB', 'target'],
        Object.entries(h.latency).map(([name, l]) => [
          name,
          l.p50,
          l.p90,
          l.mean,
          l.ratioP50 ?? '1.00',
          l.ratioP90 ?? '1.00',
          h.rss[name].maxMb,
          name.startsWith('hook ') ? `<= ${TARGETS.hookRatio}x, <= ${TARGETS.hookPeakRssMb} MiB` : '',
        ]),
      ),
    );
    if (h.unexpectedAnswers.length) p(`  UNEXPECTED hook answers: ${JSON.stringify(h.unexpectedAnswers)}`);
    p('');
  }
  p('In-process engine');
  p(
    table(
      ['corpus', 'cases', 'decisions/s', 'us p50', 'us p99', 'us max', 'target'],
      Object.entries(s.throughput).map(([n, t]) => [
        n,
        t.cases,
        t.decisionsPerSec,
        t.usP50,
        t.usP99,
        t.usMax,
        `>= ${TARGETS.decisionsPerSec}/s`,
      ]),
    ),
  );
  p('');
  if (s.ledger) {
    const l = s.ledger;
    p('Ledger (bench/ledger.mjs, 8 writers)');
    p(
      l.error
        ? `  ${l.error}`
        : table(
            [
              'events',
              'events/s',
              'commit p50 ms',
              'commit p99 ms',
              'commit max ms',
              'open p50 ms',
              'peak RSS MiB',
              'target',
            ],
            [
              [
                l.events,
                l.eventsPerSec,
                l.commitMsP50,
                l.commitMsP99,
                l.commitMsMax,
                l.openMsP50,
                l.peakRssMb,
                `>= ${TARGETS.ledgerEventsPerSec}/s`,
              ],
            ],
          ),
    );
    p('');
  }
  if (s.peers.skipped) {
    p(`Peer corpora: skipped (${s.peers.skipped})`);
  } else {
    p('Peer corpora (ours in-process; block = deny or ask)');
    p(
      table(
        [
          'corpus',
          'cases',
          'agree',
          'must-block caught',
          'deny',
          'ask',
          'missed',
          'must-allow blocked',
          'deny',
          'ask',
          'errors',
        ],
        Object.entries(s.peers.corpora).map(([n, c]) => [
          n,
          c.cases,
          `${c.agreePct} %`,
          `${c.caught}/${c.mustBlock}`,
          c.caughtDeny,
          c.caughtAsk,
          c.missed,
          `${c.wronglyBlocked}/${c.mustAllow}`,
          c.wronglyDeny,
          c.wronglyAsk,
          c.errors,
        ]),
      ),
    );
    p(`disagreements: ${s.peers.disagreements} in ${s.peers.disagreementsFile}`);
    for (const corpus of Object.keys(s.peers.corpora)) {
      const misses = list.filter((d) => d.corpus === corpus && d.kind === 'missed');
      p('');
      p(`${corpus}: must-block cases we allow (first ${Math.min(show, misses.length)} of ${misses.length})`);
      for (const d of misses.slice(0, show)) p(`  ${d.rule.padEnd(28)} ${oneLine(d.command)}`);
    }
    const wrong = list.filter((d) => d.kind.startsWith('wrongly-'));
    p('');
    p(`must-allow cases we block (first ${Math.min(show, wrong.length)} of ${wrong.length})`);
    for (const d of wrong.slice(0, show))
      p(`  ${d.corpus.padEnd(14)} ${d.verdict.padEnd(5)} ${d.rule.padEnd(30)} ${oneLine(d.command)}`);
  }
  p('');
  process.stdout.write(`${lines.join('\n')}\n`);
}

function table(head, rows) {
  const cells = [head, ...rows].map((r) => r.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const fmt = (r) =>
    `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  return [fmt(cells[0]), `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...cells.slice(1).map(fmt)].join(
    '\n',
  );
}

function oneLine(s) {
  const t = s.replace(/\n/g, '\\n');
  return t.length > 110 ? `${t.slice(0, 107)}...` : t;
}

// Which code was measured: others may be editing src/ while the bench runs. Read-only git only.
function source() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return { commit: 'unknown' };
  const dirty = git('status', '--porcelain', '--', 'src', 'test/helpers')
    .stdout.split('\n')
    .filter(Boolean).length;
  return { commit: head.stdout.trim(), uncommittedSrcFiles: dirty, at: new Date().toISOString() };
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpus: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memGb: round(os.totalmem() / 1024 ** 3),
    loadavg: os.loadavg().map(round),
  };
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  return {
    n: v.length,
    min: round(v[0]),
    p50: round(quantile(v, 0.5)),
    p90: round(quantile(v, 0.9)),
    max: round(v.at(-1)),
    mean: round(v.reduce((a, b) => a + b, 0) / v.length),
  };
}

function quantile(sorted, q) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function round(n) {
  return Math.round(n * 100) / 100;
}
