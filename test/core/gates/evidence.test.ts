// What the acceptance gate reads from the ledger: which shell commands count as running the tests (a
// table of positives, negatives and documented borderline cases), the evidence gathered over hand-built
// event sequences (edits, test runs, check results, subagents, temp writes, opaque effects, ordering),
// commandOf, and toolCalled (after edit/start, succeeded, tool globs, patterns, failure details).
import { describe, expect, it } from 'vitest';
import {
  CHECK_EVENT,
  commandOf,
  type EvidenceOptions,
  gatherEvidence,
  isTestCommand,
  toolCalled,
} from '../../../src/core/gates/evidence.ts';
import type { ToolCalledCheck } from '../../../src/core/gates/types.ts';
import type { LedgerEvent } from '../../../src/core/session/types.ts';
import type { Effect, Verdict } from '../../../src/core/types.ts';

// --- builders -------------------------------------------------------------------------------------------

function ev(over: Partial<LedgerEvent> & Pick<LedgerEvent, 'ts' | 'event'>): LedgerEvent {
  return {
    v: 1,
    sessionId: 's1',
    tool: null,
    toolUseId: null,
    agentId: null,
    tier: null,
    verdict: null,
    rule: null,
    reason: null,
    effects: [],
    durationMs: null,
    input: null,
    ...over,
  };
}

const write = (path: string, zone: 'project' | 'temp' | 'home' = 'project'): Effect => ({
  kind: 'write',
  path,
  zone,
  tags: [],
  origin: 'Write',
});
const del = (path: string): Effect => ({
  kind: 'delete',
  path,
  zone: 'project',
  tags: [],
  origin: 'bash: rm',
});
const read = (path: string): Effect => ({ kind: 'read', path, zone: 'project', tags: [], origin: 'Read' });
const opaque = (why: string): Effect => ({ kind: 'opaque', why, tags: [], origin: 'bash: eval' });

/** A Write/Edit tool call that ran. */
const edit = (ts: number, path = '/p/src/a.ts', agentId: string | null = null): LedgerEvent =>
  ev({
    ts,
    event: 'PostToolUse',
    tool: 'Edit',
    agentId,
    effects: [write(path)],
    input: JSON.stringify({ file_path: path }),
  });

/** A Bash call that ran (ok) or failed. */
const bash = (
  ts: number,
  command: string,
  opts: { ok?: boolean; reason?: string; agentId?: string | null; effects?: Effect[] } = {},
): LedgerEvent =>
  ev({
    ts,
    event: opts.ok === false ? 'PostToolUseFailure' : 'PostToolUse',
    tool: 'Bash',
    agentId: opts.agentId ?? null,
    reason: opts.reason ?? null,
    effects: opts.effects ?? [],
    input: JSON.stringify({ command }),
  });

/** A check.result event as the stop gate writes it: allow = passed, deny = failed, ask = skipped. */
const checkResult = (
  ts: number,
  id: string,
  verdict: Verdict,
  reason = '',
  agentId: string | null = null,
): LedgerEvent => ev({ ts, event: CHECK_EVENT, rule: id, verdict, reason, agentId });

const OPTS: EvidenceOptions = { agentId: null, testPatterns: [], testCommands: [] };

// --- isTestCommand ----------------------------------------------------------------------------------------

