// The runbook compiled into rules, Stop checks and a digest, over the fixture runbooks in
// test/fixtures/runbooks/ (parsed with the real Markdown adapter), with every rule id, tier, check and
// not-compiled line pinned. Then the rules merged into the default policy, judging real tool calls, and
// properties over generated Markdown. The project is the judge helper's /work/proj.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/adapters/markdown/parse.ts';
import { loadPolicy } from '../../../src/config/load.ts';
import { ruleSchema } from '../../../src/config/schema.ts';
import { judge } from '../../../src/core/judge.ts';
import { compilePolicy } from '../../../src/core/policy/evaluate.ts';
import {
  type CompiledRunbook,
  compileRunbook,
  DIGEST_MAX,
  runbookDigest,
} from '../../../src/core/runbook/compile.ts';
import type { RunbookDoc } from '../../../src/core/runbook/types.ts';
import type { Decision } from '../../../src/core/types.ts';
import { context, WORLD } from '../../helpers/judge.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'runbooks');
const P = WORLD.projectDir;

const fixture = (name: string, as = name): RunbookDoc =>
  parseRunbook(readFileSync(join(FIXTURES, name), 'utf8'), as, `${P}/${as}`);
const doc = (text: string, file = 'AGENTS.md') => parseRunbook(text, file, `${P}/${file}`);
const compile = (...docs: RunbookDoc[]) => compileRunbook(docs, { projectDir: P });
const rule = (c: CompiledRunbook, id: string) => {
  const r = c.rules.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id} in ${c.rules.map((x) => x.id).join(', ')}`);
  return r;
};

interface Expected {
  rules: string[];
  checks: string[];
  notCompiled: number[];
}

const NOTHING: Expected = { rules: [], checks: [], notCompiled: [] };
const PUSH_MAIN_AND_SCOPE = ['runbook.never.push-main 4', 'runbook.scope 3'];
const NPM_TEST = ['runbook.post.npm-test: npm test'];

const CASES: [string, Expected][] = [
  [
    'acceptance.md',
    {
      rules: ['runbook.off-limits 4', 'runbook.scope 3'],
      checks: ['runbook.post.pytest-q: pytest -q'],
      notCompiled: [],
    },
  ],
  ['claude-import.md', NOTHING],
  [
    'clean.md',
    {
      rules: [
        'runbook.off-limits 4',
        'runbook.never.force-push-main 4',
        'runbook.never.run-npm-publish 4',
        'runbook.scope 3',
      ],
      checks: [
        'runbook.post.npm-test: npm test',
        'runbook.post.npx-tsc-p-tsconfig-json: npx tsc -p tsconfig.json',
        'runbook.post.npm-run-lint: npm run lint',
      ],
      notCompiled: [],
    },
  ],
  [
    'compile-claude.md',
    { rules: ['runbook.never.force-push-main 4', 'runbook.never.force-push 4'], checks: [], notCompiled: [] },
  ],
  [
    'compile-never.md',
    {
      rules: [
        'runbook.off-limits 4',
        'runbook.never.force-push-main-release 4',
        'runbook.never.force-push 4',
        'runbook.never.skip-hooks 4',
        'runbook.never.delete-tests 4',
        'runbook.never.run-npm-publish 4',
        'runbook.never.run-terraform-apply 4',
        'runbook.never.push-staging 3',
        'runbook.never.run-docker-system-prune 4',
        'runbook.never.run-make-deploy 4',
        'runbook.scope 3',
      ],
      checks: [
        'runbook.post.npm-test: npm test',
        'runbook.post.git-status-porcelain-empty: test -z "$(git status --porcelain)"',
        'runbook.post.npx-tsc-noemit-npm-run-lint: npx tsc --noEmit && npm run lint',
      ],
      notCompiled: [37, 39],
    },
  ],
  [
    'compile-scope.md',
    {
      rules: [
        'runbook.off-limits 4',
        'runbook.never.access-secrets 3',
        'runbook.never.read-env-production 4',
        'runbook.never.push 4',
        'runbook.never.run-rm-rf 4',
        'runbook.scope 3',
      ],
      checks: ['runbook.post.make-check: make check'],
      notCompiled: [11, 15, 30],
    },
  ],
  ['empty-section.md', { rules: PUSH_MAIN_AND_SCOPE, checks: [], notCompiled: [9] }],
  [
    'messy.md',
    { rules: ['runbook.off-limits 4', 'runbook.scope 3'], checks: NPM_TEST, notCompiled: [19, 30] },
  ],
  ['missing-escalation.md', { rules: PUSH_MAIN_AND_SCOPE, checks: NPM_TEST, notCompiled: [] }],
  ['missing-postconditions.md', { rules: PUSH_MAIN_AND_SCOPE, checks: [], notCompiled: [] }],
  ['missing-preconditions.md', { rules: PUSH_MAIN_AND_SCOPE, checks: NPM_TEST, notCompiled: [] }],
  ['missing-scope.md', { rules: ['runbook.never.push-main 4'], checks: NPM_TEST, notCompiled: [] }],
  ['near-budget.md', { rules: PUSH_MAIN_AND_SCOPE, checks: NPM_TEST, notCompiled: [] }],
  ['no-never.md', { rules: ['runbook.scope 3'], checks: NPM_TEST, notCompiled: [] }],
  ['over-budget.md', { rules: PUSH_MAIN_AND_SCOPE, checks: NPM_TEST, notCompiled: [] }],
  [
    'scope-guard-covered.md',
    { rules: ['runbook.off-limits 4', ...PUSH_MAIN_AND_SCOPE], checks: NPM_TEST, notCompiled: [] },
  ],
  ['scope-guard.md', { rules: PUSH_MAIN_AND_SCOPE, checks: NPM_TEST, notCompiled: [] }],
  [
    'scope-missing-path.md',
    { rules: ['runbook.off-limits 4', ...PUSH_MAIN_AND_SCOPE], checks: NPM_TEST, notCompiled: [] },
  ],
  [
    'scope-outside.md',
    {
      rules: ['runbook.off-limits 4', 'runbook.never.read-ssh 4', ...PUSH_MAIN_AND_SCOPE],
      checks: NPM_TEST,
      notCompiled: [18, 19, 20],
    },
  ],
  [
    'synonyms-more.md',
    {
      rules: ['runbook.off-limits 4', 'runbook.never.run-pnpm-publish 4', 'runbook.scope 3'],
      checks: ['runbook.post.pnpm-test: pnpm test', 'runbook.post.pnpm-lint: pnpm lint'],
      notCompiled: [21],
    },
  ],
  [
    'synonyms.md',
    { rules: ['runbook.scope 3'], checks: ['runbook.post.make-check: make check'], notCompiled: [18] },
  ],
  [
    'unverified-postcondition.md',
    {
      rules: PUSH_MAIN_AND_SCOPE,
      checks: [
        'runbook.post.npm-test: npm test',
        'runbook.post.make-lint: make lint',
        'runbook.post.npm-run-check: npm run check',
        'runbook.post.scripts-migrate-sh-dry-run: ./scripts/migrate.sh --dry-run',
      ],
      notCompiled: [14, 15, 18],
    },
  ],
];

describe('compileRunbook: the fixtures', () => {
  it.each(CASES)('%s', (name, expected) => {
    const c = compile(fixture(name));
    expect({
      rules: c.rules.map((r) => `${r.id} ${r.tier}`),
      checks: c.checks.map((x) => `${x.id}: ${x.run}`),
      notCompiled: c.notCompiled.map((n) => n.line),
    }).toEqual(expected);
    for (const r of c.rules) {
      expect(ruleSchema.safeParse(r).success, r.id).toBe(true);
      expect(c.sources[r.id]?.length, r.id).toBeGreaterThan(0);
    }
    for (const x of c.checks) {
      expect(x).toMatchObject({ kind: 'command', on: ['main'], timeoutSeconds: 600, source: 'runbook' });
      expect(c.sources[x.id]?.[0]?.file).toBe(name);
    }
    for (const n of c.notCompiled) {
      expect(n.file).toBe(name);
      expect(n.why.length).toBeGreaterThan(20);
    }
  });

  it('covers every fixture in the folder', () => {
    expect(
      readdirSync(FIXTURES)
        .filter((n) => n.endsWith('.md'))
        .sort(),
    ).toEqual(CASES.map(([n]) => n).sort());
  });

  it('gives the same output for the same input (ids are stable across runs)', () => {
    for (const [name] of CASES) expect(compile(fixture(name))).toEqual(compile(fixture(name)));
  });
});

describe('compileRunbook: the scope boundary', () => {
  it('writable paths become one tier-3 rule over project writes outside them', () => {
    expect(rule(compile(fixture('clean.md')), 'runbook.scope')).toEqual({
      id: 'runbook.scope',
      tier: 3,
      reason:
        "Outside the runbook's writable scope: src/, test/, docs/**/*.md (clean.md:28, clean.md:29). A human approves it, or keep the change inside the scope.",
      match: {
        kind: ['write', 'delete'],
        zone: ['project'],
        notPath: [`${P}/src`, `${P}/src/**`, `${P}/test`, `${P}/test/**`, `${P}/docs/**/*.md`],
        notTags: ['unknown-path', 'build-output'],
      },
    });
  });

  it('off-limits paths, from the scope section and from Never items, become one tier-4 rule', () => {
    const c = compile(fixture('clean.md'));
    expect(rule(c, 'runbook.off-limits')).toEqual({
      id: 'runbook.off-limits',
      tier: 4,
      reason:
        'The runbook puts this off limits: dist/, agent-sre.yaml, .claude/settings.json, .agent-sre/ (clean.md:30, clean.md:35). Leave it alone, or ask the human to make the change.',
      match: {
        kind: ['write', 'delete'],
        path: [
          `${P}/dist`,
          `${P}/dist/**`,
          `${P}/agent-sre.yaml`,
          `${P}/agent-sre.yaml/**`,
          `${P}/.claude/settings.json`,
          `${P}/.claude/settings.json/**`,
          `${P}/.agent-sre`,
          `${P}/.agent-sre/**`,
        ],
      },
    });
    expect(c.scope).toEqual({
      writable: ['src/', 'test/', 'docs/**/*.md'],
      offLimits: ['dist/', 'agent-sre.yaml', '.claude/settings.json', '.agent-sre/'],
    });
  });

  it('expands braces, keeps ~/ for the policy to expand, and reports what a glob cannot say', () => {
    const c = compile(fixture('compile-scope.md'));
    expect(rule(c, 'runbook.off-limits').match.path).toEqual([
      `${P}/.env*`,
      '~/.aws',
      '~/.aws/**',
      `${P}/vendor`,
      `${P}/vendor/**`,
      `${P}/*.lock`,
    ]);
    expect(rule(c, 'runbook.scope').match.notPath).toEqual([
      `${P}/src/api/**`,
      `${P}/src/api`,
      `${P}/src/web/**`,
      `${P}/src/web`,
      `${P}/package.json`,
      `${P}/package.json/**`,
      `${P}/scripts`,
      `${P}/scripts/**`,
      `${P}/src`,
      `${P}/src/**`,
      `${P}/test`,
      `${P}/test/**`,
    ]);
    expect(c.notCompiled.find((n) => n.line === 15)).toEqual({
      file: 'compile-scope.md',
      line: 15,
      text: 'docs/[a-z]*.md',
      why: 'writable path not compiled: character classes ([...]) are not supported by policy globs',
    });
  });

  it('"Never edit outside the scope" is quoted, but a scope miss stays a human decision (tier 3), and its paths are writable', () => {
    const never = rule(compile(fixture('compile-never.md')), 'runbook.scope');
    expect(never.tier).toBe(3);
    expect(never.reason).toContain('the runbook says "Never edit outside the scope." (compile-never.md:34)');
    expect(never.reason).toContain('A human approves it');
    const scope = compile(fixture('compile-scope.md'));
    expect(rule(scope, 'runbook.scope').tier).toBe(3);
    expect(scope.scope.writable).toEqual([
      'src/{api,web}/**',
      'package.json',
      'docs/[a-z]*.md',
      'scripts/',
      'src/',
      'test/',
    ]);
    expect(scope.sources['runbook.scope']!.map((s) => s.line)).toEqual([14, 16, 25]);
  });

  it('reports writable paths outside the project instead of compiling them', () => {
    const c = compile(fixture('scope-outside.md'));
    expect(c.notCompiled.map((n) => `${n.line} ${n.text}`)).toEqual([
      '18 ../shared-config/',
      '19 /var/log/orders/',
      '20 ~/notes/*.md',
    ]);
    expect(c.notCompiled[0]!.why).toMatch(/^writable path outside the project: .*fs\.write-outside-project/);
    expect(rule(c, 'runbook.scope').match.notPath).toEqual([`${P}/src`, `${P}/src/**`]);
  });

  it('a Never item against the scope with no scope to compare is not compiled', () => {
    const c = compile(doc('## Never\n- Never edit anything outside the scope.\n'));
    expect(c.rules).toEqual([]);
    expect(c.notCompiled).toEqual([
      {
        file: 'AGENTS.md',
        line: 2,
        text: 'Never edit anything outside the scope.',
        why: 'no writable scope paths to compare against: list them in the Scope boundary section',
      },
    ]);
  });
});

