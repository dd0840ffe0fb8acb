import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICING } from '../../../src/core/cost/prices.ts';
import {
  foldLine,
  foldText,
  knownCost,
  newUsageState,
  RECENT,
  summarize,
  type UsageState,
} from '../../../src/core/cost/usage.ts';

const opts = { pricing: DEFAULT_PRICING };

function assistant(
  id: string | null,
  usage: Record<string, unknown> | undefined,
  extra: Record<string, unknown> = {},
  content: unknown[] = [{ type: 'text', text: 'x' }],
  model = 'claude-opus-5-5',
) {
  return {
    type: 'assistant',
    timestamp: '2026-11-20T10:00:00.000Z',
    requestId: id === null ? undefined : `req_${id}`,
    ...extra,
    message: { id: id === null ? undefined : `msg_${id}`, model, content, ...(usage ? { usage } : {}) },
  };
}
const u = (input: number, output: number, cw = 0, cr = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: cw,
  cache_read_input_tokens: cr,
});

function fold(lines: unknown[], state: UsageState = newUsageState()): UsageState {
  for (const l of lines) foldLine(state, l, opts);
  return state;
}

describe('usage fold', () => {
  it('counts one API response once however many content-block lines repeat its usage', () => {
    const s = summarize(fold([assistant('a', u(10, 5)), assistant('a', u(10, 5)), assistant('a', u(10, 5))]));
    expect(s.modelCalls).toBe(1);
    expect(s.tokens).toEqual({ input: 10, output: 5, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
  });

  it('takes the final output count of a streamed response, whichever line carries it', () => {
    for (const order of [
      [1, 3, 427],
      [427, 1, 3],
      [3, 427, 427],
    ]) {
      const s = summarize(fold(order.map((o) => assistant('a', u(10, o)))));
      expect(s.tokens.output, order.join(',')).toBe(427);
      expect(s.costUsd).toBeCloseTo((10 * 4 + 427 * 20) / 1e6, 12);
    }
  });

  it('tells responses apart by message id and request id', () => {
    const a = assistant('a', u(10, 5));
    const other = { ...a, requestId: 'req_other' };
    expect(summarize(fold([a, other])).modelCalls).toBe(2);
  });

  it('counts tool_use blocks once each, also when a line is written twice', () => {
    const t1 = assistant('a', u(1, 1), {}, [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: {} }]);
    const t2 = assistant('a', u(1, 1), {}, [{ type: 'tool_use', id: 'toolu_2', name: 'Read', input: {} }]);
    expect(summarize(fold([t1, t2, t1])).toolCalls).toBe(2);
    // Without ids nothing can be matched: every block counts.
    const anon = assistant(null, u(1, 1), {}, [
      { type: 'tool_use', name: 'Bash' },
      { type: 'tool_use', name: 'Bash' },
    ]);
    expect(summarize(fold([anon, anon])).toolCalls).toBe(4);
  });

  it('remembers the last few responses per agent, so a response far back is counted again', () => {
    const lines = [assistant('first', u(7, 7))];
    for (let i = 0; i < RECENT; i++) lines.push(assistant(`r${i}`, u(1, 1)));
    lines.push(assistant('first', u(7, 7)));
    const s = summarize(fold(lines));
    expect(s.modelCalls).toBe(RECENT + 2);
    const near = summarize(fold(lines.slice(0, RECENT).concat([assistant('first', u(7, 7))])));
    expect(near.modelCalls).toBe(RECENT);
  });

  it('splits cache writes by TTL; writes the split does not cover are 5-minute writes', () => {
    const s = summarize(
      fold([
        assistant('a', {
          ...u(0, 0, 1000, 0),
          cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 600 },
        }),
        assistant('b', u(0, 0, 50)),
      ]),
    );
    expect(s.tokens.cacheWrite1h).toBe(600);
    expect(s.tokens.cacheWrite5m).toBe(400 + 50);
  });

  it('reports the cost of a model with no price as unknown, naming the model', () => {
    const s = summarize(
      fold([assistant('a', u(1000, 0)), assistant('b', u(1000, 0), {}, [], 'claude-opus-9-9')]),
    );
    expect(s.costUsd).toBeNull();
    expect(s.knownCostUsd).toBeCloseTo(0.004, 12);
    expect(s.unpricedModels).toEqual(['claude-opus-9-9']);
    expect(s.models.find((m) => m.model === 'claude-opus-9-9')!.costUsd).toBeNull();
    expect(s.tokens.input).toBe(2000);
  });

  it('leaves out API errors and synthetic messages', () => {
    const s = summarize(
      fold([
        assistant('a', u(1000, 1000), { isApiErrorMessage: true }),
        assistant('b', u(1000, 1000), {}, [], '<synthetic>'),
      ]),
    );
    expect(s.modelCalls).toBe(0);
    expect(s.tokens.input).toBe(0);
    expect(s.lines.skipped).toBe(2);
  });

  it('counts compaction boundaries, unknown types and malformed lines, and keeps the timestamps of all', () => {
    const s = newUsageState();
    foldText(s, '{"type":"system","subtype":"compact_boundary","timestamp":"2026-11-20T10:00:00Z"}', opts);
    foldText(s, '{"type":"mystery","timestamp":"2026-11-20T11:00:00Z"}', opts);
    foldText(s, '{"type":"assistant","message":', opts);
    foldText(s, '"just a string"', opts);
    foldText(s, '   ', opts);
    foldText(s, '\ufeff{"type":"user","timestamp":"2026-11-20T09:00:00Z"}', opts);
    const r = summarize(s);
    expect(r.compactions).toBe(1);
    expect(r.lines).toEqual({ read: 5, malformed: 2, unknownType: 1, unknownTypes: ['mystery'], skipped: 0 });
    expect(r.wallMs).toBe(2 * 3600_000);
  });

  it('keeps subagents apart: by file, or by isSidechain and agentId in the main file', () => {
    const s = newUsageState();
    foldLine(s, assistant('m', u(1, 1)), opts);
    foldLine(s, assistant('x', u(2, 2), { isSidechain: true, agentId: 'side' }), opts);
    foldLine(s, assistant('f', u(3, 3)), { ...opts, agent: 'file' });
    const r = summarize(s);
    expect(r.main.tokens.input).toBe(1);
    expect(r.subagents.map((a) => [a.agentId, a.tokens.input])).toEqual([
      ['side', 2],
      ['file', 3],
    ]);
    expect(r.tokens.input).toBe(6);
  });

  it('ignores counts that are not token counts', () => {
    const s = summarize(
      fold([
        assistant('a', { input_tokens: -5, output_tokens: 'many', cache_read_input_tokens: 1e300 }),
        assistant('b', { input_tokens: Number.NaN, output_tokens: 2.9 }),
      ]),
    );
    expect(s.tokens).toEqual({ input: 0, output: 2, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
    expect(Number.isFinite(s.knownCostUsd)).toBe(true);
  });

  it('survives a JSON round trip through the ledger and carries on where it stopped', () => {
    const lines = [assistant('a', u(10, 1)), assistant('a', u(10, 50)), assistant('b', u(5, 5))];
    const whole = fold(lines);
    const half = JSON.parse(JSON.stringify(fold(lines.slice(0, 1)))) as UsageState;
    fold(lines.slice(1), half);
    expect(half).toEqual(whole);
    expect(knownCost(half)).toBeCloseTo(summarize(whole).knownCostUsd, 15);
  });
});