describe('isTestCommand', () => {
  // [command, counts as a test run, note]
  const positives: [string, string][] = [
    ['npm test', ''],
    ['npm t', 'npm alias for test'],
    ['npm run test:unit', 'a test:* script'],
    ['npm run test-e2e', 'a test-* script'],
    ['npm run check', 'check/verify/ci scripts count'],
    ['pnpm test', ''],
    ['yarn test', ''],
    ['bun run test', ''],
    ['bun test', 'bun built-in runner'],
    ['npx vitest run', ''],
    ['npx jest --watch=false', ''],
    ['pnpm exec vitest', ''],
    ['yarn jest', ''],
    ['pytest -q', ''],
    ['python -m pytest', ''],
    ['python3 -m pytest tests/', ''],
    ['python -m unittest', ''],
    ['uv run pytest', ''],
    ['tox -e py311', ''],
    ['go test ./...', ''],
    ['cargo test', ''],
    ['cargo nextest run', ''],
    ['./gradlew test', ''],
    ['./gradlew check', ''],
    ['gradle test', ''],
    ['mvn verify', ''],
    ['./mvnw -q test', ''],
    ['make test', ''],
    ['make -j4 test', 'flags before the target'],
    ['bundle exec rspec', ''],
    ['rspec spec/order_spec.rb', ''],
    ['phpunit', ''],
    ['vendor/bin/phpunit', ''],
    ['dotnet test', ''],
    ['deno test', ''],
    ['mix test', ''],
    ['ctest', ''],
    ['cd pkg && npm test', 'a later segment'],
    ['npm run build && npm test', 'a later segment'],
    ['npm run build; npm test', 'after ;'],
    ['npm test | tee out.log', 'piped'],
    ['CI=1 npm test', 'env assignment prefix'],
    ['FOO=bar BAZ=1 pytest', 'several assignments'],
    ['time go test', 'time prefix'],
    ['time   go test ./...', 'extra spaces'],
    ['sudo npm test', 'sudo prefix'],
    ['  npm test  ', 'surrounding whitespace'],
  ];
  const negatives: [string, string][] = [
    ['echo "npm test"', 'quoted: the segment starts with echo'],
    ['echo npm test', 'an argument of echo'],
    ['npm install', ''],
    ['npm run build', ''],
    ['npm run lint', ''],
    ['npm testing', 'not the test script'],
    ['git commit -m "test"', ''],
    ['git commit -m "fix; npm test"', 'quoted; the split leaves `npm test"`, which does not match'],
    ['cat test.txt', ''],
    ['ls tests/', ''],
    ['vim test.js', ''],
    ['grep test src', ''],
    ['grep -r "npm test" .', ''],
    ['rm -rf test', ''],
    ['mkdir test', ''],
    ['go build ./...', ''],
    ['cargo build', ''],
    ['make build', ''],
    ['mvn package', 'package without test/verify in the args'],
    ['mvn -DskipTests install', ''],
    ['gradle build', ''],
    ['python test.py', 'any script may be named test: not recognised; add it to acceptance.testCommands'],
    ['node test.js', 'same: a script named test is not a known runner'],
    ['node --test', "Node's runner is not in the list; projects add it via acceptance.testCommands"],
    ['bash -c "npm test"', 'the segment starts with bash'],
    ['npm run build; echo "npm test"', 'the second segment starts with echo'],
    ['', 'empty'],
  ];

  it('has at least 40 cases', () => {
    expect(positives.length + negatives.length).toBeGreaterThanOrEqual(40);
  });
  it.each(positives)('counts %j as a test run %s', (command) => {
    expect(isTestCommand(command)).toBe(true);
  });
  it.each(negatives)('does not count %j %s', (command) => {
    expect(isTestCommand(command)).toBe(false);
  });

  it('accepts extra regexes (acceptance.testCommands) over the whole command line', () => {
    expect(isTestCommand('node --test')).toBe(false);
    expect(isTestCommand('node --test', [/^node\s+--test\b/])).toBe(true);
    expect(isTestCommand('./scripts/check.sh --fast', [/scripts\/check\.sh/])).toBe(true);
    expect(isTestCommand('./scripts/build.sh', [/scripts\/check\.sh/])).toBe(false);
  });

  it("counts a command check's own command, whitespace-insensitively, even inside a longer line", () => {
    expect(isTestCommand('./ci/run.sh all', [], ['./ci/run.sh'])).toBe(true);
    expect(isTestCommand('cd web &&   ./ci/run.sh    all', [], ['./ci/run.sh  all'])).toBe(true);
    expect(isTestCommand('./ci/other.sh', [], ['./ci/run.sh'])).toBe(false);
    // A blank check command must not match everything.
    expect(isTestCommand('ls', [], ['', '   '])).toBe(false);
  });

  // Regressions: both were bugs found by these tests.
  describe('prefixes and quoting', () => {
    it('counts `env CI=1 npm test` (and `time CI=1 npm test`)', () => {
      expect(isTestCommand('env CI=1 npm test')).toBe(true);
      expect(isTestCommand('time CI=1 npm test')).toBe(true);
    });
    // A commit message or an echo must not count as a test run (it would mark the edits as verified).
    it('does not count a test command quoted inside an argument', () => {
      expect(isTestCommand('git commit -m "fix; npm test ok"')).toBe(false);
      expect(isTestCommand('echo "done && pytest -q passes"')).toBe(false);
    });
  });
});

