import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeClaudeSettings } from '../../src/adapters/agents/claude/settings.ts';
import { portableHookCommand } from '../../src/app/hook-location.ts';
import { installProblems } from '../../src/app/install-check.ts';

// Not the real ~/.claude: a developer's own enabled plugin must not change these results.
const NO_HOME = join(tmpdir(), 'agent-sre-no-such-home');
let dir: string;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-install-check-')));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeSettings(cmd: { command: string; args: string[] }): void {
  const { settings } = mergeClaudeSettings(undefined, {
    ...cmd,
    timeoutSec: 10,
    denyRules: [],
    asyncPost: true,
  });
  mkdirSync(join(dir, '.claude'), { recursive: true });
  writeFileSync(join(dir, '.claude', 'settings.json'), JSON.stringify(settings));
}

function install(): void {
  mkdirSync(join(dir, 'node_modules', 'agent-sre', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'agent-sre', 'bin', 'agent-sre-hook.cjs'), '');
}

const pkg = (deps: Record<string, string>) =>
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', devDependencies: deps }));

describe('installProblems', () => {
  it('says nothing without settings, and nothing when the shared settings find their package', () => {
    expect(installProblems(dir, NO_HOME)).toEqual([]);
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    install();
    pkg({ 'agent-sre': '^0.1.0' });
    expect(installProblems(dir, NO_HOME)).toEqual([]);
  });

  it('a teammate with the settings but not the package: an error that says to run npm install', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    pkg({ 'agent-sre': '^0.1.0' });
    const problems = installProblems(dir, NO_HOME);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      severity: 'error',
      fix: 'run npm install (agent-sre is in package.json)',
    });
    expect(problems[0]!.message).toContain('node_modules/agent-sre, which is not installed here');
    expect(problems[0]!.message).toContain('refuse every tool call');
  });

  it('not in package.json either: the fix adds it as a devDependency', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    expect(installProblems(dir, NO_HOME)[0]!.fix).toContain('npm install --save-dev agent-sre');
  });

  it('installed but not listed in package.json: a warning, since teammates will not get it', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    install();
    pkg({});
    expect(installProblems(dir, NO_HOME)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('package.json does not list it'),
      }),
    ]);
  });

  it("another machine's absolute paths: an error for each missing one, and a warning that they are not shareable", () => {
    writeSettings({
      command: '/nonexistent/bin/node',
      args: ['/home/someone/agent-sre/bin/agent-sre-hook.cjs', 'hook', 'claude'],
    });
    const problems = installProblems(dir, NO_HOME);
    expect(problems.map((p) => p.severity)).toEqual(['error', 'error', 'warning']);
    expect(problems[0]!.message).toContain('/nonexistent/bin/node, which does not exist on this machine');
    expect(problems[2]!.fix).toContain('npx agent-sre init');
  });

  it("this machine's absolute paths that exist: only the warning", () => {
    writeSettings({ command: process.execPath, args: [join(dir, 'package.json'), 'hook', 'claude'] });
    pkg({});
    expect(installProblems(dir, NO_HOME).map((p) => p.severity)).toEqual(['warning']);
  });
});

describe('the plugin and the project settings both wired', () => {
  let home: string;
  beforeEach(() => {
    home = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-home-')));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const enable = (file: string, value: boolean) => {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({ enabledPlugins: { 'agent-sre@agent-sre': value, 'other@x': true } }),
    );
  };
  const doubled = (problems: ReturnType<typeof installProblems>) =>
    problems.filter((p) => p.message.includes('both wire'));

  it('warns when the user enables the plugin and the project settings hook agent-sre too', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    install();
    pkg({ 'agent-sre': '^0.1.0' });
    expect(doubled(installProblems(dir, home))).toEqual([]);
    enable(join(home, '.claude', 'settings.json'), true);
    const [w] = doubled(installProblems(dir, home));
    expect(w?.severity).toBe('warning');
    expect(w?.message).toContain('agent-sre@agent-sre');
    expect(w?.fix).toContain('claude plugin disable agent-sre@agent-sre');
  });

  it('follows precedence: a local settings file that disables the plugin wins over the user file', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    install();
    pkg({ 'agent-sre': '^0.1.0' });
    enable(join(home, '.claude', 'settings.json'), true);
    enable(join(dir, '.claude', 'settings.local.json'), false);
    expect(doubled(installProblems(dir, home))).toEqual([]);
  });

  it('says nothing when only the plugin guards the project', () => {
    enable(join(home, '.claude', 'settings.json'), true);
    expect(installProblems(dir, home)).toEqual([]);
  });
});
