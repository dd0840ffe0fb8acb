// The folded command path (the default of `agent-sre init`) in the real client: PostToolUse,
// PostToolUseFailure and PostToolBatch run as async command hooks, so one hook process (PreToolUse) blocks
// each tool call. What fold gives up has to be made good by the hook itself:
//   - in `-p`, Claude Code cancels async hooks still running when the turn ends. Here every PostToolUse
//     hook is made slow (a wrapper sleeps before it runs agent-sre), so the last calls' hooks are
//     cancelled and the others come after the next call's PreToolUse; the ledger must still hold every
//     call's PostToolUse exactly once, caught up from the transcript, with the usage they add up to;
//   - an async PostToolBatch cannot stop the loop: a parallel batch over `burst: { maxCalls: 3 }` gets the
//     next call refused with the burst reason, and the model is told why.
import { readFileSync, writeFileSync } from 'node:fs';
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
/** Longer than the rest of the session takes: no PostToolUse hook finishes before the turn ends. */
const SLOW_POST_S = 6;

const singles = [...Array.from({ length: SINGLE - 2 }, (_, i) => `toolu_f${i}`), 'toolu_w1', 'toolu_w2'];
const burst = Array.from({ length: BATCH }, (_, i) => `toolu_b${i}`);
// Refused by the burst throttle, so never run; the retry after it runs.
const RETRY = 'toolu_retry';
const ran = [...singles, ...burst, RETRY];

type Hooks = Record<string, { hooks: Record<string, unknown>[] }[]>;

/** Put a sleep in front of agent-sre's PostToolUse and PostToolUseFailure entries (still async). */
function slowPostHooks(project: Project): void {
  const file = join(project.dir, '.claude', 'settings.json');
  const settings = JSON.parse(readFileSync(file, 'utf8')) as { hooks: Hooks };
  for (const event of ['PostToolUse', 'PostToolUseFailure'])
    for (const group of settings.hooks[event] ?? [])
      for (const h of group.hooks) {
        if (h.async !== true || typeof h.command !== 'string') continue;
        h.args = ['-c', `sleep ${SLOW_POST_S}; exec "$0" "$@"`, h.command, ...((h.args as string[]) ?? [])];
        h.command = 'sh';
      }
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: the folded command path (init default)', () => {
  let project: Project;
  let run: RunResult;
  const burstRows = () => ledgerEvents(project).filter((e) => e.rule === 'burst.throttle');

  beforeAll(async () => {
    // createProject runs `agent-sre init --yes`: fold is the default.
    project = createProject({ policy: 'burst: { maxCalls: 3 }' });
    slowPostHooks(project);
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
    expect(project.initOutput).toMatch(/in the background \(async: one process per tool call/);
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
    console.log(`fold: hook processes: ${JSON.stringify(counts)}`);
    expect(counts, explain(run)).toMatchObject({
      PreToolUse: ran.length + 1,
      PostToolUse: 0,
      PostToolBatch: 0,
      backgroundPost: ran.length,
      // One per model response with tool calls: the singles, the burst, the refused call, the retry.
      backgroundBatch: SINGLE + 3,
    });
  });

  it('the turn ended with PostToolUse hooks still running (cancelled), so the live hooks alone would have lost them', () => {
    const stopAt = run.debugLog.split('\n').findIndex((l) => /Hooks: Stop \[.*agent-sre-hook/.test(l));
    const finished = run.hookLog.filter((l) =>
      /async_hook_\d+ \(PostToolUse:\w+\) (produced|completed)/.test(l),
    );
    const cancelled = run.debugLog
      .split('\n')
      .filter((l) => /Hook PostToolUse:\w+ \(PostToolUse\) cancelled/.test(l));
    console.log(
      `fold: before Stop ${finished.length} PostToolUse hooks had finished; cancelled lines: ${cancelled.length}`,
    );
    expect(stopAt, explain(run)).toBeGreaterThan(0);
    if (cancelled[0]) console.log(`fold: e.g. ${cancelled[0]}`);
    // Every PostToolUse hook sleeps past the end of the session: none had answered when the turn ended,
    // and the client says it cancelled them.
    expect(finished, explain(run)).toEqual([]);
    expect(cancelled.length, explain(run)).toBe(ran.length);
  });

  it("the ledger has every call's PostToolUse exactly once, and the usage adds up", async () => {
    // Give hooks the client did not kill time to come late: they must not count a second time.
    await new Promise((r) => setTimeout(r, (SLOW_POST_S + 2) * 1000));
    const posts = ledgerEvents(project)
      .filter((e) => e.session_id === run.sessionId && e.event === 'PostToolUse')
      .map((e) => e.tool_use_id)
      .sort();
    expect(posts, `PostToolUse records\n${explain(run)}`).toEqual([...ran].sort());
    const [s] = ledgerSessions(project).filter((x) => x.session_id === run.sessionId);
    expect(s?.usage.toolCalls).toBe(ran.length);
    expect(s?.usage.filesTouched).toBe(2);
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
