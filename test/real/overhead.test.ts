// What agent-sre's hooks cost in the real client: the wall time of a scripted session of 20 Bash calls
// (one per model turn) without hooks and with `agent-sre init`'s hooks, interleaved, medians of 3.
// Opt-in (AGENT_SRE_REAL_BENCH=1 npm run test:real): it takes about a minute and prints its numbers.
import { afterAll, describe, expect, it } from 'vitest';
import { createProject, explain, type Project, type RunResult, runClaude } from './harness.ts';
import { bash, type Step, say, tools } from './stand-in.ts';

const CALLS = 20;
const ROUNDS = 3;

const script = (): Step[] => [
  ...Array.from({ length: CALLS }, (_, i) => tools(bash(`echo step-${i}`, `toolu_b${i}`))),
  say('Done.'),
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Per hook event, the durations the client logged ("Hooks: PreToolUse:Bash [...] finished with status 0 (49ms)"). */
function hookDurations(run: RunResult): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of run.hookLog) {
    const m = /Hooks: ([\w:]+) \[.*\] finished with status \d+ \((\d+)ms\)/.exec(line);
    if (!m) continue;
    const event = m[1]!.split(':')[0]!;
    out.set(event, [...(out.get(event) ?? []), Number(m[2])]);
  }
  return out;
}

describe.skipIf(!process.env.AGENT_SRE_REAL || !process.env.AGENT_SRE_REAL_BENCH)(
  'real client: hook overhead',
  () => {
    const projects: Project[] = [];
    afterAll(() => {
      for (const p of projects) p.dispose();
    });

    it(`${CALLS} Bash calls, without and with hooks`, { timeout: 600_000 }, async () => {
      const wall: Record<'none' | 'hooks', number[]> = { none: [], hooks: [] };
      const perEvent = new Map<string, number[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of ['none', 'hooks'] as const) {
          const project = createProject({ init: mode === 'hooks' });
          projects.push(project);
          const run = await runClaude(project, {
            prompt: 'Run the steps.',
            script: script(),
            timeoutMs: 300_000,
          });
          expect(run.code, explain(run)).toBe(0);
          expect(run.standIn.stepsServed, explain(run)).toBe(CALLS + 1);
          wall[mode].push(run.wallMs);
          for (const [event, ms] of hookDurations(run))
            perEvent.set(event, [...(perEvent.get(event) ?? []), ...ms]);
        }
      }
      const none = median(wall.none);
      const hooks = median(wall.hooks);
      const lines = [
        `wall ms without hooks: ${wall.none.join(', ')} (median ${none})`,
        `wall ms with hooks:    ${wall.hooks.join(', ')} (median ${hooks})`,
        `overhead: ${hooks - none} ms per session, ${((hooks - none) / CALLS).toFixed(1)} ms per tool call (Stop gate and session hooks included)`,
        ...[...perEvent].map(
          ([event, ms]) =>
            `  ${event}: n=${ms.length} median ${median(ms)} ms, max ${Math.max(...ms)} ms (as the client logged)`,
        ),
      ];
      console.log(lines.join('\n'));
    });
  },
);
