// The folded command path (the default of `agent-sre init`) in the real client: no PostToolUse or
// PostToolUseFailure hook at all, and PostToolBatch as an async command hook, so one hook process (PreToolUse)
// blocks each tool call and nothing else starts for it. What that gives up has to be made good by the hook:
//   - every call's PostToolUse is recorded from the transcript (at the next PreToolUse, and at Stop for the
//     last ones); the ledger must hold each exactly once, with the usage they add up to;
//   - an async PostToolBatch cannot stop the loop: a parallel batch over `burst: { maxCalls: 3 }` gets the
//     next call refused with the burst reason, and the model is told why.
import { existsSync, readFileSync } from 'node:fs';
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
import { bash, before, say, tools, write } from './stand-in.ts';

const SINGLE = 10;
const BATCH = 5;
const singles = [...Array.from({ length: SINGLE - 2 }, (_, i) => `toolu_f${i}`), 'toolu_w1', 'toolu_w2'];
const burst = Array.from({ length: BATCH }, (_, i) => `toolu_b${i}`);
// Refused by the burst throttle, so never run; the retry after it runs.
const RETRY = 'toolu_retry';
const ran = [...singles, ...burst, RETRY];

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: the folded command path (init default)', () => {
  let project: Project;
  let run: RunResult;
  const burstRows = () => ledgerEvents(project).filter((e) => e.rule === 'burst.throttle');

  beforeAll(async () => {
    // createProject runs `agent-sre init --yes`: fold is the default.
    project = createProject({ policy: 'burst: { maxCalls: 3 }' });
    run = await runClaude(project, {
      prompt: 'Do the steps.',
      script: [
        ...Array.from({ length: SINGLE - 2 }, (_, i) => tools(bash(`echo step-${i}`, `toolu_f${i}`))),
        tools(write(join(project.dir, 'src', 'one.js'), 'module.exports = 1;\n', 'toolu_w1')),
        tools(write(join(project.dir, 'src', 'two.js'), 'module.exports = 2;\n', 'toolu_w2')),
        tools(...burst.map((id, i) => bash(`echo burst-${i}`, id))),
        // The model "thinks" until the async PostToolBatch has judged the batch, as a real one would.
        before(
          () =>
            waitFor('the burst verdict in the ledger', () => burstRows().length > 0, {
              timeoutMs: 20_000,
            }).then(() => undefined),
          tools(bash('echo after-burst', 'toolu_after')),
        ),
        tools(bash('echo retry', RETRY)),
        say('Done.'),
      ],
      timeoutMs: 180_000,
    });
  }, 240_000);
  afterAll(() => project?.dispose());

  it('runs every step', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.standIn.stepsServed, explain(run)).toBe(SINGLE + 4);
    expect(project.initOutput).toMatch(/PostToolBatch in the background \(async: one process per tool call/);
  });

  it('init wrote no PostToolUse or PostToolUseFailure hook', () => {
    const settings = JSON.parse(readFileSync(join(project.dir, '.claude', 'settings.json'), 'utf8')) as {
      hooks: Record<string, unknown>;
    };
    expect(Object.keys(settings.hooks)).not.toContain('PostToolUse');
    expect(Object.keys(settings.hooks)).not.toContain('PostToolUseFailure');
    expect(existsSync(join(project.dir, 'src', 'two.js'))).toBe(true);
  });

  it('one blocking hook process per tool call, PostToolBatch in the background, no PostToolUse process at all', () => {
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
      // Any line at all about a PostToolUse(Failure) hook: started, finished, cancelled.
      anyPost: run.hookLog.filter((l) => /PostToolUse(Failure)?\b/.test(l) && !/PostToolBatch/.test(l))
        .length,
    };
    console.log(`fold: hook processes: ${JSON.stringify(counts)}`);
    expect(counts, explain(run)).toMatchObject({
      PreToolUse: ran.length + 1,
      PostToolUse: 0,
      PostToolBatch: 0,
      backgroundPost: 0,
      anyPost: 0,
      // One per model response with tool calls: the singles, the burst, the refused call, the retry.
      backgroundBatch: SINGLE + 3,
    });
  });

  it("the ledger has every call's PostToolUse exactly once, recorded from the transcript, and the usage adds up", () => {
    const events = ledgerEvents(project).filter((e) => e.session_id === run.sessionId);
    const posts = events.filter((e) => e.event === 'PostToolUse');
    expect(posts.map((e) => e.tool_use_id).sort(), `PostToolUse records\n${explain(run)}`).toEqual(
      [...ran].sort(),
    );
    expect(events.filter((e) => e.event === 'PostToolUseFailure')).toEqual([]);
    const [s] = ledgerSessions(project).filter((x) => x.session_id === run.sessionId);
    expect(s?.usage.toolCalls).toBe(ran.length);
    expect(s?.usage.filesTouched).toBe(2);
    expect(s?.usage.linesAdded).toBe(2);
  });

  it('the burst: PostToolBatch recorded its verdict, the next call was refused with the burst reason, the retry ran', () => {
    expect(
      burstRows().map((e) => [e.event, e.tool_use_id, e.verdict]),
      explain(run),
    ).toEqual([
      ['PostToolBatch', null, 'deny'],
      ['PreToolUse', 'toolu_after', 'deny'],
    ]);
    const told = run.standIn.resultFor('toolu_after');
    expect(told?.is_error, explain(run)).toBe(true);
    expect(told?.text).toContain('burst.throttle');
    expect(told?.text).toContain(`previous parallel batch of ${BATCH} tool calls`);
    expect(told?.text).toContain(`${BATCH} tool calls (limit 3)`);
    expect(told?.text).toMatch(/smaller steps/);
    const retry = run.standIn.resultFor(RETRY);
    expect([retry?.is_error, retry?.text.trim()], explain(run)).toEqual([false, 'retry']);
  });
});
