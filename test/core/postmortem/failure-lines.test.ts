// The evidence timeline tells a failed check or test run by its failing test and assertion, not by the
// runner's last line (`# duration_ms 316.6`), using the real node --test output in the fixtures.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEvidencePack } from '../../../src/core/postmortem/pack.ts';
import { newSession } from '../../../src/core/session/rules.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';
import { BUDGETS, DENIALS } from '../../fixtures/evidence.ts';

const P = '/work/proj';
const T = Date.UTC(2026, 2, 10, 14);
const TAP = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'failure-summary', 'node-tap.txt'),
  'utf8',
);

function ev(s: number, over: Partial<LedgerEvent>): LedgerEvent {
  return {
    v: 1,
    ts: T + s * 1000,
    sessionId: 's1',
    event: 'PreToolUse',
    tool: null,
    toolUseId: null,
    agentId: null,
    tier: null,
    verdict: null,
    rule: null,
    reason: null,
    effects: [],
    durationMs: 1,
    input: null,
    ...over,
  };
}

describe('failure lines in the evidence timeline', () => {
  const pack = buildEvidencePack({
    projectDir: P,
    session: newSession('s1', P, T),
    events: [
      ev(1, {
        event: 'PostToolUseFailure',
        tool: 'Bash',
        reason: TAP,
        input: JSON.stringify({ command: 'npm test' }),
      }),
      ev(2, {
        event: 'check.result',
        verdict: 'deny',
        rule: 'tests',
        reason: `\`npm test\` exited 1 after 0.8 s\n${TAP}`,
      }),
      ev(3, {
        event: 'PostToolUseFailure',
        tool: 'Bash',
        reason: "a.c:3:1: error: expected ';' before '}' token\nmake: *** [Makefile:3: build] Error 1",
        input: JSON.stringify({ command: 'make build' }),
      }),
    ],
    incidents: [],
    budgets: BUDGETS,
    denials: DENIALS,
    git: { available: false, reason: 'not a git repository' },
    cost: null,
    testCommands: ['npm test'],
  });
  const failing =
    'sum > of an empty list is 0: Expected values to be strictly equal: expected 0, actual NaN (and 1 more)';

  it('names the failing test of a red test run and of a failed check', () => {
    expect(pack.timeline.map((e) => e.text)).toEqual([
      `Tests failed: npm test, first failure ${failing}.`,
      `Acceptance check tests failed: ${failing}.`,
      "Failed: Bash make build, ending a.c:3:1: error: expected ';' before '}' token.",
    ]);
    expect(pack.timeline.map((e) => e.md).join('\n')).not.toContain('duration_ms');
  });
});
