// The hook entries carry `--timeout N` for the launcher's watchdog; entries written before that (and
// hand-written shell forms) must still be recognised as ours, so init replaces them instead of adding a
// second guard.
import { describe, expect, it } from 'vitest';
import { findOurHooks, mergeClaudeSettings } from '../../src/adapters/agents/claude/settings.ts';

const current = { command: '/usr/bin/node', args: ['/opt/guard/bin/agent-sre-hook.cjs', 'hook', 'claude'] };
const settings = (entry: Record<string, unknown>) => ({
  hooks: { PreToolUse: [{ matcher: '*', hooks: [entry] }] },
});

describe('our hook entries', () => {
  it.each([
    [
      'old exec form',
      { type: 'command', command: 'node', args: ['/old/agent-sre/bin/agent-sre-hook.cjs', 'hook', 'claude'] },
    ],
    [
      'new exec form',
      {
        type: 'command',
        command: 'node',
        args: ['/x/agent-sre-hook.cjs', 'hook', 'claude', '--timeout', '10'],
      },
    ],
    ['shell form', { type: 'command', command: 'agent-sre hook claude' }],
    ['shell form with timeout', { type: 'command', command: 'npx agent-sre hook claude --timeout 330' }],
    [
      'current command, path without our name',
      { type: 'command', ...current, args: [...current.args, '--timeout', '10'] },
    ],
  ])('%s is ours', (_, entry) => {
    expect(findOurHooks(settings(entry), current)).toHaveLength(1);
  });

  it.each([
    [
      'a flag that is not a number',
      { type: 'command', command: 'agent-sre', args: ['hook', 'claude', '--timeout', 'x'] },
    ],
    ['another tool', { type: 'command', command: 'other', args: ['hook', 'claude', '--timeout', '10'] }],
  ])('%s is not', (_, entry) => {
    expect(findOurHooks(settings(entry), current)).toHaveLength(0);
  });

  it('an old entry is replaced by one with the timeout, the gates with their own', () => {
    const old = settings({
      type: 'command',
      command: 'node',
      args: ['/old/agent-sre-hook.cjs', 'hook', 'claude'],
    });
    const { settings: next } = mergeClaudeSettings(old, { ...current, timeoutSec: 330, denyRules: [] });
    const hooks = findOurHooks(next, current);
    expect(hooks.filter((h) => h.event === 'PreToolUse')).toHaveLength(1);
    for (const h of hooks) {
      const t = String(h.entry.timeout);
      expect(h.entry.args).toEqual([...current.args, '--timeout', t]);
      expect(Number(t)).toBe(['Stop', 'SubagentStop', 'TaskCompleted'].includes(h.event) ? 3660 : 330);
    }
  });
});
