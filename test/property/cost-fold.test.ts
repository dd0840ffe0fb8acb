// The usage fold reads a file anyone can write: it must never throw, and a response must be counted once
// however many lines repeat it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING } from '../../src/core/cost/prices.ts';
import { foldLine, foldText, newUsageState, summarize, type UsageState } from '../../src/core/cost/usage.ts';

const opts = { pricing: DEFAULT_PRICING };
const RUNS = 300;

/** Values shaped like transcript entries, with every field allowed to be the wrong type. */
const loose = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.boolean(),
);
const entry = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('assistant', 'user', 'system', 'summary', 'progress', '__proto__', 'constructor'),
      loose,
    ),
    subtype: fc.oneof(fc.constant('compact_boundary'), loose),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
      loose,
    ),
    requestId: fc.oneof(fc.constantFrom('req_1', 'req_2', '__proto__'), loose),
    isSidechain: fc.oneof(fc.boolean(), loose),
    agentId: fc.oneof(fc.constantFrom('a', 'b', '__proto__', 'hasOwnProperty'), loose),
    isApiErrorMessage: fc.oneof(fc.boolean(), loose),
    message: fc.oneof(
      loose,
      fc.record(
        {
          id: fc.oneof(fc.constantFrom('msg_1', 'msg_2', 'constructor'), loose),
          model: fc.oneof(
            fc.constantFrom('claude-opus-5-5', 'claude-haiku-4-5', '<synthetic>', '__proto__', 'nope'),
            loose,
          ),
          usage: fc.oneof(
            loose,
            fc.dictionary(
              fc.constantFrom(
                'input_tokens',
                'output_tokens',
                'cache_creation_input_tokens',
                'cache_read_input_tokens',
                'cache_creation',
                'server_tool_use',
                'speed',
              ),
              fc.oneof(loose, fc.constant('fast'), fc.dictionary(fc.string(), loose)),
            ),
          ),
          content: fc.oneof(
            loose,
            fc.array(
              fc.oneof(
                loose,
                fc.record({ type: fc.constantFrom('tool_use', 'text'), id: loose }, { requiredKeys: [] }),
              ),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

function roundTrips(s: UsageState) {
  // The hook stores the state as JSON: it must come back the same (no NaN or Infinity turned into null).
  expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  const r = summarize(s);
  for (const v of Object.values(r.tokens)) expect(Number.isFinite(v)).toBe(true);
  expect(Number.isFinite(r.knownCostUsd)).toBe(true);
}

describe('the usage fold on untrusted lines', () => {
  it('never throws on arbitrary values, and its state survives JSON', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.anything(), entry), { maxLength: 40 }), (values) => {
        const s = newUsageState();
        for (const v of values) foldLine(s, v, opts);
        expect(s.lines).toBe(values.length);
        roundTrips(s);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary text, JSON or not', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.string({ unit: 'binary' }),
            entry.map((e) => JSON.stringify(e)),
            fc.json(),
          ),
          {
            maxLength: 40,
          },
        ),
        (lines) => {
          const s = newUsageState();
          for (const l of lines) foldText(s, l, opts);
          roundTrips(s);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** A response and the usage snapshots its lines carry while it streams. */
const response = fc.record({
  model: fc.constantFrom('claude-opus-5-5', 'claude-haiku-4-5', 'claude-sonnet-4-5', 'claude-opus-9-9'),
  fast: fc.boolean(),
  tools: fc.integer({ min: 0, max: 3 }),
  snapshots: fc.array(fc.array(fc.nat({ max: 300_000 }), { minLength: 5, maxLength: 5 }), {
    minLength: 1,
    maxLength: 4,
  }),
});

type Response = { model: string; fast: boolean; tools: number; snapshots: number[][] };

function linesOf(responses: Response[], repeat: (i: number, j: number) => number) {
  const out: unknown[] = [];
  responses.forEach((r, i) => {
    r.snapshots.forEach((snap, j) => {
      const line = {
        type: 'assistant',
        timestamp: `2026-11-20T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
        requestId: `req_${i}`,
        message: {
          id: `msg_${i}`,
          model: r.model,
          // The tool blocks ride on the last snapshot, as Claude Code writes a tool_use block when it is complete.
          content:
            j === r.snapshots.length - 1
              ? Array.from({ length: r.tools }, (_, k) => ({
                  type: 'tool_use',
                  id: `toolu_${i}_${k}`,
                  name: 'Bash',
                }))
              : [{ type: 'text', text: '...' }],
          usage: {
            input_tokens: snap[0],
            output_tokens: snap[1],
            cache_creation_input_tokens: snap[2]! + snap[3]!,
            cache_creation: { ephemeral_5m_input_tokens: snap[2], ephemeral_1h_input_tokens: snap[3] },
            cache_read_input_tokens: snap[4],
            ...(r.fast ? { speed: 'fast' } : {}),
          },
        },
      };
      for (let k = 0; k < repeat(i, j); k++) out.push(line);
      // A tool result between the blocks of one response does not separate them.
      if (j === 0)
        out.push({
          type: 'user',
          timestamp: '2026-11-20T10:00:00.000Z',
          message: { role: 'user', content: [] },
        });
    });
  });
  return out;
}

function totals(lines: unknown[]) {
  const s = newUsageState();
  for (const l of lines) foldLine(s, l, opts);
  const r = summarize(s);
  return {
    tokens: r.tokens,
    calls: r.modelCalls,
    tools: r.toolCalls,
    cost: r.knownCostUsd,
    unknown: r.unpricedModels,
  };
}

describe('de-duplication', () => {
  it('totals do not depend on how many times each line of a response is repeated', () => {
    fc.assert(
      fc.property(
        fc.array(response, { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 64, maxLength: 64 }),
        (responses, reps) => {
          const once = totals(linesOf(responses, () => 1));
          const many = totals(linesOf(responses, (i, j) => reps[(i * 4 + j) % reps.length]!));
          expect(many.tokens).toEqual(once.tokens);
          expect(many.calls).toBe(responses.length);
          expect(many.tools).toBe(responses.reduce((n, r) => n + r.tools, 0));
          expect(many.cost).toBeCloseTo(once.cost, 9);
          // And each response counts at its largest snapshot, field by field.
          const max = (f: number) =>
            responses.reduce((n, r) => n + Math.max(...r.snapshots.map((s) => s[f]!)), 0);
          expect(once.tokens).toEqual({
            input: max(0),
            output: max(1),
            cacheWrite5m: max(2),
            cacheWrite1h: max(3),
            cacheRead: max(4),
          });
        },
      ),
      { numRuns: RUNS },
    );
  });
});
