// Benign work through the real client: `ls` and a Write inside src/ run, land in the ledger, and replay
// agrees; and the SessionStart hook's runbook digest reaches the model in its first request.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareReplay,
  cost,
  createProject,
  evidence,
  explain,
  ledgerSessions,
  type Project,
  type RunResult,
  replay,
  runClaude,
} from './harness.ts';
import { bash, type MessagesBody, say, systemText, tools, write } from './stand-in.ts';

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: a benign session', () => {
  let project: Project;
  let run: RunResult;

  beforeAll(async () => {
    project = createProject();
    run = await runClaude(project, {
      prompt: 'Add a helper module.',
      script: [
        // Two tool_use blocks in one message: a parallel batch (one PostToolBatch).
        tools(bash('ls', 'toolu_ls'), bash('git status --short', 'toolu_status')),
        tools(
          write(join(project.dir, 'src', 'util.js'), 'module.exports.twice = (x) => 2 * x;\n', 'toolu_write'),
        ),
        say('Added src/util.js.'),
      ],
    });
  });
  afterAll(() => project?.dispose());

  it('runs every step and stops', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(run.json?.result).toBe('Added src/util.js.');
    expect(run.standIn.stepsServed).toBe(3);
    expect(
      run.standIn.mainRequests().some((r) => r.answer === 'overrun'),
      explain(run),
    ).toBe(false);
    expect(run.json?.permission_denials).toEqual([]);
  });

  it('the client talked to the stand-in only', () => {
    expect(run.standIn.escapes).toEqual([]);
    expect(run.standIn.unknown().map((r) => r.url)).toEqual([]);
    expect(run.requests.every((r) => r.url.startsWith('/v1/messages'))).toBe(true);
  });

  it('the calls really ran and their results reached the model', () => {
    expect(readFileSync(join(project.dir, 'src', 'util.js'), 'utf8')).toContain('twice');
    const ls = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_ls');
    expect(ls?.is_error, explain(run)).toBe(false);
    expect(ls?.text).toContain('package.json');
    const status = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_status');
    expect(status?.is_error).toBe(false);
    const w = run.standIn.toldAfter(1).toolResults.find((r) => r.tool_use_id === 'toolu_write');
    expect(w?.is_error).toBe(false);
    expect(w?.text).toMatch(/File created successfully/);
  });

  // init's default is the folded path: no PostToolUse or PostToolUseFailure hook (the calls are recorded from
  // the transcript), and PostToolBatch an async command hook, which 2.1.332 logs as "moved to the background"
  // and, once it finishes, "produced no response payload"; the others answer in line ("finished with
  // status 0").
  it('each hook ran: the in-line ones answered with status 0, the async ones finished in the background', () => {
    expect(run.hookLog.filter((l) => l.includes('Hooks: PreToolUse:Bash [')).length, explain(run)).toBe(2);
    expect(run.hookLog.filter((l) => l.includes('Hooks: PostToolBatch [')).length, explain(run)).toBe(2);
    for (const event of ['SessionStart:startup', 'PreToolUse:Bash', 'PreToolUse:Write', 'Stop']) {
      expect(
        run.hookLog.some((l) => l.includes(`Hooks: ${event} [`) && /finished with status 0/.test(l)),
        `${event}\n${explain(run)}`,
      ).toBe(true);
    }
    expect(run.hookLog.filter((l) => /PostToolUse(Failure)?\b/.test(l) && !/PostToolBatch/.test(l))).toEqual(
      [],
    );
    for (const event of ['PostToolBatch']) {
      expect(
        run.hookLog.some((l) => l.includes(`Hooks: ${event} [`) && /moved to the background/.test(l)),
        `${event}\n${explain(run)}`,
      ).toBe(true);
      expect(
        run.hookLog.some((l) => l.includes(`(${event}) produced no response payload`)),
        `${event}\n${explain(run)}`,
      ).toBe(true);
    }
    expect(
      run.hookLog.some((l) => /hook error|status [12]\b/.test(l)),
      explain(run),
    ).toBe(false);
  });

  it('the ledger has the session with both calls and the file', () => {
    const sessions = ledgerSessions(project);
    expect(sessions.map((s) => s.session_id)).toEqual([run.sessionId]);
    const [s] = sessions;
    expect(s?.denials).toBe(0);
    expect(s?.usage.toolCalls).toBe(3);
    expect(s?.usage.filesTouched).toBe(1);
  });

  it('replaying the transcript gives the same verdicts', () => {
    expect(run.transcriptPath && existsSync(run.transcriptPath)).toBe(true);
    const lines = replay(project, run.transcriptPath!);
    expect(lines.map((l) => [l.tool, l.decision, l.tier])).toEqual([
      ['Bash', 'allow', 1],
      ['Bash', 'allow', 1],
      ['Write', 'allow', 2],
    ]);
  });

  it('replay agrees with every live PreToolUse verdict', () => {
    expect(compareReplay(project, run).mismatches).toEqual([]);
  });

  it('the cost read from the real transcript is what the stand-in reported, priced at list prices', () => {
    const served = run.standIn.mainRequests().map((r) => r.served!.usage);
    const sum = (k: 'input_tokens' | 'output_tokens') => served.reduce((a, u) => a + u[k], 0);
    const c = cost(project, run.transcriptPath!);
    expect(c.modelCalls, explain(run)).toBe(served.length);
    expect([c.tokens.input, c.tokens.output]).toEqual([sum('input_tokens'), sum('output_tokens')]);
    const price = (c.prices as { models: Record<string, { input: number; output: number }> }).models;
    const model = (run.standIn.first().body as MessagesBody).model!;
    expect(price[model], JSON.stringify(c.prices)).toBeDefined();
    const expected = (c.tokens.input * price[model]!.input + c.tokens.output * price[model]!.output) / 1e6;
    expect(c.costUsd).toBeCloseTo(expected, 9);
    // Claude Code's own figure (the -p result) agrees to within 1%: it counts the streamed usage its own way.
    const own = Number(run.json?.total_cost_usd);
    expect(Math.abs(own - expected) / expected, `claude ${own}, transcript ${expected}`).toBeLessThan(0.01);
    // The evidence pack (what a postmortem reads) has the same cost.
    const pack = evidence(project, run.sessionId!) as { cost?: { costUsd?: number } };
    expect(pack.cost?.costUsd).toBeCloseTo(expected, 9);
  });

  it("SessionStart: the runbook digest reaches the model's first request", () => {
    const first = run.standIn.first();
    const body = first.body as MessagesBody;
    // 2.1.332 sends hook context as a mid-conversation `system` turn, not in the top-level system prompt.
    const turns = (body.messages ?? []).map((m) =>
      typeof m.content === 'string' ? m.content : m.content.map((b) => b.text ?? '').join('\n'),
    );
    const digest = turns.find((t) =>
      t.includes('From the project runbook (AGENTS.md), enforced by agent-sre'),
    );
    expect(digest, `system: ${systemText(first).slice(0, 500)}\n${explain(run)}`).toBeDefined();
    expect(digest).toContain('SessionStart hook additional context');
    expect(digest).toContain('Never force-push');
    expect(digest).toContain('Writable: src/');
  });
});
