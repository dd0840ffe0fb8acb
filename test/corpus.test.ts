// The table-driven corpus: every case in test/corpus/*.jsonl through the default policy.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge } from '../src/core/judge.ts';
import { COMPILED, caseContext, WORLD } from './helpers/judge.ts';

interface Case {
  id: string;
  tool: string;
  input: unknown;
  expect: 'allow' | 'ask' | 'deny';
  tier?: number;
  why: string;
  cwd?: string;
  files?: Record<string, string>;
  guard?: string;
}

const dir = join(import.meta.dirname, 'corpus');
const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
const cases: Case[] = files.flatMap((f) =>
  readFileSync(join(dir, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case),
);

describe('policy corpus', () => {
  it('has at least 400 cases across every category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const ctx = caseContext(c);
    const d = judge({ tool: c.tool, input: c.input, cwd: c.cwd ?? WORLD.projectDir }, ctx, COMPILED);
    const got = { verdict: d.verdict, ...(c.tier ? { tier: d.tier } : {}) };
    const want = { verdict: c.expect, ...(c.tier ? { tier: c.tier } : {}) };
    expect(got, `${c.why}\nrule ${d.rule}: ${d.reason}`).toEqual(want);
  });
});
