import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  advanceUsage,
  LineSplitter,
  readFrom,
  readSession,
  sessionUsage,
  transcriptFiles,
  type UsageCursor,
} from '../../../src/adapters/transcripts/usage-reader.ts';
import { DEFAULT_PRICING } from '../../../src/core/cost/prices.ts';
import { summarize } from '../../../src/core/cost/usage.ts';
import { writeTranscript } from '../../helpers/transcript-gen.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures/transcripts');
const SESSION = '5b1c7a2e-0d3f-4c89-9e61-7f2a4b8c9d01';
const MAIN = join(FIXTURES, 'projects', '-work-demo', `${SESSION}.jsonl`);
const tmp = mkdtempSync(join(tmpdir(), 'agent-sre-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the fixture session', () => {
  it('finds the main file and both subagent files, from either end', () => {
    const f = transcriptFiles(MAIN);
    expect(f.main).toBe(MAIN);
    expect(f.subagents.map((s) => s.agentId)).toEqual(['a1', 'b2']);
    expect(transcriptFiles(f.subagents[1]!.path)).toEqual(f);
  });

  it('adds up tokens, calls, wall time and cost exactly', async () => {
    const u = await sessionUsage(MAIN);
    // main: msg_A (3 block lines, output 1 -> 150), msg_B (2 lines + the same line again later), msg_C after
    // the compaction, msg_E in fast mode. Opus 5.5 at 4 / 20 / 5 / 8 / 0.2, fast 8 / 40 / 10 / 16 / 0.4.
    expect(u.main.tokens).toEqual({
      input: 20_115,
      output: 730,
      cacheWrite5m: 2000,
      cacheWrite1h: 500,
      cacheRead: 12_000,
    });
    expect(u.main.modelCalls).toBe(4);
    expect(u.main.toolCalls).toBe(4);
    expect(u.main.compactions).toBe(1);
    expect(u.main.wallMs).toBe(45 * 60_000);
    const main =
      10 * 4 +
      150 * 20 +
      2000 * 5 +
      (5 * 4 + 80 * 20 + 500 * 8 + 2000 * 0.2) +
      (20_000 * 4 + 400 * 20) +
      (100 * 8 + 100 * 40 + 10_000 * 0.4);
    expect(u.main.costUsd).toBeCloseTo(main / 1e6, 12);
    // a1: Haiku 4.5, one response streamed over two lines (output 3 -> 200), one line ending in \r\n.
    const a1 = u.subagents.find((s) => s.agentId === 'a1')!;
    expect(a1.tokens).toEqual({
      input: 350,
      output: 260,
      cacheWrite5m: 1000,
      cacheWrite1h: 0,
      cacheRead: 1000,
    });
    expect([a1.modelCalls, a1.toolCalls, a1.wallMs]).toEqual([2, 1, 10_000]);
    expect(a1.costUsd).toBeCloseTo((350 * 1 + 260 * 5 + 1000 * 1.25 + 1000 * 0.1) / 1e6, 12);
    // b2: Sonnet 4.5 with a 251k-token prompt, priced at the long-prompt band.
    const b2 = u.subagents.find((s) => s.agentId === 'b2')!;
    expect(b2.costUsd).toBeCloseTo((1000 * 6 + 500 * 22.5 + 250_000 * 0.6) / 1e6, 12);
    expect(b2.models[0]!.longPromptCalls).toBe(1);
    expect(u.tokens).toEqual({
      input: 21_465,
      output: 1490,
      cacheWrite5m: 3000,
      cacheWrite1h: 500,
      cacheRead: 263_000,
    });
    expect([u.modelCalls, u.toolCalls, u.compactions, u.wallMs]).toEqual([7, 5, 1, 45 * 60_000]);
    expect(u.costUsd).toBeCloseTo(0.28611, 12);
    expect(u.lines).toEqual({
      read: 28,
      malformed: 3,
      unknownType: 1,
      unknownTypes: ['telemetry-blob'],
      skipped: 2,
    });
  });

  it('reports a model with no price as unknown cost, not zero', async () => {
    const u = await sessionUsage(join(FIXTURES, 'unknown-model.jsonl'));
    expect(u.costUsd).toBeNull();
    expect(u.unpricedModels).toEqual(['claude-opus-9-9']);
    expect(u.knownCostUsd).toBeCloseTo((1000 * 4 + 100 * 20) / 1e6, 12);
    expect(u.tokens.input).toBe(1100);
  });

  it('prices with the table it is given', async () => {
    const pricing = {
      ...DEFAULT_PRICING,
      models: { 'claude-opus-9-9': { input: 1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 } },
    };
    const u = await sessionUsage(join(FIXTURES, 'unknown-model.jsonl'), { pricing });
    expect(u.unpricedModels).toEqual(['claude-opus-5-5']);
    expect(u.knownCostUsd).toBeCloseTo(110 / 1e6, 12);
  });
});

describe('reading lines', () => {
  it('readFrom returns complete lines only and waits for the rest of a partial one', () => {
    const f = join(tmp, 'partial.jsonl');
    writeFileSync(f, '{"a":1}\n{"b":');
    const r1 = readFrom(f, 0);
    expect(r1.lines).toEqual(['{"a":1}']);
    expect(r1.offset).toBe(8);
    expect(readFrom(f, r1.offset).lines).toEqual([]);
    appendFileSync(f, '2}\r\n\n{"c":"é"}\n');
    const r2 = readFrom(f, r1.offset);
    expect(r2.lines).toEqual(['{"b":2}', '', '{"c":"é"}']);
    expect(r2.offset).toBe(Buffer.byteLength(readFileSync(f)));
  });

  it('readFrom starts over when the file shrank, and skips a line longer than it may read', () => {
    const f = join(tmp, 'shrunk.jsonl');
    writeFileSync(f, '{"a":1}\n');
    expect(readFrom(f, 100)).toMatchObject({ lines: ['{"a":1}'], restarted: true, offset: 8 });
    writeFileSync(f, `${'x'.repeat(50)}\n{"a":1}\n`);
    const r = readFrom(f, 0, { maxBytes: 10, maxLineBytes: 20 });
    expect(r).toMatchObject({ lines: [], oversized: 1, offset: 20 });
    expect(readFrom(f, r.offset).lines).toEqual(['x'.repeat(30), '{"a":1}']);
    // A line longer than one read but within the line limit is read whole.
    expect(readFrom(f, 0, { maxBytes: 10 })).toMatchObject({ lines: ['x'.repeat(50)], offset: 51 });
  });

  it('the splitter holds an unfinished line across chunks and drops one past its limit', () => {
    const s = new LineSplitter(10);
    const got: string[] = [];
    for (const c of ['ab', 'c\nde', 'f\r', '\n', '0123456789ABC', 'DEF\nok\n', 'tail'])
      s.push(Buffer.from(c), (l) => got.push(l));
    expect(got).toEqual(['abc', 'def', 'ok']);
    expect(s.oversized).toBe(1);
    expect(s.tail()).toBe('tail');
  });
});

describe('incremental reading', () => {
  const bytes = readFileSync(MAIN);

  it('equals one full read for any way the file grows', async () => {
    const full = (await readSession(MAIN)).state;
    const session = join(tmp, 'grow');
    mkdirSync(session, { recursive: true });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const f = join(session, `s${run++}.jsonl`);
          writeFileSync(f, '');
          let cursor: UsageCursor | undefined;
          let at = 0;
          for (const cut of [...cuts.sort((a, b) => a - b), bytes.length]) {
            appendFileSync(f, bytes.subarray(at, cut));
            at = cut;
            // Through JSON each time, as the ledger keeps it.
            cursor = JSON.parse(
              JSON.stringify(advanceUsage(cursor, f, DEFAULT_PRICING).cursor),
            ) as UsageCursor;
          }
          // The main file alone (the copy has no subagents beside it): compare with the main agent's share.
          expect(summarize(cursor!.state).main).toEqual(summarize(full).main);
          expect(cursor!.state.lines).toBe(21);
          expect(cursor!.offsets[f]).toBe(bytes.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads subagent files too, and about maxBytes a time (a longer line is read whole)', () => {
    const longest = Math.max(
      ...[MAIN, ...transcriptFiles(MAIN).subagents.map((s) => s.path)].flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((l) => Buffer.byteLength(l) + 1),
      ),
    );
    expect(longest).toBeGreaterThan(300);
    let cursor: UsageCursor | undefined;
    let reads = 0;
    for (;;) {
      const r = advanceUsage(cursor, MAIN, DEFAULT_PRICING, { maxBytes: 300 });
      if (!r.changed) break;
      expect(r.bytes).toBeLessThanOrEqual(300 + longest);
      cursor = r.cursor;
      reads++;
    }
    expect(reads).toBeGreaterThan(20);
    const u = summarize(cursor!.state);
    expect(u.tokens.input).toBe(21_465);
    expect(u.modelCalls).toBe(7);
    expect(u.costUsd).toBeCloseTo(0.28611, 12);
  });

  it('a missing transcript is no change, not an error', () => {
    expect(advanceUsage(undefined, join(tmp, 'nope.jsonl'), DEFAULT_PRICING).changed).toBe(false);
  });
});

describe('a large transcript', () => {
  it('streams 80 MB with exact totals and bounded memory', async () => {
    const f = join(tmp, 'large.jsonl');
    const expected = writeTranscript(f, 80 * 1024 * 1024, 11);
    expect(expected.bytes).toBeGreaterThan(80 * 1024 * 1024);
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let calls = 0;
    const t0 = performance.now();
    const u = await sessionUsage(f, {
      onProgress: (done, total) => {
        calls++;
        expect(done).toBeLessThanOrEqual(total);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    expect(u.tokens).toEqual({
      input: expected.input,
      output: expected.output,
      cacheWrite5m: expected.cacheWrite5m,
      cacheWrite1h: expected.cacheWrite1h,
      cacheRead: expected.cacheRead,
    });
    expect([u.modelCalls, u.toolCalls, u.compactions]).toEqual([
      expected.modelCalls,
      expected.toolCalls,
      expected.compactions,
    ]);
    expect(u.lines.read).toBe(expected.lines);
    expect(u.costUsd).toBeCloseTo(expected.costUsd, 6);
    expect(calls).toBeGreaterThan(50);
    // Streamed: the heap never holds more than a fraction of the file.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
    // Generous against slow CI machines; bench/run.mjs measures the real rate.
    expect(expected.bytes / 1024 / 1024 / seconds).toBeGreaterThan(10);
  }, 120_000);
});
