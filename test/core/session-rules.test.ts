import { describe, expect, it } from 'vitest';
import { countVerdict, gateBySession, newSession, usageOf } from '../../src/core/session/rules.ts';
import type { Decision } from '../../src/core/types.ts';

const limits = { escalateAfter: 3, terminateAfter: 20 };
const budgets = {
  filesTouched: 2,
  linesChanged: 100,
  externalCalls: 1,
  toolCalls: 50,
  subagents: 1,
  costUsd: 50,
  fleetCostUsdPerDay: 500,
};
const deny: Decision = { tier: 4, verdict: 'deny', rule: 'x', reason: 'r', effects: [] };
const allow: Decision = {
  tier: 2,
  verdict: 'allow',
  rule: 'fallback.write',
  reason: 'r',
  effects: [{ kind: 'write', path: '/p/a', zone: 'project', tags: [], origin: 'o' }],
};

describe('the 3/20 rule', () => {
  it('escalates after three denials in a row, and an allowed call resets the streak', () => {
    let s = newSession('s', '/p', 0);
    for (const d of [deny, deny, allow, deny, deny]) s = countVerdict(s, d, limits).state;
    expect(s.status).toBe('active');
    const third = countVerdict(s, deny, limits);
    expect(third.state.status).toBe('escalated');
    expect(third.signals.map((x) => x.kind)).toContain('session.escalated');
  });

  it('terminates at twenty denials in total, however they are spread', () => {
    let s = newSession('s', '/p', 0);
    for (let i = 0; i < 19; i++) s = countVerdict(countVerdict(s, deny, limits).state, allow, limits).state;
    expect(s.status).not.toBe('terminated');
    expect(s.totalDenials).toBe(19);
    s = countVerdict(s, deny, limits).state;
    expect(s.status).toBe('terminated');
    expect(gateBySession(allow, s, budgets, 'Bash')).toMatchObject({
      verdict: 'deny',
      rule: 'session.terminated',
    });
  });

  it('gates every tier >= 2 call of an escalated session, but not reads', () => {
    const s = { ...newSession('s', '/p', 0), status: 'escalated' as const, consecutiveDenials: 3 };
    expect(gateBySession(allow, s, budgets, 'Write')).toMatchObject({
      verdict: 'ask',
      rule: 'session.escalated',
    });
    const read: Decision = { ...allow, tier: 1 };
    expect(gateBySession(read, s, budgets, 'Read').verdict).toBe('allow');
    expect(gateBySession(deny, s, budgets, 'Bash').rule).toBe('x');
  });

  it('numbers are configurable', () => {
    let s = newSession('s', '/p', 0);
    s = countVerdict(s, deny, { escalateAfter: 1, terminateAfter: 2 }).state;
    expect(s.status).toBe('escalated');
    s = countVerdict(s, deny, { escalateAfter: 1, terminateAfter: 2 }).state;
    expect(s.status).toBe('terminated');
  });
});

describe('scope budgets', () => {
  it('gates writes once the files budget is spent and says what was consumed', () => {
    const s = {
      ...newSession('s', '/p', 0),
      usage: {
        toolCalls: 3,
        filesTouched: 2,
        linesAdded: 5,
        linesRemoved: 1,
        externalCalls: 0,
        subagents: 0,
      },
    };
    const d = gateBySession(allow, s, budgets, 'Write');
    expect(d).toMatchObject({ verdict: 'ask', tier: 3, rule: 'budget.filesTouched' });
    expect(d.reason).toContain('files 2/2');
  });

  it('does not gate a read when only the files budget is spent', () => {
    const s = {
      ...newSession('s', '/p', 0),
      usage: {
        toolCalls: 3,
        filesTouched: 2,
        linesAdded: 0,
        linesRemoved: 0,
        externalCalls: 0,
        subagents: 0,
      },
    };
    const read: Decision = {
      tier: 1,
      verdict: 'allow',
      rule: 'fallback.read',
      reason: '',
      effects: [{ kind: 'read', path: '/p/a', zone: 'project', tags: [], origin: '' }],
    };
    expect(gateBySession(read, s, budgets, 'Read').verdict).toBe('allow');
  });

  it('counts lines from Edit patches and external calls from effects', () => {
    const response = { structuredPatch: [{ lines: [' a', '-b', '+c', '+d'] }] };
    const u = usageOf('Edit', {}, response, [
      { kind: 'write', path: '/p/a', zone: 'project', tags: [], origin: '' },
    ]);
    expect(u.delta).toMatchObject({ linesAdded: 2, linesRemoved: 1, toolCalls: 1 });
    expect(u.files).toEqual(['/p/a']);
    const net = usageOf('WebFetch', {}, undefined, [
      { kind: 'net', host: 'x.com', method: 'GET', credentialed: false, tags: [], origin: '' },
    ]);
    expect(net.delta.externalCalls).toBe(1);
    const local = usageOf('Bash', {}, undefined, [
      { kind: 'net', host: 'localhost', method: 'GET', credentialed: false, tags: ['local'], origin: '' },
    ]);
    expect(local.delta.externalCalls).toBe(0);
  });
});
