import { protocolFor, supportedAgents } from '../../adapters/agents/index.ts';
import { type AgentProtocol, MAX_HOOK_INPUT } from '../../adapters/agents/protocol.ts';
import { processEnvironment } from '../../app/context.ts';
import { startFlusher } from '../../app/flusher.ts';
import { runHook } from '../../app/hook.ts';
import { openLedger } from '../../app/store.ts';
import type { Io } from '../io.ts';

const HELP = `Usage: agent-sre hook <agent> [--event NAME] [--timeout SECONDS]

The command a coding agent runs for every agent-sre hook event; agent is one of
${supportedAgents().join(', ')}. Reads one hook event as JSON on stdin and answers exactly as that agent
expects. For Claude Code:
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
Other agents get the same decisions in their own shapes (codex: a deny with a reason, never "ask";
a tier-3 call is refused with a reason saying a human must approve it unless gate.mode is wait).
--event names the event for agents whose input does not (Copilot CLI's camelCase hooks).
Any failure (bad input, bad policy, unusable ledger) is a refusal or a block, never exit 1.
\`agent-sre init\` writes the hook entries; \`agent-sre doctor\` proves they work.
`;

/** The value of `--event NAME`, when given. */
export function eventArg(args: string[]): string | undefined {
  const i = args.indexOf('--event');
  const v = i >= 0 ? args[i + 1] : undefined;
  return v && !v.startsWith('--') ? v : undefined;
}

/** The project directory the agent names in its environment, when it does. */
export function projectDirFrom(protocol: AgentProtocol, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of protocol.projectDirEnv) if (env[name]) return env[name];
  return undefined;
}

export async function run(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(HELP);
    return 0;
  }
  const protocol = protocolFor(args[0] ?? '');
  if (!protocol) {
    io.stderr(
      `agent-sre could not judge this call, so it is refused: unsupported agent "${args[0] ?? ''}" (supported: ${supportedAgents().join(', ')})\n`,
    );
    return 2;
  }
  const event = eventArg(args);
  let stdin: string;
  try {
    stdin = await io.readStdin(MAX_HOOK_INPUT + 1);
  } catch (err) {
    const a = protocol.failure(event ?? null, (err as Error).message);
    if (a.stdout) io.stdout(a.stdout);
    if (a.stderr) io.stderr(`${a.stderr}\n`);
    return a.exitCode;
  }
  const answer = await runHook(protocol, stdin, {
    env: processEnvironment(io.env),
    projectDir: projectDirFrom(protocol, io.env),
    now: Date.now,
    commandEnv: io.env,
    openStore: (dir) => openLedger(dir),
    ...(event ? { event } : {}),
    ...(io.env.AGENT_SRE_DELIVERY === 'off' ? {} : { startDelivery: startFlusher }),
  });
  if (answer.stdout) io.stdout(answer.stdout);
  if (answer.stderr) io.stderr(`${answer.stderr}\n`);
  return answer.exitCode;
}
