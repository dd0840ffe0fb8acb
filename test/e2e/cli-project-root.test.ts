// Every command finds its project the way git finds a repository: from any subdirectory, up to the nearest
// directory with agent-sre.yaml or .agent-sre/. None creates .agent-sre/ in a subdirectory or outside a
// project; `--dir` names the root and wins.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProjectRoot } from '../../src/cli/project-root.ts';
import { ensureBuilt, ROOT, runBin, tempProject } from './bin.ts';

const made: string[] = [];
const fresh = (prefix: string) => {
  const dir = tempProject(prefix);
  made.push(dir);
  return dir;
};
beforeAll(() => {
  // The empty-directory cases need a temp dir with no project above it.
  expect(findProjectRoot(tmpdir()), 'a project above the temp dir').toBeNull();
  ensureBuilt();
}, 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0', AGENT_SRE_USER: 'alice' };

/** Every .agent-sre under `dir`, relative to it ('' for the root's own). */
function stateDirs(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name === '.agent-sre')
    .map((e) => relative(dir, e.parentPath));
}

const KUBECTL_RULE =
  'version: 1\nrules:\n  - id: team.no-kubectl\n    tier: 4\n    reason: no kubectl here\n    match: { program: [kubectl] }\n';

describe('from a subdirectory of a project', () => {
  let root: string;
  let deep: string;
  beforeAll(() => {
    root = fresh('agent-sre-root-');
    writeFileSync(join(root, 'agent-sre.yaml'), KUBECTL_RULE);
    deep = join(root, 'src', 'a', 'b');
    mkdirSync(deep, { recursive: true });
  });

  it('reads and writes the root project, and makes no .agent-sre/ below it', async () => {
    const runs = await Promise.all(
      [
        ['sessions', '--json'],
        ['incidents', '--json'],
        ['report', '--json'],
        ['tick', '--quiet'],
      ].map((args) => runBin(args, { cwd: deep, env })),
    );
    for (const r of runs) expect([r.code, r.stderr]).toEqual([0, '']);
    const ledger = await runBin(['ledger', 'status', '--json'], { cwd: deep, env });
    expect(JSON.parse(ledger.stdout).path).toBe(join(root, '.agent-sre', 'ledger.db'));
    expect(stateDirs(root)).toEqual(['']);
  });

  it('judges with the root policy: check and replay', async () => {
    const check = await runBin(['check', '--json', 'kubectl get pods'], { cwd: deep, env });
    expect(JSON.parse(check.stdout)).toMatchObject({
      rule: 'team.no-kubectl',
      policy: join(root, 'agent-sre.yaml'),
    });
    const hooks = join(deep, 'calls.jsonl');
    writeFileSync(
      hooks,
      `${JSON.stringify({ hook_event_name: 'PreToolUse', session_id: 's', cwd: deep, tool_name: 'Bash', tool_input: { command: 'kubectl get pods' } })}\n`,
    );
    const replay = await runBin(['replay', '--json', 'calls.jsonl'], { cwd: deep, env });
    expect(JSON.parse(replay.stdout)).toMatchObject({ rule: 'team.no-kubectl' });
  });

  it('finds a project marked by .agent-sre/ alone', async () => {
    const bare = fresh('agent-sre-root-bare-');
    mkdirSync(join(bare, '.agent-sre'), { mode: 0o700 });
    mkdirSync(join(bare, 'sub'));
    const r = await runBin(['ledger', 'status', '--json'], { cwd: join(bare, 'sub'), env });
    expect(JSON.parse(r.stdout).path).toBe(join(bare, '.agent-sre', 'ledger.db'));
    expect(stateDirs(bare)).toEqual(['']);
  });

  it('takes the nearest project when projects nest', async () => {
    const inner = join(root, 'src', 'inner');
    mkdirSync(join(inner, 'x'), { recursive: true });
    writeFileSync(join(inner, 'agent-sre.yaml'), 'version: 1\n');
    const r = await runBin(['check', '--json', 'kubectl get pods'], { cwd: join(inner, 'x'), env });
    expect(JSON.parse(r.stdout).policy).toBe(join(inner, 'agent-sre.yaml'));
  });

  it('--dir wins over the project around the current directory, and must name a project', async () => {
    const other = fresh('agent-sre-root-other-');
    writeFileSync(join(other, 'agent-sre.yaml'), 'version: 1\n');
    const r = await runBin(['ledger', 'status', '--json', '--dir', other], { cwd: deep, env });
    expect(JSON.parse(r.stdout).path).toBe(join(other, '.agent-sre', 'ledger.db'));
    // A subdirectory is not a root: --dir is taken as given, not searched upwards.
    const sub = await runBin(['sessions', '--dir', 'src'], { cwd: root, env });
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/src is not an agent-sre project \(run agent-sre init there/);
    expect(stateDirs(root)).toEqual(['']);
  });
});

