// `agent-sre runbook lint` through the built CLI: discovery of AGENTS.md and CLAUDE.md, FILE arguments,
// human and --json output, and the exit codes (0 clean or warnings only, 1 errors, 2 usage).
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runBin, tempProject } from './bin.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'runbooks');
const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A project with the directories the clean fixture names, and the given runbooks (name -> fixture). */
function project(runbooks: Record<string, string> = {}): string {
  const dir = tempProject('agent-sre-runbook-');
  made.push(dir);
  for (const d of ['src', 'test', 'docs']) mkdirSync(join(dir, d));
  for (const [name, fixture] of Object.entries(runbooks))
    copyFileSync(join(FIXTURES, fixture), join(dir, name));
  return dir;
}

interface Report {
  ok: boolean;
  files: { file: string; lines: number }[];
  findings: { file: string; line: number; severity: string; rule: string; message: string; fix: string }[];
}

const lint = (dir: string, ...args: string[]) => runBin(['runbook', 'lint', '--dir', dir, ...args]);
const json = async (dir: string, ...args: string[]) => {
  const r = await lint(dir, '--json', ...args);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
};

describe('agent-sre runbook lint', () => {
  it('exits 0 on a clean runbook', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md' });
    const r = await lint(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('AGENTS.md: no problems.\n');
  });

  it('exits 0 with warnings only, and prints them', async () => {
    const dir = project({ 'AGENTS.md': 'near-budget.md' });
    const r = await lint(dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^AGENTS\.md:61: warning runbook\.line-budget: 75 lines, past 60/m);
    expect(r.stdout).toMatch(/^ {2}fix: Cut it to 60 lines or fewer/m);
    expect(r.stdout).toMatch(/AGENTS\.md: 0 errors, 1 warning\.\n$/);
  });

  it('exits 1 on errors, one line per finding and an indented fix', async () => {
    const dir = project({ 'AGENTS.md': 'unverified-postcondition.md' });
    const r = await lint(dir);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^AGENTS\.md:14: error runbook\.unverified-postcondition: Postcondition ".*" has no verification command\. Instructions without verification commands are suggestions, not rules\.$/,
    );
    expect(lines[1]).toMatch(/^ {2}fix: /);
    expect(r.stdout).toMatch(/AGENTS\.md: 3 errors, 0 warnings\.\n$/);
  });

  it('--json: one object with ok, files and findings', async () => {
    const dir = project({ 'AGENTS.md': 'no-never.md' });
    const { code, report } = await json(dir);
    expect(code).toBe(1);
    expect(Object.keys(report)).toEqual(['ok', 'files', 'findings']);
    expect(report.ok).toBe(false);
    expect(report.files).toEqual([{ file: 'AGENTS.md', lines: 19 }]);
    expect(report.findings).toHaveLength(1);
    const [f] = report.findings;
    expect(Object.keys(f!).sort()).toEqual(['file', 'fix', 'line', 'message', 'rule', 'severity']);
    expect(f).toMatchObject({ file: 'AGENTS.md', line: 1, severity: 'error', rule: 'runbook.never-list' });
  });

  it('finds both AGENTS.md and CLAUDE.md by default; an @AGENTS.md import counts', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md', 'CLAUDE.md': 'claude-import.md' });
    const { code, report } = await json(dir);
    expect(code).toBe(0);
    expect(report).toEqual({
      ok: true,
      files: [
        { file: 'AGENTS.md', lines: 36 },
        { file: 'CLAUDE.md', lines: 5 },
      ],
      findings: [],
    });
    // CLAUDE.md on its own: it has no runbook of its own.
    rmSync(join(dir, 'AGENTS.md'));
    const alone = await json(dir);
    expect(alone.code).toBe(1);
    expect(alone.report.files.map((f) => f.file)).toEqual(['CLAUDE.md']);
    expect(alone.report.findings.map((f) => f.rule)).toEqual([
      'runbook.missing-section',
      'runbook.missing-section',
      'runbook.missing-section',
      'runbook.missing-section',
      'runbook.never-list',
    ]);
  });

  it('checks scope paths against the project on disk', async () => {
    const dir = project({ 'AGENTS.md': 'scope-missing-path.md' });
    const first = await json(dir);
    expect(first.report.findings.map((f) => `${f.line} ${f.rule}`)).toEqual([
      '17 runbook.scope-path-missing',
      '18 runbook.scope-path-missing',
      '20 runbook.scope-path-missing',
    ]);
    for (const d of ['lib', 'tests', 'app']) mkdirSync(join(dir, d));
    const after = await json(dir);
    expect(after.code).toBe(0);
    expect(after.report.findings).toEqual([]);
  });

  it('reports a project with no runbook at all', async () => {
    const dir = project();
    const { code, report } = await json(dir);
    expect(code).toBe(1);
    expect(report.files).toEqual([]);
    expect(report.findings).toEqual([
      expect.objectContaining({ file: 'AGENTS.md', line: 1, severity: 'error', rule: 'runbook.missing' }),
    ]);
    const human = await lint(dir);
    expect(human.stdout).toMatch(/^AGENTS\.md:1: error runbook\.missing: No AGENTS\.md or CLAUDE\.md in /);
  });

  it('FILE arguments replace discovery and are reported as typed', async () => {
    const dir = project({ 'AGENTS.md': 'no-never.md' });
    mkdirSync(join(dir, 'docs', 'agents'));
    copyFileSync(join(FIXTURES, 'clean.md'), join(dir, 'docs', 'agents', 'RUNBOOK.md'));
    const r = await runBin(['runbook', 'lint', '--json', 'docs/agents/RUNBOOK.md'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as Report).files).toEqual([{ file: 'docs/agents/RUNBOOK.md', lines: 36 }]);
  });

  it('--max-lines and --warn-lines set the budget', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md' });
    const { code, report } = await json(dir, '--max-lines', '30', '--warn-lines', '20');
    expect(code).toBe(1);
    expect(report.findings.map((f) => `${f.line} ${f.severity} ${f.rule}`)).toEqual([
      '31 error runbook.line-budget',
    ]);
    expect((await json(dir, '--warn-lines', '30')).report.findings.map((f) => f.severity)).toEqual([
      'warning',
    ]);
  });

  it('exits 2 on usage errors', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md' });
    const cases: [string[], RegExp][] = [
      [['runbook', 'lint', '--dir', dir, 'NOPE.md'], /NOPE\.md: no such file/],
      [['runbook', 'lint', '--dir', dir, '--frobnicate'], /Unknown option '--frobnicate'/],
      [['runbook', 'lint', '--dir', dir, '--max-lines', 'ten'], /--max-lines takes a positive whole number/],
      [['runbook', 'lint', '--dir', dir, '--max-lines', '0'], /--max-lines takes a positive whole number/],
      [['runbook', 'lint', '--dir', dir, '--max-lines', '10', '--warn-lines', '20'], /must not be above/],
      [['runbook', 'lint', '--dir', join(dir, 'missing')], /is not a directory/],
      [['runbook', 'frobnicate'], /unknown subcommand "frobnicate" \(expected: lint or explain\)/],
      [['runbook', 'explain', '--dir', dir, 'NOPE.md'], /NOPE\.md: no such file/],
      [['runbook', 'explain', '--dir', dir, '--max-lines', '10'], /--max-lines is for `runbook lint`/],
      [['runbook', 'explain', '--dir', join(dir, 'missing')], /is not a directory/],
    ];
    const results = await Promise.all(cases.map(([args]) => runBin(args)));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
      expect(r.stderr).toMatch(/agent-sre runbook --help/);
      expect(r.stdout).toBe('');
    });
  });

  it('teaches with --help, and with no subcommand', async () => {
    for (const args of [['runbook', '--help'], ['runbook', 'lint', '--help'], ['runbook']]) {
      const r = await runBin(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: agent-sre runbook lint \[FILE\.\.\.\]/);
      for (const rule of [
        'runbook.missing-section',
        'runbook.line-budget',
        'runbook.never-list',
        'runbook.unverified-postcondition',
        'runbook.scope-path-missing',
        'runbook.scope-outside-project',
        'runbook.scope-guard',
      ])
        expect(r.stdout).toContain(rule);
      expect(r.stdout).toContain('Instructions without verification');
      expect(r.stdout).toMatch(/Exit status: 0 when there is no error/);
      expect(r.stdout).toMatch(/^ {7}agent-sre runbook explain \[FILE\.\.\.\] \[--json\] \[--dir DIR\]$/m);
      for (const id of ['runbook.scope', 'runbook.off-limits', 'runbook.never.<slug>', 'runbook.post.<slug>'])
        expect(r.stdout).toContain(id);
    }
  });

  it('is listed in the main help', async () => {
    const r = await runBin(['--help']);
    expect(r.stdout).toMatch(/^ {2}runbook +lint AGENTS\.md and CLAUDE\.md/m);
  });

  it('reads a file with CRLF line endings like any other', async () => {
    const dir = project();
    const text = readFileSync(join(FIXTURES, 'no-never.md'), 'utf8').replace(/\n/g, '\r\n');
    writeFileSync(join(dir, 'AGENTS.md'), text);
    const { report } = await json(dir);
    expect(report.files).toEqual([{ file: 'AGENTS.md', lines: 19 }]);
    expect(report.findings.map((f) => f.rule)).toEqual(['runbook.never-list']);
  });
});

