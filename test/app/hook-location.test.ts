import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findOurHooks, mergeClaudeSettings } from '../../src/adapters/agents/claude/settings.ts';
import {
  findProjectInstall,
  hookLocation,
  pluginHookCommand,
  portableHookCommand,
  portableInstallOf,
  portableScript,
} from '../../src/app/hook-location.ts';
import { hookTimeouts } from '../../src/app/hook-timeout.ts';

let base: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-hookloc-')));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

/** A stand-in launcher that prints the arguments it got and what it read on stdin. */
function fakeInstall(dir: string): void {
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(
    join(dir, 'bin', 'agent-sre-hook.cjs'),
    "process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), stdin: require('fs').readFileSync(0, 'utf8') }));\n",
  );
}

function run(cmd: { command: string; args: string[] }, projectDir: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(cmd.command, cmd.args, {
    encoding: 'utf8',
    input: '{"hook_event_name":"PreToolUse"}',
    env: { PATH: process.env.PATH, CLAUDE_PROJECT_DIR: projectDir, ...env },
    cwd: base,
  });
}

describe('the portable hook command', () => {
  it('runs the launcher under $CLAUDE_PROJECT_DIR with the hook arguments and stdin', () => {
    fakeInstall(join(base, 'node_modules', 'agent-sre'));
    const r = run(portableHookCommand('node_modules/agent-sre'), base);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      argv: ['hook', 'claude'],
      stdin: '{"hook_event_name":"PreToolUse"}',
    });
  });

  it('blocks with exit 2 and says what is missing when the package is not installed (not exit 127)', () => {
    const r = run(portableHookCommand('node_modules/agent-sre'), base);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('agent-sre refused: agent-sre is not installed in this project');
    expect(r.stderr).toContain(`${base}/node_modules/agent-sre/bin/agent-sre-hook.cjs is missing`);
    expect(r.stderr).toContain('Run npm install');
  });

  it('blocks with exit 2 when node is not on the PATH', () => {
    fakeInstall(join(base, 'node_modules', 'agent-sre'));
    const empty = join(base, 'empty-path');
    mkdirSync(empty);
    // sh itself by absolute path; a PATH with neither node nor anything else.
    const r = spawnSync('/bin/sh', portableHookCommand('node_modules/agent-sre').args, {
      encoding: 'utf8',
      input: '{}',
      env: { PATH: empty, CLAUDE_PROJECT_DIR: base },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('node is not on the PATH');
  });

  it('takes no path the shell would expand', () => {
    expect(() => portableScript('node_modules/$(touch x)')).toThrow(/cannot name/);
    expect(() => portableScript('node_modules/a"b')).toThrow(/cannot name/);
    expect(() => portableScript('')).toThrow(/cannot name/);
    // A project directory with shell syntax in its name is only ever an environment variable's value.
    const odd = join(base, 'a $(touch pwned) `b`');
    fakeInstall(join(odd, 'node_modules', 'agent-sre'));
    const r = run(portableHookCommand('node_modules/agent-sre'), odd);
    expect(r.status).toBe(0);
    expect(existsSync(join(base, 'pwned'))).toBe(false);
  });

  it('is recognised as ours by settings merging, takes --timeout, and is read back by doctor', () => {
    const cmd = portableHookCommand('node_modules/agent-sre');
    const { settings } = mergeClaudeSettings(
      {
        hooks: {
          PreToolUse: [
            {
              matcher: '*',
              hooks: [
                {
                  type: 'command',
                  command: '/usr/bin/node',
                  args: ['/old/agent-sre/bin/agent-sre-hook.cjs', 'hook', 'claude'],
                },
              ],
            },
          ],
        },
      },
      { ...cmd, timeoutSec: 42, denyRules: [], asyncPost: true },
    );
    const pre = findOurHooks(settings).filter((h) => h.event === 'PreToolUse');
    // The old absolute entry was replaced, not kept beside the new one.
    expect(pre).toHaveLength(1);
    expect(pre[0]!.entry.command).toBe('sh');
    expect((pre[0]!.entry.args as string[]).slice(-5)).toEqual([
      'agent-sre',
      'hook',
      'claude',
      '--timeout',
      '42',
    ]);
    expect(hookTimeouts(pre[0]!.entry).watchdog).toBe(42);
    expect(portableInstallOf(pre[0]!.entry)).toBe('node_modules/agent-sre');
    const again = mergeClaudeSettings(settings, { ...cmd, timeoutSec: 42, denyRules: [], asyncPost: true });
    expect(again.changed).toBe(false);
    // Nothing of this machine in the shared file.
    expect(JSON.stringify(settings)).not.toContain(base);
    expect(JSON.stringify(settings)).not.toContain(process.execPath);
  });

  it('the plugin hook prefers the project install, then the plugin root', () => {
    const project = join(base, 'project');
    const plugin = join(base, 'plugin');
    fakeInstall(plugin);
    mkdirSync(project);
    const cmd = pluginHookCommand();
    const viaPlugin = run(cmd, project, { CLAUDE_PLUGIN_ROOT: plugin });
    expect(viaPlugin.status).toBe(0);
    writeFileSync(join(plugin, 'bin', 'agent-sre-hook.cjs'), 'process.stdout.write("plugin")');
    expect(run(cmd, project, { CLAUDE_PLUGIN_ROOT: plugin }).stdout).toBe('plugin');
    fakeInstall(join(project, 'node_modules', 'agent-sre'));
    expect(JSON.parse(run(cmd, project, { CLAUDE_PLUGIN_ROOT: plugin }).stdout).argv).toEqual([
      'hook',
      'claude',
    ]);
    const none = run(cmd, join(base, 'nowhere'), { CLAUDE_PLUGIN_ROOT: join(base, 'nothing') });
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('the agent-sre plugin found no agent-sre to run');
  });
});

