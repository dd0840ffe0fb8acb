// Turns the lines of an old Claude Code session into the tool calls it made, for shadow-mode replay.
// Pure: the caller reads the file. Two line formats are accepted:
//   - hook inputs: one PreToolUse stdin JSON per line, as a logging hook would have captured them;
//   - transcripts: the session JSONL under ~/.claude/projects/, whose format is internal to Claude Code
//     and changes between versions, so every field is treated as optional and nothing here throws.

export type ReplayFormat = 'hook-inputs' | 'transcript' | 'unknown';

export type ReplayItem = {
  /** 1-based line number in the input, blank lines included, so a finding can be looked up. */
  line: number;
  sessionId: string;
  cwd: string;
  tool: string;
  input: unknown;
  toolUseId: string | null;
  timestamp: string | null;
  agentId: string | null;
};

export interface ReplayParse {
  items: ReplayItem[];
  /**
   * Lines that could not be used: malformed or oversized JSON, values that are neither a hook input nor a
   * transcript entry, PreToolUse inputs without a tool name, and tool_use blocks without a name (one per
   * block). Lines that are understood but carry no call (user turns, other hook events, snapshots) are not.
   */
  skipped: number;
  format: ReplayFormat;
  /** The item cap was reached; calls after it were not read. */
  truncated: boolean;
}

export interface ReplayParseOptions {
  /** Longer lines are skipped unparsed. Default 1 MiB. */
  maxLineBytes?: number;
  /** Default 100 000. */
  maxItems?: number;
}

export const MAX_LINE_BYTES = 1024 * 1024;
export const MAX_ITEMS = 100_000;
/** How many non-blank lines `parseReplayLines` looks at to name the format. */
const DETECT_LINES = 50;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

function parseLine(text: string): unknown {
  // A BOM survives readline on the first line and JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isHookInput(v: unknown): v is Json {
  return isObject(v) && typeof v.hook_event_name === 'string';
}

/** Strict: the shape detection relies on. Parsing accepts any entry with a string `type`. */
function isTranscriptMessage(v: unknown): boolean {
  return isObject(v) && typeof v.type === 'string' && ('message' in v || 'uuid' in v);
}

/**
 * The format of the first lines: the first line that is recognisably one or the other decides, so a
 * leading `file-history-snapshot` or a stray malformed line does not matter.
 */
export function detectFormat(firstLines: string[]): ReplayFormat {
  for (const text of firstLines) {
    if (text.trim() === '') continue;
    const v = parseLine(text);
    if (isHookInput(v)) return 'hook-inputs';
    if (isTranscriptMessage(v)) return 'transcript';
  }
  return 'unknown';
}

function tooLong(text: string, max: number): boolean {
  // A UTF-8 byte is at least one UTF-16 unit and a unit at most three bytes: count bytes only in between.
  if (text.length > max) return true;
  if (text.length * 3 <= max) return false;
  return Buffer.byteLength(text, 'utf8') > max;
}

export function parseReplayLines(lines: Iterable<string>, options: ReplayParseOptions = {}): ReplayParse {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const maxItems = options.maxItems ?? MAX_ITEMS;
  const items: ReplayItem[] = [];
  const head: string[] = [];
  // Resumed and forked sessions can repeat earlier entries; a call must be replayed once.
  const seenIds = new Set<string>();
  let skipped = 0;
  let truncated = false;
  let lineNo = 0;
  // Not every transcript entry carries cwd and sessionId; the last seen one still applies.
  let lastCwd = '';
  let lastSessionId = '';

  const push = (item: ReplayItem): boolean => {
    if (item.toolUseId !== null) {
      if (seenIds.has(item.toolUseId)) return true;
      seenIds.add(item.toolUseId);
    }
    if (items.length >= maxItems) {
      truncated = true;
      return false;
    }
    items.push(item);
    return true;
  };

  outer: for (const text of lines) {
    lineNo++;
    if (typeof text !== 'string' || text.trim() === '') continue;
    if (tooLong(text, maxLineBytes)) {
      skipped++;
      continue;
    }
    if (head.length < DETECT_LINES) head.push(text);
    const v = parseLine(text);

    if (isHookInput(v)) {
      if (v.hook_event_name !== 'PreToolUse') continue;
      const tool = str(v.tool_name);
      if (tool === null || tool === '') {
        skipped++;
        continue;
      }
      const cwd = str(v.cwd);
      const sessionId = str(v.session_id);
      if (cwd !== null) lastCwd = cwd;
      if (sessionId !== null) lastSessionId = sessionId;
      const ok = push({
        line: lineNo,
        sessionId: lastSessionId,
        cwd: lastCwd,
        tool,
        input: v.tool_input ?? {},
        toolUseId: str(v.tool_use_id),
        // Hook stdin has no clock; accept one a logging wrapper may have added.
        timestamp: str(v.timestamp),
        agentId: str(v.agent_id),
      });
      if (!ok) break;
      continue;
    }

    if (!isObject(v) || typeof v.type !== 'string') {
      skipped++;
      continue;
    }
    const cwd = str(v.cwd);
    const sessionId = str(v.sessionId);
    if (cwd !== null) lastCwd = cwd;
    if (sessionId !== null) lastSessionId = sessionId;
    if (v.type !== 'assistant') continue;
    const message = v.message;
    if (!isObject(message) || !Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (!isObject(block) || block.type !== 'tool_use') continue;
      const tool = str(block.name);
      if (tool === null || tool === '') {
        skipped++;
        continue;
      }
      const ok = push({
        line: lineNo,
        sessionId: lastSessionId,
        cwd: lastCwd,
        tool,
        input: block.input ?? {},
        toolUseId: str(block.id),
        timestamp: str(v.timestamp),
        agentId: str(v.agentId),
      });
      if (!ok) break outer;
    }
  }

  return { items, skipped, format: detectFormat(head), truncated };
}
