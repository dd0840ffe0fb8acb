// The built `agent-sre serve` with its dashboard, as a human runs it: it prints a login link that signs in
// once; `serve --login-link` from a second terminal mints another the running server accepts (the spend is
// in the ledger, shared); inside a coding agent both refuse, because the dashboard answers gates.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ensureBuilt, runBin, tempProject } from './bin.ts';

let dir: string;
let config: string;
let serve: ChildProcess;
let out = '';
let origin: string;
const env = () => ({ XDG_CONFIG_HOME: config, AGENT_SRE_DELIVERY: 'off', AGENT_SRE_USER: 'ana' });

beforeAll(async () => {
  ensureBuilt();
  dir = tempProject('agent-sre-serve-dash-');
  config = mkdtempSync(join(tmpdir(), 'agent-sre-xdg-'));
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  serve = spawn(process.execPath, [BIN, 'serve', '--dir', dir, '--dashboard-port', '0', '--interval', '60'], {
    env: { ...process.env, ...env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  origin = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    const on = (c: string) => {
      out += c;
      const m = /dashboard on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && /sign in as ana/.test(out)) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    };
    serve.stdout!.setEncoding('utf8').on('data', on);
    serve.stderr!.setEncoding('utf8').on('data', on);
  });
}, 60_000);

afterAll(() => {
  serve?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  rmSync(config, { recursive: true, force: true });
});

const signIn = (url: string) => fetch(url, { redirect: 'manual' });

describe('agent-sre serve with its dashboard', () => {
  it('prints a login link that signs in once', async () => {
    const link = /sign in as ana[^:]*: (\S+)/.exec(out)?.[1];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?t=/);
    const first = await signIn(link!);
    expect(first.status).toBe(303);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0]!;
    const state = await fetch(`${origin}/api/state`, { headers: { cookie } });
    expect(state.status).toBe(200);
    expect(((await state.json()) as { project: string }).project).toBe(dir);
    expect((await signIn(link!)).status).toBe(401);
  });

  it('serve --login-link mints a link the running server accepts', async () => {
    const port = new URL(origin).port;
    const r = await runBin(['serve', '--login-link', '--dir', dir, '--dashboard-port', port], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const link = r.stdout.trim();
    expect(link.startsWith(`${origin}/login?t=`)).toBe(true);
    expect((await signIn(link)).status).toBe(303);
  });

  it('with server.publicUrl, --login-link prints the same one-use link for the public address too', async () => {
    const other = tempProject('agent-sre-serve-pub-');
    try {
      writeFileSync(
        join(other, 'agent-sre.yaml'),
        'version: 1\nserver: { publicUrl: https://oncall.example.com }\n',
      );
      const r = await runBin(['serve', '--login-link', '--dir', other], { env: env() });
      expect(r.code, r.stderr).toBe(0);
      const [local, pub] = r.stdout.trim().split('\n');
      expect(local).toMatch(/^http:\/\/127\.0\.0\.1:47320\/login\?t=/);
      expect(pub).toBe(`https://oncall.example.com/login?t=${new URL(local!).searchParams.get('t')}`);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses to run inside a coding agent, with the reason', async () => {
    for (const args of [
      ['serve', '--login-link', '--dir', dir],
      ['serve', '--dir', dir, '--dashboard-port', '0'],
    ]) {
      const r = await runBin(args, { env: { ...env(), CLAUDECODE: '1' } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/inside a coding agent/);
      expect(r.stdout).not.toMatch(/login\?t=/);
    }
  });

  it('names the way out when the port is taken', async () => {
    const port = new URL(origin).port;
    const r = await runBin(['serve', '--dir', dir, '--dashboard-port', port], { env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is in use.*--dashboard-port/);
  });
});
