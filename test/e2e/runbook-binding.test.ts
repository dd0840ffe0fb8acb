// The runbook bound to a session, through the built CLI: the digest at SessionStart, writes gated while
// the runbook is missing or fails lint, everything above tier 1 gated once it changes mid-session until a
// human resumes, the scope compiled into rules, postconditions run as Stop checks; and the burst throttle.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashPre, ensureBuilt, preToolUse, runBin, runHook, tempProject, withRunbook } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };

function project(): string {
  const dir = tempProject('agent-sre-binding-');
  made.push(dir);
  return dir;
}

const answer = (stdout: string) =>
  (stdout.trim() ? JSON.parse(stdout) : {}) as {
    decision?: string;
    reason?: string;
    systemMessage?: string;
    hookSpecificOutput?: {
      permissionDecision?: string;
      permissionDecisionReason?: string;
      additionalContext?: string;
    };
  };

const write = (dir: string, session: string, file: string) =>
  preToolUse(dir, session, 'Write', { file_path: join(dir, file), content: 'export const x = 1;\n' });

const sessionStart = (dir: string, session: string) => ({
  session_id: session,
  transcript_path: join(dir, 't.jsonl'),
  cwd: dir,
  hook_event_name: 'SessionStart',
  source: 'startup',
});

const RUNBOOK = `# AGENTS.md

## Preconditions

- Dependencies are installed: \`npm ci\`

## Escalation criteria

- Ask a human before touching database migrations.

## Postconditions

- The checks pass: \`node check.js\`

## Scope boundary

- You may edit \`src/\`.

## Never

- Never force-push (\`git push --force\`).
- Never edit \`vendor/\`.
`;