describe('compileRunbook: the Never list', () => {
  const never = compile(fixture('compile-never.md'));

  it('force pushes match the git tags; a named branch narrows them to that refspec', () => {
    expect(rule(never, 'runbook.never.force-push')).toEqual({
      id: 'runbook.never.force-push',
      tier: 4,
      match: { kind: ['exec'], anyTags: ['git.force-push', 'git.force-with-lease'] },
      reason:
        'The runbook says "Never use `git push --force` anywhere else either." (compile-never.md:31). Push without force to a new branch and open a pull request, or ask the human.',
    });
    expect(rule(never, 'runbook.never.force-push-main-release').match).toEqual({
      kind: ['exec'],
      anyTags: ['git.force-push', 'git.force-with-lease'],
      program: ['git'],
      args: '(^| )push( [^ ]+)* \\+?([^ :]*:)?(refs/heads/)?(main|release/[^ ]*)( |$)',
    });
  });

  it('skipping hooks or tests matches the git.no-verify tag', () => {
    expect(rule(never, 'runbook.never.skip-hooks')).toMatchObject({
      tier: 4,
      match: { kind: ['exec'], tags: ['git.no-verify'] },
    });
  });

  it('deleting files to make errors go away refuses deleting tests', () => {
    const r = rule(never, 'runbook.never.delete-tests');
    expect(r.match.kind).toEqual(['delete']);
    expect(r.match.path).toEqual(
      expect.arrayContaining([`${P}/**/test/**`, `${P}/**/*.test.*`, `${P}/**/tests`]),
    );
    expect(r.reason).toContain('"Never delete files to make errors go away." (compile-never.md:33)');
  });

  it('"Never run `cmd`" matches the program and its first arguments, one rule per command', () => {
    expect(rule(never, 'runbook.never.run-npm-publish').match).toEqual({
      kind: ['exec'],
      program: ['npm'],
      args: '^(?:-\\S*(?: [^- ]\\S*)? )*publish(?: |$)',
    });
    expect(rule(never, 'runbook.never.run-terraform-apply').match.program).toEqual(['terraform']);
    // Under "- Never run:" a bare command counts, and the reason quotes both lines.
    expect(rule(never, 'runbook.never.run-docker-system-prune').reason).toContain(
      '"Never run: `docker system prune`" (compile-never.md:41)',
    );
    // Under a Never heading a bare command item counts too.
    expect(rule(compile(fixture('compile-scope.md')), 'runbook.never.run-rm-rf')).toMatchObject({
      tier: 4,
      match: {
        kind: ['exec'],
        program: ['rm'],
        args: '^(?=(?:.* )?-[A-Za-z0-9]*r[A-Za-z0-9]*(?: |$))(?=(?:.* )?-[A-Za-z0-9]*f[A-Za-z0-9]*(?: |$))',
      },
      reason: expect.stringContaining('The runbook\'s Never list says "`rm -rf`"'),
    });
  });

  it('a condition the guard cannot check makes a rule tier 3: a human judges it', () => {
    const r = rule(never, 'runbook.never.push-staging');
    expect(r.tier).toBe(3);
    expect(r.reason).toContain('agent-sre cannot check its condition, so a human approves it');
    expect(rule(compile(fixture('compile-scope.md')), 'runbook.never.access-secrets')).toMatchObject({
      tier: 3,
      match: { kind: ['read', 'write', 'delete'], path: [`${P}/secrets`, `${P}/secrets/**`] },
    });
  });

  it('reading a named path becomes a read rule; writing it joins the off-limits paths', () => {
    const c = compile(fixture('compile-scope.md'));
    expect(rule(c, 'runbook.never.read-env-production')).toEqual({
      id: 'runbook.never.read-env-production',
      tier: 4,
      match: { kind: ['read'], path: [`${P}/.env.production`, `${P}/.env.production/**`] },
      reason:
        'The runbook says "Never open `.env.production`." (compile-scope.md:27). Do not read it; ask the human for what you need from it.',
    });
    expect(c.scope.offLimits).toEqual(['.env*', '~/.aws/', 'vendor/', '*.lock']);
  });

  it('reports what it cannot compile, with the line and why', () => {
    expect(never.notCompiled).toEqual([
      {
        file: 'compile-never.md',
        line: 37,
        text: 'Never run `npm test` in watch mode.',
        why: 'the command is qualified ("in watch mode."), which the guard cannot check; say "Never run `cmd`" with the exact command, or put the condition under Escalation criteria',
      },
      {
        file: 'compile-never.md',
        line: 39,
        text: 'Never commit secrets.',
        why: expect.stringMatching(/^not a form agent-sre can enforce: it compiles force pushes/),
      },
    ]);
    expect(compile(fixture('compile-scope.md')).notCompiled.find((n) => n.line === 30)?.why).toMatch(
      /^`CI=1 npm run deploy` is more than a program and its arguments/,
    );
  });

  it('the same rule from two runbooks is one rule with both lines as sources', () => {
    const c = compile(fixture('clean.md', 'AGENTS.md'), fixture('compile-claude.md', 'CLAUDE.md'));
    expect(c.rules.filter((r) => r.id.startsWith('runbook.never.force-push')).map((r) => r.id)).toEqual([
      'runbook.never.force-push-main',
      'runbook.never.force-push',
    ]);
    expect(c.sources['runbook.never.force-push-main']).toEqual([
      { file: 'AGENTS.md', line: 34, text: 'Never force-push to `main`.' },
      { file: 'CLAUDE.md', line: 5, text: 'Never force-push to `main`.' },
    ]);
  });

  it('a different rule under the same id gets a numbered id, in document order', () => {
    const c = compile(doc('## Never\n- Never run `make deploy`.\n- Never run `make   deploy` either.\n'));
    expect(c.rules.map((r) => r.id)).toEqual(['runbook.never.run-make-deploy']);
    const d = compile(doc('## Never\n- Never run `make deploy`.\n- Never run `make Deploy`.\n'));
    expect(d.rules.map((r) => r.id)).toEqual([
      'runbook.never.run-make-deploy',
      'runbook.never.run-make-deploy-2',
    ]);
    const e = compile(
      doc('## Never\n- Never edit `a/b/`.\n- Never open `a/b/` or `c`.\n- Never open `a-b/`.\n'),
    );
    expect(e.rules.map((r) => r.id)).toEqual([
      'runbook.off-limits',
      'runbook.never.read-a-b',
      'runbook.never.read-a-b-2',
    ]);
  });
});

