// Gemini CLI's chat file read for cost. The lines are written here in the shapes @google/gemini-cli 0.61.0
// records (a real session's file from test/real/agents/gemini.test.ts, cut down): the metadata line, `$set`
// updates, and each message appended again, whole, every time it changes.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { advanceGeminiUsage, foldGeminiLine } from '../../../src/adapters/transcripts/gemini-usage.ts';
import { DEFAULT_PRICING, mergePricing } from '../../../src/core/cost/prices.ts';
import { newUsageState, summarize } from '../../../src/core/cost/usage.ts';

// Round test rates, USD per million tokens: not Google's list prices.
const PRICING = mergePricing(
  DEFAULT_PRICING,
  { models: { 'gemini-2.5-flash': { input: 10, output: 50, cacheRead: 1 } } },
  'test',
);
const tmp = mkdtempSync(join(tmpdir(), 'agent-sre-gemini-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T = '2026-12-06T23:06:';
const meta = JSON.stringify({
  sessionId: '17ef1b67-489a-4938-85e4-2da56f134970',
  projectHash: 'e9f6175f',
  startTime: `${T}27.355Z`,
  lastUpdated: `${T}27.355Z`,
  kind: 'main',
});
const user = (id: string, s: number) =>
  JSON.stringify({ id, timestamp: `${T}${s}.000Z`, type: 'user', content: [{ text: 'go' }] });
const touched = (s: number) => JSON.stringify({ $set: { lastUpdated: `${T}${s}.500Z` } });
interface Tokens {
  input?: unknown;
  output?: unknown;
  cached?: unknown;
  thoughts?: unknown;
  tool?: unknown;
  total?: unknown;
}
const reply = (id: string, s: number, tokens: Tokens | null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    timestamp: `${T}${s}.000Z`,
    type: 'gemini',
    content: '',
    thoughts: [],
    ...(tokens === null ? {} : { tokens: { cached: 0, thoughts: 0, tool: 0, ...tokens } }),
    model: 'gemini-2.5-flash',
    ...extra,
  });
const withCall = {
  toolCalls: [{ id: 'run_shell_command__call_1', name: 'run_shell_command', args: { command: 'echo one' } }],
};

function fold(lines: string[]) {
  const state = newUsageState();
  for (const l of lines) foldGeminiLine(state, l, PRICING);
  return summarize(state);
}

interface Case {
  name: string;
  lines: string[];
  calls: number;
  input: number;
  output: number;
  cacheRead: number;
  /** null: some reply's model has no price. */
  usd: number | null;
  malformed?: number;
}

const cases: Case[] = [
  {
    name: 'a reply written three times as it streams (tokens, then its call, then the result) counts once',
    lines: [
      meta,
      user('u1', 28),
      reply('g1', 29, { input: 1000, output: 100 }),
      touched(29),
      reply('g1', 29, { input: 1000, output: 100 }, withCall),
      reply('g1', 29, { input: 1000, output: 100 }, { ...withCall, status: 'success' }),
    ],
    calls: 1,
    input: 1000,
    output: 100,
    cacheRead: 0,
    usd: (1000 * 10 + 100 * 50) / 1e6,
  },
  {
    name: 'two replies, the second costly, each once',
    lines: [
      reply('g1', 29, { input: 1000, output: 100 }),
      reply('g1', 29, { input: 1000, output: 100 }, withCall),
      user('u2', 30),
      reply('g2', 31, { input: 100_000, output: 100 }),
      reply('g2', 31, { input: 100_000, output: 100 }, withCall),
    ],
    calls: 2,
    input: 101_000,
    output: 200,
    cacheRead: 0,
    usd: 1.02,
  },
  {
    name: 'a reply first written without tokens, then with them',
    lines: [reply('g1', 29, null), reply('g1', 29, { input: 500, output: 20 })],
    calls: 1,
    input: 500,
    output: 20,
    cacheRead: 0,
    usd: (500 * 10 + 20 * 50) / 1e6,
  },
  {
    name: 'cached input is a cache read, tool-use prompt tokens are input, thoughts bill as output',
    lines: [reply('g1', 29, { input: 10_000, cached: 4000, tool: 50, output: 200, thoughts: 300 })],
    calls: 1,
    input: 6050,
    output: 500,
    cacheRead: 4000,
    usd: (6050 * 10 + 500 * 50 + 4000 * 1) / 1e6,
  },
  {
    name: 'a $set snapshot repeats the conversation: its replies are not counted again',
    lines: [
      reply('g1', 29, { input: 1000, output: 100 }),
      JSON.stringify({ $set: { messages: [JSON.parse(reply('g1', 29, { input: 1000, output: 100 }))] } }),
      JSON.stringify({ $set: { messages: [JSON.parse(reply('g0', 20, { input: 9000, output: 9 }))] } }),
    ],
    calls: 1,
    input: 1000,
    output: 100,
    cacheRead: 0,
    usd: (1000 * 10 + 100 * 50) / 1e6,
  },
  {
    name: 'a rewind does not give back what the rewound reply cost',
    lines: [reply('g1', 29, { input: 1000, output: 100 }), JSON.stringify({ $rewindTo: 'u1' })],
    calls: 1,
    input: 1000,
    output: 100,
    cacheRead: 0,
    usd: (1000 * 10 + 100 * 50) / 1e6,
  },
  {
    name: 'a model with no price keeps its tokens and leaves the dollars unknown',
    lines: [reply('g1', 29, { input: 1000, output: 100 }, { model: 'gemini-9-ultra' })],
    calls: 1,
    input: 1000,
    output: 100,
    cacheRead: 0,
    usd: null,
  },
  {
    name: 'token counts that are not positive numbers count as none',
    lines: [
      // 1e400 parses to Infinity.
      reply('g1', 29, { input: -5, output: '100', cached: 'NaN', thoughts: null, tool: 0 }).replace(
        '"tool":0',
        '"tool":1e400',
      ),
    ],
    calls: 1,
    input: 0,
    output: 0,
    cacheRead: 0,
    usd: 0,
  },
  {
    name: 'user, info and metadata records are known lines without usage, whatever they carry',
    lines: [
      meta,
      user('u1', 28),
      touched(28),
      JSON.stringify({ id: 'u2', type: 'user', content: [], tokens: { input: 7, output: 7 } }),
      JSON.stringify({ id: 'i1', timestamp: `${T}29.000Z`, type: 'info', content: 'x' }),
    ],
    calls: 0,
    input: 0,
    output: 0,
    cacheRead: 0,
    usd: 0,
  },
  {
    name: 'lines that are not chat-file records are malformed and count nothing',
    lines: [
      'not json',
      '[1,2]',
      '{"type":"gemini"}',
      '{"tokens":{"input":5}}',
      'null',
      '{"id":"g","tokens":{}}',
    ],
    calls: 0,
    input: 0,
    output: 0,
    cacheRead: 0,
    usd: 0,
    malformed: 6,
  },
];

describe('foldGeminiLine', () => {
  it.each(cases)('$name', (c) => {
    const u = fold(c.lines);
    expect(u.modelCalls).toBe(c.calls);
    expect(u.tokens).toEqual({
      input: c.input,
      output: c.output,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      cacheRead: c.cacheRead,
    });
    if (c.usd === null) expect(u.costUsd).toBeNull();
    else expect(u.costUsd).toBeCloseTo(c.usd, 12);
    expect(u.lines.malformed).toBe(c.malformed ?? 0);
  });

  it('dates the session from the records’ timestamps', () => {
    const u = fold([user('u1', 28), reply('g1', 31, { input: 1, output: 1 })]);
    expect(u.firstAt).toBe(Date.parse(`${T}28.000Z`));
    expect(u.lastAt).toBe(Date.parse(`${T}31.000Z`));
  });
});

describe('advanceGeminiUsage', () => {
  it('reads on from where it stopped, a half-written line waiting for its end', () => {
    const file = join(tmp, 'session-a.jsonl');
    const first = `${meta}\n${reply('g1', 29, { input: 1000, output: 100 })}\n`;
    const second = reply('g1', 29, { input: 1000, output: 100 }, withCall);
    const third = reply('g2', 31, { input: 100_000, output: 100 });
    writeFileSync(file, `${first}${second.slice(0, 40)}`);
    const a = advanceGeminiUsage(undefined, file, PRICING);
    expect(a.changed).toBe(true);
    expect(a.cursor.offsets[file]).toBe(Buffer.byteLength(first));
    expect(summarize(a.cursor.state).knownCostUsd).toBeCloseTo(0.015, 12);
    expect(advanceGeminiUsage(a.cursor, file, PRICING).changed).toBe(false);

    appendFileSync(file, `${second.slice(40)}\n${third}\n`);
    const b = advanceGeminiUsage(a.cursor, file, PRICING);
    expect(b.changed).toBe(true);
    const u = summarize(b.cursor.state);
    expect(u.modelCalls).toBe(2);
    expect(u.knownCostUsd).toBeCloseTo(1.02, 12);
    expect(u.lines.malformed).toBe(0);
  });

  it('a file that is not there yet is no change, and no error', () => {
    const r = advanceGeminiUsage(undefined, join(tmp, 'missing.jsonl'), PRICING);
    expect(r.changed).toBe(false);
    expect(summarize(r.cursor.state).modelCalls).toBe(0);
  });
});

describe('properties', () => {
  const realLine = reply('g1', 29, { input: 1000, output: 100 }, withCall);
  const isReply = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    (v as { type?: unknown }).type === 'gemini' &&
    typeof (v as { id?: unknown }).id === 'string' &&
    typeof (v as { tokens?: unknown }).tokens === 'object' &&
    (v as { tokens?: unknown }).tokens !== null &&
    !Array.isArray((v as { tokens?: unknown }).tokens);
  const garbage = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc
      .jsonValue()
      .filter((v) => !isReply(v))
      .map((v) => JSON.stringify(v)),
    // A real reply cut short, as a reader can find it mid-write.
    fc.nat({ max: realLine.length - 2 }).map((k) => realLine.slice(0, k)),
    // A reply whose tokens are anything but an object.
    fc
      .record({
        id: fc.string(),
        type: fc.constant('gemini'),
        model: fc.string(),
        tokens: fc.oneof(fc.string(), fc.double(), fc.constant(null), fc.array(fc.nat())),
      })
      .map((o) => JSON.stringify(o)),
  );

  it('a garbage line never throws and never counts', () => {
    fc.assert(
      fc.property(fc.array(garbage, { maxLength: 20 }), (lines) => {
        const u = fold(lines);
        expect(u.modelCalls).toBe(0);
        expect(u.knownCostUsd).toBe(0);
        expect(Object.values(u.tokens).every((t) => t === 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a reply written again any number of times among garbage counts once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.array(garbage, { maxLength: 10 }),
        (places, noise) => {
          const lines = [...noise];
          for (const at of places) lines.splice(at % (lines.length + 1), 0, realLine);
          const u = fold(lines);
          expect(u.modelCalls).toBe(1);
          expect(u.tokens.input).toBe(1000);
          expect(u.tokens.output).toBe(100);
        },
      ),
      { numRuns: 200 },
    );
  });
});
