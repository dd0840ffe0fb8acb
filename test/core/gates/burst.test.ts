// The PostToolBatch burst throttle: every limit passes at its value and blocks one over, writes and files
// and external calls are counted the way the session budgets count them, the tier test follows maxTier,
// the reason stays bounded and ends with an instruction, and over generated batches it never throws and
// blocks exactly when some limit was exceeded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BurstCall,
  type BurstLimit,
  type BurstThresholds,
  DEFAULT_BURST,
  judgeBurst,
} from '../../../src/core/gates/burst.ts';
import type { Effect, Tier } from '../../../src/core/types.ts';

const SLOW_DOWN = 'Slow down: make these changes in smaller steps you can verify';

const write = (path: string): Effect => ({ kind: 'write', path, zone: 'project', tags: [], origin: 'Write' });
const del = (path: string): Effect => ({
  kind: 'delete',
  path,
  zone: 'project',
  tags: [],
  origin: 'bash: rm',
});
const read = (path: string): Effect => ({ kind: 'read', path, zone: 'project', tags: [], origin: 'Read' });
const net = (host: string, tags: string[] = []): Effect => ({
  kind: 'net',
  host,
  method: 'GET',
  credentialed: false,
  tags,
  origin: `bash: curl ${host}`,
});
const mcp = (tool: string): Effect => ({
  kind: 'mcp',
  server: 'linear',
  tool,
  verb: 'write',
  tags: [],
  origin: `mcp__linear__${tool}`,
});
const exec = (program: string): Effect => ({
  kind: 'exec',
  program,
  argv: [program],
  tags: [],
  origin: 'bash',
});

const call = (over: Partial<BurstCall> = {}): BurstCall => ({
  tool: 'Bash',
  summary: 'ls',
  effects: [],
  tier: 1,
  rule: 'fallback.read',
  ...over,
});
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

// The tier test off, so each count is tested on its own.
const COUNTS: BurstThresholds = { ...DEFAULT_BURST, maxTier: 4 };

interface LimitCase {
  name: BurstLimit;
  thresholds: BurstThresholds;
  limit: number;
  /** A batch with n of the thing under test and nothing else over its limit. */
  batch: (n: number) => BurstCall[];
}

const LIMITS: LimitCase[] = [
  { name: 'calls', thresholds: COUNTS, limit: 12, batch: (n) => times(n, () => call()) },
  {
    name: 'writes',
    thresholds: COUNTS,
    limit: 8,
    // One file, so only the write count moves.
    batch: (n) => [call({ tool: 'Edit', effects: times(n, () => write('/p/a.ts')) })],
  },
  {
    name: 'writes',
    thresholds: COUNTS,
    limit: 8,
    batch: (n) => [call({ effects: times(n, () => del('/p/old.ts')) })],
  },
  {
    name: 'files',
    thresholds: { ...COUNTS, maxWrites: 100 },
    limit: 8,
    batch: (n) => [call({ tool: 'Write', effects: times(n, (i) => write(`/p/f${i}.ts`)) })],
  },
  {
    name: 'external',
    thresholds: COUNTS,
    limit: 6,
    batch: (n) => times(n, (i) => call({ tool: 'WebFetch', effects: [net(`h${i}.example.com`)] })),
  },
  {
    name: 'external',
    thresholds: COUNTS,
    limit: 6,
    batch: (n) => [call({ tool: 'mcp__linear__create', effects: times(n, () => mcp('create_issue')) })],
  },
];

