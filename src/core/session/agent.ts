// Which coding agent a session ran in: recorded once per session by the hook of an agent other than
// Claude Code (a session without the record is Claude Code's, as every session was before), read by
// postmortems.

export const AGENT_KIND = 'session.agent';

export interface SessionAgent {
  agent: string;
}

const NAMES: Readonly<Record<string, string>> = {
  claude: 'Claude Code',
  codex: 'Codex CLI',
  gemini: 'Gemini CLI',
  cursor: 'Cursor',
  copilot: 'GitHub Copilot CLI',
};

/** The agent's name as people say it; an id this version does not know is shown as it is. */
export function agentName(agent: string | null | undefined): string {
  if (!agent) return NAMES.claude as string;
  return NAMES[agent] ?? agent;
}
