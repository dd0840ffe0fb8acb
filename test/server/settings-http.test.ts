// What `init --http` and `init --fold` write into .claude/settings.json, and that switching between the
// modes replaces agent-sre's entries instead of adding a second guard.
import { describe, expect, it } from 'vitest';
import { findOurHooks, mergeClaudeSettings, OUR_EVENTS } from '../../src/adapters/agents/claude/settings.ts';
import { hookUrl } from '../../src/server/http-hook.ts';

const current = { command: '/usr/bin/node', args: ['/opt/guard/bin/agent-sre-hook.cjs', 'hook', 'claude'] };
const url = hookUrl(47319, '/home/me/repo', 10);
const base = { ...current, timeoutSec: 10, denyRules: [] };

describe('init --http entries', () => {
  const { settings } = mergeClaudeSettings(undefined, { ...base, http: { url } });
  const ours = findOurHooks(settings, current);
  const byEvent = new Map(ours.map((h) => [h.event, h.entry]));

  it('one entry per event, http for the per-call events and SessionEnd', () => {
    expect(ours.map((h) => h.event).sort()).toEqual([...OUR_EVENTS].sort());
    for (const e of ['PreToolUse', 'PostToolUse', 'PostToolUseFailure', 'PostToolBatch', 'SessionEnd'])
      expect(byEvent.get(e)).toEqual({
        type: 'http',
        url,
        timeout: 10,
        onFailure: 'block',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Claude Code's interpolation, not ours
        headers: { Authorization: 'Bearer ${AGENT_SRE_TOKEN}' },
        allowedEnvVars: ['AGENT_SRE_TOKEN'],
      });
  });

  it('SessionStart (no HTTP hooks in Claude Code) and the Stop-type gates (onFailure ignored) stay commands', () => {
    for (const e of ['SessionStart', 'Stop', 'SubagentStop', 'TaskCompleted']) {
      expect(byEvent.get(e)?.type).toBe('command');
      expect(byEvent.get(e)?.onFailure).toBe('block');
    }
    expect(byEvent.get('Stop')?.timeout).toBe(3660);
  });

  it('running plain init afterwards puts the command entries back, and --http again the http ones', () => {
    const back = mergeClaudeSettings(settings, base).settings;
    const cmd = findOurHooks(back, current);
    expect(cmd).toHaveLength(OUR_EVENTS.length);
    expect(cmd.every((h) => h.entry.type === 'command')).toBe(true);
    const again = mergeClaudeSettings(back, { ...base, http: { url } });
    expect(again.settings).toEqual(settings);
    expect(mergeClaudeSettings(again.settings, { ...base, http: { url } }).changed).toBe(false);
  });

  it('an http hook of someone else is not ours', () => {
    const other = {
      hooks: {
        PreToolUse: [{ matcher: '*', hooks: [{ type: 'http', url: 'http://127.0.0.1:9/other/hook' }] }],
      },
    };
    expect(findOurHooks(other, current)).toHaveLength(0);
    const remote = {
      hooks: {
        PreToolUse: [
          { matcher: '*', hooks: [{ type: 'http', url: 'https://example.com/agent-sre/v1/hook' }] },
        ],
      },
    };
    expect(findOurHooks(remote, current)).toHaveLength(0);
  });
});

describe('init --fold entries', () => {
  const { settings } = mergeClaudeSettings(undefined, { ...base, asyncPost: true });
  const ours = findOurHooks(settings, current);

  it('the after-the-call hooks are async; PreToolUse and the gates stay blocking with onFailure block', () => {
    for (const h of ours) {
      const post = ['PostToolUse', 'PostToolUseFailure', 'PostToolBatch'].includes(h.event);
      expect(h.entry.async === true, h.event).toBe(post);
      expect(h.entry.onFailure, h.event).toBe(post ? undefined : 'block');
    }
  });
});