interface Explained {
  ok: boolean;
  files: { file: string; lines: number }[];
  rules: { id: string; tier: number; reason: string; match: Record<string, unknown> }[];
  checks: { kind: string; id: string; run: string; on: string[]; timeoutSeconds: number; source: string }[];
  notCompiled: { file: string; line: number; text: string; why: string }[];
  digest: string;
  scope: { writable: string[]; offLimits: string[] };
  sources: Record<string, { file: string; line: number; text: string }[]>;
}

const explain = (dir: string, ...args: string[]) => runBin(['runbook', 'explain', '--dir', dir, ...args]);

describe('agent-sre runbook explain', () => {
  it('prints the rules, Stop checks, digest and what did not compile, and exits 0', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md', 'CLAUDE.md': 'compile-never.md' });
    const r = await explain(dir);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe('AGENTS.md, CLAUDE.md: 12 rules, 5 Stop checks, 2 lines not compiled.');
    const headings = out.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.includes('.md'));
    expect(headings.map((l) => l.replace(/ \(.*/, ''))).toEqual([
      'Rules',
      'Stop checks',
      'Digest',
      'Not compiled',
    ]);
    expect(out).toMatch(/^Digest \(\d+ of at most 1500 characters, for the session's context\)$/m);
    expect(out).toMatch(/^ {2}runbook\.scope {2}tier 3 \(real-time gate\)$/m);
    expect(out).toMatch(
      /^ {4}matches {2}write or delete in the project zone outside src, test, docs\/\*\*\/\*\.md /m,
    );
    expect(out).toMatch(
      /^ {2}runbook\.never\.skip-hooks {2}tier 4 \(hard deny\)\n {4}matches {2}exec tagged git\.no-verify\n/m,
    );
    expect(out).toMatch(/^ {4}from {5}AGENTS\.md:36, CLAUDE\.md:36$/m);
    expect(out).toMatch(
      /^ {2}runbook\.post\.npm-test {2}npm test\n {4}from {5}AGENTS\.md:19, CLAUDE\.md:14$/m,
    );
    expect(out).toMatch(/^ {2}From the project runbook \(AGENTS\.md, CLAUDE\.md\), enforced by agent-sre/m);
    expect(out).toContain(
      '  CLAUDE.md:37: "Never run `npm test` in watch mode."\n    why: the command is qualified',
    );
    expect(out).toContain(
      '  CLAUDE.md:39: "Never commit secrets."\n    why: not a form agent-sre can enforce',
    );
  });

  it('--json: the compiled runbook, with globs under the project directory', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md' });
    const r = await explain(dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Explained;
    expect(Object.keys(out)).toEqual([
      'ok',
      'files',
      'rules',
      'checks',
      'notCompiled',
      'digest',
      'scope',
      'sources',
    ]);
    expect(out.ok).toBe(true);
    expect(out.files).toEqual([{ file: 'AGENTS.md', lines: 36 }]);
    expect(out.rules.map((x) => `${x.id} ${x.tier}`)).toEqual([
      'runbook.off-limits 4',
      'runbook.never.force-push-main 4',
      'runbook.never.run-npm-publish 4',
      'runbook.scope 3',
    ]);
    expect(out.rules.at(-1)!.match.notPath).toEqual([
      `${dir}/src`,
      `${dir}/src/**`,
      `${dir}/test`,
      `${dir}/test/**`,
      `${dir}/docs/**/*.md`,
    ]);
    expect(out.checks[0]).toEqual({
      kind: 'command',
      id: 'runbook.post.npm-test',
      run: 'npm test',
      on: ['main'],
      timeoutSeconds: 600,
      source: 'runbook',
    });
    expect(out.notCompiled).toEqual([]);
    expect(out.scope.writable).toEqual(['src/', 'test/', 'docs/**/*.md']);
    expect(out.digest.length).toBeLessThanOrEqual(1500);
    expect(out.sources['runbook.scope']).toEqual([
      { file: 'AGENTS.md', line: 28, text: 'src/' },
      { file: 'AGENTS.md', line: 29, text: 'docs/**/*.md' },
    ]);
  });

  it('FILE arguments replace discovery', async () => {
    const dir = project({ 'AGENTS.md': 'clean.md' });
    const r = await runBin(
      ['runbook', 'explain', '--json', 'AGENTS.md', join(FIXTURES, 'compile-scope.md')],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Explained;
    expect(out.files.map((f) => f.file)).toEqual(['AGENTS.md', join(FIXTURES, 'compile-scope.md')]);
    expect(out.notCompiled.map((n) => n.line)).toEqual([11, 15, 30]);
  });

  it('says so and exits 1 when there is no runbook', async () => {
    const dir = project();
    const r = await explain(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      `No AGENTS.md or CLAUDE.md in ${dir}: there is no runbook to explain. Write one with Preconditions, Escalation criteria, Postconditions, Scope boundary and a Never list (see \`agent-sre runbook lint --help\`).\n`,
    );
    const j = await explain(dir, '--json');
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, files: [] });
  });
});
