import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registeredEvents } from '../../src/adapters/agents/claude/settings.ts';
import { ensureBuilt, runBin, tempProject } from './bin.ts';

describe('init --help and init output', () => {
  it('help names every event init hooks, where the hook runs from, and no "coming" command', async () => {
    ensureBuilt();
    const r = await runBin(['init', '--help']);
    expect(r.code).toBe(0);
    const text = r.stdout.replace(/\s+/g, ' ');
    for (const e of [...registeredEvents(true), 'PostToolUse', 'PostToolUseFailure'])
      expect(text).toContain(e);
    expect(text).toContain('$CLAUDE_PROJECT_DIR');
    expect(text).toContain('trusted');
    expect(text).not.toContain('(coming)');
  });

  it('the output describes the postmortem template without calling postmortem "coming"', async () => {
    const dir = tempProject();
    const r = await runBin(['init', '--yes', '--dir', dir], { env: { XDG_CONFIG_HOME: `${dir}/.config` } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('`agent-sre postmortem INCIDENT` fills it from the ledger');
    expect(r.stdout).not.toContain('(coming)');
    // No install in the project: the machine's paths, and a warning not to commit them.
    expect(r.stdout).toContain('do not commit that file as it is');
    // Nor a schema path that would resolve on this machine only: a hint instead of a modeline.
    const yaml = readFileSync(join(dir, 'agent-sre.yaml'), 'utf8');
    expect(yaml).not.toMatch(/^# yaml-language-server:/);
    expect(yaml).toContain('npm i -D agent-sre');
  });
});
