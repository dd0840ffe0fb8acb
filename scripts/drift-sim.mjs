#!/usr/bin/env node
// The drift simulation behind the numbers in docs/drift.md: for each seed, a fake agent
// (test/fixtures/golden/fake-runner.awk, one real process per sample) answers three golden prompts a day
// through agent-sre's runner path; a baseline on day 0, `--stable` quiet days, then `--drift` changed
// days. Prints, per scenario, the false-alarm rate over the quiet days and the detection delay.
//
//   node scripts/drift-sim.mjs [--seeds 100] [--first 1] [--scenario thinking|scale:0.8|creep:0.98|none]
//                              [--stable 30] [--drift 2] [--samples 4] [--baseline-samples 8] [--json]
//
// The harness (test/helpers/drift-sim.ts) is bundled with esbuild, so it runs from src/ as it is.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    first: { type: 'string', default: '1' },
    scenario: { type: 'string', multiple: true },
    stable: { type: 'string', default: '30' },
    drift: { type: 'string', default: '2' },
    samples: { type: 'string', default: '4' },
    'baseline-samples': { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
  },
});

const tmp = join(ROOT, 'node_modules', '.cache', 'agent-sre-drift-sim');
mkdirSync(tmp, { recursive: true });
await build({
  entryPoints: [join(ROOT, 'test/helpers/drift-sim.ts')],
  outfile: join(tmp, 'drift-sim.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(ROOT, 'test/helpers/drift-sim.ts')).href) },
  logLevel: 'warning',
});
const { simulateSeed } = await import(pathToFileURL(join(tmp, 'drift-sim.mjs')).href);

const parseScenario = (s) => {
  const [mode, scale] = s.split(':');
  if (mode === 'thinking' || mode === 'none') return { mode };
  if ((mode === 'scale' || mode === 'creep') && Number(scale) > 0) return { mode, scale: Number(scale) };
  throw new Error(`unknown scenario ${s}`);
};

/** 95% Wilson interval. */
const wilson = (k, n) => {
  if (n === 0) return [0, 1];
  const z = 1.959963984540054;
  const p = k / n;
  const c = p + (z * z) / (2 * n);
  const s = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const d = 1 + (z * z) / n;
  return [Math.max(0, (c - s) / d), Math.min(1, (c + s) / d)];
};

const seeds = Number(values.seeds);
const first = Number(values.first);
const stableDays = Number(values.stable);
const driftDays = Number(values.drift);
const scenarios = (values.scenario ?? ['thinking']).map((s) => ({ name: s, drift: parseScenario(s) }));
const project = mkdtempSync(join(os.tmpdir(), 'agent-sre-drift-sim-'));
const summary = [];
try {
  for (const sc of scenarios) {
    const started = performance.now();
    const outcomes = [];
    for (let seed = first; seed < first + seeds; seed++) {
      const o = await simulateSeed(
        seed,
        {
          stableDays,
          driftDays,
          samples: Number(values.samples),
          baselineSamples: Number(values['baseline-samples']),
          drift: sc.drift,
        },
        project,
      );
      outcomes.push(o);
      if (!values.json) process.stderr.write(`\r${sc.name}: seed ${seed - first + 1}/${seeds}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const stableRuns = seeds * stableDays;
    const faDays = outcomes.reduce((a, o) => a + o.falseAlarmDays.length, 0);
    const faSeeds = outcomes.filter((o) => o.falseAlarmDays.length > 0).length;
    const faRun = outcomes.reduce(
      (a, o) => a + o.days.filter((d) => d.day <= stableDays && d.alarms.length > 0).length,
      0,
    );
    const faSlow = outcomes.reduce(
      (a, o) => a + o.days.filter((d) => d.day <= stableDays && d.slow.length > 0).length,
      0,
    );
    const delay = {};
    for (const o of outcomes)
      delay[o.detectedAfter ?? 'missed'] = (delay[o.detectedAfter ?? 'missed'] ?? 0) + 1;
    const row = {
      scenario: sc.name,
      seeds,
      firstSeed: first,
      stableDays,
      driftDays,
      samples: Number(values.samples),
      baselineSamples: Number(values['baseline-samples']),
      stableRuns,
      falseAlarmRuns: faDays,
      falseAlarmRate: faDays / stableRuns,
      falseAlarmRate95: wilson(faDays, stableRuns),
      seedsWithFalseAlarm: faSeeds,
      falseAlarmRunsSameRunTest: faRun,
      falseAlarmRunsSlowDrift: faSlow,
      detectionDelay: delay,
      sameRunTestDelay: Object.fromEntries(
        [...new Set(outcomes.map((o) => o.runTestAfter ?? 'missed'))].map((k) => [
          k,
          outcomes.filter((o) => (o.runTestAfter ?? 'missed') === k).length,
        ]),
      ),
      slowDriftDelay: Object.fromEntries(
        [...new Set(outcomes.map((o) => o.slowAfter ?? 'missed'))].map((k) => [
          k,
          outcomes.filter((o) => (o.slowAfter ?? 'missed') === k).length,
        ]),
      ),
      spawns: outcomes.reduce((a, o) => a + o.spawns, 0),
      seconds: Math.round(seconds),
    };
    summary.push(row);
    if (!values.json) {
      process.stderr.write('\n');
      const pct = (x) => `${(x * 100).toFixed(2)}%`;
      const fmtDelay = (d) =>
        Object.entries(d)
          .sort(([a], [b]) => (a === 'missed' ? 1 : b === 'missed' ? -1 : Number(a) - Number(b)))
          .map(([k, v]) => (k === 'missed' ? `missed ${v}` : `day ${k}: ${v}`))
          .join(', ');
      console.log(
        `scenario ${sc.name}: ${seeds} seeds (${first}..${first + seeds - 1}), ${stableDays} stable + ${driftDays} changed days, ${row.samples} samples/prompt/day, baseline ${row.baselineSamples}`,
      );
      console.log(
        `  false alarms: ${faDays} of ${stableRuns} stable runs (${pct(row.falseAlarmRate)}, 95% CI ${pct(row.falseAlarmRate95[0])}-${pct(row.falseAlarmRate95[1])}); same-run test ${faRun}, slow drift ${faSlow}; seeds affected ${faSeeds}`,
      );
      console.log(`  detected (day after the change): ${fmtDelay(delay)}`);
      console.log(
        `    same-run test: ${fmtDelay(row.sameRunTestDelay)}; slow drift: ${fmtDelay(row.slowDriftDelay)}`,
      );
      console.log(`  ${row.spawns} runner processes in ${row.seconds} s`);
    }
  }
  if (values.json) console.log(JSON.stringify(summary));
} finally {
  rmSync(project, { recursive: true, force: true });
}
