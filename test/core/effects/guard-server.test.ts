// agent-sre's servers are the guard's: the agent may not call the dashboard on the port this project
// configures, nor the public host its signed links point at, by any route that makes a network effect.
import { describe, expect, it } from 'vitest';
import { createJudgeContext } from '../../../src/app/context.ts';
import { DEFAULT_SERVER } from '../../../src/core/incidents/config.ts';
import { judge } from '../../../src/core/judge.ts';
import { COMPILED, WORLD } from '../../helpers/judge.ts';

const ctx = createJudgeContext(
  WORLD.projectDir,
  { home: WORLD.home, tempDirs: WORLD.tempDirs },
  {
    protectedBranches: [],
    paging: {
      ...COMPILED.policy.paging,
      server: { ...DEFAULT_SERVER, port: 9911, publicUrl: 'https://oncall.example.com' },
    },
  },
);
const decide = (tool: string, input: unknown) => judge({ tool, input, cwd: WORLD.projectDir }, ctx, COMPILED);

describe('the configured dashboard port and public host', () => {
  it.each([
    ['Bash', { command: 'curl -s http://127.0.0.1:9911/api/state' }],
    ['Bash', { command: 'curl -s -X POST https://oncall.example.com/a/v1.abc.def -d by=me' }],
    ['Bash', { command: 'wget -qO- https://ONCALL.example.com/login?t=x' }],
    ['WebFetch', { url: 'https://oncall.example.com/a/token', prompt: 'open' }],
    ['Bash', { command: `python3 -c "import urllib.request as u; u.urlopen('http://localhost:9911/')"` }],
  ])('%s %j is refused as guard.server', (tool, input) => {
    const d = decide(tool, input);
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe('guard.server');
  });

  it.each([
    ['Bash', { command: 'curl -s http://127.0.0.1:9912/api/state' }],
    ['Bash', { command: 'curl -s https://example.com/a/v1' }],
    ['Bash', { command: 'curl -s https://oncall.example.com.evil.test/' }],
  ])('%s %j is not the guard’s server', (tool, input) => {
    expect(decide(tool, input).rule).not.toBe('guard.server');
  });
});
