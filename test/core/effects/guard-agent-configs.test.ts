// The other agents' hook configs are the guard too (issue 16): an agent that edits, replaces or deletes the
// file that wires agent-sre into it (or that records the human's trust in those hooks, or that switches
// hooks off) is refused at tier 4, through its file tools and through the shell alike.
import { describe, expect, it } from 'vitest';
import { parseBash } from '../../../src/adapters/shell/tree-sitter.ts';
import { parseYaml } from '../../../src/adapters/yaml.ts';
import { judge } from '../../../src/core/judge.ts';
import { guardMatch } from '../../../src/core/paths.ts';
import type { GuardLocations, JudgeContext } from '../../../src/core/types.ts';
import { COMPILED, GUARD_INSTALLS, WORLD } from '../../helpers/judge.ts';

const P = WORLD.projectDir;
const H = WORLD.home;

function ctx(guard: GuardLocations = GUARD_INSTALLS.project): JudgeContext {
  return {
    ...WORLD,
    readScript: () => undefined,
    parseShell: parseBash,
    parseYaml,
    protectedBranches: [],
    guard,
  };
}

const AGENT_CONFIGS: [agent: string, path: string][] = [
  ['codex', `${P}/.codex/hooks.json`],
  ['codex', `${P}/.codex/config.toml`],
  ['codex', `${H}/.codex/hooks.json`],
  ['codex', `${H}/.codex/config.toml`],
  ['codex', '/etc/codex/requirements.toml'],
  ['gemini', `${P}/.gemini/settings.json`],
  ['gemini', `${H}/.gemini/settings.json`],
  ['gemini', `${H}/.gemini/trustedFolders.json`],
  ['gemini', '/etc/gemini-cli/settings.json'],
  ['cursor', `${P}/.cursor/hooks.json`],
  ['cursor', `${H}/.cursor/hooks.json`],
  ['copilot', `${P}/.github/hooks/agent-sre.json`],
  ['copilot', `${P}/.github/hooks/other-hooks.json`],
  ['copilot', `${P}/.github/copilot/settings.json`],
  ['copilot', `${H}/.copilot/hooks/agent-sre.json`],
  ['copilot', `${H}/.copilot/settings.json`],
];

describe("the agents' hook configs are the guard", () => {
  // A system file is refused as a system write before it is recognised as the guard's; tier 4 either way.
  const tamper = (path: string) => (path.startsWith('/etc/') ? 'fs.write-system' : 'guard.tamper');

  it.each(AGENT_CONFIGS)('%s %s: Write is refused at tier 4', (_agent, path) => {
    const d = judge({ tool: 'Write', input: { file_path: path, content: '{}' }, cwd: P }, ctx(), COMPILED);
    expect([d.verdict, d.tier, d.rule]).toEqual(['deny', 4, tamper(path)]);
  });

  it.each(AGENT_CONFIGS)('%s %s: Edit is refused at tier 4', (_agent, path) => {
    const d = judge(
      { tool: 'Edit', input: { file_path: path, old_string: 'a', new_string: 'b' }, cwd: P },
      ctx(),
      COMPILED,
    );
    expect([d.verdict, d.rule]).toEqual(['deny', tamper(path)]);
  });

  it.each([
    ['rm .codex/hooks.json', 'guard.tamper'],
    ["sed -i 's/agent-sre//' .gemini/settings.json", 'guard.tamper'],
    ['echo "[features]\nhooks = false" >> ~/.codex/config.toml', 'guard.tamper'],
    ['mv .cursor/hooks.json /tmp/x.json', 'guard.tamper'],
    ['cp /tmp/evil.json .github/hooks/zz.json', 'guard.tamper'],
    ['rm -rf .codex', 'guard.tamper-parent'],
    ['rm -rf .github', 'guard.tamper-parent'],
    ['rm -rf .gemini', 'guard.tamper-parent'],
    ['rm -rf ~/.gemini', 'fs.delete-outside-project'],
  ])('shell: %s -> %s', (command, rule) => {
    const d = judge({ tool: 'Bash', input: { command }, cwd: P }, ctx(), COMPILED);
    expect([d.verdict, d.tier, d.rule]).toEqual(['deny', 4, rule]);
  });

  it('$CODEX_HOME moves the Codex files the guard covers (and ~/.codex stays covered)', () => {
    const moved = ctx({ ...GUARD_INSTALLS.project, codexHome: '/opt/codex-home/' });
    for (const path of [
      '/opt/codex-home/hooks.json',
      '/opt/codex-home/config.toml',
      `${H}/.codex/config.toml`,
    ])
      expect(guardMatch(path, moved).relation).toBe('inside');
    expect(guardMatch('/opt/codex-home/hooks.json', ctx()).relation).toBeUndefined();
  });

  it('the agents’ other files stay ordinary: sessions, history, workflows', () => {
    for (const path of [
      `${H}/.codex/sessions/2026/rollout.jsonl`,
      `${H}/.gemini/tmp/chats/session.json`,
      `${P}/.github/workflows/ci.yml`,
      `${P}/.cursor/rules/style.mdc`,
    ])
      expect(guardMatch(path, ctx()).relation).toBeUndefined();
  });

  it('reading a hook config is allowed (only changing it is tampering)', () => {
    const d = judge(
      { tool: 'Read', input: { file_path: `${P}/.codex/hooks.json` }, cwd: P },
      ctx(),
      COMPILED,
    );
    expect(d.verdict).toBe('allow');
  });
});