// One Never item each, under a Never heading: what it compiles to (nothing means it is reported).
const SENTENCES: [string, string[]][] = [
  ['Never force-push.', ['runbook.never.force-push 4']],
  ['Never force push to main or master.', ['runbook.never.force-push-main-master 4']],
  ['Never use `git push -f`.', ['runbook.never.force-push 4']],
  ['Never run `git push origin +main`.', ['runbook.never.force-push 4']],
  ['Never force-push before asking.', ['runbook.never.force-push 3']],
  ['Never push directly to `main`.', ['runbook.never.push-main 4']],
  ['Never push.', ['runbook.never.push 4']],
  ['Never push before the tests pass.', ['runbook.never.push 3']],
  ['Never push secrets.', []],
  ['Never use --no-verify.', ['runbook.never.skip-hooks 4']],
  ['Never bypass the pre-commit hooks.', ['runbook.never.skip-hooks 4']],
  ['Never skip or force-push hooks.', ['runbook.never.force-push 4', 'runbook.never.skip-hooks 4']],
  ['Never disable the test database.', []],
  ['Never remove a failing test to get CI green.', ['runbook.never.delete-tests 4']],
  ['Never delete the test database.', []],
  ['Never run `npm publish` unless the human asks.', ['runbook.never.run-npm-publish 3']],
  ['Never run `make` in CI.', []],
  ['Never edit `src/generated/` without regenerating it.', ['runbook.never.edit-src-generated 3']],
  ['Never read or edit `secrets/`.', ['runbook.off-limits 4', 'runbook.never.read-secrets 4']],
  ['Never commit `.env`.', ['runbook.off-limits 4']],
  ["Don't touch production credentials.", []],
];

