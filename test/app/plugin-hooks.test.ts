import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findOurHooks, registeredEvents } from '../../src/adapters/agents/claude/settings.ts';
import { pluginHooksFile } from '../../src/app/plugin-hooks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const json = (rel: string) => JSON.parse(readFileSync(join(ROOT, rel), 'utf8'));

describe('the Claude Code plugin', () => {
  it('hooks/hooks.json is what pluginHooksFile() generates (regenerate it when the layout changes)', () => {
    expect(json('hooks/hooks.json')).toEqual(pluginHooksFile());
  });

  it('hooks the events init hooks by default, fail-closed, in exec form through the plugin root', () => {
    const hooks = json('hooks/hooks.json');
    const ours = findOurHooks(hooks);
    expect(ours.map((h) => h.event)).toEqual(registeredEvents(true));
    const pre = ours.find((h) => h.event === 'PreToolUse')!;
    expect(pre.entry).toMatchObject({ type: 'command', command: 'sh', onFailure: 'block', timeout: 10 });
    expect((pre.entry.args as string[])[1]).toContain('$CLAUDE_PLUGIN_ROOT/bin/agent-sre-hook.cjs');
    expect(ours.find((h) => h.event === 'PostToolBatch')!.entry.async).toBe(true);
  });

  it('plugin.json and marketplace.json name the same plugin at the repository root', () => {
    const plugin = json('.claude-plugin/plugin.json');
    const market = json('.claude-plugin/marketplace.json');
    expect(plugin.name).toBe('agent-sre');
    expect(plugin.version).toBe(json('package.json').version);
    expect(market.plugins).toEqual([expect.objectContaining({ name: 'agent-sre', source: './' })]);
  });

  it('the package ships the plugin, so an installed package directory is a plugin root', () => {
    const files: string[] = json('package.json').files;
    expect(files).toEqual(expect.arrayContaining(['.claude-plugin', 'hooks', 'bin', 'dist', 'schema']));
  });
});
