// The Claude Code plugin through the real client: the working tree's plugin files (.claude-plugin/,
// hooks/hooks.json, bin/, dist/) as a local marketplace, `claude plugin marketplace add` and `claude plugin
// install agent-sre@agent-sre` into the scratch HOME, and a project with no hooks of its own, only its
// agent-sre.yaml and agent-sre in node_modules. The plugin's hooks must make the decisions.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldRunbook } from '../../src/core/runbook/scaffold.ts';
import {
  baseEnv,
  claudeBin,
  createProject,
  explain,
  ledgerSessions,
  type Project,
  ROOT,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const skip = !process.env.AGENT_SRE_REAL;

/** The plugin as the working tree has it, in a directory the marketplace is added from. */
function marketplaceDir(project: Project): string {
  const dir = join(project.base, 'marketplace');
  mkdirSync(dir);
  for (const part of ['.claude-plugin', 'hooks', 'bin', 'package.json'])
    cpSync(join(ROOT, part), join(dir, part), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {
    recursive: true,
    filter: (src) => !src.includes('.cache'),
  });
  return dir;
}

function claude(project: Project, args: string[]): string {
  const r = spawnSync(claudeBin(), args, {
    cwd: project.dir,
    env: baseEnv(project.home, project.binDir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0)
    throw new Error(`claude ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

describe.skipIf(skip)('real client, the agent-sre plugin installed from a marketplace', () => {
  let project: Project;
  let run: RunResult;
  let keep: string;
  let installed: string;

  beforeAll(async () => {
    // No `agent-sre init`: the project has its policy and runbook, but no hooks in .claude/settings.json.
    project = createProject({
      init: false,
      files: {
        'agent-sre.yaml': 'version: 1\n',
        'AGENTS.md': scaffoldRunbook({ files: [], dirs: [] }).text,
      },
    });
    mkdirSync(join(project.dir, '.agent-sre'));
    // agent-sre as a devDependency would put it: the project's node_modules (the harness's install copy).
    mkdirSync(join(project.dir, 'node_modules'));
    symlinkSync(project.install, join(project.dir, 'node_modules', 'agent-sre'));
    const market = marketplaceDir(project);
    claude(project, ['plugin', 'marketplace', 'add', market]);
    installed = claude(project, ['plugin', 'install', 'agent-sre@agent-sre']);
    mkdirSync(join(project.home, 'important'));
    keep = join(project.home, 'important', 'keep.txt');
    writeFileSync(keep, 'do not delete\n');
    run = await runClaude(project, {
      prompt: 'Clean up my home directory.',
      script: [tools(bash('rm -rf ~/important', 'toolu_rm')), say('The guard refused.')],
    });
  }, 180_000);
  afterAll(() => project?.dispose());

  it('the plugin is installed for the user, and the project has no hooks of its own', () => {
    expect(installed).toMatch(/Successfully installed plugin: agent-sre@agent-sre/);
    expect(existsSync(join(project.dir, '.claude', 'settings.json'))).toBe(false);
    const plugins = JSON.parse(
      readFileSync(join(project.home, '.claude', 'plugins', 'installed_plugins.json'), 'utf8'),
    );
    expect(Object.keys(plugins.plugins)).toEqual(['agent-sre@agent-sre']);
  });

  it("the plugin's PreToolUse hook denied rm -rf ~/important with the project's policy", () => {
    expect(run.code, explain(run)).toBe(0);
    expect(existsSync(keep)).toBe(true);
    expect(
      run.json?.permission_denials?.map((d) => d.tool_use_id),
      explain(run),
    ).toEqual(['toolu_rm']);
    const result = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_rm');
    expect(result?.text).toContain('fs.delete-outside-project');
  });

  it("the session is in the project's ledger: the plugin's SessionStart and PreToolUse ran agent-sre", () => {
    const [session] = ledgerSessions(project);
    expect(session?.session_id).toBe(run.sessionId);
    expect(session?.denials).toBe(1);
  });
});

describe.skipIf(skip)('real client, the plugin with no agent-sre it can run', () => {
  let project: Project;
  let run: RunResult;

  beforeAll(async () => {
    project = createProject({ init: false, files: { 'agent-sre.yaml': 'version: 1\n' } });
    // No node_modules/agent-sre in the project, and the plugin root (copied by Claude Code without a
    // node_modules) cannot load agent-sre's native dependencies: the hook must refuse, not wave calls through.
    claude(project, ['plugin', 'marketplace', 'add', marketplaceDir(project)]);
    claude(project, ['plugin', 'install', 'agent-sre@agent-sre']);
    run = await runClaude(project, {
      prompt: 'List the files.',
      script: [tools(bash('ls', 'toolu_ls')), say('Refused.')],
    });
  }, 180_000);
  afterAll(() => project?.dispose());

  it('even a harmless call is refused, with a reason that names agent-sre (fail-closed)', () => {
    expect(
      run.json?.permission_denials?.map((d) => d.tool_use_id),
      explain(run),
    ).toEqual(['toolu_ls']);
    const result = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_ls');
    expect(result?.is_error).toBe(true);
    expect(result?.text).toContain('agent-sre refused this call');
  });
});
