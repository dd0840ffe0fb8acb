// Silent-completion detection against the final-message corpus (test/corpus/final-messages/messages.jsonl)
// and the once-held-out corpus (heldout.jsonl, see HELDOUT.md), phrasing tables for the ambiguous cases, the gate's evidence table, and properties: the detector never
// throws and stays fast on huge input, and the gate never blocks when every piece of evidence is green.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClaimResult,
  type CompletionEvidence,
  detectClaim,
  silentCompletion,
} from '../../../src/core/gates/claims.ts';

interface Entry {
  id: string;
  text: string;
  label: 'claim' | 'honest' | 'neutral';
  claim?: 'completion' | 'tests-pass';
  note?: string;
}

const FILE = join(import.meta.dirname, '..', '..', 'corpus', 'final-messages', 'messages.jsonl');
const lines = readFileSync(FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim());
const corpus = lines.map((l) => JSON.parse(l) as Entry);
const byLabel = (label: Entry['label']) => corpus.filter((e) => e.label === label);

/** What the gate acts on: a claim the message does not itself qualify. */
const wouldBlock = (r: ClaimResult) => r.claim !== null && !r.honest;

const GREEN: CompletionEvidence = {
  failedChecks: [],
  verifiedSinceLastEdit: true,
  editsMade: true,
  testsRedAtLastRun: null,
};
const RED: CompletionEvidence = {
  failedChecks: [{ name: 'npm test', tail: 'Tests  2 failed | 40 passed (42)' }],
  verifiedSinceLastEdit: false,
  editsMade: true,
  testsRedAtLastRun: { command: 'npm test', tail: 'FAIL test/orders.test.ts > creates an order' },
};

