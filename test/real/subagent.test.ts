// A real subagent (the Agent tool, in the foreground) through the real client. The stand-in scripts the
// subagent's own turns: Claude Code 2.1.332 sends a subagent's requests with an `x-claude-code-agent-id`
// header (and `cc_is_subagent=true` in the system prompt's billing line), so they are answered from a
// separate script. A check scoped to subagents (`on: [subagent]`) blocks the subagent's first stop; the
// reason goes to the subagent as its next instruction, it does the work, and its second stop passes. The
// ledger carries the subagent's id on its calls and stops.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareReplay,
  cost,
  createProject,
  explain,
  ledgerEvents,
  ledgerSessions,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { agent, type RecordedRequest, say, systemText, toldIn, tools, write } from './stand-in.ts';

const POLICY = `acceptance:
  checks:
    - id: sub-report
      kind: command
      run: test -f src/report.txt
      on: [subagent]`;

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: a subagent and a subagent-scoped check', () => {
  let project: Project;
  let run: RunResult;
  let report: string;

  beforeAll(async () => {
    project = createProject({ policy: POLICY });
    report = join(project.dir, 'src', 'report.txt');
    run = await runClaude(project, {
      prompt: 'Have a subagent write the report.',
      script: [tools(agent('Write src/report.txt.', 'toolu_agent')), say('The subagent wrote the report.')],
      standIn: {
        subagentScript: [
          say('Report written.'),
          tools(write(report, 'all good\n', 'toolu_sub_write')),
          say('Report written, for real this time.'),
        ],
      },
    });
  });
  afterAll(() => project?.dispose());

  it("the stand-in served the subagent's turns from its own script, told apart by the agent id", () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(run.standIn.stepsServed, explain(run)).toBe(2);
    expect(run.standIn.subagentStepsServed, explain(run)).toBe(3);
    const sub = run.standIn.agentRequests();
    expect(new Set(sub.map((r) => r.agentId)).size).toBe(1);
    expect(systemText(sub[0]!)).toContain('cc_is_subagent=true');
    expect(systemText(run.standIn.first())).not.toContain('cc_is_subagent=true');
  });

  it("the subagent's first stop was blocked: the check's reason was its next instruction", () => {
    const told = toldIn(run.standIn.agentRequests()[1]!);
    expect(told.all, explain(run)).toContain('sub-report');
    expect(told.all).toContain('test -f src/report.txt');
    expect(existsSync(report)).toBe(true);
  });

  it("the main agent got the subagent's final report", () => {
    const r = run.standIn.resultFor('toolu_agent');
    expect(r?.is_error, explain(run)).toBe(false);
    expect(r?.text).toContain('Report written, for real this time.');
  });

  it("the ledger shows the subagent's id on its call and on both of its stops", () => {
    const agentId = run.standIn.agentRequests()[0]!.agentId!;
    const events = ledgerEvents(project);
    const write = events.find((e) => e.event === 'PreToolUse' && e.tool_use_id === 'toolu_sub_write');
    expect(write?.agent_id, JSON.stringify(events, null, 1)).toBe(agentId);
    const subStops = events.filter((e) => e.event === 'SubagentStop');
    expect(subStops.map((e) => [e.agent_id, e.verdict])).toEqual([
      [agentId, 'deny'],
      [agentId, 'allow'],
    ]);
    expect(subStops[0]?.reason).toContain('sub-report');
    // The main agent's own stop ran its own checks, not the subagent's.
    const mainStop = events.find((e) => e.event === 'Stop');
    expect(mainStop?.agent_id ?? null).toBe(null);
    expect(mainStop?.verdict).toBe('allow');
    expect(ledgerSessions(project)[0]?.usage.subagents).toBe(1);
  });

  it("the cost read from the transcripts counts the subagent's own model calls apart", () => {
    const agentId = run.standIn.agentRequests()[0]!.agentId!;
    const served = (reqs: RecordedRequest[]) =>
      reqs.reduce(
        (a, r) => [a[0]! + r.served!.usage.input_tokens, a[1]! + r.served!.usage.output_tokens],
        [0, 0],
      );
    const c = cost(project, run.transcriptPath!);
    const subs = c.subagents as {
      agentId: string;
      modelCalls: number;
      tokens: { input: number; output: number };
    }[];
    expect(
      subs.map((a) => a.agentId),
      JSON.stringify(c),
    ).toEqual([agentId]);
    expect(subs[0]?.modelCalls).toBe(3);
    expect([subs[0]?.tokens.input, subs[0]?.tokens.output]).toEqual(served(run.standIn.agentRequests()));
    const main = c.main as { modelCalls: number; tokens: { input: number; output: number } };
    expect(main.modelCalls).toBe(2);
    expect([main.tokens.input, main.tokens.output]).toEqual(served(run.standIn.mainRequests()));
  });

  it("replay agrees for the main agent's and the subagent's transcripts", () => {
    expect(compareReplay(project, run).mismatches).toEqual([]);
    const agentId = run.standIn.agentRequests()[0]!.agentId!;
    const transcript = run.agentTranscripts[agentId];
    expect(transcript, JSON.stringify(run.agentTranscripts)).toBeDefined();
    const sub = compareReplay(project, run, { id: agentId, transcript: transcript! });
    expect(sub.live.map((v) => v.toolUseId)).toEqual(['toolu_sub_write']);
    expect(sub.mismatches).toEqual([]);
  });
});
