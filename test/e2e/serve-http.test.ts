// The built `agent-sre serve --hooks-only` against the built command hook (`agent-sre hook claude`): the
// same events in the same order on two projects get the same answers, the command's exit code 2 becoming a
// blocking body; a request without the token is refused; SIGTERM stops the server.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  ensureBuilt,
  postToolUse,
  preToolUse,
  runBin,
  runHook,
  tempProject,
  withRunbook,
} from './bin.ts';

let serve: ChildProcess;
let url: string;
let token: string;
const made: string[] = [];

function init(dir: string): string {
  made.push(dir);
  withRunbook(dir);
  return dir;
}

beforeAll(async () => {
  ensureBuilt();
  token = (await runBin(['serve', '--print-token'])).stdout.trim();
  serve = spawn(process.execPath, [BIN, 'serve', '--hooks-only', '--port', '0'], {
    env: { ...process.env, AGENT_SRE_DELIVERY: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    serve.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /answering Claude Code HTTP hooks on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
}, 60_000);

afterAll(() => {
  serve?.kill('SIGTERM');
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function viaHttp(project: string, input: unknown, auth = `Bearer ${token}`) {
  const r = await fetch(`${url}/agent-sre/v1/hook?project=${encodeURIComponent(project)}&timeout=10`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: typeof input === 'string' ? input : JSON.stringify(input),
  });
  return { status: r.status, body: await r.text() };
}

describe('agent-sre serve --hooks-only', () => {
  it('decides as the command hook does, call for call', async () => {
    const cmdProject = init(tempProject('agent-sre-serve-cmd-'));
    const httpProject = init(tempProject('agent-sre-serve-http-'));
    // Set up as a user would (the policy, the hooks, .agent-sre/): serve refuses projects without it.
    for (const p of [cmdProject, httpProject]) await runBin(['init', '--yes', '--dir', p]);
    const events = (p: string) => [
      preToolUse(p, 'e2e-serve', 'Bash', { command: 'ls -la' }),
      postToolUse(p, 'e2e-serve', 'Bash', { command: 'ls -la' }, { stdout: 'x' }),
      preToolUse(p, 'e2e-serve', 'Bash', { command: 'rm -rf ~' }),
      preToolUse(p, 'e2e-serve', 'Write', { file_path: join(p, 'src', 'a.js'), content: 'x\n' }),
      preToolUse(p, 'e2e-serve', 'Bash', { command: 'git push --force origin main' }),
      '{"hook_event_name":"PreToolUse",',
    ];
    const cmdEvents = events(cmdProject);
    const httpEvents = events(httpProject);
    for (let i = 0; i < cmdEvents.length; i++) {
      // Same tool_use ids on both sides, so the ledgers can be compared too.
      const c = cmdEvents[i]!;
      const h =
        typeof httpEvents[i] === 'string'
          ? httpEvents[i]!
          : { ...(httpEvents[i] as object), tool_use_id: (c as { tool_use_id: string }).tool_use_id };
      const cmd = await runHook(c, cmdProject);
      const http = await viaHttp(httpProject, h);
      expect(http.status).toBe(200);
      const norm = (s: string) => s.split(cmdProject).join('<P>').split(httpProject).join('<P>');
      if (cmd.code === 0) expect(norm(http.body), `event ${i}`).toBe(norm(cmd.stdout));
      else {
        expect(cmd.code, `event ${i}`).toBe(2);
        const body = JSON.parse(http.body) as { hookSpecificOutput?: { permissionDecisionReason?: string } };
        expect(norm(body.hookSpecificOutput?.permissionDecisionReason ?? ''), `event ${i}`).toBe(
          norm(cmd.stderr.trim()),
        );
      }
    }
  }, 120_000);

  it('refuses a request without the token with a deny body', async () => {
    const p = init(tempProject('agent-sre-serve-auth-'));
    await runBin(['init', '--yes', '--dir', p]);
    const r = await viaHttp(p, preToolUse(p, 'e2e-serve-auth', 'Bash', { command: 'ls' }), 'Bearer nope');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).hookSpecificOutput.permissionDecision).toBe('deny');
  });
});