describe('each limit passes at its value and blocks one over', () => {
  LIMITS.forEach(({ name, thresholds, limit, batch }, i) => {
    it.each([
      [limit - 1, false],
      [limit, false],
      [limit + 1, true],
    ])(`${name} #${i}: %i → block %s`, (n, block) => {
      const v = judgeBurst(batch(n), thresholds);
      expect(v.block).toBe(block);
      expect(v.exceeded).toEqual(block ? [name] : []);
      expect(v.reason === null).toBe(!block);
    });
  });

  it('limits come from the thresholds, not the defaults', () => {
    const batch = times(3, () => call());
    expect(judgeBurst(batch, { ...COUNTS, maxCalls: 2 }).exceeded).toEqual(['calls']);
    expect(judgeBurst(batch, { ...COUNTS, maxCalls: 3 }).block).toBe(false);
  });
});

describe('what counts', () => {
  it('counts a path written twice and deleted once as one file and three writes', () => {
    const batch = [
      call({ tool: 'Edit', effects: [write('/p/a.ts')] }),
      call({ tool: 'Edit', effects: [write('/p/a.ts'), write('/p/b.ts')] }),
      call({ effects: [del('/p/a.ts')] }),
    ];
    const { stats } = judgeBurst(batch, COUNTS);
    expect(stats).toMatchObject({ calls: 3, writes: 4, files: 2 });
  });

  it('blocks nine writes to one file on writes only, never on files', () => {
    const v = judgeBurst(
      times(9, () => call({ tool: 'Edit', effects: [write('/p/a.ts')] })),
      COUNTS,
    );
    expect(v.exceeded).toEqual(['writes']);
    expect(v.stats.files).toBe(1);
  });

  it('does not count local network calls as external', () => {
    const batch = times(20, (i) => call({ effects: [net(`localhost:${3000 + i}`, ['local'])] }));
    const v = judgeBurst(batch, { ...COUNTS, maxCalls: 100 });
    expect(v.stats.external).toBe(0);
    expect(v.block).toBe(false);
  });

  it('counts MCP calls and remote network calls as external', () => {
    const batch = [
      ...times(4, () => call({ tool: 'mcp__linear__create_issue', effects: [mcp('create_issue')] })),
      ...times(3, (i) => call({ effects: [net(`api${i}.example.com`)] })),
      call({ effects: [net('127.0.0.1', ['local'])] }),
    ];
    const v = judgeBurst(batch, COUNTS);
    expect(v.stats.external).toBe(7);
    expect(v.exceeded).toEqual(['external']);
  });

  it('ignores reads, execs and opaque effects in the write, file and external counts', () => {
    const opaque: Effect = { kind: 'opaque', why: 'eval', tags: [], origin: 'bash: eval' };
    const batch = times(10, (i) => call({ effects: [read(`/p/r${i}`), exec('git'), opaque] }));
    const v = judgeBurst(batch, COUNTS);
    expect(v.stats).toMatchObject({ writes: 0, files: 0, external: 0 });
    expect(v.block).toBe(false);
  });

  it('lists every limit exceeded, in a fixed order', () => {
    const batch = times(20, (i) =>
      call({ tier: i === 0 ? 4 : 2, effects: [write(`/p/${i}`), net(`h${i}.example.com`)] }),
    );
    expect(judgeBurst(batch, DEFAULT_BURST).exceeded).toEqual([
      'calls',
      'writes',
      'files',
      'external',
      'tier',
    ]);
  });

  it('lets an empty batch through', () => {
    const v = judgeBurst([], DEFAULT_BURST);
    expect(v).toEqual({
      block: false,
      reason: null,
      stats: { calls: 0, writes: 0, files: 0, external: 0, maxTier: 1, tierCalls: [] },
      exceeded: [],
    });
  });
});

