import { describe, expect, it } from 'vitest';
import {
  bandOf,
  DEFAULT_PRICING,
  mergePricing,
  normalizeModel,
  priceFor,
  requestCost,
  type UsageVector,
} from '../../../src/core/cost/prices.ts';

describe('model ids', () => {
  it.each([
    ['claude-opus-5-5', 'claude-opus-5-5'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5'],
    ['claude-sonnet-4-5[1m]', 'claude-sonnet-4-5'],
    ['us.anthropic.claude-opus-4-1-20250805-v1:0', 'claude-opus-4-1'],
    ['anthropic.claude-haiku-4-5-20251001-v1:0', 'claude-haiku-4-5'],
    ['claude-opus-4-1@20250805', 'claude-opus-4-1'],
    ['anthropic/claude-opus-4.6', 'claude-opus-4-6'],
    ['Claude-Opus-5', 'claude-opus-5'],
  ])('%s is priced as %s', (id, key) => {
    expect(normalizeModel(id)).toBe(key);
    expect(priceFor(DEFAULT_PRICING, id)).toBe(DEFAULT_PRICING.models[key]);
  });

  it('matches whole ids only: a newer model is not priced as its prefix', () => {
    expect(priceFor(DEFAULT_PRICING, 'claude-opus-5-6')).toBeUndefined();
    expect(priceFor(DEFAULT_PRICING, 'claude-opus-5-5')!.input).toBe(4);
    expect(priceFor(DEFAULT_PRICING, 'claude-opus-5')!.input).toBe(5);
    expect(priceFor(DEFAULT_PRICING, '__proto__')).toBeUndefined();
    expect(priceFor(DEFAULT_PRICING, 'toString')).toBeUndefined();
  });
});

describe('request cost', () => {
  const opus55 = DEFAULT_PRICING.models['claude-opus-5-5']!;
  it('multiplies each kind of token by its rate', () => {
    // 1M of each kind: 4 + 20 + 5 + 8 + 0.2 USD, plus 1000 web searches at $10 per 1000.
    const u: UsageVector = [1e6, 1e6, 1e6, 1e6, 1e6, 1000];
    expect(requestCost(DEFAULT_PRICING, opus55, u, 'standard')).toBeCloseTo(37.2 + 10, 10);
  });

  it('prices a long prompt at the long band on every token, and fast mode over both', () => {
    const sonnet = DEFAULT_PRICING.models['claude-sonnet-4-5']!;
    const at200k: UsageVector = [100_000, 10, 50_000, 0, 50_000, 0];
    const over: UsageVector = [100_000, 10, 50_000, 0, 50_001, 0];
    expect(bandOf(sonnet, at200k, false)).toBe('standard');
    expect(bandOf(sonnet, over, false)).toBe('long');
    expect(requestCost(DEFAULT_PRICING, sonnet, over, 'long')).toBeCloseTo(
      (100_000 * 6 + 10 * 22.5 + 50_000 * 7.5 + 50_001 * 0.6) / 1e6,
      12,
    );
    expect(bandOf(opus55, over, true)).toBe('fast');
    expect(bandOf(DEFAULT_PRICING.models['claude-fable-5-2']!, over, true)).toBe('fast-at-standard');
    expect(requestCost(DEFAULT_PRICING, opus55, [0, 1e6, 0, 0, 0, 0], 'fast')).toBe(40);
  });
});

describe('overrides', () => {
  it('a project row replaces the default row, cache rates following the usual ratios', () => {
    const p = mergePricing(
      DEFAULT_PRICING,
      {
        models: { 'claude-opus-5-5-20260922': { input: 2, output: 10, cacheRead: 0.05 } },
        webSearchPer1k: 0,
      },
      'agent-sre.yaml',
    );
    expect(p.models['claude-opus-5-5']).toEqual({
      input: 2,
      output: 10,
      cacheWrite5m: 2.5,
      cacheWrite1h: 4,
      cacheRead: 0.05,
      source: 'agent-sre.yaml',
    });
    expect(p.models['claude-opus-5-5']!.fast).toBeUndefined();
    expect(p.webSearchPer1k).toBe(0);
    expect(p.source).toContain('overrides from agent-sre.yaml');
    expect(p.models['claude-haiku-4-5']).toBe(DEFAULT_PRICING.models['claude-haiku-4-5']);
    // The defaults themselves are untouched.
    expect(DEFAULT_PRICING.models['claude-opus-5-5']!.input).toBe(4);
  });

  it('every default row is complete and its cache rates are below a 1-hour write', () => {
    for (const [id, p] of Object.entries(DEFAULT_PRICING.models)) {
      for (const r of [p, p.fast, p.longPrompt].filter((x) => x !== undefined)) {
        for (const k of ['input', 'output', 'cacheWrite5m', 'cacheWrite1h', 'cacheRead'] as const)
          expect(r[k], `${id}.${k}`).toBeGreaterThan(0);
        expect(r.cacheRead, id).toBeLessThan(r.input);
        expect(r.cacheWrite5m, id).toBeGreaterThan(r.input);
        expect(r.cacheWrite1h, id).toBeGreaterThan(r.cacheWrite5m);
      }
    }
  });
});
