// Many hook processes write one ledger at once in real use (parallel tool calls, subagents, several agents
// in one project). This runs the bundled adapter in separate node processes against one fresh file.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WRITERS = 8;
const PER_WRITER = 250;
const COMMON_FILES = 40;

// Even commits go to the shared session, odd ones to the writer's own. Shared commits cycle through
// COMMON_FILES paths every writer uses, and every 10th commit also touches a path only this writer uses.
const WRITER_SCRIPT = `
import { openSqliteStore } from './sqlite.mjs';

const [file, id, count] = process.argv.slice(2);
const store = openSqliteStore(file);
process.stdout.write('ready\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const startedAt = Date.now();
for (let i = 0; i < Number(count); i++) {
  const shared = i % 2 === 0;
  const sessionId = shared ? 'shared' : 'own-' + id;
  const files = shared
    ? ['/common/' + ((i / 2) % ${COMMON_FILES}), ...(i % 10 === 0 ? ['/w' + id + '/' + i] : [])]
    : ['/own/' + (i % 7)];
  await store.commit({
    sessionId,
    files,
    apply(prev, newFiles) {
      const base = prev ?? {
        sessionId, startedAt: 1, endedAt: null, cwd: '/p', status: 'active', consecutiveDenials: 0, totalDenials: 0,
        usage: { toolCalls: 0, filesTouched: 0, linesAdded: 0, linesRemoved: 0, externalCalls: 0, subagents: 0 },
      };
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
const endedAt = Date.now();
await store.close();
process.stdout.write(JSON.stringify({ startedAt, endedAt }) + '\\n');
`;

interface Run {
  startedAt: number;
  endedAt: number;
}

function collect(child: ReturnType<typeof spawn>): { ready: Promise<void>; done: Promise<Run> } {
  let out = '';
  let err = '';
  let signalReady: () => void;
  const ready = new Promise<void>((resolve) => {
    signalReady = resolve;
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk;
    if (out.startsWith('ready\n')) signalReady();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk;
  });
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`writer exited with ${code}: ${err || out}`));
      else resolve(JSON.parse(out.slice('ready\n'.length)) as Run);
    });
  });
  // A writer that dies before signalling must not leave the barrier waiting forever.
  done.catch(() => signalReady());
  return { ready, done };
}

describe('sqlite ledger with concurrent writer processes', () => {
  let work: string;
  let dataDir: string;

  beforeAll(async () => {
    // Inside the project so the bundle's `import 'better-sqlite3'` resolves to our node_modules.
    const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-test');
    await mkdir(cache, { recursive: true });
    work = await mkdtemp(join(cache, 'ledger-'));
    dataDir = await mkdtemp(join(tmpdir(), 'agent-sre-ledger-mp-'));
    await build({
      entryPoints: [join(ROOT, 'src/adapters/store/sqlite.ts')],
      outfile: join(work, 'sqlite.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: ['better-sqlite3'],
      logLevel: 'silent',
    });
    await writeFile(join(work, 'writer.mjs'), WRITER_SCRIPT);
  });

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no events, no updates and no file sightings', { timeout: 120_000 }, async () => {
    // A fresh path: the writers also race to create the file and its schema.
    const file = join(dataDir, 'nested', 'ledger.db');
    const children = Array.from({ length: WRITERS }, (_, id) =>
      spawn(process.execPath, [join(work, 'writer.mjs'), file, String(id), String(PER_WRITER)], {
        cwd: work,
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const runs = children.map(collect);
    await Promise.all(runs.map((r) => r.ready));
    for (const child of children) child.stdin!.end('go\n');
    const times = await Promise.all(runs.map((r) => r.done));

    // The writers really overlapped; otherwise this would prove nothing about concurrency.
    expect(Math.max(...times.map((t) => t.startedAt))).toBeLessThan(Math.min(...times.map((t) => t.endedAt)));

    const db = new Database(file, { readonly: true });
    try {
      const count = (sql: string, ...args: unknown[]) =>
        (db
          .prepare(sql)
          .pluck()
          .get(...args) as number) ?? 0;
      const sharedCommits = WRITERS * Math.ceil(PER_WRITER / 2);
      const ownCommits = Math.floor(PER_WRITER / 2);
      const sharedFiles = COMMON_FILES + WRITERS * Math.ceil(PER_WRITER / 10);

      expect(count('SELECT count(*) FROM events')).toBe(WRITERS * PER_WRITER);
      expect(count('SELECT count(DISTINCT tool_use_id) FROM events')).toBe(WRITERS * PER_WRITER);
      expect(count("SELECT count(*) FROM events WHERE session_id = 'shared'")).toBe(sharedCommits);

      const shared = db.prepare("SELECT * FROM sessions WHERE session_id = 'shared'").get() as Record<
        string,
        number
      >;
      expect(shared.tool_calls).toBe(sharedCommits);
      expect(shared.event_count).toBe(sharedCommits);
      expect(shared.files_touched).toBe(sharedFiles);
      expect(count("SELECT count(*) FROM session_files WHERE session_id = 'shared'")).toBe(sharedFiles);

      for (let id = 0; id < WRITERS; id++) {
        const own = db.prepare('SELECT * FROM sessions WHERE session_id = ?').get(`own-${id}`) as Record<
          string,
          number
        >;
        expect(own.tool_calls, `own-${id}`).toBe(ownCommits);
        expect(own.files_touched, `own-${id}`).toBe(7);
        // Each writer's events landed in the order it committed them.
        const inputs = db
          .prepare('SELECT input FROM events WHERE agent_id = ? ORDER BY id')
          .pluck()
          .all(String(id)) as string[];
        expect(inputs.map(Number)).toEqual(Array.from({ length: PER_WRITER }, (_, i) => i));
      }
      expect(count('SELECT count(*) FROM sessions')).toBe(WRITERS + 1);
    } finally {
      db.close();
    }
  });
});