describe('the tier test', () => {
  const mixed = [
    call({ tier: 1, rule: 'read.project', summary: 'cat README.md' }),
    call({ tier: 2, rule: 'fallback.write', summary: 'npm install' }),
    call({ tier: 3, rule: 'infra.change', summary: 'kubectl rollout restart deploy/x' }),
    call({ tier: 4, rule: 'git.force-push', summary: 'git push --force origin main' }),
  ];

  it.each<[Tier, string[]]>([
    [4, []],
    [3, ['git.force-push']],
    [2, ['infra.change', 'git.force-push']],
    [1, ['fallback.write', 'infra.change', 'git.force-push']],
  ])('maxTier %i stops the loop on the rules %j', (maxTier, rules) => {
    const v = judgeBurst(mixed, { ...COUNTS, maxTier });
    expect(v.stats.maxTier).toBe(4);
    expect(v.exceeded).toEqual(rules.length ? ['tier'] : []);
    expect(v.stats.tierCalls).toHaveLength(rules.length);
    rules.forEach((r, i) => {
      expect(v.stats.tierCalls[i]).toContain(r);
    });
    for (const r of rules) expect(v.reason).toContain(r);
  });

  it('lets a tier-3 call through at maxTier 3', () => {
    const v = judgeBurst(mixed.slice(0, 3), { ...COUNTS, maxTier: 3 });
    expect(v.block).toBe(false);
    expect(v.stats.maxTier).toBe(3);
  });

  it('stops a single tier-4 call under the defaults', () => {
    const v = judgeBurst([mixed[3]!], DEFAULT_BURST);
    expect(v.exceeded).toEqual(['tier']);
    expect(v.reason).toContain('above tier 3');
    // The batch was small, so the advice is to stop rather than to take smaller steps.
    expect(v.reason).not.toContain(SLOW_DOWN);
    expect(v.reason).toMatch(/Stop: do not retry these calls[\s\S]*wait for their answer\.$/);
  });
});

describe('the reason', () => {
  it('gives counts against limits and ends with the instruction', () => {
    const batch = times(13, (i) =>
      call({ tool: 'Edit', summary: `edit src/f${i}.ts`, effects: [write(`/p/f${i}`)] }),
    );
    const reason = judgeBurst(batch, COUNTS).reason!;
    expect(reason).toContain('batch of 13 parallel tool calls');
    expect(reason).toContain('13 tool calls (limit 12)');
    expect(reason).toContain('13 writes or deletes (limit 8)');
    expect(reason).toContain('13 files written or deleted (limit 8)');
    expect(reason).not.toContain('external');
    expect(reason).toMatch(/Slow down: make these changes in smaller steps you can verify[\s\S]*intended\.$/);
  });

  it('shows at most five calls, the highest tier first, and how many more there were', () => {
    const batch = [
      ...times(10, (i) => call({ summary: `low-${i}` })),
      call({ tier: 3, summary: 'the-tier-3-call', rule: 'infra.change' }),
      call({ tier: 4, summary: 'the-tier-4-call', rule: 'git.force-push' }),
      call({ summary: 'low-last' }),
    ];
    const reason = judgeBurst(batch, COUNTS).reason!;
    const at = (s: string) => reason.indexOf(s);
    expect(at('t4 Bash: the-tier-4-call [git.force-push]')).toBeGreaterThan(-1);
    expect(at('the-tier-4-call')).toBeLessThan(at('the-tier-3-call'));
    expect(at('the-tier-3-call')).toBeLessThan(at('low-0'));
    expect(reason).toContain('low-2');
    expect(reason).not.toContain('low-3');
    expect(reason).toContain('and 8 more');
  });

  it('stays within 1000 characters for 500 long calls and keeps the instruction', () => {
    const batch = times(500, (i) =>
      call({
        tier: ((i % 4) + 1) as Tier,
        tool: `mcp__server_${'x'.repeat(80)}__${i}`,
        summary: `${'y'.repeat(300)}\n${i}`,
        rule: `rule.${'z'.repeat(100)}.${i}`,
        effects: [write(`/p/${i}`), net(`h${i}.example.com`), mcp('t')],
      }),
    );
    const v = judgeBurst(batch, DEFAULT_BURST);
    expect(v.exceeded).toEqual(['calls', 'writes', 'files', 'external', 'tier']);
    expect(v.stats.tierCalls).toHaveLength(125);
    expect(v.reason!.length).toBeLessThanOrEqual(1000);
    expect(v.reason).toContain('500 tool calls (limit 12)');
    expect(v.reason).toContain('1000 external calls (limit 6)');
    expect(v.reason).toMatch(/Calls: t4 .*; and 49\d more\. Slow down/);
    expect(v.reason).toMatch(/intended\.$/);
  });

  it('keeps the reason on one line whatever the summaries hold', () => {
    const batch = times(13, () => call({ summary: 'echo a\nrm -rf b\r\n\tdone\u0007' }));
    const reason = judgeBurst(batch, COUNTS).reason!;
    expect(reason).not.toMatch(/[\u0000-\u001f]/);
    expect(reason).toContain('echo a rm -rf b done');
  });
});

