// Parallel tool calls, subagents and several agents in one project all run the hook at the same moment.
// Sixteen hook processes start at once against one project (first on a fresh ledger, then on the same
// one), mixing PreToolUse and PostToolUse, one shared session and several of their own. Afterwards the
// ledger must hold every event sent and every per-session counter must add up: no lost rows, no lost
// updates, and no call refused because the ledger was busy.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinResult, bashPre, ensureBuilt, postToolUse, runHook, sessions, tempProject } from './bin.ts';

const PROCESSES = 16;

beforeAll(() => ensureBuilt(), 180_000);

let dir: string;
beforeAll(() => {
  dir = tempProject('agent-sre-e2e-conc-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Sent =
  | { kind: 'pre'; session: string; command: string; denied: boolean }
  | { kind: 'post'; session: string; file: string; lines: number };

/** A Write's response with an explicit patch, so the added lines are unambiguous. */
function patched(filePath: string, lines: number) {
  return {
    type: 'update',
    filePath,
    content: '',
    originalFile: '',
    structuredPatch: [
      {
        oldStart: 1,
        oldLines: 0,
        newStart: 1,
        newLines: lines,
        lines: Array.from({ length: lines }, (_, i) => `+line ${i}`),
      },
    ],
  };
}

function inputFor(s: Sent): unknown {
  if (s.kind === 'pre') return bashPre(dir, s.session, s.command);
  const file = join(dir, s.file);
  const content = 'x\n'.repeat(s.lines);
  return postToolUse(dir, s.session, 'Write', { file_path: file, content }, patched(file, s.lines));
}

/** Round 1: a fresh ledger. Ten events in `shared` (two of them denied), two in each of three others. */
function round1(): Sent[] {
  const shared: Sent[] = [
    { kind: 'pre', session: 'shared', command: 'ls', denied: false },
    { kind: 'post', session: 'shared', file: 'f1.txt', lines: 1 },
    { kind: 'pre', session: 'shared', command: 'rm -rf ~', denied: true },
    { kind: 'post', session: 'shared', file: 'f0.txt', lines: 2 },
    { kind: 'pre', session: 'shared', command: 'git status', denied: false },
    { kind: 'post', session: 'shared', file: 'f2.txt', lines: 3 },
    { kind: 'pre', session: 'shared', command: 'rm -rf /', denied: true },
    { kind: 'post', session: 'shared', file: 'f1.txt', lines: 4 },
    { kind: 'pre', session: 'shared', command: 'cat package.json', denied: false },
    { kind: 'post', session: 'shared', file: 'f0.txt', lines: 5 },
  ];
  const solos = ['a', 'b', 'c'].flatMap((x): Sent[] => [
    { kind: 'pre', session: `solo-${x}`, command: 'pwd', denied: false },
    { kind: 'post', session: `solo-${x}`, file: `solo-${x}.txt`, lines: 7 },
  ]);
  return [...shared, ...solos];
}

/** Round 2: the same ledger. `shared` again (same files plus one new), and four new sessions. */
function round2(): Sent[] {
  const shared: Sent[] = [
    { kind: 'pre', session: 'shared', command: 'ls src', denied: false },
    { kind: 'post', session: 'shared', file: 'f0.txt', lines: 1 },
    { kind: 'pre', session: 'shared', command: 'echo hi', denied: false },
    { kind: 'post', session: 'shared', file: 'f3.txt', lines: 2 },
    { kind: 'pre', session: 'shared', command: 'rm -rf ~/', denied: true },
    { kind: 'post', session: 'shared', file: 'f2.txt', lines: 3 },
    { kind: 'post', session: 'shared', file: 'f3.txt', lines: 4 },
    { kind: 'post', session: 'shared', file: 'f4.txt', lines: 5 },
  ];
  const solos = ['d', 'e', 'f', 'g'].flatMap((x): Sent[] => [
    { kind: 'post', session: `solo-${x}`, file: `solo-${x}-1.txt`, lines: 1 },
    { kind: 'post', session: `solo-${x}`, file: `solo-${x}-2.txt`, lines: 1 },
  ]);
  return [...shared, ...solos];
}

interface Expected {
  events: number;
  toolCalls: number;
  files: Set<string>;
  linesAdded: number;
  denials: number;
}

/** What the ledger must say after everything in `sent` ran, in whatever order. */
function model(sent: Sent[]): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const s of sent) {
    let e = out.get(s.session);
    if (!e) {
      e = { events: 0, toolCalls: 0, files: new Set(), linesAdded: 0, denials: 0 };
      out.set(s.session, e);
    }
    e.events++;
    if (s.kind === 'pre') e.denials += s.denied ? 1 : 0;
    else {
      e.toolCalls++;
      e.files.add(join(dir, s.file));
      e.linesAdded += s.lines;
    }
  }
  return out;
}

/** Start every process, then release all their stdins together. */
async function burst(sent: Sent[]): Promise<BinResult[]> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const running = sent.map((s) => runHook(inputFor(s), dir, { gate }));
  release();
  return Promise.all(running);
}

