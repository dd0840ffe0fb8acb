// The real Codex CLI (pinned, scripts/codex.mjs) guarded by agent-sre: `codex exec` against the scripted
// Responses API stand-in on 127.0.0.1, with $CODEX_HOME/hooks.json running `agent-sre-hook.cjs hook codex`.
import { execCommand } from './responses-api.ts';
import { scenarios } from './scenarios.ts';

scenarios({
  agent: 'codex',
  name: 'Codex CLI',
  shell: execCommand,
  // codex 0.171.0 hands the model "Command blocked by PreToolUse hook: <reason>. Command: <cmd>".
  refusal: /^Command blocked by PreToolUse hook: agent-sre \(tier \d/,
});
