import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/load.ts';

const EXAMPLE = new URL('../../examples/paging/agent-sre.yaml', import.meta.url);

describe('paging configuration', () => {
  it('defaults to the file channel, everything routed to it, gate mode ask', () => {
    const r = loadPolicy(undefined, 'x');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.paging).toMatchObject({
      channels: { file: { type: 'file', path: '.agent-sre/pages.jsonl' } },
      routing: [{ match: {}, channels: ['file'] }],
      gate: { mode: 'ask', timeoutSeconds: 120 },
      severity: {},
    });
  });

  it('loads the documented example', () => {
    const r = loadPolicy(readFileSync(EXAMPLE, 'utf8'), 'examples/paging/agent-sre.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const p = r.policy.paging;
    expect(Object.keys(p.channels)).toContain('pd');
    expect(p.channels.pd).toMatchObject({ baseUrl: 'https://events.pagerduty.com' });
    expect(p.escalation.policies.urgent?.repeat).toBe(1);
    expect(p.oncall.schedules.primary?.layers).toHaveLength(2);
    expect(p.gate.mode).toBe('wait');
  });

  it.each([
    [
      'a route to a channel that does not exist',
      'routing:\n  - channels: [nope]\n',
      'routing.0.channels.0',
      3,
    ],
    [
      'a route to an escalation policy that does not exist',
      'routing:\n  - channels: [file]\n    escalation: nope\n',
      'routing.0.escalation',
      4,
    ],
    [
      'a secret written into the file',
      'channels:\n  pd: { type: pagerduty, routingKeyEnv: "e93facc04764012d7bfb002500d5d1a6" }\n',
      'channels.pd.routingKeyEnv',
      3,
    ],
    ['an unknown gate mode', 'gate: { mode: maybe }\n', 'gate.mode', 2],
    [
      'a gate longer than Claude Code would wait',
      'gate: { timeoutSeconds: 4000 }\n',
      'gate.timeoutSeconds',
      2,
    ],
    ['an unknown signal in severity', 'severity: { tier5.denied: SEV1 }\n', 'severity', 2],
    [
      'an escalation target nobody defined',
      'escalation:\n  policies:\n    p:\n      rules:\n        - delayMinutes: 5\n          targets: [{ person: zed }]\n',
      'escalation.policies.p.rules.0.targets.0',
      7,
    ],
  ])('rejects %s with its file, line and key', (_what, yaml, key, line) => {
    const r = loadPolicy(`version: 1\n${yaml}`, 'agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const hit = r.problems.find((p) => p.key.startsWith(key));
    expect(hit, JSON.stringify(r.problems)).toBeDefined();
    expect(hit?.line).toBe(line);
  });
});
