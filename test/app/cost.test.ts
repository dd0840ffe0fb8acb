// Cost accounting through the hook, in-process against a real SQLite ledger: PostToolUse reads only what
// the transcript gained, the spend lands in the ledger, and PreToolUse holds it against the budgets.
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSession } from '../../src/adapters/transcripts/usage-reader.ts';
import { DAY_KIND, readNewUsage, SPEND_KIND, USAGE_KIND } from '../../src/app/cost.ts';
import { type HookDeps, runClaudeHook } from '../../src/app/hook.ts';
import { loadProjectPolicy } from '../../src/app/policy.ts';
import { openLedger } from '../../src/app/store.ts';
import { DEFAULT_PRICING } from '../../src/core/cost/prices.ts';
import { knownCost } from '../../src/core/cost/usage.ts';
import { withRunbook } from '../e2e/bin.ts';
import { WORLD } from '../helpers/judge.ts';

const FIXTURE = join(
  import.meta.dirname,
  '../fixtures/transcripts/projects/-work-demo/5b1c7a2e-0d3f-4c89-9e61-7f2a4b8c9d01.jsonl',
);
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function project(policy = 'version: 1\nacceptance:\n  runbook: false\n'): string {
  const dir = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-cost-'))));
  made.push(dir);
  writeFileSync(join(dir, 'agent-sre.yaml'), policy);
  return dir;
}

let clock = Date.UTC(2026, 10, 26, 12);
function deps(dir: string): HookDeps {
  return {
    env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
    projectDir: dir,
    now: () => clock++,
    openStore: (d) => openLedger(d),
  };
}

const event = (dir: string, sessionId: string, transcript: string, name: string, extra = {}) =>
  JSON.stringify({
    session_id: sessionId,
    transcript_path: transcript,
    cwd: dir,
    hook_event_name: name,
    tool_name: 'Bash',
    tool_input: { command: 'ls' },
    tool_use_id: `toolu_${clock}`,
    ...(name === 'PostToolUse' ? { tool_response: { stdout: '', stderr: '' } } : {}),
    ...extra,
  });

async function post(dir: string, sessionId: string, transcript: string) {
  const a = await runClaudeHook(event(dir, sessionId, transcript, 'PostToolUse'), deps(dir));
  expect(a.exitCode).toBe(0);
}
async function pre(dir: string, sessionId: string, transcript: string) {
  const a = await runClaudeHook(event(dir, sessionId, transcript, 'PreToolUse'), deps(dir));
  expect(a.exitCode).toBe(0);
  return a.stdout === '' ? { decision: 'allow', rule: '' } : decisionOf(a.stdout);
}
function decisionOf(stdout: string) {
  const h = (
    JSON.parse(stdout) as {
      hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string };
    }
  ).hookSpecificOutput;
  return {
    decision: h.permissionDecision,
    rule: /\(tier \d, ([\w.-]+)\)/.exec(h.permissionDecisionReason)?.[1] ?? h.permissionDecisionReason,
  };
}

async function records(dir: string) {
  const store = openLedger(dir);
  try {
    return await store.transact(0, (tx) => ({
      usage: tx.records<{ rev: number; offsets: Record<string, number> }>(USAGE_KIND),
      spend: tx.records<{ usd: number }>(SPEND_KIND),
      days: tx.records<{ usd: number }>(DAY_KIND),
      incidents: tx.incidents(),
    }));
  } finally {
    await store.close();
  }
}

/** One assistant response line costing `usd` at Opus 5.5 input rates ($4 per million). */
function response(id: string, usd: number): string {
  return `${JSON.stringify({
    type: 'assistant',
    timestamp: '2026-11-26T12:00:00.000Z',
    requestId: `req_${id}`,
    message: {
      id: `msg_${id}`,
      model: 'claude-opus-5-5',
      content: [],
      usage: { input_tokens: Math.round((usd * 1e6) / 4), output_tokens: 0 },
    },
  })}\n`;
}

