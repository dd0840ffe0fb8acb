import { answerFailure, MAX_HOOK_INPUT } from '../../adapters/agents/claude/hook.ts';
import { processEnvironment } from '../../app/context.ts';
import { startFlusher } from '../../app/flusher.ts';
import { runClaudeHook } from '../../app/hook.ts';
import { openLedger } from '../../app/store.ts';
import type { Io } from '../io.ts';

const HELP = `Usage: agent-sre hook claude

The command Claude Code runs for PreToolUse, PostToolUse, SessionStart and SessionEnd.
Reads one hook event as JSON on stdin and answers on stdout exactly as Claude Code expects:
  tier 1-2  nothing (Claude Code's own permission flow stays in charge)
  tier 3    {"hookSpecificOutput":{"permissionDecision":"ask", ...}}
  tier 4    {"hookSpecificOutput":{"permissionDecision":"deny", ...}}
Any failure (bad input, bad policy, unusable ledger) is a refusal, never exit 1.
\`agent-sre init\` writes the hook entries; \`agent-sre doctor\` proves they work.
`;

export async function run(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(HELP);
    return 0;
  }
  if (args[0] !== 'claude') {
    const a = answerFailure(null, `unsupported agent "${args[0] ?? ''}" (supported: claude)`);
    io.stderr(`${a.stderr}\n`);
    return 2;
  }
  let stdin: string;
  try {
    stdin = await io.readStdin(MAX_HOOK_INPUT + 1);
  } catch (err) {
    const a = answerFailure(null, (err as Error).message);
    io.stderr(`${a.stderr}\n`);
    return 2;
  }
  const answer = await runClaudeHook(stdin, {
    env: processEnvironment(io.env),
    projectDir: io.env.CLAUDE_PROJECT_DIR || undefined,
    now: Date.now,
    commandEnv: io.env,
    openStore: (dir) => openLedger(dir),
    ...(io.env.AGENT_SRE_DELIVERY === 'off' ? {} : { startDelivery: startFlusher }),
  });
  if (answer.stdout) io.stdout(answer.stdout);
  if (answer.stderr) io.stderr(`${answer.stderr}\n`);
  return answer.exitCode;
}
