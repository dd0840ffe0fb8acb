// The project behind docs/dashboard.png (scripts/screenshot.mjs bundles this with esbuild): two weeks of
// an agent's work written through the real hook pipeline on a simulated clock (calls, refusals, cost read
// from transcripts), daily golden-eval runs by the fake agent that drifts near the end, answers given by
// people through their channels, and tonight's session, whose last call waits at a tier-3 gate in a real
// hook process.
import { randomUUID } from 'node:crypto';
import { runCommand } from '../src/adapters/exec/command.ts';
import { recordBaseline, runGolden } from '../src/app/golden.ts';
import { openLedger } from '../src/app/store.ts';
import { dayId } from '../src/core/drift/detect.ts';
import { type GateProcess, Scene, type ScenePage } from '../test/helpers/dashboard-scene.ts';
import { SIM_SUITE } from '../test/helpers/drift-sim.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIN = 60_000;

export interface Demo {
  scene: Scene;
  page: ScenePage;
  gate: GateProcess;
}

function yaml(fakeRunner: string): string {
  // agent-sre.yaml is YAML, and JSON is YAML: the golden section is written as JSON.
  const golden = {
    runner: `exec awk -f '${fakeRunner}'`,
    samples: 4,
    baselineSamples: 8,
    metrics: ['passRate', 'toolCalls', 'outputTokens'],
    suites: [SIM_SUITE],
  };
  return [
    'version: 1',
    'gate: { mode: wait, timeoutSeconds: 900 }',
    'budgets: { costUsd: 25, fleetCostUsdPerDay: 40, toolCalls: 400 }',
    'oncall:',
    '  timeZone: UTC',
    '  people:',
    '    ana: { name: Ana Lima }',
    '    ben: { name: Ben Okafor }',
    '    chi: { name: Chidi Eze }',
    '  schedules:',
    '    primary:',
    "      layers: [{ name: weekly, start: '2026-01-05T09:00', turnHours: 168, members: [ana, ben, chi] }]",
    '    secondary:',
    "      layers: [{ name: weekly, start: '2026-01-05T09:00', turnHours: 168, members: [ben, chi, ana] }]",
    `golden: ${JSON.stringify(golden)}`,
    '',
  ].join('\n');
}

/** A day's session: reading, editing, testing, with what the model spent before each call. */
async function workday(
  scene: Scene,
  sessionId: string,
  start: number,
  usd: number,
  risky: boolean,
  end = true,
) {
  scene.clock.t = start;
  const f = (p: string) => `${scene.dir}/${p}`;
  const step = usd / 6;
  await scene.call(sessionId, 'Read', { file_path: f('src/orders/service.ts') }, { usd: step });
  await scene.call(sessionId, 'Grep', { pattern: 'applyDiscount', path: f('src') }, { usd: step });
  await scene.call(
    sessionId,
    'Edit',
    { file_path: f('src/orders/service.ts'), old_string: 'total -', new_string: 'total - discount' },
    { usd: step, response: { filePath: f('src/orders/service.ts'), structuredPatch: [] } },
  );
  await scene.call(sessionId, 'Bash', { command: 'npm test -- orders' }, { usd: step, afterMs: 40_000 });
  if (risky)
    await scene.call(sessionId, 'Bash', { command: 'rm -rf ~/.cache/node-gyp ~/.npm' }, { usd: step });
  await scene.call(
    sessionId,
    'Bash',
    { command: 'git commit -am "orders: apply discounts once"' },
    { usd: step },
  );
  await scene.call(sessionId, 'Bash', { command: 'git push origin feature/discounts' }, { usd: step });
  if (end) await scene.hook(scene.hookInput(sessionId, 'SessionEnd', { reason: 'prompt_input_exit' }));
}

export async function buildDemo(o: { bin: string; fakeRunner: string; now?: number }): Promise<Demo> {
  const scene = Scene.create(yaml(o.fakeRunner), 'shop-api');
  try {
    return await fill(scene, o);
  } catch (err) {
    await scene.close();
    throw err;
  }
}

async function fill(scene: Scene, o: { bin: string; now?: number }): Promise<Demo> {
  const now = o.now ?? Date.now();
  const today = Math.floor(now / DAY) * DAY;

  // Two weeks of sessions; one a day at most, heavier ones mid-week.
  const spend = [6, 11, 0, 14, 22, 9, 0, 0, 17, 31, 12, 8, 19];
  for (let d = 13; d >= 1; d--) {
    const usd = spend[13 - d]!;
    if (usd === 0) continue;
    await workday(scene, randomUUID(), today - d * DAY + 9 * HOUR, usd, d === 6);
  }
  // The refusal six days ago paged the on-call, who took it from PagerDuty and resolved it.
  const old = (await openIncidents(scene)).find((i) => i.title.includes('node-gyp'));
  if (old) {
    scene.clock.t = today - 6 * DAY + 10 * HOUR;
    await scene.answer(
      { kind: 'incident', id: old.id, action: 'acknowledge' },
      { id: 'ben', via: 'pagerduty' },
    );
    scene.clock.t += 25 * MIN;
    await scene.answer(
      { kind: 'incident', id: old.id, action: 'resolve', note: 'Caches only; added them to the runbook.' },
      { id: 'ben', via: 'pagerduty' },
    );
  }

  // Golden evals: a baseline, then a run every morning; the agent changes three days ago.
  const policy = await scene.policy();
  const store = openLedger(scene.dir);
  try {
    const deps = (at: number) => ({
      store,
      projectDir: scene.dir,
      golden: policy.golden,
      paging: policy.paging,
      env: {
        PATH: process.env.PATH,
        FAKE_SEED: '7',
        FAKE_DRIFT_FROM: dayId(today - 3 * DAY),
        FAKE_DRIFT_MODE: 'thinking',
      },
      run: runCommand,
      at,
    });
    await recordBaseline(deps(today - 13 * DAY + 6 * HOUR), {});
    for (let d = 12; d >= 0; d--) await runGolden(deps(today - d * DAY + 6 * HOUR));
  } finally {
    await store.close();
  }

  // Tonight: a long refactor, a second session, and the refactor's push to main waiting for a human.
  const night = 'c7e2b4a9-3f18-4d6e-8a05-91b2d7c4e6f0';
  await workday(scene, night, now - 50 * MIN, 9.4, false, false);
  scene.clock.t = now - 12 * MIN;
  await scene.call(night, 'Bash', { command: 'rm -rf ~/.config/gcloud' }, { usd: 0.6 });
  await workday(scene, '5d09e8c1-62af-4f3b-b7d4-0e8a1c9f2b57', now - 35 * MIN, 3.1, false, false);
  scene.clock.t = undefined;
  const incidents = await openIncidents(scene);
  const refusal = incidents.find((i) => i.title.includes('gcloud'));
  if (refusal) {
    scene.clock.t = now - 7 * MIN;
    await scene.answer(
      { kind: 'incident', id: refusal.id, action: 'acknowledge', note: 'Looking; the session keeps going.' },
      { id: 'ana', via: 'slack' },
    );
    scene.clock.t = undefined;
  }
  await scene.call(night, 'Bash', { command: 'npm run build' }, { usd: 0.4 });
  const gate = scene.gateInAnotherProcess(o.bin, night, 'git push origin main');
  await scene.pendingApproval();
  const page = await scene.serve();
  return { scene, page, gate };
}

async function openIncidents(scene: Scene) {
  const store = openLedger(scene.dir, { readonly: true });
  try {
    return await store.transact(Date.now(), (tx) => tx.incidents({ open: true }), { readonly: true });
  } finally {
    await store.close();
  }
}
