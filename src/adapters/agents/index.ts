// Every agent's hook protocol by name: the one place that lists them.
import { claudeProtocol } from './claude/hook.ts';
import { codexProtocol } from './codex/hook.ts';
import { copilotProtocol } from './copilot/hook.ts';
import { cursorProtocol } from './cursor/hook.ts';
import { geminiProtocol } from './gemini/hook.ts';
import type { AgentName, AgentProtocol } from './protocol.ts';

const PROTOCOLS: Partial<Record<AgentName, AgentProtocol>> = {
  claude: claudeProtocol,
  codex: codexProtocol,
  gemini: geminiProtocol,
  cursor: cursorProtocol,
  copilot: copilotProtocol,
};

/** The protocol of `agent`, or undefined for a name agent-sre does not speak. */
export function protocolFor(agent: string): AgentProtocol | undefined {
  return Object.hasOwn(PROTOCOLS, agent) ? PROTOCOLS[agent as AgentName] : undefined;
}

/** The agents `agent-sre hook <agent>` answers for. */
export function supportedAgents(): AgentName[] {
  return Object.keys(PROTOCOLS) as AgentName[];
}
