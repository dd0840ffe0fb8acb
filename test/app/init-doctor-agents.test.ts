// doctor for the agents init --agent wired: each config, a canary in the agent's own shape through the
// installed command, and Codex's trust at the current hash (a changed command is caught, as Codex would
// skip it silently).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentChecks } from '../../src/app/agents-wiring/doctor.ts';
import { run } from '../../src/cli/commands/init.ts';
import type { Io } from '../../src/cli/io.ts';

let dir: string;
let proj: string;
let home: string;

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-agents-')));
  proj = path.join(dir, 'proj');
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(proj, '.git'), { recursive: true });
  fs.mkdirSync(home);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home });
const io = (): Io => ({
  argv: [],
  stdout: () => {},
  stderr: () => {},
  readStdin: async () => '',
  env: env(),
  cwd: proj,
});
const byName = (checks: { name: string; ok: boolean; detail: string }[]) =>
  Object.fromEntries(checks.map((c) => [c.name, c]));

describe('doctor: the other agents', () => {
  it('nothing wired: nothing to say', () => {
    expect(agentChecks(proj, home, env())).toEqual([]);
  });

  it('codex wired and trusted: config, canary in Codex shape and trust all pass', async () => {
    expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
    const c = byName(agentChecks(proj, home, env()));
    expect(c.codex?.ok).toBe(true);
    expect(c['codex:canary']).toMatchObject({ ok: true });
    expect(c['codex:trust']).toMatchObject({ ok: true });
  }, 60_000);

  it('a command changed since it was trusted fails codex:trust with the fix', async () => {
    expect(await run(['--agent', 'codex', '--trust-codex-hooks', '--yes'], io())).toBe(0);
    const file = path.join(proj, '.codex', 'hooks.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('--timeout 10', '--timeout 12'));
    const trust = byName(agentChecks(proj, home, env()))['codex:trust'];
    expect(trust?.ok).toBe(false);
    expect(trust?.detail).toMatch(/changed since it was trusted.*--trust-codex-hooks/);
  }, 60_000);

  it('wired but never trusted: codex:trust says Codex skips it silently', async () => {
    expect(await run(['--agent', 'codex', '--yes'], io(), async () => undefined)).toBe(0);
    const trust = byName(agentChecks(proj, home, env()))['codex:trust'];
    expect(trust?.ok).toBe(false);
    expect(trust?.detail).toMatch(/does not trust .*proj/);
  }, 60_000);

  it('a config that does not parse, or a launcher that is gone, fails', async () => {
    expect(await run(['--agent', 'gemini', '--yes'], io())).toBe(0);
    const file = path.join(proj, '.gemini', 'settings.json');
    const good = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(
      file,
      good.replace(/\/[^\s'"]*\/bin\/agent-sre-hook\.cjs/g, '/gone/bin/agent-sre-hook.cjs'),
    );
    expect(byName(agentChecks(proj, home, env())).gemini?.detail).toMatch(/does not exist here/);
    fs.writeFileSync(file, `${good.slice(0, 20)} agent-sre`);
    expect(byName(agentChecks(proj, home, env())).gemini).toMatchObject({ ok: false });
  }, 60_000);
});
