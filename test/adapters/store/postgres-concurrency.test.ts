// Several machines write one team database at once: each "machine" here is its own node process with
// its own store (worker thread and connection), running the bundled adapter as dist/ would.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPostgresStore } from '../../../src/adapters/store/postgres.ts';
import { page } from '../../fixtures/incidents.ts';
import { describePg, usePgDatabase } from '../../helpers/postgres.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MACHINES = 4;
const PER_MACHINE = 60;
const PAGES = 120;

// `commit`: even commits go to the shared session and raise, or add an alert to, the one open incident
// for the same problem; odd ones go to the machine's own session. `claim`: take due pages until none
// are left and print which. Both wait for "go" on stdin so the machines really start together.
const MACHINE_SCRIPT = `
import { openPostgresStore } from './postgres.mjs';

const [url, id, mode, count] = process.argv.slice(2);
const store = await openPostgresStore(url, { timeoutMs: 20000 });
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const startedAt = Date.now();
const out = [];
if (mode === 'commit') {
  for (let i = 0; i < Number(count); i++) {
    const shared = i % 2 === 0;
    const sessionId = shared ? 'shared' : 'own-' + id;
    await store.commit({
      sessionId,
      now: 1,
      files: ['/f/' + (i % 5), '/m' + id + '/' + i],
      apply(prev, newFiles, tx) {
        const base = prev ?? {
          sessionId, startedAt: 1, endedAt: null, cwd: '/p', status: 'active', consecutiveDenials: 0, totalDenials: 0,
          usage: { toolCalls: 0, filesTouched: 0, linesAdded: 0, linesRemoved: 0, externalCalls: 0, subagents: 0 },
        };
        if (shared) {
          const open = tx.incidentByDedup('same-problem');
          if (open) tx.saveIncident({ ...open, alertCount: open.alertCount + 1 });
          else {
            const incId = 'INC-' + tx.nextSeq('incident');
            tx.saveIncident({ id: incId, dedupKey: 'same-problem', state: 'triggered', sessionId, alertCount: 1,
              milestones: { detectedAt: 1 } });
            tx.enqueue([{ page: { key: incId + '/pd/trigger', channel: 'pd', incidentId: incId }, notBefore: 1 }]);
          }
        }
        const state = {
          ...base,
          usage: { ...base.usage, toolCalls: base.usage.toolCalls + 1, filesTouched: base.usage.filesTouched + newFiles },
        };
        const event = {
          v: 1, ts: Date.now(), sessionId, event: 'PreToolUse', tool: 'Bash', toolUseId: id + ':' + i, agentId: id,
          tier: 1, verdict: 'allow', rule: null, reason: null, effects: [], durationMs: null, input: String(i),
        };
        return { state, event, result: undefined };
      },
    });
  }
} else {
  for (;;) {
    const got = await store.transact(1000, (tx) => tx.claimDue('w' + id, 600000, 3));
    if (got.length === 0) break;
    await store.transact(1000, (tx) => { for (const r of got) tx.settle(r.id, 'w' + id, { status: 'delivered', detail: null }); });
    out.push(...got.map((r) => r.page.key));
  }
}
const endedAt = Date.now();
await store.close();
process.stdout.write(JSON.stringify({ startedAt, endedAt, out }) + '\\n');
`;

interface Run {
  startedAt: number;
  endedAt: number;
  out: string[];
}

