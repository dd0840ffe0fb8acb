// Team mode end to end: a team server process (the built CLI, `serve --store`), "machines" that are
// project directories with their own ledgers, homes and machine names. Not a test file itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openLedger } from '../../src/app/store.ts';
import type { OutboxRow } from '../../src/ports.ts';
import { BIN, tempProject, withRunbook } from './bin.ts';

export const TOKEN = 'e2e-team-token-0123456789abcdef';
export const HOOK_SECRET = 'whsec-team-e2e-5a5a5a';

export interface TeamServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The team server's own directory: its agent-sre.yaml pages a loopback webhook receiver. */
export function teamServerDir(receiverUrl: string): string {
  const dir = tempProject('agent-sre-team-server-');
  writeFileSync(
    join(dir, 'agent-sre.yaml'),
    [
      'version: 1',
      'channels:',
      `  pager: { type: webhook, url: "${receiverUrl}/hook", secretEnv: HOOK_SECRET, quietHours: false }`,
      'routing:',
      '  - channels: [pager]',
      '',
    ].join('\n'),
  );
  return dir;
}

export async function startTeamServerProcess(
  dir: string,
  store: string,
  port = 0,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<TeamServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--store', store, '--port', String(port), '--interval', '1', '--dir', dir, ...args],
    {
      cwd: dir,
      env: { ...process.env, CLAUDECODE: '', AGENT_SRE_TEAM_TOKEN: TOKEN, HOOK_SECRET, HOME: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  const bound = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`team server did not start:\n${out}`)), 20_000);
    const check = () => {
      const m = /team server on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', () => rej(new Error(`team server exited:\n${out}`)));
  });
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    child,
    output: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((res) => {
        if (child.exitCode !== null || child.signalCode !== null) return res();
        child.once('exit', () => res());
        child.kill(signal);
      }),
  };
}

export interface Machine {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** One machine: `<root>/<machine>/acme` (same last segment on every machine, as a team's checkouts are). */
export function machine(root: string, name: string, teamUrl: string, extra: string[] = []): Machine {
  const home = join(root, name, 'home');
  const dir = join(root, name, 'acme');
  mkdirSync(home, { recursive: true });
  mkdirSync(dir, { recursive: true });
  withRunbook(dir);
  writeFileSync(
    join(dir, 'agent-sre.yaml'),
    [
      'version: 1',
      'team:',
      `  url: ${teamUrl}`,
      '  tokenEnv: AGENT_SRE_TEAM_TOKEN',
      `  machine: ${name}`,
      ...extra,
      '',
    ].join('\n'),
  );
  return {
    dir,
    home,
    env: {
      HOME: home,
      AGENT_SRE_TEAM_TOKEN: TOKEN,
      AGENT_SRE_HOOKD: '0',
      CLAUDECODE: '',
      AGENT_SRE_USER: name,
    },
  };
}

export async function localOutbox(dir: string): Promise<OutboxRow[]> {
  const store = openLedger(dir, { readonly: true });
  try {
    return await store.transact(Date.now(), (tx) => tx.outbox(), { readonly: true });
  } finally {
    await store.close();
  }
}

export async function localMeta(dir: string, key: string): Promise<string | undefined> {
  const store = openLedger(dir, { readonly: true });
  try {
    return await store.transact(Date.now(), (tx) => tx.meta(key), { readonly: true });
  } finally {
    await store.close();
  }
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
