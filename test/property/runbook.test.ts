// Properties of the runbook linter (Markdown adapter + pure rules) over generated input: no text crashes
// it, and every finding points at a real line of the file it names, with a known rule and severity.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/adapters/markdown/parse.ts';
import { lintRunbooks } from '../../src/core/runbook/lint.ts';
import type { Finding, RunbookDoc } from '../../src/core/runbook/types.ts';

const RUNS = 300;
const PROJECT = '/project';

/** Pieces of Markdown that make a parser work: containers, fences, tables, HTML, odd line endings. */
const FRAGMENTS = [
  '# ',
  '## ',
  '###### ',
  '####### ',
  'Preconditions',
  'Before you start',
  'Escalation criteria',
  'When to escalate',
  'Postconditions',
  'Definition of done',
  'Verification',
  'Scope boundary',
  'Out of scope',
  'Never',
  "Don'ts",
  '\n===\n',
  '\n---\n',
  '- ',
  '* ',
  '+ ',
  '1. ',
  '2) ',
  '- [ ] ',
  '- [x] ',
  '  ',
  '    ',
  '\t',
  '> ',
  '>> ',
  '```',
  '```sh\n',
  '~~~',
  '`',
  '``',
  '`npm test`',
  '`src/`',
  '`src/**/*.ts`',
  '`../outside/`',
  '`~/x`',
  '`/etc/`',
  '`agent-sre.yaml`',
  '`.agent-sre/`',
  '`.claude/settings.json`',
  '`**`',
  '`$HOME/`',
  '@AGENTS.md',
  '@',
  'Never edit ',
  'except ',
  'do not ',
  '| a | b |\n|---|---|\n| `x` | y |\n',
  '<div>',
  '</div>',
  '<!-- ',
  ' -->',
  '<h2>Scope</h2>',
  '[link](x)',
  '![img](y)',
  '[ref]: /url\n',
  '**',
  '_',
  '\\',
  '&amp;',
  '&#0;',
  '\n',
  '\n\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u0000',
  '\uFEFF',
  'é',
  '🚧',
];

const markdownish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

const anyText = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }));

const SEVERITIES = new Set(['error', 'warning']);

function check(docs: RunbookDoc[], findings: Finding[]): void {
  const byFile = new Map(docs.map((d) => [d.file, d]));
  for (const f of findings) {
    const doc = byFile.get(f.file);
    expect(doc, f.file).toBeDefined();
    expect(Number.isInteger(f.line)).toBe(true);
    expect(f.line).toBeGreaterThanOrEqual(1);
    expect(f.line, `${f.rule} at ${f.line} of ${doc!.lineCount}`).toBeLessThanOrEqual(doc!.lineCount);
    expect(SEVERITIES.has(f.severity)).toBe(true);
    expect(f.rule).toMatch(/^runbook\.[a-z-]+$/);
    expect(f.message.length).toBeGreaterThan(0);
    expect(f.fix.length).toBeGreaterThan(0);
  }
}

function lint(texts: string[], seed: number, maxLines?: number) {
  const names = ['AGENTS.md', 'CLAUDE.md'];
  const docs = texts.map((t, i) => parseRunbook(t, names[i]!, `${PROJECT}/${names[i]!}`));
  // Whether a path exists: a cheap deterministic function of the path and the seed.
  const exists = (p: string) => (p.length + seed) % 3 !== 0;
  const findings = lintRunbooks(docs, {
    projectDir: PROJECT,
    home: '/home/dev',
    exists,
    ...(maxLines ? { maxLines, warnLines: Math.max(1, maxLines - 2) } : {}),
  });
  return { docs, findings };
}

describe('runbook lint properties', () => {
  it('never throws on arbitrary strings, and every finding is on a line of its file', () => {
    fc.assert(
      fc.property(anyText, fc.nat(), (text, seed) => {
        const { docs, findings } = lint([text], seed);
        check(docs, findings);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on Markdown-ish text, and every finding is on a line of its file', () => {
    fc.assert(
      fc.property(markdownish, markdownish, fc.nat(), (a, b, seed) => {
        const { docs, findings } = lint([a, b], seed);
        check(docs, findings);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the line budget inside the file, however small the budget', () => {
    fc.assert(
      fc.property(markdownish, fc.integer({ min: 1, max: 8 }), fc.nat(), (text, maxLines, seed) => {
        const { docs, findings } = lint([text], seed, maxLines);
        check(docs, findings);
        const budget = findings.filter((f) => f.rule === 'runbook.line-budget');
        expect(budget.length).toBeLessThanOrEqual(1);
        if (docs[0]!.lineCount > maxLines) expect(budget[0]?.severity).toBe('error');
      }),
      { numRuns: RUNS },
    );
  });

  it('every item, paragraph, code span and section the adapter reports is on a line of the file', () => {
    fc.assert(
      fc.property(markdownish, (text) => {
        const doc = parseRunbook(text, 'AGENTS.md');
        const lines = [
          ...doc.sections.map((s) => s.line),
          ...doc.imports.map((i) => i.line),
          ...[doc.preamble, ...doc.sections].flatMap((b) => [
            ...b.items.flatMap((i) => [
              i.line,
              ...i.codes.map((c) => c.line),
              ...i.codeBlocks.map((c) => c.line),
            ]),
            ...b.paragraphs.flatMap((p) => [p.line, ...p.codes.map((c) => c.line)]),
            ...b.codeBlocks.map((c) => c.line),
          ]),
        ];
        for (const l of lines) {
          expect(l).toBeGreaterThanOrEqual(1);
          expect(l).toBeLessThanOrEqual(doc.lineCount);
        }
        for (const b of [doc.preamble, ...doc.sections])
          for (const block of [...b.items, ...b.paragraphs])
            for (const c of block.codes)
              expect(block.text.slice(c.offset, c.offset + c.value.length)).toBe(c.value);
      }),
      { numRuns: RUNS },
    );
  });
});
