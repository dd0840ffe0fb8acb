// `agent-sre init --agent ...` end to end through the CLI command, and the Codex trust it records checked
// by the real Codex binary (scripts/codex.mjs installs it into a cache): Codex's own `hooks/list` on
// `codex app-server` must report every agent-sre hook "trusted", with the hash init recorded.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTomlString } from '../../src/app/agents-wiring/toml-lite.ts';
import { run } from '../../src/cli/commands/init.ts';
import type { Io } from '../../src/cli/io.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const codexCheck = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'codex.mjs'), '--check'], {
  encoding: 'utf8',
});
const CODEX = codexCheck.status === 0 ? codexCheck.stdout.trim() : undefined;

let dir: string;
let proj: string;
let home: string;
let out: string;

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'init-agents-e2e-')));
  proj = path.join(dir, 'proj');
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(proj, '.git'), { recursive: true });
  fs.mkdirSync(home);
  out = '';
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function io(env: Record<string, string> = {}): Io {
  return {
    argv: [],
    stdout: (s) => {
      out += s;
    },
    stderr: (s) => {
      out += s;
    },
    readStdin: async () => '',
    env: { PATH: '/usr/bin:/bin', HOME: home, ...env },
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

describe('init --agent', () => {
  it('codex with --trust-codex-hooks: hooks.json written, trust and project trust recorded', async () => {
    expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
    const hooks = JSON.parse(fs.readFileSync(path.join(proj, '.codex', 'hooks.json'), 'utf8'));
    expect(Object.keys(hooks.hooks)).toEqual(['PreToolUse', 'PostToolUse', 'Stop', 'SessionStart']);
    expect(fs.existsSync(path.join(proj, '.claude', 'settings.json'))).toBe(false);
    const toml = configToml();
    expect(getTomlString(toml, ['projects', proj, 'trust_level'])).toBe('trusted');
    expect(toml.match(/trusted_hash = "sha256:[0-9a-f]{64}"/g)).toHaveLength(4);
    expect(out).toContain('Codex trust recorded');
  });

  it('asks on a terminal: no leaves Codex untouched and says how to trust; yes records it', async () => {
    const asked: string[] = [];
    expect(await run(['--agent', 'codex'], io(), async (q) => (asked.push(q), 'n'))).toBe(0);
    expect(asked).toHaveLength(1);
    expect(out).toContain('hook codex --timeout 10');
    expect(out).toContain('Codex will skip agent-sre');
    expect(fs.existsSync(path.join(home, '.codex', 'config.toml'))).toBe(false);
    expect(await run(['--agent', 'codex'], io(), async () => 'y')).toBe(0);
    expect(configToml()).toMatch(/trusted_hash/);
    // Trusted and unchanged: nothing left to ask.
    const again: string[] = [];
    expect(await run(['--agent', 'codex'], io(), async (q) => (again.push(q), 'n'))).toBe(0);
    expect(again).toEqual([]);
  });

  it('no terminal and no flag: nothing recorded (--yes is not a trust decision)', async () => {
    expect(await run(['--agent', 'codex', '--yes'], io(), async () => undefined)).toBe(0);
    expect(fs.existsSync(path.join(home, '.codex', 'config.toml'))).toBe(false);
  });

  it('comma lists and repeats; default is claude plus what is installed, printed', async () => {
    expect(await run(['--agent', 'gemini,cursor', '--agent', 'copilot', '--yes'], io())).toBe(0);
    for (const f of ['.gemini/settings.json', '.cursor/hooks.json', '.github/hooks/agent-sre.json'])
      expect(fs.existsSync(path.join(proj, f))).toBe(true);
    fs.mkdirSync(path.join(home, '.gemini'), { recursive: true });
    out = '';
    expect(await run(['--yes'], io())).toBe(0);
    expect(out).toMatch(/agents: claude, gemini \(claude by default; found gemini: .*\.gemini exists\)/);
    await expect(run(['--agent', 'vim'], io())).rejects.toThrow(/--agent takes/);
  });

  it.skipIf(!CODEX)(
    'the real Codex binary reports every agent-sre hook trusted, at the hash init recorded',
    async () => {
      expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
      const listed = await codexHooks(CODEX!);
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
    },
    40_000,
  );

  it.skipIf(!CODEX)(
    'after the command changes, the real Codex binary sees it modified (doctor has to say so)',
    async () => {
      expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
      const file = path.join(proj, '.codex', 'hooks.json');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('--timeout 10', '--timeout 11'));
      const listed = await codexHooks(CODEX!);
      const pre = listed.find((h) => h.key.endsWith(':pre_tool_use:0:0'))!;
      expect(pre.trustStatus).toBe('modified');
    },
    40_000,
  );
});