// --- commandOf ------------------------------------------------------------------------------------------------

describe('commandOf', () => {
  it('reads the command of a Bash or PowerShell call', () => {
    expect(commandOf(bash(1, 'npm test'))).toBe('npm test');
    expect(
      commandOf(ev({ ts: 1, event: 'PostToolUse', tool: 'PowerShell', input: '{"command":"dotnet test"}' })),
    ).toBe('dotnet test');
  });
  it('is null for other tools, no input, bad JSON, or a non-string command', () => {
    expect(
      commandOf(ev({ ts: 1, event: 'PostToolUse', tool: 'Write', input: '{"command":"npm test"}' })),
    ).toBe(null);
    expect(commandOf(ev({ ts: 1, event: 'PostToolUse', tool: 'Bash', input: null }))).toBe(null);
    expect(commandOf(ev({ ts: 1, event: 'PostToolUse', tool: 'Bash', input: '{not json' }))).toBe(null);
    expect(commandOf(ev({ ts: 1, event: 'PostToolUse', tool: 'Bash', input: '{"command":42}' }))).toBe(null);
    expect(commandOf(ev({ ts: 1, event: 'PostToolUse', tool: null, input: '{"command":"x"}' }))).toBe(null);
  });
});

// --- gatherEvidence -----------------------------------------------------------------------------------------

