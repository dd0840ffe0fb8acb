// End to end through the built launcher, as Codex and Gemini run it: `node bin/agent-sre-hook.cjs hook
// <agent>`, the agent's hook JSON on stdin, the answer read from stdout, stderr and the exit code. Also the
// launcher's own refusals (here: a damaged trust record) in each agent's fail-closed shape.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from '../adapters/agents/shapes.ts';
import { collect, ensureBuilt, ROOT, tempProject, withRunbook } from './bin.ts';
import { tempConfig } from './launcher.ts';

const LAUNCHER = join(ROOT, 'bin', 'agent-sre-hook.cjs');
const made: string[] = [];
let project: string;

beforeAll(() => {
  ensureBuilt();
  project = withRunbook(tempProject('agent-sre-agents-e2e-'));
  made.push(project);
  mkdirSync(join(project, '.agent-sre'), { mode: 0o700 });
  writeFileSync(join(project, 'agent-sre.yaml'), 'version: 1\nacceptance:\n  runbook: false\n');
}, 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function hook(agent: string, input: unknown, env: NodeJS.ProcessEnv = {}, args: string[] = []) {
  const e: NodeJS.ProcessEnv = {
    AGENT_SRE_HOOKD_IDLE_MS: '3000',
    AGENT_SRE_DELIVERY: 'off',
    ...process.env,
    ...env,
  };
  for (const k of ['CLAUDE_PROJECT_DIR', 'GEMINI_PROJECT_DIR', 'CURSOR_PROJECT_DIR'])
    if (!(k in env)) delete e[k];
  const child = spawn(process.execPath, [LAUNCHER, 'hook', agent, ...args], {
    cwd: project,
    env: e,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, typeof input === 'string' ? input : JSON.stringify(input));
}

const answerOf = (r: { code: number | null; stdout: string; stderr: string }) => ({
  exitCode: r.code as 0 | 2,
  stdout: r.stdout,
  stderr: r.stderr.trim(),
});

const codexPre = (command: string, session = 'e2e-codex') => ({
  session_id: session,
  turn_id: 't1',
  transcript_path: null,
  cwd: project,
  hook_event_name: 'PreToolUse',
  model: 'gpt-5-codex',
  permission_mode: 'bypassPermissions',
  tool_name: 'Bash',
  tool_input: { command },
  tool_use_id: 'call_1',
});

describe('hook codex through the built launcher', () => {
  it('denies a force push to main with the rule, in the one shape Codex honours', async () => {
    const r = await hook('codex', codexPre('git push --force origin main'));
    const got = classify('codex', 'PreToolUse', answerOf(r));
    expect(got.kind).toBe('deny');
    expect(got.reason).toContain('git.force-push-protected');
  });

  it('stays silent on a harmless command (exit 0, nothing on stdout)', async () => {
    const r = await hook('codex', codexPre('ls -la'));
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
  });

  it('denies garbage on stdin as a PreToolUse would be denied', async () => {
    const r = await hook('codex', '{"hook_event_name":"PreToolUse","tool_name":');
    expect(classify('codex', 'PreToolUse', answerOf(r)).kind).toBe('deny');
  });

  it("a session started in a subdirectory is the project's: its policy, its ledger, no state dir below", async () => {
    // Codex names no project directory, only the session's cwd.
    const own = withRunbook(tempProject('agent-sre-agents-sub-'));
    made.push(own);
    writeFileSync(
      join(own, 'agent-sre.yaml'),
      'version: 1\nacceptance:\n  runbook: false\nrules:\n  - id: team.no-cowsay\n    tier: 4\n    reason: no cows\n    match: { kind: [exec], program: [cowsay] }\n',
    );
    const sub = join(own, 'packages', 'web');
    mkdirSync(sub, { recursive: true });
    // Twice: the first call starts the project's daemon, the second is answered by it.
    for (const session of ['e2e-sub-1', 'e2e-sub-2']) {
      const r = await hook('codex', { ...codexPre('cowsay moo', session), cwd: sub });
      const got = classify('codex', 'PreToolUse', answerOf(r));
      expect(got.kind).toBe('deny');
      expect(got.reason).toContain('team.no-cowsay');
    }
    expect(existsSync(join(sub, '.agent-sre'))).toBe(false);
    expect(existsSync(join(own, 'packages', '.agent-sre'))).toBe(false);
    expect(existsSync(join(own, '.agent-sre', 'ledger.db'))).toBe(true);
  });
});

const geminiBefore = (command: string) => ({
  session_id: 'e2e-gemini',
  transcript_path: '/tmp/chat.json',
  cwd: project,
  hook_event_name: 'BeforeTool',
  timestamp: '2026-12-01T12:00:00.000Z',
  tool_name: 'run_shell_command',
  tool_input: { command },
});

describe('hook gemini through the built launcher', () => {
  it('denies a force push to main with the same rule as Claude Code and Codex', async () => {
    const r = await hook('gemini', geminiBefore('git push --force origin main'));
    const got = classify('gemini', 'BeforeTool', answerOf(r));
    expect(got.kind).toBe('deny');
    expect(got.reason).toContain('git.force-push-protected');
  });

  it('stays silent on a harmless command, and stdout is never anything but JSON', async () => {
    const r = await hook('gemini', geminiBefore('ls -la'));
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 0, stdout: '' });
  });

  it('refuses garbage with exit 2 and the reason on stderr (the only failure Gemini blocks on)', async () => {
    const r = await hook('gemini', '{"hook_event_name":"BeforeTool",');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/could not judge/);
  });
});

