// `agent-sre golden` end to end through the built bin, with the fake agent as the runner: a baseline, a
// stable day that raises nothing, a changed day that raises a drift.detected incident, the history and
// its charts, the schedule, and a broken suite.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FAKE_RUNNER, SIM_SUITE } from '../helpers/drift-sim.ts';
import { ensureBuilt, runBin, tempProject } from './bin.ts';

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0', FAKE_SEED: '7' };
let dir: string;

const policy = (golden: Record<string, unknown>) =>
  stringify({
    version: 1,
    golden: {
      runner: `exec awk -f '${FAKE_RUNNER}'`,
      samples: 3,
      baselineSamples: 8,
      ...golden,
    },
  });

beforeAll(() => {
  ensureBuilt();
  dir = tempProject('agent-sre-golden-');
  writeFileSync(join(dir, 'agent-sre.yaml'), policy({ suites: [SIM_SUITE] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const golden = (args: string[], extra: Record<string, string> = {}) =>
  runBin(['golden', ...args, '--dir', dir], { env: { ...env, ...extra } });

interface IncidentRow {
  id: string;
  severity: string;
  title: string;
  source: { kind: string };
  state: string;
}

async function incidents(): Promise<IncidentRow[]> {
  const r = await runBin(['incidents', '--json', '--dir', dir], { env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as IncidentRow);
}

describe('agent-sre golden', () => {
  it('--help teaches the commands and the thresholds', async () => {
    const r = await runBin(['golden', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('golden baseline');
    expect(r.stdout).toMatch(/Holm's correction/);
    const main = await runBin(['--help']);
    expect(main.stdout).toMatch(/golden\s+daily golden-prompt evals/);
  });

  it('baseline, a stable run, a drifted run that pages, history and charts', async () => {
    const base = await golden(['baseline', '--at', '2026-03-01', '--json']);
    expect(base.code, base.stderr).toBe(0);
    expect(JSON.parse(base.stdout)).toMatchObject({
      suite: 'daily',
      samples: 24,
      errors: 0,
      replaced: false,
    });

    const stable = await golden(['run', '--at', '2026-03-02', '--json']);
    expect(stable.code, stable.stderr).toBe(0);
    const s = JSON.parse(stable.stdout) as {
      id: string;
      verdicts: Array<{ status: string; tests: unknown[] }>;
      incidents: unknown[];
    };
    expect(s.id).toBe('2026-03-02');
    expect(s.verdicts[0]).toMatchObject({ status: 'ok' });
    expect(s.verdicts[0]!.tests.length).toBeGreaterThanOrEqual(9);
    expect(s.incidents).toEqual([]);
    expect(await incidents()).toEqual([]);

    // From the 3rd the agent forgets its thinking every turn.
    const drifted = await golden(['run', '--at', '2026-03-03T06:00:00Z'], { FAKE_DRIFT_FROM: '2026-03-03' });
    expect(drifted.code, drifted.stderr).toBe(1);
    expect(drifted.stdout).toMatch(/daily\s+DRIFT SEV[23]/);
    expect(drifted.stdout).toMatch(
      /outputTokens: [\d.]+ → [\d.]+ \(−\d+%\), Cliff's δ -1\.00, p \de-\d \(exact\)/,
    );
    expect(drifted.stdout).toMatch(/INC-1 SEV[23] Golden suite daily drifted:/);
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ source: { kind: 'drift.detected' }, state: 'triggered' });
    expect(list[0]!.title).toMatch(/^Golden suite daily drifted: /);

    // The next changed day folds into the same incident instead of paging again.
    const again = await golden(['run', '--at', '2026-03-04', '--quiet'], { FAKE_DRIFT_FROM: '2026-03-03' });
    expect(again.code).toBe(1);
    expect(await incidents()).toHaveLength(1);

    const hist = await golden(['history', '--json']);
    expect(hist.code, hist.stderr).toBe(0);
    const rows = hist.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            run: string;
            status: string;
            alarms: string[];
            values: Record<string, number | null>;
          },
      );
    expect(rows.map((r) => [r.run, r.status])).toEqual([
      ['2026-03-02', 'ok'],
      ['2026-03-03', 'drift'],
      ['2026-03-04', 'drift'],
    ]);
    expect(rows[1]!.alarms).toContain('outputTokens');
    expect(rows[0]!.values.outputTokens).toBeGreaterThan(70);
    expect(rows[1]!.values.outputTokens).toBeLessThan(50);

    const text = await golden(['history']);
    expect(text.stdout).toMatch(/daily: baseline 2026-03-01 \(8 samples per prompt\)/);
    expect(text.stdout).toMatch(/2026-03-03 .*!/);

    const report = readFileSync(join(dir, '.agent-sre', 'golden', 'report.md'), 'utf8');
    expect(report).toMatch(/^# Golden evals: 2026-03-04/);
    expect(report).toContain('![daily.outputTokens.svg](daily.outputTokens.svg)');
    const svg = readFileSync(join(dir, '.agent-sre', 'golden', 'daily.outputTokens.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('baseline 2026-03-01');
    expect(existsSync(join(dir, '.agent-sre', 'golden', 'daily.passRate.svg'))).toBe(true);

    // Only a human accepts the change as the new normal; after that the changed agent is quiet again.
    const byAgent = await golden(['baseline', '--from', 'latest'], { CLAUDECODE: '1' });
    expect(byAgent.code).toBe(2);
    expect(byAgent.stderr).toContain('Only a human may record one');
    const accept = await golden(['baseline', '--from', 'latest', '--json']);
    expect(accept.code, accept.stderr).toBe(0);
    expect(JSON.parse(accept.stdout)).toMatchObject({ suite: 'daily', samples: 9, replaced: true });
    const after = await golden(['run', '--at', '2026-03-05', '--json'], { FAKE_DRIFT_FROM: '2026-03-03' });
    expect(after.code, after.stdout).toBe(0);
    expect(JSON.parse(after.stdout).verdicts[0].baselineAt).toBe(Date.parse('2026-03-04T12:00:00Z'));
  }, 120_000);

  it('schedule prints a cron line and a systemd timer', async () => {
    const r = await golden(['schedule', '--time', '05:30']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^30 5 \* \* \* '.+' '.+' golden run --quiet --dir '.+' >> '.+cron\.log' 2>&1$/m,
    );
    expect(r.stdout).toContain('OnCalendar=*-*-* 05:30:00');
    expect(r.stdout).toContain('SuccessExitStatus=1');
    const bad = await golden(['schedule', '--time', '25:00']);
    expect(bad.code).toBe(2);
  });

  it('a broken suite file is a usage error naming the file and line', async () => {
    const other = tempProject('agent-sre-golden-bad-');
    try {
      writeFileSync(join(other, 'agent-sre.yaml'), policy({}));
      const { mkdirSync } = await import('node:fs');
      mkdirSync(join(other, 'evals'));
      writeFileSync(
        join(other, 'evals', 'nightly.yaml'),
        'prompts:\n  - id: p\n    prompt: hi\n    assert:\n      - sortOf: x\n',
      );
      const r = await runBin(['golden', 'run', '--dir', other], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/evals\/nightly\.yaml:5:\d+: prompts\.0\.assert\.0/);
      // A project with no suites (a folder that is no project is refused before suites are looked for).
      const empty = tempProject('agent-sre-golden-none-');
      writeFileSync(join(empty, 'agent-sre.yaml'), 'version: 1\n');
      const none = await runBin(['golden', 'baseline', '--dir', empty], { env });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('no golden suites');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
