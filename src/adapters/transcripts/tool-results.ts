// The tool calls a Claude Code transcript says ran, for recording their PostToolUse from the transcript
// (`init` registers no PostToolUse hook; older settings' hooks may be cancelled at the end of a turn). Reads only the bytes appended since a cursor, like the usage reader.
// The format is internal to Claude Code: every field is optional here and nothing throws on a bad line.
//
// A call is a `tool_use` block in an assistant entry (id, name, input) and, later, a `tool_result` block
// with the same `tool_use_id` in a user entry, next to a `toolUseResult` holding the tool's structured
// output (the PostToolUse `tool_response`). The input must come from the transcript: the ledger keeps it
// only redacted, and usage (lines written) is counted from the real one.
import { readFrom, transcriptFiles } from './usage-reader.ts';

/** A call whose result is in the transcript. */
export interface FinishedCall {
  toolUseId: string;
  tool: string;
  input: unknown;
  /**
   * False when the call never ran: a hook or permission rule refused it, or a human rejected it (the
   * entry's `permissionDecision` says `reject`, or it has a `toolDenialKind`). No PostToolUse fires for it.
   */
  ran: boolean;
  /** The tool failed (PostToolUseFailure); `text` is what the model was shown, e.g. `Exit code 1\n...`. */
  isError: boolean;
  /** `toolUseResult`: the structured output, when the entry carries exactly this one result. */
  response: unknown;
  text: string;
  /** When the result was written (epoch ms), or null. */
  at: number | null;
}

export interface ResultScan {
  calls: FinishedCall[];
  /** Where to read from next time, per file. Never past a call still waiting for its result. */
  offsets: Record<string, number>;
  bytes: number;
}

/** A call still unanswered this long is given up on (a crashed session): the cursor stops waiting for it. */
export const HOLD_MS = 6 * 60 * 60 * 1000;
const READ_BYTES = 16 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function parse(line: string): Json | null {
  try {
    const v = JSON.parse(line) as unknown;
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function timeOf(entry: Json): number | null {
  const t = typeof entry.timestamp === 'string' ? Date.parse(entry.timestamp) : Number.NaN;
  return Number.isFinite(t) ? t : null;
}

function refused(entry: Json): boolean {
  const d = entry.permissionDecision;
  return (isObject(d) && d.decision === 'reject') || typeof entry.toolDenialKind === 'string';
}

/**
 * The calls finished in what the session's files (main and subagents) gained since `offsets`. A file's
 * cursor stays at the first call that has no result yet (its input is needed when the result comes), unless
 * that call is older than HOLD_MS or holding it would stop the cursor from moving at all.
 */
export function scanToolResults(
  offsets: Record<string, number> | undefined,
  transcriptPath: string,
  now: number,
  opts: { maxBytes?: number } = {},
): ResultScan {
  const files = transcriptFiles(transcriptPath);
  const next: Record<string, number> = { ...(offsets ?? {}) };
  const calls: FinishedCall[] = [];
  let budget = opts.maxBytes ?? READ_BYTES;
  let bytes = 0;
  for (const path of [files.main, ...files.subagents.map((s) => s.path)]) {
    if (budget <= 0) break;
    const from = Object.hasOwn(next, path) ? (next[path] as number) : 0;
    let r: ReturnType<typeof readFrom>;
    try {
      r = readFrom(path, from, { maxBytes: budget, starts: true });
    } catch {
      // Not written yet, or unreadable: the next opportunity reads it.
      continue;
    }
    const start = r.restarted ? 0 : from;
    if (r.offset === start && !r.restarted) continue;
    budget -= r.offset - start;
    bytes += r.offset - start;
    const uses = new Map<string, { tool: string; input: unknown; line: number; at: number | null }>();
    const starts = r.starts ?? [];
    r.lines.forEach((line, i) => {
      // Most lines are neither (attachments, snapshots, text): skip them without parsing.
      const hasUse = line.includes('"tool_use"');
      const hasResult = line.includes('"tool_result"');
      if (!hasUse && !hasResult) return;
      const entry = parse(line);
      const message = entry?.message;
      if (!entry || !isObject(message) || !Array.isArray(message.content)) return;
      if (entry.type === 'assistant') {
        for (const b of message.content) {
          if (!isObject(b) || b.type !== 'tool_use' || typeof b.id !== 'string' || typeof b.name !== 'string')
            continue;
          uses.set(b.id, { tool: b.name, input: b.input ?? {}, line: starts[i] ?? start, at: timeOf(entry) });
        }
        return;
      }
      if (entry.type !== 'user') return;
      const results = message.content.filter(
        (b): b is Json => isObject(b) && b.type === 'tool_result' && typeof b.tool_use_id === 'string',
      );
      for (const b of results) {
        const id = b.tool_use_id as string;
        const use = uses.get(id);
        // Its tool_use was before the cursor: only possible when the cursor gave up on it.
        if (!use) continue;
        uses.delete(id);
        calls.push({
          toolUseId: id,
          tool: use.tool,
          input: use.input,
          ran: !refused(entry),
          isError: b.is_error === true,
          response: results.length === 1 ? entry.toolUseResult : undefined,
          text: contentText(b.content),
          at: timeOf(entry),
        });
      }
    });
    let offset = r.offset;
    for (const u of uses.values()) {
      if (u.at !== null && now - u.at > HOLD_MS) continue;
      offset = Math.min(offset, u.line);
    }
    // A window that starts at an unanswered call and ends before the file does would be read again and
    // again without getting further: move on (a result found later then has no input and is skipped).
    if (offset === start && r.offset < r.size) offset = r.offset;
    next[path] = offset;
  }
  return { calls, offsets: next, bytes };
}
