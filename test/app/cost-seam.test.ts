// The token-cost line of the evidence pack, report and postmortem: from the session's transcript, else
// from what the hook folded into the ledger, else nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/adapters/store/memory.ts';
import { sessionUsage } from '../../src/adapters/transcripts/usage-reader.ts';
import { USAGE_KIND } from '../../src/app/cost.ts';
import { costLineOf, projectCostOf } from '../../src/app/cost-seam.ts';
import { DEFAULT_PRICING } from '../../src/core/cost/prices.ts';
import { costText } from '../../src/core/postmortem/postmortem.ts';
import { newSession } from '../../src/core/session/rules.ts';

const CONFIG = join(import.meta.dirname, '..', 'fixtures', 'transcripts');
const SESSION = '5b1c7a2e-0d3f-4c89-9e61-7f2a4b8c9d01';
const MAIN = join(CONFIG, 'projects', '-work-demo', `${SESSION}.jsonl`);

describe('projectCostOf', () => {
  it("reads the session's transcript and its subagents' under CLAUDE_CONFIG_DIR", async () => {
    const store = createMemoryStore();
    const costOf = projectCostOf({
      store,
      projectDir: '/work/demo',
      env: { CLAUDE_CONFIG_DIR: CONFIG },
      home: '/nonexistent',
      pricing: DEFAULT_PRICING,
    });
    const line = await costOf(newSession(SESSION, '/work/demo', 0));
    const usage = await sessionUsage(MAIN, { pricing: DEFAULT_PRICING });
    expect(line).toEqual(costLineOf(usage));
    const t = usage.tokens;
    expect(line!.tokens).toBe(t.input + t.output + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead);
    expect(line!.tokens).toBeGreaterThan(0);
    expect(costText(line)).toMatch(/^[\d,]+ tokens, (\$\d|at least \$)/);
  });

  it('falls back to the usage the hook folded into the ledger, and says "not available" with neither', async () => {
    const store = createMemoryStore();
    const deps = {
      store,
      projectDir: '/work/elsewhere',
      env: { CLAUDE_CONFIG_DIR: '/nonexistent' },
      home: '/nonexistent',
      pricing: DEFAULT_PRICING,
    };
    const session = newSession('no-transcript', '/work/elsewhere', 0);
    expect(await projectCostOf(deps)(session)).toBeNull();
    expect(costText(null)).toBe('not available (no transcript)');

    const { readSession } = await import('../../src/adapters/transcripts/usage-reader.ts');
    const folded = await readSession(MAIN, { pricing: DEFAULT_PRICING });
    await store.transact(1, (tx) =>
      tx.putRecord({
        kind: USAGE_KIND,
        id: 'no-transcript',
        createdAt: 1,
        data: { rev: 1, offsets: {}, state: folded.state },
      }),
    );
    const line = await projectCostOf(deps)(session);
    expect(line).toEqual(costLineOf(await sessionUsage(MAIN, { pricing: DEFAULT_PRICING })));
  });
});
