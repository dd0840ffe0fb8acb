// `init --fold` in the real client: PostToolUse, PostToolUseFailure and PostToolBatch run as async
// command hooks, so one hook process (PreToolUse) blocks each tool call. A session of ten calls; the
// client's debug log says which hook processes it waited for, and the ledger must still hold every call's
// PostToolUse record and the usage they add up to.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSre,
  createProject,
  explain,
  ledgerEvents,
  ledgerSessions,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, say, tools, write } from './stand-in.ts';

const CALLS = 10;

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: the folded command path (init --fold)', () => {
  let project: Project;
  let run: RunResult;

  beforeAll(async () => {
    project = createProject();
    const init = await agentSre(project, ['init', '--yes', '--fold']);
    expect(init.status, init.stdout + init.stderr).toBe(0);
    run = await runClaude(project, {
      prompt: 'Do the steps.',
      script: [
        ...Array.from({ length: CALLS - 2 }, (_, i) => tools(bash(`echo step-${i}`, `toolu_f${i}`))),
        tools(write(join(project.dir, 'src', 'one.js'), 'module.exports = 1;\n', 'toolu_w1')),
        tools(write(join(project.dir, 'src', 'two.js'), 'module.exports = 2;\n', 'toolu_w2')),
        say('Done.'),
      ],
      timeoutMs: 180_000,
    });
  }, 240_000);
  afterAll(() => project?.dispose());

  it('runs every step', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.standIn.stepsServed, explain(run)).toBe(CALLS + 1);
  });

  it('one blocking hook process per tool call; the after-the-call hooks went to the background', () => {
    const blocking = (event: string) =>
      run.hookLog.filter((l) => new RegExp(`Hooks: ${event}(:\\w+)? \\[.*\\] finished with status`).test(l))
        .length;
    const background = (event: string) =>
      run.hookLog.filter((l) =>
        new RegExp(`Hooks: ${event}(:\\w+)? \\[.*\\] moved to the background`).test(l),
      ).length;
    const counts = {
      PreToolUse: blocking('PreToolUse'),
      PostToolUse: blocking('PostToolUse'),
      PostToolBatch: blocking('PostToolBatch'),
      backgroundPost: background('PostToolUse'),
      backgroundBatch: background('PostToolBatch'),
    };
    console.log(`fold: hook processes per ${CALLS} calls: ${JSON.stringify(counts)}`);
    expect(counts, explain(run)).toMatchObject({
      PreToolUse: CALLS,
      PostToolUse: 0,
      PostToolBatch: 0,
      backgroundPost: CALLS,
      backgroundBatch: CALLS,
    });
  });

  it("the ledger has every call's PostToolUse and the usage adds up", async () => {
    // Background hooks may still be finishing when the client exits; give them a moment, as a human would.
    const deadline = Date.now() + 10_000;
    let posts = 0;
    while (Date.now() < deadline) {
      posts = ledgerEvents(project).filter(
        (e) => e.session_id === run.sessionId && e.event === 'PostToolUse',
      ).length;
      if (posts >= CALLS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const ids = ledgerEvents(project)
      .filter((e) => e.session_id === run.sessionId && e.event === 'PostToolUse')
      .map((e) => e.tool_use_id)
      .sort();
    const missing = [
      ...Array.from({ length: CALLS - 2 }, (_, i) => `toolu_f${i}`),
      'toolu_w1',
      'toolu_w2',
    ].filter((id) => !ids.includes(id));
    expect(missing, `PostToolUse records missing from the ledger\n${explain(run)}`).toEqual([]);
    const [s] = ledgerSessions(project).filter((x) => x.session_id === run.sessionId);
    expect(s?.usage.toolCalls).toBe(CALLS);
    expect(s?.usage.filesTouched).toBe(2);
  });
});
