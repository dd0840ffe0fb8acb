// `agent-sre init --agent ...` end to end through the CLI command. The trust it records for Codex is
// checked by the real Codex binary in test/real/agents/codex-trust.test.ts (`npm run test:real`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getTomlString } from '../../src/app/agents-wiring/toml-lite.ts';
import { run } from '../../src/cli/commands/init.ts';
import type { Io } from '../../src/cli/io.ts';

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
});
