// What the real Codex and Gemini clients take here, with and without agent-sre's hooks: startup (spawn to
// the first model request), the tool round trip (a model answer carrying a call to the next request,
// which carries its output: the client's PreToolUse/BeforeTool hook, the command, PostToolUse/AfterTool)
// and the session's wall time. One session each way per agent; the numbers are printed.
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerEvents } from '../harness.ts';
import { runShell } from './gemini-api.ts';
import { type AgentProject, type AgentRun, createAgentProject, explain, runAgent } from './harness.ts';
import { execCommand } from './responses-api.ts';
import { type Step, say, tools } from './stand-in.ts';

const CALLS = 6;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Gaps between consecutive loop requests that followed a tool step: one per call. */
function roundTrips(run: AgentRun): number[] {
  const loop = run.standIn.loopRequests();
  return loop.slice(1, CALLS + 1).map((r, i) => r.at - loop[i]!.at);
}

describe.skipIf(!process.env.AGENT_SRE_REAL)('codex and gemini: startup and tool round trip', () => {
  const projects: AgentProject[] = [];
  afterAll(() => {
    for (const p of projects) p.dispose();
  });

  for (const agent of ['codex', 'gemini'] as const) {
    it(`${agent}: ${CALLS} shell calls, without and with hooks`, { timeout: 180_000 }, async () => {
      const call = agent === 'codex' ? execCommand : runShell;
      const script = (): Step[] => [
        ...Array.from({ length: CALLS }, (_, i) => tools(call(`echo step-${i}`, `call_${i}`))),
        say('Done.'),
      ];
      const lines: string[] = [];
      for (const mode of ['none', 'hooks'] as const) {
        const project = createAgentProject(agent, { init: mode === 'hooks' });
        projects.push(project);
        const run = await runAgent(project, { prompt: 'Run the steps.', script: script() });
        expect(run.code, explain(run)).toBe(0);
        expect(run.standIn.stepsServed, explain(run)).toBe(CALLS + 1);
        if (mode === 'hooks') {
          // The hook ran for every call: a skipped hook would make these numbers meaningless.
          const pre = ledgerEvents(project).filter((e) => e.event === 'PreToolUse');
          expect(pre.length, explain(run)).toBe(CALLS);
        }
        const trips = roundTrips(run);
        lines.push(
          `${agent} ${mode}: startup ${run.startupMs} ms, tool round trip median ${median(trips)} ms (${trips.join(', ')}), wall ${run.wallMs} ms`,
        );
        // Loose: a hung hook or client shows; ordinary load on a shared machine does not.
        expect(median(trips), lines.at(-1)).toBeLessThan(5000);
      }
      console.log(lines.join('\n'));
    });
  }
});
