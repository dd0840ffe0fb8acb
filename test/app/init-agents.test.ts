// init --agent: each agent's hook config written in its own shape, merged into what is there, idempotent;
// the Codex trust record computed as Codex computes it and written only where asked.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codexHookHash, codexHookKey } from '../../src/app/agents-wiring/codex.ts';
import { agentHookCommand, ourHookAgent, shellQuote } from '../../src/app/agents-wiring/command.ts';
import {
  type AgentWiringOptions,
  applyAgents,
  applyCodexTrust,
  codexTrustPlan,
  detectAgents,
  planAgents,
} from '../../src/app/agents-wiring/index.ts';
import { WiringError } from '../../src/app/agents-wiring/json-config.ts';
import { getTomlString, setTomlString } from '../../src/app/agents-wiring/toml-lite.ts';
import type { HookLocation } from '../../src/app/hook-location.ts';

let dir: string;
let home: string;
const NOW = new Date('2026-12-06T12:00:00Z');
const MACHINE: HookLocation = {
  kind: 'machine',
  installDir: '/opt/agent-sre',
  command: '/usr/bin/node',
  args: ['/opt/agent-sre/bin/agent-sre-hook.cjs', 'hook', 'claude'],
};

beforeEach(() => {
  dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'init-agents-')));
  home = path.join(dir, 'home');
  fs.mkdirSync(path.join(dir, 'proj'), { recursive: true });
  fs.mkdirSync(home);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const opts = (
  agents: AgentWiringOptions['agents'],
  extra: Partial<AgentWiringOptions> = {},
): AgentWiringOptions => ({
  projectDir: path.join(dir, 'proj'),
  home,
  env: {},
  where: MACHINE,
  agents,
  timeoutSec: 10,
  gateTimeoutSec: 3660,
  ...extra,
});
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(dir, 'proj', rel), 'utf8'));

