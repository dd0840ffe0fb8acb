// The trust `agent-sre init --agent codex --trust-codex-hooks` records, checked by the real Codex binary
// (pinned, scripts/codex.mjs): Codex's own `hooks/list` on `codex app-server` must report every agent-sre
// hook "trusted", at the hash init recorded, and "modified" once the command changes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getTomlString } from '../../../src/app/agents-wiring/toml-lite.ts';
import { run } from '../../../src/cli/commands/init.ts';
import type { Io } from '../../../src/cli/io.ts';
import { clientCommand } from './harness.ts';

let codex: string;
let dir: string;
let proj: string;
let home: string;

function io(): Io {
  const ignore = () => undefined;
  return {
    argv: [],
    stdout: ignore,
    stderr: ignore,
    readStdin: async () => '',
    env: { PATH: '/usr/bin:/bin', HOME: home },
    cwd: proj,
  };
}

const configToml = () => fs.readFileSync(path.join(home, '.codex', 'config.toml'), 'utf8');

/** Codex's own view of the project's hooks: `hooks/list` over the app server's JSON-RPC on stdio. */
async function codexHooks(
  codex: string,
): Promise<{ key: string; command: string; currentHash: string; trustStatus: string }[]> {
  const child = spawn(codex, ['app-server'], {
    env: { PATH: '/usr/bin:/bin', HOME: home, CODEX_HOME: path.join(home, '.codex'), TMPDIR: dir },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  let buf = '';
  const reply = new Promise<unknown>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no hooks/list answer: ${buf.slice(0, 500)}`)), 20_000);
    child.stdout.on('data', (d) => {
      buf += d;
      for (const line of buf.split('\n')) {
        if (!line.startsWith('{')) continue;
        const m = JSON.parse(line) as { id?: number; result?: unknown };
        if (m.id === 2) {
          clearTimeout(timer);
          resolve(m.result);
        }
      }
    });
  });
  send({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { clientInfo: { name: 'agent-sre-test', version: '1' } },
  });
  send({ jsonrpc: '2.0', method: 'initialized' });
  send({ jsonrpc: '2.0', id: 2, method: 'hooks/list', params: { cwds: [proj] } });
  try {
    const result = (await reply) as {
      data: { hooks: { key: string; command: string; currentHash: string; trustStatus: string }[] }[];
    };
    return result.data.flatMap((d) => d.hooks);
  } finally {
    child.kill();
  }
}

describe.skipIf(!process.env.AGENT_SRE_REAL)(
  'real client: Codex trust recorded by init, as the Codex binary reads it',
  () => {
    beforeAll(() => {
      const [exe, ...pre] = clientCommand('codex');
      if (pre.length > 0) throw new Error(`expected the codex executable, got ${[exe, ...pre].join(' ')}`);
      codex = exe as string;
    });
    beforeEach(() => {
      dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'codex-trust-')));
      proj = path.join(dir, 'proj');
      home = path.join(dir, 'home');
      fs.mkdirSync(path.join(proj, '.git'), { recursive: true });
      fs.mkdirSync(home);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('the real Codex binary reports every agent-sre hook trusted, at the hash init recorded', async () => {
      expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
      const listed = await codexHooks(codex);
      const ours = listed.filter((h) => h.command.includes('hook codex'));
      expect(ours.map((h) => h.key.split(':').slice(-3, -2)[0]).sort()).toEqual([
        'post_tool_use',
        'pre_tool_use',
        'session_start',
        'stop',
      ]);
      const toml = configToml();
      for (const h of ours) {
        expect(h.trustStatus).toBe('trusted');
        expect(getTomlString(toml, ['hooks', 'state', h.key, 'trusted_hash'])).toBe(h.currentHash);
      }
    }, 40_000);

    it('after the command changes, the real Codex binary sees it modified (doctor has to say so)', async () => {
      expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
      const file = path.join(proj, '.codex', 'hooks.json');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('--timeout 10', '--timeout 11'));
      const listed = await codexHooks(codex);
      const pre = listed.find((h) => h.key.endsWith(':pre_tool_use:0:0'))!;
      expect(pre.trustStatus).toBe('modified');
    }, 40_000);
  },
);