describe('outside any project', () => {
  let empty: string;
  beforeAll(() => {
    empty = fresh('agent-sre-noproject-');
    mkdirSync(join(empty, '.git'));
  });

  const REQUIRED: [string[]][] = [
    [['sessions']],
    [['incidents']],
    [['incident', 'show', 'INC-1']],
    [['ledger', 'status']],
    [['session', 'resume', 'x']],
    [['evidence', 'x']],
    [['postmortem', 'INC-1']],
    [['report']],
    [['ack', 'INC-1']],
    [['approve', 'APR-1']],
    [['deny', 'APR-1']],
    [['page', 'test', '--channel', 'file']],
    [['tick']],
    [['serve', '--no-dashboard']],
    [['oncall']],
    [['golden', 'history']],
    [['doctor']],
  ];
  it.concurrent.for(REQUIRED)(
    '%j says it is not a project, exits 2, creates nothing',
    async ([args], { expect }) => {
      const r = await runBin(args, { cwd: empty, env });
      expect(r.stderr).toBe(
        `agent-sre ${args[0]}: not an agent-sre project (run agent-sre init): no agent-sre.yaml or .agent-sre/ in ${empty} or any directory above it\n`,
      );
      expect(r.code).toBe(2);
      expect(readdirSync(empty)).toEqual(['.git']);
    },
  );

  it('--dir at a folder that is not a project is refused the same way', async () => {
    const r = await runBin(['incidents', '--dir', empty], { cwd: ROOT, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an agent-sre project/);
    expect(readdirSync(empty)).toEqual(['.git']);
  });

  it('commands that write nothing still run, on the embedded defaults', async () => {
    writeFileSync(join(empty, 'pm.md'), '# Postmortem\n');
    const runs = await Promise.all([
      runBin(['check', 'ls'], { cwd: empty, env }),
      runBin(['replay', join(ROOT, 'examples', 'runaway-session.jsonl')], { cwd: empty, env }),
      runBin(['runbook', 'lint'], { cwd: empty, env }),
      runBin(['postmortem', 'lint', 'pm.md'], { cwd: empty, env }),
      runBin(['incidents', '--help'], { cwd: empty, env }),
      runBin(['calibrate'], { cwd: empty, env }),
    ]);
    expect(runs[0]!.stdout).toMatch(/policy: +<embedded default>/);
    expect(runs[1]!.stdout).toMatch(/through <embedded default>/);
    expect(runs[2]!.stdout).toMatch(/runbook\.missing/);
    expect(runs[4]!.stdout).toMatch(/^Usage: agent-sre incidents/);
    expect(runs[5]!.stdout).toBe('No tier-3 decisions settled by a human yet.\n');
    for (const r of runs) expect(r.stderr).not.toMatch(/not an agent-sre project|^\s+at /m);
    expect(readdirSync(empty).sort()).toEqual(['.git', 'pm.md']);
  });
});