describe('the command each agent runs', () => {
  it('machine install: node and the launcher by absolute path, this agent, the timeout', () => {
    expect(agentHookCommand(MACHINE, '/p', 'codex', 10)).toBe(
      '/usr/bin/node /opt/agent-sre/bin/agent-sre-hook.cjs hook codex --timeout 10',
    );
  });

  it('project install: found from the repository top, refusing with exit 2 when missing', () => {
    const where: HookLocation = {
      kind: 'project',
      rel: 'node_modules/agent-sre',
      installDir: '/x',
      command: 'sh',
      args: [],
    };
    const cmd = agentHookCommand(where, path.join(dir, 'proj'), 'gemini', 10);
    expect(cmd).toMatch(
      /^sh -c '.*git rev-parse --show-toplevel.*node_modules\/agent-sre\/bin\/agent-sre-hook\.cjs.*exit 2.*' agent-sre hook gemini --timeout 10$/,
    );
    expect(ourHookAgent(cmd)).toBe('gemini');
  });

  it('recognises ours in every form, and nothing else', () => {
    expect(ourHookAgent("'/a b/bin/agent-sre-hook.cjs' hook cursor --timeout 10")).toBe('cursor');
    expect(ourHookAgent('npx agent-sre hook copilot')).toBe('copilot');
    expect(ourHookAgent('./my-agent-sre-wrapper hook codex')).toBeUndefined();
    expect(ourHookAgent('echo hook codex')).toBeUndefined();
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});

describe('planAgents and applyAgents', () => {
  it('writes each agent in its own shape', () => {
    applyAgents(planAgents(opts(['codex', 'gemini', 'cursor', 'copilot'])), NOW);
    const codex = read('.codex/hooks.json');
    expect(Object.keys(codex.hooks)).toEqual(['PreToolUse', 'PostToolUse', 'Stop', 'SessionStart']);
    expect(codex.hooks.PreToolUse[0].hooks[0]).toEqual({
      type: 'command',
      command: '/usr/bin/node /opt/agent-sre/bin/agent-sre-hook.cjs hook codex --timeout 10',
      timeout: 10,
    });
    expect(codex.hooks.Stop[0].hooks[0].timeout).toBe(3660);
    const gemini = read('.gemini/settings.json');
    expect(gemini.hooks.BeforeTool[0]).toMatchObject({
      matcher: '.*',
      hooks: [{ type: 'command', timeout: 10_000 }],
    });
    expect(gemini.hooks.AfterAgent[0].hooks[0].timeout).toBe(3_660_000);
    expect(Object.keys(gemini.hooks)).toEqual([
      'BeforeTool',
      'AfterTool',
      'AfterAgent',
      'SessionStart',
      'SessionEnd',
    ]);
    const cursor = read('.cursor/hooks.json');
    expect(cursor.version).toBe(1);
    expect(cursor.hooks.preToolUse[0]).toMatchObject({ failClosed: true, timeout: 10_000 });
    const copilot = read('.github/hooks/agent-sre.json');
    expect(copilot.version).toBe(1);
    expect(copilot.hooks.preToolUse[0]).toMatchObject({ type: 'command', timeoutSec: 10 });
    expect(copilot.hooks.agentStop[0].bash).toContain('hook copilot --event agentStop --timeout 3660');
  });

  it('merges: other hooks and keys kept, a backup written, and a second run changes nothing', () => {
    const file = path.join(dir, 'proj', '.gemini', 'settings.json');
    fs.mkdirSync(path.dirname(file));
    const theirs = {
      model: { name: 'gemini-2.5-flash' },
      hooks: { BeforeTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: './lint.sh' }] }] },
    };
    fs.writeFileSync(file, JSON.stringify(theirs));
    const first = applyAgents(planAgents(opts(['gemini'])), NOW);
    expect(first[0]).toMatchObject({ action: 'updated' });
    expect(fs.readFileSync(first[0]!.backupPath!, 'utf8')).toBe(JSON.stringify(theirs));
    const merged = read('.gemini/settings.json');
    expect(merged.model).toEqual(theirs.model);
    expect(merged.hooks.BeforeTool).toHaveLength(2);
    expect(merged.hooks.BeforeTool[0]).toEqual(theirs.hooks.BeforeTool[0]);
    const again = applyAgents(planAgents(opts(['gemini'])), NOW);
    expect(again[0]!.action).toBe('unchanged');
    expect(read('.gemini/settings.json')).toEqual(merged);
  });

  it('replaces an older agent-sre entry (another timeout, another install) instead of adding a second', () => {
    applyAgents(planAgents(opts(['codex'], { timeoutSec: 5 })), NOW);
    applyAgents(planAgents(opts(['codex'])), NOW);
    const codex = read('.codex/hooks.json');
    expect(codex.hooks.PreToolUse).toHaveLength(1);
    expect(codex.hooks.PreToolUse[0].hooks[0].timeout).toBe(10);
  });

  it('refuses a file it cannot parse or whose hooks have another shape, writing nothing', () => {
    const file = path.join(dir, 'proj', '.codex', 'hooks.json');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, '{"hooks": ');
    expect(() => planAgents(opts(['codex', 'gemini']))).toThrow(WiringError);
    fs.writeFileSync(file, '{"hooks": {"PreToolUse": {}}}');
    expect(() => planAgents(opts(['codex']))).toThrow(/hooks.PreToolUse/);
    expect(fs.existsSync(path.join(dir, 'proj', '.gemini'))).toBe(false);
  });

  it('detects codex and gemini by PATH or their home directory', () => {
    expect(detectAgents({ PATH: '' }, home)).toEqual([]);
    fs.mkdirSync(path.join(home, '.gemini'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'codex'), '');
    expect(detectAgents({ PATH: bin }, home).map((d) => d.agent)).toEqual(['codex', 'gemini']);
  });
});

