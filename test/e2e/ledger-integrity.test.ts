// Through the built hook: a ledger truncated to 0 bytes between two tool calls is an incident and a hold,
// not a fresh start. The next call is denied with a reason that names the ledger, the SEV1 incident is
// there for `agent-sre incidents` and paged to pages.jsonl, and once a human runs `agent-sre ledger
// accept`, calls are judged normally again. Both in-process and through the warm daemon.
import { existsSync, readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashPre, ensureBuilt, runBin, runHook, tempProject, withRunbook } from './bin.ts';
import { removeProjects, waitFor } from './launcher.ts';

beforeAll(() => ensureBuilt());
const made: string[] = [];
afterAll(() => removeProjects(made));

const sockets = (project: string) =>
  existsSync(join(project, '.agent-sre'))
    ? readdirSync(join(project, '.agent-sre')).filter((f) => /^hookd-.*\.sock$/.test(f))
    : [];

function answer(stdout: string): { decision: string; reason: string } {
  if (stdout === '') return { decision: 'allow', reason: '' };
  const o = JSON.parse(stdout) as {
    hookSpecificOutput: { permissionDecision: string; permissionDecisionReason?: string };
  };
  return {
    decision: o.hookSpecificOutput.permissionDecision,
    reason: o.hookSpecificOutput.permissionDecisionReason ?? '',
  };
}

const pageLines = (project: string) => {
  const file = join(project, '.agent-sre', 'pages.jsonl');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { dedupKey: string; severity: string; title: string })
    : [];
};

// Humans run the CLI: whatever the test runner inherited, these are not inside a coding agent.
const HUMAN = { CLAUDECODE: '', AGENT_SRE_USER: 'alice' };

async function scenario(env: NodeJS.ProcessEnv, daemon: boolean): Promise<void> {
  const project = withRunbook(tempProject('agent-sre-ledger-e2e-'));
  made.push(project);
  const db = join(project, '.agent-sre', 'ledger.db');
  const hook = (command: string) => runHook(bashPre(project, 's1', command), project, { env });

  expect(answer((await hook('ls')).stdout).decision).toBe('allow');
  if (daemon) {
    // The launcher starts a daemon only for a project whose .agent-sre/ exists: from the second call on.
    expect(answer((await hook('ls')).stdout).decision).toBe('allow');
    await waitFor(() => sockets(project).length === 1);
    // This one is answered by the daemon, which now holds the ledger open.
    expect(answer((await hook('ls')).stdout).decision).toBe('allow');
  }

  truncateSync(db, 0);
  const denied = answer((await hook('ls')).stdout);
  expect(denied.decision).toBe('deny');
  expect(denied.reason).toContain('ledger.db');
  expect(denied.reason).toContain('agent-sre ledger accept');
  // Its own rule, not "fix the state directory": this is an incident for a human.
  expect(denied.reason).toMatch(/\(tier 4, ledger\.hold\)/);
  expect(denied.reason).not.toContain('Fix the state directory');
  // The daemon's open connection notices the change itself; a fresh process finds the empty file.
  expect(denied.reason).toMatch(
    daemon ? /shrank from \d+ to 0 bytes while agent-sre had it open/ : /empty \(0 bytes\)/,
  );

  const incidents = await runBin(['incidents', '--json'], { cwd: project, env: HUMAN });
  expect(incidents.code).toBe(0);
  const rows = incidents.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { severity: string; state: string; source: { kind: string } });
  expect(rows).toContainEqual(
    expect.objectContaining({
      severity: 'SEV1',
      state: 'triggered',
      source: expect.objectContaining({ kind: 'ledger.integrity' }),
    }),
  );
  // Paged like any other incident: the detached flusher delivers it to the default file channel.
  await waitFor(() => pageLines(project).some((p) => p.dedupKey.includes('ledger.integrity')));
  expect(pageLines(project).find((p) => p.dedupKey.includes('ledger.integrity'))?.severity).toBe('SEV1');

  // Still held: every call is refused until a human accepts, and the agent cannot accept.
  expect(answer((await hook('ls')).stdout).decision).toBe('deny');
  const byAgent = await runBin(['ledger', 'accept'], { cwd: project, env: { ...HUMAN, CLAUDECODE: '1' } });
  expect(byAgent.code).not.toBe(0);
  expect(answer((await hook('ls')).stdout).decision).toBe('deny');

  const accepted = await runBin(['ledger', 'accept', '--note', 'e2e'], { cwd: project, env: HUMAN });
  expect(accepted.stderr).toBe('');
  expect(accepted.code).toBe(0);
  expect(answer((await hook('ls')).stdout).decision).toBe('allow');
  expect(answer((await hook('rm -rf /')).stdout).decision).toBe('deny');
  if (daemon) expect(sockets(project)).toHaveLength(1);
}

describe('a ledger truncated between two hook calls', () => {
  it('in-process: denied naming the ledger, SEV1 incident paged, judged normally after accept', {
    timeout: 60_000,
  }, async () => {
    await scenario({ AGENT_SRE_HOOKD: '0' }, false);
  });

  it('through the warm daemon holding the ledger open: the same', { timeout: 60_000 }, async () => {
    await scenario({}, true);
  });
});