describe('gatherEvidence', () => {
  it('with no events: no edits, nothing to verify, no test run', () => {
    const e = gatherEvidence([], OPTS);
    expect(e).toMatchObject({
      editsMade: false,
      lastEditAt: null,
      lastEdit: null,
      lastTestRun: null,
      verifiedSinceLastEdit: true,
    });
    expect(e.lastPass.size).toBe(0);
    expect(e.lastResult.size).toBe(0);
  });

  it('edit then no test: not verified', () => {
    const e = gatherEvidence([edit(100, '/p/src/a.ts')], OPTS);
    expect(e.editsMade).toBe(true);
    expect(e.lastEditAt).toBe(100);
    expect(e.lastEdit).toBe('write /p/src/a.ts');
    expect(e.lastTestRun).toBeNull();
    expect(e.verifiedSinceLastEdit).toBe(false);
  });

  it('edit then a non-test command: still not verified', () => {
    const e = gatherEvidence([edit(100), bash(200, 'npm run build'), bash(300, 'echo "npm test"')], OPTS);
    expect(e.lastTestRun).toBeNull();
    expect(e.verifiedSinceLastEdit).toBe(false);
  });

  it('edit then a green test: verified, lastTestRun ok with no tail', () => {
    const e = gatherEvidence([edit(100), bash(200, 'npm test')], OPTS);
    expect(e.verifiedSinceLastEdit).toBe(true);
    expect(e.lastTestRun).toEqual({ at: 200, ok: true, command: 'npm test', tail: '' });
  });

  it('a green test then a later edit: not verified again', () => {
    const e = gatherEvidence([edit(100), bash(200, 'npm test'), edit(300, '/p/src/b.ts')], OPTS);
    expect(e.lastEditAt).toBe(300);
    expect(e.lastEdit).toBe('write /p/src/b.ts');
    expect(e.lastTestRun?.at).toBe(200);
    expect(e.verifiedSinceLastEdit).toBe(false);
  });

  it('a red test run keeps its reason as the tail (and still counts as having run the tests)', () => {
    const tail = 'FAIL test/orders.test.ts > creates an order\nTests  1 failed | 9 passed (10)';
    const e = gatherEvidence([edit(100), bash(200, 'npx vitest run', { ok: false, reason: tail })], OPTS);
    expect(e.lastTestRun).toEqual({ at: 200, ok: false, command: 'npx vitest run', tail });
    // Documented: "A test run, or a check that passed, after the last edit" - red runs verify too; the
    // claim detector reads lastTestRun.ok separately.
    expect(e.verifiedSinceLastEdit).toBe(true);
  });

  it('a red run without a reason has an empty tail; the last run wins', () => {
    const red = gatherEvidence([bash(100, 'pytest', { ok: false })], OPTS);
    expect(red.lastTestRun).toMatchObject({ ok: false, tail: '' });
    const thenGreen = gatherEvidence(
      [bash(100, 'pytest', { ok: false, reason: 'E assert 1 == 2' }), bash(200, 'pytest -q')],
      OPTS,
    );
    expect(thenGreen.lastTestRun).toEqual({ at: 200, ok: true, command: 'pytest -q', tail: '' });
    const thenRed = gatherEvidence(
      [bash(100, 'pytest -q'), bash(200, 'pytest', { ok: false, reason: 'E boom' })],
      OPTS,
    );
    expect(thenRed.lastTestRun).toMatchObject({ at: 200, ok: false, tail: 'E boom' });
  });

  it('ignores PreToolUse and other non-run events for edits and tests', () => {
    const e = gatherEvidence(
      [
        ev({ ts: 100, event: 'PreToolUse', tool: 'Edit', effects: [write('/p/a.ts')] }),
        ev({ ts: 110, event: 'PreToolUse', tool: 'Bash', input: '{"command":"npm test"}' }),
        ev({ ts: 120, event: 'session.resume', effects: [write('/p/b.ts')] }),
      ],
      OPTS,
    );
    expect(e.editsMade).toBe(false);
    expect(e.lastTestRun).toBeNull();
  });

  it('a failed edit (PostToolUseFailure) still counts as an edit', () => {
    const e = gatherEvidence(
      [ev({ ts: 100, event: 'PostToolUseFailure', tool: 'Edit', effects: [write('/p/a.ts')] })],
      OPTS,
    );
    expect(e.editsMade).toBe(true);
    expect(e.verifiedSinceLastEdit).toBe(false);
  });

  it('writes outside the project (temp, home) and reads are not edits; deletes in the project are', () => {
    const notEdits = gatherEvidence(
      [
        ev({ ts: 100, event: 'PostToolUse', tool: 'Write', effects: [write('/tmp/scratch.txt', 'temp')] }),
        ev({ ts: 110, event: 'PostToolUse', tool: 'Write', effects: [write('/home/u/.notes', 'home')] }),
        ev({ ts: 120, event: 'PostToolUse', tool: 'Read', effects: [read('/p/src/a.ts')] }),
      ],
      OPTS,
    );
    expect(notEdits.editsMade).toBe(false);
    expect(notEdits.lastEditAt).toBeNull();
    expect(notEdits.verifiedSinceLastEdit).toBe(true);

    const deleted = gatherEvidence([bash(100, 'rm src/old.ts', { effects: [del('/p/src/old.ts')] })], OPTS);
    expect(deleted.editsMade).toBe(true);
    expect(deleted.lastEdit).toBe('delete /p/src/old.ts');
  });

  it('opaque effects count as edits, named by tool and why', () => {
    const e = gatherEvidence(
      [bash(100, 'eval "$X"', { effects: [read('/p/a'), opaque('eval of a variable')] })],
      OPTS,
    );
    expect(e.editsMade).toBe(true);
    expect(e.lastEditAt).toBe(100);
    expect(e.lastEdit).toBe('Bash (eval of a variable)');
    expect(e.verifiedSinceLastEdit).toBe(false);
    const noTool = gatherEvidence([ev({ ts: 5, event: 'PostToolUse', effects: [opaque('unknown')] })], OPTS);
    expect(noTool.lastEdit).toBe('a tool (unknown)');
  });

  it('a test command that also edits (snapshot update) verifies what it wrote', () => {
    const e = gatherEvidence(
      [bash(100, 'npx vitest run -u', { effects: [write('/p/test/__snapshots__/a.snap')] })],
      OPTS,
    );
    expect(e.editsMade).toBe(true);
    expect(e.verifiedSinceLastEdit).toBe(true);
  });

  it('sorts events by ts before reading them', () => {
    // Delivered test-first, but the edit happened before the test.
    const inOrder = gatherEvidence([bash(200, 'npm test'), edit(100)], OPTS);
    expect(inOrder.lastEditAt).toBe(100);
    expect(inOrder.verifiedSinceLastEdit).toBe(true);
    // The edit latest in time wins, wherever it sits in the array.
    const later = gatherEvidence(
      [edit(300, '/p/late.ts'), bash(200, 'npm test'), edit(100, '/p/early.ts')],
      OPTS,
    );
    expect(later.lastEdit).toBe('write /p/late.ts');
    expect(later.verifiedSinceLastEdit).toBe(false);
    // The last test run is the latest by ts, not by position.
    const runs = gatherEvidence(
      [bash(300, 'npm test'), bash(100, 'npm test', { ok: false, reason: 'old failure' })],
      OPTS,
    );
    expect(runs.lastTestRun).toMatchObject({ at: 300, ok: true });
  });

  it('does not mutate the events it is given', () => {
    const events = [bash(200, 'npm test'), edit(100)];
    const copy = structuredClone(events);
    gatherEvidence(events, OPTS);
    expect(events).toEqual(copy);
  });

  it('uses extra test patterns and command-check commands', () => {
    const events = [edit(100), bash(200, './scripts/verify.sh --all')];
    expect(gatherEvidence(events, OPTS).verifiedSinceLastEdit).toBe(false);
    expect(
      gatherEvidence(events, { ...OPTS, testPatterns: [/scripts\/verify\.sh/] }).verifiedSinceLastEdit,
    ).toBe(true);
    expect(
      gatherEvidence(events, { ...OPTS, testCommands: ['./scripts/verify.sh'] }).lastTestRun?.command,
    ).toBe('./scripts/verify.sh --all');
  });

  describe('check.result events', () => {
    it('allow records a pass and a result; deny records only a failing result with its tail', () => {
      const e = gatherEvidence(
        [
          checkResult(100, 'unit', 'allow', '`npm test` passed in 3.0 s'),
          checkResult(200, 'lint', 'deny', '`npm run lint` exited 1\nsrc/a.ts:1 error'),
        ],
        OPTS,
      );
      expect(e.lastPass.get('unit')).toBe(100);
      expect(e.lastResult.get('unit')).toEqual({ at: 100, passed: true, tail: '`npm test` passed in 3.0 s' });
      expect(e.lastPass.has('lint')).toBe(false);
      expect(e.lastResult.get('lint')).toEqual({
        at: 200,
        passed: false,
        tail: '`npm run lint` exited 1\nsrc/a.ts:1 error',
      });
    });

    it('a later failure replaces the last result but keeps the last pass', () => {
      const e = gatherEvidence(
        [checkResult(100, 'unit', 'allow'), checkResult(200, 'unit', 'deny', 'red')],
        OPTS,
      );
      expect(e.lastPass.get('unit')).toBe(100);
      expect(e.lastResult.get('unit')).toMatchObject({ at: 200, passed: false, tail: 'red' });
    });

    it('skips (ask) are ignored: they neither pass nor replace the last result', () => {
      const e = gatherEvidence(
        [checkResult(100, 'unit', 'allow'), edit(150), checkResult(200, 'unit', 'ask', 'skipped')],
        OPTS,
      );
      expect(e.lastPass.get('unit')).toBe(100);
      expect(e.lastResult.get('unit')).toMatchObject({ at: 100, passed: true });
      expect(e.verifiedSinceLastEdit).toBe(false);
      const onlySkip = gatherEvidence([checkResult(100, 'unit', 'ask')], OPTS);
      expect(onlySkip.lastResult.size).toBe(0);
      expect(onlySkip.lastPass.size).toBe(0);
    });

    it('a pass after the last edit verifies it; a failure does not', () => {
      expect(gatherEvidence([edit(100), checkResult(200, 'unit', 'allow')], OPTS).verifiedSinceLastEdit).toBe(
        true,
      );
      expect(gatherEvidence([edit(100), checkResult(200, 'unit', 'deny')], OPTS).verifiedSinceLastEdit).toBe(
        false,
      );
      expect(gatherEvidence([checkResult(50, 'unit', 'allow'), edit(100)], OPTS).verifiedSinceLastEdit).toBe(
        false,
      );
    });

    it('a missing reason becomes an empty tail; events without a rule or verdict are ignored', () => {
      const e = gatherEvidence(
        [
          ev({ ts: 100, event: CHECK_EVENT, rule: 'a', verdict: 'deny', reason: null }),
          ev({ ts: 110, event: CHECK_EVENT, rule: null, verdict: 'allow' }),
          ev({ ts: 120, event: CHECK_EVENT, rule: 'b', verdict: null }),
        ],
        OPTS,
      );
      expect(e.lastResult.get('a')).toEqual({ at: 100, passed: false, tail: '' });
      expect([...e.lastResult.keys()]).toEqual(['a']);
      expect(e.lastPass.size).toBe(0);
    });
  });

  describe('subagent filtering', () => {
    const events = [
      edit(100, '/p/main.ts', null),
      edit(200, '/p/sub.ts', 'agent-1'),
      bash(300, 'npm test', { agentId: 'agent-1' }),
      edit(400, '/p/other.ts', 'agent-2'),
      checkResult(500, 'unit', 'allow', '', 'agent-2'),
    ];

    it('a subagent sees only its own events', () => {
      const a1 = gatherEvidence(events, { ...OPTS, agentId: 'agent-1' });
      expect(a1.lastEditAt).toBe(200);
      expect(a1.lastEdit).toBe('write /p/sub.ts');
      expect(a1.verifiedSinceLastEdit).toBe(true);
      expect(a1.lastPass.size).toBe(0);

      const a2 = gatherEvidence(events, { ...OPTS, agentId: 'agent-2' });
      expect(a2.lastEditAt).toBe(400);
      expect(a2.lastTestRun).toBeNull();
      expect(a2.lastPass.get('unit')).toBe(500);
      expect(a2.verifiedSinceLastEdit).toBe(true);

      const none = gatherEvidence(events, { ...OPTS, agentId: 'agent-3' });
      expect(none.editsMade).toBe(false);
    });

    it('null (the main agent) answers for the whole session, subagents included', () => {
      const all = gatherEvidence(events, OPTS);
      expect(all.lastEditAt).toBe(400);
      expect(all.lastTestRun?.at).toBe(300);
      expect(all.lastPass.get('unit')).toBe(500);
      expect(all.verifiedSinceLastEdit).toBe(true);
    });
  });
});

