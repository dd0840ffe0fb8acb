import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/load.ts';
import { DEFAULT_PRICING } from '../../src/core/cost/prices.ts';

describe('pricing and cost budgets in agent-sre.yaml', () => {
  it('defaults: $50 per session, $500 per day, the default price table', () => {
    const r = loadPolicy(undefined, 'agent-sre.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.budgets.costUsd).toBe(50);
    expect(r.policy.budgets.fleetCostUsdPerDay).toBe(500);
    expect(r.policy.pricing).toEqual(DEFAULT_PRICING);
  });

  it('takes budgets and per-model prices from the file', () => {
    const r = loadPolicy(
      [
        'version: 1',
        'budgets: { costUsd: 12.5, fleetCostUsdPerDay: 80 }',
        'pricing:',
        '  webSearchPer1k: 12',
        '  models:',
        '    claude-opus-5-5: { input: 3, output: 15 }',
        '    my-gateway/claude-x: { input: 1, output: 2, cacheRead: 0.5, fast: { input: 2, output: 4 } }',
        '',
      ].join('\n'),
      'agent-sre.yaml',
    );
    expect(r.ok, JSON.stringify(r)).toBe(true);
    if (!r.ok) return;
    expect(r.policy.budgets).toMatchObject({ costUsd: 12.5, fleetCostUsdPerDay: 80, toolCalls: 3000 });
    expect(r.policy.pricing.webSearchPer1k).toBe(12);
    expect(r.policy.pricing.models['claude-opus-5-5']).toEqual({
      input: 3,
      output: 15,
      cacheWrite5m: 3.75,
      cacheWrite1h: 6,
      cacheRead: 0.3,
      source: 'agent-sre.yaml',
    });
    expect(r.policy.pricing.models['my-gateway/claude-x']!.fast).toEqual({
      input: 2,
      output: 4,
      cacheWrite5m: 2.5,
      cacheWrite1h: 4,
      cacheRead: 0.2,
    });
    expect(r.policy.pricing.models['claude-haiku-4-5']).toEqual(DEFAULT_PRICING.models['claude-haiku-4-5']);
  });

  it('a __proto__ key prices nothing and changes no prototype', () => {
    const r = loadPolicy(
      'version: 1\npricing:\n  models:\n    __proto__: { input: 1, output: 2 }\n',
      'agent-sre.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.policy.pricing.models)).toBe(Object.prototype);
    expect(Object.hasOwn(r.policy.pricing.models, '__proto__')).toBe(false);
  });

  it.each([
    ['budgets:\n  costUsd: 0\n', 'budgets.costUsd'],
    ['budgets:\n  fleetCostUsdPerDay: -1\n', 'budgets.fleetCostUsdPerDay'],
    ['pricing:\n  models:\n    claude-x: { input: 1 }\n', 'pricing.models.claude-x.output'],
    [
      'pricing:\n  models:\n    claude-x: { input: 1, output: 2, cahceRead: 1 }\n',
      'pricing.models.claude-x.cahceRead',
    ],
    ['pricing:\n  models:\n    "claude x": { input: 1, output: 2 }\n', 'pricing.models.claude x'],
    ['pricing:\n  currency: EUR\n', 'pricing.currency'],
  ])('rejects %j naming %s', (yaml, key) => {
    const r = loadPolicy(`version: 1\n${yaml}`, 'agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.key)).toContain(key);
  });
});
