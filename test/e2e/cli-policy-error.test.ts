// Every command that loads agent-sre.yaml prints an invalid policy's problems located (file:line:column
// key: message) and exits 2, as doctor does: no stack trace.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ensureBuilt, ROOT, runBin, tempProject } from './bin.ts';

const made: string[] = [];
let project: string;
beforeAll(() => {
  ensureBuilt();
  project = tempProject('agent-sre-cli-policy-');
  made.push(project);
  writeFileSync(join(project, 'agent-sre.yaml'), 'version: 1\nbudgets:\n  toolCalls: 5\nrulez: []\n');
}, 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0', AGENT_SRE_USER: 'alice' };
const example = join(ROOT, 'examples', 'runaway-session.jsonl');

describe('an invalid agent-sre.yaml', () => {
  const cases: [string[]][] = [
    [['check', 'ls']],
    [['replay', example]],
    [['incidents']],
    [['incident', 'show', 'INC-1']],
    [['report']],
    [['evidence', 'sess-1']],
    [['postmortem', 'INC-1']],
    [['tick']],
    [['oncall']],
    [['page', 'test', '--channel', 'file']],
    [['ack', 'INC-1']],
    [['golden', 'history']],
    [['cost', example]],
    [['serve', '--no-dashboard', '--interval', '60']],
  ];
  it.concurrent.for(cases)('%j prints the located problem and exits 2', async ([args], { expect }) => {
    const r = await runBin(args, { cwd: project, env });
    expect(r.stderr).toContain(
      `${project}/agent-sre.yaml:4:1: rulez: unknown key "rulez" (did you mean "rules"?)`,
    );
    expect(r.stderr).not.toMatch(/^\s+at |PolicyError/m);
    expect(r.code).toBe(2);
  });
});
