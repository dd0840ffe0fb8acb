// The stop gate's judgement: which checks apply to a stop (scopes via checkApplies), which command-backed
// checks may be skipped because they passed after the last edit, and the verdict - allow with a note,
// block with a bounded, redacted reason that says what to do next, or exhausted after maxAttempts.
import { describe, expect, it } from 'vitest';
import type { GateEvidence } from '../../../src/core/gates/evidence.ts';
import {
  type CheckOutcome,
  failureLines,
  type GateInput,
  judgeStop,
  planChecks,
} from '../../../src/core/gates/stop.ts';
import {
  type AcceptanceCheck,
  type CheckScope,
  checkApplies,
  type StopKind,
} from '../../../src/core/gates/types.ts';

// --- builders -------------------------------------------------------------------------------------------

const base = (id: string, on: CheckScope[] = ['main']) => ({
  id,
  on,
  timeoutSeconds: 60,
  source: 'policy' as const,
});
const command = (id: string, on?: CheckScope[]): AcceptanceCheck => ({
  ...base(id, on),
  kind: 'command',
  run: 'npm test',
});
const schema = (id: string, on?: CheckScope[]): AcceptanceCheck => ({
  ...base(id, on),
  kind: 'schema',
  schema: { type: 'object' },
  target: 'message',
});
const toolCalledCheck = (id: string, on?: CheckScope[]): AcceptanceCheck => ({
  ...base(id, on),
  kind: 'tool-called',
  tool: ['Bash'],
  after: 'edit',
  succeeded: true,
});
const goldenRun = (id: string, on?: CheckScope[]): AcceptanceCheck => ({
  ...base(id, on),
  kind: 'golden',
  run: 'node cli.js --help',
  golden: 'test/golden/help.txt',
  mode: 'normalized',
  threshold: 1,
});
const goldenFile = (id: string, on?: CheckScope[]): AcceptanceCheck => ({
  ...base(id, on),
  kind: 'golden',
  file: 'out/report.json',
  golden: 'test/golden/report.json',
  mode: 'structural',
  threshold: 1,
});

function evidence(lastEditAt: number | null, passes: Record<string, number> = {}): GateEvidence {
  return {
    editsMade: lastEditAt !== null,
    lastEditAt,
    lastEdit: lastEditAt === null ? null : 'write /p/src/a.ts',
    lastTestRun: null,
    verifiedSinceLastEdit: false,
    lastPass: new Map(Object.entries(passes)),
    lastResult: new Map(),
  };
}

const MAIN: StopKind = { kind: 'main' };
const TASK: StopKind = { kind: 'task' };
const sub = (agentType: string): StopKind => ({ kind: 'subagent', agentType });

const outcome = (
  id: string,
  status: CheckOutcome['status'],
  over: Partial<CheckOutcome> = {},
): CheckOutcome => ({
  id,
  kind: 'command',
  status,
  detail: status === 'failed' ? '`npm test` exited 1 after 2.0 s' : '`npm test` passed in 2.0 s',
  tail: '',
  durationMs: 2000,
  ...over,
});

const input = (over: Partial<GateInput> = {}): GateInput => ({
  stop: MAIN,
  outcomes: [],
  claimReason: null,
  attempts: 0,
  maxAttempts: 3,
  ...over,
});

const skipsOf = (plan: ReturnType<typeof planChecks>) =>
  Object.fromEntries(plan.map((p) => [p.check.id, p.skip]));

// --- checkApplies -------------------------------------------------------------------------------------------

describe('checkApplies', () => {
  // [scopes, stop, applies]
  const table: [CheckScope[], StopKind, boolean][] = [
    [['main'], MAIN, true],
    [['main'], TASK, false],
    [['main'], sub('reviewer'), false],
    [['task'], TASK, true],
    [['task'], MAIN, false],
    [['task'], sub('reviewer'), false],
    [['subagent'], sub('reviewer'), true],
    [['subagent'], sub(''), true],
    [['subagent'], MAIN, false],
    [['subagent'], TASK, false],
    [['subagent:reviewer'], sub('reviewer'), true],
    [['subagent:reviewer'], sub('coder'), false],
    [['subagent:reviewer'], sub('reviewer-2'), false],
    [['subagent:reviewer'], MAIN, false],
    [['main', 'subagent:coder'], sub('coder'), true],
    [['main', 'subagent:coder'], MAIN, true],
    [['main', 'subagent:coder'], TASK, false],
    [[], MAIN, false],
    [[], sub('x'), false],
  ];
  it.each(table)('on %j for %j -> %s', (on, stop, applies) => {
    expect(checkApplies({ on }, stop)).toBe(applies);
  });
});

