// Token usage of a Gemini CLI session, from its chat file
// (~/.gemini/tmp/<project>/chats/session-<time>-<id8>.jsonl, the hook input's transcript_path; checked
// against @google/gemini-cli 0.61.0, ChatRecordingService). Each line is one JSON record:
//   - the session's metadata {sessionId, projectHash, startTime, ...}, first;
//   - a message {id, timestamp, type: "user" | "gemini" | "info" | ..., content, ...}. A `gemini` message
//     carries `model` and `tokens` {input, output, cached, thoughts, tool, total}, copied from the API's
//     usageMetadata (promptTokenCount, candidatesTokenCount, cachedContentTokenCount, thoughtsTokenCount,
//     toolUsePromptTokenCount, totalTokenCount). A message is appended again, whole, each time it changes
//     (tokens arrive, tool calls and their results are added), so one reply stands on several lines;
//   - {"$set": {...}}: metadata updates, among them `messages`, a snapshot of the whole conversation;
//   - {"$rewindTo": id}: the conversation was rewound (the tokens were spent all the same).
// Each `gemini` message with tokens becomes the Claude Code transcript line the cost fold (core/cost/usage.ts)
// reads, with the message id as its id, so a reply written again is counted once. Gemini sets a message's
// tokens once and repeats them unchanged, so the fold's "largest count seen" is the last write. `$set`
// snapshots repeat messages already appended one by one (an old one beyond the fold's window of recent
// replies would be counted again): they are not read for usage.
// Token fields: promptTokenCount includes the cached tokens, which are billed at the cache-read price and so
// taken out of the input; tool-use prompt tokens are input too; thinking tokens are billed as output and are
// not in candidatesTokenCount, so they are added to it.
import type { Pricing } from '../../core/cost/prices.ts';
import { foldLine, type UsageState } from '../../core/cost/usage.ts';
import { advanceOneFile, foldRecordLine } from './usage-reader.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);
const MAX_ID = 120;

/** What a record is, when it is one of the chat file's: null for anything else. */
function recordKind(line: Json): 'message' | 'other' | null {
  if (typeof line.id === 'string' && typeof line.type === 'string') return 'message';
  if (isObject(line.$set) || typeof line.$rewindTo === 'string') return 'other';
  if (typeof line.sessionId === 'string' && typeof line.projectHash === 'string') return 'other';
  return null;
}

/** A reply's token counts as a Claude Code usage block, or null when they are not there. */
export function geminiUsage(tokens: unknown): Json | null {
  if (!isObject(tokens)) return null;
  const cached = n(tokens.cached);
  return {
    input_tokens: Math.max(0, n(tokens.input) - cached) + n(tokens.tool),
    output_tokens: n(tokens.output) + n(tokens.thoughts),
    cache_read_input_tokens: cached,
  };
}

/**
 * One chat-file line folded into `state`: a `gemini` message with tokens becomes an assistant usage line;
 * every other record counts as a known line (its timestamp still dates the session); anything that is not
 * a record of the chat file is malformed.
 */
export function foldGeminiLine(state: UsageState, text: string, pricing: Pricing): void {
  foldRecordLine(state, text, pricing, foldGeminiRecord);
}

function foldGeminiRecord(state: UsageState, line: Json, pricing: Pricing): boolean {
  const kind = recordKind(line);
  if (kind === null) return false;
  const timestamp = typeof line.timestamp === 'string' ? line.timestamp : undefined;
  const usage = kind === 'message' && line.type === 'gemini' ? geminiUsage(line.tokens) : null;
  if (!usage || line.id === '') {
    foldLine(state, { type: 'system', ...(timestamp ? { timestamp } : {}) }, { pricing });
    return true;
  }
  const model = typeof line.model === 'string' && line.model !== '' ? line.model : 'unknown';
  foldLine(
    state,
    {
      type: 'assistant',
      ...(timestamp ? { timestamp } : {}),
      message: { id: `gemini-${(line.id as string).slice(0, MAX_ID)}`, model, usage },
    },
    { pricing },
  );
  return true;
}

/**
 * Carry a Gemini session's usage forward over what its chat file gained since `cursor`: the same contract as
 * advanceUsage for Claude Code transcripts. Only the file the hook input names is read: a subagent's own chat
 * file (chats/<session id>/<subagent id>.jsonl) is not looked for.
 */
export const advanceGeminiUsage = advanceOneFile(foldGeminiLine);
