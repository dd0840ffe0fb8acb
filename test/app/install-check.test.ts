import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeClaudeSettings } from '../../src/adapters/agents/claude/settings.ts';
import { portableHookCommand } from '../../src/app/hook-location.ts';
import { installProblems } from '../../src/app/install-check.ts';

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
    expect(installProblems(dir)).toEqual([]);
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    install();
    pkg({ 'agent-sre': '^0.1.0' });
    expect(installProblems(dir)).toEqual([]);
  });

  it('a teammate with the settings but not the package: an error that says to run npm install', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    pkg({ 'agent-sre': '^0.1.0' });
    const problems = installProblems(dir);
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
    expect(installProblems(dir)[0]!.fix).toContain('npm install --save-dev agent-sre');
  });

  it('installed but not listed in package.json: a warning, since teammates will not get it', () => {
    writeSettings(portableHookCommand('node_modules/agent-sre'));
    install();
    pkg({});
    expect(installProblems(dir)).toEqual([
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
    const problems = installProblems(dir);
    expect(problems.map((p) => p.severity)).toEqual(['error', 'error', 'warning']);
    expect(problems[0]!.message).toContain('/nonexistent/bin/node, which does not exist on this machine');
    expect(problems[2]!.fix).toContain('npx agent-sre init');
  });

  it("this machine's absolute paths that exist: only the warning", () => {
    writeSettings({ command: process.execPath, args: [join(dir, 'package.json'), 'hook', 'claude'] });
    pkg({});
    expect(installProblems(dir).map((p) => p.severity)).toEqual(['warning']);
  });
});