describe('compileRunbook: Never sentences', () => {
  it.each(SENTENCES)('%s', (sentence, expected) => {
    const c = compile(doc(`## Never\n- ${sentence}\n`));
    expect(c.rules.map((r) => `${r.id} ${r.tier}`)).toEqual(expected);
    expect(c.notCompiled.map((n) => n.line)).toEqual(expected.length === 0 ? [2] : []);
  });

  it('"Never work outside `src/`" needs no scope section: its paths are the writable scope', () => {
    const c = compile(doc('## Never\n- Never work outside `src/`.\n'));
    expect(c.rules.map((r) => `${r.id} ${r.tier}`)).toEqual(['runbook.scope 3']);
    expect(c.scope.writable).toEqual(['src/']);
    const asking = compile(doc('## Never\n- Never work outside `src/` without asking.\n'));
    expect(asking.rules.map((r) => `${r.id} ${r.tier}`)).toEqual(['runbook.scope 3']);
  });
});

describe('compileRunbook: postconditions', () => {
  it('one check per command; a code block runs its lines with &&; "prints nothing" checks for no output', () => {
    expect(compile(fixture('compile-never.md')).checks).toEqual([
      {
        kind: 'command',
        id: 'runbook.post.npm-test',
        run: 'npm test',
        on: ['main'],
        timeoutSeconds: 600,
        source: 'runbook',
      },
      {
        kind: 'command',
        id: 'runbook.post.git-status-porcelain-empty',
        run: 'test -z "$(git status --porcelain)"',
        on: ['main'],
        timeoutSeconds: 600,
        source: 'runbook',
      },
      {
        kind: 'command',
        id: 'runbook.post.npx-tsc-noemit-npm-run-lint',
        run: 'npx tsc --noEmit && npm run lint',
        on: ['main'],
        timeoutSeconds: 600,
        source: 'runbook',
      },
    ]);
  });

  it('items without a command are not compiled, unless a parent item carries one', () => {
    const c = compile(fixture('unverified-postcondition.md'));
    expect(c.notCompiled.map((n) => `${n.line} ${n.text}`)).toEqual([
      '14 The change is documented in `docs/`.',
      '15 Everything still works.',
      '18 the coverage did not drop',
    ]);
    expect(c.notCompiled[0]!.why).toMatch(/^no command to run: put one in backticks/);
  });

  it('a command with a placeholder is not run as written', () => {
    expect(compile(fixture('compile-scope.md')).notCompiled[0]).toEqual({
      file: 'compile-scope.md',
      line: 11,
      text: 'Run `npm test -- <file>` for the file you changed.',
      why: '`npm test -- <file>` has a placeholder; write the exact command',
    });
  });

  it('a shell session block runs only the prompted lines; the same command twice is one check', () => {
    const c = compile(
      doc(
        '## Postconditions\n- Green:\n  ```console\n  $ npm test\n  ok 12 tests\n  $ npm run lint\n  ```\n- Again: `npm test`\n',
      ),
    );
    expect(c.checks.map((x) => x.run)).toEqual(['npm test && npm run lint', 'npm test']);
    expect(compile(doc('## Done when\n- `npm test`\n- `npm test` again\n')).checks).toHaveLength(1);
  });
});

