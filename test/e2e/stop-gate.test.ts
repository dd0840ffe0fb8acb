// The acceptance gate through the built CLI, with real verification commands: a red `npm test` blocks the
// Stop and a fix lets it through; the block cap raises gate.exhausted; timeouts, missing commands and
// internal errors all block; subagent scoping with a schema check; TaskCompleted; the warm daemon.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bashPre, ensureBuilt, postToolUse, runBin, runHook, tempProject, writeCreated } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };

function project(policy: string, files: Record<string, string> = {}): string {
  const dir = tempProject('agent-sre-stop-');
  made.push(dir);
  writeFileSync(join(dir, 'agent-sre.yaml'), policy);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function stop(
  dir: string,
  sessionId: string,
  message: string,
  active = false,
  extra: Record<string, unknown> = {},
) {
  return {
    session_id: sessionId,
    transcript_path: join(dir, 'transcript.jsonl'),
    cwd: dir,
    hook_event_name: 'Stop',
    stop_hook_active: active,
    last_assistant_message: message,
    ...extra,
  };
}

function subagentStop(dir: string, sessionId: string, agentType: string, message: string) {
  return {
    ...stop(dir, sessionId, message),
    hook_event_name: 'SubagentStop',
    agent_id: `agent-${agentType}-1`,
    agent_type: agentType,
    agent_transcript_path: join(dir, 'agent.jsonl'),
  };
}

const decisionOf = (stdout: string) => (stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {});

// A project whose `npm test` reads a flag file: red until the "fix" writes it.
const NPM_PROJECT = {
  'package.json': JSON.stringify({ name: 'p', version: '1.0.0', scripts: { test: 'node test.js' } }),
  'test.js': [
    "const fs = require('fs');",
    "fs.appendFileSync('runs.log', 'run\\n');",
    "if (!fs.existsSync('fixed')) { console.error('FAIL adds numbers: expected 3, got 4'); process.exit(1); }",
    "console.log('1 passed');",
  ].join('\n'),
};

const TESTS_POLICY = `version: 1
acceptance:
  checks:
    - id: tests
      kind: command
      run: npm test --silent
      timeoutSeconds: 60
`;

describe('acceptance gate on Stop', () => {
  it('blocks while npm test fails, lets the stop through after the fix, and skips an unchanged pass', async () => {
    const dir = project(TESTS_POLICY, NPM_PROJECT);
    const red = await runHook(stop(dir, 's1', 'Implementation complete.'), dir, { env });
    expect(red.code, red.stderr).toBe(0);
    const block = decisionOf(red.stdout);
    expect(block.decision).toBe('block');
    expect(block.reason).toContain('tests (command)');
    expect(block.reason).toContain('exited 1');
    expect(block.reason).toContain('FAIL adds numbers: expected 3, got 4');
    expect(block.reason).toContain('attempt 1 of 5');
    expect(block.reason).toContain('Implementation complete.');

    writeFileSync(join(dir, 'fixed'), '');
    const green = await runHook(stop(dir, 's1', 'Implementation complete.', true), dir, { env });
    expect(green.code, green.stderr).toBe(0);
    expect(green.stdout).toBe('');
    expect(readFileSync(join(dir, 'runs.log'), 'utf8')).toBe('run\nrun\n');

    // Nothing edited since the pass: the next stop does not run npm test again.
    const again = await runHook(stop(dir, 's1', 'Done.'), dir, { env });
    expect(again.stdout).toBe('');
    expect(readFileSync(join(dir, 'runs.log'), 'utf8')).toBe('run\nrun\n');

    // An edit makes the pass stale: it runs again.
    await runHook(
      postToolUse(
        dir,
        's1',
        'Write',
        { file_path: join(dir, 'a.js'), content: 'x' },
        writeCreated(join(dir, 'a.js'), 'x'),
      ),
      dir,
      { env },
    );
    const after = await runHook(stop(dir, 's1', 'Done.'), dir, { env });
    expect(after.stdout).toBe('');
    expect(readFileSync(join(dir, 'runs.log'), 'utf8')).toBe('run\nrun\nrun\n');
  }, 60_000);

  it('lets the stop happen after maxAttempts blocks and raises a SEV2 gate.exhausted incident', async () => {
    const dir = project(
      `version: 1
acceptance:
  maxAttempts: 2
  checks:
    - id: build
      kind: command
      run: echo "error TS2322 in src/x.ts" && exit 2
`,
    );
    const reasons: string[] = [];
    for (const active of [false, true]) {
      const r = await runHook(stop(dir, 'cap', 'Done.', active), dir, { env });
      reasons.push(String(decisionOf(r.stdout).reason));
    }
    expect(reasons[0]).toContain('attempt 1 of 2');
    expect(reasons[1]).toContain('attempt 2 of 2');
    const third = await runHook(stop(dir, 'cap', 'Done.', true), dir, { env });
    expect(third.code).toBe(0);
    const out = decisionOf(third.stdout);
    expect(out.decision).toBeUndefined();
    expect(String(out.systemMessage)).toContain('gate.exhausted');

    const list = await runBin(['incidents', '--json', '--dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    const incidents = list.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { source: { kind: string }; severity: string; title: string; id: string });
    expect(incidents).toEqual([
      expect.objectContaining({
        source: expect.objectContaining({ kind: 'gate.exhausted' }),
        severity: 'SEV2',
        title: expect.stringContaining('build'),
      }),
    ]);
    // The file channel (the default) got the page.
    await runBin(['tick', '--dir', dir], { env });
    expect(readFileSync(join(dir, '.agent-sre', 'pages.jsonl'), 'utf8')).toContain('gate.exhausted');
    const show = await runBin(['incident', 'show', incidents[0]!.id, '--dir', dir]);
    expect(show.stdout).toContain('error TS2322 in src/x.ts');

    // A new turn (not a continuation) starts counting again.
    const fresh = await runHook(stop(dir, 'cap', 'Done.', false), dir, { env });
    expect(String(decisionOf(fresh.stdout).reason)).toContain('attempt 1 of 2');
  }, 60_000);

  it('a check that times out is killed and blocks', async () => {
    const dir = project(`version: 1
acceptance:
  checks:
    - id: slow
      kind: command
      run: echo started; sleep 30; echo "fin$((40+2))"
      timeoutSeconds: 1
`);
    const started = Date.now();
    const r = await runHook(stop(dir, 'slow', 'Done.'), dir, { env });
    const reason = String(decisionOf(r.stdout).reason);
    expect(reason).toContain('timed out after 1 s and was killed');
    expect(reason).toContain('started');
    expect(reason).not.toContain('fin42');
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 40_000);

  it('a missing check command blocks and says it was not found', async () => {
    const dir = project(`version: 1
acceptance:
  checks:
    - id: lint
      kind: command
      run: agent-sre-no-such-linter --strict
`);
    const r = await runHook(stop(dir, 'missing', 'Done.'), dir, { env });
    const reason = String(decisionOf(r.stdout).reason);
    expect(reason).toContain('exited 127');
    expect(reason).toContain('not found');
  }, 30_000);

  it('an internal error (an invalid policy) still blocks the stop', async () => {
    const dir = project('version: 1\nacceptance:\n  maxAttempts: 99\n');
    const r = await runHook(stop(dir, 'err', 'Done.'), dir, { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('acceptance.maxAttempts');
  }, 30_000);

  it('scopes a schema check to one subagent type', async () => {
    const dir = project(`version: 1
acceptance:
  checks:
    - id: review-json
      kind: schema
      on: ['subagent:reviewer']
      schema:
        type: object
        required: [verdict, issues]
        properties:
          verdict: { enum: [approve, reject] }
          issues: { type: array, items: { type: string } }
`);
    const bad = await runHook(subagentStop(dir, 'sub', 'reviewer', 'Looks good to me!'), dir, { env });
    const reason = String(decisionOf(bad.stdout).reason);
    expect(decisionOf(bad.stdout).decision).toBe('block');
    expect(reason).toContain('review-json (schema)');
    expect(reason).toContain('the reviewer subagent');

    const wrong = await runHook(
      subagentStop(dir, 'sub', 'reviewer', '{"verdict":"maybe","issues":[]}'),
      dir,
      { env },
    );
    expect(String(decisionOf(wrong.stdout).reason)).toContain('$.verdict');

    const good = await runHook(
      subagentStop(dir, 'sub', 'reviewer', 'Review:\n```json\n{"verdict":"approve","issues":[]}\n```'),
      dir,
      { env },
    );
    expect(good.stdout).toBe('');
    // Another subagent type and the main agent are not held to the reviewer's schema.
    expect((await runHook(subagentStop(dir, 'sub', 'explorer', 'Found it.'), dir, { env })).stdout).toBe('');
    expect((await runHook(stop(dir, 'sub', 'Found it.'), dir, { env })).stdout).toBe('');
  }, 30_000);

  it('TaskCompleted is blocked with exit 2 and the reason on stderr', async () => {
    const dir = project(`version: 1
acceptance:
  checks:
    - id: task-tests
      kind: command
      on: [task]
      run: echo "2 failing" && false
`);
    const r = await runHook(
      {
        session_id: 'task',
        transcript_path: join(dir, 't.jsonl'),
        cwd: dir,
        hook_event_name: 'TaskCompleted',
        task_id: 't-1',
        task_subject: 'Add login',
      },
      dir,
      { env },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('task-tests (command)');
    expect(r.stderr).toContain('2 failing');
  }, 30_000);
});

describe('silent completion on Stop', () => {
  it('blocks "all tests pass" after an edit with no test run, and after a red run; not after a green one', async () => {
    const dir = project('version: 1\n');
    const edit = postToolUse(
      dir,
      'sc',
      'Write',
      { file_path: join(dir, 'a.ts'), content: 'x' },
      writeCreated(join(dir, 'a.ts'), 'x'),
    );
    await runHook(edit, dir, { env });
    const claim = 'I refactored the parser. All tests pass.';
    const unverified = decisionOf((await runHook(stop(dir, 'sc', claim), dir, { env })).stdout);
    expect(unverified.decision).toBe('block');
    expect(String(unverified.reason)).toContain('"All tests pass."');
    expect(String(unverified.reason)).toContain('no tests ran since');

    const red = {
      ...bashPre(dir, 'sc', 'npx vitest run'),
      hook_event_name: 'PostToolUseFailure',
      error: 'Exit code 1\n FAIL  test/parser.test.ts > parses\n Tests  1 failed | 12 passed',
    };
    await runHook(red, dir, { env });
    const redStop = decisionOf((await runHook(stop(dir, 'sc', claim, true), dir, { env })).stdout);
    expect(String(redStop.reason)).toContain('npx vitest run');
    // The agent is told which test failed, not the run's summary line.
    expect(String(redStop.reason)).toContain('test/parser.test.ts > parses');

    await runHook(
      postToolUse(dir, 'sc', 'Bash', { command: 'npx vitest run' }, { stdout: '13 passed' }),
      dir,
      { env },
    );
    expect((await runHook(stop(dir, 'sc', claim, true), dir, { env })).stdout).toBe('');
    // An honest report is never blocked, whatever the evidence.
    await runHook(edit, dir, { env });
    const honest = await runHook(
      stop(dir, 'sc', "I couldn't finish the parser: the tests still fail on unicode input."),
      dir,
      { env },
    );
    expect(honest.stdout).toBe('');
  }, 60_000);
});

describe('through the warm daemon', () => {
  it('holds the launcher while a check runs longer than its fallback timer, and runs it once', async () => {
    const dir = project(`version: 1
acceptance:
  checks:
    - id: slow-tests
      kind: command
      run: echo run >> runs.log; sleep 6; echo "1 failed"; exit 1
      timeoutSeconds: 30
`);
    const daemonEnv = { AGENT_SRE_DELIVERY: 'off' };
    // The first call starts the daemon; wait for its socket before the call under test.
    await runHook(bashPre(dir, 'd', 'ls'), dir, { env: daemonEnv });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const { readdirSync } = await import('node:fs');
      if (readdirSync(join(dir, '.agent-sre')).some((f) => f.endsWith('.sock'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const r = await runHook(stop(dir, 'd', 'Done.'), dir, { env: daemonEnv });
    expect(decisionOf(r.stdout).decision, r.stderr).toBe('block');
    expect(String(decisionOf(r.stdout).reason)).toContain('1 failed');
    expect(existsSync(join(dir, 'runs.log'))).toBe(true);
    expect(readFileSync(join(dir, 'runs.log'), 'utf8')).toBe('run\n');
  }, 60_000);
});
