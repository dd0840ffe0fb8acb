// Table-driven over the recorded hook inputs of every agent (test/fixtures/agents/<agent>.json): each input
// goes through `runHook` with that agent's protocol, against a memory ledger, and the answer must be in the
// shape the agent accepts (shapes.ts) and say what the case expects (deny with which rule, silence, a block).
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { protocolFor } from '../../../src/adapters/agents/index.ts';
import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import { type HookDeps, runHook } from '../../../src/app/hook.ts';
import { withRunbook } from '../../e2e/bin.ts';
import { WORLD } from '../../helpers/judge.ts';
import { classify } from './shapes.ts';

interface Case {
  name: string;
  input: unknown;
  /** The native event, for inputs that do not name it (Copilot's camelCase hooks). */
  event?: string;
  expect: { answer: string; rule?: string; tier?: number; reasonMatches?: string; event?: string };
}

const FIXTURES = join(import.meta.dirname, '../../fixtures/agents');
const PROJECT = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-agents-'))));
// The runbook's postconditions would become Stop checks that start processes.
writeFileSync(join(PROJECT, 'agent-sre.yaml'), 'version: 1\nacceptance:\n  runbook: false\n');
afterAll(() => rmSync(PROJECT, { recursive: true, force: true }));

/** A PreToolUse-type input of this agent with a 9 MiB command, past the input limit. */
function oversized(agent: string): string {
  const command = `echo ${'a'.repeat(9 * 1024 * 1024)}`;
  const base = { session_id: 'big', cwd: PROJECT, transcript_path: null };
  const inputs: Record<string, unknown> = {
    claude: { ...base, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } },
    codex: {
      ...base,
      turn_id: 't',
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
    },
    gemini: {
      ...base,
      hook_event_name: 'BeforeTool',
      tool_name: 'run_shell_command',
      tool_input: { command },
    },
    cursor: { conversation_id: 'big', hook_event_name: 'beforeShellExecution', command, cwd: PROJECT },
    copilot: { sessionId: 'big', timestamp: 1, cwd: PROJECT, toolName: 'bash', toolArgs: { command } },
  };
  return JSON.stringify(inputs[agent]);
}

function stdinOf(agent: string, input: unknown): string {
  if (input === '$OVERSIZED_PRE') return oversized(agent);
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  return text.replaceAll('$CWD', PROJECT);
}

function nativeEvent(c: Case, stdin: string): string | null {
  if (c.event) return c.event;
  return /"hook_event_name"\s*:\s*"([A-Za-z_]+)"/.exec(stdin.slice(0, 4096))?.[1] ?? null;
}

const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

for (const file of files) {
  const corpus = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as { agent: string; cases: Case[] };
  const protocol = protocolFor(corpus.agent);
  describe(`hook ${corpus.agent}: recorded inputs`, () => {
    it('is an agent `hook` speaks', () => expect(protocol).toBeDefined());
    for (const c of corpus.cases)
      it(c.name, async () => {
        const store = createMemoryStore();
        let clock = Date.UTC(2026, 11, 1, 12);
        const deps: HookDeps = {
          env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
          projectDir: PROJECT,
          now: () => clock++,
          // The hook closes its store after each event; this one is read afterwards.
          openStore: () => ({ ...store, close: async () => undefined }),
          ...(c.event ? { event: c.event } : {}),
        };
        const stdin = stdinOf(corpus.agent, c.input);
        const answer = await runHook(protocol!, stdin, deps);
        const got = classify(corpus.agent, nativeEvent(c, stdin), answer);
        expect(got.kind, `${JSON.stringify(answer).slice(0, 600)}`).toBe(c.expect.answer);
        if (c.expect.rule) expect(got.reason).toContain(`, ${c.expect.rule}):`);
        if (c.expect.tier) expect(got.reason).toContain(`(tier ${c.expect.tier},`);
        if (c.expect.reasonMatches) expect(got.reason).toMatch(new RegExp(c.expect.reasonMatches));
        if (c.expect.event) {
          const events = await store.events({ limit: 10 });
          expect(events.map((e) => e.event)).toContain(c.expect.event);
        }
      });
  });
}