describe("the launcher's own refusals are in each agent's shape", () => {
  let config: string;
  beforeAll(() => {
    config = tempConfig();
    made.push(join(config, '..'));
    mkdirSync(join(config, 'agent-sre'), { mode: 0o700 });
    const record = join(config, 'agent-sre', 'trusted-installs.json');
    writeFileSync(record, 'not json');
    chmodSync(record, 0o600);
  });

  const cursorShell = {
    hook_event_name: 'beforeShellExecution',
    conversation_id: 'c',
    command: 'ls',
    cwd: project,
  };
  const copilotBash = {
    sessionId: 'p',
    timestamp: 1,
    cwd: project,
    toolName: 'bash',
    toolArgs: { command: 'ls' },
  };
  const cases: Array<[string, unknown, string, string, string[]?]> = [
    ['claude', { ...codexPre('ls'), hook_event_name: 'PreToolUse' }, 'PreToolUse', 'deny'],
    ['codex', codexPre('ls'), 'PreToolUse', 'deny'],
    ['codex', { ...codexPre('ls'), hook_event_name: 'Stop', stop_hook_active: false }, 'Stop', 'block'],
    ['gemini', geminiBefore('ls'), 'BeforeTool', 'deny'],
    ['gemini', { ...geminiBefore('ls'), hook_event_name: 'AfterAgent' }, 'AfterAgent', 'block'],
    ['cursor', cursorShell, 'beforeShellExecution', 'deny'],
    ['cursor', { ...cursorShell, hook_event_name: 'stop', status: 'completed' }, 'stop', 'block'],
    ['copilot', copilotBash, 'preToolUse', 'deny'],
    [
      'copilot',
      { sessionId: 'p', cwd: project, stopReason: 'end_turn' },
      'agentStop',
      'block',
      ['--event', 'agentStop'],
    ],
  ];
  for (const [agent, input, event, kind, args] of cases)
    it(`${agent} ${event}: ${kind}`, async () => {
      const r = await hook(agent, input, { XDG_CONFIG_HOME: config }, args);
      const got = classify(agent, event, answerOf(r));
      expect(got.kind, r.stdout + r.stderr).toBe(kind);
      expect(got.reason).toMatch(/trust record/);
    });
});
