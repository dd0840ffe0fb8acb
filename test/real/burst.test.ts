// The burst throttle through the real client, with `burst: { maxCalls: 3 }` and `init --no-fold` (a
// synchronous PostToolBatch hook): a parallel batch of 3 harmless calls passes and the model is asked
// again; a batch of 5 runs (each call was judged on its own at PreToolUse), then PostToolBatch blocks and
// Claude Code stops the loop before the next model call. With init's default (folded, async after-the-call
// hooks) an async PostToolBatch cannot stop the loop; that path (the next call is refused instead) is
// test/real/fold.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareReplay,
  createProject,
  explain,
  ledgerEvents,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const echoes = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => bash(`echo ${prefix}-${i}`, `toolu_${prefix}${i}`));

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: a parallel batch over burst.maxCalls', () => {
  let project: Project;
  let run: RunResult;

  beforeAll(async () => {
    project = createProject({ policy: 'burst: { maxCalls: 3 }', initArgs: ['--no-fold'] });
    run = await runClaude(project, {
      prompt: 'Print some lines.',
      script: [
        tools(...echoes('ok', 3)),
        tools(...echoes('burst', 5)),
        say('This step must never be served: the loop was stopped.'),
      ],
    });
  });
  afterAll(() => project?.dispose());

  it('the batch of 3 passed: its results reached the model', () => {
    const told = run.standIn.toldAfter(0);
    // A parallel batch: the results come back in the order the calls finished.
    const results = [...told.toolResults].sort((a, b) => a.tool_use_id.localeCompare(b.tool_use_id));
    expect(
      results.map((r) => [r.tool_use_id, r.is_error, r.text.trim()]),
      explain(run),
    ).toEqual(echoes('ok', 3).map((c, i) => [c.id, false, `ok-${i}`]));
  });

  it('the batch of 5 ran, then the loop was stopped before the next model call', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.standIn.stepsServed, explain(run)).toBe(2);
    expect(run.standIn.mainRequests().length, explain(run)).toBe(2);
    expect(run.json?.terminal_reason, explain(run)).toBe('hook_stopped');
    const ran = ledgerEvents(project)
      .filter((e) => e.event === 'PostToolUse')
      .map((e) => e.tool_use_id)
      .sort();
    expect(ran).toEqual([...echoes('burst', 5), ...echoes('ok', 3)].map((c) => c.id));
  });

  it('the ledger has one passed batch and one burst.throttle, with the counts against the limit', () => {
    const batches = ledgerEvents(project).filter((e) => e.event === 'PostToolBatch');
    expect(batches.map((b) => [b.verdict, b.rule])).toEqual([
      ['allow', null],
      ['deny', 'burst.throttle'],
    ]);
    expect(batches[0]?.reason).toBe('3 calls in the batch');
    expect(batches[1]?.reason).toContain('5 tool calls (limit 3)');
    expect(
      run.hookLog.some((l) => l.includes('burst.throttle')),
      explain(run),
    ).toBe(true);
  });

  // Fails on the code of 2026-12-06: the summary (describeCall) already starts with the tool, and the
  // burst formatter puts the tool in front again, so the reason reads "t1 Bash: Bash: echo burst-0".
  it('the burst reason names each call once: `t<tier> <tool>: <what> [<rule>]`', () => {
    const throttle = ledgerEvents(project).find((e) => e.rule === 'burst.throttle');
    expect(throttle?.reason).toContain('t1 Bash: echo burst-0 [fallback.exec]');
  });

  it('replay agrees with every live PreToolUse verdict', () => {
    expect(compareReplay(project, run).mismatches).toEqual([]);
  });
});
