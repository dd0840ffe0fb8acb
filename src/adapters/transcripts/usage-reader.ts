// Reading Claude Code transcripts for token usage: a whole session streamed (main file and every subagent
// file), or only the bytes appended since the last read, for the hook. Lines are split on the `\n` byte,
// not by node:readline, so a full read and any sequence of partial reads cut a file into the same lines
// (readline also breaks on a lone `\r`) and offsets are exact byte positions.
import { closeSync, createReadStream, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_PRICING, type Pricing } from '../../core/cost/prices.ts';
import {
  foldLine,
  foldOversized,
  foldText,
  newUsageState,
  type SessionUsage,
  summarize,
  type UsageState,
} from '../../core/cost/usage.ts';

/** A line longer than this is dropped unread (and counted as malformed). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** What one incremental read takes at most; the rest waits for the next read. */
export const DEFAULT_READ_BYTES = 16 * 1024 * 1024;
const NL = 0x0a;

export interface TranscriptFiles {
  main: string;
  subagents: Array<{ agentId: string; path: string }>;
}

/**
 * The files of one session: `<project>/<session>.jsonl` and `<project>/<session>/subagents/agent-<id>.jsonl`.
 * Given a subagent's file, the session it belongs to.
 */
export function transcriptFiles(transcriptPath: string): TranscriptFiles {
  let main = transcriptPath;
  const dir = dirname(transcriptPath);
  if (basename(dir) === 'subagents' && /^agent-.+\.jsonl$/.test(basename(transcriptPath))) {
    const sessionDir = dirname(dir);
    main = join(dirname(sessionDir), `${basename(sessionDir)}.jsonl`);
  }
  const subDir = join(main.replace(/\.jsonl$/, ''), 'subagents');
  let names: string[] = [];
  try {
    names = readdirSync(subDir).filter((n) => /^agent-.+\.jsonl$/.test(n));
  } catch {
    // No subagents ran, or the directory is unreadable: the main file is the session.
  }
  return {
    main,
    subagents: names
      .sort()
      .map((n) => ({ agentId: n.slice('agent-'.length, -'.jsonl'.length), path: join(subDir, n) })),
  };
}

