// `init --http` in the real client: the tool-call hooks go to `agent-sre serve --http` on 127.0.0.1 with the
// token from AGENT_SRE_TOKEN. A denied call's reason reaches the model, a benign call runs, and no hook
// process starts for either; then, with the server stopped, `onFailure: "block"` refuses the next tool
// call instead of letting it run (the file it would delete survives).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSre,
  BIN,
  createProject,
  explain,
  ledgerEvents,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** `agent-sre serve --hooks-only` as the user runs it, with the session's HOME; resolves once it listens. */
function startServe(project: Project, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--hooks-only', '--port', String(port)], {
      cwd: project.dir,
      env: {
        PATH: process.env.PATH,
        HOME: project.home,
        XDG_CONFIG_HOME: join(project.home, '.config'),
        AGENT_SRE_DELIVERY: 'off',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const t = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 15_000);
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      if (out.includes('answering Claude Code HTTP hooks')) {
        clearTimeout(t);
        resolve(child);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: HTTP hooks through agent-sre serve', () => {
  let project: Project;
  let serve: ChildProcess | undefined;
  let token: string;
  let up: RunResult;
  let down: RunResult;
  let keep: string;

  beforeAll(async () => {
    project = createProject();
    const port = await freePort();
    const init = await agentSre(project, ['init', '--yes', '--http', '--port', String(port)]);
    expect(init.status, init.stdout + init.stderr).toBe(0);
    token = (await agentSre(project, ['serve', '--print-token'])).stdout.trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    keep = join(project.home, 'keep');
    mkdirSync(keep, { recursive: true });
    writeFileSync(join(keep, 'precious.txt'), 'must survive\n');
    serve = await startServe(project, port);
    up = await runClaude(project, {
      prompt: 'Tidy up.',
      env: { AGENT_SRE_TOKEN: token },
      script: [tools(bash('ls', 'toolu_ls')), tools(bash(`rm -rf ${keep}`, 'toolu_rm')), say('Done.')],
      timeoutMs: 120_000,
    });
    await stopped(serve);
    serve = undefined;
    down = await runClaude(project, {
      prompt: 'Clean the source.',
      env: { AGENT_SRE_TOKEN: token },
      script: [tools(bash('rm src/answer.js', 'toolu_rm_src')), say('Done.')],
      timeoutMs: 120_000,
    });
  }, 300_000);
  afterAll(async () => {
    if (serve) await stopped(serve);
    project?.dispose();
  });

  it('with the server up: the benign call ran, the destructive one was refused with its reason', () => {
    expect(up.code, explain(up)).toBe(0);
    const ls = up.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_ls');
    expect(ls?.is_error, explain(up)).toBe(false);
    expect(ls?.text).toContain('package.json');
    const rm = up.standIn.toldAfter(1).toolResults.find((r) => r.tool_use_id === 'toolu_rm');
    expect(rm?.is_error, explain(up)).toBe(true);
    expect(rm?.text).toMatch(/agent-sre|fs\.|home/i);
    expect(existsSync(join(keep, 'precious.txt'))).toBe(true);
  });

  it('the tool-call hooks went over HTTP: no hook process for PreToolUse or PostToolUse', () => {
    const posts = up.hookLog.filter((l) => l.includes('HTTP hook POST to http://127.0.0.1:'));
    expect(posts.length, explain(up)).toBeGreaterThanOrEqual(4);
    expect(up.hookLog.filter((l) => /Hooks: (PreToolUse|PostToolUse|PostToolBatch)\S* \[/.test(l))).toEqual(
      [],
    );
  });

  it('the ledger has both decisions and the benign call’s PostToolUse', () => {
    const events = ledgerEvents(project).filter((e) => e.session_id === up.sessionId);
    const pre = events.filter((e) => e.event === 'PreToolUse');
    expect(pre.map((e) => [e.tool_use_id, e.verdict])).toEqual([
      ['toolu_ls', 'allow'],
      ['toolu_rm', 'deny'],
    ]);
    expect(events.some((e) => e.event === 'PostToolUse' && e.tool_use_id === 'toolu_ls')).toBe(true);
  });

  it('with the server stopped: onFailure "block" refuses the call, and the file survives', () => {
    expect(down.code, explain(down)).toBe(0);
    expect(
      down.json?.permission_denials?.map((d) => d.tool_use_id),
      explain(down),
    ).toEqual(['toolu_rm_src']);
    expect(existsSync(join(project.dir, 'src', 'answer.js'))).toBe(true);
    expect(
      down.hookLog.some((l) => /PreToolUse http hook failed; blocking \(onFailure: "block"\)/.test(l)),
    ).toBe(true);
    // PostToolBatch fails the same way and stops the loop: the agent cannot carry on without its guard.
    expect(down.json?.terminal_reason, explain(down)).toBe('hook_stopped');
  });
});
