#!/usr/bin/env node
// `agent-sre postmortem` over one long session: builds a 100k-event ledger in a temp project through the
// store's own commit path (tool calls with effects, test runs, denials that raise incidents, acceptance
// checks, blocked stops and a gate.exhausted at the end), then times the built CLI drafting the postmortem
// (process start included), and `evidence` and `report` for comparison. Prints one JSON line.
//
//   node bench/postmortem.mjs [--events 100000] [--runs 3] [--max-ms 5000]
//
// Needs dist/ (npm run build). With --max-ms, exits 1 when the slowest postmortem run is over it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'agent-sre.js');
const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'max-ms': { type: 'string', default: '5000' },
  },
});
const EVENTS = Number(values.events);
const SESSION = 'bench-long-session';

// The fixture builder runs from src/ (bundled), so it uses the ledger and incident code the CLI uses.
const ENTRY = `
import { openSqliteStore } from './src/adapters/store/sqlite.ts';
import { raiseSignals } from './src/app/incidents.ts';
import { loadPolicy } from './src/config/load.ts';
export { openSqliteStore, raiseSignals, loadPolicy };
`;

async function build(dir) {
  const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-bench');
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'pm-'));
  try {
    const { build: esbuild } = await import('esbuild');
    const bundle = join(work, 'fixture.mjs');
    await esbuild({
      stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' },
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3', 'yaml', 'zod'],
      logLevel: 'silent',
    });
    const { openSqliteStore, raiseSignals, loadPolicy } = await import(pathToFileURL(bundle).href);
    const loaded = loadPolicy(undefined, 'agent-sre.yaml');
    if (!loaded.ok) throw new Error('the default policy did not load');
    const paging = loaded.policy.paging;
    const store = openSqliteStore(join(dir, '.agent-sre', 'ledger.db'));
    const t0 = Date.UTC(2026, 2, 10, 8, 0, 0);
    let state;
    let streak = 0;
    const event = (i, over) => ({
      v: 1,
      ts: t0 + i * 1000,
      sessionId: SESSION,
      event: 'PreToolUse',
      tool: 'Bash',
      toolUseId: `toolu_${i}`,
      agentId: null,
      tier: 1,
      verdict: 'allow',
      rule: 'default',
      reason: null,
      effects: [],
      durationMs: 3,
      input: JSON.stringify({ command: 'ls -la src', description: 'look' }),
      ...over,
    });
    for (let i = 0; i < EVENTS; i++) {
      const file = `${dir}/src/module-${i % 400}.ts`;
      const kind = i % 10;
      let ev;
      let signal = null;
      if (i === 0)
        ev = event(i, {
          event: 'SessionStart',
          tool: null,
          tier: null,
          verdict: null,
          rule: null,
          input: null,
        });
      else if (i === EVENTS - 1)
        ev = event(i, {
          event: 'Stop',
          tool: null,
          tier: null,
          verdict: 'allow',
          rule: 'gate.exhausted',
          reason: 'gave up',
        });
      else if (i % 997 === 0) {
        ev = event(i, {
          tier: 4,
          verdict: 'deny',
          rule: 'fs.delete-outside-project',
          input: JSON.stringify({ command: `rm -rf ~/scratch-${i}` }),
        });
        signal = {
          kind: 'tier4.denied',
          rule: 'fs.delete-outside-project',
          key: `fs.delete-outside-project`,
        };
      } else if (i % 500 === 0)
        ev = event(i, {
          event: 'PostToolUseFailure',
          reason: 'FAIL test/a.test.ts\n1 failed',
          input: JSON.stringify({ command: 'npm test' }),
        });
      else if (i % 250 === 0)
        ev = event(i, { event: 'PostToolUse', input: JSON.stringify({ command: 'npm test' }) });
      else if (i % 5000 === 1)
        ev = event(i, {
          event: 'check.result',
          tool: null,
          verdict: 'deny',
          rule: 'tests',
          reason: '`npm test` exited 1\n1 failed',
        });
      else if (kind === 3)
        ev = event(i, {
          tool: 'Edit',
          tier: 2,
          input: JSON.stringify({ file_path: file, old_string: 'a', new_string: 'b' }),
        });
      else if (kind === 4)
        ev = event(i, {
          event: 'PostToolUse',
          tool: 'Edit',
          tier: null,
          verdict: null,
          rule: null,
          effects: [{ kind: 'write', path: file, zone: 'project', tags: [], origin: `edit: ${file}` }],
          input: JSON.stringify({ file_path: file }),
        });
      else if (kind % 2 === 0) ev = event(i, { event: 'PostToolUse', tier: null, verdict: null, rule: null });
      else ev = event(i, {});
      streak = ev.verdict === 'deny' ? streak + 1 : ev.event === 'PreToolUse' ? 0 : streak;
      await store.commit({
        sessionId: SESSION,
        now: ev.ts,
        files: kind === 4 ? [file] : [],
        apply(prev, newFiles, tx) {
          const s = prev ?? {
            sessionId: SESSION,
            startedAt: t0,
            endedAt: null,
            cwd: dir,
            status: 'active',
            consecutiveDenials: 0,
            totalDenials: 0,
            usage: {
              toolCalls: 0,
              filesTouched: 0,
              linesAdded: 0,
              linesRemoved: 0,
              externalCalls: 0,
              subagents: 0,
            },
          };
          if (signal)
            raiseSignals(
              tx,
              [
                {
                  ...signal,
                  project: dir,
                  sessionId: SESSION,
                  summary: `Denied rm -rf (${i})`,
                  details: {},
                  at: ev.ts,
                },
              ],
              paging,
            );
          state = {
            ...s,
            totalDenials: s.totalDenials + (ev.verdict === 'deny' && ev.event === 'PreToolUse' ? 1 : 0),
            usage: {
              ...s.usage,
              toolCalls: s.usage.toolCalls + (ev.event.startsWith('PostToolUse') ? 1 : 0),
              filesTouched: s.usage.filesTouched + newFiles,
              linesAdded: s.usage.linesAdded + (kind === 4 ? 1 : 0),
              linesRemoved: s.usage.linesRemoved + (kind === 4 ? 1 : 0),
            },
          };
          return { state, event: ev, result: undefined };
        },
      });
    }
    await store.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function time(args, dir) {
  const start = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args, '--dir', dir], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // The temp dir may sit inside some repository: git must not read that one's history.
    env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(dir), AGENT_SRE_DELIVERY: 'off' },
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`agent-sre ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const round = (n) => Math.round(n);
const dir = mkdtempSync(join(tmpdir(), 'agent-sre-bench-pm-'));
try {
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  const b0 = performance.now();
  await build(dir);
  const buildMs = performance.now() - b0;
  const runs = [];
  for (let i = 0; i < Number(values.runs); i++)
    runs.push(time(['postmortem', SESSION, '--out', join(dir, 'pm.md')], dir));
  runs.sort((a, b) => a - b);
  const evidenceMs = time(['evidence', SESSION, '--json'], dir);
  const reportMs = time(['report', '--since', '3650d', '--json'], dir);
  const max = Number(values['max-ms']);
  const result = {
    bench: 'postmortem',
    events: EVENTS,
    buildSeconds: Math.round(buildMs / 100) / 10,
    postmortemMs: {
      median: round(runs[Math.floor(runs.length / 2)]),
      max: round(runs.at(-1)),
      runs: runs.map(round),
    },
    evidenceJsonMs: round(evidenceMs),
    reportMs: round(reportMs),
    targetMs: max,
    ok: runs.at(-1) < max,
    // Wall time includes waiting for a CPU: compare with the load and the CPU count.
    cpus: cpus().length,
    loadavg: loadavg().map((n) => Math.round(n * 100) / 100),
  };
  console.log(JSON.stringify(result));
  if (!result.ok) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