// --- toolCalled -----------------------------------------------------------------------------------------------

describe('toolCalled', () => {
  const check = (over: Partial<ToolCalledCheck> = {}): ToolCalledCheck => ({
    id: 'called',
    kind: 'tool-called',
    on: ['main'],
    timeoutSeconds: 60,
    source: 'policy',
    tool: ['Bash'],
    after: 'edit',
    succeeded: true,
    ...over,
  });
  const call = (
    ts: number,
    tool: string,
    input: unknown,
    opts: { ok?: boolean; agentId?: string | null } = {},
  ): LedgerEvent =>
    ev({
      ts,
      event: opts.ok === false ? 'PostToolUseFailure' : 'PostToolUse',
      tool,
      agentId: opts.agentId ?? null,
      input: JSON.stringify(input),
    });

  it("after 'edit' only counts calls at or after the last edit; 'start' counts any", () => {
    const events = [call(100, 'Bash', { command: 'npm run lint' }), edit(200)];
    const r = toolCalled(check({ pattern: 'lint' }), events, { lastEditAt: 200 }, null);
    expect(r.passed).toBe(false);
    expect(r.detail).toContain('after the last edit');
    expect(
      toolCalled(check({ pattern: 'lint', after: 'start' }), events, { lastEditAt: 200 }, null).passed,
    ).toBe(true);
    // A call at the same ms as the edit counts.
    expect(toolCalled(check(), [call(200, 'Bash', { command: 'x' })], { lastEditAt: 200 }, null).passed).toBe(
      true,
    );
  });

  it("after 'edit' with no edit at all counts any call and says nothing about edits", () => {
    const events = [call(100, 'Bash', { command: 'npm run lint' })];
    expect(toolCalled(check(), events, { lastEditAt: null }, null).passed).toBe(true);
    const miss = toolCalled(check({ tool: ['Grep'] }), events, { lastEditAt: null }, null);
    expect(miss.passed).toBe(false);
    expect(miss.detail).not.toContain('after the last edit');
  });

  it('succeeded: true ignores failed calls; false accepts them', () => {
    const events = [call(100, 'Bash', { command: 'npm run lint' }, { ok: false })];
    const strict = toolCalled(check(), events, { lastEditAt: null }, null);
    expect(strict.passed).toBe(false);
    expect(strict.detail).toContain('that succeeded');
    const lax = toolCalled(check({ succeeded: false }), events, { lastEditAt: null }, null);
    expect(lax.passed).toBe(true);
    expect(lax.detail).toBe('Bash ran at 100');
  });

  it('ignores PreToolUse (asked, not ran) and events with no tool', () => {
    const events = [
      ev({ ts: 100, event: 'PreToolUse', tool: 'Bash', input: '{"command":"npm run lint"}' }),
      ev({ ts: 110, event: 'PostToolUse', tool: null, input: '{"command":"npm run lint"}' }),
    ];
    expect(toolCalled(check({ succeeded: false }), events, { lastEditAt: null }, null).passed).toBe(false);
  });

  it('matches tool-name globs, anchored', () => {
    const events = [call(100, 'mcp__linear__create_issue', { title: 'x' })];
    const lastEditAt = null;
    expect(toolCalled(check({ tool: ['mcp__linear__*'] }), events, { lastEditAt }, null).passed).toBe(true);
    expect(toolCalled(check({ tool: ['mcp__*__create_issue'] }), events, { lastEditAt }, null).passed).toBe(
      true,
    );
    expect(toolCalled(check({ tool: ['mcp__github__*'] }), events, { lastEditAt }, null).passed).toBe(false);
    // Anchored: a prefix or a substring is not a match.
    expect(toolCalled(check({ tool: ['mcp__linear'] }), events, { lastEditAt }, null).passed).toBe(false);
    expect(toolCalled(check({ tool: ['linear__*'] }), events, { lastEditAt }, null).passed).toBe(false);
    // Regex metacharacters in a glob are literal.
    expect(
      toolCalled(check({ tool: ['mcp.linear.*'] }), [call(1, 'mcpXlinearXfoo', {})], { lastEditAt }, null)
        .passed,
    ).toBe(false);
    // Any of several globs.
    expect(toolCalled(check({ tool: ['Grep', 'mcp__linear__*'] }), events, { lastEditAt }, null).passed).toBe(
      true,
    );
  });

  it("the pattern reads a Bash call's command, and other tools' input JSON", () => {
    const lastEditAt = null;
    const bashEvents = [call(100, 'Bash', { command: 'npm run lint', description: 'typecheck' })];
    expect(toolCalled(check({ pattern: '^npm run lint$' }), bashEvents, { lastEditAt }, null).passed).toBe(
      true,
    );
    // The description is not part of the command.
    expect(toolCalled(check({ pattern: 'typecheck' }), bashEvents, { lastEditAt }, null).passed).toBe(false);

    const mcpEvents = [call(100, 'mcp__linear__update_issue', { id: 'ENG-42', state: 'Done' })];
    const mcpCheck = check({ tool: ['mcp__linear__*'] });
    expect(
      toolCalled({ ...mcpCheck, pattern: '"state":"Done"' }, mcpEvents, { lastEditAt }, null).passed,
    ).toBe(true);
    expect(
      toolCalled({ ...mcpCheck, pattern: '"state":"Todo"' }, mcpEvents, { lastEditAt }, null).passed,
    ).toBe(false);
  });

  it('the failure detail names tools, pattern, and how many other calls did not match', () => {
    const events = [
      call(100, 'Bash', { command: 'npm run build' }),
      call(110, 'Bash', { command: 'ls' }),
      call(120, 'Read', { file_path: '/p/a' }),
    ];
    const r = toolCalled(check({ pattern: 'lint' }), events, { lastEditAt: null }, null);
    expect(r.passed).toBe(false);
    expect(r.detail).toBe(
      'no call to Bash matching /lint/ that succeeded (2 other calls to Bash did not match)',
    );
    const one = toolCalled(check({ pattern: 'lint' }), events.slice(0, 1), { lastEditAt: null }, null);
    expect(one.detail).toContain('(1 other call to Bash did not match)');
    const none = toolCalled(
      check({ tool: ['Grep', 'Glob'], succeeded: false }),
      events,
      { lastEditAt: 50 },
      null,
    );
    expect(none.detail).toBe('no call to Grep, Glob after the last edit');
  });

  it('filters by agent id when given one', () => {
    const events = [call(100, 'Bash', { command: 'npm run lint' }, { agentId: 'agent-1' })];
    expect(toolCalled(check(), events, { lastEditAt: null }, 'agent-1').passed).toBe(true);
    expect(toolCalled(check(), events, { lastEditAt: null }, 'agent-2').passed).toBe(false);
    expect(toolCalled(check(), events, { lastEditAt: null }, null).passed).toBe(true);
  });
});
