// `agent-sre doctor` proves the installed hook with a canary, and the canary stays out of the user's data:
// after doctor, `sessions` and `report` show no canary session.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBin, tempProject } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off' };

describe('doctor leaves no canary behind', () => {
  it('sessions --json and report --json show no canary after doctor', async () => {
    const dir = tempProject('agent-sre-doctor-canary-');
    made.push(dir);
    const init = await runBin(['init', '--yes', '--dir', dir], { env });
    expect(init.code, init.stderr).toBe(0);

    for (let i = 0; i < 2; i++) {
      const doctor = await runBin(['doctor', '--json', '--dir', dir], { env });
      const checks = (
        JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }
      ).checks;
      expect(
        checks.find((c) => c.name === 'canary'),
        doctor.stdout,
      ).toMatchObject({ ok: true });
    }

    const sessions = await runBin(['sessions', '--json', '--dir', dir], { env });
    expect(sessions.code, sessions.stderr).toBe(0);
    expect(sessions.stdout).not.toContain('canary');
    expect(sessions.stdout.trim()).toBe('');

    const report = await runBin(['report', '--json', '--dir', dir], { env });
    expect(report.code, report.stderr).toBe(0);
    const r = JSON.parse(report.stdout) as { sessions: { count: number; list: { id: string }[] } };
    expect(r.sessions.count).toBe(0);
    expect(r.sessions.list).toEqual([]);
  }, 90_000);
});
