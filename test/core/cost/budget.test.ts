import { describe, expect, it } from 'vitest';
import { gateBySession, newSession } from '../../../src/core/session/rules.ts';
import type { Decision } from '../../../src/core/types.ts';

const budgets = {
  filesTouched: 200,
  linesChanged: 10_000,
  externalCalls: 300,
  toolCalls: 3000,
  subagents: 30,
  costUsd: 10,
  fleetCostUsdPerDay: 100,
};
const read: Decision = { tier: 1, verdict: 'allow', rule: 'fallback.read', reason: 'r', effects: [] };
const deny: Decision = { tier: 4, verdict: 'deny', rule: 'x', reason: 'r', effects: [] };
const s = newSession('s1', '/p', 0);

describe('cost budgets', () => {
  it('gate every call at tier 3 once the session has spent its budget', () => {
    expect(gateBySession(read, s, budgets, 'Read', { costUsd: 9.99, fleetCostUsdToday: 0 })).toBe(read);
    const d = gateBySession(read, s, budgets, 'Read', { costUsd: 10, fleetCostUsdToday: 0 });
    expect(d).toMatchObject({ tier: 3, verdict: 'ask', rule: 'budget.costUsd' });
    expect(d.reason).toContain('$10.00 of $10.00');
    expect(d.reason).toContain('agent-sre cost s1');
  });

  it('gate on the fleet budget for the day, whoever spent it', () => {
    const d = gateBySession(read, s, budgets, 'Bash', { costUsd: 0, fleetCostUsdToday: 100.5 });
    expect(d).toMatchObject({ tier: 3, verdict: 'ask', rule: 'budget.fleetCostUsdPerDay' });
    expect(d.reason).toContain('$100.50 of $100.00');
  });

  it('leave tier-4 decisions alone and do nothing without a spend', () => {
    expect(gateBySession(deny, s, budgets, 'Bash', { costUsd: 1e6, fleetCostUsdToday: 1e6 })).toBe(deny);
    expect(gateBySession(read, s, budgets, 'Read')).toBe(read);
  });

  it('a policy cached before the cost budgets existed gates nothing on cost', () => {
    const old = { ...budgets } as Partial<typeof budgets>;
    delete old.costUsd;
    delete old.fleetCostUsdPerDay;
    expect(
      gateBySession(read, s, old as typeof budgets, 'Read', { costUsd: 1e6, fleetCostUsdToday: 1e6 }),
    ).toBe(read);
  });
});
