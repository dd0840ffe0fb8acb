import { answerFailure, MAX_HOOK_INPUT } from '../../adapters/agents/claude/hook.ts';
import { processEnvironment } from '../../app/context.ts';
import { startFlusher } from '../../app/flusher.ts';
import { runClaudeHook } from '../../app/hook.ts';
import { openLedger } from '../../app/store.ts';
import type { Io } from '../io.ts';

const HELP = `Usage: agent-sre hook claude

The command Claude Code runs for every agent-sre hook event. Reads one hook event as JSON on stdin
and answers on stdout exactly as Claude Code expects:
  PreToolUse          tier 1-2: nothing (Claude Code's own permission flow stays in charge)
                      tier 3:   {"hookSpecificOutput":{"permissionDecision":"ask", ...}}
                      tier 4:   {"hookSpecificOutput":{"permissionDecision":"deny", ...}}
  PostToolUse(Failure) nothing; records what ran (a failed test run's output tail too)
  PostToolBatch       {"decision":"block","reason":...} when a parallel burst goes over the burst limits
  SessionStart        binds AGENTS.md/CLAUDE.md to the session; its digest as additionalContext
  Stop, SubagentStop  runs the acceptance checks; {"decision":"block","reason":...} when one fails or
                      the final message claims what the evidence denies
  TaskCompleted       the same checks scoped to tasks; exit 2 with the reason on stderr
  SessionEnd          nothing; records the end
Any failure (bad input, bad policy, unusable ledger) is a refusal or a block, never exit 1.
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
