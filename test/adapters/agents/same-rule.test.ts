// The same destructive call, sent by each agent in its own protocol, is refused with the same rule: the
// policy sees one normalised call whatever the agent.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { protocolFor, supportedAgents } from '../../../src/adapters/agents/index.ts';
import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import { runHook } from '../../../src/app/hook.ts';
import { withRunbook } from '../../e2e/bin.ts';
import { WORLD } from '../../helpers/judge.ts';
import { classify } from './shapes.ts';

const PROJECT = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-same-rule-'))));
writeFileSync(join(PROJECT, 'agent-sre.yaml'), 'version: 1\nacceptance:\n  runbook: false\n');
afterAll(() => rmSync(PROJECT, { recursive: true, force: true }));

/** One shell command as each agent's PreToolUse-type hook sends it: [native event, input]. */
function shellCall(agent: string, command: string): [string, unknown] {
  const cwd = PROJECT;
  switch (agent) {
    case 'claude':
      return [
        'PreToolUse',
        { session_id: 's', cwd, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } },
      ];
    case 'codex':
      return [
        'PreToolUse',
        {
          session_id: 's',
          turn_id: 't',
          transcript_path: null,
          cwd,
          hook_event_name: 'PreToolUse',
          model: 'gpt-5-codex',
          permission_mode: 'default',
          tool_name: 'Bash',
          tool_input: { command },
          tool_use_id: 'c',
        },
      ];
    case 'gemini':
      return [
        'BeforeTool',
        {
          session_id: 's',
          transcript_path: '/tmp/c.json',
          cwd,
          hook_event_name: 'BeforeTool',
          timestamp: 'x',
          tool_name: 'run_shell_command',
          tool_input: { command },
        },
      ];
    case 'cursor':
      return [
        'beforeShellExecution',
        {
          hook_event_name: 'beforeShellExecution',
          conversation_id: 's',
          generation_id: 'g',
          workspace_roots: [cwd],
          command,
          cwd,
        },
      ];
    case 'copilot':
      return ['preToolUse', { sessionId: 's', timestamp: 1, cwd, toolName: 'bash', toolArgs: { command } }];
  }
  throw new Error(agent);
}

const RULE = /\(tier (\d), ([^)]+)\):/;

const CALLS: Array<[string, string]> = [
  ['git push --force origin main', 'git.force-push-protected'],
  ['rm -rf ~/important', 'fs.delete-outside-project'],
  ['git reset --hard origin/main', 'git.discard-work'],
  ['cd infra && terraform destroy -auto-approve', 'infra.destroy'],
];

describe('the same destructive call gets the same rule in every agent', () => {
  it('covers every agent hook speaks, and the launcher accepts the same names', () => {
    expect(supportedAgents().sort()).toEqual(['claude', 'codex', 'copilot', 'cursor', 'gemini']);
    const launcher = createRequire(import.meta.url)('../../../bin/agent-sre-hook.cjs') as {
      AGENTS: string[];
    };
    expect([...launcher.AGENTS].sort()).toEqual(supportedAgents().sort());
  });
  for (const [command, rule] of CALLS)
    it(command, async () => {
      const seen: Record<string, string> = {};
      for (const agent of supportedAgents()) {
        const [event, input] = shellCall(agent, command);
        const answer = await runHook(protocolFor(agent)!, JSON.stringify(input), {
          env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
          projectDir: PROJECT,
          now: () => Date.UTC(2026, 11, 1),
          openStore: () => createMemoryStore(),
          ...(agent === 'copilot' ? { event: 'preToolUse' } : {}),
        });
        const got = classify(agent, event, answer);
        expect(got.kind, `${agent}: ${got.reason}`).toBe('deny');
        seen[agent] = `tier ${RULE.exec(got.reason)?.[1]} ${RULE.exec(got.reason)?.[2]}`;
      }
      expect(new Set(Object.values(seen)), JSON.stringify(seen)).toEqual(new Set([`tier 4 ${rule}`]));
    });
});