describe('compileRunbook: the digest', () => {
  it('starts by naming the files and agent-sre, then escalation, Never and the scope', () => {
    const c = compile(fixture('clean.md', 'AGENTS.md'), fixture('claude-import.md', 'CLAUDE.md'));
    const lines = c.digest.split('\n');
    expect(lines[0]).toMatch(/^From the project runbook \(AGENTS\.md, CLAUDE\.md\), enforced by agent-sre: /);
    expect(lines.slice(1)).toEqual([
      'Stop and ask a human when:',
      '- Stop and ask a human when a change touches database migrations.',
      '- Stop and ask when the same test fails three times in a row.',
      '- Ask before adding a dependency.',
      'Never:',
      '- Never force-push to `main`.',
      '- Never edit `agent-sre.yaml` or anything under `.agent-sre/`.',
      '- Never run `npm publish`.',
      'Writable: src/, test/, docs/**/*.md',
      'Off limits: dist/, agent-sre.yaml, .claude/settings.json, .agent-sre/',
    ]);
    expect(runbookDigest(c)).toBe(c.digest);
    expect(runbookDigest([fixture('clean.md', 'AGENTS.md'), fixture('claude-import.md', 'CLAUDE.md')])).toBe(
      c.digest,
    );
  });

  it('nests items under the one that introduces them', () => {
    expect(compile(fixture('compile-never.md')).digest).toContain(
      '- Never run:\n  - `docker system prune`\n',
    );
  });

  it(`stays within ${DIGEST_MAX} characters however long the runbook`, () => {
    const many = (n: number, what: string) =>
      Array.from({ length: n }, (_, i) => `- ${what} ${i} ${'with a long explanation '.repeat(8)}`).join(
        '\n',
      );
    const text = `## Escalation\n${many(60, 'Ask when')}\n## Never\n${many(60, 'Never do thing')}\n## Scope\n${Array.from({ length: 80 }, (_, i) => `- \`dir${i}/\``).join('\n')}\n`;
    const digest = compile(doc(text)).digest;
    expect(digest.length).toBeLessThanOrEqual(DIGEST_MAX);
    expect(digest.split('\n')[0]).toMatch(/^From the project runbook \(AGENTS\.md\), enforced by agent-sre/);
    expect(digest).toMatch(/more in AGENTS\.md\)/);
    expect(digest).toContain('Never:');
    expect(digest).toContain('Writable: dir0/');
  });

  it('says so when the runbook has nothing to digest', () => {
    expect(compile(doc('# Notes\n')).digest.split('\n')[1]).toBe(
      '(It lists no escalation criteria, Never items or scope paths.)',
    );
  });
});

// --- the rules at work: merged into the default policy, judging real tool calls ----------------------

const base = loadPolicy(undefined, '<default>');
if (!base.ok) throw new Error('default policy invalid');
const basePolicy = base.policy;

function judgeWith(c: CompiledRunbook) {
  const policy = compilePolicy({ ...basePolicy, rules: [...basePolicy.rules, ...c.rules] }, WORLD.home);
  const call = (tool: string, input: unknown): Decision => judge({ tool, input, cwd: P }, context(), policy);
  return {
    write: (path: string) => call('Write', { file_path: path, content: 'x' }),
    edit: (path: string) => call('Edit', { file_path: path, old_string: 'a', new_string: 'b' }),
    read: (path: string) => call('Read', { file_path: path }),
    bash: (command: string) => call('Bash', { command }),
  };
}

const brief = (d: Decision) => `${d.tier} ${d.rule}`;

describe('compiled rules in the default policy', () => {
  const clean = judgeWith(compile(fixture('clean.md', 'AGENTS.md')));
  const never = judgeWith(compile(fixture('compile-never.md', 'AGENTS.md')));

  it('gates a write in the project outside the writable scope (tier 3, runbook.scope)', () => {
    expect(brief(clean.write(`${P}/outside/x.ts`))).toBe('3 runbook.scope');
    expect(clean.write(`${P}/outside/x.ts`).reason).toMatch(
      /^Outside the runbook's writable scope: src\/, test\//,
    );
    expect(brief(clean.edit(`${P}/README.md`))).toBe('3 runbook.scope');
    expect(brief(clean.bash('echo hi > notes.txt'))).toBe('3 runbook.scope');
    expect(brief(clean.bash('rm -rf lib/*'))).toBe('3 runbook.scope');
    expect(brief(clean.edit(`${P}/docs/guide.txt`))).toBe('3 runbook.scope');
  });

  it('leaves writes inside the scope to the default rules', () => {
    expect(brief(clean.write(`${P}/src/x.ts`))).toBe('2 fallback.write');
    expect(brief(clean.edit(`${P}/src/deep/er/y.ts`))).toBe('2 fallback.write');
    expect(brief(clean.edit(`${P}/docs/guide/setup.md`))).toBe('2 fallback.write');
    expect(brief(clean.bash('rm -rf src'))).toBe('2 fallback.write');
    expect(brief(clean.bash('cp src/a.ts test/a.ts'))).toBe('2 fallback.write');
  });

  it('leaves build output, reads, unknown targets and paths outside the project to the default rules', () => {
    expect(brief(clean.bash('rm -rf node_modules'))).toBe('2 fallback.write');
    expect(brief(clean.read(`${P}/README.md`))).toBe('1 fallback.read');
    expect(clean.bash('rm -rf "$DIR"').rule).not.toBe('runbook.scope');
    expect(brief(clean.write('/tmp/scratch.txt'))).toBe('2 fallback.write');
    expect(brief(clean.write('/home/dev/x.txt'))).toBe('3 fs.write-outside-project');
  });

  it('refuses writes to off-limits paths (tier 4), before the scope gate', () => {
    expect(brief(clean.bash('rm -rf dist'))).toBe('4 runbook.off-limits');
    expect(brief(clean.write(`${P}/dist/index.js`))).toBe('4 runbook.off-limits');
    // The guard's own rule comes first in the policy: a tie names it.
    expect(clean.write(`${P}/agent-sre.yaml`)).toMatchObject({ tier: 4, rule: 'guard.tamper' });
  });

  it('refuses a force push the runbook forbids; a named branch only narrows the runbook rule', () => {
    expect(brief(never.bash('git push --force'))).toBe('4 runbook.never.force-push');
    expect(brief(never.bash('git push -f origin feature'))).toBe('4 runbook.never.force-push');
    expect(brief(never.bash('git push origin +feature'))).toBe('4 runbook.never.force-push');
    expect(never.bash('git push --force-with-lease origin feature').tier).toBe(4);
    const staging = judgeWith(compile(doc('## Never\n- Never force-push to `staging`.\n')));
    expect(brief(staging.bash('git push --force-with-lease origin staging'))).toBe(
      '4 runbook.never.force-push-staging',
    );
    expect(brief(staging.bash('git push origin +HEAD:staging'))).toBe('4 runbook.never.force-push-staging');
    expect(staging.bash('git push --force-with-lease origin feature').rule).not.toMatch(/^runbook\./);
    // Without the runbook, a force push to an unknown branch is the default tier 3.
    expect(brief(judgeWith(compile()).bash('git push --force'))).toBe('3 git.force-push');
  });

  it('refuses skipping hooks, however it is spelled', () => {
    for (const cmd of [
      'git commit -n -m wip',
      'git commit --no-verify -m wip',
      'HUSKY=0 git commit -m wip',
      'SKIP=tsc git commit -m wip',
      'git push --no-verify',
    ])
      expect(brief(never.bash(cmd)), cmd).toBe('4 runbook.never.skip-hooks');
    expect(never.bash('git commit -m "handle -n"').rule).not.toBe('runbook.never.skip-hooks');
  });

  it('refuses deleting tests, even inside the writable scope', () => {
    expect(brief(never.bash('rm -rf test'))).toBe('4 runbook.never.delete-tests');
    expect(brief(never.bash('rm src/orders.test.ts'))).toBe('4 runbook.never.delete-tests');
    expect(brief(never.bash('mv test/a.spec.ts /tmp/'))).toBe('4 runbook.never.delete-tests');
    expect(never.bash('rm src/orders.ts').tier).toBe(2);
  });

  it('refuses a named command, and gates one with a condition', () => {
    expect(brief(never.bash('npm publish'))).toBe('4 runbook.never.run-npm-publish');
    expect(brief(never.bash('terraform apply -auto-approve'))).toBe('4 runbook.never.run-terraform-apply');
    expect(brief(never.bash('make deploy'))).toBe('4 runbook.never.run-make-deploy');
    expect(brief(never.bash('make test'))).toBe('1 fallback.exec');
    expect(brief(never.bash('git push origin staging'))).toBe('3 runbook.never.push-staging');
    expect(never.bash('git push origin feature').rule).not.toMatch(/^runbook\./);
  });

  it('keeps a scope miss at tier 3 even when the Never list forbids it (a human decides; no incident)', () => {
    expect(brief(never.write(`${P}/outside/x.ts`))).toBe('3 runbook.scope');
    expect(brief(never.write(`${P}/src/x.ts`))).toBe('2 fallback.write');
  });
});

// --- properties ------------------------------------------------------------------------------------

const FRAGMENTS = [
  '# ',
  '## ',
  '### ',
  'Scope boundary',
  'Out of scope',
  'Postconditions',
  'Escalation criteria',
  'Never',
  "Don'ts",
  '\n',
  '\n\n',
  '- ',
  '  - ',
  '1. ',
  '> ',
  '```sh\n',
  '```',
  '`',
  'Never ',
  'never edit ',
  'Never run ',
  'Never force-push to ',
  'Never push to ',
  'skip hooks',
  'delete tests',
  'outside ',
  'unless ',
  'read ',
  '`npm test`',
  '`git push --force`',
  '`src/`',
  '`src/{a,b}/**`',
  '`[x]`',
  '`~/x`',
  '`../y`',
  '`/etc/`',
  '`**`',
  '`main`',
  '`release/*`',
  '`a | b`',
  '`<file>`',
  '`$HOME/`',
  ' prints nothing',
  ': ',
  '.',
  ',',
  ' or ',
];

const markdownish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('compileRunbook properties', () => {
  it('never throws, and what it makes is a valid policy, with unique ids, lines in the file and a short digest', () => {
    fc.assert(
      fc.property(markdownish, markdownish, (a, b) => {
        const docs = [doc(a, 'AGENTS.md'), doc(b, 'CLAUDE.md')];
        const c = compileRunbook(docs, { projectDir: P });
        const ids = c.rules.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const r of c.rules) {
          expect(r.id).toMatch(/^runbook\.[a-z0-9][a-z0-9._-]*$/);
          expect(ruleSchema.safeParse(r).success, JSON.stringify(r)).toBe(true);
        }
        const checkIds = c.checks.map((x) => x.id);
        expect(new Set(checkIds).size).toBe(checkIds.length);
        for (const x of c.checks) expect(x.id).toMatch(/^runbook\.post\.[a-z0-9-]+$/);
        const lines = new Map(docs.map((d) => [d.file, d.lineCount]));
        for (const n of c.notCompiled) {
          expect(n.line).toBeGreaterThanOrEqual(1);
          expect(n.line).toBeLessThanOrEqual(lines.get(n.file)!);
        }
        expect(c.digest.length).toBeLessThanOrEqual(DIGEST_MAX);
        expect(
          c.digest.startsWith('From the project runbook (AGENTS.md, CLAUDE.md), enforced by agent-sre'),
        ).toBe(true);
        expect(runbookDigest(docs)).toBe(c.digest);
        compilePolicy({ ...basePolicy, rules: [...basePolicy.rules, ...c.rules] }, WORLD.home);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        compileRunbook([doc(text)], { projectDir: P });
      }),
      { numRuns: 200 },
    );
  });
});
