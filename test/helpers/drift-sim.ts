// The drift simulation: a fake agent (test/fixtures/golden/fake-runner.awk, a real process per sample)
// answers three golden prompts every simulated day; days are simulated by passing the clock in. Stable
// for `stableDays`, then changed (thinking cleared every turn, or a scaled or creeping shape). Used by
// test/e2e/golden-sim.test.ts and scripts/drift-sim.mjs (which prints the table in docs/drift.md).
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../src/adapters/exec/command.ts';
import { createMemoryStore } from '../../src/adapters/store/memory.ts';
import { type GoldenDeps, recordBaseline, runGolden } from '../../src/app/golden.ts';
import { loadPolicy } from '../../src/config/load.ts';
import { DEFAULT_THRESHOLDS, dayId } from '../../src/core/drift/detect.ts';
import type { DriftThresholds, GoldenSettings, GoldenSuite } from '../../src/core/drift/types.ts';
import { METRICS } from '../../src/core/drift/types.ts';
import { DAY } from '../../src/core/oncall/civil.ts';

export const FAKE_RUNNER = fileURLToPath(new URL('../fixtures/golden/fake-runner.awk', import.meta.url));

export const SIM_SUITE: GoldenSuite = {
  id: 'daily',
  assert: [],
  prompts: [
    {
      id: 'refactor',
      prompt:
        'Refactor the config loader and keep its tests green. [fake chars=1800 tools=8 headings=3 code=2]',
      assert: [{ contains: 'DONE' }],
    },
    {
      id: 'bugfix',
      prompt: 'Fix the off-by-one in the pager and add a test. [fake chars=900 tools=5 headings=1 code=1]',
      assert: [{ contains: 'DONE' }],
    },
    {
      id: 'report',
      prompt: 'Summarize what changed as JSON. [fake chars=700 tools=3 headings=2 code=0 json=1]',
      assert: [
        {
          schema: {
            type: 'object',
            required: ['status', 'files'],
            properties: { status: { type: 'string' }, files: { type: 'array', items: { type: 'string' } } },
          },
        },
      ],
    },
  ],
};

export interface SimOptions {
  stableDays: number;
  driftDays: number;
  samples: number;
  baselineSamples: number;
  drift: { mode: 'thinking' } | { mode: 'scale' | 'creep'; scale: number } | { mode: 'none' };
  thresholds?: Partial<DriftThresholds>;
  concurrency?: number;
}

export interface DayOutcome {
  day: number;
  id: string;
  /** The same-run test alarmed (which metrics). */
  alarms: string[];
  /** The slow-drift chart signalled (which metrics). */
  slow: string[];
  incidents: string[];
}

export interface SeedOutcome {
  seed: number;
  days: DayOutcome[];
  /** Days 1..stableDays that raised anything. */
  falseAlarmDays: number[];
  /** First changed day (1 = the day of the change) that raised anything; null when none did. */
  detectedAfter: number | null;
  /** First changed day the same-run test alarmed, and the first the slow-drift chart did. */
  runTestAfter: number | null;
  slowAfter: number | null;
  spawns: number;
}

const START = Date.parse('2026-03-01T06:00:00Z');

export function simGolden(
  opts: Pick<SimOptions, 'samples' | 'baselineSamples' | 'thresholds' | 'concurrency'>,
): GoldenSettings {
  return {
    runner: `exec awk -f '${FAKE_RUNNER}'`,
    samples: opts.samples,
    baselineSamples: opts.baselineSamples,
    timeoutSeconds: 30,
    concurrency: opts.concurrency ?? 2,
    dir: 'evals',
    metrics: [...METRICS],
    thresholds: { ...DEFAULT_THRESHOLDS, ...opts.thresholds },
    severity: {},
    suites: [SIM_SUITE],
  };
}

/** One seed: a baseline on day 0, `stableDays` quiet days, then `driftDays` changed ones. */
export async function simulateSeed(seed: number, opts: SimOptions, projectDir: string): Promise<SeedOutcome> {
  const policy = loadPolicy(undefined, 'agent-sre.yaml');
  if (!policy.ok) throw new Error('the default policy does not load');
  const store = createMemoryStore();
  const golden = simGolden(opts);
  const driftFrom = START + (opts.stableDays + 1) * DAY;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    FAKE_SEED: String(seed),
    ...(opts.drift.mode === 'none'
      ? {}
      : {
          FAKE_DRIFT_FROM: dayId(driftFrom),
          FAKE_DRIFT_MODE: opts.drift.mode,
          ...('scale' in opts.drift ? { FAKE_DRIFT_SCALE: String(opts.drift.scale) } : {}),
        }),
  };
  let spawns = 0;
  const deps = (at: number): GoldenDeps => ({
    store,
    projectDir,
    golden,
    paging: policy.policy.paging,
    env,
    run: (command, o) => {
      spawns++;
      return runCommand(command, o);
    },
    at,
  });
  try {
    await recordBaseline(deps(START), {});
    const days: DayOutcome[] = [];
    for (let day = 1; day <= opts.stableDays + opts.driftDays; day++) {
      const r = await runGolden(deps(START + day * DAY));
      const v = r.verdicts[0]!;
      days.push({
        day,
        id: r.id,
        alarms: v.tests.filter((t) => t.alarm).map((t) => t.metric),
        slow: v.slow.map((s) => s.metric),
        incidents: r.incidents.map((i) => i.id),
      });
    }
    const after = (pred: (d: DayOutcome) => boolean) => {
      const hit = days.find((d) => d.day > opts.stableDays && pred(d));
      return hit ? hit.day - opts.stableDays : null;
    };
    return {
      seed,
      days,
      falseAlarmDays: days
        .filter((d) => d.day <= opts.stableDays && d.incidents.length > 0)
        .map((d) => d.day),
      detectedAfter: after((d) => d.incidents.length > 0),
      runTestAfter: after((d) => d.alarms.length > 0),
      slowAfter: after((d) => d.slow.length > 0),
      spawns,
    };
  } finally {
    await store.close();
  }
}
