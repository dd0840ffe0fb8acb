import { describe, expect, it } from 'vitest';
import { buildEvidencePack, describeEvent, escapeMd } from '../../../src/core/postmortem/pack.ts';
import { selectTimeline } from '../../../src/core/postmortem/postmortem.ts';
import { newSession } from '../../../src/core/session/rules.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';
import type { Effect } from '../../../src/core/types.ts';
import { BUDGETS, DENIALS } from '../../fixtures/evidence.ts';
import { incident } from '../../fixtures/incidents.ts';

const P = '/work/proj';
const T = Date.UTC(2026, 2, 10, 14);
const budgets = BUDGETS;
const denials = DENIALS;

function ev(s: number, over: Partial<LedgerEvent>): LedgerEvent {
  return {
    v: 1,
    ts: T + s * 1000,
    sessionId: 's1',
    event: 'PreToolUse',
    tool: 'Bash',
    toolUseId: null,
    agentId: null,
    tier: 1,
    verdict: 'allow',
    rule: 'default',
    reason: null,
    effects: [],
    durationMs: 1,
    input: null,
    ...over,
  };
}

const write = (path: string, zone: 'project' | 'home' = 'project'): Effect => ({
  kind: 'write',
  path,
  zone,
  tags: [],
  origin: 'test',
});

const events: LedgerEvent[] = [
  ev(0, { event: 'SessionStart', tool: null, tier: null, verdict: null, rule: null }),
  ev(10, { tool: 'Write', tier: 2, input: JSON.stringify({ file_path: `${P}/src/a.ts`, content: 'x' }) }),
  ev(11, {
    event: 'PostToolUse',
    tool: 'Write',
    tier: null,
    verdict: null,
    effects: [write(`${P}/src/a.ts`)],
    input: JSON.stringify({ file_path: `${P}/src/a.ts` }),
  }),
  ev(12, {
    event: 'PostToolUse',
    tool: 'Bash',
    tier: null,
    verdict: null,
    effects: [write('/home/dev/.bashrc', 'home')],
    input: JSON.stringify({ command: 'echo x >> ~/.bashrc' }),
  }),
  ev(20, {
    event: 'PostToolUseFailure',
    tier: null,
    verdict: null,
    reason: 'FAIL a.test.ts\n1 failed',
    input: JSON.stringify({ command: 'npm test' }),
  }),
  ev(30, {
    tier: 4,
    verdict: 'deny',
    rule: 'fs.delete-home',
    input: JSON.stringify({ command: 'rm -rf ~/*' }),
  }),
  ev(31, {
    tier: 4,
    verdict: 'deny',
    rule: 'fs.delete-home',
    input: JSON.stringify({ command: 'rm -rf ~' }),
  }),
  ev(40, {
    tier: 3,
    verdict: 'ask',
    rule: 'budget.filesTouched',
    input: JSON.stringify({ command: 'touch b' }),
  }),
  ev(50, {
    event: 'check.result',
    tool: null,
    tier: null,
    verdict: 'deny',
    rule: 'tests',
    reason: '`npm test` exited 1\n1 failed',
  }),
  ev(50, {
    event: 'Stop',
    tool: null,
    tier: null,
    verdict: 'deny',
    rule: 'acceptance.blocked',
    reason: 'Your final message says "All done.", which the failing check above contradicts.',
  }),
];

const session = {
  ...newSession('s1', P, T),
  totalDenials: 2,
  usage: { toolCalls: 3, filesTouched: 2, linesAdded: 4, linesRemoved: 1, externalCalls: 0, subagents: 0 },
};

