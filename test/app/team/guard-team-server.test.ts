// The team server named in team.url is the guard's: the agent holds the team token in its environment, so
// it must not reach the ingest or pages routes to forge events, pages or spend.
import { describe, expect, it } from 'vitest';
import { createJudgeContext } from '../../../src/app/context.ts';
import { judge } from '../../../src/core/judge.ts';
import { COMPILED, WORLD } from '../../helpers/judge.ts';

const ctxFor = (url: string) =>
  createJudgeContext(
    WORLD.projectDir,
    { home: WORLD.home, tempDirs: WORLD.tempDirs },
    {
      protectedBranches: [],
      paging: { ...COMPILED.policy.paging, team: { url, tokenEnv: 'AGENT_SRE_TEAM_TOKEN', machine: null } },
    },
  );
const decide = (url: string, tool: string, input: unknown) =>
  judge({ tool, input, cwd: WORLD.projectDir }, ctxFor(url), COMPILED);

describe('the team server', () => {
  it.each([
    ['Bash', { command: 'curl -s -X POST https://team.example:47321/team/v1/ingest -d @x.json' }],
    [
      'Bash',
      {
        command:
          'curl -H "Authorization: Bearer $AGENT_SRE_TEAM_TOKEN" https://TEAM.example:47321/team/v1/pages',
      },
    ],
    ['WebFetch', { url: 'https://team.example/team/v1/status', prompt: 'read' }],
  ])('%s %j is refused as guard.server', (tool, input) => {
    const d = decide('https://team.example:47321', tool, input);
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe('guard.server');
  });

  it('a loopback team server is recognised by its port', () => {
    const url = 'http://127.0.0.1:47555';
    expect(decide(url, 'Bash', { command: 'curl -s http://127.0.0.1:47555/team/v1/ingest' }).rule).toBe(
      'guard.server',
    );
    expect(decide(url, 'Bash', { command: 'curl -s http://127.0.0.1:47556/' }).rule).not.toBe('guard.server');
  });

  it('other hosts stay what they were', () => {
    const d = decide('https://team.example:47321', 'Bash', {
      command: 'curl -s https://team.example.evil.test/',
    });
    expect(d.rule).not.toBe('guard.server');
  });
});
