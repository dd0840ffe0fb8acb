// The runbook lint rules over the fixture runbooks in test/fixtures/runbooks/ (parsed with the real Markdown
// adapter), with every finding pinned: rule, line and severity. The project is a fake /project whose file
// system is the EXISTING set below.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/adapters/markdown/parse.ts';
import { globPrefix, looksLikeCommand, looksLikePath } from '../../../src/core/runbook/commands.ts';
import {
  DEFAULT_MAX_LINES,
  DEFAULT_WARN_LINES,
  type LintOptions,
  lintRunbooks,
  missingRunbookFinding,
  VERIFY_QUOTE,
} from '../../../src/core/runbook/lint.ts';
import { isNegated, sectionKinds } from '../../../src/core/runbook/sections.ts';
import type { Finding, RunbookDoc } from '../../../src/core/runbook/types.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'runbooks');
const PROJECT = '/project';
const EXISTING = new Set(
  ['', '/src', '/src/app.ts', '/test', '/docs', '/package.json', '/scripts', '/.claude'].map(
    (p) => PROJECT + p,
  ),
);
const OPTS: LintOptions = { projectDir: PROJECT, home: '/home/dev', exists: (p) => EXISTING.has(p) };

const fixture = (name: string, as = name): RunbookDoc =>
  parseRunbook(readFileSync(join(FIXTURES, name), 'utf8'), as, `${PROJECT}/${as}`);
const doc = (text: string, file = 'AGENTS.md') => parseRunbook(text, file, `${PROJECT}/${file}`);
const brief = (fs: Finding[]) => fs.map(({ rule, line, severity }) => ({ rule, line, severity }));
const lint = (d: RunbookDoc, opts: Partial<LintOptions> = {}) => lintRunbooks([d], { ...OPTS, ...opts });

const E = 'error' as const;
const W = 'warning' as const;
const f = (rule: string, line: number, severity: 'error' | 'warning' = E) => ({ rule, line, severity });

const CASES: [string, ReturnType<typeof f>[]][] = [
  ['clean.md', []],
  // Never items that compile to nothing are warned about (runbook.never-unenforced, issue 12).
  ['synonyms.md', [f('runbook.never-unenforced', 18, W)]],
  ['synonyms-more.md', [f('runbook.never-unenforced', 21, W)]],
  ['acceptance.md', []],
  // Written for the compiler (test/core/runbook/compile.test.ts); linted here so the folder stays covered.
  ['compile-never.md', [f('runbook.never-unenforced', 37, W), f('runbook.never-unenforced', 39, W)]],
  ['compile-scope.md', [f('runbook.never-unenforced', 30, W)]],
  [
    'compile-claude.md',
    [
      f('runbook.missing-section', 1),
      f('runbook.missing-section', 1),
      f('runbook.missing-section', 1),
      f('runbook.missing-section', 1),
    ],
  ],
  ['messy.md', [f('runbook.unverified-postcondition', 19), f('runbook.never-unenforced', 30, W)]],
  ['missing-preconditions.md', [f('runbook.missing-section', 1)]],
  ['missing-escalation.md', [f('runbook.missing-section', 1)]],
  ['missing-postconditions.md', [f('runbook.missing-section', 1)]],
  ['missing-scope.md', [f('runbook.missing-section', 1)]],
  ['empty-section.md', [f('runbook.empty-section', 3), f('runbook.empty-section', 9)]],
  ['over-budget.md', [f('runbook.line-budget', 101)]],
  ['near-budget.md', [f('runbook.line-budget', 61, W)]],
  ['no-never.md', [f('runbook.never-list', 1)]],
  [
    'unverified-postcondition.md',
    [
      f('runbook.unverified-postcondition', 14),
      f('runbook.unverified-postcondition', 15),
      f('runbook.unverified-postcondition', 18),
    ],
  ],
  [
    'scope-missing-path.md',
    [
      f('runbook.scope-path-missing', 17),
      f('runbook.scope-path-missing', 18),
      f('runbook.scope-path-missing', 20),
    ],
  ],
  [
    'scope-outside.md',
    [
      f('runbook.scope-outside-project', 18),
      f('runbook.scope-outside-project', 19),
      f('runbook.scope-outside-project', 20),
    ],
  ],
  [
    'scope-guard.md',
    [
      f('runbook.scope-guard', 17),
      f('runbook.scope-guard', 21),
      f('runbook.scope-guard', 22),
      f('runbook.scope-guard', 23, W),
    ],
  ],
  ['scope-guard-covered.md', []],
  [
    'claude-import.md',
    [
      f('runbook.missing-section', 1),
      f('runbook.missing-section', 1),
      f('runbook.missing-section', 1),
      f('runbook.missing-section', 1),
      f('runbook.never-list', 1),
    ],
  ],
];

