// What a guard's hooks cost per tool call in the real client: the pinned Claude Code (scripts/claude-code.mjs)
// run headless against the scripted stand-in (test/real), a session of CALLS Bash calls (one per model
// turn), in interleaved rounds with:
//   none      no hooks
//   ccsn      cc-safety-net 2.4.5's PreToolUse hook (installed into a scratch dir, never a dependency)
//   command   agent-sre init --no-fold (synchronous command hooks: PreToolUse, PostToolUse and PostToolBatch
//             each start a process)
//   fold      agent-sre init, the default (PreToolUse blocks; PostToolBatch async; no PostToolUse hook, the
//             calls are recorded from the transcript)
//   http      agent-sre init --http with agent-sre serve --http (PreToolUse over HTTP, PostToolBatch async:
//             no blocking process per tool call)
//   httpnull  the same entries pointed at a server that answers every hook with an empty 200 at once:
//             what Claude Code's own HTTP hook dispatch costs, the floor under the http row (not default)
// Each round runs, per mode, a session of CALLS calls and a session of one call. The per-call overhead is
// the slope, (median wall(CALLS) - median wall(1)) / (CALLS - 1), less the same slope without hooks: what
// each further tool call costs, free of the once-per-session hooks (SessionStart, the Stop gate, SessionEnd,
// a cold first call), which are reported apart as the session overhead. The projects' policy switches the
// acceptance checks off (acceptance.runbook: false), so the Stop gate times the hook, not `npm test`.
//
//   node bench/real-client.mjs [--rounds 3] [--calls 20] [--modes none,ccsn,command,fold,http] [--json]
// Also run by bench/run.mjs (skip with --skip-real).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
export const CCSN_VERSION = '2.4.5';
const ALL_MODES = ['none', 'ccsn', 'command', 'fold', 'http'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round1 = (n) => Math.round(n * 10) / 10;

/**
 * The harness is TypeScript: bundle it to bench/out/, two levels below the repository like test/real/, so
 * its own paths (../../bin/agent-sre.js) still resolve.
 */
async function loadHarness() {
  mkdirSync(OUT, { recursive: true });
  const entry = join(OUT, 'real-entry.ts');
  writeFileSync(
    entry,
    "export * from '../../test/real/harness.ts';\nexport * from '../../test/real/stand-in.ts';\n",
  );
  const outfile = join(OUT, 'real-harness.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** cc-safety-net, installed once into a cache dir outside the repository (npm's own client, no scripts). */
export function installCcsn() {
  const dir = join(
    process.env.XDG_CACHE_HOME || join(os.homedir(), '.cache'),
    'agent-sre',
    `cc-safety-net-${CCSN_VERSION}`,
  );
  const bin = join(dir, 'node_modules', 'cc-safety-net', 'dist', 'bin', 'cc-safety-net.js');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        dir,
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        `cc-safety-net@${CCSN_VERSION}`,
      ],
      { encoding: 'utf8', timeout: 300_000 },
    );
    if (r.status !== 0 || !existsSync(bin)) throw new Error(`npm install cc-safety-net failed: ${r.stderr}`);
  }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function startServe(h, project, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [h.BIN, 'serve', '--hooks-only', '--port', String(port)], {
      cwd: project.dir,
      env: { PATH: process.env.PATH, HOME: project.home, XDG_CONFIG_HOME: join(project.home, '.config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const t = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 15_000);
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      if (out.includes('answering Claude Code HTTP hooks')) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c) => {
      out += c;
    });
  });
}

const stop = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

/** Per hook event, the durations of blocking hook processes the client logged. */
function hookDurations(run) {
  const out = {};
  for (const line of run.hookLog) {
    const m = /Hooks: ([\w:]+) \[.*\] finished with status \d+ \((\d+)ms\)/.exec(line);
    if (!m) continue;
    const event = m[1].split(':')[0];
    out[event] = [...(out[event] ?? []), Number(m[2])];
  }
  return out;
}

