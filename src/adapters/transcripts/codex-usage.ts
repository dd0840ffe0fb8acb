// Token usage of a Codex CLI session, from its rollout file ($CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl,
// the hook input's transcript_path). Each line is {timestamp, type, payload}; what this reader uses:
//   - `turn_context` lines: payload.model, the model of the turns that follow;
//   - `event_msg` lines with payload.type "token_count": payload.info.last_token_usage is one model
//     response's usage {input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens,
//     total_tokens}, and payload.info.total_token_usage the session's running total. Codex repeats a
//     token_count (info unchanged) now and then, so a response is keyed by the running total.
// Each response is translated into the Claude Code transcript line the cost fold (core/cost/usage.ts) reads,
// so prices, budgets and reports are the same code for both agents. OpenAI's output_tokens already include
// the reasoning tokens (reasoning_output_tokens is their breakdown): they are not added twice. Cached input
// is billed at the cache-read price; `input_tokens` counts it too, so it is taken out of the input.
import type { Pricing } from '../../core/cost/prices.ts';
import { foldLine, type UsageState } from '../../core/cost/usage.ts';
import { advanceOneFile, foldRecordLine } from './usage-reader.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Where the model name of the turns being read is kept between reads (a field of the cursor's state). */
interface CodexCursorState extends UsageState {
  codexModel?: string;
}

/**
 * One rollout line folded into `state`: token_count lines become an assistant usage line; every other line
 * counts as a known line (its timestamp still dates the session).
 */
export function foldCodexLine(state: CodexCursorState, text: string, pricing: Pricing): void {
  foldRecordLine(state, text, pricing, foldCodexRecord);
}

function foldCodexRecord(state: CodexCursorState, line: Json, pricing: Pricing): boolean {
  if (typeof line.type !== 'string') return false;
  const payload = isObject(line.payload) ? line.payload : {};
  const timestamp = typeof line.timestamp === 'string' ? line.timestamp : undefined;
  if (line.type === 'turn_context' && typeof payload.model === 'string' && payload.model !== '')
    state.codexModel = payload.model.slice(0, 120);
  const info = payload.type === 'token_count' && isObject(payload.info) ? payload.info : null;
  const last = info && isObject(info.last_token_usage) ? info.last_token_usage : null;
  if (line.type !== 'event_msg' || !info || !last) {
    // Known to Codex, not usage: counted as a line with its time, as `system` is for Claude Code.
    foldLine(state, { type: 'system', ...(timestamp ? { timestamp } : {}) }, { pricing });
    return true;
  }
  const total = isObject(info.total_token_usage) ? n(info.total_token_usage.total_tokens) : 0;
  const cached = n(last.cached_input_tokens);
  const usage = {
    input_tokens: Math.max(0, n(last.input_tokens) - cached),
    output_tokens: n(last.output_tokens),
    cache_read_input_tokens: cached,
  };
  foldLine(
    state,
    {
      type: 'assistant',
      ...(timestamp ? { timestamp } : {}),
      message: {
        // The running total names one response: a repeated token_count folds onto it, not beside it.
        id: `codex-${total > 0 ? total : `${timestamp ?? ''}:${n(last.total_tokens)}`}`,
        model: state.codexModel ?? 'unknown',
        usage,
      },
    },
    { pricing },
  );
  return true;
}

/**
 * Carry a Codex session's usage forward over what its rollout file gained since `cursor`: the same contract
 * as advanceUsage for Claude Code transcripts (one file; Codex's subagents write rollouts of their own).
 */
export const advanceCodexUsage = advanceOneFile(foldCodexLine);
