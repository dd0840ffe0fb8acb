// A synthetic Claude Code transcript of any size, written in chunks, with the totals a correct reader must
// find. Shaped like real sessions: big tool results (most of the bytes), assistant responses written one
// line per content block with usage repeated and output growing while they stream, compactions, noise.
// Shared by the large-file test and the ingest benchmark; deterministic for a given seed.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface GeneratedTotals {
  bytes: number;
  lines: number;
  modelCalls: number;
  toolCalls: number;
  compactions: number;
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  /** USD at the default list price of claude-opus-5-5 (every response uses it). */
  costUsd: number;
}

const MODEL = 'claude-opus-5-5';
const RATES = { input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.2 };

/** Park-Miller: small, seedable, good enough to vary sizes. */
function rng(seed: number) {
  let s = seed % 2147483647 || 1;
  return (n: number) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

export function writeTranscript(file: string, targetBytes: number, seed = 1): GeneratedTotals {
  const rand = rng(seed);
  const fd = openSync(file, 'w');
  const t: GeneratedTotals = {
    bytes: 0,
    lines: 0,
    modelCalls: 0,
    toolCalls: 0,
    compactions: 0,
    input: 0,
    output: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheRead: 0,
    costUsd: 0,
  };
  const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit; '.repeat(400);
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (pending.length === 0) return;
    const buf = Buffer.from(pending.join(''));
    writeSync(fd, buf);
    t.bytes += buf.length;
    pending = [];
    pendingBytes = 0;
  };
  const emit = (line: string) => {
    pending.push(`${line}\n`);
    pendingBytes += line.length + 1;
    t.lines++;
    if (pendingBytes > 1 << 20) flush();
  };
  let ms = Date.UTC(2026, 10, 20, 9);
  const ts = () => {
    ms += 1 + rand(3000);
    return new Date(ms).toISOString();
  };
  let n = 0;
  const base = {
    parentUuid: null,
    isSidechain: false,
    userType: 'external',
    cwd: '/work/demo',
    sessionId: 'gen',
  };
  try {
    while (t.bytes + pendingBytes < targetBytes) {
      n++;
      const id = `msg_${seed}_${n}`;
      const req = `req_${seed}_${n}`;
      const input = 1 + rand(50);
      const cw5m = rand(4000);
      const cw1h = rand(3) === 0 ? rand(2000) : 0;
      const cacheRead = 10_000 + rand(150_000);
      const output = 20 + rand(2000);
      const blocks = 1 + rand(3);
      const tools: string[] = [];
      for (let b = 0; b < blocks; b++) {
        const last = b === blocks - 1;
        const isTool = last || rand(2) === 0;
        const toolId = `toolu_${seed}_${n}_${b}`;
        if (isTool) tools.push(toolId);
        const usage: Record<string, unknown> = {
          input_tokens: input,
          cache_creation_input_tokens: cw5m + cw1h,
          cache_read_input_tokens: cacheRead,
          // Streaming: the count grows, and only the last block has the final one.
          output_tokens: last ? output : 1 + rand(output),
          service_tier: 'standard',
        };
        if (cw1h > 0)
          usage.cache_creation = { ephemeral_5m_input_tokens: cw5m, ephemeral_1h_input_tokens: cw1h };
        emit(
          JSON.stringify({
            ...base,
            type: 'assistant',
            uuid: `a-${n}-${b}`,
            timestamp: ts(),
            requestId: req,
            message: {
              model: MODEL,
              id,
              type: 'message',
              role: 'assistant',
              content: [
                isTool
                  ? {
                      type: 'tool_use',
                      id: toolId,
                      name: 'Bash',
                      input: { command: `npm test -- --shard ${n}` },
                    }
                  : { type: 'text', text: filler.slice(0, 50 + rand(400)) },
              ],
              stop_reason: last ? 'tool_use' : null,
              usage,
            },
          }),
        );
      }
      t.modelCalls++;
      t.toolCalls += tools.length;
      t.input += input;
      t.output += output;
      t.cacheWrite5m += cw5m;
      t.cacheWrite1h += cw1h;
      t.cacheRead += cacheRead;
      t.costUsd +=
        (input * RATES.input +
          output * RATES.output +
          cw5m * RATES.cacheWrite5m +
          cw1h * RATES.cacheWrite1h +
          cacheRead * RATES.cacheRead) /
        1_000_000;
      for (const toolId of tools) {
        const size = 2000 + rand(filler.length - 2000);
        emit(
          JSON.stringify({
            ...base,
            type: 'user',
            uuid: `u-${n}-${toolId}`,
            timestamp: ts(),
            message: {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: toolId, content: filler.slice(0, size) }],
            },
            toolUseResult: {
              stdout: filler.slice(0, size >> 1),
              stderr: '',
              interrupted: false,
              isImage: false,
            },
          }),
        );
      }
      if (n % 500 === 0) {
        t.compactions++;
        emit(
          JSON.stringify({
            ...base,
            type: 'system',
            subtype: 'compact_boundary',
            uuid: `c-${n}`,
            timestamp: ts(),
          }),
        );
      }
      if (n % 97 === 0)
        emit(JSON.stringify({ type: 'progress', timestamp: ts(), data: { type: 'hook_progress' } }));
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return t;
}
