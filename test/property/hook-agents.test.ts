// Whatever arrives on stdin, every agent's hook answers in that agent's own accepted shape (shapes.ts: no
// field its schema lacks, never an exit code it treats as "go ahead"), and input that is not a well-formed
// event is never let through: it is refused (deny) or, at a stop, blocked.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { protocolFor, supportedAgents } from '../../src/adapters/agents/index.ts';
import { createMemoryStore } from '../../src/adapters/store/memory.ts';
import { runHook } from '../../src/app/hook.ts';
import { classify } from '../adapters/agents/shapes.ts';
import { withRunbook } from '../e2e/bin.ts';
import { WORLD } from '../helpers/judge.ts';

const RUNS = 120;
const PROJECT = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-prop-agents-'))));
writeFileSync(join(PROJECT, 'agent-sre.yaml'), 'version: 1\nacceptance:\n  runbook: false\n');
afterAll(() => rmSync(PROJECT, { recursive: true, force: true }));

/** Each agent's event names, the field that carries them, and a well-formed tool-call input to mutate. */
const SHAPES: Record<string, { events: string[]; valid: Record<string, unknown> }> = {
  claude: {
    events: ['PreToolUse', 'PostToolUse', 'Stop', 'SessionStart', 'SessionEnd'],
    valid: {
      session_id: 's',
      cwd: PROJECT,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
    },
  },
  codex: {
    events: ['PreToolUse', 'PostToolUse', 'Stop', 'SubagentStop', 'SessionStart', 'UserPromptSubmit'],
    valid: {
      session_id: 's',
      turn_id: 't',
      transcript_path: null,
      cwd: PROJECT,
      hook_event_name: 'PreToolUse',
      model: 'm',
      permission_mode: 'default',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
      tool_use_id: 'c',
    },
  },
  gemini: {
    events: ['BeforeTool', 'AfterTool', 'AfterAgent', 'SessionStart', 'SessionEnd'],
    valid: {
      session_id: 's',
      transcript_path: '/tmp/c.json',
      cwd: PROJECT,
      hook_event_name: 'BeforeTool',
      timestamp: 'x',
      tool_name: 'run_shell_command',
      tool_input: { command: 'ls' },
    },
  },
  cursor: {
    events: ['beforeShellExecution', 'beforeReadFile', 'beforeMCPExecution', 'afterFileEdit', 'stop'],
    valid: {
      hook_event_name: 'beforeShellExecution',
      conversation_id: 's',
      generation_id: 'g',
      workspace_roots: [PROJECT],
      command: 'ls',
      cwd: PROJECT,
    },
  },
  copilot: {
    events: ['preToolUse', 'postToolUse', 'agentStop', 'sessionStart'],
    valid: { sessionId: 's', timestamp: 1, cwd: PROJECT, toolName: 'bash', toolArgs: { command: 'ls' } },
  },
};

const value = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);

/** A valid input with fields dropped, replaced by odd values, or added. */
function mutated(valid: Record<string, unknown>, events: string[]) {
  const keys = Object.keys(valid);
  return fc
    .record({
      drop: fc.subarray(keys),
      set: fc.dictionary(fc.constantFrom(...keys, 'tool_input', 'toolArgs', 'command'), value, {
        maxKeys: 3,
      }),
      event: fc.option(fc.constantFrom(...events, 'Bogus', ''), { nil: undefined }),
    })
    .map(({ drop, set, event }) => {
      const o: Record<string, unknown> = { ...valid, ...set };
      for (const k of drop) delete o[k];
      if (event !== undefined && 'hook_event_name' in valid) o.hook_event_name = event;
      return JSON.stringify(o);
    });
}

for (const agent of supportedAgents()) {
  const protocol = protocolFor(agent)!;
  const { events, valid } = SHAPES[agent]!;
  describe(`hook ${agent}: any input`, () => {
    it("gets a well-formed answer in the agent's shape, and garbage is never let through", async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ maxLength: 200 }), fc.json({ maxDepth: 3 }), mutated(valid, events)),
          fc.option(fc.constantFrom(...events), { nil: undefined }),
          async (stdin, event) => {
            const opts = agent === 'copilot' && event ? { event } : undefined;
            const answer = await runHook(protocol, stdin, {
              env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
              projectDir: PROJECT,
              now: () => Date.UTC(2026, 11, 1),
              openStore: () => createMemoryStore(),
              ...(opts ?? {}),
            });
            const native = opts?.event ?? /"hook_event_name"\s*:\s*"([A-Za-z_]*)"/.exec(stdin)?.[1] ?? null;
            const got = classify(agent, native, answer);
            let parsed = true;
            try {
              protocol.parse(stdin, opts);
            } catch {
              parsed = false;
            }
            if (!parsed)
              expect(['deny', 'block', 'warning'], `${stdin} -> ${JSON.stringify(answer)}`).toContain(
                got.kind,
              );
            // Only advisory events (nothing to block) may answer a failure with a warning.
            if (!parsed && got.kind === 'warning')
              expect(protocol.sniff(stdin, opts)).toMatch(
                /^(SessionStart|SessionEnd|Notification|PreCompact)$/,
              );
          },
        ),
        { numRuns: RUNS },
      );
    }, 120_000);
  });
}