// --- planChecks -------------------------------------------------------------------------------------------------

describe('planChecks', () => {
  const SKIP = 'passed before and nothing was edited since';

  it('skips a command check that passed after the last edit (or at the same ms)', () => {
    const plan = planChecks(
      [command('unit'), command('same')],
      MAIN,
      evidence(100, { unit: 200, same: 100 }),
    );
    expect(skipsOf(plan)).toEqual({ unit: SKIP, same: SKIP });
  });

  it('skips a command check that passed when nothing was ever edited', () => {
    expect(skipsOf(planChecks([command('unit')], MAIN, evidence(null, { unit: 50 })))).toEqual({
      unit: SKIP,
    });
  });

  it('runs a command check when an edit came after its pass, or it never passed', () => {
    const plan = planChecks(
      [command('stale'), command('never')],
      MAIN,
      evidence(300, { stale: 200, other: 400 }),
    );
    expect(skipsOf(plan)).toEqual({ stale: null, never: null });
    // Never passed and nothing edited: still runs.
    expect(skipsOf(planChecks([command('never')], MAIN, evidence(null)))).toEqual({ never: null });
  });

  it('skips a golden check with run like a command check, but not a golden check over a file', () => {
    const ev = evidence(100, { gr: 200, gf: 200 });
    expect(skipsOf(planChecks([goldenRun('gr'), goldenFile('gf')], MAIN, ev))).toEqual({
      gr: SKIP,
      gf: null,
    });
    expect(skipsOf(planChecks([goldenRun('gr')], MAIN, evidence(300, { gr: 200 })))).toEqual({ gr: null });
  });

  it('never skips schema or tool-called checks, even when they passed after the last edit', () => {
    const plan = planChecks([schema('s'), toolCalledCheck('t')], MAIN, evidence(100, { s: 200, t: 200 }));
    expect(skipsOf(plan)).toEqual({ s: null, t: null });
    expect(skipsOf(planChecks([schema('s')], MAIN, evidence(null, { s: 1 })))).toEqual({ s: null });
  });

  it('keeps the configured order and carries the check itself', () => {
    const checks = [schema('b'), command('a'), toolCalledCheck('c')];
    const plan = planChecks(checks, MAIN, evidence(null));
    expect(plan.map((p) => p.check)).toEqual(checks);
  });

  it('filters by scope: main, subagent, subagent:type, task', () => {
    const checks = [
      command('main-only', ['main']),
      command('any-sub', ['subagent']),
      command('reviewer', ['subagent:reviewer']),
      command('task', ['task']),
      command('main-and-coder', ['main', 'subagent:coder']),
    ];
    const ids = (stop: StopKind) => planChecks(checks, stop, evidence(null)).map((p) => p.check.id);
    expect(ids(MAIN)).toEqual(['main-only', 'main-and-coder']);
    expect(ids(TASK)).toEqual(['task']);
    expect(ids(sub('reviewer'))).toEqual(['any-sub', 'reviewer']);
    expect(ids(sub('coder'))).toEqual(['any-sub', 'main-and-coder']);
    expect(ids(sub('other'))).toEqual(['any-sub']);
  });

  it('is empty with no checks', () => {
    expect(planChecks([], MAIN, evidence(100))).toEqual([]);
  });
});

// --- judgeStop -----------------------------------------------------------------------------------------------

describe('judgeStop: allow', () => {
  it('allows with a null note when no checks applied', () => {
    expect(judgeStop(input())).toEqual({ action: 'allow', note: null });
  });

  it('counts passed and skipped checks in the note', () => {
    expect(judgeStop(input({ outcomes: [outcome('a', 'passed')] }))).toEqual({
      action: 'allow',
      note: '1 check passed',
    });
    expect(
      judgeStop(
        input({ outcomes: [outcome('a', 'passed'), outcome('b', 'passed'), outcome('c', 'skipped')] }),
      ),
    ).toEqual({ action: 'allow', note: '2 checks passed, 1 skipped (unchanged since they passed)' });
    expect(judgeStop(input({ outcomes: [outcome('a', 'skipped'), outcome('b', 'skipped')] }))).toEqual({
      action: 'allow',
      note: '0 checks passed, 2 skipped (unchanged since they passed)',
    });
  });

  it('allows all-green outcomes even at the attempt limit', () => {
    expect(judgeStop(input({ outcomes: [outcome('a', 'passed')], attempts: 5, maxAttempts: 3 })).action).toBe(
      'allow',
    );
  });
});

