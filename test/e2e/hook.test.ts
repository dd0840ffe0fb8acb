// End to end through the built bin, exactly as Claude Code runs it: `node bin/agent-sre.js hook claude`,
// one hook event as JSON on stdin, CLAUDE_PROJECT_DIR set, the answer read from exit code and stdout.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BinResult,
  bashPre,
  ensureBuilt,
  postToolUse,
  preToolUse,
  ROOT,
  runBin,
  runHook,
  sessions,
  tempProject,
  withRunbook,
  writeCreated,
} from './bin.ts';
import { launch, removeProjects, tempConfig } from './launcher.ts';

const made: string[] = [];
/** A temp project with the runbook init would write (no runbook gates every write at tier 3). */
function project(prefix?: string): string {
  return withRunbook(bareProject(prefix));
}

/** A temp project with nothing in it, for init to set up. */
function bareProject(prefix?: string): string {
  const dir = tempProject(prefix);
  made.push(dir);
  return dir;
}

beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  // Stops the hook daemons the launcher started in them, too.
  removeProjects(made);
});

interface PreAnswer {
  hookSpecificOutput?: {
    hookEventName: string;
    permissionDecision: 'allow' | 'ask' | 'deny';
    permissionDecisionReason: string;
  };
  continue?: boolean;
  stopReason?: string;
}

/** The whole of stdout must be one JSON object (Claude Code ignores anything else and fails open). */
function oneJsonObject(stdout: string): Record<string, unknown> {
  expect(stdout.trimStart().startsWith('{'), `stdout is not a JSON object: ${stdout}`).toBe(true);
  const value: unknown = JSON.parse(stdout);
  expect(value !== null && typeof value === 'object' && !Array.isArray(value)).toBe(true);
  return value as Record<string, unknown>;
}

/** An answer that carries a PreToolUse decision: exit 0 and the decision in JSON. */
function decisionOf(r: BinResult): NonNullable<PreAnswer['hookSpecificOutput']> & { answer: PreAnswer } {
  expect(r.code, `exit ${r.code}; stderr: ${r.stderr}`).toBe(0);
  const answer = oneJsonObject(r.stdout) as PreAnswer;
  const out = answer.hookSpecificOutput;
  expect(out, `no hookSpecificOutput in ${r.stdout}`).toBeDefined();
  expect(out!.hookEventName).toBe('PreToolUse');
  expect(typeof out!.permissionDecisionReason).toBe('string');
  return { ...out!, answer };
}

/** No objection: exit 0 and nothing on stdout, so Claude Code's own permission flow decides. */
function expectSilent(r: BinResult): void {
  expect({ code: r.code, stdout: r.stdout }, r.stderr).toEqual({ code: 0, stdout: '' });
}

/** Never exit 1 (Claude Code lets the call through); block with exit 2 + stderr or a JSON deny. */
function expectRefused(r: BinResult): void {
  expect(r.signal).toBeNull();
  expect([0, 2], `exit ${r.code}; stderr: ${r.stderr}`).toContain(r.code);
  if (r.stdout !== '') oneJsonObject(r.stdout);
  if (r.code === 2) {
    expect(r.stderr.trim().length).toBeGreaterThan(0);
  } else {
    const out = oneJsonObject(r.stdout) as PreAnswer;
    expect(out.hookSpecificOutput?.permissionDecision).toBe('deny');
  }
}

const ruleIn = (reason: string) => /^agent-sre \(tier (\d), ([\w.-]+)\): /.exec(reason);