describe('runbook lint: the fixtures', () => {
  it.each(CASES)('%s', (name, expected) => {
    const findings = lint(fixture(name));
    expect(brief(findings)).toEqual(expected);
    for (const x of findings) {
      expect(x.file).toBe(name);
      expect(x.message.length).toBeGreaterThan(20);
      expect(x.fix.length).toBeGreaterThan(10);
    }
  });

  it('covers every fixture in the folder', async () => {
    const { readdirSync } = await import('node:fs');
    expect(
      readdirSync(FIXTURES)
        .filter((n) => n.endsWith('.md'))
        .sort(),
    ).toEqual(CASES.map(([n]) => n).sort());
  });

  it('names each missing section, with its synonyms and an example in the fix', () => {
    const [pre] = lint(fixture('missing-preconditions.md'));
    expect(pre!.message).toContain('No Preconditions section');
    expect(pre!.message).toContain('"Before you start"');
    expect(pre!.fix).toContain('## Preconditions');
    const [esc] = lint(fixture('missing-escalation.md'));
    expect(esc!.message).toContain('No Escalation criteria section');
    const [post] = lint(fixture('missing-postconditions.md'));
    expect(post!.message).toContain('No Postconditions section');
    const [scope] = lint(fixture('missing-scope.md'));
    expect(scope!.message).toContain('No Scope boundary section');
  });

  it('cites the rule behind verification commands and quotes the item', () => {
    const [first] = lint(fixture('unverified-postcondition.md'));
    expect(first!.message).toContain(VERIFY_QUOTE);
    expect(first!.message).toContain('"The change is documented in docs/."');
    expect(first!.fix).toContain('`npm test`');
  });

  it('says where an outside path resolves and why the guard files are not writable', () => {
    const [sibling, , home] = lint(fixture('scope-outside.md'));
    expect(sibling!.message).toContain('resolves to /shared-config, outside the project (/project)');
    expect(home!.message).toContain('/home/dev/notes');
    const [yaml] = lint(fixture('scope-guard.md'));
    expect(yaml!.message).toContain('"agent-sre.yaml" makes agent-sre\'s own files writable');
    expect(yaml!.fix).toContain('Never edit `agent-sre.yaml`');
  });

  it('reports the budget at the first line over it; both limits can be set', () => {
    const [over] = lint(fixture('over-budget.md'));
    expect(over!.message).toMatch(/^120 lines, over the budget of 100/);
    expect(brief(lint(fixture('near-budget.md'), { maxLines: 70 }))).toEqual([f('runbook.line-budget', 71)]);
    expect(brief(lint(fixture('near-budget.md'), { warnLines: 80 }))).toEqual([]);
    expect(brief(lint(fixture('clean.md'), { maxLines: 30, warnLines: 20 }))).toEqual([
      f('runbook.line-budget', 31),
    ]);
    expect([DEFAULT_MAX_LINES, DEFAULT_WARN_LINES]).toEqual([100, 60]);
  });
});

describe('runbook lint: across files', () => {
  it('a CLAUDE.md that imports AGENTS.md gets its sections and Never list', () => {
    const agents = fixture('clean.md', 'AGENTS.md');
    const claude = fixture('claude-import.md', 'CLAUDE.md');
    expect(lintRunbooks([agents, claude], OPTS)).toEqual([]);
    // Order does not matter; without AGENTS.md in the set, CLAUDE.md stands alone.
    expect(lintRunbooks([claude, agents], OPTS)).toEqual([]);
    expect(brief(lintRunbooks([claude], OPTS))).toHaveLength(5);
  });

  it('keeps findings per file, in input order', () => {
    const a = fixture('no-never.md', 'AGENTS.md');
    const b = fixture('missing-scope.md', 'CLAUDE.md');
    expect(lintRunbooks([a, b], OPTS).map((x) => `${x.file}:${x.line} ${x.rule}`)).toEqual([
      'AGENTS.md:1 runbook.never-list',
      'CLAUDE.md:1 runbook.missing-section',
    ]);
  });

  it('has one finding for a project with no runbook', () => {
    expect(missingRunbookFinding('/project')).toMatchObject({
      file: 'AGENTS.md',
      line: 1,
      severity: 'error',
      rule: 'runbook.missing',
    });
  });
});

const SKELETON = (scope: string, post = '- Tests pass: `npm test`') =>
  [
    '## Preconditions',
    '- `npm ci`',
    '## Escalation criteria',
    '- Ask a human before deleting data.',
    '## Postconditions',
    post,
    '## Scope',
    scope,
    '## Never',
    '- Never push to `main`.',
  ].join('\n');

