// Codex sessions in the ledger: the session records which agent it ran in, and its cost comes from the
// rollout file's token_count events (the hook input's transcript_path).
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { codexProtocol } from '../../../src/adapters/agents/codex/hook.ts';
import { createMemoryStore } from '../../../src/adapters/store/memory.ts';
import { advanceCodexUsage } from '../../../src/adapters/transcripts/codex-usage.ts';
import { loadEvidence } from '../../../src/app/evidence.ts';
import { runHook } from '../../../src/app/hook.ts';
import { loadPolicy } from '../../../src/config/load.ts';
import { DEFAULT_PRICING } from '../../../src/core/cost/prices.ts';
import { summarize } from '../../../src/core/cost/usage.ts';
import { AGENT_KIND, agentName, type SessionAgent } from '../../../src/core/session/agent.ts';
import { withRunbook } from '../../e2e/bin.ts';
import { WORLD } from '../../helpers/judge.ts';

const DIR = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-codex-'))));
writeFileSync(join(DIR, 'agent-sre.yaml'), 'version: 1\nacceptance:\n  runbook: false\n');
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const tokenCount = (total: number, input: number, cached: number, output: number) => ({
  timestamp: '2026-12-01T12:00:01.000Z',
  type: 'event_msg',
  payload: {
    type: 'token_count',
    info: {
      total_token_usage: { total_tokens: total },
      last_token_usage: {
        input_tokens: input,
        cached_input_tokens: cached,
        output_tokens: output,
        total_tokens: input + output,
      },
    },
  },
});

describe('a Codex rollout as usage', () => {
  it('counts each response once, cached input as cache reads, under the turn model', () => {
    const file = join(DIR, 'rollout-1.jsonl');
    const lines = [
      { timestamp: '2026-12-01T12:00:00.000Z', type: 'session_meta', payload: { id: 'x' } },
      { timestamp: '2026-12-01T12:00:00.000Z', type: 'turn_context', payload: { model: 'gpt-5-codex' } },
      tokenCount(1200, 1000, 400, 200),
      // Codex repeats a token_count now and then: the same running total is the same response.
      tokenCount(1200, 1000, 400, 200),
      tokenCount(2000, 700, 0, 100),
      'not json',
    ];
    writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
    const first = advanceCodexUsage(undefined, file, DEFAULT_PRICING);
    expect(first.changed).toBe(true);
    const u = summarize(first.cursor.state);
    expect(u.modelCalls).toBe(2);
    expect(u.tokens).toMatchObject({ input: 600 + 700, cacheRead: 400, output: 300 });
    expect(u.models.map((m) => m.model)).toEqual(['gpt-5-codex']);
    expect(u.lines.malformed).toBe(1);
    // Nothing new: nothing read again.
    expect(advanceCodexUsage(first.cursor, file, DEFAULT_PRICING).changed).toBe(false);
  });
});

describe('a Codex session in the ledger', () => {
  it('records that it ran in codex', async () => {
    const store = createMemoryStore();
    const input = {
      session_id: 'codex-session-1',
      turn_id: 't1',
      transcript_path: null,
      cwd: DIR,
      hook_event_name: 'PreToolUse',
      model: 'gpt-5-codex',
      permission_mode: 'default',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
      tool_use_id: 'call_1',
    };
    await runHook(codexProtocol, JSON.stringify(input), {
      env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
      projectDir: DIR,
      now: () => Date.UTC(2026, 11, 1),
      openStore: () => ({ ...store, close: async () => undefined }),
    });
    const rec = await store.transact(
      Date.UTC(2026, 11, 1),
      (tx) => tx.record<SessionAgent>(AGENT_KIND, input.session_id),
      {
        readonly: true,
      },
    );
    expect(rec?.data.agent).toBe('codex');
    // The evidence a postmortem is drafted from names it.
    const session = await store.getSession(input.session_id);
    if (!session) throw new Error('the hook recorded no session');
    const loaded = loadPolicy(undefined, 'agent-sre.yaml');
    if (!loaded.ok) throw new Error('the default policy does not load');
    const pack = await loadEvidence(session, {
      store,
      now: Date.UTC(2026, 11, 1),
      projectDir: DIR,
      policy: loaded.policy,
      git: async () => ({ available: false, reason: 'not a repository' }),
    });
    expect(pack.session.agent).toBe('codex');
    expect(agentName(pack.session.agent)).toBe('Codex CLI');
  });
});

describe('agentName', () => {
  it.each([
    [undefined, 'Claude Code'],
    [null, 'Claude Code'],
    ['claude', 'Claude Code'],
    ['codex', 'Codex CLI'],
    ['gemini', 'Gemini CLI'],
    ['copilot', 'GitHub Copilot CLI'],
    ['windsurf', 'windsurf'],
  ])('names %s as %s', (id, name) => {
    expect(agentName(id)).toBe(name);
  });
});
