// Budgets count the calls already let through whose PostToolUse has not been recorded yet. The default
// layout records PostToolUse from the transcript, which can lag a call: without this, a files budget of 2
// let a third write through when the scripted model answered before the transcript was written.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, preToolUse, runHook, tempProject, withRunbook } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };

async function decide(dir: string, input: unknown): Promise<{ verdict: string; reason: string }> {
  const out = (await runHook(input, dir, { env })).stdout;
  const a = (out.trim() ? JSON.parse(out) : {}) as {
    hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
  };
  return {
    verdict: a.hookSpecificOutput?.permissionDecision ?? 'allow',
    reason: a.hookSpecificOutput?.permissionDecisionReason ?? '',
  };
}

describe('budgets see calls not yet recorded', () => {
  it('a files budget of 2 gates the third write even before any PostToolUse is recorded', async () => {
    const dir = withRunbook(tempProject('agent-sre-pending-'));
    made.push(dir);
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\nbudgets:\n  filesTouched: 2\n');
    const w = (name: string) =>
      preToolUse(dir, 'pending', 'Write', { file_path: join(dir, 'src', name), content: 'x\n' });
    expect((await decide(dir, w('one.js'))).verdict).toBe('allow');
    expect((await decide(dir, w('two.js'))).verdict).toBe('allow');
    const third = await decide(dir, w('three.js'));
    expect(third.verdict).toBe('ask');
    expect(third.reason).toContain('budget.filesTouched');
    // Reads are not held by a spent files budget.
    expect(
      (await decide(dir, preToolUse(dir, 'pending', 'Read', { file_path: join(dir, 'src', 'one.js') })))
        .verdict,
    ).toBe('allow');
  }, 60_000);
});
