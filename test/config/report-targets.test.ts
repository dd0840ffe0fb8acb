import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/config/load.ts';
import { resolveTargets } from '../../src/core/metrics/targets.ts';

describe('report.targets in agent-sre.yaml', () => {
  it('absent: the SEV1 default and the proposals, each marked as such', () => {
    const r = loadPolicy('version: 1\n', 'agent-sre.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.report).toEqual({ targets: {} });
    expect(resolveTargets(r.policy.report.targets).map((t) => [t.key, t.minutes, t.basis])).toEqual([
      ['sev1ResolveMinutes', 120, 'default'],
      ['detectMinutes', 5, 'proposed'],
      ['acknowledgeMinutes', 15, 'proposed'],
      ['containMinutes', 15, 'proposed'],
    ]);
  });

  it('configured values replace the defaults and are marked configured', () => {
    const r = loadPolicy(
      'version: 1\nreport:\n  targets: { detectMinutes: 2, sev1ResolveMinutes: 60 }\n',
      'p.yaml',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const t = resolveTargets(r.policy.report.targets);
    expect(t.find((x) => x.key === 'detectMinutes')).toMatchObject({ minutes: 2, basis: 'configured' });
    expect(t.find((x) => x.key === 'sev1ResolveMinutes')).toMatchObject({ minutes: 60, basis: 'configured' });
    expect(t.find((x) => x.key === 'containMinutes')).toMatchObject({ minutes: 15, basis: 'proposed' });
  });

  it.each([
    ['version: 1\nreport:\n  targets:\n    detectMinutes: 0\n', 'report.targets.detectMinutes', 4],
    ['version: 1\nreport:\n  targets:\n    mttrMinutes: 30\n', 'report.targets.mttrMinutes', 4],
    ['version: 1\nreport:\n  target: {}\n', 'report.target', 3],
  ])('names the line and key of a bad value: %j', (text, key, line) => {
    const r = loadPolicy(text, 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ key, line });
  });
});
