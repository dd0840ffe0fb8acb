// The real-time gate, end to end: a hook process in `wait` mode holds a tier-3 call until a human runs
// `agent-sre approve` or `deny` in another process, and denies it when nobody answers in time.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashPre, ensureBuilt, runBin, runHook, tempProject } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function makeProject(timeoutSeconds: number): string {
  const dir = tempProject('agent-sre-gate-');
  made.push(dir);
  writeFileSync(
    join(dir, 'agent-sre.yaml'),
    ['version: 1', 'gate:', '  mode: wait', `  timeoutSeconds: ${timeoutSeconds}`, ''].join('\n'),
  );
  return dir;
}

// The per-user secret that signs answers lives here, not in the real ~/.config (the hook and the CLI share it).
const userConfig = mkdtempSync(join(tmpdir(), 'agent-sre-gate-xdg-'));
made.push(userConfig);
const env = { CLAUDECODE: '', AGENT_SRE_USER: 'alice', XDG_CONFIG_HOME: userConfig };

/** Harmless calls until the project's daemon listens (the first creates .agent-sre/, the next starts it). */
async function warmDaemon(dir: string): Promise<void> {
  const end = Date.now() + 15_000;
  for (;;) {
    await runHook(bashPre(dir, 'warm-up', 'ls'), dir, { env });
    if (readdirSync(join(dir, '.agent-sre')).some((f) => /^hookd-.*\.sock$/.test(f))) return;
    if (Date.now() > end) throw new Error('the hook daemon did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Wait for the approval request the hook opened, by polling the pages it queued. */
async function approvalId(dir: string): Promise<string> {
  const end = Date.now() + 15_000;
  for (;;) {
    try {
      const text = readFileSync(join(dir, '.agent-sre', 'pages.jsonl'), 'utf8');
      const m = /agent-sre approve (APR-\d+)/.exec(text);
      if (m) return m[1]!;
    } catch {
      // Not written yet.
    }
    if (Date.now() > end) throw new Error('no approval request was paged');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const decision = (stdout: string) =>
  (
    JSON.parse(stdout) as {
      hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string };
    }
  ).hookSpecificOutput;

describe.each([
  ['in-process', { AGENT_SRE_HOOKD: '0' }, false],
  ['through the daemon', {}, true],
])('gate mode wait (%s)', (_label, hookEnv, daemon) => {
  const project = (timeoutSeconds: number) => {
    const dir = makeProject(timeoutSeconds);
    return daemon ? warmDaemon(dir).then(() => dir) : Promise.resolve(dir);
  };

  it('holds the call until `agent-sre approve` runs in another process', async () => {
    const dir = await project(60);
    const started = Date.now();
    const hook = runHook(bashPre(dir, 'sess-gate', 'git push origin main'), dir, {
      env: { ...env, ...hookEnv },
    });
    const id = await approvalId(dir);
    const approve = await runBin(['approve', id, '--dir', dir, '--reason', 'release day'], { env });
    expect(approve.code, approve.stderr).toBe(0);
    const answer = await hook;
    expect(answer.code).toBe(0);
    expect(decision(answer.stdout)).toMatchObject({
      permissionDecision: 'allow',
      permissionDecisionReason: expect.stringContaining(`${id} approved by alice: release day`),
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    const list = await runBin(['incidents', '--json', '--dir', dir], { env });
    expect(JSON.parse(list.stdout.trim())).toMatchObject({ state: 'resolved', resolvedBy: 'alice' });
  }, 60_000);

  it('a human deny reaches the agent with its reason', async () => {
    const dir = await project(60);
    const hook = runHook(bashPre(dir, 'sess-gate', 'git push origin main'), dir, {
      env: { ...env, ...hookEnv },
    });
    const id = await approvalId(dir);
    const deny = await runBin(['deny', id, '--dir', dir, '--reason', 'freeze until Monday'], { env });
    expect(deny.code, deny.stderr).toBe(0);
    expect(decision((await hook).stdout)).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringContaining(`${id} denied by alice: freeze until Monday`),
    });
  }, 60_000);

  it('denies when nobody answers in time, naming who was paged', async () => {
    const dir = await project(5);
    const started = Date.now();
    const answer = await runHook(bashPre(dir, 'sess-gate', 'git push origin main'), dir, {
      env: { ...env, ...hookEnv },
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(5_000);
    expect(decision(answer.stdout)).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(
        /^agent-sre \(tier 4, gate\.timeout\): no human approved within 5 s; paged file\./,
      ),
    });
    // One request, cancelled when it expired: the launcher did not judge the call a second time.
    const list = await runBin(['incidents', '--json', '--dir', dir], { env });
    expect(
      list.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).state),
    ).toEqual(['cancelled']);
    // A late answer is refused: the record keeps what the agent was told.
    const late = await runBin(['approve', 'APR-1', '--dir', dir], { env });
    expect(late.code).toBe(2);
    expect(late.stderr).toMatch(/already expired/);
  }, 60_000);
});

/** What an agent with write access to ledger.db would do: answer for a human, past agent-sre. */
function forgeApproval(dir: string, id: string): void {
  const db = new Database(join(dir, '.agent-sre', 'ledger.db'));
  try {
    db.prepare(
      `UPDATE records SET data = json_set(data, '$.status', 'approved', '$.answeredBy', 'alice', '$.answeredAt', ?)
       WHERE kind = 'approval' AND id = ?`,
    ).run(Date.now(), id);
  } finally {
    db.close();
  }
}

describe.each([
  ['in-process', { AGENT_SRE_HOOKD: '0' }],
  ['through the daemon', {}],
])('a forged approval (%s)', (_label, hookEnv) => {
  it('is not obeyed: the gate denies at its timeout naming the forgery, and pages approval.forged', async () => {
    const dir = makeProject(6);
    const started = Date.now();
    const hook = runHook(bashPre(dir, 'sess-forge', 'git push origin main'), dir, {
      env: { ...env, ...hookEnv },
    });
    const id = await approvalId(dir);
    forgeApproval(dir, id);
    const answer = await hook;
    expect(Date.now() - started).toBeGreaterThanOrEqual(6_000);
    expect(decision(answer.stdout)).toMatchObject({
      permissionDecision: 'deny',
      permissionDecisionReason: expect.stringMatching(
        /^agent-sre \(tier 4, gate\.forged\): a forged answer to APR-1 was detected/,
      ),
    });
    const list = await runBin(['incidents', '--json', '--dir', dir], { env });
    const incidents = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: { kind: string }; severity: string; alertCount: number });
    expect(incidents.filter((i) => i.source.kind === 'approval.forged')).toMatchObject([
      { severity: 'SEV1', alertCount: 1 },
    ]);
  }, 60_000);

  it('does not stop a human: `agent-sre approve` still lets the call go ahead', async () => {
    const dir = makeProject(60);
    const hook = runHook(bashPre(dir, 'sess-forge', 'git push origin main'), dir, {
      env: { ...env, ...hookEnv },
    });
    const id = await approvalId(dir);
    forgeApproval(dir, id);
    // Give the gate a poll or two to see the forgery first.
    await new Promise((r) => setTimeout(r, 1_000));
    const approve = await runBin(['approve', id, '--dir', dir, '--reason', 'checked it'], { env });
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stderr).toMatch(/held a forged answer/);
    expect(decision((await hook).stdout)).toMatchObject({
      permissionDecision: 'allow',
      permissionDecisionReason: expect.stringContaining(`${id} approved by alice: checked it`),
    });
  }, 60_000);
});

describe('wiring wait mode', () => {
  it('init gives the hook a timeout that outlasts the gate, and doctor checks it', async () => {
    const dir = makeProject(120);
    const init = await runBin(['init', '--yes', '--dir', dir], { env });
    expect(init.code, init.stderr).toBe(0);
    const settings = JSON.parse(readFileSync(join(dir, '.claude', 'settings.json'), 'utf8'));
    const pre = settings.hooks.PreToolUse[0].hooks[0] as { timeout: number; onFailure: string };
    expect(pre).toMatchObject({ timeout: 150, onFailure: 'block' });
    const doctor = await runBin(['doctor', '--json', '--dir', dir], { env });
    const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] })
      .checks;
    expect(checks.find((c) => c.name === 'gate')).toMatchObject({ ok: true });
    expect(checks.find((c) => c.name === 'paging')).toMatchObject({
      ok: true,
      detail: expect.stringContaining('gate mode wait'),
    });
    // The canary's denial is not an incident: nobody is paged by doctor.
    const list = await runBin(['incidents', '--json', '--dir', dir], { env });
    expect(list.stdout.trim()).toBe('');
  }, 60_000);
});