describe.concurrent('hook claude: PreToolUse decisions', () => {
  const dir = project();

  it('stays silent on a tier-1 Bash call', async () => {
    const r = await runHook(bashPre(dir, 'sess-basic', 'ls -la'), dir);
    expectSilent(r);
    expect(r.stderr).toBe('');
  });

  it('denies rm -rf ~ with one JSON object naming the rule', async () => {
    const r = await runHook(bashPre(dir, 'sess-basic', 'rm -rf ~'), dir);
    const d = decisionOf(r);
    expect(d.permissionDecision).toBe('deny');
    const m = ruleIn(d.permissionDecisionReason);
    expect(m, d.permissionDecisionReason).not.toBeNull();
    expect(m![1]).toBe('4');
    // The same rule `agent-sre check` explains, so the reason points at something a human can look up.
    const check = await runBin(['check', '--json', '--project', dir, '--cwd', dir, 'rm -rf ~']);
    expect(check.code).toBe(0);
    const rule = (JSON.parse(check.stdout) as { rule: string }).rule;
    expect(rule).toMatch(/^[\w.-]+$/);
    expect(m![2]).toBe(rule);
    expect(d.permissionDecisionReason).toContain(rule);
    expect(d.answer.continue).toBeUndefined();
  });

  it('asks before git push origin main', async () => {
    const d = decisionOf(await runHook(bashPre(dir, 'sess-basic', 'git push origin main'), dir));
    expect(d.permissionDecision).toBe('ask');
    expect(ruleIn(d.permissionDecisionReason)?.[1]).toBe('3');
  });

  it('denies a Write to the project policy file', async () => {
    const input = { file_path: join(dir, 'agent-sre.yaml'), content: 'version: 1\nrules: []\n' };
    const d = decisionOf(await runHook(preToolUse(dir, 'sess-basic', 'Write', input), dir));
    expect(d.permissionDecision).toBe('deny');
    expect(ruleIn(d.permissionDecisionReason)?.[1]).toBe('4');
  });
});

