// `init --http` in the real client: PreToolUse (and SessionEnd) go to `agent-sre serve --http` on 127.0.0.1
// with the token from AGENT_SRE_TOKEN; there is no PostToolUse hook (each call's PostToolUse is recorded
// from the transcript) and PostToolBatch is a background command. A denied call's reason reaches the model,
// a benign call runs, no hook process blocks either and each costs one HTTP hook; then, with the server
// stopped, `onFailure: "block"` refuses the next tool call instead of letting it run (the file it would
// delete survives).
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

  it('one HTTP hook per tool call (PreToolUse), no hook process on the call’s path, none for PostToolUse', () => {
    const isPost = (l: string) => l.includes('HTTP hook POST to http://127.0.0.1:');
    // The POST lines do not name the event: the ones before the Stop gate (a command) are the tool calls',
    // the one after it SessionEnd's.
    const stop = up.hookLog.findIndex((l) => /Hooks: Stop \[.*\] finished with status/.test(l));
    expect(stop, explain(up)).toBeGreaterThan(0);
    const during = up.hookLog.slice(0, stop).filter(isPost).length;
    const after = up.hookLog.slice(stop).filter(isPost).length;
    console.log(`http: HTTP hooks: ${during} before Stop (2 tool calls), ${after} after (SessionEnd)`);
    expect(during, explain(up)).toBe(2);
    expect(after, explain(up)).toBeLessThanOrEqual(1);
    expect(
      up.hookLog.filter((l) =>
        /Hooks: (PreToolUse|PostToolUse|PostToolBatch)\S* \[.*\] finished with status/.test(l),
      ),
    ).toEqual([]);
    expect(up.hookLog.filter((l) => /PostToolUse(Failure)?\b/.test(l) && !/PostToolBatch/.test(l))).toEqual(
      [],
    );
    expect(
      up.hookLog.filter((l) => /Hooks: PostToolBatch\S* \[.*\] moved to the background/.test(l)).length,
      explain(up),
    ).toBe(2);
  });

  it('the ledger has both decisions and, after Stop, the benign call’s PostToolUse (from the transcript)', () => {
    const events = ledgerEvents(project).filter((e) => e.session_id === up.sessionId);
    const pre = events.filter((e) => e.event === 'PreToolUse');
    expect(pre.map((e) => [e.tool_use_id, e.verdict])).toEqual([
      ['toolu_ls', 'allow'],
      ['toolu_rm', 'deny'],
    ]);
    expect(
      events
        .filter((e) => e.event === 'PostToolUse' || e.event === 'PostToolUseFailure')
        .map((e) => e.tool_use_id),
    ).toEqual(['toolu_ls']);
    const stop = events.findIndex((e) => e.event === 'Stop');
    expect(stop, explain(up)).toBeGreaterThan(0);
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
    // PostToolBatch is a background command now, so the loop goes on, but every tool call is refused.
    console.log(`http: with the server down: terminal_reason ${down.json?.terminal_reason}`);
  });
});
