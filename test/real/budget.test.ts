// A scope budget through the real client on the folded command path (the default of `agent-sre init`),
// which has no PostToolUse hook: the files a write touched are only known to the ledger once the hook has
// recorded the call from the transcript, at the next PreToolUse. With `budgets: { filesTouched: 2 }`, two
// writes run and the third is gated (tier 3, `ask`; in `-p` nobody can answer, so Claude Code refuses it)
// and the file is never written. The scripted model "thinks" until the transcript holds the second
// write, as a real one would, so the third call is judged on recorded usage (the catch-up); a call not yet
// recorded counts through its pending effects (test/e2e/budget-pending.test.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProject,
  explain,
  ledgerEvents,
  ledgerSessions,
  type Project,
  type RunResult,
  runClaude,
  waitFor,
} from './harness.ts';
import { before, say, tools, write } from './stand-in.ts';

/** Has Claude Code written this call's result into the session transcript (under the scratch HOME)? */
function transcriptHasResult(project: Project, toolUseId: string): boolean {
  const root = join(project.home, '.claude', 'projects');
  if (!existsSync(root)) return false;
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.jsonl'))
    .some((f) => readFileSync(join(root, f), 'utf8').includes(`"tool_use_id":"${toolUseId}"`));
}

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: a files budget on the folded command path', () => {
  let project: Project;
  let run: RunResult;

  beforeAll(async () => {
    // `init --yes` keeps an existing agent-sre.yaml: the budget is in force from the first call.
    project = createProject({ policyAtInit: 'budgets: { filesTouched: 2 }' });
    const src = (name: string) => join(project.dir, 'src', name);
    run = await runClaude(project, {
      prompt: 'Add the three modules.',
      script: [
        tools(write(src('one.js'), 'module.exports = 1;\n', 'toolu_w1')),
        tools(write(src('two.js'), 'module.exports = 2;\n', 'toolu_w2')),
        before(
          () =>
            waitFor('the second write in the transcript', () => transcriptHasResult(project, 'toolu_w2'), {
              timeoutMs: 20_000,
            }).then(() => undefined),
          tools(write(src('three.js'), 'module.exports = 3;\n', 'toolu_w3')),
        ),
        say('Done.'),
      ],
      timeoutMs: 120_000,
    });
  }, 180_000);
  afterAll(() => project?.dispose());

  it('runs on the folded layout: no PostToolUse hook', () => {
    expect(run.code, explain(run)).toBe(0);
    const settings = JSON.parse(readFileSync(join(project.dir, '.claude', 'settings.json'), 'utf8')) as {
      hooks: Record<string, unknown>;
    };
    expect(Object.keys(settings.hooks)).not.toContain('PostToolUse');
    expect(run.hookLog.filter((l) => /PostToolUse(Failure)?\b/.test(l) && !/PostToolBatch/.test(l))).toEqual(
      [],
    );
  });

  it('the first two writes ran; the third was gated by the budget, and the model was told why', () => {
    expect(existsSync(join(project.dir, 'src', 'one.js'))).toBe(true);
    expect(existsSync(join(project.dir, 'src', 'two.js'))).toBe(true);
    expect(existsSync(join(project.dir, 'src', 'three.js')), explain(run)).toBe(false);
    expect(
      run.json?.permission_denials?.map((d) => d.tool_use_id),
      explain(run),
    ).toEqual(['toolu_w3']);
    const told = run.standIn.resultFor('toolu_w3');
    expect(told?.is_error, explain(run)).toBe(true);
    expect(told?.text).toMatch(/filesTouched budget is spent \(2\/2\)/);
  });

  it('the ledger: the third PreToolUse asked with budget.filesTouched, the first two have their PostToolUse', () => {
    const events = ledgerEvents(project).filter((e) => e.session_id === run.sessionId);
    expect(
      events.filter((e) => e.event === 'PreToolUse').map((e) => [e.tool_use_id, e.verdict, e.rule]),
      explain(run),
    ).toEqual([
      ['toolu_w1', 'allow', expect.anything()],
      ['toolu_w2', 'allow', expect.anything()],
      ['toolu_w3', 'ask', 'budget.filesTouched'],
    ]);
    expect(events.filter((e) => e.event === 'PostToolUse').map((e) => e.tool_use_id)).toEqual([
      'toolu_w1',
      'toolu_w2',
    ]);
    const [s] = ledgerSessions(project).filter((x) => x.session_id === run.sessionId);
    expect(s?.usage.filesTouched).toBe(2);
  });
});
