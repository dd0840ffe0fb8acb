// The real Gemini CLI (pinned, scripts/gemini.mjs) guarded by agent-sre: `gemini -p --yolo` against the
// scripted streamGenerateContent stand-in on 127.0.0.1, with the project's .gemini/settings.json (written
// by `init --agent gemini`) running `agent-sre-hook.cjs hook gemini`.
import { runShell } from './gemini-api.ts';
import { scenarios } from './scenarios.ts';

scenarios({
  agent: 'gemini',
  name: 'Gemini CLI',
  shell: runShell,
  // gemini 0.61.0 answers a blocked call with functionResponse.response.error "Tool execution blocked: <reason>".
  refusal: /^Tool execution blocked: agent-sre \(tier \d/,
});
