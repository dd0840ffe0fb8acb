// The AGENTS.md that `agent-sre init` scaffolds: which test command and scope it picks for each kind of
// project, and that what it writes passes the runbook linter with no finding at all in that project.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/adapters/markdown/parse.ts';
import { lintRunbooks } from '../../../src/core/runbook/lint.ts';
import {
  hasMakeTarget,
  POSTMORTEM_TEMPLATE,
  type ProjectShape,
  scaffoldRunbook,
  scopePaths,
  testCommand,
} from '../../../src/core/runbook/scaffold.ts';

const PROJECT = '/project';

const shape = (over: Partial<ProjectShape> = {}): ProjectShape => ({ files: [], dirs: [], ...over });

const SHAPES: [string, ProjectShape, string | undefined, string[]][] = [
  [
    'npm with a test script',
    shape({
      files: ['package.json', 'package-lock.json'],
      dirs: ['src', 'test', '.git'],
      packageScripts: { test: 'vitest run' },
    }),
    'npm test',
    ['src/', 'test/'],
  ],
  [
    'npm without a lockfile',
    shape({ files: ['package.json'], dirs: ['lib'], packageScripts: { test: 'node --test' } }),
    'npm test',
    ['lib/'],
  ],
  [
    'pnpm',
    shape({
      files: ['package.json', 'pnpm-lock.yaml'],
      dirs: ['packages', 'docs'],
      packageScripts: { test: 'turbo test' },
    }),
    'pnpm test',
    ['packages/', 'docs/'],
  ],
  [
    'yarn',
    shape({ files: ['package.json', 'yarn.lock'], dirs: ['app', 'tests'], packageScripts: { test: 'jest' } }),
    'yarn test',
    ['tests/', 'app/'],
  ],
  [
    'bun runs the script, not its own runner',
    shape({ files: ['package.json', 'bun.lock'], dirs: ['src'], packageScripts: { test: 'vitest' } }),
    'bun run test',
    ['src/'],
  ],
  [
    "npm init's placeholder test script is no test command",
    shape({
      files: ['package.json', 'Makefile'],
      dirs: ['src'],
      packageScripts: { test: 'echo "Error: no test specified" && exit 1' },
      makefile: '.PHONY: test\ntest:\n\tnode --test\n',
    }),
    'make test',
    ['src/'],
  ],
  [
    'package.json scripts win over a Makefile',
    shape({
      files: ['package.json', 'Makefile'],
      dirs: ['src'],
      packageScripts: { test: 'vitest' },
      makefile: 'test:\n\tx\n',
    }),
    'npm test',
    ['src/'],
  ],
  [
    'a Makefile without a test target',
    shape({
      files: ['Makefile', 'go.mod'],
      dirs: ['cmd', 'internal'],
      makefile: 'build:\n\tgo build\ntest := 1\n',
    }),
    'go test ./...',
    ['./'],
  ],
  [
    'pyproject.toml',
    shape({ files: ['pyproject.toml'], dirs: ['src', 'tests'] }),
    'pytest',
    ['src/', 'tests/'],
  ],
  ['pytest.ini', shape({ files: ['pytest.ini'], dirs: ['tests'] }), 'pytest', ['tests/']],
  ['uv', shape({ files: ['pyproject.toml', 'uv.lock'], dirs: ['src'] }), 'uv run pytest', ['src/']],
  [
    'poetry',
    shape({ files: ['pyproject.toml', 'poetry.lock'], dirs: ['src'] }),
    'poetry run pytest',
    ['src/'],
  ],
  ['go', shape({ files: ['go.mod'], dirs: ['.git'] }), 'go test ./...', ['./']],
  [
    'cargo',
    shape({ files: ['Cargo.toml', 'Cargo.lock'], dirs: ['src', 'tests'] }),
    'cargo test',
    ['src/', 'tests/'],
  ],
  ['nothing known', shape({ files: ['README.md'], dirs: ['.git', 'docs'] }), undefined, ['./']],
  ['an empty directory', shape(), undefined, ['./']],
  [
    'package.json that did not parse',
    shape({
      files: ['package.json', 'index.js'],
      dirs: ['src', 'lib', 'test', 'tests', 'app', 'packages', 'docs'],
    }),
    undefined,
    ['src/', 'lib/', 'test/', 'tests/', 'app/', 'packages/', 'docs/'],
  ],
];

/** The fake project's file system: the root, and each file and directory of the shape. */
const existsIn = (s: ProjectShape) => {
  const paths = new Set([PROJECT, ...[...s.files, ...s.dirs].map((n) => `${PROJECT}/${n}`)]);
  return (p: string) => paths.has(p.replace(/\/+$/, ''));
};

const lintScaffold = (s: ProjectShape) =>
  lintRunbooks([parseRunbook(scaffoldRunbook(s).text, 'AGENTS.md', `${PROJECT}/AGENTS.md`)], {
    projectDir: PROJECT,
    home: '/home/dev',
    exists: existsIn(s),
  });

