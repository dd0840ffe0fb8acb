// Cost end to end through the built bin: a session's PostToolUse calls fold its transcript (subagents
// included) into the ledger until budgets.costUsd is crossed; the next PreToolUse is gated and an incident
// raised; `agent-sre cost` reports the same session by id or by file.
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectFolderName } from '../../src/app/transcript-files.ts';
import { bashPre, ensureBuilt, postToolUse, runBin, runHook, tempProject, withRunbook } from './bin.ts';

const SESSION = '5b1c7a2e-0d3f-4c89-9e61-7f2a4b8c9d01';
const FIXTURE_DIR = join(import.meta.dirname, '../fixtures/transcripts/projects/-work-demo');
const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function decision(stdout: string) {
  if (stdout.trim() === '') return { decision: 'allow', reason: '' };
  const h = (
    JSON.parse(stdout) as {
      hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string };
    }
  ).hookSpecificOutput;
  return { decision: h.permissionDecision, reason: h.permissionDecisionReason };
}

describe('agent-sre cost and the cost budget', () => {
  it('a session that crosses budgets.costUsd is gated with budget.costUsd and pages', async () => {
    const project = withRunbook(tempProject('agent-sre-e2e-cost-'));
    const home = tempProject('agent-sre-e2e-home-');
    made.push(project, home);
    writeFileSync(
      join(project, 'agent-sre.yaml'),
      'version: 1\nacceptance:\n  runbook: false\nbudgets:\n  costUsd: 0.25\n',
    );
    // Where Claude Code would keep the session: ~/.claude/projects/<project>/<session>.jsonl.
    const folder = join(home, '.claude', 'projects', projectFolderName(project));
    mkdirSync(folder, { recursive: true });
    const transcript = join(folder, `${SESSION}.jsonl`);
    const full = readFileSync(join(FIXTURE_DIR, `${SESSION}.jsonl`));
    // The first two responses (msg_A, msg_B): about $0.019.
    const cut = full.indexOf('"msg_C"');
    const firstPart = full.subarray(0, full.lastIndexOf('\n', cut) + 1);
    writeFileSync(transcript, firstPart);
    const env = { HOME: home };
    const at = (e: object) => ({ ...e, session_id: SESSION, transcript_path: transcript });

    expect(
      decision((await runHook(at(bashPre(project, SESSION, 'ls')), project, { env })).stdout).decision,
    ).toBe('allow');
    let r = await runHook(
      at(postToolUse(project, SESSION, 'Bash', { command: 'ls' }, { stdout: '' })),
      project,
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(
      decision((await runHook(at(bashPre(project, SESSION, 'ls')), project, { env })).stdout).decision,
    ).toBe('allow');

    // The rest of the session arrives, with its two subagents: $0.286 in all.
    appendFileSync(transcript, full.subarray(firstPart.length));
    cpSync(join(FIXTURE_DIR, SESSION), join(folder, SESSION), { recursive: true });
    r = await runHook(at(postToolUse(project, SESSION, 'Bash', { command: 'ls' }, { stdout: '' })), project, {
      env,
    });
    expect(r.code, r.stderr).toBe(0);

    const gated = decision((await runHook(at(bashPre(project, SESSION, 'ls')), project, { env })).stdout);
    expect(gated.decision).toBe('ask');
    expect(gated.reason).toContain('budget.costUsd');
    expect(gated.reason).toContain('$0.29 of $0.25');

    const inc = await runBin(['incidents', '--json', '--dir', project]);
    expect(inc.code, inc.stderr).toBe(0);
    const incidents = inc.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: { kind: string; rule: string }; sessionId: string });
    expect(incidents).toContainEqual(
      expect.objectContaining({
        source: { kind: 'budget.spent', rule: 'budget.costUsd' },
        sessionId: SESSION,
      }),
    );

    // The report, by session id (looked up under HOME) and as JSON.
    const cost = await runBin(['cost', SESSION, '--json', '--dir', project], { env });
    expect(cost.code, cost.stderr).toBe(0);
    const u = JSON.parse(cost.stdout) as {
      file: string;
      costUsd: number;
      modelCalls: number;
      toolCalls: number;
      subagents: { agentId: string }[];
      tokens: Record<string, number>;
      budgets: { costUsd: number };
      prices: { models: Record<string, { input: number } | null> };
    };
    expect(u.file).toBe(transcript);
    expect(u.costUsd).toBeCloseTo(0.28611, 9);
    expect([u.modelCalls, u.toolCalls]).toEqual([7, 5]);
    expect(u.subagents.map((s) => s.agentId)).toEqual(['a1', 'b2']);
    expect(u.tokens).toEqual({
      input: 21_465,
      output: 1490,
      cacheWrite5m: 3000,
      cacheWrite1h: 500,
      cacheRead: 263_000,
    });
    expect(u.budgets.costUsd).toBe(0.25);
    expect(u.prices.models['claude-opus-5-5']!.input).toBe(4);

    // By file, as text: the price table is shown next to the cost.
    const text = await runBin(['cost', transcript, '--dir', project]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^total\s+7\s+5\s+21,465\s+1,490\s+3,000\s+500\s+263,000\s+45m 0s\s+\$0\.2861$/m,
    );
    expect(text.stdout).toContain('claude-opus-5-5');
    expect(text.stdout).toContain('Source: Anthropic list prices');
    // No session given: the project's latest.
    const latest = await runBin(['cost', '--json', '--dir', project], { env });
    expect((JSON.parse(latest.stdout) as { file: string }).file).toBe(transcript);
  });

  it('teaches with --help and refuses what it cannot find', async () => {
    const help = await runBin(['cost', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: agent-sre cost');
    expect(help.stdout).toContain('budgets.costUsd');
    const missing = await runBin(['cost', 'no-such-session'], { env: { HOME: '/nonexistent' } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no transcript for session no-such-session');
    const main = await runBin(['--help']);
    expect(main.stdout).toMatch(/^\s+cost\s+what a session cost/m);
  });
});
