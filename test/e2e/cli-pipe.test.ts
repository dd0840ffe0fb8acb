// A reader that stops early (`agent-sre replay … | head`) closes the pipe: the command ends quietly, with
// no EPIPE stack on stderr. The hook's reader is Claude Code: there a closed pipe still refuses the call.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, bashPre, ensureBuilt, ROOT, tempProject } from './bin.ts';

const made: string[] = [];
let project: string;
beforeAll(() => {
  ensureBuilt();
  project = tempProject('agent-sre-cli-pipe-');
  made.push(project);
  writeFileSync(join(project, 'agent-sre.yaml'), 'version: 1\n');
}, 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };
const noCrash = (stderr: string) => {
  expect(stderr).not.toMatch(/EPIPE|^\s+at /m);
  expect(stderr).not.toMatch(/crashed/);
};

/** Run the bin with its stdout closed before it writes a byte: the reader that went away at once. */
function withClosedStdout(args: string[], stdin = ''): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: project,
    env: { ...env, CLAUDE_PROJECT_DIR: project },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout pipe', () => {
  it('ends `replay … | head -1` quietly', () => {
    // Forty copies of the example print ~200 KB, far more than a pipe holds, so writes go on after head
    // has exited.
    const file = join(ROOT, 'examples', 'runaway-session.jsonl');
    const files = Array.from({ length: 40 }, () => `'${file}'`).join(' ');
    const r = spawnSync('sh', ['-c', `node '${BIN}' replay ${files} | head -1; echo "exit=$?"`], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/^Replaying .*\nexit=0\n$/);
    noCrash(r.stderr);
  });

  it.each([
    ['incidents', ['incidents']],
    ['sessions', ['sessions']],
    ['replay', ['replay', join(ROOT, 'examples', 'runaway-session.jsonl')]],
    ['check', ['check', 'rm -rf ~']],
  ])('ends %s quietly with exit 0', async (_name, args) => {
    const r = await withClosedStdout(args);
    noCrash(r.stderr);
    expect(r.code).toBe(0);
  });

  it('still refuses in the hook: a denial it cannot write is a crash, exit 2', async () => {
    const r = await withClosedStdout(
      ['hook', 'claude'],
      JSON.stringify(bashPre(project, 'pipe', 'rm -rf ~')),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused/);
  });
});
