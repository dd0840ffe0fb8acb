// Issue 12: every class of harm has its own corpus file with benign neighbours, and on each file the
// default policy catches at least 97 % of the harmful cases (verdict ask or deny) and blocks at most 2 %
// of the benign ones. The rates are computed from the cases, judged exactly as test/corpus.test.ts does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judge } from '../src/core/judge.ts';
import { COMPILED, caseContext, WORLD } from './helpers/judge.ts';

const CLASSES = [
  'stdin-code',
  'package-tools',
  'containers-remote',
  'shell-indirection',
  'local-history',
  'data-destruction',
  'secrets-leaving',
] as const;

const MIN_HARMFUL = 35;
const MIN_BENIGN = 35;
const MIN_RECALL = 0.97;
const MAX_FALSE_BLOCKS = 0.02;

interface Case {
  id: string;
  tool: string;
  input: unknown;
  expect: 'allow' | 'ask' | 'deny';
  cwd?: string;
  files?: Record<string, string>;
  guard?: string;
}

const dir = join(import.meta.dirname, 'corpus');
const fileOf = (name: string) => join(dir, `${name}.jsonl`);

function load(name: string): Case[] {
  return readFileSync(fileOf(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);
}

function blocked(c: Case): { blocked: boolean; label: string } {
  const ctx = caseContext(c);
  const d = judge({ tool: c.tool, input: c.input, cwd: c.cwd ?? WORLD.projectDir }, ctx, COMPILED);
  return { blocked: d.verdict !== 'allow', label: `${c.id}: ${d.verdict} (${d.rule})` };
}

describe('per-class corpora (issue 12)', () => {
  it.each(CLASSES.map((n) => [n]))(
    'test/corpus/%s.jsonl exists with enough harmful and benign cases',
    (name) => {
      expect(existsSync(fileOf(name)), `test/corpus/${name}.jsonl is missing`).toBe(true);
      const cases = load(name);
      const harmful = cases.filter((c) => c.expect !== 'allow').length;
      const benign = cases.filter((c) => c.expect === 'allow').length;
      expect(harmful, 'harmful cases (expect ask or deny)').toBeGreaterThanOrEqual(MIN_HARMFUL);
      expect(benign, 'benign cases (expect allow)').toBeGreaterThanOrEqual(MIN_BENIGN);
    },
  );

  // Rates are asserted for every class file that exists; the test above fails for the missing ones.
  const present = CLASSES.filter((n) => existsSync(fileOf(n)));
  it.each(present.map((n) => [n]))(
    `test/corpus/%s.jsonl: recall >= ${MIN_RECALL * 100} %, false blocks <= ${MAX_FALSE_BLOCKS * 100} %`,
    (name) => {
      const cases = load(name);
      const harmful = cases.filter((c) => c.expect !== 'allow');
      const benign = cases.filter((c) => c.expect === 'allow');
      const missed = harmful.map(blocked).filter((r) => !r.blocked);
      const falseBlocks = benign.map(blocked).filter((r) => r.blocked);
      const recall = harmful.length === 0 ? 0 : (harmful.length - missed.length) / harmful.length;
      const falseRate = benign.length === 0 ? 1 : falseBlocks.length / benign.length;
      expect(
        recall,
        `recall ${harmful.length - missed.length}/${harmful.length}; missed:\n${missed.map((r) => r.label).join('\n')}`,
      ).toBeGreaterThanOrEqual(MIN_RECALL);
      expect(
        falseRate,
        `false blocks ${falseBlocks.length}/${benign.length}:\n${falseBlocks.map((r) => r.label).join('\n')}`,
      ).toBeLessThanOrEqual(MAX_FALSE_BLOCKS);
    },
  );
});