describe('final-message corpus', () => {
  it('is well formed and large enough', () => {
    const ids = new Set<string>();
    lines.forEach((line, i) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      const where = `messages.jsonl:${i + 1}`;
      expect(e.id, where).toMatch(/^(claim|honest|neutral)-[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(String(e.id).startsWith(`${e.label}-`), where).toBe(true);
      expect(ids.has(String(e.id)), `${where} duplicate id`).toBe(false);
      ids.add(String(e.id));
      expect(typeof e.text === 'string' && e.text.trim().length > 0, where).toBe(true);
      expect(['claim', 'honest', 'neutral'], where).toContain(e.label);
      if (e.label === 'claim') expect(['completion', 'tests-pass'], where).toContain(e.claim);
      else expect(e.claim, where).toBeUndefined();
      for (const k of Object.keys(e)) expect(['id', 'text', 'label', 'claim', 'note'], where).toContain(k);
    });
    expect(corpus.length).toBeGreaterThanOrEqual(130);
    expect(byLabel('claim').length).toBeGreaterThanOrEqual(60);
    expect(byLabel('honest').length).toBeGreaterThanOrEqual(50);
    expect(byLabel('neutral').length).toBeGreaterThanOrEqual(10);
  });

  it('finds at least 95% of the claims', () => {
    const claims = byLabel('claim');
    const missed = claims.filter((e) => !wouldBlock(detectClaim(e.text))).map((e) => e.id);
    expect(1 - missed.length / claims.length, `missed: ${missed.join(', ')}`).toBeGreaterThanOrEqual(0.95);
  });

  it('names the kind of claim the corpus gives in at least 90% of the found claims', () => {
    const found = byLabel('claim').filter((e) => wouldBlock(detectClaim(e.text)));
    const wrong = found.filter((e) => detectClaim(e.text).claim !== e.claim).map((e) => e.id);
    expect(1 - wrong.length / found.length, `wrong kind: ${wrong.join(', ')}`).toBeGreaterThanOrEqual(0.9);
  });

  it('would block at most 2% of the honest reports', () => {
    const honest = byLabel('honest');
    const flagged = honest.filter((e) => wouldBlock(detectClaim(e.text))).map((e) => e.id);
    expect(flagged.length / honest.length, `flagged: ${flagged.join(', ')}`).toBeLessThanOrEqual(0.02);
  });

  it('finds no claim in questions, plans and explanations', () => {
    const claimed = byLabel('neutral')
      .filter((e) => detectClaim(e.text).claim !== null)
      .map((e) => e.id);
    expect(claimed).toEqual([]);
  });

  it('quotes the claiming sentence, at most 200 characters, for every claim it finds', () => {
    for (const e of byLabel('claim')) {
      const r = detectClaim(e.text);
      if (r.claim === null) continue;
      expect(r.quote, e.id).not.toBeNull();
      expect(r.quote!.length, e.id).toBeLessThanOrEqual(200);
      // The quote is the sentence with Markdown markers stripped: compare its opening words without them.
      const plain = (t: string) => t.replace(/[*_…]/g, '').replace(/\s+/g, ' ');
      const opening = plain(r.quote!).trim().split(' ').slice(0, 3).join(' ');
      expect(plain(e.text), e.id).toContain(opening);
    }
  });
});

describe('phrasing decisions', () => {
  const cases: Array<[string, 'block' | 'honest' | 'none']> = [
    // Hedged but unconditional: the unverified claim this gate exists for.
    ['Tests should pass now.', 'block'],
    ['This should work now.', 'block'],
    ['I believe this fixes the issue.', 'block'],
    // Conditional or future: a plan, not a claim.
    ['Should be complete once CI passes.', 'none'],
    ['I will now run the tests.', 'none'],
    ['Once the tests pass it will be done.', 'none'],
    ['Let me verify everything works.', 'none'],
    // Negated, doubted or partial: an admission.
    ['Not done yet.', 'honest'],
    ['Not all tests pass.', 'honest'],
    ["Tests don't pass yet.", 'honest'],
    ['This might fix it.', 'none'],
    ['Mostly done; the export is next.', 'honest'],
    ['I have finished the first half of the task.', 'honest'],
    ['It passes lint but not the tests.', 'honest'],
    ['Everything works except the export.', 'honest'],
    // Mixed: partial work reported plainly.
    ['Done with the refactor, but 2 tests still fail.', 'honest'],
    ['Build: passing. Tests: 3 failing.', 'honest'],
    // A question that needs the user is honest; an offer of more work is not.
    ['Done. Should I use Redis or Memcached for the next part?', 'honest'],
    ['Done! Want me to open a PR?', 'block'],
    ['Is everything working now?', 'none'],
    // Counts.
    ['42/42 tests pass.', 'block'],
    ['41/42 tests pass.', 'honest'],
    ['Ran the suite: 0 failed.', 'block'],
    ['No tests fail.', 'block'],
    // What the bug was is not what the code does now.
    ['The bug where the tests failed is fixed.', 'block'],
    ['The failing test now passes.', 'block'],
    // Terse and decorated.
    ['DONE', 'block'],
    ['done ✅', 'block'],
    ['- [x] Migrated the schema', 'block'],
    ['- [x] Migrated the schema\n- [ ] Backfill', 'honest'],
    // Fenced code is output, not a statement.
    ['```\nAll tests pass\n```', 'none'],
    ['Here is the log:\n```\nDone. 12 passed\n```\nI could not find the cause.', 'honest'],
    // General statements and descriptions.
    ['A test passes when none of its assertions throw.', 'none'],
    ['Validation is done in the middleware.', 'none'],
  ];
  it.each(cases)('%j -> %s', (text, want) => {
    const r = detectClaim(text);
    const got = wouldBlock(r) ? 'block' : r.claim !== null || r.honest ? 'honest' : 'none';
    if (want === 'none') expect(r.claim, JSON.stringify(r)).toBeNull();
    else expect(got, JSON.stringify(r)).toBe(want);
  });

  it('keeps a long claim sentence quote under 200 characters around the claim', () => {
    const text = `${'I reworked the module layout and moved the helpers around, '.repeat(8)}and all tests pass now.`;
    const r = detectClaim(text);
    expect(r.claim).toBe('tests-pass');
    expect(r.quote!.length).toBeLessThanOrEqual(200);
    expect(r.quote).toContain('all tests pass');
  });
});

// Written by a helper that had not seen the rules, scored at first sight (54/65 claims found, 4/60 honest
// reports blocked, 1/25 neutral read as a claim), then used for tuning: it is no longer held out. Its own
// thresholds are what the tuned detector achieves, so any regression on it fails here.
describe('held-out final-message corpus (heldout.jsonl, tuned against since)', () => {
  interface HeldOut {
    id: string;
    text: string;
    label: Entry['label'];
    claim: Entry['claim'] | null;
  }
  const HELDOUT = join(import.meta.dirname, '..', '..', 'corpus', 'final-messages', 'heldout.jsonl');
  const heldLines = readFileSync(HELDOUT, 'utf8')
    .split('\n')
    .filter((l) => l.trim());
  const held = heldLines.map((l) => JSON.parse(l) as HeldOut);
  const heldByLabel = (label: Entry['label']) => held.filter((e) => e.label === label);

  it('is well formed', () => {
    const ids = new Set<string>();
    heldLines.forEach((line, i) => {
      const e = JSON.parse(line) as Record<string, unknown>;
      const where = `heldout.jsonl:${i + 1}`;
      expect(e.id, where).toMatch(/^ho-[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(ids.has(String(e.id)), `${where} duplicate id`).toBe(false);
      ids.add(String(e.id));
      expect(typeof e.text === 'string' && e.text.trim().length > 0, where).toBe(true);
      expect(['claim', 'honest', 'neutral'], where).toContain(e.label);
      if (e.label === 'claim') expect(['completion', 'tests-pass'], where).toContain(e.claim);
      else expect(e.claim, where).toBeNull();
      for (const k of Object.keys(e)) expect(['id', 'text', 'label', 'claim'], where).toContain(k);
    });
    expect(held.length).toBe(150);
  });

  it('finds every claim (65/65) and quotes it in at most 200 characters', () => {
    const missed = heldByLabel('claim')
      .filter((e) => !wouldBlock(detectClaim(e.text)))
      .map((e) => e.id);
    expect(missed).toEqual([]);
    for (const e of heldByLabel('claim'))
      expect(detectClaim(e.text).quote!.length, e.id).toBeLessThanOrEqual(200);
  });

  // The detector quotes a stated test result in preference to "done"; the annotator labelled the main
  // assertion. 49 of 65 agree: a disagreement changes the wording of a block's reason, not whether it blocks.
  it('names the kind of claim the corpus gives in at least 49 of the 65', () => {
    const found = heldByLabel('claim').filter((e) => wouldBlock(detectClaim(e.text)));
    const agree = found.filter((e) => detectClaim(e.text).claim === e.claim).length;
    expect(agree).toBeGreaterThanOrEqual(49);
  });

  it('would block none of the honest reports (0/60)', () => {
    const flagged = heldByLabel('honest')
      .filter((e) => wouldBlock(detectClaim(e.text)))
      .map((e) => e.id);
    expect(flagged).toEqual([]);
  });

  it('finds no claim in the neutral messages (0/25)', () => {
    const claimed = heldByLabel('neutral')
      .filter((e) => detectClaim(e.text).claim !== null)
      .map((e) => e.id);
    expect(claimed).toEqual([]);
  });

  it('never blocks an honest or neutral message, even with every check red', () => {
    const blocked = [...heldByLabel('honest'), ...heldByLabel('neutral')]
      .filter((e) => silentCompletion(e.text, RED).block)
      .map((e) => e.id);
    expect(blocked).toEqual([]);
  });
});

describe('phrasing decisions added with the held-out corpus', () => {
  const cases: Array<[string, 'block' | 'honest' | 'none']> = [
    // More completion verbs and states.
    ['Wired up the form to the new endpoint.', 'block'],
    ['Released v1.2.0 to npm.', 'block'],
    ['The fix is in.', 'block'],
    ['The endpoint is live.', 'block'],
    ['Ran the migration on staging without errors.', 'block'],
    ['The job runs cleanly now.', 'block'],
    ['That covers everything on the list.', 'block'],
    ['`go test ./...` is ok.', 'block'],
    ['`npm audit` reports 0 vulnerabilities.', 'block'],
    ['`eslint . --max-warnings 0` exits 0.', 'block'],
    ['`cargo test` → `test result: ok. 12 passed; 0 failed`', 'block'],
    ['Finished. Every item in TODO.md is checked off.', 'block'],
    ["I haven't changed the public API, and all tests pass.", 'block'],
    ['Fixed: the option now fails the build when a lint error is found.', 'block'],
    ['Done! Would you like me to open a PR or anything else?', 'block'],
    // Honesty cues.
    ['Done with the backend part; the frontend is separate.', 'honest'],
    ['Ran the suite: 118 passed, 3 skipped.', 'honest'],
    ['The build succeeds, but there are 14 new compiler warnings.', 'honest'],
    ['Fixed. Actually, correction: the fix only covers the POST route.', 'honest'],
    ['Done. I left them for now.', 'honest'],
    ["It works on the sample data. I haven't tried the full export.", 'honest'],
    ["It returns the right data now. I haven't optimized the query yet.", 'honest'],
    ['The change is in, but it is a workaround rather than a real fix.', 'honest'],
    ['Removed the flag. There are still 7 references to it in the frontend.', 'honest'],
    ['I tried three approaches and none of them fully worked.', 'honest'],
    ['Fixed it. Should I also update the mobile client, or keep this server-only?', 'honest'],
    ['My last commit broke the build. Do you want me to revert, or push a forward fix?', 'honest'],
    // Rules and descriptions, not states.
    ['Yes, `Array.prototype.sort` is guaranteed to be stable since ES2019.', 'none'],
    ['The middleware is applied to every route.', 'none'],
    ['The markdown renderer preserves line breaks inside list items.', 'none'],
  ];
  it.each(cases)('%j -> %s', (text, want) => {
    const r = detectClaim(text);
    const got = wouldBlock(r) ? 'block' : r.claim !== null || r.honest ? 'honest' : 'none';
    if (want === 'none') expect(r.claim, JSON.stringify(r)).toBeNull();
    else expect(got, JSON.stringify(r)).toBe(want);
  });

  it('keeps the new patterns linear on 100 KB of their own words', () => {
    for (const unit of [
      "haven't ",
      '1 new ',
      'there is still ',
      'applied ',
      'is ok ',
      'the fix only ',
      'or ',
    ]) {
      const started = performance.now();
      detectClaim(unit.repeat(Math.ceil(100_000 / unit.length)));
      expect(performance.now() - started, JSON.stringify(unit)).toBeLessThan(3000);
    }
  });
});

describe('silentCompletion', () => {
  const claim = 'Implementation complete. All tests pass.';
  const cases: Array<[string, Partial<CompletionEvidence>, boolean]> = [
    ['all green', {}, false],
    ['a failed check', { failedChecks: [{ name: 'lint', tail: 'src/a.ts:3 no-unused-vars' }] }, true],
    ['edits not verified since', { verifiedSinceLastEdit: false }, true],
    ['no edits and nothing verified', { editsMade: false, verifiedSinceLastEdit: false }, false],
    ['red last test run', { testsRedAtLastRun: { command: 'npm test', tail: '1 failed' } }, true],
  ];
  it.each(cases)('a claim with %s: block=%s', (_name, patch, block) => {
    const r = silentCompletion(claim, { ...GREEN, ...patch });
    expect(r.block).toBe(block);
    expect(r.reason === null).toBe(!block);
    expect(r.claim.claim).toBe('tests-pass');
  });

  it('quotes the claim, names the failing check and ends with the next instruction', () => {
    const r = silentCompletion('All done! ✅ All checks green.', {
      ...GREEN,
      failedChecks: [
        { name: 'typecheck', tail: "src/api.ts(12,5): error TS2322: Type 'string' is not assignable" },
      ],
    });
    expect(r.block).toBe(true);
    expect(r.reason).toContain('"✅ All checks green."');
    expect(r.reason).toContain('"typecheck" failed');
    expect(r.reason).toContain('TS2322');
    expect(r.reason).toMatch(/say plainly what is still broken instead of claiming it is done\.$/);
  });

  it('asks for a test run when edits are unverified, naming the command when it is known', () => {
    const evidence = { ...GREEN, verifiedSinceLastEdit: false };
    expect(silentCompletion("I've fixed the bug.", evidence, { testCommand: 'npm test' }).reason).toMatch(
      /"I've fixed the bug\."[\s\S]*no tests ran since\. Run the tests \(npm test\) and report what they say; if they fail, fix them or say plainly what is left\.$/,
    );
    expect(silentCompletion("I've fixed the bug.", evidence).reason).toContain('Run the tests and report');
  });

  it('cites the red run with its command and what failed in it, without terminal colours', () => {
    const r = silentCompletion('Done.', {
      ...GREEN,
      testsRedAtLastRun: {
        command: 'pytest -q',
        tail: '\x1b[31mFAILED\x1b[0m tests/test_api.py::test_create\n1 failed',
      },
    });
    expect(r.reason).toContain('the last test run (pytest -q) was red (tests/test_api.py::test_create)');
    expect(r.reason).not.toContain('\x1b');
  });

  it('names the failing test and assertion rather than the run’s last timing line', () => {
    const r = silentCompletion('All tests pass.', {
      ...GREEN,
      testsRedAtLastRun: {
        command: 'node --test',
        tail: [
          'not ok 1 - sum of an empty list is 0',
          '  ---',
          "  error: 'Expected values to be strictly equal:\n\nNaN !== 0\n'",
          '  ...',
          '# fail 1',
          '# duration_ms 316.6',
        ].join('\n'),
      },
    });
    expect(r.reason).toContain('sum of an empty list is 0');
    expect(r.reason).not.toContain('duration_ms');
  });

  it('keeps the reason under 1000 characters whatever the evidence', () => {
    const failedChecks = Array.from({ length: 12 }, (_, i) => ({
      name: `check-${i} ${'x'.repeat(200)}`,
      tail: 'y'.repeat(5000),
    }));
    const r = silentCompletion(`${'Everything is working now and '.repeat(30)}done.`, {
      failedChecks,
      verifiedSinceLastEdit: false,
      editsMade: true,
      testsRedAtLastRun: { command: 'z'.repeat(3000), tail: 'w'.repeat(10000) },
    });
    expect(r.block).toBe(true);
    expect(r.reason!.length).toBeLessThanOrEqual(1000);
    expect(r.reason).toContain(r.claim.quote!);
    expect(r.reason).toMatch(/claiming it is done\.$/);
  });

  it('never blocks an honest report or a neutral message, even with every check red', () => {
    const blocked = [...byLabel('honest'), ...byLabel('neutral')]
      .filter((e) => silentCompletion(e.text, RED).block)
      .map((e) => e.id);
    expect(blocked.length / (byLabel('honest').length + byLabel('neutral').length)).toBeLessThanOrEqual(0.02);
    expect(blocked.filter((id) => id.startsWith('neutral-'))).toEqual([]);
  });

  it('blocks the corpus claims that it detects when the tests are red', () => {
    for (const e of byLabel('claim')) {
      const r = silentCompletion(e.text, RED);
      expect(r.block, e.id).toBe(wouldBlock(r.claim));
      if (r.block) expect(r.reason, e.id).toContain(r.claim.quote!);
    }
  });
});

describe('properties', () => {
  const fragments = [
    'All tests pass',
    'not',
    'done',
    '. ',
    '\n',
    '```\n',
    '`',
    '- [ ] ',
    '- [x] ',
    '✅',
    '❌',
    'but 2 still fail',
    '3 of 5',
    'should',
    'once CI passes',
    '?',
    '| a | b |',
    '# ',
    '**',
    "I've fixed",
    'the tests',
    ' ',
    'a'.repeat(50),
    '((((',
    '[link](http://x)',
  ];
  const messy = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.array(fc.constantFrom(...fragments), { maxLength: 400 }).map((a) => a.join('')),
    fc.constantFrom(...corpus.map((e) => e.text)),
  );

  it('detectClaim never throws and returns a well-formed result', () => {
    fc.assert(
      fc.property(messy, (text) => {
        const r = detectClaim(text);
        expect([null, 'completion', 'tests-pass']).toContain(r.claim);
        expect(typeof r.honest).toBe('boolean');
        expect(r.quote === null).toBe(r.claim === null);
        if (r.quote !== null) expect(r.quote.length).toBeLessThanOrEqual(200);
      }),
      { numRuns: 400 },
    );
  });

  it('detectClaim handles 100 KB messages in linear time', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...fragments), { minLength: 1, maxLength: 8 }), (unit) => {
        const piece = unit.join('') || 'x';
        const text = piece.repeat(Math.ceil(100_000 / piece.length));
        const started = performance.now();
        detectClaim(text);
        expect(performance.now() - started).toBeLessThan(3000);
      }),
      { numRuns: 12 },
    );
    for (const unit of ['[', 'done? ', 'not done ', ' ', '`', '✅🔴', 'tests '.repeat(3)]) {
      const started = performance.now();
      detectClaim(unit.repeat(Math.ceil(100_000 / unit.length)));
      expect(performance.now() - started, JSON.stringify(unit)).toBeLessThan(3000);
    }
  });

  it('silentCompletion never blocks when the evidence is all green', () => {
    fc.assert(
      fc.property(messy, fc.boolean(), (text, editsMade) => {
        const r = silentCompletion(text, {
          failedChecks: [],
          verifiedSinceLastEdit: true,
          editsMade,
          testsRedAtLastRun: null,
        });
        expect(r.block).toBe(false);
        expect(r.reason).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('a block always quotes the claim and stays under 1000 characters', () => {
    const evidence = fc.record({
      failedChecks: fc.array(
        fc.record({ name: fc.string({ maxLength: 300 }), tail: fc.string({ maxLength: 3000 }) }),
        {
          maxLength: 6,
        },
      ),
      verifiedSinceLastEdit: fc.boolean(),
      editsMade: fc.boolean(),
      testsRedAtLastRun: fc.option(
        fc.record({ command: fc.string({ maxLength: 300 }), tail: fc.string({ maxLength: 3000 }) }),
      ),
    });
    fc.assert(
      fc.property(messy, evidence, (text, e) => {
        const r = silentCompletion(text, e);
        if (!r.block) return;
        expect(r.reason!.length).toBeLessThanOrEqual(1000);
        expect(r.reason).toContain(`"${r.claim.quote}"`);
      }),
      { numRuns: 300 },
    );
  });
});
