// The .claude/settings.json init writes for a project with agent-sre in its node_modules, through the real
// client: the hooks run it through $CLAUDE_PROJECT_DIR, and on a checkout without the package (a teammate
// before npm install) every call is refused with a reason that says so, never let through (a hook that
// cannot start would exit 127, which Claude Code treats as a non-blocking error).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseEnv,
  createProject,
  explain,
  ledgerSessions,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const skip = !process.env.AGENT_SRE_REAL;

describe.skipIf(skip)('real client, shareable settings: the package installed, then missing', () => {
  let project: Project;
  let settings: string;
  let withPackage: RunResult;
  let without: RunResult;

  beforeAll(async () => {
    project = createProject({ init: false });
    mkdirSync(join(project.dir, 'node_modules'));
    symlinkSync(project.install, join(project.dir, 'node_modules', 'agent-sre'));
    const init = spawnSync(process.execPath, [project.cliBin, 'init', '--yes'], {
      cwd: project.dir,
      env: baseEnv(project.home, project.binDir),
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`init failed:\n${init.stdout}\n${init.stderr}`);
    settings = readFileSync(join(project.dir, '.claude', 'settings.json'), 'utf8');
    withPackage = await runClaude(project, {
      prompt: 'List the files.',
      script: [tools(bash('ls', 'toolu_ls1')), say('Done.')],
    });
    rmSync(join(project.dir, 'node_modules', 'agent-sre'));
    without = await runClaude(project, {
      prompt: 'List the files.',
      script: [tools(bash('ls', 'toolu_ls2')), say('Refused.')],
    });
  }, 180_000);
  afterAll(() => project?.dispose());

  it('the settings name no path of this machine', () => {
    expect(settings).toContain('$CLAUDE_PROJECT_DIR/node_modules/agent-sre/bin/agent-sre-hook.cjs');
    expect(settings).not.toContain(project.base);
    expect(settings).not.toContain(process.execPath);
  });

  it('with the package, the call runs and is recorded', () => {
    expect(withPackage.json?.permission_denials ?? [], explain(withPackage)).toEqual([]);
    expect(ledgerSessions(project).map((s) => s.session_id)).toContain(withPackage.sessionId);
  });

  it('without it, the call is refused with "agent-sre is not installed in this project"', () => {
    expect(
      without.json?.permission_denials?.map((d) => d.tool_use_id),
      explain(without),
    ).toEqual(['toolu_ls2']);
    const result = without.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_ls2');
    expect(result?.is_error).toBe(true);
    expect(result?.text).toContain('agent-sre is not installed in this project');
  });
});
