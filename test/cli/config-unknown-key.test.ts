// An unknown key in agent-sre.yaml is reported at its own line with the known key it most likely meant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { knownKeysAt } from '../../src/config/known-keys.ts';
import { formatProblems, loadPolicy } from '../../src/config/load.ts';

describe('an unknown key in agent-sre.yaml', () => {
  it.each([
    // [what, yaml, line, key, message]
    [
      'a top-level typo',
      'version: 1\nrulez: []\n',
      2,
      'rulez',
      'unknown key "rulez" (did you mean "rules"?)',
    ],
    [
      'a top-level typo whose value spans lines',
      'version: 1\nbudgetz:\n  filesTouched: 3\n  toolCalls: 4\n',
      2,
      'budgetz',
      'unknown key "budgetz" (did you mean "budgets"?)',
    ],
    [
      'a nested typo, swapped letters',
      'version: 1\nbudgets:\n  toolCalls: 5\n  filesTocuhed: 3\n',
      4,
      'budgets.filesTocuhed',
      'unknown key "filesTocuhed" (did you mean "filesTouched"?)',
    ],
    [
      'a nested typo whose value is a map',
      'version: 1\ngate:\n  moed:\n    a: 1\n',
      3,
      'gate.moed',
      'unknown key "moed" (did you mean "mode"?)',
    ],
    [
      'a typo inside a list item',
      'version: 1\nrules:\n  - id: team.x\n    tier: 3\n    reasn: x\n    match: {}\n',
      5,
      'rules.0.reasn',
      'unknown key "reasn" (did you mean "reason"?)',
    ],
    [
      'a typo in a rule match',
      'version: 1\nrules:\n  - id: team.x\n    tier: 3\n    reason: x\n    match:\n      programs: [kubectl]\n',
      7,
      'rules.0.match.programs',
      'unknown key "programs" (did you mean "program"?)',
    ],
    [
      'a typo in a channel of a discriminated union',
      'version: 1\nchannels:\n  ops:\n    type: file\n    pth: x.jsonl\n',
      5,
      'channels.ops.pth',
      'unknown key "pth" (did you mean "path"?)',
    ],
    [
      'a key far from any known one, where few are allowed',
      'version: 1\ndenials:\n  zzzzzzzz: 1\n',
      3,
      'denials.zzzzzzzz',
      'unknown key "zzzzzzzz" (expected one of: escalateAfter, terminateAfter)',
    ],
  ])('%s', (_what, yaml, line, key, message) => {
    const r = loadPolicy(yaml, '/repo/agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toContainEqual(expect.objectContaining({ line, key, message }));
  });

  it('reports each of several unknown keys in one map at its own line', () => {
    const r = loadPolicy('version: 1\nrulez: []\nbudgets: {}\ndisabeld: []\n', 'agent-sre.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.line, p.key])).toEqual([
      [2, 'rulez'],
      [4, 'disabeld'],
    ]);
    expect(r.problems[1]!.message).toMatch(/did you mean "disabled"\?/);
  });
});

describe('any keys at all', () => {
  // Where strict objects of several kinds sit: the root, a plain map, a list item, a record entry and a
  // discriminated union.
  const places = [
    (extra: object) => ({ version: 1, ...extra }),
    (extra: object) => ({ version: 1, budgets: extra }),
    (extra: object) => ({ version: 1, rules: [{ id: 'a.b', tier: 3, reason: 'x', match: {}, ...extra }] }),
    (extra: object) => ({ version: 1, channels: { ops: { type: 'file', path: 'x.jsonl', ...extra } } }),
  ];
  it('are refused with a located, printable problem, never a throw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }),
          fc.jsonValue({ maxDepth: 2 }),
          {
            maxKeys: 4,
          },
        ),
        (place, extra) => {
          const r = loadPolicy(stringify(place(extra)), 'agent-sre.yaml');
          if (r.ok) return;
          for (const p of r.problems) {
            expect(p.line).toBeGreaterThanOrEqual(1);
            expect(p.column).toBeGreaterThanOrEqual(1);
          }
          expect(formatProblems(r.problems.filter((p) => p.message.startsWith('unknown key')))).not.toMatch(
            /[\u0000-\u0009\u000b-\u001f\u007f]/,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('knownKeysAt', () => {
  const schema = z.strictObject({
    a: z.strictObject({ b: z.number() }).default({ b: 1 }),
    list: z.array(z.strictObject({ k: z.string() })).optional(),
    map: z.record(z.string(), z.strictObject({ x: z.number() })),
    u: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('a'), p: z.number() }),
      z.strictObject({ kind: z.literal('b'), q: z.number() }),
    ]),
    piped: z
      .strictObject({ raw: z.string() })
      .transform((v) => v.raw)
      .pipe(z.string()),
  });
  it.each([
    [[], {}, ['a', 'list', 'map', 'u', 'piped']],
    [['a'], { a: {} }, ['b']],
    [['list', 0], { list: [{}] }, ['k']],
    [['map', 'any'], { map: { any: {} } }, ['x']],
    [['u'], { u: { kind: 'b' } }, ['kind', 'q']],
    [['u'], { u: {} }, ['kind', 'p', 'q']],
    [['piped'], { piped: {} }, ['raw']],
    [['nowhere', 'x'], {}, []],
  ] as [(string | number)[], unknown, string[]][])('at %j', (path, value, keys) => {
    expect(knownKeysAt(schema, value, path)).toEqual(keys);
  });
});
