// Human output through the built CLI: plain text when piped (no escape sequences, NO_COLOR or not),
// colour when FORCE_COLOR asks for it, the report as text rather than Markdown, and an escape sequence
// the agent put in a command shown as text, never sent to the terminal.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashPre, ensureBuilt, ROOT, runBin, runHook, tempProject, withRunbook } from './bin.ts';

const ESC = '\x1b';
const SGR = /\x1b\[[0-9;]*m/g;
const base = {
  AGENT_SRE_DELIVERY: 'off',
  AGENT_SRE_HOOKD: '0',
  AGENT_SRE_USER: 'ana',
  CLAUDECODE: '',
  // Whatever the machine running the tests has set: each case sets its own.
  FORCE_COLOR: undefined,
  NO_COLOR: undefined,
};
const SESSION = '5e55a0c1-0a4b-4c5d-8e9f-001122334455';
let dir: string;
// The documented paging example: schedules for `oncall`.
let paging: string;

beforeAll(async () => {
  ensureBuilt();
  dir = withRunbook(tempProject('agent-sre-e2e-colour-'));
  paging = tempProject('agent-sre-e2e-colour-oncall-');
  copyFileSync(join(ROOT, 'examples', 'paging', 'agent-sre.yaml'), join(paging, 'agent-sre.yaml'));
  writeFileSync(
    join(dir, 'agent-sre.yaml'),
    'version: 1\nchannels:\n  file: { type: file }\nrouting:\n  - { match: {}, channels: [file] }\n',
  );
  for (const command of [
    'rm -rf ~',
    `rm -rf / # ${ESC}]0;pwned${ESC}\\ ${ESC}[2J`,
    'terraform destroy -auto-approve',
  ])
    await runHook(bashPre(dir, SESSION, command), dir, { env: base });
}, 120_000);

afterAll(() => {
  for (const d of [dir, paging]) if (d) rmSync(d, { recursive: true, force: true });
});

const commands = (): string[][] => [
  ['sessions', '--dir', dir],
  ['incidents', '--dir', dir],
  ['incident', 'show', 'INC-1', '--dir', dir],
  ['evidence', SESSION, '--dir', dir],
  ['report', '--dir', dir],
  ['runbook', 'lint', '--dir', dir],
  ['replay', join(ROOT, 'examples', 'runaway-session.jsonl')],
  ['oncall', '--at', '2026-12-02T12:00:00Z', '--dir', paging],
  ['oncall', 'schedule', '--weeks', '1', '--at', '2026-12-02T12:00:00Z', '--dir', paging],
];

/** Every command at once (they only read), each with its arguments beside its result. */
const runAll = (list: string[][], env: NodeJS.ProcessEnv) =>
  Promise.all(
    list.map(async (args) => ({ args, r: await runBin(args, { env: { ...base, ...env }, cwd: dir }) })),
  );

describe('output', () => {
  it('piped: no escape sequence on stdout or stderr', async () => {
    for (const { args, r } of await runAll(commands(), {})) {
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout.length, args.join(' ')).toBeGreaterThan(0);
      expect(r.stdout, args.join(' ')).not.toContain(ESC);
      expect(r.stderr, args.join(' ')).not.toContain(ESC);
    }
  }, 120_000);

  it('FORCE_COLOR=1: colour even through a pipe, and only the styling is an escape', async () => {
    for (const { args, r } of await runAll(commands(), { FORCE_COLOR: '1' })) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(SGR);
      expect(r.stdout.replace(SGR, ''), args.join(' ')).not.toContain(ESC);
    }
  }, 120_000);

  it('NO_COLOR and FORCE_COLOR=0 keep it plain', async () => {
    const two = commands().filter((c) => c[0] === 'incidents' || c[0] === 'report');
    for (const env of [{ NO_COLOR: '1' }, { FORCE_COLOR: '0' }])
      for (const { args, r } of await runAll(two, env)) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout, `${args[0]} ${JSON.stringify(env)}`).not.toContain(ESC);
      }
  }, 60_000);

  it('the agent’s escape sequence is shown as text in the evidence', async () => {
    for (const env of [{}, { FORCE_COLOR: '1' }]) {
      const r = await runBin(['evidence', SESSION, '--dir', dir], { env: { ...base, ...env } });
      expect(r.stdout).toContain('␛]0;pwned␛\\ ␛[2J');
    }
  });

  it('report: text for a terminal or a pipe, Markdown with --markdown', async () => {
    const text = await runBin(['report', '--dir', dir], { env: base });
    expect(text.stdout).not.toMatch(/^#/m);
    expect(text.stdout).not.toMatch(/^\|/m);
    expect(text.stdout).toMatch(/^Targets\n-+$/m);
    const md = await runBin(['report', '--markdown', '--dir', dir], { env: base });
    expect(md.stdout).toMatch(/^## Targets$/m);
    expect(md.stdout).toMatch(/^\| Target \| Basis \|/m);
    const both = await runBin(['report', '--markdown', '--json', '--dir', dir], { env: base });
    expect(both.code).toBe(2);
  });
});
