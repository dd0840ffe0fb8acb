// A mistyped command or option gets "did you mean …?" and a short usage pointing at --help, not the
// whole help and not Node's argument-parser message.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ensureBuilt, runBin, tempProject } from './bin.ts';

let project: string;
beforeAll(() => {
  ensureBuilt();
  project = tempProject('agent-sre-cli-usage-');
  writeFileSync(join(project, 'agent-sre.yaml'), 'version: 1\n');
}, 180_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };

describe('an unknown command', () => {
  const cases: [string, string | null][] = [
    ['chek', '"check"'],
    ['Check', '"check"'],
    ['incidnets', '"incidents"'],
    ['sesions', '"sessions"'],
    ['postmotem', '"postmortem"'],
    ['reprot', '"report"'],
    ['docter', '"doctor"'],
    ['inc', '"incidents" or "incident"'],
    ['frobnicate', null],
    ['--versoin', '--version'],
    ['--hlep', '--help'],
    ['--json', null],
  ];
  it.concurrent.for(cases)('%s', async ([typed, meant], { expect }) => {
    const r = await runBin([typed], { cwd: project, env });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    const what = typed.startsWith('-') ? `unknown option '${typed}'` : `unknown command "${typed}"`;
    expect(lines[0]).toBe(`agent-sre: ${what}.${meant ? ` Did you mean ${meant}?` : ''}`);
    expect(lines.slice(1)).toEqual([
      'Usage: agent-sre <command> [options]',
      'See `agent-sre --help` for the commands.',
    ]);
  });
});

describe('what was typed is echoed without control characters', () => {
  it.concurrent.for([
    ['x\u001b[2J', 'agent-sre: unknown command "x?[2J".'],
    ['--x\u001b[2J', "agent-sre: unknown option '--x?[2J'."],
  ])('%j', async ([typed, line], { expect }) => {
    const r = await runBin([typed!], { cwd: project, env });
    expect(r.stderr.split('\n')[0]).toBe(line);
  });
});

describe('an unknown or malformed option', () => {
  const cases: [string[], string, string][] = [
    [
      ['check', '--jsno', 'ls'],
      "Unknown option '--jsno'. Did you mean --json?",
      "Usage: agent-sre check [options] ['<shell command>']",
    ],
    [['incidents', '--opne'], "Unknown option '--opne'. Did you mean --open?", 'Usage: agent-sre incidents'],
    [['sessions', '--dri', '.'], "Unknown option '--dri'. Did you mean --dir?", 'Usage: agent-sre sessions'],
    [
      ['report', '--sinse', '7d'],
      "Unknown option '--sinse'. Did you mean --since?",
      'Usage: agent-sre report',
    ],
    [
      ['replay', '--polcy', 'x', 'f.jsonl'],
      "Unknown option '--polcy'. Did you mean --policy?",
      'Usage: agent-sre replay',
    ],
    [
      ['tick', '--deliver-onyl'],
      "Unknown option '--deliver-onyl'. Did you mean --deliver-only?",
      'Usage: agent-sre tick',
    ],
    [['sessions', '--frobnicate'], "Unknown option '--frobnicate'.", 'Usage: agent-sre sessions'],
    [['sessions', '-x'], "Unknown option '-x'.", 'Usage: agent-sre sessions'],
    [['sessions', '--json=yes'], '--json takes no value.', 'Usage: agent-sre sessions'],
    [['report', '--since'], '--since needs a value.', 'Usage: agent-sre report'],
    [
      ['report', '--since', '--json'],
      '--since needs a value (one that starts with a dash goes as --since=VALUE).',
      'Usage: agent-sre report',
    ],
  ];
  it.concurrent.for(cases)('%j', async ([args, message, usage], { expect }) => {
    const r = await runBin(args, { cwd: project, env });
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`agent-sre ${args[0]}: ${message}`);
    expect(lines[1]!.startsWith(usage)).toBe(true);
    expect(lines.at(-1)).toBe(`See \`agent-sre ${args[0]} --help\`.`);
    // A usage line or two, not the help, and not Node's advice about positionals.
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(r.stderr).not.toMatch(/Options:|To specify a positional/);
  });
});
