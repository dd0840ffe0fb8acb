// Every hook answers within its configured timeout, whatever is locked or slow: with the ledger held by
// another process's exclusive transaction, each answer (daemon path and in-process, PreToolUse and
// PostToolUse, one call or eight at once) arrives before the deadline and is a refusal, never silence.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyTimeoutFor } from '../../src/cli/hook-main.ts';
import { bashPre, ensureBuilt, postToolUse, tempProject } from './bin.ts';
import { launch, pidsWith, reasonOf, socketsIn, tempConfig, verdictOf, waitFor } from './launcher.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A project with a ledger and a running daemon, and its own config dir. */
async function warmProject() {
  const project = tempProject('agent-sre-deadline-');
  const config = tempConfig();
  made.push(project, join(config, '..'));
  mkdirSync(join(project, '.agent-sre'));
  const call = (input: unknown, opts: { env?: NodeJS.ProcessEnv; args?: string[] } = {}) =>
    launch(input, {
      projectDir: project,
      config,
      env: { AGENT_SRE_HOOKD_IDLE_MS: '60000', ...opts.env },
      ...opts,
    });
  for (const end = Date.now() + 15_000; socketsIn(project).length === 0; ) {
    await call(bashPre(project, 'warm', 'ls'));
    if (Date.now() > end) throw new Error('the daemon did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { project, call };
}

/** Another process holds the write lock, as a long `BEGIN EXCLUSIVE` would. */
function lockLedger(project: string): () => void {
  const db = new Database(join(project, '.agent-sre', 'ledger.db'));
  db.exec('BEGIN EXCLUSIVE');
  return () => {
    db.exec('ROLLBACK');
    db.close();
  };
}

const refusals = new Set(['deny', 'block', 'exit2']);

describe('deadlines', () => {
  it('the SQLite wait in-process is bounded by what is left of the budget', () => {
    expect(busyTimeoutFor(undefined, 0)).toBe(5000);
    expect(busyTimeoutFor(10_000, 0)).toBe(4800);
    expect(busyTimeoutFor(3000, 0)).toBe(1300);
    expect(busyTimeoutFor(100, 0)).toBe(50);
  });

  it('with the ledger locked, every path answers with a refusal before a 4 s timeout', async () => {
    const { project, call } = await warmProject();
    const unlock = lockLedger(project);
    try {
      const cases = [
        { name: 'PreToolUse, daemon', input: bashPre(project, 's', 'ls'), env: {} },
        { name: 'PreToolUse, in-process', input: bashPre(project, 's', 'ls'), env: { AGENT_SRE_HOOKD: '0' } },
        {
          name: 'PostToolUse, daemon',
          input: postToolUse(project, 's', 'Bash', { command: 'ls' }, { stdout: '' }),
          env: {},
        },
        {
          name: 'PostToolUse, in-process',
          input: postToolUse(project, 's', 'Bash', { command: 'ls' }, { stdout: '' }),
          env: { AGENT_SRE_HOOKD: '0' },
        },
      ];
      const runs = await Promise.all(
        cases.map((c) => call(c.input, { env: c.env, args: ['--timeout', '4'] })),
      );
      runs.forEach((r, i) => {
        const name = cases[i]!.name;
        expect(r.ms, name).toBeLessThan(4000);
        expect(refusals.has(verdictOf(r)), `${name}: ${verdictOf(r)} ${reasonOf(r)}`).toBe(true);
        expect(reasonOf(r).length, name).toBeGreaterThan(20);
      });
    } finally {
      unlock();
    }
  }, 30_000);

  it('with the ledger locked, 8 concurrent calls at the default 10 s timeout all refuse in time', async () => {
    const { project, call } = await warmProject();
    const unlock = lockLedger(project);
    try {
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          call(
            i % 2
              ? bashPre(project, `w${i}`, 'ls')
              : postToolUse(project, `w${i}`, 'Bash', { command: 'ls' }, {}),
            {
              env: i % 4 === 3 ? { AGENT_SRE_HOOKD: '0' } : {},
            },
          ),
        ),
      );
      for (const r of runs) {
        expect(r.ms).toBeLessThan(10_000);
        expect(refusals.has(verdictOf(r)), `${verdictOf(r)} ${reasonOf(r)}`).toBe(true);
      }
    } finally {
      unlock();
    }
    // Once the lock is gone the same project answers normally again.
    const after = await call(bashPre(project, 'after', 'ls'));
    expect(verdictOf(after)).toBe('allow');
  }, 60_000);

  it('a daemon that stops answering costs at most half the budget; the call is still judged', async () => {
    const { project, call } = await warmProject();
    const sock = join(project, '.agent-sre', socketsIn(project)[0]!);
    const [pid] = pidsWith(sock);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGSTOP');
    try {
      const r = await call(bashPre(project, 's', 'rm -rf ~'), { args: ['--timeout', '4'] });
      expect(r.ms).toBeLessThan(4000);
      expect(verdictOf(r)).toBe('deny');
      expect(reasonOf(r)).toContain('fs.delete');
    } finally {
      process.kill(pid!, 'SIGCONT');
      process.kill(pid!, 'SIGTERM');
    }
    await waitFor(() => pidsWith(sock).length === 0);
  }, 30_000);

  it('the watchdog refuses a call still waiting for a human when the hook timeout comes first', async () => {
    const { project, call } = await warmProject();
    // A gate that waits a minute under a hook entry of 3 s: init would never write this; the watchdog
    // still answers before Claude Code gives up (which older versions read as "go ahead").
    writeFileSync(join(project, 'agent-sre.yaml'), 'version: 1\ngate:\n  mode: wait\n  timeoutSeconds: 60\n');
    for (const env of [{}, { AGENT_SRE_HOOKD: '0' }]) {
      const r = await call(bashPre(project, 's', 'git push origin main'), {
        env: { ...env, AGENT_SRE_DELIVERY: 'off', CLAUDECODE: '' },
        args: ['--timeout', '3'],
      });
      expect(r.ms).toBeLessThan(3000);
      expect(verdictOf(r)).toBe('deny');
      expect(reasonOf(r)).toContain('hook timeout');
    }
  }, 30_000);

  it('an entry written before --timeout existed keeps holding a gate past the 10 s default', async () => {
    const { project, call } = await warmProject();
    // Its Claude Code timeout (init wrote gate + 30 s) is unknown to the launcher: the hold is left to it.
    writeFileSync(join(project, 'agent-sre.yaml'), 'version: 1\ngate:\n  mode: wait\n  timeoutSeconds: 11\n');
    const runs = await Promise.all(
      [{}, { AGENT_SRE_HOOKD: '0' }].map((env) =>
        call(bashPre(project, 's', 'git push origin main'), {
          env: { ...env, AGENT_SRE_DELIVERY: 'off', CLAUDECODE: '' },
        }),
      ),
    );
    for (const r of runs) {
      expect(r.ms).toBeGreaterThan(10_500);
      expect(verdictOf(r)).toBe('deny');
      expect(reasonOf(r)).toContain('no human approved within 11 s');
    }
  }, 40_000);
});
