// The harness itself, before agent-sre is in the loop: each real client runs against the stand-in, calls
// a tool, runs the hook in its hook config (a tiny script that records its input and refuses one command
// in the shape that client honours), and sends the refusal back to the model. If this fails, the agent
// scenarios' failures say nothing about agent-sre.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShell } from './gemini-api.ts';
import {
  type Agent,
  type AgentProject,
  type AgentRun,
  createAgentProject,
  explain,
  runAgent,
} from './harness.ts';
import { execCommand } from './responses-api.ts';
import { say, tools } from './stand-in.ts';

const real = !process.env.AGENT_SRE_REAL;

/** A hook that appends its stdin to `log` and refuses any call mentioning "forbidden". */
function standInHook(dir: string, agent: Agent): { command: string; log: string } {
  const script = join(dir, 'stand-in-hook.sh');
  const log = join(dir, 'stand-in-hook.log');
  const deny =
    agent === 'codex'
      ? '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"stand-in hook refuses"}}'
      : '{"decision":"deny","reason":"stand-in hook refuses"}';
  writeFileSync(
    script,
    `#!/bin/sh\ninput=$(cat)\nprintf '%s\\n' "$input" >> '${log}'\ncase "$input" in\n  *'"hook_event_name":"PreToolUse"'*forbidden*|*'"hook_event_name":"BeforeTool"'*forbidden*) printf '%s\\n' '${deny}';;\nesac\nexit 0\n`,
  );
  chmodSync(script, 0o755);
  return { command: script, log };
}

for (const agent of ['codex', 'gemini'] as const) {
  describe.skipIf(real)(`${agent}: the harness, with a stand-in hook`, () => {
    let project: AgentProject;
    let run: AgentRun;
    let log: string;
    const call = agent === 'codex' ? execCommand : runShell;

    beforeAll(async () => {
      project = createAgentProject(agent, {
        init: false,
        hook: (p) => {
          const hook = standInHook(p.base, agent);
          log = hook.log;
          return hook.command;
        },
      });
      run = await runAgent(project, {
        prompt: 'Make two files.',
        script: [
          tools(call('echo ok > allowed.txt', 'call_ok')),
          tools(call('echo no > forbidden.txt', 'call_no')),
          say('One was refused.'),
        ],
      });
    });
    afterAll(() => project?.dispose());

    it('runs to the end against the stand-in, offline', () => {
      expect(run.code, explain(run)).toBe(0);
      expect(run.standIn.stepsServed, explain(run)).toBe(3);
      expect(run.standIn.unknown(), explain(run)).toEqual([]);
      expect(run.standIn.escapes, explain(run)).toEqual([]);
    });

    it('the allowed call ran, the refused one did not, and the model saw the refusal', () => {
      expect(readFileSync(join(project.dir, 'allowed.txt'), 'utf8')).toBe('ok\n');
      expect(existsSync(join(project.dir, 'forbidden.txt')), explain(run)).toBe(false);
      expect(run.standIn.outputFor('call_no')?.text, explain(run)).toContain('stand-in hook refuses');
    });

    it('the hook saw both calls, under the session id the client reports, with its transcript', () => {
      const inputs = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const pre = inputs.filter(
        (i) => i.hook_event_name === (agent === 'codex' ? 'PreToolUse' : 'BeforeTool'),
      );
      expect(pre.map((i) => (i.tool_input as { command: string }).command)).toEqual([
        'echo ok > allowed.txt',
        'echo no > forbidden.txt',
      ]);
      expect(run.sessionId, explain(run)).toBeDefined();
      expect(new Set(inputs.map((i) => i.session_id))).toEqual(new Set([run.sessionId]));
      expect(run.transcriptPath && existsSync(run.transcriptPath), explain(run)).toBe(true);
    });
  });
}
