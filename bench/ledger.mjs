#!/usr/bin/env node
// Ledger throughput with several writer processes on one SQLite file, as when parallel tool calls,
// subagents or several agents share a project. Prints one JSON line.
//
//   node bench/ledger.mjs [--writers 8] [--events 1000] [--min 2000]
//
// --events is per writer. With --min, exits 1 when eventsPerSec falls below it.
// The adapter is bundled from src/ with esbuild, so this runs with or without `npm run build`.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

if (process.argv[2] === '--writer') {
  await writer(...process.argv.slice(3));
} else {
  await main();
}

async function main() {
  const { values } = parseArgs({
    options: {
      writers: { type: 'string', default: '8' },
      events: { type: 'string', default: '1000' },
      min: { type: 'string' },
    },
  });
  const writers = Number(values.writers);
  const perWriter = Number(values.events);

  // Inside the project so the bundle's `import 'better-sqlite3'` resolves to our node_modules.
  const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-bench');
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(join(cache, 'ledger-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'agent-sre-bench-'));
  try {
    const { build } = await import('esbuild');
    const bundle = join(work, 'sqlite.mjs');
    await build({
      entryPoints: [join(ROOT, 'src/adapters/store/sqlite.ts')],
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    const file = join(dataDir, 'ledger.db');
    // Set the file up first, so the writers' open time is the path a hook takes on every tool call.
    const { openSqliteStore } = await import(pathToFileURL(bundle).href);
    await openSqliteStore(file).close();

    const children = Array.from({ length: writers }, (_, id) =>
      spawn(process.execPath, [SELF, '--writer', bundle, file, String(id), String(perWriter)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    const runs = children.map(collect);
    // A start barrier, so node's startup time is not mistaken for ledger time.
    await Promise.all(runs.map((r) => r.ready));
    const t0 = performance.now();
    for (const child of children) child.stdin.end('go\n');
    const reports = await Promise.all(runs.map((r) => r.done));
    const seconds = (performance.now() - t0) / 1000;

    const events = writers * perWriter;
    const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const opens = reports.map((r) => r.openMs).sort((a, b) => a - b);
    const result = {
      bench: 'ledger',
      writers,
      events,
      eventsPerSec: Math.round(events / seconds),
      seconds: round(seconds),
      commitMsP50: round(quantile(latencies, 0.5)),
      commitMsP99: round(quantile(latencies, 0.99)),
      commitMsMax: round(latencies.at(-1) ?? 0),
      openMsP50: round(quantile(opens, 0.5)),
      peakRssMb: round(Math.max(...reports.map((r) => r.maxRssKb)) / 1024),
    };
    console.log(JSON.stringify(result));
    if (values.min !== undefined && result.eventsPerSec < Number(values.min)) process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  }
}

function collect(child) {
  let out = '';
  let signalReady;
  const ready = new Promise((resolve) => {
    signalReady = resolve;
  });
  child.stdout.on('data', (chunk) => {
    out += chunk;
    if (out.startsWith('ready\n')) signalReady();
  });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`writer exited with ${code}`));
      else resolve(JSON.parse(out.slice('ready\n'.length)));
    });
  });
  done.catch(() => signalReady());
  return { ready, done };
}

// A hook-shaped commit: a session counter, a file or two, and an event carrying effects and input.
async function writer(bundle, file, id, count) {
  const { openSqliteStore } = await import(pathToFileURL(bundle).href);
  // Includes better-sqlite3 loading its native addon on first use, which every hook process pays too.
  const openStart = performance.now();
  const store = openSqliteStore(file);
  const openMs = performance.now() - openStart;
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));

  const latencies = [];
  for (let i = 0; i < Number(count); i++) {
    const sessionId = i % 4 === 0 ? 'shared' : `session-${id}`;
    const path = `/work/project/src/file-${i % 64}.ts`;
    const start = performance.now();
    await store.commit({
      sessionId,
      files: [path],
      apply(prev, newFiles) {
        const base = prev ?? {
          sessionId,
          startedAt: Date.now(),
          endedAt: null,
          cwd: '/work/project',
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
        const state = {
          ...base,
          usage: {
            ...base.usage,
            toolCalls: base.usage.toolCalls + 1,
            filesTouched: base.usage.filesTouched + newFiles,
          },
        };
        const event = {
          v: 1,
          ts: Date.now(),
          sessionId,
          event: 'PreToolUse',
          tool: 'Edit',
          toolUseId: `toolu_${id}_${i}`,
          agentId: null,
          tier: 2,
          verdict: 'allow',
          rule: 'fs.write-project',
          reason: 'writes inside the project',
          effects: [{ kind: 'write', tags: [], origin: 'Edit', path, zone: 'project' }],
          durationMs: 1.5,
          input: JSON.stringify({ file_path: path, old_string: 'a'.repeat(80), new_string: 'b'.repeat(120) }),
        };
        return { state, event, result: undefined };
      },
    });
    latencies.push(performance.now() - start);
  }
  await store.close();
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ openMs, latencies, maxRssKb })}\n`);
}

function quantile(sorted, q) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function round(n) {
  return Math.round(n * 100) / 100;
}