describe.concurrent('hook claude: malformed input is refused, never exit 1', () => {
  const dir = project();
  const cases: [string, string][] = [
    ['not JSON', 'this is not json'],
    ['empty', ''],
    ['whitespace', ' \n\t '],
    ['a JSON array', JSON.stringify([bashPre(dir, 's', 'ls')])],
    ['a JSON string', '"PreToolUse"'],
    ['null', 'null'],
    ['truncated PreToolUse', JSON.stringify(bashPre(dir, 's', 'ls')).slice(0, 120)],
    ['missing session_id', JSON.stringify({ ...bashPre(dir, 's', 'ls'), session_id: undefined })],
    ['numeric session_id', JSON.stringify({ ...bashPre(dir, 's', 'ls'), session_id: 42 })],
    ['missing hook_event_name', JSON.stringify({ ...bashPre(dir, 's', 'ls'), hook_event_name: undefined })],
    ['missing tool_input', JSON.stringify({ ...bashPre(dir, 's', 'ls'), tool_input: undefined })],
    ['relative cwd', JSON.stringify({ ...bashPre(dir, 's', 'ls'), cwd: 'relative/dir' })],
  ];

  it.each(cases)('%s', async (_name, stdin) => {
    expectRefused(await runHook(stdin, dir));
  });

  it('denies a PreToolUse without session_id in JSON (the event name is still readable)', async () => {
    const r = await runHook({ ...bashPre(dir, 's', 'ls'), session_id: undefined }, dir);
    const d = decisionOf(r);
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toMatch(/session_id/);
  });

  it('refuses input over the size limit (9 MiB)', async () => {
    const huge = JSON.stringify(bashPre(dir, 's', `echo ${'a'.repeat(9 * 1024 * 1024)}`));
    const r = await runHook(huge, dir);
    expectRefused(r);
    expect(r.stdout.length).toBeLessThan(10_000);
  });

  it('rejects an unsupported agent with exit 2', async () => {
    const r = await runBin(['hook', 'windsurf'], {
      stdin: JSON.stringify(bashPre(dir, 's', 'ls')),
      projectDir: dir,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unsupported agent/);
  });
});

describe.concurrent('hook claude: a broken project fails closed', () => {
  it('denies every PreToolUse when agent-sre.yaml is invalid, naming the file and line', async () => {
    const dir = project();
    const file = join(dir, 'agent-sre.yaml');
    writeFileSync(file, 'version: 1\nbudgets:\n  toolCalls: "many"\n');
    const calls = [
      bashPre(dir, 'sess-bad-policy', 'ls'),
      bashPre(dir, 'sess-bad-policy', 'touch x'),
      bashPre(dir, 'sess-bad-policy', 'rm -rf ~'),
      preToolUse(dir, 'sess-bad-policy', 'Read', { file_path: join(dir, 'README.md') }),
      preToolUse(dir, 'sess-bad-policy', 'Write', { file_path: join(dir, 'a.txt'), content: 'x' }),
      preToolUse(dir, 'sess-bad-policy', 'TodoWrite', { todos: [] }),
    ];
    const answers = await Promise.all(calls.map((call) => runHook(call, dir)));
    answers.forEach((r, i) => {
      const d = decisionOf(r);
      expect(d.permissionDecision, JSON.stringify(calls[i]!.tool_input)).toBe('deny');
      expect(d.permissionDecisionReason).toContain(`${file}:3:`);
    });
  });

  // Regression: YAML syntax errors (parsed with `prettyErrors: false`) were all reported at 1:1.
  it('names the line of a YAML syntax error in an invalid agent-sre.yaml', async () => {
    const dir = project();
    const file = join(dir, 'agent-sre.yaml');
    writeFileSync(file, 'version: 1\nbudgets:\n  toolCalls: 10\n  toolCalls: 20\n');
    const d = decisionOf(await runHook(bashPre(dir, 'sess-bad-yaml', 'ls'), dir));
    expect(d.permissionDecision).toBe('deny');
    expect(d.permissionDecisionReason).toContain(file);
    expect(d.permissionDecisionReason).toContain(`${file}:4:`);
  });

  it('denies even ls when the state dir .agent-sre is a regular file', async () => {
    const dir = project();
    writeFileSync(join(dir, '.agent-sre'), 'not a directory\n');
    for (const command of ['ls', 'git status', 'rm -rf ~']) {
      const d = decisionOf(await runHook(bashPre(dir, 'sess-no-state', command), dir));
      expect(d.permissionDecision, command).toBe('deny');
      expect(d.permissionDecisionReason).toMatch(/\.agent-sre/);
    }
    // Other events cannot let anything through, but must not exit 1 either.
    const post = await runHook(
      postToolUse(dir, 'sess-no-state', 'Bash', { command: 'ls' }, { stdout: '', stderr: '' }),
      dir,
    );
    expect([0, 2]).toContain(post.code);
    if (post.stdout) oneJsonObject(post.stdout);
  });

  it('denies with ledger.unavailable when the ledger cannot be opened, keeping tier-4 rules', async () => {
    const dir = project();
    mkdirSync(join(dir, '.agent-sre', 'ledger.db'), { recursive: true });
    const ls = decisionOf(await runHook(bashPre(dir, 'sess-no-ledger', 'ls'), dir));
    expect(ls.permissionDecision).toBe('deny');
    expect(ruleIn(ls.permissionDecisionReason)?.[2]).toBe('ledger.unavailable');
    const rm = decisionOf(await runHook(bashPre(dir, 'sess-no-ledger', 'rm -rf ~'), dir));
    expect(rm.permissionDecision).toBe('deny');
    const rule = ruleIn(rm.permissionDecisionReason)?.[2];
    expect(rule).toBeDefined();
    expect(rule).not.toBe('ledger.unavailable');
    expect(rm.permissionDecisionReason).toMatch(/ledger could not be written/);
  });
});

describe.concurrent('hook claude: the ledger', () => {
  it('records a Write: PreToolUse then PostToolUse update the session', async () => {
    const dir = project();
    const file = join(dir, 'src', 'checkout.ts');
    const content = 'export const total = 1;\nexport const tax = 2;\n';
    const input = { file_path: file, content };
    expectSilent(await runHook(preToolUse(dir, 'sess-write', 'Write', input), dir));
    expectSilent(
      await runHook(postToolUse(dir, 'sess-write', 'Write', input, writeCreated(file, content)), dir),
    );
    const rows = await sessions(dir);
    expect(rows.map((r) => r.session_id)).toEqual(['sess-write']);
    const s = rows[0]!;
    expect(s.events).toBeGreaterThanOrEqual(2);
    expect(s.status).toBe('active');
    expect(s.cwd).toBe(dir);
    expect(s.usage.filesTouched).toBe(1);
    expect(s.usage.toolCalls).toBe(1);
    expect(s.usage.linesAdded).toBeGreaterThan(0);

    // The same file written again is not a new file.
    expectSilent(
      await runHook(postToolUse(dir, 'sess-write', 'Write', input, writeCreated(file, content)), dir),
    );
    const again = (await sessions(dir))[0]!;
    expect(again.usage.filesTouched).toBe(1);
    expect(again.usage.toolCalls).toBe(2);
    expect(again.events).toBe(s.events + 1);
  });

  // Regression: content ending in a newline counted one line too many ('a\nb\n' is 2 lines, not 3), which
  // spent the linesChanged budget early.
  it('counts the lines of a written file like git does', async () => {
    const dir = project();
    const file = join(dir, 'two-lines.txt');
    const content = 'first\nsecond\n';
    const input = { file_path: file, content };
    expectSilent(
      await runHook(postToolUse(dir, 'sess-lines', 'Write', input, writeCreated(file, content)), dir),
    );
    const s = (await sessions(dir))[0]!;
    expect(s.usage.linesAdded).toBe(2);
  });

  it('records SessionStart and SessionEnd', async () => {
    const dir = project();
    const base = { session_id: 'sess-life', transcript_path: join(dir, 't.jsonl'), cwd: dir };
    const start = await runHook({ ...base, hook_event_name: 'SessionStart', source: 'startup' }, dir);
    expect(start.code).toBe(0);
    // The agent starts with the runbook's digest in its context.
    const context = JSON.parse(start.stdout).hookSpecificOutput;
    expect(context.hookEventName).toBe('SessionStart');
    expect(context.additionalContext).toContain('AGENTS.md');
    expect(context.additionalContext).toMatch(/never/i);
    let s = (await sessions(dir)).find((r) => r.session_id === 'sess-life');
    expect(s?.events).toBe(1);
    expect(s?.ended_at).toBeNull();

    const end = await runHook({ ...base, hook_event_name: 'SessionEnd', reason: 'prompt_input_exit' }, dir);
    expect({ code: end.code, stdout: end.stdout }).toEqual({ code: 0, stdout: '' });
    s = (await sessions(dir)).find((r) => r.session_id === 'sess-life');
    expect(s?.events).toBe(2);
    expect(s?.ended_at).not.toBeNull();
    expect(Number.isNaN(Date.parse(s!.ended_at!))).toBe(false);

    const db = new Database(join(dir, '.agent-sre', 'ledger.db'), { readonly: true });
    try {
      const names = db
        .prepare('SELECT event FROM events WHERE session_id = ? ORDER BY id')
        .all('sess-life') as { event: string }[];
      expect(names.map((n) => n.event)).toEqual(['SessionStart', 'SessionEnd']);
    } finally {
      db.close();
    }
  });
});

describe.concurrent('hook claude: the 3/20 rule end to end', () => {
  // Through the launcher init wires into Claude Code (bin/agent-sre-hook.cjs, its warm daemon answering
  // after the first call), as a real session's two dozen calls go.
  it('escalates after three denials, resumes, and terminates after twenty', async () => {
    const dir = project();
    const config = tempConfig();
    made.push(join(config, '..'));
    const id = 'sess-3-20';
    const runHook = async (input: unknown, projectDir: string): Promise<BinResult> => ({
      ...(await launch(input, { projectDir, config })),
      signal: null,
    });
    const deny = async () => {
      const d = decisionOf(await runHook(bashPre(dir, id, 'rm -rf ~'), dir));
      expect(d.permissionDecision).toBe('deny');
      return d;
    };
    for (let i = 0; i < 3; i++) await deny();

    // Tier-2 work now needs a human.
    const touch = decisionOf(await runHook(bashPre(dir, id, 'touch x'), dir));
    expect(touch.permissionDecision).toBe('ask');
    expect(ruleIn(touch.permissionDecisionReason)?.[2]).toBe('session.escalated');
    expect((await sessions(dir)).find((s) => s.session_id === id)?.status).toBe('escalated');

    const resume = await runBin(['session', 'resume', id, '--dir', dir]);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toMatch(/escalated -> active/);
    expectSilent(await runHook(bashPre(dir, id, 'touch x'), dir));

    // 3 denials so far; 16 more make 19, the 20th ends the session.
    for (let i = 0; i < 16; i++) {
      const d = await deny();
      expect(d.answer.continue, `denial ${4 + i}`).toBeUndefined();
    }
    const last = await deny();
    expect(last.answer.continue).toBe(false);
    expect(typeof last.answer.stopReason).toBe('string');
    expect(last.answer.stopReason!.length).toBeGreaterThan(0);

    const ls = decisionOf(await runHook(bashPre(dir, id, 'ls'), dir));
    expect(ls.permissionDecision).toBe('deny');
    expect(ruleIn(ls.permissionDecisionReason)?.[2]).toBe('session.terminated');
    expect(ls.answer.continue).toBe(false);

    const s = (await sessions(dir)).find((r) => r.session_id === id)!;
    expect(s.status).toBe('terminated');
    expect(s.denials).toBe(20);

    // A terminated session cannot be resumed from the CLI.
    const again = await runBin(['session', 'resume', id, '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/terminated/);

    // Other sessions in the same project are unaffected.
    expectSilent(await runHook(bashPre(dir, 'sess-other', 'ls'), dir));
  }, 120_000);
});

describe.concurrent('CLI', () => {
  it('check --json explains a force push to main as tier 4', async () => {
    const dir = project();
    const r = await runBin(['check', '--json', 'git push -f origin main'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout) as { tier: number; decision: string; rule: string; reason: string };
    expect(d.tier).toBe(4);
    expect(d.decision).toBe('deny');
    expect(d.rule).toMatch(/^[\w.-]+$/);
    expect(d.reason.length).toBeGreaterThan(0);
  });

  it('replay --json prints one line per tool call of the example session', async () => {
    const policyDir = project();
    const r = await runBin(
      ['replay', '--json', '--policy', policyDir, join(ROOT, 'examples', 'runaway-session.jsonl')],
      { cwd: policyDir },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(40);
    const rows = lines.map(
      (l) => JSON.parse(l) as { index: number; tier: number; decision: string; rule: string; reason: string },
    );
    rows.forEach((row, i) => {
      expect(row.index).toBe(i);
      expect([1, 2, 3, 4]).toContain(row.tier);
      expect(['allow', 'ask', 'deny']).toContain(row.decision);
      expect(row.decision).toBe(row.tier === 4 ? 'deny' : row.tier === 3 ? 'ask' : 'allow');
      expect(typeof row.rule).toBe('string');
      expect(row.rule.length).toBeGreaterThan(0);
      expect(typeof row.reason).toBe('string');
      expect(row.reason.length).toBeGreaterThan(0);
    });
    const decisions = new Set(rows.map((row) => row.decision));
    expect([...decisions].sort()).toEqual(['allow', 'ask', 'deny']);
  });

  it('--help lists every command and exits 0', async () => {
    const r = await runBin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: agent-sre <command>/m);
    for (const name of ['init', 'hook', 'check', 'replay', 'sessions', 'session', 'doctor'])
      expect(r.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
  });

  it('every command answers --help with its usage', async () => {
    const main = await runBin(['--help']);
    const listed = main.stdout
      .slice(main.stdout.indexOf('Commands:'))
      .split('\n')
      .slice(1)
      .map((l) => /^ {2}(\w+) /.exec(l)?.[1])
      .filter((n): n is string => n !== undefined);
    expect(listed.length).toBeGreaterThanOrEqual(7);
    const results = await Promise.all(listed.map((name) => runBin([name, '--help'])));
    results.forEach((r, i) => {
      const name = listed[i]!;
      expect(r.code, `${name} --help: ${r.stderr}`).toBe(0);
      expect(r.stdout, name).toMatch(new RegExp(`^Usage: agent-sre ${name}\\b`, 'm'));
    });
  });

  it('an unknown command exits 2 with the usage', async () => {
    const r = await runBin(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command/);
    expect(r.stderr).toMatch(/Usage: agent-sre/);
  });

  it('init scaffolds AGENTS.md that `runbook lint` passes, and prints the findings of an existing one', async () => {
    const dir = bareProject('agent-sre-e2e-init-runbook-');
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node --test' } }));
    const init = await runBin(['init', '--yes', '--dir', dir]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(
      /^ {2}created {3}\S+\/AGENTS\.md {2}\(runbook for the agent: tests `npm test`, scope src\/;/m,
    );
    expect(init.stdout).toMatch(/^ {2}created {3}\S+\/docs\/postmortem-template\.md /m);
    expect(init.stdout).toMatch(/^Next: review AGENTS\.md, then agent-sre doctor$/m);
    expect(readFileSync(join(dir, 'AGENTS.md'), 'utf8')).toContain('- Tests pass: `npm test`\n');
    const lint = await runBin(['runbook', 'lint', '--dir', dir]);
    expect(lint.code, lint.stdout).toBe(0);
    expect(lint.stdout).toBe('AGENTS.md: no problems.\n');

    const other = bareProject('agent-sre-e2e-init-runbook-');
    writeFileSync(join(other, 'CLAUDE.md'), '# Notes\n');
    const again = await runBin(['init', '--yes', '--dir', other]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ {2}unchanged \S+\/CLAUDE\.md {2}\(exists; 5 lint findings, see below/m);
    expect(again.stdout).toMatch(/^runbook: 5 lint findings in the existing runbook/m);
    expect(again.stdout).toMatch(/^ {2}CLAUDE\.md:1: error runbook\.never-list: .*\n {4}fix: /m);
    expect(readFileSync(join(other, 'CLAUDE.md'), 'utf8')).toBe('# Notes\n');
  }, 60_000);

  it('init --yes wires a git-less project and doctor proves the canary', async () => {
    const dir = bareProject('agent-sre-e2e-init-');
    const init = await runBin(['init', '--yes', '--dir', dir]);
    expect(init.code, init.stderr).toBe(0);

    expect(readFileSync(join(dir, 'agent-sre.yaml'), 'utf8')).toMatch(/version:/);
    const settings = JSON.parse(readFileSync(join(dir, '.claude', 'settings.json'), 'utf8')) as {
      hooks: Record<
        string,
        { matcher?: string; hooks: { command: string; args?: string[]; onFailure?: string }[] }[]
      >;
    };
    const pre = settings.hooks.PreToolUse?.flatMap((g) => g.hooks) ?? [];
    const ours = pre.filter((h) =>
      /bin\/agent-sre(-hook\.cjs|\.js) hook claude( --timeout \d+)?$/.test(h.args?.join(' ') ?? ''),
    );
    expect(ours).toHaveLength(1);
    expect(ours[0]!.onFailure).toBe('block');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toContain('.agent-sre/');

    const doctor = await runBin(['doctor', '--json', '--dir', dir]);
    // Claude Code is usually not installed where the tests run, so the overall result may be a failure.
    expect([0, 1], doctor.stderr).toContain(doctor.code);
    const report = JSON.parse(doctor.stdout) as {
      ok: boolean;
      checks: { name: string; ok: boolean; detail: string }[];
    };
    const check = (name: string) => report.checks.find((c) => c.name === name);
    expect(check('canary'), JSON.stringify(report.checks)).toMatchObject({ ok: true });
    expect(check('policy')).toMatchObject({ ok: true });
    expect(check('hooks')).toMatchObject({ ok: true });
    expect(check('policy')!.detail).toContain(join(dir, 'agent-sre.yaml'));
    // init scaffolded a runbook that lints clean, and installed the acceptance gates.
    expect(check('runbook')).toMatchObject({ ok: true });
    expect(check('runbook')!.detail).toContain('AGENTS.md: lints clean');
    expect(check('gates')).toMatchObject({ ok: true });

    // A runbook that fails lint is a failed check that says what it costs.
    writeFileSync(join(dir, 'AGENTS.md'), '# Notes\n');
    const again = JSON.parse((await runBin(['doctor', '--json', '--dir', dir])).stdout) as typeof report;
    const rb = again.checks.find((c) => c.name === 'runbook')!;
    expect(rb.ok).toBe(false);
    expect(rb.detail).toContain('gated at tier 3');
  }, 60_000);
});
