import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseBash } from '../../src/adapters/shell/tree-sitter.ts';
import { DEFAULT_POLICY_YAML } from '../../src/config/default-policy.ts';
import { loadPolicy } from '../../src/config/load.ts';
import { PROJECT_POLICY_TEMPLATE } from '../../src/config/project-template.ts';
import { policyFileSchema } from '../../src/config/schema.ts';
import { effectsOf } from '../../src/core/effects/tools.ts';
import { compilePolicy, evaluate } from '../../src/core/policy/evaluate.ts';
import { VERSION } from '../../src/version.ts';

describe('policy loading', () => {
  it('the embedded default and the init template are valid', () => {
    expect(loadPolicy(undefined, 'x').ok).toBe(true);
    const r = loadPolicy(PROJECT_POLICY_TEMPLATE, 'agent-sre.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.policy.rules.length).toBeGreaterThan(30);
  });

  it.each([
    [
      'a wrong tier',
      'version: 1\nrules:\n  - id: a.b\n    tier: 7\n    reason: x\n    match: {}\n',
      4,
      'rules.0.tier',
    ],
    ['an unknown key', 'version: 1\nbudgets:\n  filez: 3\n', 3, 'budgets.filez'],
    [
      'a bad regex',
      'version: 1\nrules:\n  - id: a.b\n    tier: 3\n    reason: x\n    match:\n      args: "("\n',
      7,
      'rules.0.match.args',
    ],
    [
      'a duplicate of a default id',
      'version: 1\nrules:\n  - id: guard.tamper\n    tier: 3\n    reason: x\n    match: {}\n',
      3,
      'rules.0.id',
    ],
    ['disabling an unknown rule', 'version: 1\ndisabled:\n  - nope\n', 3, 'disabled.0'],
  ])('names the file, line and key for %s', (_name, text, line, key) => {
    const r = loadPolicy(text, '/repo/agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ file: '/repo/agent-sre.yaml', line, key });
  });

  it('reports an alias with no anchor as a problem instead of throwing', () => {
    const r = loadPolicy('version: 1\nrules: *missing\n', 'agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/alias|anchor|missing/i);
  });

  it('reports YAML syntax errors with a position', () => {
    const r = loadPolicy('version: 1\nrules: [\n', 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.line).toBeGreaterThan(0);
  });

  it('rules from the project come after the defaults; disabled ids are removed at compile time', () => {
    const r = loadPolicy(
      'version: 1\ndisabled: [git.push-protected]\nrules:\n  - id: team.x\n    tier: 4\n    reason: no\n    match: { program: [kubectl] }\n',
      'p',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.rules.at(-1)!.id).toBe('team.x');
    expect(r.policy.disabled).toEqual(['git.push-protected']);
  });

  describe('the guard rules are built in (issue 10, finding 1)', () => {
    const judge = (text: string, command: string) => {
      const r = loadPolicy(text, 'agent-sre.yaml');
      if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
      const ctx = {
        projectDir: '/work/proj',
        home: '/home/dev',
        tempDirs: ['/tmp'],
        parseShell: parseBash,
        protectedBranches: [],
      };
      const call = { tool: 'Bash', input: { command }, cwd: '/work/proj' };
      return evaluate(effectsOf(call, ctx), compilePolicy(r.policy, '/home/dev'));
    };

    it('extends: none keeps every guard.* rule of the default', () => {
      const guard = loadPolicy(undefined, 'x');
      const none = loadPolicy('version: 1\nextends: none\n', 'agent-sre.yaml');
      if (!guard.ok || !none.ok) throw new Error('invalid');
      const want = guard.policy.rules.filter((r) => r.id.startsWith('guard.')).map((r) => r.id);
      expect(want.length).toBeGreaterThan(3);
      expect(none.policy.rules.map((r) => r.id)).toEqual(want);
    });

    it.each([
      ['rm agent-sre.yaml', 'guard.tamper'],
      ['echo "extends: none" > agent-sre.yaml', 'guard.tamper'],
      ['agent-sre approve APR-1', 'guard.self-answer'],
    ])('under extends: none, %s is still denied by %s', (command, rule) => {
      const d = judge('version: 1\nextends: none\n', command);
      expect(d).toMatchObject({ tier: 4, rule });
    });

    it.each([
      ['disabled: [guard.tamper]', 'disabled.0'],
      ['disabled: [fs.delete-system, guard.self-answer]', 'disabled.1'],
      ['extends: none\nrules:\n  - id: guard.mine\n    tier: 1\n    reason: x\n    match: {}', 'rules.0.id'],
    ])('refuses %s with the key located', (body, key) => {
      const r = loadPolicy(`version: 1\n${body}\n`, 'agent-sre.yaml');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.key)).toContain(key);
    });

    it('compilePolicy ignores a guard id under disabled: whatever produced the policy', () => {
      const r = loadPolicy(undefined, 'x');
      if (!r.ok) throw new Error('invalid');
      const compiled = compilePolicy(
        { ...r.policy, disabled: ['guard.tamper', 'git.force-push'] },
        '/home/dev',
      );
      const ids = compiled.rules.map((x) => x.rule.id);
      expect(ids).toContain('guard.tamper');
      expect(ids).not.toContain('git.force-push');
    });
  });

  it('default rule ids are unique', () => {
    const ids = [...DEFAULT_POLICY_YAML.matchAll(/- id: (\S+)/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('the generated JSON Schema is up to date', () => {
    const file = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../schema/agent-sre.schema.json'), 'utf8'),
    ) as Record<string, unknown>;
    const fresh = z.toJSONSchema(policyFileSchema, { io: 'input' }) as Record<string, unknown>;
    expect(file.properties).toEqual(fresh.properties);
  });

  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });
});