describe('buildEvidencePack', () => {
  const pack = buildEvidencePack({
    projectDir: P,
    session,
    // Out of order on purpose: the pack sorts by time (the ledger's order breaks ties).
    events: [...events.slice(1), events[0]!],
    incidents: [
      {
        incident: incident('INC-1', {
          milestones: { ...incident('x').milestones, startedAt: T + 30_000, detectedAt: T + 30_000 },
        }),
        timeline: [
          {
            at: T + 30_000,
            kind: 'triggered',
            actor: { kind: 'system', id: 'agent-sre' },
            text: 'SEV3: Denied *rm*',
          },
        ],
        pages: [],
      },
    ],
    budgets,
    denials,
    git: { available: false, reason: 'not a git repository' },
    cost: null,
  });

  it('counts decisions, tests, checks and gate blocks', () => {
    expect(pack.counts).toMatchObject({
      toolCalls: 4,
      allowed: 1,
      denied: 2,
      asked: 1,
      budgetHits: 1,
      toolFailures: 1,
      testRuns: { passed: 0, failed: 1 },
      checks: { passed: 0, failed: 1, skipped: 0 },
      gateBlocks: 1,
    });
    expect(pack.rules[0]).toMatchObject({
      rule: 'fs.delete-home',
      verdict: 'deny',
      count: 2,
      example: 'Bash: rm -rf ~/*',
    });
  });

  it('puts the timeline in time order, incident entries after the event that raised them', () => {
    expect(pack.timeline.map((e) => e.kind)).toEqual([
      'session',
      'test',
      'denial',
      'incident',
      'denial',
      'budget',
      'check',
      'gate',
    ]);
    expect(pack.timeline[3]!.md).toBe('INC-1: SEV3: Denied \\*rm\\*');
    expect(pack.timeline[2]!.md).toBe('Denied Bash `rm -rf ~/*` (fs.delete-home, tier 4).');
  });

  it('holds the blast radius against the budgets and names what was written outside the project', () => {
    expect(pack.blastRadius.rows.find((r) => r.measure === 'Lines changed')).toEqual({
      measure: 'Lines changed',
      used: 5,
      budget: 100,
      detail: '+4 / -1',
    });
    expect(pack.blastRadius.files.map((f) => f.path)).toEqual(['src/a.ts', '/home/dev/.bashrc']);
    expect(pack.blastRadius.outside.map((f) => f.path)).toEqual(['/home/dev/.bashrc']);
  });

  it('finds the trigger, the last change before it, the red suite and the claim', () => {
    // The change to the project before it; the write to ~/.bashrc is outside the project.
    expect(pack.trigger).toMatchObject({ at: T + 20_000, lastEditBefore: { what: 'Write: src/a.ts' } });
    expect(pack.verification).toMatchObject({ red: true, lastTestRun: { ok: false, command: 'npm test' } });
    expect(pack.claim).toBe('All done.');
    expect(pack.incidents[0]!.times.ttd).toBe(0);
  });
});

describe('helpers', () => {
  it('describes calls with project paths made relative', () => {
    expect(
      describeEvent(ev(0, { tool: 'Edit', input: JSON.stringify({ file_path: `${P}/src/x.ts` }) }), P),
    ).toBe('Edit: src/x.ts');
    expect(describeEvent(ev(0, { tool: 'Read', input: '{not json' }), P)).toBe('Read');
    expect(escapeMd('a*b* [x](y) `c` <d>')).toBe('a\\*b\\* \\[x\\](y) \\`c\\` \\<d>');
  });

  it('selectTimeline keeps incident and gate entries and the ends of the rest, and says how many it left out', () => {
    const entries = Array.from({ length: 500 }, (_, i) => ({
      at: i,
      kind: i === 250 ? ('incident' as const) : ('denial' as const),
      text: `e${i}`,
      md: `e${i}`,
    }));
    const r = selectTimeline(entries, 21);
    expect(r.rows).toHaveLength(21);
    expect(r.omitted).toBe(479);
    expect(r.rows.map((e) => e.at)).toContain(250);
    expect(r.rows[0]!.at).toBe(0);
    expect(r.rows.at(-1)!.at).toBe(499);
  });
});
