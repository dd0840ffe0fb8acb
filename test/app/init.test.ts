import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultDenyRules,
  findOurHooks,
  GATE_HOOK_TIMEOUT_SEC,
  OUR_EVENTS,
} from '../../src/adapters/agents/claude/settings.ts';
import { parseRunbook } from '../../src/adapters/markdown/parse.ts';
import { type InitOptions, runInit } from '../../src/app/init.ts';
import { lintRunbooks } from '../../src/core/runbook/lint.ts';
import { POSTMORTEM_TEMPLATE } from '../../src/core/runbook/scaffold.ts';

const POLICY = 'version: 1\n';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-sre-init-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const options = (over: Partial<InitOptions> = {}): InitOptions => ({
  projectDir: dir,
  hookCommand: 'node',
  hookArgs: ['/opt/agent-sre/dist/cli.js', 'hook', 'claude'],
  defaultPolicyYaml: POLICY,
  claudeVersion: '2.1.332 (Claude Code)',
  now: new Date('2026-11-26T19:24:05.123Z'),
  // The trust record lives in the user's config dir; test/app/trust.test.ts covers it in a temp one.
  trust: false,
  ...over,
});

const settingsPath = () => path.join(dir, '.claude', 'settings.json');
const readSettings = () => JSON.parse(fs.readFileSync(settingsPath(), 'utf8')) as Record<string, unknown>;
const read = (rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');
const backups = () =>
  fs.existsSync(path.join(dir, '.claude'))
    ? fs.readdirSync(path.join(dir, '.claude')).filter((f) => f.startsWith('settings.json.bak-'))
    : [];
const actions = (r: ReturnType<typeof runInit>) =>
  Object.fromEntries(r.files.map((f) => [path.relative(dir, f.path), f.action]));

describe('runInit', () => {
  it('sets up a fresh project', () => {
    const report = runInit(options());
    expect(actions(report)).toEqual({
      'agent-sre.yaml': 'created',
      '.claude/settings.json': 'created',
      '.agent-sre': 'created',
      '.gitignore': 'created',
      'AGENTS.md': 'created',
      'docs/postmortem-template.md': 'created',
    });
    expect(report.backupPath).toBeUndefined();
    expect(report.warnings).toEqual([]);
    expect(report.claudeVersion).toEqual([2, 1, 332]);

    expect(read('agent-sre.yaml')).toBe(POLICY);
    expect(fs.statSync(path.join(dir, '.agent-sre')).isDirectory()).toBe(true);
    expect(read('.gitignore')).toBe('.agent-sre/\n');

    const raw = fs.readFileSync(settingsPath(), 'utf8');
    expect(raw.endsWith('}\n')).toBe(true);
    expect(raw).toContain('\n  "hooks": {\n');
    const settings = readSettings();
    expect(findOurHooks(settings).map((h) => h.event)).toEqual([
      'PreToolUse',
      'PostToolUse',
      'PostToolUseFailure',
      'PostToolBatch',
      'SessionStart',
      'SessionEnd',
      'Stop',
      'SubagentStop',
      'TaskCompleted',
    ]);
    for (const { event, entry } of findOurHooks(settings)) {
      // The acceptance gates run verification commands: their hooks must outlast the longest check.
      const timeout = ['Stop', 'SubagentStop', 'TaskCompleted'].includes(event) ? GATE_HOOK_TIMEOUT_SEC : 10;
      expect(entry).toEqual({
        type: 'command',
        command: 'node',
        // The launcher's watchdog refuses shortly before the timeout, so it is told the timeout.
        args: ['/opt/agent-sre/dist/cli.js', 'hook', 'claude', '--timeout', String(timeout)],
        timeout,
        onFailure: 'block',
      });
    }
    expect((settings.permissions as { deny: string[] }).deny).toEqual(defaultDenyRules());
    expect(fs.readdirSync(path.join(dir, '.claude'))).toEqual(['settings.json']);
  });

  it('is a no-op on re-run: nothing rewritten, no new backup', () => {
    runInit(options());
    const before = fs.readFileSync(settingsPath(), 'utf8');
    const mtime = fs.statSync(settingsPath()).mtimeMs;
    const scaffolded = { agents: read('AGENTS.md'), template: read('docs/postmortem-template.md') };
    const report = runInit(options({ now: new Date('2026-11-27T00:00:00Z') }));
    expect(Object.values(actions(report))).toEqual(Array(6).fill('unchanged'));
    expect(report.backupPath).toBeUndefined();
    expect(backups()).toEqual([]);
    expect(fs.readFileSync(settingsPath(), 'utf8')).toBe(before);
    expect(fs.statSync(settingsPath()).mtimeMs).toBe(mtime);
    expect(read('.gitignore')).toBe('.agent-sre/\n');
    // The AGENTS.md from the first run is now an existing runbook: linted, clean, not rewritten.
    expect({ agents: read('AGENTS.md'), template: read('docs/postmortem-template.md') }).toEqual(scaffolded);
    expect(report.files.find((f) => f.path.endsWith('AGENTS.md'))?.detail).toBe('exists and lints clean');
    expect(report.runbookFindings).toEqual([]);
  });

  it('keeps existing settings and the policy file, and backs the settings up', () => {
    fs.writeFileSync(path.join(dir, 'agent-sre.yaml'), 'mine: true\n');
    fs.mkdirSync(path.join(dir, '.claude'));
    const original = `${JSON.stringify(
      {
        model: 'opus',
        hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: './check.sh' }] }] },
        permissions: { deny: ['Bash(curl *)'] },
      },
      null,
      4,
    )}`;
    fs.writeFileSync(settingsPath(), original);

    const report = runInit(options());
    expect(actions(report)['agent-sre.yaml']).toBe('unchanged');
    expect(read('agent-sre.yaml')).toBe('mine: true\n');
    expect(actions(report)['.claude/settings.json']).toBe('updated');

    expect(report.backupPath).toBe(path.join(dir, '.claude', 'settings.json.bak-2026-11-26T192405.123Z'));
    expect(fs.readFileSync(report.backupPath!, 'utf8')).toBe(original);

    const settings = readSettings();
    expect(settings.model).toBe('opus');
    const pre = (settings.hooks as Record<string, unknown[]>).PreToolUse;
    expect(pre?.[0]).toEqual({ matcher: 'Bash', hooks: [{ type: 'command', command: './check.sh' }] });
    expect(pre).toHaveLength(2);
    const deny = (settings.permissions as { deny: string[] }).deny;
    expect(deny[0]).toBe('Bash(curl *)');
    expect(deny).toHaveLength(1 + defaultDenyRules().length);
  });

  it('replaces an install from an older path and backs up once per change', () => {
    runInit(options({ hookArgs: ['/old/agent-sre/cli.js', 'hook', 'claude'] }));
    const report = runInit(options());
    expect(report.backupPath).toBeDefined();
    expect(findOurHooks(readSettings())).toHaveLength(OUR_EVENTS.length);
    expect(
      findOurHooks(readSettings()).every(
        (h) => (h.entry.args as string[])[0] === '/opt/agent-sre/dist/cli.js',
      ),
    ).toBe(true);
    expect(backups()).toHaveLength(1);
  });

  it('does not overwrite an earlier backup with the same timestamp', () => {
    fs.mkdirSync(path.join(dir, '.claude'));
    fs.writeFileSync(settingsPath(), '{}');
    fs.writeFileSync(`${settingsPath()}.bak-2026-11-26T192405.123Z`, 'older');
    const report = runInit(options());
    expect(report.backupPath).toBe(`${settingsPath()}.bak-2026-11-26T192405.123Z-1`);
    expect(fs.readFileSync(`${settingsPath()}.bak-2026-11-26T192405.123Z`, 'utf8')).toBe('older');
  });

  it('leaves an unparsable settings.json untouched and names file and line', () => {
    fs.mkdirSync(path.join(dir, '.claude'));
    const broken = '{\n  "model": "opus",\n  "hooks": {,\n}\n';
    fs.writeFileSync(settingsPath(), broken);
    expect(() => runInit(options())).toThrow(/settings\.json:3:\d+ is not valid JSON/);
    expect(fs.readFileSync(settingsPath(), 'utf8')).toBe(broken);
    expect(backups()).toEqual([]);
    // Refused before anything else was written.
    expect(fs.existsSync(path.join(dir, 'agent-sre.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.gitignore'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.agent-sre'))).toBe(false);
  });

  it('refuses settings whose shape it cannot merge into, naming the file', () => {
    fs.mkdirSync(path.join(dir, '.claude'));
    fs.writeFileSync(settingsPath(), '{"hooks": []}\n');
    expect(() => runInit(options())).toThrow(/settings\.json: .*"hooks" is an array/);
    expect(fs.readFileSync(settingsPath(), 'utf8')).toBe('{"hooks": []}\n');
  });

  it('treats an empty settings.json as {} and still backs it up', () => {
    fs.mkdirSync(path.join(dir, '.claude'));
    fs.writeFileSync(settingsPath(), '\n');
    const report = runInit(options());
    expect(actions(report)['.claude/settings.json']).toBe('updated');
    expect(report.backupPath).toBeDefined();
    expect(findOurHooks(readSettings())).toHaveLength(OUR_EVENTS.length);
  });

  it('writes through a symlinked settings.json to its target', () => {
    const target = path.join(dir, 'real-settings.json');
    fs.writeFileSync(target, '{"model":"opus"}');
    fs.mkdirSync(path.join(dir, '.claude'));
    fs.symlinkSync(target, settingsPath());
    runInit(options());
    expect(fs.lstatSync(settingsPath()).isSymbolicLink()).toBe(true);
    expect(findOurHooks(JSON.parse(fs.readFileSync(target, 'utf8')))).toHaveLength(OUR_EVENTS.length);
  });

  describe('.gitignore', () => {
    it.each([
      [
        'appends with a newline when the file lacks one',
        'node_modules',
        'node_modules\n.agent-sre/\n',
        'updated',
      ],
      ['appends after a trailing newline', 'dist/\n', 'dist/\n.agent-sre/\n', 'updated'],
      ['keeps CRLF line endings', 'dist/\r\n', 'dist/\r\n.agent-sre/\r\n', 'updated'],
      ['recognises .agent-sre/', 'dist/\n.agent-sre/\n', 'dist/\n.agent-sre/\n', 'unchanged'],
      ['recognises /.agent-sre', '/.agent-sre\n', '/.agent-sre\n', 'unchanged'],
      ['ignores a commented-out entry', '# .agent-sre/\n', '# .agent-sre/\n.agent-sre/\n', 'updated'],
      [
        're-adds after a later negation',
        '.agent-sre/\n!.agent-sre/\n',
        '.agent-sre/\n!.agent-sre/\n.agent-sre/\n',
        'updated',
      ],
      ['appends to an empty file', '', '.agent-sre/\n', 'updated'],
    ])('%s', (_name, before, after, action) => {
      fs.writeFileSync(path.join(dir, '.gitignore'), before);
      const report = runInit(options());
      expect(read('.gitignore')).toBe(after);
      expect(actions(report)['.gitignore']).toBe(action);
    });
  });

  describe('warnings', () => {
    it.each([
      [undefined, /Could not find Claude Code/],
      ['command not found', /Could not read a version/],
      ['2.1.294 (Claude Code)', /Claude Code 2\.1\.294 is older than 2\.1\.295/],
    ])('claude --version %j', (version, message) => {
      const report = runInit(options({ claudeVersion: version }));
      expect(report.warnings).toHaveLength(1);
      const [w] = report.warnings;
      expect(w).toMatch(message);
      expect(w).toContain('onFailure');
      expect(w).toContain('fails open');
      expect(w).toContain('claude update');
    });

    it('is quiet on exactly 2.1.295', () => {
      expect(runInit(options({ claudeVersion: '2.1.295 (Claude Code)' })).warnings).toEqual([]);
    });

    it('warns when hooks are disabled in the project settings', () => {
      fs.mkdirSync(path.join(dir, '.claude'));
      fs.writeFileSync(settingsPath(), '{"disableAllHooks": true}');
      expect(runInit(options()).warnings.join('\n')).toMatch(/disableAllHooks/);
    });
  });

  describe('AGENTS.md and the postmortem template', () => {
    const lintProject = () =>
      lintRunbooks([parseRunbook(read('AGENTS.md'), 'AGENTS.md', path.join(dir, 'AGENTS.md'))], {
        projectDir: dir,
        home: '/home/dev',
        exists: (p) => fs.existsSync(p),
      });
    const detail = (r: ReturnType<typeof runInit>, rel: string) =>
      r.files.find((f) => f.path === path.join(dir, rel))?.detail;

    it('writes a runbook tailored to the project that lints clean, and the template', () => {
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'vitest run' } }));
      fs.writeFileSync(path.join(dir, 'pnpm-lock.yaml'), '');
      for (const d of ['src', 'tests', 'docs']) fs.mkdirSync(path.join(dir, d));
      const report = runInit(options());
      expect(actions(report)['AGENTS.md']).toBe('created');
      expect(detail(report, 'AGENTS.md')).toMatch(
        /^runbook for the agent: tests `pnpm test`, scope src\/ tests\/ docs\/; review it/,
      );
      const agents = read('AGENTS.md');
      expect(agents).toContain('- Tests pass: `pnpm test`\n');
      expect(agents).toContain('- You may edit `src/`, `tests/` and `docs/`.\n');
      expect(lintProject()).toEqual([]);
      expect(report.runbookFindings).toEqual([]);

      expect(actions(report)['docs/postmortem-template.md']).toBe('created');
      expect(read('docs/postmortem-template.md')).toBe(POSTMORTEM_TEMPLATE);
    });

    it('lints clean in a project with nothing to go on, scoping the whole project', () => {
      runInit(options());
      expect(read('AGENTS.md')).toContain('- You may edit files anywhere in this project: `./`.\n');
      expect(read('AGENTS.md')).toContain('`git diff --check`');
      expect(lintProject()).toEqual([]);
    });

    it('leaves an existing AGENTS.md byte for byte and reports its lint findings', () => {
      const mine = '# Notes\r\n\r\nBe careful.\r\n';
      fs.writeFileSync(path.join(dir, 'AGENTS.md'), mine);
      const report = runInit(options());
      expect(fs.readFileSync(path.join(dir, 'AGENTS.md'), 'utf8')).toBe(mine);
      expect(actions(report)['AGENTS.md']).toBe('unchanged');
      const rules = report.runbookFindings.map((f) => f.rule);
      expect(rules).toEqual([...Array(4).fill('runbook.missing-section'), 'runbook.never-list']);
      expect(detail(report, 'AGENTS.md')).toBe('exists; 5 lint findings, see below');
      for (const f of report.runbookFindings) {
        expect(f).toMatchObject({ file: 'AGENTS.md', line: 1, severity: 'error' });
        expect(f.message).not.toBe('');
        expect(f.fix).not.toBe('');
      }
      // The template is still written: it does not depend on the runbook.
      expect(actions(report)['docs/postmortem-template.md']).toBe('created');
    });

    it('leaves an existing CLAUDE.md alone and does not add AGENTS.md', () => {
      const mine = '# Project\n\n## Scope\n\n- You may edit `nowhere/`\n';
      fs.writeFileSync(path.join(dir, 'CLAUDE.md'), mine);
      const report = runInit(options());
      expect(read('CLAUDE.md')).toBe(mine);
      expect(fs.existsSync(path.join(dir, 'AGENTS.md'))).toBe(false);
      expect(actions(report)).not.toHaveProperty('AGENTS.md');
      expect(actions(report)['CLAUDE.md']).toBe('unchanged');
      const found = report.runbookFindings.map((f) => `${f.file}:${f.line} ${f.rule}`);
      expect(found).toContain('CLAUDE.md:5 runbook.scope-path-missing');
      expect(found).toContain('CLAUDE.md:1 runbook.never-list');
    });

    it('lints AGENTS.md and CLAUDE.md together, so a CLAUDE.md importing AGENTS.md is clean', () => {
      runInit(options());
      fs.writeFileSync(path.join(dir, 'CLAUDE.md'), '@AGENTS.md\n');
      const report = runInit(options());
      expect(report.runbookFindings).toEqual([]);
      expect(detail(report, 'CLAUDE.md')).toBe('exists and lints clean');
    });

    it('does not write over a dangling AGENTS.md symlink', () => {
      fs.symlinkSync(path.join(dir, 'elsewhere.md'), path.join(dir, 'AGENTS.md'));
      const report = runInit(options());
      expect(fs.lstatSync(path.join(dir, 'AGENTS.md')).isSymbolicLink()).toBe(true);
      expect(fs.existsSync(path.join(dir, 'elsewhere.md'))).toBe(false);
      expect(detail(report, 'AGENTS.md')).toMatch(/not a readable file/);
    });

    it('keeps an existing postmortem template', () => {
      fs.mkdirSync(path.join(dir, 'docs'));
      fs.writeFileSync(path.join(dir, 'docs', 'postmortem-template.md'), 'ours\n');
      const report = runInit(options());
      expect(read('docs/postmortem-template.md')).toBe('ours\n');
      expect(actions(report)['docs/postmortem-template.md']).toBe('unchanged');
    });

    it('skips the template with a warning when docs is a file', () => {
      fs.writeFileSync(path.join(dir, 'docs'), 'not a directory');
      const report = runInit(options());
      expect(read('docs')).toBe('not a directory');
      expect(actions(report)).not.toHaveProperty('docs/postmortem-template.md');
      expect(report.warnings).toEqual([expect.stringMatching(/docs is not a directory/)]);
    });
  });

  it('fails clearly when the project directory does not exist', () => {
    expect(() => runInit(options({ projectDir: path.join(dir, 'nope') }))).toThrow(/does not exist/);
  });

  it('fails clearly when .agent-sre is a file, before writing anything', () => {
    fs.writeFileSync(path.join(dir, '.agent-sre'), 'x');
    expect(() => runInit(options())).toThrow(/not a directory/);
    expect(fs.existsSync(settingsPath())).toBe(false);
  });
});
