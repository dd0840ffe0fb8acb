import { describe, expect, it } from 'vitest';
import { relevantPart } from '../../../src/app/guard-config.ts';
import { type GuardBinding, gateByGuardConfig } from '../../../src/core/guard/binding.ts';
import type { Decision, Tier } from '../../../src/core/types.ts';
import { verdictForTier } from '../../../src/core/types.ts';

const d = (tier: Tier, rule = 'x.rule'): Decision => ({
  tier,
  verdict: verdictForTier(tier),
  rule,
  reason: 'because',
  effects: [],
});
const bound: GuardBinding = { hash: 'a'.repeat(64), boundAt: 0, via: 'session-start' };
const same = { hash: 'a'.repeat(64), files: ['/p/agent-sre.yaml'] };
const changed = { hash: 'b'.repeat(64), files: ['/p/agent-sre.yaml'] };

describe('gateByGuardConfig', () => {
  it.each([1, 2, 3, 4] as Tier[])(
    'leaves a tier-%i decision alone while the configuration is unchanged',
    (t) => {
      expect(gateByGuardConfig(d(t), same, bound, 's')).toEqual(d(t));
    },
  );

  it('after a change: tier 1 stays, tiers 2 and 3 become a human gate, tier 4 stays a deny', () => {
    expect(gateByGuardConfig(d(1), changed, bound, 's').tier).toBe(1);
    for (const t of [2, 3] as Tier[]) {
      const g = gateByGuardConfig(d(t), changed, bound, 's');
      expect(g).toMatchObject({ tier: 3, verdict: 'ask', rule: 'guard.config-changed' });
      expect(g.reason).toContain('aaaaaaaa -> bbbbbbbb');
      expect(g.reason).toContain('agent-sre session resume s');
    }
    expect(gateByGuardConfig(d(4), changed, bound, 's')).toEqual(d(4));
  });

  it('the floor (the default policy) wins when it is stricter, and never lowers the decision', () => {
    expect(gateByGuardConfig(d(1), changed, bound, 's', d(4, 'fs.delete-system')).rule).toBe(
      'fs.delete-system',
    );
    expect(gateByGuardConfig(d(1), changed, bound, 's', d(2)).tier).toBe(3);
    expect(gateByGuardConfig(d(4, 'own'), changed, bound, 's', d(1)).rule).toBe('own');
    // Unchanged: the floor is not consulted at all.
    expect(gateByGuardConfig(d(1), same, bound, 's', d(4)).tier).toBe(1);
  });
});

describe('relevantPart of a settings file', () => {
  const base = { permissions: { allow: ['Bash(ls)'], deny: ['Bash(rm -rf /)'] }, hooks: { PreToolUse: [] } };
  const part = (o: unknown) => relevantPart('/p/.claude/settings.local.json', JSON.stringify(o));

  it('ignores what Claude Code writes itself (permissions.allow) and formatting', () => {
    const more = { ...base, permissions: { ...base.permissions, allow: ['Bash(ls)', 'Bash(npm test:*)'] } };
    expect(part(more)).toBe(part(base));
    expect(relevantPart('/p/s.json', JSON.stringify(base, null, 2))).toBe(part(base));
  });

  it.each([
    ['hooks removed', { ...base, hooks: {} }],
    ['disableAllHooks', { ...base, disableAllHooks: true }],
    ['a deny rule lifted', { ...base, permissions: { ...base.permissions, deny: [] } }],
    ['env added', { ...base, env: { AGENT_SRE_HOOKD: '0' } }],
  ])('counts %s', (_name, changedSettings) => {
    expect(part(changedSettings)).not.toBe(part(base));
  });

  it('takes the whole text of the policy, and of a settings file that is not a JSON object', () => {
    expect(relevantPart('/p/agent-sre.yaml', 'version: 1\n')).toBe('version: 1\n');
    expect(relevantPart('/p/s.json', '{not json')).toBe('{not json');
    expect(relevantPart('/p/s.json', '[1]')).toBe('[1]');
  });
});