describe('PostToolUse cost accounting', () => {
  it('reads only the bytes appended since the last call, and keeps the total in the ledger', async () => {
    const dir = project();
    const t = join(dir, 's1.jsonl');
    const bytes = readFileSync(FIXTURE);
    const cut = bytes.indexOf('\n', bytes.length >> 1) + 1;
    writeFileSync(t, bytes.subarray(0, cut));
    await post(dir, 's1', t);
    let r = await records(dir);
    expect(r.usage[0]!.data.offsets[t]).toBe(cut);
    // Rewrite what was already read (same length, different numbers): a second full read would see it.
    const first = readFileSync(t, 'utf8').replace(
      /"input_tokens":(\d+)/g,
      (_, n: string) => `"input_tokens":${'9'.repeat(n.length)}`,
    );
    writeFileSync(t, first);
    appendFileSync(t, bytes.subarray(cut));
    await post(dir, 's1', t);
    r = await records(dir);
    expect(r.usage[0]!.data.offsets[t]).toBe(bytes.length);
    expect(r.usage[0]!.data.rev).toBe(2);
    const whole = (await readSession(FIXTURE)).state;
    const mainOnly = whole.main.models.reduce((n, m) => n + m.usd, 0);
    expect(r.spend[0]!.data.usd).toBeCloseTo(mainOnly, 12);
    expect(r.days[0]).toMatchObject({ id: '2026-11-26' });
    expect(r.days[0]!.data.usd).toBeCloseTo(mainOnly, 12);
    // Nothing new: nothing written.
    await post(dir, 's1', t);
    expect((await records(dir)).usage[0]!.data.rev).toBe(2);
  });

  it('counts the subagent files beside the transcript', async () => {
    const dir = project();
    await post(dir, 'fixture', FIXTURE);
    const r = await records(dir);
    expect(Object.keys(r.usage[0]!.data.offsets)).toHaveLength(3);
    expect(r.spend[0]!.data.usd).toBeCloseTo(0.28611, 12);
  });

  it('records the call and nothing else when there is no transcript to read', async () => {
    const dir = project();
    await post(dir, 's2', join(dir, 'missing.jsonl'));
    await post(dir, 's2', '/etc/passwd');
    const r = await records(dir);
    expect(r.usage).toEqual([]);
    expect(r.spend).toEqual([]);
  });

  it('two calls that read from the same point count the new bytes once', async () => {
    const dir = project();
    const t = join(dir, 'race.jsonl');
    writeFileSync(t, response('a', 1));
    const store = openLedger(dir);
    try {
      const at = Date.UTC(2026, 10, 26);
      const one = await readNewUsage(store, 'race', t, DEFAULT_PRICING, at);
      const two = await readNewUsage(store, 'race', t, DEFAULT_PRICING, at);
      await store.transact(at, (tx) => one!.commit(tx, at));
      await store.transact(at, (tx) => two!.commit(tx, at));
      const day = await store.transact(at, (tx) => tx.record<{ usd: number }>(DAY_KIND, '2026-11-26'));
      expect(day!.data.usd).toBeCloseTo(1, 9);
    } finally {
      await store.close();
    }
  });
});

describe('cost budgets in the hook', () => {
  it('gates the next call at tier 3 once the session crossed budgets.costUsd, and raises an incident', async () => {
    const dir = project('version: 1\nacceptance:\n  runbook: false\nbudgets:\n  costUsd: 1\n');
    const t = join(dir, 's.jsonl');
    writeFileSync(t, response('a', 0.6));
    expect((await pre(dir, 's', t)).decision).toBe('allow');
    await post(dir, 's', t);
    expect((await pre(dir, 's', t)).decision).toBe('allow');
    appendFileSync(t, response('b', 0.5));
    await post(dir, 's', t);
    expect(await pre(dir, 's', t)).toEqual({ decision: 'ask', rule: 'budget.costUsd' });
    const r = await records(dir);
    expect(r.incidents.map((i) => [i.source.kind, i.source.rule, i.sessionId])).toContainEqual([
      'budget.spent',
      'budget.costUsd',
      's',
    ]);
    // Other sessions have their own budget.
    expect((await pre(dir, 'other', join(dir, 'o.jsonl'))).decision).toBe('allow');
  });

  it('gates every session once the project spent budgets.fleetCostUsdPerDay today, and not the next day', async () => {
    const dir = project('version: 1\nacceptance:\n  runbook: false\nbudgets:\n  fleetCostUsdPerDay: 1\n');
    for (const s of ['a', 'b']) {
      const t = join(dir, `${s}.jsonl`);
      writeFileSync(t, response(s, 0.55));
      await post(dir, s, t);
    }
    const r = await records(dir);
    expect(r.spend.map((x) => +x.data.usd.toFixed(6))).toEqual([0.55, 0.55]);
    expect(await pre(dir, 'c', join(dir, 'c.jsonl'))).toEqual({
      decision: 'ask',
      rule: 'budget.fleetCostUsdPerDay',
    });
    clock += 24 * 3600_000;
    expect((await pre(dir, 'd', join(dir, 'd.jsonl'))).decision).toBe('allow');
  });

  it('the spend the ledger holds is what a full read of the transcript says', async () => {
    const dir = project();
    const t = join(dir, 'g.jsonl');
    copyFileSync(FIXTURE, t);
    await post(dir, 'g', t);
    const full = knownCost((await readSession(t)).state);
    expect((await records(dir)).spend[0]!.data.usd).toBeCloseTo(full, 12);
  });
});

describe('the policy cache', () => {
  it('is rebuilt when it was written before prices existed, so the cost budgets are not skipped', async () => {
    const dir = project('version: 1\nbudgets:\n  costUsd: 3\n');
    await loadProjectPolicy(dir, WORLD.home);
    const file = join(dir, '.agent-sre', 'cache', 'policy.json');
    const cached = JSON.parse(readFileSync(file, 'utf8')) as {
      policy: Record<string, unknown> & { budgets: object };
    };
    delete cached.policy.pricing;
    cached.policy.budgets = { toolCalls: 3000 };
    writeFileSync(file, JSON.stringify(cached));
    const loaded = (await loadProjectPolicy(dir, WORLD.home)).compiled.policy;
    expect(loaded.pricing.models['claude-opus-5-5']!.input).toBe(4);
    expect(loaded.budgets.costUsd).toBe(3);
  });
});