const section = (text: string, heading: string) => {
  const start = text.indexOf(`## ${heading}\n`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};

describe('scaffoldRunbook', () => {
  it.each(SHAPES)('%s', (_name, s, test, scope) => {
    expect(testCommand(s)).toBe(test);
    expect(scopePaths(s)).toEqual(scope);
    const out = scaffoldRunbook(s);
    expect(out.testCommand).toBe(test);
    expect(out.scope).toEqual(scope);
    const post = section(out.text, 'Postconditions');
    if (test) expect(post).toContain(`- Tests pass: \`${test}\`\n`);
    else {
      expect(post).toContain('TODO');
      expect(post).toContain('`git diff --check`');
    }
    const spans = scope.map((p) => `\`${p}\``);
    const writable =
      scope[0] === './'
        ? '- You may edit files anywhere in this project: `./`.'
        : `- You may edit ${spans.length === 1 ? spans[0] : `${spans.slice(0, -1).join(', ')} and ${spans.at(-1)}`}.`;
    expect(section(out.text, 'Scope boundary')).toContain(`\n${writable}\n`);
  });

  it.each(SHAPES)('lints clean: %s', (_name, s) => {
    expect(lintScaffold(s)).toEqual([]);
  });

  it('stays under the 60-line warning for the largest project shape', () => {
    const big = shape({
      files: ['package.json', 'package-lock.json'],
      dirs: ['.git', 'src', 'lib', 'test', 'tests', 'app', 'packages', 'docs'],
      packageScripts: { test: 'vitest', lint: 'biome ci', typecheck: 'tsc' },
    });
    const out = scaffoldRunbook(big);
    expect(out.text.split('\n').length - 1).toBeLessThanOrEqual(60);
    expect(lintScaffold(big)).toEqual([]);
    expect(out.text).toContain('- Lint is clean: `npm run lint`\n');
    expect(out.text).toContain('- Types check: `npm run typecheck`\n');
  });

  it('writes the sections, the Never list and the guard files off limits', () => {
    const { text } = scaffoldRunbook(SHAPES[0]![1]);
    for (const heading of [
      'Preconditions',
      'Escalation criteria',
      'Postconditions',
      'Scope boundary',
      'Never',
    ])
      expect(text).toContain(`\n## ${heading}\n`);
    expect(section(text, 'Scope boundary')).toContain(
      '- Never edit `agent-sre.yaml`, `.agent-sre/` or `.claude/settings.json`',
    );
    const never = section(text, 'Never');
    for (const rule of [
      /force-push/,
      /--no-verify/,
      /delete, skip or weaken a test/,
      /outside the scope/,
      /secrets/,
    ])
      expect(never).toMatch(rule);
    const escalation = section(text, 'Escalation criteria');
    for (const rule of [/denied twice/, /3 attempts/, /production/, /credentials/, /migrations/, /ambiguous/])
      expect(escalation).toMatch(rule);
  });

  it('tailors the preconditions: git and the install command only where they apply', () => {
    const npm = scaffoldRunbook(SHAPES[0]![1]).text;
    expect(section(npm, 'Preconditions')).toContain('`git status --porcelain`');
    expect(section(npm, 'Preconditions')).toContain('- Dependencies are installed: `npm ci`');
    expect(section(npm, 'Preconditions')).toContain('`npm test`');
    const pnpm = scaffoldRunbook(SHAPES[2]![1]).text;
    expect(section(pnpm, 'Preconditions')).toContain('`pnpm install`');
    expect(pnpm).not.toContain('git status');
    const bare = scaffoldRunbook(shape()).text;
    expect(section(bare, 'Preconditions')).not.toMatch(/`/);
  });
});

describe('hasMakeTarget', () => {
  it.each([
    ['test:\n\tgo test\n', true],
    ['.PHONY: test\ntest: build\n\tx\n', true],
    ['check test:: deps\n', true],
    ['unit-test:\n\tx\n', false],
    ['test := 1\n', false],
    ['test ?= 1\n', false],
    ['\ttest: not a rule\n', false],
    ['# test:\n', false],
    ['test:\r\n\tx\r\n', true],
  ])('%j -> %s', (makefile, expected) => {
    expect(hasMakeTarget(makefile, 'test')).toBe(expected);
  });
});

describe('POSTMORTEM_TEMPLATE', () => {
  it('has the Google SRE sections and the agent-specific ones', () => {
    for (const heading of [
      '## Summary',
      '## Impact',
      '## Blast radius',
      '## Root causes',
      '## Trigger',
      '## Detection',
      '## Resolution',
      '## Action items',
      '## Lessons learned',
      '### What went well',
      '### What went wrong',
      '### Where we got lucky',
      '## Timeline',
    ])
      expect(POSTMORTEM_TEMPLATE).toContain(`\n${heading}\n`);
    for (const placeholder of [
      '{{incident.id}}',
      '{{incident.sessionId}}',
      '{{session.model}}',
      '{{session.usage.filesTouched}}',
      '{{policy.budgets.linesChanged}}',
      '{{session.tokenCost}}',
    ])
      expect(POSTMORTEM_TEMPLATE).toContain(placeholder);
    expect(POSTMORTEM_TEMPLATE).toContain('| Action item | Type | Owner | Priority | Tracking |');
    expect(POSTMORTEM_TEMPLATE).toMatch(/mitigate .*prevent .*detect/);
    expect(POSTMORTEM_TEMPLATE).toContain('| TTD, time to detect | detected − started |');
    expect(POSTMORTEM_TEMPLATE).toContain('| TTA, time to acknowledge | acknowledged − first page sent |');
    expect(POSTMORTEM_TEMPLATE).toContain('All times UTC.');
    expect(POSTMORTEM_TEMPLATE.split('\n').slice(0, 4).join('\n')).toContain('`agent-sre postmortem`');
  });
});