describe('properties', () => {
  const path = fc.constantFrom('/p/a', '/p/b', '/p/c', '/home/u/.ssh/id', '/tmp/x');
  const tags = fc.array(fc.constantFrom('local', 'credential', 'recursive', 'git.force-push'), {
    maxLength: 3,
  });
  const effect: fc.Arbitrary<Effect> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('write' as const, 'delete' as const, 'read' as const),
      path,
      zone: fc.constantFrom('project' as const, 'home' as const, 'temp' as const),
      tags,
      origin: fc.string(),
    }),
    fc.record({
      kind: fc.constant('net' as const),
      host: fc.string(),
      method: fc.constantFrom('GET', 'POST'),
      credentialed: fc.boolean(),
      tags,
      origin: fc.string(),
    }),
    fc.record({
      kind: fc.constant('mcp' as const),
      server: fc.string(),
      tool: fc.string(),
      verb: fc.constantFrom('read' as const, 'write' as const, 'delete' as const, 'unknown' as const),
      tags,
      origin: fc.string(),
    }),
    fc.record({
      kind: fc.constant('exec' as const),
      program: fc.string(),
      argv: fc.array(fc.string()),
      tags,
      origin: fc.string(),
    }),
    fc.record({ kind: fc.constant('opaque' as const), why: fc.string(), tags, origin: fc.string() }),
  );
  const tier = fc.constantFrom<Tier>(1, 2, 3, 4);
  const burstCall: fc.Arbitrary<BurstCall> = fc.record({
    tool: fc.string({ maxLength: 200 }),
    summary: fc.string({ unit: 'binary', maxLength: 400 }),
    effects: fc.array(effect, { maxLength: 6 }),
    tier,
    rule: fc.string({ maxLength: 200 }),
  });
  const thresholds: fc.Arbitrary<BurstThresholds> = fc.record({
    maxCalls: fc.integer({ min: 1, max: 20 }),
    maxWrites: fc.integer({ min: 1, max: 20 }),
    maxFiles: fc.integer({ min: 1, max: 5 }),
    maxExternal: fc.integer({ min: 1, max: 20 }),
    maxTier: tier,
  });

  it('never throws, and blocks exactly when a limit was exceeded', () => {
    fc.assert(
      fc.property(fc.array(burstCall, { maxLength: 40 }), thresholds, (calls, t) => {
        const v = judgeBurst(calls, t);
        expect(v.block).toBe(v.exceeded.length > 0);
        expect(v.reason === null).toBe(!v.block);
        if (v.reason !== null) expect(v.reason.length).toBeLessThanOrEqual(1000);
        expect(v.stats.calls).toBe(calls.length);
        expect(v.stats.files).toBeLessThanOrEqual(v.stats.writes);
        expect(v.exceeded.includes('calls')).toBe(calls.length > t.maxCalls);
        expect(v.exceeded.includes('tier')).toBe(calls.some((c) => c.tier > t.maxTier));
        expect(v.stats.tierCalls).toHaveLength(calls.filter((c) => c.tier > t.maxTier).length);
      }),
      { numRuns: 500 },
    );
  });
});