/** One session of `calls` Bash calls in a fresh project set up for `mode`. */
async function session(h, mode, calls, ccsnBin) {
  const project = h.createProject({
    init: mode !== 'none' && mode !== 'ccsn',
    // Plain `init` is the folded default (the fold row); `command` is the old synchronous layout.
    ...(mode === 'command' ? { initArgs: ['--no-fold'] } : {}),
    ...(mode === 'none' || mode === 'ccsn' ? {} : { policy: 'acceptance:\n  runbook: false' }),
  });
  let serve;
  const env = {};
  try {
    if (mode === 'ccsn') {
      mkdirSync(join(project.dir, '.claude'), { recursive: true });
      writeFileSync(
        join(project.dir, '.claude', 'settings.json'),
        `${JSON.stringify(
          {
            hooks: {
              PreToolUse: [
                {
                  hooks: [
                    { type: 'command', command: process.execPath, args: [ccsnBin, 'hook', '--claude-code'] },
                  ],
                },
              ],
            },
          },
          null,
          2,
        )}\n`,
      );
    }
    if (mode === 'httpnull') {
      const port = await freePort();
      const r = await h.agentSre(project, ['init', '--yes', '--http', '--port', String(port)]);
      if (r.status !== 0) throw new Error(`init --http: ${r.stderr}`);
      env.AGENT_SRE_TOKEN = '0'.repeat(64);
      const nullServer = createHttpServer((req, res) => {
        req.resume();
        req.on('end', () => res.end(''));
      });
      await new Promise((resolve) => nullServer.listen(port, '127.0.0.1', resolve));
      serve = {
        exitCode: null,
        once: (_e, f) => nullServer.close(f),
        kill: () => nullServer.closeAllConnections(),
      };
    }
    if (mode === 'http') {
      const port = await freePort();
      const r = await h.agentSre(project, ['init', '--yes', '--http', '--port', String(port)]);
      if (r.status !== 0) throw new Error(`init --http: ${r.stderr}`);
      env.AGENT_SRE_TOKEN = (await h.agentSre(project, ['serve', '--print-token'])).stdout.trim();
      serve = await startServe(h, project, port);
      // A per-user service is warm in steady state: one request loads the parser and the policy (untimed).
      await fetch(`http://127.0.0.1:${port}/agent-sre/v1/hook?project=${encodeURIComponent(project.dir)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${env.AGENT_SRE_TOKEN}` },
        body: JSON.stringify({
          session_id: 'bench-warmup',
          transcript_path: '',
          cwd: project.dir,
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: { command: 'ls' },
          tool_use_id: 'toolu_warm',
        }),
      });
    }
    const script = [
      ...Array.from({ length: calls }, (_, i) => h.tools(h.bash(`echo step-${i}`, `toolu_b${i}`))),
      h.say('Done.'),
    ];
    const run = await h.runClaude(project, { prompt: 'Run the steps.', script, timeoutMs: 300_000, env });
    if (run.code !== 0 || run.standIn.stepsServed !== calls + 1)
      throw new Error(`${mode}: the session did not run every step\n${h.explain(run)}`);
    return { wallMs: run.wallMs, hooks: hookDurations(run) };
  } finally {
    if (serve) await stop(serve);
    project.dispose();
  }
}

