// The guard's configuration bound to a session, through the built hook: a change to agent-sre.yaml or to
// the hook-relevant parts of Claude Code's settings, made by any route the policy missed, gates everything
// above tier 1 at the next call, and a weakened policy is not what decides (the embedded default is the
// floor). Claude Code's own "always allow" writes (permissions.allow) do not count.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  const dir = withRunbook(tempProject('agent-sre-guard-binding-'));
  made.push(dir);
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, '.claude'));
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  writeFileSync(
    join(dir, '.claude', 'settings.local.json'),
    JSON.stringify({
      permissions: { allow: [] },
      hooks: { PreToolUse: [{ hooks: [{ type: 'command', command: 'x' }] }] },
    }),
  );
  return dir;
}

interface Answer {
  hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
}
const decide = async (dir: string, input: unknown) => {
  const out = (await runHook(input, dir, { env })).stdout;
  const a = (out.trim() ? JSON.parse(out) : {}) as Answer;
  return {
    verdict: a.hookSpecificOutput?.permissionDecision ?? 'allow',
    reason: a.hookSpecificOutput?.permissionDecisionReason ?? '',
  };
};
const write = (dir: string, session: string, file: string) =>
  preToolUse(dir, session, 'Write', { file_path: join(dir, file), content: 'export const x = 1;\n' });
const start = (dir: string, session: string) => ({
  session_id: session,
  transcript_path: join(dir, 't.jsonl'),
  cwd: dir,
  hook_event_name: 'SessionStart',
  source: 'startup',
});

describe('guard configuration bound to the session (issue 10)', () => {
  it('a policy weakened mid-session gates writes, and the default policy still denies what it denies', async () => {
    const dir = project();
    await runHook(start(dir, 's1'), dir, { env });
    expect((await decide(dir, write(dir, 's1', 'src/a.ts'))).verdict).toBe('allow');
    // A route the policy missed rewrites the policy to drop every default rule.
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\nextends: none\n');
    const w = await decide(dir, write(dir, 's1', 'src/b.ts'));
    expect(w.verdict).toBe('ask');
    expect(w.reason).toContain('guard.config-changed');
    expect(w.reason).toContain('agent-sre session resume s1');
    // Under extends: none alone this is not refused; the embedded default is the floor while unreviewed.
    const rm = await decide(dir, bashPre(dir, 's1', 'rm -rf ~/projects'));
    expect(rm.verdict).toBe('deny');
    expect(rm.reason).toContain('fs.delete-outside-project');
    // Reads stay tier 1.
    expect((await decide(dir, bashPre(dir, 's1', 'ls src'))).verdict).toBe('allow');
    // A session that started after the change is bound to the new configuration.
    await runHook(start(dir, 's2'), dir, { env });
    expect((await decide(dir, write(dir, 's2', 'src/c.ts'))).verdict).toBe('allow');
  }, 60_000);

  it('settings: a hook removed counts, a permissions.allow entry added by Claude Code does not', async () => {
    const dir = project();
    const file = join(dir, '.claude', 'settings.local.json');
    await runHook(start(dir, 's3'), dir, { env });
    const settings = JSON.parse(readFileSync(file, 'utf8')) as {
      permissions: { allow: string[] };
      hooks?: unknown;
      disableAllHooks?: boolean;
    };
    settings.permissions.allow.push('Bash(npm test:*)');
    writeFileSync(file, JSON.stringify(settings, null, 2));
    expect((await decide(dir, write(dir, 's3', 'src/a.ts'))).verdict).toBe('allow');
    settings.disableAllHooks = true;
    writeFileSync(file, JSON.stringify(settings));
    const w = await decide(dir, write(dir, 's3', 'src/b.ts'));
    expect(w.verdict).toBe('ask');
    expect(w.reason).toContain('settings.local.json');
  }, 60_000);

  it('a session bound on its first call (no SessionStart) is gated by a later change too', async () => {
    const dir = project();
    expect((await decide(dir, write(dir, 's4', 'src/a.ts'))).verdict).toBe('allow');
    rmSync(join(dir, 'agent-sre.yaml'));
    expect((await decide(dir, write(dir, 's4', 'src/b.ts'))).verdict).toBe('ask');
  }, 60_000);

  it('a human resume rebinds the session to the configuration as it is now', async () => {
    const dir = project();
    await runHook(start(dir, 's5'), dir, { env });
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\nprotectedBranches: [release]\n');
    expect((await decide(dir, write(dir, 's5', 'src/a.ts'))).verdict).toBe('ask');
    const resumed = await runBin(['session', 'resume', 's5', '--dir', dir, '--by', 'alice'], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await decide(dir, write(dir, 's5', 'src/b.ts'))).verdict).toBe('allow');
  }, 60_000);
});
