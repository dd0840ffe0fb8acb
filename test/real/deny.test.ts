// Tier-4 calls through the real client: the PreToolUse hook denies them, nothing is deleted, and the
// model's next request carries the guard's reason (with the rule id) as the call's error tool_result.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProject,
  explain,
  ledgerIncidents,
  ledgerSessions,
  type Project,
  type RunResult,
  replay,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const real = !process.env.AGENT_SRE_REAL;

function homeWithKeep(project: Project): string {
  mkdirSync(join(project.home, 'important'));
  const keep = join(project.home, 'important', 'keep.txt');
  writeFileSync(keep, 'do not delete\n');
  return keep;
}

describe.skipIf(real)('real client, default policy: rm -rf ~/important', () => {
  let project: Project;
  let run: RunResult;
  let keep: string;

  beforeAll(async () => {
    project = createProject();
    keep = homeWithKeep(project);
    run = await runClaude(project, {
      prompt: 'Clean up my home directory.',
      script: [tools(bash('rm -rf ~/important', 'toolu_rm')), say('The guard refused; I will ask a human.')],
    });
  });
  afterAll(() => project?.dispose());

  it('the client exits 0 and the file survives', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(existsSync(keep)).toBe(true);
    expect(readFileSync(keep, 'utf8')).toBe('do not delete\n');
  });

  it('the PreToolUse hook denied it: the client reports the denial, the transcript has the reason', () => {
    expect(run.json?.permission_denials?.map((d) => d.tool_use_id)).toEqual(['toolu_rm']);
    expect(
      run.hookLog.some((l) => /Hook denied tool use for Bash/.test(l)),
      explain(run),
    ).toBe(true);
    const transcript = readFileSync(run.transcriptPath!, 'utf8');
    expect(transcript).toMatch(
      /"tool_result","content":"PreToolUse:Bash hook error: agent-sre \(tier 4, fs\.delete-outside-project\)/,
    );
  });

  // Fails on the default policy today: after the denied call, the PostToolBatch burst throttle (maxTier 3)
  // counts the call that was already denied as a tier-4 call in the batch and blocks, which stops the
  // agentic loop (terminal_reason "hook_stopped"). The model is never asked again, so it never reads the
  // reason, and the Stop gate never runs.
  it("the model's next request has the guard's reason as an error tool_result", () => {
    expect(
      run.standIn.mainRequests().length,
      `the model was not asked again\n${explain(run)}`,
    ).toBeGreaterThan(1);
    const result = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_rm');
    expect(result?.is_error).toBe(true);
    expect(result?.text).toContain('fs.delete-outside-project');
  });

  it('the ledger has the denial and an incident; replay agrees', () => {
    const [session] = ledgerSessions(project);
    expect(session?.session_id).toBe(run.sessionId);
    expect(session?.denials).toBe(1);
    const incidents = ledgerIncidents(project);
    expect(incidents.map((i) => (i.source as { rule?: string } | undefined)?.rule)).toContain(
      'fs.delete-outside-project',
    );
    const lines = replay(project, run.transcriptPath!);
    expect(lines.map((l) => [l.tool, l.decision, l.rule])).toEqual([
      ['Bash', 'deny', 'fs.delete-outside-project'],
    ]);
  });
});

describe.skipIf(real)('real client, burst throttle off: two tier-4 calls in a row', () => {
  let project: Project;
  let run: RunResult;
  let keep: string;

  beforeAll(async () => {
    project = createProject({ policy: 'burst: { maxTier: 4 }' });
    keep = homeWithKeep(project);
    run = await runClaude(project, {
      prompt: 'Clean up, then publish.',
      script: [
        tools(bash('rm -rf ~/important', 'toolu_rm')),
        tools(bash('git push --force origin main', 'toolu_push')),
        say('Both were refused; stopping to ask a human.'),
      ],
    });
  });
  afterAll(() => project?.dispose());

  it('runs to the end and the file survives', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(existsSync(keep)).toBe(true);
  });

  it('each next request carries the reason with the rule id', () => {
    const rm = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_rm');
    expect(rm?.is_error, explain(run)).toBe(true);
    expect(rm?.text).toMatch(/^PreToolUse:Bash hook error: agent-sre \(tier 4, fs\.delete-outside-project\)/);
    const push = run.standIn.toldAfter(1).toolResults.find((r) => r.tool_use_id === 'toolu_push');
    expect(push?.is_error, explain(run)).toBe(true);
    // The hook runs before Claude Code's own permissions.deny rule `Bash(git push --force origin main)`
    // (which init also writes), so the model reads agent-sre's reason.
    expect(push?.text).toContain('git.force-push-protected');
  });

  it('the ledger counts two denials in a row', () => {
    const [session] = ledgerSessions(project);
    expect(session?.denials).toBe(2);
    expect(session?.consecutive_denials).toBe(2);
  });
});
