import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { parseSuiteFile } from '../../src/config/golden-load.ts';
import type { goldenSchema, goldenSuiteSchema } from '../../src/config/golden-schema.ts';
import { loadPolicy } from '../../src/config/load.ts';
import { DEFAULT_THRESHOLDS } from '../../src/core/drift/detect.ts';
import type { GoldenSettings, GoldenSuite } from '../../src/core/drift/types.ts';
import { METRICS } from '../../src/core/drift/types.ts';

const POLICY = `version: 1
golden:
  samples: 4
  suites:
    - id: refactor
      assert:
        - contains: DONE
      prompts:
        - id: loader
          prompt: Refactor the config loader and keep its tests green.
          assert:
            - regex: "^## "
            - notContains: TODO
              ignoreCase: true
        - id: summary
          promptFile: evals/prompts/summary.md
          assert:
            - schema: { type: object, required: [status] }
            - exitCode: 0
`;

describe('golden: in agent-sre.yaml', () => {
  it('parses into exactly the core types', () => {
    expectTypeOf<z.output<typeof goldenSchema>>().toEqualTypeOf<GoldenSettings>();
    expectTypeOf<z.output<typeof goldenSuiteSchema>>().toEqualTypeOf<GoldenSuite>();
  });

  it('is optional, with documented defaults that match the core thresholds', () => {
    const r = loadPolicy('version: 1\n', 'agent-sre.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.policy.golden).toEqual({
      runner: 'claude -p --output-format json',
      samples: 5,
      baselineSamples: 10,
      timeoutSeconds: 600,
      concurrency: 2,
      dir: 'evals',
      metrics: [...METRICS],
      thresholds: DEFAULT_THRESHOLDS,
      severity: {},
      suites: [],
    });
  });

  it('reaches the Policy with suites, prompts and assertions', () => {
    const r = loadPolicy(POLICY, 'agent-sre.yaml');
    expect(r.ok, JSON.stringify(!r.ok && r.problems)).toBe(true);
    if (!r.ok) return;
    const suite = r.policy.golden.suites[0]!;
    expect(r.policy.golden.samples).toBe(4);
    expect(suite.assert).toEqual([{ contains: 'DONE' }]);
    expect(suite.prompts.map((p) => p.id)).toEqual(['loader', 'summary']);
    expect(suite.prompts[1]!.assert).toEqual([
      { schema: { type: 'object', required: ['status'] } },
      { exitCode: 0 },
    ]);
  });

  it.each([
    [
      'an assertion of no known kind',
      POLICY.replace('- contains: DONE', '- startsWith: DONE'),
      'golden.suites.0.assert.0',
    ],
    [
      'two kinds in one assertion',
      POLICY.replace('- contains: DONE', '- { contains: DONE, regex: x }'),
      'golden.suites.0.assert.0',
    ],
    ['a bad regex', POLICY.replace('"^## "', '"("'), 'golden.suites.0.prompts.0.assert.0.regex'],
    [
      'a prompt with both text and file',
      POLICY.replace('          prompt: Refactor', '          promptFile: x.md\n          prompt: Refactor'),
      'golden.suites.0.prompts.0',
    ],
    [
      'a prompt file outside the project',
      POLICY.replace('evals/prompts/summary.md', '../secret.md'),
      'golden.suites.0.prompts.1.promptFile',
    ],
    ['a duplicate prompt id', POLICY.replace('id: summary', 'id: loader'), 'golden.suites.0.prompts.1.id'],
    ['an unknown metric', 'version: 1\ngolden:\n  metrics: [chars, vibes]\n', 'golden.metrics.1'],
    ['alpha out of range', 'version: 1\ngolden:\n  thresholds: { alpha: 0.9 }\n', 'golden.thresholds.alpha'],
    ['an unknown key', 'version: 1\ngolden:\n  sample: 3\n', 'golden.sample'],
  ])('rejects %s, naming the key', (_name, text, key) => {
    const r = loadPolicy(text, '/repo/agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.key)).toContain(key);
    expect(r.problems[0]!.line).toBeGreaterThan(1);
  });

  it('rejects two suites with one id', () => {
    const text = `version: 1\ngolden:\n  suites:\n    - { id: a, prompts: [{ id: p, prompt: x }] }\n    - { id: a, prompts: [{ id: p, prompt: y }] }\n`;
    const r = loadPolicy(text, 'agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ key: 'golden.suites.1.id', line: 5 });
  });
});

describe('suite files (evals/*.yaml)', () => {
  it('take their id from the file name unless they give one', () => {
    const text = 'prompts:\n  - id: p\n    prompt: hi\n';
    const r = parseSuiteFile(text, 'evals/nightly.yaml', 'nightly');
    expect(r).toEqual({
      ok: true,
      suite: { id: 'nightly', assert: [], prompts: [{ id: 'p', prompt: 'hi', assert: [] }] },
    });
    const named = parseSuiteFile(`id: other\n${text}`, 'evals/nightly.yaml', 'nightly');
    expect(named.ok && named.suite.id).toBe('other');
    const bad = parseSuiteFile(text, 'evals/Nightly Run.yaml', 'Nightly Run');
    expect(bad.ok).toBe(false);
  });

  it('name the file, line and key of a problem', () => {
    const r = parseSuiteFile(
      'prompts:\n  - id: p\n    prompt: hi\n    assert:\n      - regex: "["\n',
      'evals/x.yaml',
      'x',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]).toMatchObject({ file: 'evals/x.yaml', line: 5, key: 'prompts.0.assert.0.regex' });
    const syntax = parseSuiteFile('prompts: [\n', 'evals/x.yaml', 'x');
    expect(syntax.ok).toBe(false);
  });

  it('property: any text is a suite or a list of located problems, never a throw', () => {
    const fragments = [
      'prompts:',
      '\n  - ',
      'id: p',
      'prompt: x',
      'assert:',
      '- contains: y',
      '{',
      '[',
      ': ',
      '"',
      '\t',
      '&a',
      '*a',
      '!!str',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 5 })), { maxLength: 20 }),
        (parts) => {
          const r = parseSuiteFile(parts.join(''), 'evals/f.yaml', 'f');
          if (!r.ok) {
            expect(r.problems.length).toBeGreaterThan(0);
            for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
          } else expect(r.suite.prompts.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });
});