describe('Codex trust', () => {
  it('hashes the normalized handler as Codex does: key-sorted compact JSON, sha256', () => {
    const expected = `sha256:${createHash('sha256')
      .update(
        '{"event_name":"pre_tool_use","hooks":[{"async":false,"command":"x y","timeout":10,"type":"command"}]}',
      )
      .digest('hex')}`;
    expect(codexHookHash('PreToolUse', undefined, { command: 'x y', timeout: 10 })).toBe(expected);
    // Defaults materialized; Stop drops its matcher; SessionEnd is clamped.
    expect(codexHookHash('PreToolUse', undefined, { command: 'x y' })).toBe(
      codexHookHash('PreToolUse', undefined, { command: 'x y', timeout: 600 }),
    );
    expect(codexHookHash('Stop', 'Bash', { command: 'c' })).toBe(
      codexHookHash('Stop', undefined, { command: 'c' }),
    );
    expect(codexHookHash('SessionEnd', undefined, { command: 'c', timeout: 10 })).toBe(
      codexHookHash('SessionEnd', undefined, { command: 'c', timeout: 3 }),
    );
    expect(codexHookHash('PreToolUse', 'Bash', { command: 'c' })).not.toBe(
      codexHookHash('PreToolUse', undefined, { command: 'c' }),
    );
    expect(codexHookKey('/p/.codex/hooks.json', 'PreToolUse', 1, 0)).toBe(
      '/p/.codex/hooks.json:pre_tool_use:1:0',
    );
  });

  it('records trust for our hooks and the project only when applied, and then has nothing left to do', () => {
    applyAgents(planAgents(opts(['codex'])), NOW);
    const o = { projectDir: path.join(dir, 'proj'), home, env: {} };
    const plan = codexTrustPlan(o);
    expect(plan.done).toBe(false);
    expect(plan.items.map((i) => i.event)).toEqual(['PreToolUse', 'PostToolUse', 'Stop', 'SessionStart']);
    expect(plan.items.every((i) => i.recorded === undefined)).toBe(true);
    expect(plan.trustProject).toBe(path.join(dir, 'proj'));
    expect(fs.existsSync(plan.configToml)).toBe(false);
    applyCodexTrust(plan, NOW);
    const toml = fs.readFileSync(path.join(home, '.codex', 'config.toml'), 'utf8');
    const key = `${path.join(dir, 'proj', '.codex', 'hooks.json')}:pre_tool_use:0:0`;
    expect(getTomlString(toml, ['hooks', 'state', key, 'trusted_hash'])).toBe(plan.items[0]!.hash);
    expect(getTomlString(toml, ['projects', path.join(dir, 'proj'), 'trust_level'])).toBe('trusted');
    expect(codexTrustPlan(o).done).toBe(true);
  });

  it('a changed command is untrusted again (Codex would skip it silently)', () => {
    applyAgents(planAgents(opts(['codex'])), NOW);
    const o = { projectDir: path.join(dir, 'proj'), home, env: {} };
    applyCodexTrust(codexTrustPlan(o), NOW);
    applyAgents(planAgents(opts(['codex'], { timeoutSec: 20 })), NOW);
    const plan = codexTrustPlan(o);
    expect(plan.done).toBe(false);
    const pre = plan.items.find((i) => i.event === 'PreToolUse')!;
    expect(pre.recorded).toBeDefined();
    expect(pre.recorded).not.toBe(pre.hash);
    expect(plan.items.find((i) => i.event === 'Stop')!.recorded).toBe(
      plan.items.find((i) => i.event === 'Stop')!.hash,
    );
  });

  it('$CODEX_HOME and --global: hooks.json and config.toml there, no project trust needed', () => {
    const codexHomeDir = path.join(dir, 'ch');
    const o = opts(['codex'], { env: { CODEX_HOME: codexHomeDir }, codexGlobal: true });
    applyAgents(planAgents(o), NOW);
    expect(fs.existsSync(path.join(codexHomeDir, 'hooks.json'))).toBe(true);
    const plan = codexTrustPlan(o);
    expect(plan.configToml).toBe(path.join(codexHomeDir, 'config.toml'));
    expect(plan.trustProject).toBeUndefined();
  });
});

describe('toml-lite', () => {
  it('edits in place, keeping everything else', () => {
    const text =
      '# mine\nmodel = "gpt"\n\n[hooks.state."/a/hooks.json:stop:0:0"]\nenabled = true\ntrusted_hash = "sha256:old"\n';
    const out = setTomlString(
      text,
      ['hooks', 'state', '/a/hooks.json:stop:0:0', 'trusted_hash'],
      'sha256:new',
    );
    expect(out).toBe(text.replace('sha256:old', 'sha256:new'));
    const added = setTomlString(text, ['projects', '/a', 'trust_level'], 'trusted');
    expect(added.startsWith(text)).toBe(true);
    expect(getTomlString(added, ['projects', '/a', 'trust_level'])).toBe('trusted');
    expect(
      getTomlString('[hooks]\nstate."k".trusted_hash = \'v\'\n', ['hooks', 'state', 'k', 'trusted_hash']),
    ).toBe('v');
  });

  it('never throws on arbitrary text, and what it sets on a config.toml-like text it reads back', () => {
    const KNOWN = ['[hooks]', '[hooks.state."k"]', '[projects."/a b"]', '# c', '', 'x = 1', '[[a.b]]'];
    const line = fc.oneof(fc.constantFrom(...KNOWN), fc.string());
    const segment = fc.oneof(
      fc.constantFrom('hooks', 'state', 'k', 'trusted_hash', '/a b'),
      fc.string({ minLength: 1 }),
    );
    fc.assert(
      fc.property(
        fc.array(line),
        fc.array(segment, { minLength: 2, maxLength: 4 }),
        fc.string(),
        (ls, p, v) => {
          const text = ls.join('\n');
          const out = setTomlString(text, p, v);
          // Only lines it can follow: a random line may open a multi-line string or an unreadable header.
          if (ls.every((l) => KNOWN.includes(l))) expect(getTomlString(out, p)).toBe(v);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(fc.string({ minLength: 1 }), { minLength: 2, maxLength: 3 }),
        (text, p) => {
          expect(() => setTomlString(text, p, 'x')).not.toThrow();
          expect(() => getTomlString(text, p)).not.toThrow();
        },
      ),
    );
  });
});