describe('judgeStop: block', () => {
  const failing = [
    outcome('unit', 'failed', { tail: 'FAIL test/a.test.ts > adds\n  expected 3, got 4' }),
    outcome('report', 'failed', {
      kind: 'golden',
      detail: 'differs from test/golden/report.json (structural): 50.0% match, 100% needed',
    }),
    outcome('lint', 'passed'),
    outcome('schema', 'skipped', { kind: 'schema' }),
  ];

  it('names the attempt, each failed check with its kind, the tail indented, and what to do next', () => {
    const v = judgeStop(input({ outcomes: failing, attempts: 1, maxAttempts: 3 }));
    expect(v.action).toBe('block');
    if (v.action !== 'block') return;
    expect(v.attempt).toBe(2);
    const lines = v.reason.split('\n');
    expect(lines[0]).toBe('agent-sre acceptance gate, attempt 2 of 3 (after 3 a human is paged):');
    expect(lines[1]).toBe('2 of 4 acceptance checks failed for the agent:');
    expect(v.reason).toContain(
      '- unit (command): `npm test` exited 1 after 2.0 s\n    FAIL test/a.test.ts > adds\n      expected 3, got 4',
    );
    expect(v.reason).toContain('- report (golden): differs from test/golden/report.json');
    expect(v.reason).not.toContain('- lint');
    expect(v.reason).not.toContain('- schema');
    expect(lines[lines.length - 1]).toMatch(/^Next: fix what fails, then finish again/);
  });

  it('the first block is attempt 1', () => {
    const v = judgeStop(input({ outcomes: failing, attempts: 0, maxAttempts: 5 }));
    expect(v).toMatchObject({ action: 'block', attempt: 1 });
    if (v.action === 'block') expect(v.reason).toContain('attempt 1 of 5 (after 5 a human is paged)');
  });

  it('names who is stopping: a subagent by type, a task', () => {
    const one = [outcome('unit', 'failed')];
    const s = judgeStop(input({ stop: sub('reviewer'), outcomes: one }));
    expect(s.action === 'block' && s.reason).toContain(
      '1 of 1 acceptance check failed for the reviewer subagent:',
    );
    const t = judgeStop(input({ stop: TASK, outcomes: one }));
    expect(t.action === 'block' && t.reason).toContain('failed for the task:');
  });

  it('adds the claim reason after the failures', () => {
    const claim = 'Your final message says "all tests pass", which the failing check above contradicts.';
    const v = judgeStop(input({ outcomes: [outcome('unit', 'failed')], claimReason: claim }));
    expect(v.action).toBe('block');
    if (v.action !== 'block') return;
    expect(v.reason).toContain(claim);
    expect(v.reason.indexOf('- unit (command)')).toBeLessThan(v.reason.indexOf(claim));
    expect(v.reason).toMatch(/\nNext: fix what fails/);
  });

  it('blocks on a claim alone, with the verify instruction', () => {
    const claim = 'You said the tests pass, but no test ran after your last edit (write src/a.ts).';
    const v = judgeStop(input({ outcomes: [outcome('a', 'passed')], claimReason: claim }));
    expect(v.action).toBe('block');
    if (v.action !== 'block') return;
    expect(v.reason).toContain(claim);
    expect(v.reason).not.toContain('acceptance check');
    expect(v.reason.endsWith('Next: verify, then finish again with an accurate summary.')).toBe(true);
  });

  it('omits the tail line when the tail is blank', () => {
    const lines = failureLines([outcome('unit', 'failed', { tail: '  \n ' })]);
    expect(lines).toBe('- unit (command): `npm test` exited 1 after 2.0 s');
  });

  it('keeps the end of a long tail, where runners print the summary', () => {
    const tail = `${'noise line\n'.repeat(200)}Tests  3 failed | 97 passed (100)`;
    const lines = failureLines([outcome('unit', 'failed', { tail })]);
    expect(lines).toContain('Tests  3 failed | 97 passed (100)');
    const [head, ...rest] = lines.split('\n');
    expect(head).toBe('- unit (command): `npm test` exited 1 after 2.0 s');
    // Every tail line is indented by four spaces; without them the tail is at most 600 characters.
    expect(rest.every((l) => l.startsWith('    '))).toBe(true);
    const unindented = rest.map((l) => l.slice(4)).join('\n');
    expect(unindented.startsWith('…')).toBe(true);
    expect(unindented.length).toBeLessThanOrEqual(600);
  });
});

