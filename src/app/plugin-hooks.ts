// hooks/hooks.json of the Claude Code plugin, derived from the layout init writes (folded: PreToolUse
// blocking, PostToolBatch in the background, the session events and the Stop-type gates), so the plugin
// and a project's settings can never hook different events or with other failure rules. The file in the
// repository is this function's output; test/app/plugin-hooks.test.ts keeps them equal.
import { mergeClaudeSettings } from '../adapters/agents/claude/settings.ts';
import { pluginHookCommand } from './hook-location.ts';
import { DEFAULT_HOOK_TIMEOUT_SEC } from './init.ts';

export function pluginHooksFile(): { description: string; hooks: unknown } {
  const { command, args } = pluginHookCommand();
  const { settings } = mergeClaudeSettings(undefined, {
    command,
    args,
    timeoutSec: DEFAULT_HOOK_TIMEOUT_SEC,
    // Deny rules are settings, not hooks: a plugin cannot carry them (init writes them per project).
    denyRules: [],
    asyncPost: true,
  });
  return {
    description:
      "agent-sre: judges every tool call against the project's agent-sre.yaml (fail-closed), records the session in .agent-sre/, and holds the Stop-type gates until the acceptance checks pass",
    hooks: settings.hooks,
  };
}