/** Splits bytes into lines at `\n`, holding back an unfinished last line. A trailing `\r` is dropped. */
export class LineSplitter {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #dropping = false;
  /** Lines dropped for being longer than the limit. */
  oversized = 0;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer, emit: (line: string) => void): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NL, start);
      if (nl === -1) break;
      if (this.#dropping) this.#dropping = false;
      else if (this.#pendingBytes === 0) emit(decode(chunk, start, nl));
      else {
        this.#pending.push(chunk.subarray(start, nl));
        const whole = Buffer.concat(this.#pending);
        this.#pending = [];
        this.#pendingBytes = 0;
        emit(decode(whole, 0, whole.length));
      }
      start = nl + 1;
    }
    if (start >= chunk.length || this.#dropping) return;
    this.#pendingBytes += chunk.length - start;
    if (this.#pendingBytes > this.maxLineBytes) {
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#dropping = true;
      this.oversized++;
      return;
    }
    // Copied: the stream may reuse the chunk's memory.
    this.#pending.push(Buffer.from(chunk.subarray(start)));
  }

  /** The unfinished last line, if any (a writer may be in the middle of it). */
  tail(): string | null {
    if (this.#pendingBytes === 0 || this.#dropping) return null;
    const whole = Buffer.concat(this.#pending);
    return decode(whole, 0, whole.length);
  }
}

function decode(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, end > start && buf[end - 1] === 0x0d ? end - 1 : end);
}

export interface ReadResult {
  /** Complete lines from `offset` on. */
  lines: string[];
  /** Where the next read starts: just past the last complete line. */
  offset: number;
  /** The file's size when read. */
  size: number;
  /** Lines dropped for length (a read that found no line end within `maxBytes`). */
  oversized: number;
  /** The file is shorter than the offset: it was replaced or truncated, and this read started over. */
  restarted: boolean;
  /** The byte offset each of `lines` starts at, when asked for (`starts: true`). */
  starts?: number[];
}

/**
 * The complete lines appended to `file` since `offset`, and the offset to read from next time. A last line
 * without its `\n` is left for the next read. About `maxBytes` are read: more when one line is longer,
 * up to `maxLineBytes`; a line longer than that is skipped (its remainder comes back on the next read as a
 * malformed fragment).
 */
export function readFrom(
  file: string,
  offset: number,
  opts: { maxBytes?: number; maxLineBytes?: number; starts?: boolean } = {},
): ReadResult {
  const maxLine = opts.maxLineBytes ?? MAX_LINE_BYTES;
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${file} is not a regular file`);
    const size = st.size;
    const restarted = size < offset;
    const from = restarted ? 0 : offset;
    const available = size - from;
    const want = Math.min(available, opts.maxBytes ?? DEFAULT_READ_BYTES);
    if (want <= 0) return { lines: [], offset: from, size, oversized: 0, restarted };
    const buf = readAt(fd, from, want);
    const last = buf.lastIndexOf(NL);
    if (last !== -1) {
      const starts = opts.starts ? [] : undefined;
      const lines = splitAll(buf, last, starts);
      return {
        lines,
        offset: from + last + 1,
        size,
        oversized: 0,
        restarted,
        ...(starts ? { starts: starts.map((s) => from + s) } : {}),
      };
    }
    // No line ends in the window. A writer in the middle of its line: wait for it.
    if (buf.length === available) return { lines: [], offset: from, size, oversized: 0, restarted };
    // One line longer than the window: read it whole, if a line may be that long.
    const wide = readAt(fd, from, Math.min(available, maxLine));
    const end = wide.indexOf(NL);
    if (end !== -1)
      return {
        lines: [decode(wide, 0, end)],
        offset: from + end + 1,
        size,
        oversized: 0,
        restarted,
        ...(opts.starts ? { starts: [from] } : {}),
      };
    if (wide.length === available) return { lines: [], offset: from, size, oversized: 0, restarted };
    return { lines: [], offset: from + wide.length, size, oversized: 1, restarted };
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, from: number, want: number): Buffer {
  const buf = Buffer.allocUnsafe(want);
  let got = 0;
  while (got < want) {
    const n = readSync(fd, buf, got, want - got, from + got);
    if (n === 0) break;
    got += n;
  }
  return got === want ? buf : buf.subarray(0, got);
}

/** The lines of `buf` up to the line end at `last`; where each starts goes to `starts` when given. */
function splitAll(buf: Buffer, last: number, starts?: number[]): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start <= last) {
    const nl = buf.indexOf(NL, start);
    starts?.push(start);
    lines.push(decode(buf, start, nl));
    start = nl + 1;
  }
  return lines;
}

/**
 * The complete lines of a file, streamed, in batches (one per chunk read: an await per line would cost more
 * than folding it). `onBytes` hears how many bytes each chunk held.
 */
export async function* streamLines(
  file: string,
  onBytes?: (n: number) => void,
): AsyncGenerator<string[], { oversized: number; tail: string | null }> {
  const splitter = new LineSplitter();
  const stream = createReadStream(file, { highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const batch: string[] = [];
      splitter.push(chunk, (line) => batch.push(line));
      onBytes?.(chunk.length);
      if (batch.length > 0) yield batch;
    }
  } finally {
    stream.destroy();
  }
  return { oversized: splitter.oversized, tail: splitter.tail() };
}

export interface ReadOptions {
  pricing?: Pricing;
  /** Called as bytes are read: how many so far, of how many in all. */
  onProgress?: (done: number, total: number) => void;
}

export interface SessionRead {
  state: UsageState;
  files: TranscriptFiles;
  bytes: number;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Fold a whole session (main file and subagents), streaming. The main file must exist. */
export async function readSession(transcriptPath: string, opts: ReadOptions = {}): Promise<SessionRead> {
  const pricing = opts.pricing ?? DEFAULT_PRICING;
  const files = transcriptFiles(transcriptPath);
  const all = [
    { agent: null as string | null, path: files.main },
    ...files.subagents.map((s) => ({ agent: s.agentId, path: s.path })),
  ];
  const total = all.reduce((n, f) => n + sizeOf(f.path), 0);
  let done = 0;
  const state = newUsageState();
  for (const f of all) {
    // Subagent files name their agent; the main file's lines say for themselves.
    const fold = { pricing, ...(f.agent === null ? {} : { agent: f.agent }) };
    const lines = streamLines(f.path, (n) => {
      done += n;
      opts.onProgress?.(done, total);
    });
    let next = await lines.next();
    while (!next.done) {
      for (const line of next.value) foldText(state, line, fold);
      next = await lines.next();
    }
    for (let i = 0; i < next.value.oversized; i++) foldOversized(state);
    // A file that ends without a line break: its last line counts when it is whole JSON (a writer that is
    // still in the middle of it would leave a fragment, which is not counted at all).
    const tail = next.value.tail;
    if (tail !== null && isJson(tail)) foldText(state, tail, fold);
  }
  return { state, files, bytes: done };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A session's tokens, cost, calls and wall time from its transcript (and its subagents' transcripts). */
export async function sessionUsage(transcriptPath: string, opts: ReadOptions = {}): Promise<SessionUsage> {
  return summarize((await readSession(transcriptPath, opts)).state);
}

/** Where the hook stopped reading a session's files, and what it had folded by then. */
export interface UsageCursor {
  /** Byte offset per file path. */
  offsets: Record<string, number>;
  state: UsageState;
}

/**
 * Carry a session's usage forward over what was appended since `cursor` (the whole files when there is
 * none). Only stats and new bytes are read. `changed` is false when nothing new was folded.
 */
export function advanceUsage(
  cursor: UsageCursor | undefined,
  transcriptPath: string,
  pricing: Pricing,
  opts: { maxBytes?: number } = {},
): { cursor: UsageCursor; changed: boolean; bytes: number } {
  const files = transcriptFiles(transcriptPath);
  const offsets: Record<string, number> = { ...(cursor?.offsets ?? {}) };
  const state = cursor ? (structuredClone(cursor.state) as UsageState) : newUsageState();
  let budget = opts.maxBytes ?? DEFAULT_READ_BYTES;
  let changed = false;
  let bytes = 0;
  const all = [
    { agent: null as string | null, path: files.main },
    ...files.subagents.map((s) => ({ agent: s.agentId, path: s.path })),
  ];
  for (const f of all) {
    if (budget <= 0) break;
    const from = Object.hasOwn(offsets, f.path) ? (offsets[f.path] as number) : 0;
    let r: ReadResult;
    try {
      r = readFrom(f.path, from, { maxBytes: budget });
    } catch {
      // Not there yet (Claude Code writes it asynchronously) or unreadable: try again next time.
      continue;
    }
    if (r.offset === from && !r.restarted) continue;
    const fold = { pricing, ...(f.agent === null ? {} : { agent: f.agent }) };
    for (const line of r.lines) foldText(state, line, fold);
    for (let i = 0; i < r.oversized; i++) foldOversized(state);
    bytes += r.offset - (r.restarted ? 0 : from);
    budget -= r.offset - (r.restarted ? 0 : from);
    offsets[f.path] = r.offset;
    changed = true;
  }
  return { cursor: { offsets, state }, changed, bytes };
}

/** Folds one line of an agent's own transcript format into the usage state (in place). */
export type LineFold = (state: UsageState, text: string, pricing: Pricing) => void;

/**
 * Folds one record (a line's JSON object) of an agent's own format, or returns false, having changed
 * nothing, when the object is not one of that format's records.
 */
export type RecordFold<S extends UsageState = UsageState> = (
  state: S,
  record: Record<string, unknown>,
  pricing: Pricing,
) => boolean;

/** One line of JSON records: a blank line is skipped; not JSON, or not a record `fold` knows, is malformed. */
export function foldRecordLine<S extends UsageState>(
  state: S,
  text: string,
  pricing: Pricing,
  fold: RecordFold<S>,
): void {
  const body = text.trim();
  if (body === '') return;
  let value: unknown = null;
  try {
    value = JSON.parse(body);
  } catch {
    // Malformed, below.
  }
  const ok = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!ok || !fold(state, value as Record<string, unknown>, pricing)) foldLine(state, null, { pricing });
}

/**
 * The advanceUsage contract for an agent that writes one file per session in a format of its own (Codex's
 * rollout, Gemini's chat file): `fold` turns each new line into what the cost fold reads.
 */
export function advanceOneFile(fold: LineFold): typeof advanceUsage {
  return (cursor, path, pricing, opts = {}) => {
    const offsets: Record<string, number> = { ...(cursor?.offsets ?? {}) };
    const state = cursor ? (structuredClone(cursor.state) as UsageState) : newUsageState();
    const from = Object.hasOwn(offsets, path) ? (offsets[path] as number) : 0;
    let r: ReadResult;
    try {
      r = readFrom(path, from, opts.maxBytes ? { maxBytes: opts.maxBytes } : {});
    } catch {
      return { cursor: { offsets, state }, changed: false, bytes: 0 };
    }
    if (r.offset === from && !r.restarted) return { cursor: { offsets, state }, changed: false, bytes: 0 };
    for (const line of r.lines) fold(state, line, pricing);
    for (let i = 0; i < r.oversized; i++) foldOversized(state);
    offsets[path] = r.offset;
    return { cursor: { offsets, state }, changed: true, bytes: r.offset - (r.restarted ? 0 : from) };
  };
}