describe('judgeStop: exhausted', () => {
  it('lets the stop happen once attempts reach maxAttempts, naming gate.exhausted', () => {
    const outcomes = [outcome('unit', 'failed', { tail: 'FAIL x' })];
    for (const attempts of [3, 4, 10]) {
      const v = judgeStop(input({ outcomes, attempts, maxAttempts: 3 }));
      expect(v.action).toBe('exhausted');
      if (v.action !== 'exhausted') return;
      expect(v.message).toContain('gate.exhausted');
      expect(v.message).toContain(`after ${attempts} attempts`);
      expect(v.message).toContain('the agent');
      expect(v.evidence).toContain('- unit (command)');
      expect(v.evidence).toContain('FAIL x');
    }
  });

  it('one attempt short still blocks, as the last attempt', () => {
    const v = judgeStop(input({ outcomes: [outcome('unit', 'failed')], attempts: 2, maxAttempts: 3 }));
    expect(v).toMatchObject({ action: 'block', attempt: 3 });
  });

  it('exhausts on a claim alone too, and names the subagent', () => {
    const v = judgeStop(
      input({
        stop: sub('coder'),
        claimReason: 'claims done, nothing verified',
        attempts: 2,
        maxAttempts: 2,
      }),
    );
    expect(v.action).toBe('exhausted');
    if (v.action !== 'exhausted') return;
    expect(v.message).toContain('the coder subagent');
    expect(v.evidence).toBe('claims done, nothing verified');
  });
});

describe('judgeStop: bounds and redaction', () => {
  const huge = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      outcome(`check-${i}`, 'failed', {
        detail: `\`npm run suite-${i}\` exited 1 ${'d'.repeat(500)}`,
        tail: 'x'.repeat(100_000),
      }),
    );

  it('keeps block reasons within 3000 characters with huge tails and many checks, and still ends with Next', () => {
    for (const n of [1, 5, 40]) {
      const v = judgeStop(input({ outcomes: huge(n), claimReason: 'c'.repeat(10_000) }));
      expect(v.action).toBe('block');
      if (v.action !== 'block') return;
      expect(v.reason.length).toBeLessThanOrEqual(3000);
      expect(v.reason.startsWith('agent-sre acceptance gate, attempt 1 of 3')).toBe(true);
      expect(v.reason).toMatch(/\nNext: fix what fails[^\n]*$/);
    }
  });

  it('keeps exhausted evidence within 3000 characters', () => {
    const v = judgeStop(input({ outcomes: huge(40), attempts: 3, maxAttempts: 3 }));
    expect(v.action).toBe('exhausted');
    if (v.action === 'exhausted') expect(v.evidence.length).toBeLessThanOrEqual(3000);
  });

  it('clips each tail to at most 1500 characters (the failure digest)', () => {
    const lines = failureLines([outcome('unit', 'failed', { tail: 'y'.repeat(5000) })]);
    const tailLine = lines.split('\n')[1]!;
    expect(tailLine.trim().length).toBeLessThanOrEqual(1500);
    expect(tailLine.trim().startsWith('…')).toBe(true);
  });

  // From test/corpus/secrets/redaction.jsonl (github-token): a fake token the redactor knows.
  const TOKEN = 'ghp_FAKEUhgE4YAccDfhkAzR7UfC98DU1QuiPOKq';

  it('redacts secrets in tails and details', () => {
    const outcomes = [
      outcome('deploy', 'failed', {
        detail: `\`curl -H "Authorization: token ${TOKEN}" https://api.github.com/user\` exited 22`,
        tail: `Cloning...\nGITHUB_TOKEN=${TOKEN}\nfatal: Authentication failed`,
      }),
    ];
    const lines = failureLines(outcomes);
    expect(lines).not.toContain(TOKEN);
    expect(lines).not.toContain('FAKEUhgE4YAccDfhkAzR7UfC98DU1QuiPOKq');
    expect(lines).toContain('fatal: Authentication failed');
    const v = judgeStop(input({ outcomes }));
    expect(v.action === 'block' && v.reason).not.toContain(TOKEN);
    expect(v.action === 'block' && v.reason).toContain('[REDACTED]');
    const x = judgeStop(input({ outcomes, attempts: 3, maxAttempts: 3 }));
    expect(x.action === 'exhausted' && x.evidence).not.toContain(TOKEN);
  });

  it('redacts a secret at the end of a huge tail, before clipping', () => {
    const tail = `${'z'.repeat(20_000)}\nGITHUB_TOKEN=${TOKEN}`;
    const v = judgeStop(input({ outcomes: [outcome('unit', 'failed', { tail })] }));
    expect(v.action).toBe('block');
    if (v.action !== 'block') return;
    expect(v.reason).not.toContain(TOKEN);
    expect(v.reason).not.toContain('FAKEUhgE4YAcc');
    expect(v.reason).toContain('GITHUB_TOKEN=[REDACTED]');
  });
});
