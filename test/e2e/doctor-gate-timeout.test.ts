// `agent-sre doctor` in gate mode wait: the PreToolUse hook's `--timeout` (the launcher's watchdog) counts
// as much as the entry's `timeout`. An entry whose timeout was raised by hand while its command still says
// `--timeout 10` refuses every waiting call after 10 s; doctor must say so, with the numbers to set.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBin, tempProject } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { CLAUDECODE: '', AGENT_SRE_DELIVERY: 'off' };

interface Entry {
  timeout: number;
  args: string[];
}

async function gateCheck(dir: string) {
  const doctor = await runBin(['doctor', '--json', '--dir', dir], { env });
  const checks = (JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] })
    .checks;
  return checks.find((c) => c.name === 'gate');
}

describe('doctor: the hook timeout against the gate wait', () => {
  it('notices a --timeout shorter than the gate, though the entry timeout is long enough', async () => {
    const dir = tempProject('agent-sre-doctor-gate-');
    made.push(dir);
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\ngate:\n  mode: wait\n  timeoutSeconds: 120\n');
    const init = await runBin(['init', '--yes', '--dir', dir], { env });
    expect(init.code, init.stderr).toBe(0);
    expect(await gateCheck(dir)).toMatchObject({ ok: true });

    // A teammate raised the entry's timeout by hand; the command still carries an old --timeout 10.
    const file = join(dir, '.claude', 'settings.json');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as {
      hooks: Record<string, { hooks: Entry[] }[]>;
    };
    const pre = settings.hooks.PreToolUse![0]!.hooks[0]!;
    const at = pre.args.indexOf('--timeout');
    expect(at).toBeGreaterThan(0);
    pre.args[at + 1] = '10';
    pre.timeout = 400;
    writeFileSync(file, JSON.stringify(settings, null, 2));

    const gate = await gateCheck(dir);
    expect(gate).toMatchObject({ ok: false });
    expect(gate!.detail).toContain('the gate waits 120 s for a human');
    expect(gate!.detail).toContain('cut off after 10 s by the --timeout 10 in its command');
    expect(gate!.detail).toContain(
      `Run agent-sre init again (it sizes the hook to the gate), or set both the entry's "timeout" and the --timeout in its args to 150`,
    );

    // init puts it right.
    expect((await runBin(['init', '--yes', '--dir', dir], { env })).code).toBe(0);
    expect(await gateCheck(dir)).toMatchObject({ ok: true });
  }, 90_000);
});
