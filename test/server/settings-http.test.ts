// What `init --http`, `init` (fold) and `init --no-fold` write into .claude/settings.json, and that switching
// between the modes replaces agent-sre's entries instead of adding a second guard.
import { describe, expect, it } from 'vitest';
import {
  findOurHooks,
  mergeClaudeSettings,
  OUR_EVENTS,
  registeredEvents,
} from '../../src/adapters/agents/claude/settings.ts';
import { hookUrl } from '../../src/server/http-hook.ts';

const current = { command: '/usr/bin/node', args: ['/opt/guard/bin/agent-sre-hook.cjs', 'hook', 'claude'] };
const url = hookUrl(47319, '/home/me/repo', 10);
const base = { ...current, timeoutSec: 10, denyRules: [] };

describe('init --http entries', () => {
  const { settings } = mergeClaudeSettings(undefined, { ...base, http: { url } });
  const ours = findOurHooks(settings, current);
  const byEvent = new Map(ours.map((h) => [h.event, h.entry]));

  it('one entry per event, http for PreToolUse and SessionEnd, no PostToolUse(Failure) hook', () => {
    expect(ours.map((h) => h.event).sort()).toEqual(registeredEvents(true).sort());
    expect(ours.map((h) => h.event)).not.toContain('PostToolUse');
    expect(ours.map((h) => h.event)).not.toContain('PostToolUseFailure');
    expect(Object.keys(settings.hooks as object)).not.toContain('PostToolUse');
    for (const e of ['PreToolUse', 'SessionEnd'])
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

  it('PostToolBatch is a background command: the only HTTP hook on a tool call is PreToolUse', () => {
    expect(byEvent.get('PostToolBatch')).toMatchObject({ type: 'command', async: true });
    expect(byEvent.get('PostToolBatch')?.onFailure).toBeUndefined();
  });

  it('SessionStart (no HTTP hooks in Claude Code) and the Stop-type gates (onFailure ignored) stay commands', () => {
    for (const e of ['SessionStart', 'Stop', 'SubagentStop', 'TaskCompleted']) {
      expect(byEvent.get(e)?.type).toBe('command');
      expect(byEvent.get(e)?.onFailure).toBe('block');
    }
    expect(byEvent.get('Stop')?.timeout).toBe(3660);
  });

  it('running init --no-fold afterwards puts every command entry back, and --http again the http ones', () => {
    const back = mergeClaudeSettings(settings, base).settings;
    const cmd = findOurHooks(back, current);
    expect(cmd.map((h) => h.event).sort()).toEqual([...OUR_EVENTS].sort());
    expect(cmd.every((h) => h.entry.type === 'command' && h.entry.async === undefined)).toBe(true);
    const again = mergeClaudeSettings(back, { ...base, http: { url } });
    expect(again.settings).toEqual(settings);
    expect(mergeClaudeSettings(again.settings, { ...base, http: { url } }).changed).toBe(false);
  });

  it('switching between http and fold swaps PreToolUse and SessionEnd, and adds no PostToolUse hook', () => {
    const fold = mergeClaudeSettings(settings, { ...base, asyncPost: true }).settings;
    expect(fold).toEqual(mergeClaudeSettings(undefined, { ...base, asyncPost: true }).settings);
    expect(findOurHooks(fold, current).every((h) => h.entry.type === 'command')).toBe(true);
    expect(mergeClaudeSettings(fold, { ...base, http: { url } }).settings).toEqual(settings);
  });

  it('the old --http layout (PostToolUse and PostToolBatch over HTTP) is replaced, a user hook beside it kept', () => {
    const http = (extra: object = {}) => ({ type: 'http', url, timeout: 10, onFailure: 'block', ...extra });
    const user = { type: 'command', command: 'npm', args: ['run', 'lint'] };
    const old = {
      hooks: {
        PreToolUse: [{ matcher: '*', hooks: [http()] }],
        PostToolUse: [{ matcher: '*', hooks: [user, http()] }],
        PostToolUseFailure: [{ matcher: '*', hooks: [http()] }],
        PostToolBatch: [{ hooks: [http()] }],
      },
    };
    const now = mergeClaudeSettings(old, { ...base, http: { url } }).settings as {
      hooks: Record<string, unknown>;
    };
    expect(now.hooks.PostToolUse).toEqual([{ matcher: '*', hooks: [user] }]);
    expect(now.hooks.PostToolUseFailure).toBeUndefined();
    const { PostToolUse: _user, ...rest } = now.hooks;
    expect(rest).toEqual(settings.hooks);
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

describe('init (fold) entries', () => {
  const { settings } = mergeClaudeSettings(undefined, { ...base, asyncPost: true });
  const ours = findOurHooks(settings, current);

  it('no PostToolUse(Failure) hook; PostToolBatch async; PreToolUse and the gates blocking with onFailure block', () => {
    expect(ours.map((h) => h.event)).toEqual(registeredEvents(true));
    expect(registeredEvents(true)).toEqual([
      'PreToolUse',
      'PostToolBatch',
      'SessionStart',
      'SessionEnd',
      'Stop',
      'SubagentStop',
      'TaskCompleted',
    ]);
    for (const h of ours) {
      const post = h.event === 'PostToolBatch';
      expect(h.entry.async === true, h.event).toBe(post);
      expect(h.entry.onFailure, h.event).toBe(post ? undefined : 'block');
    }
  });

  it('from the synchronous layout (and the older fold with async PostToolUse hooks) and back, cleanly', () => {
    const sync = mergeClaudeSettings(undefined, base).settings;
    const folded = mergeClaudeSettings(sync, { ...base, asyncPost: true });
    expect(folded.changed).toBe(true);
    expect(folded.settings).toEqual(settings);
    expect(mergeClaudeSettings(settings, { ...base, asyncPost: true }).changed).toBe(false);
    const oldFold = structuredClone(sync) as {
      hooks: Record<string, { hooks: Record<string, unknown>[] }[]>;
    };
    for (const e of ['PostToolUse', 'PostToolUseFailure', 'PostToolBatch'])
      for (const g of oldFold.hooks[e] ?? [])
        g.hooks = g.hooks.map(({ onFailure: _x, ...h }) => ({ ...h, async: true }));
    expect(mergeClaudeSettings(oldFold, { ...base, asyncPost: true }).settings).toEqual(settings);
    expect(mergeClaudeSettings(settings, base).settings).toEqual(sync);
  });

  it("a user's own empty PostToolUse list is left alone", () => {
    const mine = mergeClaudeSettings({ hooks: { PostToolUse: [] } }, { ...base, asyncPost: true }).settings;
    expect((mine.hooks as Record<string, unknown>).PostToolUse).toEqual([]);
  });
});
