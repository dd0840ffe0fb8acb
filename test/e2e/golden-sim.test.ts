// The drift simulation as a test: 20 seeds, each a baseline and 32 simulated days of a fake agent run as
// real processes through the runner path. Thinking is cleared every turn from day 31 (the March 2026
// Claude Code regression): shorter answers, fewer tool calls, cache misses, more failed assertions. The
// 30 stable days must raise nothing, and the change must be caught by day 32. The published rates (more
// seeds) come from `node scripts/drift-sim.mjs`; see docs/drift.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SeedOutcome, simulateSeed } from '../helpers/drift-sim.ts';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);
const project = mkdtempSync(join(tmpdir(), 'agent-sre-golden-sim-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('drift simulation (20 seeds x 32 days, real runner processes)', () => {
  it('raises nothing in 30 stable days and catches the change by day 32', async () => {
    const started = performance.now();
    const outcomes: SeedOutcome[] = [];
    // Two seeds at a time: one waits on its processes while the other judges.
    for (let i = 0; i < SEEDS.length; i += 2) {
      outcomes.push(
        ...(await Promise.all(
          SEEDS.slice(i, i + 2).map((seed) =>
            simulateSeed(
              seed,
              { stableDays: 30, driftDays: 2, samples: 3, baselineSamples: 8, drift: { mode: 'thinking' } },
              project,
            ),
          ),
        )),
      );
    }
    const seconds = (performance.now() - started) / 1000;
    const spawns = outcomes.reduce((a, o) => a + o.spawns, 0);
    for (const o of outcomes) {
      expect(o.falseAlarmDays, `seed ${o.seed} alarmed on stable days`).toEqual([]);
      expect(o.detectedAfter, `seed ${o.seed}`).not.toBeNull();
      expect(o.detectedAfter!, `seed ${o.seed}`).toBeLessThanOrEqual(2);
      expect(o.days.at(-1)!.incidents.length, `seed ${o.seed} has no open incident`).toBeGreaterThan(0);
    }
    expect(spawns).toBe(SEEDS.length * (3 * 8 + 32 * 3 * 3));
    process.stderr.write(
      `golden-sim: ${SEEDS.length} seeds, ${spawns} runner processes in ${seconds.toFixed(1)} s; detected on change day ${outcomes.filter((o) => o.detectedAfter === 1).length}/${SEEDS.length}\n`,
    );
  }, 600_000);
});