describe('findProjectInstall', () => {
  it('finds the project install, and a hoisted one inside the same repository', () => {
    const repo = join(base, 'repo');
    const pkg = join(repo, 'packages', 'web');
    mkdirSync(join(repo, '.git'), { recursive: true });
    mkdirSync(pkg, { recursive: true });
    expect(findProjectInstall(pkg)).toBeUndefined();
    fakeInstall(join(repo, 'node_modules', 'agent-sre'));
    expect(findProjectInstall(pkg)).toEqual({
      rel: '../../node_modules/agent-sre',
      installDir: join(repo, 'node_modules', 'agent-sre'),
    });
    fakeInstall(join(pkg, 'node_modules', 'agent-sre'));
    expect(findProjectInstall(pkg)?.rel).toBe('node_modules/agent-sre');
  });

  it('ignores an install above the repository (it is this machine, not the project)', () => {
    fakeInstall(join(base, 'node_modules', 'agent-sre'));
    const repo = join(base, 'repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    expect(findProjectInstall(repo)).toBeUndefined();
    const loose = join(base, 'not-a-repo');
    mkdirSync(loose);
    expect(findProjectInstall(loose)).toBeUndefined();
  });

  it('records the real path of a linked install as the one to trust', () => {
    const real = join(base, 'real-install');
    fakeInstall(real);
    const repo = join(base, 'repo');
    mkdirSync(join(repo, 'node_modules'), { recursive: true });
    spawnSync('ln', ['-s', real, join(repo, 'node_modules', 'agent-sre')]);
    chmodSync(join(real, 'bin', 'agent-sre-hook.cjs'), 0o644);
    expect(findProjectInstall(repo)).toEqual({ rel: 'node_modules/agent-sre', installDir: real });
  });

  it('hookLocation falls back to this machine when the project has no install', () => {
    const where = hookLocation(base);
    expect(where.kind).toBe('machine');
    expect(where.command).toBe(process.execPath);
  });
});