function checkAnswers(sent: Sent[], answers: BinResult[]): void {
  answers.forEach((r, i) => {
    const s = sent[i]!;
    const what = `${s.kind} ${s.session} ${s.kind === 'pre' ? s.command : s.file}`;
    expect(r.code, `${what}: exit ${r.code}, stderr ${r.stderr}`).toBe(0);
    if (s.kind === 'pre' && s.denied) {
      const out = JSON.parse(r.stdout) as {
        hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string };
      };
      expect(out.hookSpecificOutput.permissionDecision, what).toBe('deny');
      expect(out.hookSpecificOutput.permissionDecisionReason, what).not.toMatch(/ledger|could not judge/);
    } else {
      // Tier 1/2 (or the PostToolUse bookkeeping): silence. A busy ledger would show up here as a deny.
      expect(r.stdout, `${what}: ${r.stdout}`).toBe('');
    }
  });
}

async function checkLedger(sent: Sent[]): Promise<void> {
  const want = model(sent);

  // Through the CLI, as a human would look.
  const rows = await sessions(dir);
  expect(rows.map((r) => r.session_id).sort()).toEqual([...want.keys()].sort());
  for (const row of rows) {
    const e = want.get(row.session_id)!;
    expect(
      {
        events: row.events,
        toolCalls: row.usage.toolCalls,
        filesTouched: row.usage.filesTouched,
        linesAdded: row.usage.linesAdded,
        denials: row.denials,
      },
      row.session_id,
    ).toEqual({
      events: e.events,
      toolCalls: e.toolCalls,
      filesTouched: e.files.size,
      linesAdded: e.linesAdded,
      denials: e.denials,
    });
  }

  // And straight from the file: the rows themselves, not only the counters.
  const db = new Database(join(dir, '.agent-sre', 'ledger.db'), { readonly: true });
  try {
    const total = db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number };
    expect(total.n).toBe(sent.length);
    const perSession = db
      .prepare(
        `SELECT s.session_id AS id, s.event_count AS counted, COUNT(e.id) AS rows
         FROM sessions s LEFT JOIN events e ON e.session_id = s.session_id GROUP BY s.session_id`,
      )
      .all() as { id: string; counted: number; rows: number }[];
    for (const p of perSession) {
      expect(p.rows, p.id).toBe(want.get(p.id)!.events);
      expect(p.counted, p.id).toBe(p.rows);
    }
    const files = db.prepare('SELECT session_id AS id, path FROM session_files').all() as {
      id: string;
      path: string;
    }[];
    for (const [id, e] of want)
      expect(
        files
          .filter((f) => f.id === id)
          .map((f) => f.path)
          .sort(),
        id,
      ).toEqual([...e.files].sort());
    const kinds = db.prepare('SELECT event, COUNT(*) AS n FROM events GROUP BY event ORDER BY event').all();
    expect(kinds).toEqual([
      { event: 'PostToolUse', n: sent.filter((s) => s.kind === 'post').length },
      { event: 'PreToolUse', n: sent.filter((s) => s.kind === 'pre').length },
    ]);
    const denied = db.prepare("SELECT COUNT(*) AS n FROM events WHERE verdict = 'deny'").get() as {
      n: number;
    };
    expect(denied.n).toBe(sent.filter((s) => s.kind === 'pre' && s.denied).length);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
  }
}

describe('sixteen hook processes at once on one project', () => {
  const first = round1();
  const second = round2();

  it('plans sixteen events per round', () => {
    expect(first).toHaveLength(PROCESSES);
    expect(second).toHaveLength(PROCESSES);
  });

  it('on a fresh ledger: every event recorded, every counter adds up', async () => {
    const answers = await burst(first);
    checkAnswers(first, answers);
    await checkLedger(first);
  }, 60_000);

  it('on the same ledger again: counts accumulate and files are not counted twice', async () => {
    const answers = await burst(second);
    checkAnswers(second, answers);
    await checkLedger([...first, ...second]);
  }, 60_000);
});