export async function realClientBench({
  rounds = 3,
  calls = 20,
  modes = ALL_MODES,
  log = () => undefined,
} = {}) {
  const installer = spawnSync(process.execPath, [join(ROOT, 'scripts', 'claude-code.mjs')], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (installer.status !== 0) throw new Error(`scripts/claude-code.mjs failed: ${installer.stderr}`);
  process.env.AGENT_SRE_CLAUDE_BIN ||= installer.stdout.trim().split('\n').pop();
  const h = await loadHarness();
  const ccsnBin = modes.includes('ccsn') ? installCcsn() : undefined;
  const wall = Object.fromEntries(modes.map((m) => [m, []]));
  const wall1 = Object.fromEntries(modes.map((m) => [m, []]));
  const perEvent = Object.fromEntries(modes.map((m) => [m, {}]));
  const loadStart = os.loadavg().map(round1);
  for (let r = 0; r < rounds; r++) {
    // Rotate the order every round so drift in the machine's load spreads over all modes.
    const order = modes.map((_, i) => modes[(i + r) % modes.length]);
    for (const mode of order) {
      const s = await session(h, mode, calls, ccsnBin);
      wall[mode].push(s.wallMs);
      for (const [event, ms] of Object.entries(s.hooks))
        perEvent[mode][event] = [...(perEvent[mode][event] ?? []), ...ms];
      const one = await session(h, mode, 1, ccsnBin);
      wall1[mode].push(one.wallMs);
      log(`round ${r + 1}/${rounds} ${mode}: ${s.wallMs} ms (${calls} calls), ${one.wallMs} ms (1 call)`);
    }
  }
  const slope = (mode) => (median(wall[mode]) - median(wall1[mode])) / (calls - 1);
  const baseSlope = slope('none');
  const base1 = median(wall1.none ?? []);
  const result = {
    client: spawnSync(process.env.AGENT_SRE_CLAUDE_BIN, ['--version'], { encoding: 'utf8' }).stdout.trim(),
    ccSafetyNet: CCSN_VERSION,
    rounds,
    calls,
    loadavgStart: loadStart,
    loadavgEnd: os.loadavg().map(round1),
    modes: {},
  };
  for (const mode of modes) {
    const m = median(wall[mode]);
    const perCall = mode === 'none' ? 0 : round1(slope(mode) - baseSlope);
    result.modes[mode] = {
      wallMs: wall[mode],
      medianMs: m,
      wallMs1: wall1[mode],
      medianMs1: median(wall1[mode]),
      overheadPerCallMs: perCall,
      // What the session costs once: the one-call session's overhead less that call.
      sessionOverheadMs: mode === 'none' ? 0 : Math.round(median(wall1[mode]) - base1 - perCall),
      hookMs: Object.fromEntries(
        Object.entries(perEvent[mode]).map(([e, ms]) => [
          e,
          { n: ms.length, median: median(ms), max: Math.max(...ms) },
        ]),
      ),
    };
  }
  const ccsn = result.modes.ccsn?.overheadPerCallMs;
  if (ccsn !== undefined) {
    result.targets = {
      'fold <= ccsn': result.modes.fold ? result.modes.fold.overheadPerCallMs <= ccsn : undefined,
      'command <= ccsn': result.modes.command ? result.modes.command.overheadPerCallMs <= ccsn : undefined,
      'http <= 10% of ccsn': result.modes.http
        ? result.modes.http.overheadPerCallMs <= 0.1 * ccsn
        : undefined,
    };
  }
  return result;
}

export function printRealClient(r) {
  const lines = [
    `Real client (${r.client}), ${r.calls} Bash calls per session, ${r.rounds} interleaved rounds, load ${r.loadavgStart.join(' ')} -> ${r.loadavgEnd.join(' ')}`,
    `| mode | wall ms, ${r.calls}-call sessions (median; all) | wall ms, 1-call sessions (median) | overhead per tool call ms | once per session ms | blocking hook processes: n, median ms by event |`,
    '|---|---|---|---|---|---|',
  ];
  for (const [mode, m] of Object.entries(r.modes))
    lines.push(
      `| ${mode} | ${m.medianMs} (${m.wallMs.join(', ')}) | ${m.medianMs1} | ${m.overheadPerCallMs} | ${m.sessionOverheadMs} | ${
        Object.entries(m.hookMs)
          .map(([e, s]) => `${e} n=${s.n} ${s.median}`)
          .join('; ') || '-'
      } |`,
    );
  if (r.targets) lines.push(`targets: ${JSON.stringify(r.targets)}`);
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      calls: { type: 'string', default: '20' },
      modes: { type: 'string', default: ALL_MODES.join(',') },
      json: { type: 'boolean', default: false },
    },
  });
  const r = await realClientBench({
    rounds: Number(values.rounds),
    calls: Number(values.calls),
    modes: values.modes.split(','),
    log: (m) => process.stderr.write(`bench: ${m}\n`),
  });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'real-client.json'), `${JSON.stringify(r, null, 2)}\n`);
  if (!values.json) console.log(printRealClient(r));
  console.log(JSON.stringify(r));
}