describe('runbook lint: scope and postcondition details', () => {
  it('a whole-project grant covering the guard is a warning, unless the guard is put off limits', () => {
    expect(brief(lint(doc(SKELETON('- Anything: `**`'))))).toEqual([f('runbook.scope-guard', 8, W)]);
    expect(brief(lint(doc(SKELETON('- Anything: `**`, except `agent-sre.yaml`'))))).toEqual([]);
    expect(brief(lint(doc(`${SKELETON('- `*`')}\n- Never edit \`.claude/settings.json\`.`)))).toEqual([]);
    // A broad glob that cannot reach the guard is fine.
    expect(brief(lint(doc(SKELETON('- `src/**/*.ts`'))))).toEqual([]);
  });

  it('reads negations and exceptions in an item', () => {
    expect(brief(lint(doc(SKELETON('- Do not edit anything outside `src/`.'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- Do not edit anything outside `lib/`.'))))).toEqual([
      f('runbook.scope-path-missing', 8),
    ]);
    expect(brief(lint(doc(SKELETON('- `generated/` is built; never edit it.'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- Never edit:\n  - `agent-sre.yaml`\n  - `nope/`'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- You may edit `src/`, but never `gone/`.'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- You may edit `gone/`, but never `src/`.'))))).toEqual([
      f('runbook.scope-path-missing', 8),
    ]);
  });

  it('resolves $HOME, ~ and absolute paths inside the project', () => {
    expect(brief(lint(doc(SKELETON('- `$HOME/scratch/`'))))).toEqual([f('runbook.scope-outside-project', 8)]);
    expect(brief(lint(doc(SKELETON('- `/project/src/app.ts`'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- `/project/../project/src`'))))).toEqual([]);
  });

  it('accepts a command in prose or a block when the section has no items', () => {
    expect(brief(lint(doc(SKELETON('- `src/`', 'Done when `make check` passes.'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- `src/`', '```console\n$ ./verify\n```'))))).toEqual([]);
    expect(brief(lint(doc(SKELETON('- `src/`', 'Make sure it all works.'))))).toEqual([
      f('runbook.unverified-postcondition', 5),
    ]);
  });

  it('does not treat a subsection of another kind as part of a section', () => {
    const text = SKELETON('- `src/`\n### Verification\n- `docs/` is built by `make docs`');
    expect(brief(lint(doc(text)))).toEqual([]);
  });
});

describe('section headings', () => {
  it.each([
    ['Preconditions', ['preconditions']],
    ['Before you start', ['preconditions']],
    ['2. Prerequisites:', ['preconditions']],
    ['Pre-flight checks', ['preconditions']],
    ['Escalation criteria', ['escalation']],
    ['When to escalate', ['escalation']],
    ['Ask a human when', ['escalation']],
    ['ESCALATION', ['escalation']],
    ['Stop and ask', ['escalation']],
    ['Postconditions', ['postconditions']],
    ['Definition of Done ✅', ['postconditions']],
    ['Done when', ['postconditions']],
    ['Verification', ['postconditions']],
    ['Acceptance criteria', ['postconditions']],
    ['Before you commit', ['postconditions']],
    ['Scope boundary', ['scope']],
    ['Scope', ['scope']],
    ['Boundaries', ['scope']],
    ['Allowed paths', ['scope']],
    ['Out of scope', ['scope']],
    ['Off-limits', ['scope']],
    ['Overview', []],
    ['Never', []],
    ['Testing', []],
  ])('%s', (heading, kinds) => {
    expect(sectionKinds(heading)).toEqual(kinds);
  });
});

describe('words in one span or item', () => {
  it('knows a command', () => {
    for (const c of [
      'npm test',
      'pnpm -r build',
      'yarn lint',
      'make check',
      'pytest -q',
      'go test ./...',
      'cargo test',
      './scripts/verify',
      'scripts/check.sh',
      'bash ci.sh',
      '$ npm run e2e',
      'CI=1 npm test',
      'npx tsc --noEmit',
      'uv run pytest',
    ])
      expect(looksLikeCommand(c), c).toBe(true);
    for (const c of ['src/', 'package.json', 'the tests', '', 'README.md', 'src/app.ts', 'main'])
      expect(looksLikeCommand(c), c).toBe(false);
  });

  it('knows a path', () => {
    for (const p of ['src/', 'docs/**/*.md', '*.md', '.env', '~/x', '../x', 'package.json', '/etc/hosts'])
      expect(looksLikePath(p), p).toBe(true);
    for (const p of ['npm test', 'main', 'https://x.io/a', '--force', '@AGENTS.md', ''])
      expect(looksLikePath(p), p).toBe(false);
  });

  it('cuts a glob at its first glob character', () => {
    expect(globPrefix('src/**/*.ts')).toBe('src');
    expect(globPrefix('*.md')).toBe('');
    expect(globPrefix('/etc/*')).toBe('/etc');
    expect(globPrefix('/*')).toBe('/');
    expect(globPrefix('docs/{a,b}/x')).toBe('docs');
    expect(globPrefix('src/app.ts')).toBe('src/app.ts');
  });

  it('reads negation', () => {
    expect(isNegated('Never edit ')).toBe(true);
    expect(isNegated("Don't touch ")).toBe(true);
    expect(isNegated('You may edit ')).toBe(false);
    expect(isNegated('Edit anything except ')).toBe(true);
    expect(isNegated('Do not edit outside ')).toBe(false);
    expect(isNegated('Never edit a. You may edit ')).toBe(false);
    expect(isNegated('', ' is generated, do not edit')).toBe(true);
  });
});