describe('runbook binding', () => {
  it('gates writes at tier 3 while there is no runbook, and says so at SessionStart', async () => {
    const dir = project();
    const start = answer((await runHook(sessionStart(dir, 'none'), dir, { env })).stdout);
    expect(start.hookSpecificOutput?.additionalContext).toContain('no runbook');
    const w = answer((await runHook(write(dir, 'none', 'a.ts'), dir, { env })).stdout);
    expect(w.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(w.hookSpecificOutput?.permissionDecisionReason).toContain('runbook.missing');
    // Reads are not gated.
    expect((await runHook(bashPre(dir, 'none', 'ls'), dir, { env })).stdout).toBe('');
  }, 30_000);

  it('gates writes while the runbook fails lint, naming the first error', async () => {
    const dir = project();
    writeFileSync(join(dir, 'AGENTS.md'), '# Notes\n\nBe careful.\n');
    const w = answer((await runHook(write(dir, 'lint', 'a.ts'), dir, { env })).stdout);
    expect(w.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(w.hookSpecificOutput?.permissionDecisionReason).toContain('runbook.failing');
    expect(w.hookSpecificOutput?.permissionDecisionReason).toContain('AGENTS.md:');
  }, 30_000);

  it('injects the digest, compiles the scope and Never list, and runs postconditions at Stop', async () => {
    const dir = project();
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'vendor'));
    writeFileSync(join(dir, 'AGENTS.md'), RUNBOOK);
    writeFileSync(join(dir, 'check.js'), "console.error('check failed: 2 problems'); process.exit(1);\n");
    const lint = await runBin(['runbook', 'lint', '--dir', dir]);
    expect(lint.code, lint.stdout).toBe(0);

    const start = answer((await runHook(sessionStart(dir, 'rb'), dir, { env })).stdout);
    const digest = start.hookSpecificOutput?.additionalContext ?? '';
    expect(digest).toContain('database migrations');
    expect(digest).toContain('src/');
    expect(digest).toMatch(/force-push/);

    expect((await runHook(write(dir, 'rb', 'src/a.ts'), dir, { env })).stdout).toBe('');
    const outside = answer((await runHook(write(dir, 'rb', 'lib/a.ts'), dir, { env })).stdout);
    expect(outside.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(outside.hookSpecificOutput?.permissionDecisionReason).toContain('runbook.scope');
    const vendor = answer((await runHook(write(dir, 'rb', 'vendor/x.js'), dir, { env })).stdout);
    expect(vendor.hookSpecificOutput?.permissionDecision).toBe('deny');

    const stop = answer(
      (
        await runHook(
          {
            ...sessionStart(dir, 'rb'),
            hook_event_name: 'Stop',
            stop_hook_active: false,
            last_assistant_message: 'Done.',
          },
          dir,
          { env },
        )
      ).stdout,
    );
    expect(stop.decision).toBe('block');
    expect(stop.reason).toContain('node check.js');
    expect(stop.reason).toContain('check failed: 2 problems');
  }, 60_000);

  it('gates everything above tier 1 after the runbook changes mid-session, until a human resumes', async () => {
    const dir = withRunbook(project());
    await runHook(sessionStart(dir, 'chg'), dir, { env });
    expect((await runHook(write(dir, 'chg', 'a.ts'), dir, { env })).stdout).toBe('');

    writeFileSync(join(dir, 'AGENTS.md'), `${RUNBOOK.replace('src/', './')}\n`);
    const after = answer((await runHook(write(dir, 'chg', 'a.ts'), dir, { env })).stdout);
    expect(after.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(after.hookSpecificOutput?.permissionDecisionReason).toContain('runbook.changed');
    expect(after.hookSpecificOutput?.permissionDecisionReason).toContain('agent-sre session resume chg');
    // Tier 1 (a read) is not gated.
    expect((await runHook(bashPre(dir, 'chg', 'ls'), dir, { env })).stdout).toBe('');

    // An agent cannot resume itself: the CLI refuses inside Claude Code, and the policy denies the command.
    const selfResume = await runBin(['session', 'resume', 'chg', '--dir', dir], {
      env: { ...env, CLAUDECODE: '1' },
    });
    expect(selfResume.code).toBe(2);
    const denied = answer(
      (await runHook(bashPre(dir, 'chg', 'npx agent-sre session resume chg'), dir, { env })).stdout,
    );
    expect(denied.hookSpecificOutput?.permissionDecision).toBe('deny');

    const resumed = await runBin(['session', 'resume', 'chg', '--dir', dir, '--by', 'alice'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await runHook(write(dir, 'chg', 'a.ts'), dir, { env })).stdout).toBe('');
  }, 60_000);

  it('asks before the agent edits its own runbook', async () => {
    const dir = withRunbook(project());
    const w = answer((await runHook(write(dir, 'edit', 'AGENTS.md'), dir, { env })).stdout);
    expect(w.hookSpecificOutput?.permissionDecision).toBe('ask');
    expect(w.hookSpecificOutput?.permissionDecisionReason).toContain('guard.runbook-edit');
  }, 30_000);
});

describe('PostToolBatch burst throttle', () => {
  const batch = (dir: string, calls: Array<{ tool_name: string; tool_input: unknown }>) => ({
    session_id: 'burst',
    transcript_path: join(dir, 't.jsonl'),
    cwd: dir,
    hook_event_name: 'PostToolBatch',
    tool_calls: calls.map((c, i) => ({ ...c, tool_use_id: `toolu_${i}`, tool_response: 'ok' })),
  });

  it('blocks a batch over the write threshold with a summary, and lets a small one through', async () => {
    const dir = withRunbook(project());
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\nburst:\n  maxWrites: 3\n  maxFiles: 3\n');
    const writes = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        tool_name: 'Write',
        tool_input: { file_path: join(dir, `f${i}.ts`), content: 'x' },
      }));
    expect((await runHook(batch(dir, writes(3)), dir, { env })).stdout).toBe('');
    const big = answer((await runHook(batch(dir, writes(5)), dir, { env })).stdout);
    expect(big.decision).toBe('block');
    expect(big.reason).toContain('burst.throttle');
    expect(big.reason).toMatch(/5 writes?.*3/);

    const rows = await runBin(['sessions', '--json', '--dir', dir]);
    expect(rows.code).toBe(0);
    expect(rows.stdout).toContain('"burst"');
  }, 30_000);

  it('blocks a batch holding a tier-4 call', async () => {
    const dir = withRunbook(project());
    const r = answer(
      (
        await runHook(
          batch(dir, [
            { tool_name: 'Bash', tool_input: { command: 'ls' } },
            { tool_name: 'Bash', tool_input: { command: 'rm -rf ~' } },
          ]),
          dir,
          { env },
        )
      ).stdout,
    );
    expect(r.decision).toBe('block');
    // Each call once, as `t<tier> <tool>: <what> [<rule>]` (the tool name was doubled).
    expect(r.reason).toContain('t4 Bash: rm -rf ~ [');
    expect(r.reason).not.toContain('Bash: Bash:');
  }, 30_000);

  it('does not count a call PreToolUse already refused: it never ran, and the model must read why', async () => {
    const dir = withRunbook(project());
    const pre = { ...bashPre(dir, 'burst', 'rm -rf ~'), tool_use_id: 'toolu_1' };
    const denied = answer((await runHook(pre, dir, { env })).stdout);
    expect(denied.hookSpecificOutput?.permissionDecision).toBe('deny');
    const after = await runHook(
      batch(dir, [
        { tool_name: 'Bash', tool_input: { command: 'ls' } },
        { tool_name: 'Bash', tool_input: { command: 'rm -rf ~' } },
      ]),
      dir,
      { env },
    );
    expect(after.stdout).toBe('');
  }, 30_000);
});

describe('escalation is told to the model', () => {
  it('the refusal that escalates names the incident and says to stop and wait; an allowed call does not reset the wording', async () => {
    const dir = withRunbook(project());
    const deny = async (cmd: string) =>
      answer((await runHook(bashPre(dir, 'esc', cmd), dir, { env })).stdout).hookSpecificOutput
        ?.permissionDecisionReason ?? '';
    const first = await deny('rm -rf ~');
    expect(first).not.toContain('escalated');
    await deny('rm -rf /');
    const third = await deny('git push --force origin main');
    expect(third).toContain('git.force-push-protected');
    expect(third).toMatch(/3 refusals in a row, so agent-sre escalated this session to a human \(INC-\d+/);
    expect(third).toContain('wait for the human');
    // An allowed read resets the counter; a later write's reason must not say "after 0 denials".
    await runHook(bashPre(dir, 'esc', 'ls'), dir, { env });
    const gated = await runHook(write(dir, 'esc', 'src/x.ts'), dir, { env });
    const why = answer(gated.stdout).hookSpecificOutput?.permissionDecisionReason ?? '';
    expect(why).toContain('session.escalated');
    expect(why).not.toMatch(/after 0 denials/);
  }, 30_000);
});