describePg('postgres store with several machines at once', () => {
  const db = usePgDatabase();
  let work: string;

  beforeAll(async () => {
    // Inside the project so the bundle's `import 'pg'` resolves to our node_modules.
    const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-test');
    await mkdir(cache, { recursive: true });
    work = await mkdtemp(join(cache, 'pg-'));
    await build({
      entryPoints: [join(ROOT, 'src/adapters/store/postgres.ts')],
      outfile: join(work, 'postgres.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['pg', 'better-sqlite3'],
      logLevel: 'silent',
    });
    // Beside the bundle, as the build puts it beside dist/'s entry points.
    await copyFile(join(ROOT, 'src/adapters/store/pg-worker.mjs'), join(work, 'pg-worker.mjs'));
    await writeFile(join(work, 'machine.mjs'), MACHINE_SCRIPT);
  });

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function machines(mode: 'commit' | 'claim', count: number): Promise<Run[]> {
    const children = Array.from({ length: MACHINES }, (_, id) =>
      spawn(process.execPath, [join(work, 'machine.mjs'), db.url(), String(id), mode, String(count)], {
        cwd: work,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const runs = children.map((child) => {
      let out = '';
      let err = '';
      child.stderr.on('data', (c: Buffer) => {
        err += c;
      });
      const ready = new Promise<void>((resolve) => {
        child.stdout.on('data', (c: Buffer) => {
          out += c;
          if (out.startsWith('ready\n')) resolve();
        });
        child.on('close', () => resolve());
      });
      const done = new Promise<Run>((resolve, reject) => {
        child.on('close', (code) => {
          if (code !== 0) reject(new Error(`machine exited with ${code}: ${err || out}`));
          else resolve(JSON.parse(out.slice('ready\n'.length)) as Run);
        });
      });
      return { ready, done };
    });
    await Promise.all(runs.map((r) => r.ready));
    for (const child of children) child.stdin.end('go\n');
    const times = await Promise.all(runs.map((r) => r.done));
    // The machines really overlapped; otherwise this would prove nothing about concurrency.
    expect(Math.max(...times.map((t) => t.startedAt))).toBeLessThan(Math.min(...times.map((t) => t.endedAt)));
    return times;
  }

  it('loses no commit, no file sighting and raises one incident for one problem', {
    timeout: 120_000,
  }, async () => {
    await db.reset();
    await machines('commit', PER_MACHINE);
    const shared = MACHINES * (PER_MACHINE / 2);
    const [s] = await db.query<{ tool_calls: number; event_count: number; files_touched: number }>(
      "SELECT tool_calls::int, event_count::int, files_touched::int FROM sessions WHERE session_id = 'shared'",
    );
    expect(s).toEqual({ tool_calls: shared, event_count: shared, files_touched: 5 + shared });
    const own = await db.query<{ tool_calls: number }>(
      "SELECT tool_calls::int FROM sessions WHERE session_id LIKE 'own-%'",
    );
    expect(own.map((r) => r.tool_calls)).toEqual(Array(MACHINES).fill(PER_MACHINE / 2));
    const [events] = await db.query<{ n: number; ids: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT tool_use_id)::int AS ids FROM events',
    );
    expect(events).toEqual({ n: MACHINES * PER_MACHINE, ids: MACHINES * PER_MACHINE });
    // Same dedup key from every machine: one incident, every alert counted on it, one page.
    const incidents = await db.query<{ data: string }>('SELECT data FROM incidents');
    expect(incidents).toHaveLength(1);
    expect(JSON.parse(incidents[0]!.data)).toMatchObject({ id: 'INC-1', alertCount: shared });
    expect(await db.query('SELECT key FROM outbox')).toEqual([{ key: 'INC-1/pd/trigger' }]);
  });

  it('hands each due page to one machine only', { timeout: 120_000 }, async () => {
    await db.reset();
    const store = await openPostgresStore(db.url());
    await store.transact(1000, (tx) =>
      tx.enqueue(
        Array.from({ length: PAGES }, (_, i) => ({
          page: page(`p${i}`, { incidentId: `INC-${i}` }),
          notBefore: 0,
        })),
      ),
    );
    await store.close();
    const runs = await machines('claim', 0);
    const claimed = runs.flatMap((r) => r.out);
    expect(claimed).toHaveLength(PAGES);
    expect(new Set(claimed).size).toBe(PAGES);
    // Every machine got some: they claimed side by side instead of queueing behind one lock.
    expect(runs.filter((r) => r.out.length > 0).length).toBeGreaterThan(1);
  });
});
