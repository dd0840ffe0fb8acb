// The folded command path's guarantees, through the built hook: PostToolUse records that an async hook
// never delivered (Claude Code cancels them when a `-p` turn ends) are caught up from the transcript at
// Stop, SessionEnd and the next PreToolUse, counted once even when the late hook arrives after all; and a
// burst verdict an async PostToolBatch could not enforce refuses the next call of the same turn, once.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BinResult,
  ensureBuilt,
  preToolUse,
  type SessionRow,
  sessions,
  tempProject,
  withRunbook,
} from './bin.ts';
import { launch, removeProjects, tempConfig } from './launcher.ts';

const made: string[] = [];
let config: string;
beforeAll(() => {
  ensureBuilt();
  config = tempConfig();
  made.push(join(config, '..'));
}, 180_000);
// Stops the hook daemons the launcher started in the projects, too.
afterAll(() => removeProjects(made));

/** One hook event through the launcher init wires into Claude Code (its warm daemon after the first call). */
async function runHook(input: object, projectDir: string): Promise<BinResult> {
  return { ...(await launch(input, { projectDir, config })), signal: null };
}

interface Row {
  event: string;
  tool_use_id: string | null;
  verdict: string | null;
  rule: string | null;
  reason: string | null;
  ts: number;
}

function ledger(project: string, sessionId: string): Row[] {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(join(project, '.agent-sre', 'ledger.db'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT event, tool_use_id, verdict, rule, reason, ts FROM events WHERE session_id = ? ORDER BY id',
      )
      .all(sessionId) as Row[];
  } finally {
    db.close();
  }
}

function decision(stdout: string) {
  if (stdout.trim() === '') return { decision: 'allow', reason: '' };
  const h = (
    JSON.parse(stdout) as {
      hookSpecificOutput: { permissionDecision: string; permissionDecisionReason: string };
    }
  ).hookSpecificOutput;
  return { decision: h.permissionDecision, reason: h.permissionDecisionReason };
}

function project(policy = ''): { dir: string; transcript: string } {
  const dir = withRunbook(tempProject('agent-sre-e2e-catchup-'));
  made.push(dir);
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'agent-sre.yaml'), `version: 1\nacceptance:\n  runbook: false\n${policy}`);
  const folder = join(dir, '.claude-home', 'projects', 'p');
  mkdirSync(folder, { recursive: true });
  return { dir, transcript: join(folder, 'session.jsonl') };
}

// Transcript lines as the pinned client (2.1.332) writes them, trimmed to what is read.
// Each line's timestamp, by the tool_use id it holds a result for.
const resultAt = new Map<string, number>();
const stamp = () => new Date().toISOString();
const useLine = (id: string, name: string, input: unknown) =>
  `${JSON.stringify({
    type: 'assistant',
    timestamp: stamp(),
    message: { role: 'assistant', content: [{ type: 'tool_use', id, name, input }] },
  })}\n`;
const resultLine = (
  id: string,
  text: string,
  toolUseResult: unknown,
  extra: { isError?: boolean; reject?: boolean } = {},
) =>
  `${JSON.stringify({
    type: 'user',
    timestamp: (() => {
      const t = stamp();
      resultAt.set(id, Date.parse(t));
      return t;
    })(),
    message: {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: text, is_error: extra.isError ?? false }],
    },
    toolUseResult,
    permissionDecision: extra.reject
      ? { decision: 'reject', source: 'hook', reasonType: 'hook' }
      : { decision: 'accept', source: 'config', reasonType: 'mode' },
    ...(extra.reject ? { toolDenialKind: 'permission-rule' } : {}),
  })}\n`;

/** Four calls that ran (a Write, an Edit, a Bash, a failing Bash) and one refused after PreToolUse. */
function calls(dir: string) {
  const file = join(dir, 'src', 'a.js');
  return [
    {
      id: 'toolu_w',
      tool: 'Write',
      input: { file_path: file, content: 'one\ntwo\nthree\n' },
      text: `File created successfully at: ${file}`,
      response: {
        type: 'create',
        filePath: file,
        content: 'one\ntwo\nthree\n',
        structuredPatch: [],
        originalFile: null,
      },
    },
    {
      id: 'toolu_e',
      tool: 'Edit',
      input: { file_path: file, old_string: 'two\n', new_string: 'TWO\n2\n', replace_all: false },
      text: `The file ${file} has been updated successfully.`,
      response: {
        filePath: file,
        oldString: 'two\n',
        newString: 'TWO\n2\n',
        originalFile: 'one\ntwo\nthree\n',
        structuredPatch: [
          {
            oldStart: 1,
            oldLines: 3,
            newStart: 1,
            newLines: 4,
            lines: [' one', '-two', '+TWO', '+2', ' three'],
          },
        ],
        userModified: false,
        replaceAll: false,
      },
    },
    {
      id: 'toolu_ls',
      tool: 'Bash',
      input: { command: 'ls src', description: 'list' },
      text: 'a.js',
      response: { stdout: 'a.js', stderr: '', interrupted: false, isImage: false, noOutputExpected: false },
    },
    {
      id: 'toolu_test',
      tool: 'Bash',
      input: { command: 'npm test', description: 'test' },
      text: 'Exit code 1\nnot ok 1 - answer',
      response: 'Error: Exit code 1\nnot ok 1 - answer',
      isError: true,
    },
  ];
}

function hookInput(dir: string, transcript: string, sessionId: string, extra: Record<string, unknown>) {
  return {
    session_id: sessionId,
    transcript_path: transcript,
    cwd: dir,
    permission_mode: 'default',
    ...extra,
  };
}

describe('catch-up of PostToolUse records from the transcript', () => {
  it('Stop records every allowed call that has no PostToolUse, exactly as the live hook would; a late hook does not count twice', async () => {
    const { dir, transcript } = project();
    const SID = 'catchup-stop';
    const LIVE = 'catchup-live';
    const cs = calls(dir);
    const run = (e: object) => runHook(e, dir);
    writeFileSync(transcript, '');
    for (const sid of [SID, LIVE])
      for (const c of cs) {
        const pre = await run({
          ...preToolUse(dir, sid, c.tool, c.input),
          transcript_path: transcript,
          tool_use_id: `${sid}-${c.id}`,
        });
        expect(decision(pre.stdout).decision, pre.stdout).toBe('allow');
      }
    // A call let through at PreToolUse that a permission rule then refused: it never ran.
    const refused = await run({
      ...preToolUse(dir, SID, 'Bash', { command: 'echo refused', description: 'x' }),
      transcript_path: transcript,
      tool_use_id: `${SID}-toolu_refused`,
    });
    expect(decision(refused.stdout).decision).toBe('allow');
    // The control session gets its PostToolUse hooks live.
    for (const c of cs) {
      const post = await run(
        hookInput(dir, transcript, LIVE, {
          hook_event_name: c.isError ? 'PostToolUseFailure' : 'PostToolUse',
          tool_name: c.tool,
          tool_input: c.input,
          tool_use_id: `${LIVE}-${c.id}`,
          ...(c.isError ? { error: c.text } : { tool_response: c.response }),
        }),
      );
      expect(post.code, post.stderr).toBe(0);
    }
    // The session under test: only the transcript knows what ran.
    for (const c of cs)
      appendFileSync(
        transcript,
        useLine(`${SID}-${c.id}`, c.tool, c.input) +
          resultLine(`${SID}-${c.id}`, c.text, c.response, { isError: c.isError === true }),
      );
    appendFileSync(
      transcript,
      useLine(`${SID}-toolu_refused`, 'Bash', { command: 'echo refused' }) +
        resultLine(`${SID}-toolu_refused`, 'Permission denied', 'Error: Permission denied', {
          isError: true,
          reject: true,
        }),
    );
    const before = (await sessions(dir)).find((s) => s.session_id === SID);
    expect(before?.usage.toolCalls).toBe(0);

    const stop = await run(
      hookInput(dir, transcript, SID, {
        hook_event_name: 'Stop',
        stop_hook_active: false,
        last_assistant_message: 'Done.',
      }),
    );
    expect(stop.code, stop.stderr).toBe(0);

    const byId = async (sid: string) => (await sessions(dir)).find((s) => s.session_id === sid);
    const caught = (await sessions(dir)).find((s) => s.session_id === SID) as SessionRow;
    const live = (await sessions(dir)).find((s) => s.session_id === LIVE) as SessionRow;
    expect(caught.usage).toEqual(live.usage);
    expect(caught.usage).toMatchObject({ toolCalls: 4, filesTouched: 1, linesAdded: 5, linesRemoved: 1 });
    const posts = ledger(dir, SID).filter((r) => r.event.startsWith('PostToolUse'));
    expect(posts.map((r) => [r.event, r.tool_use_id])).toEqual(
      cs.map((c) => [c.isError ? 'PostToolUseFailure' : 'PostToolUse', `${SID}-${c.id}`]),
    );
    // The red test run's output is kept as evidence, as PostToolUseFailure's error is.
    expect(posts[3]?.reason).toContain('not ok 1 - answer');
    // Timed when the call finished (the transcript's timestamp), not when it was caught up.
    expect(posts.map((r) => r.ts)).toEqual(cs.map((c) => resultAt.get(`${SID}-${c.id}`)));

    // The async hook of the first call arrives after all: nothing changes.
    const c0 = cs[0]!;
    const late = await run(
      hookInput(dir, transcript, SID, {
        hook_event_name: 'PostToolUse',
        tool_name: c0.tool,
        tool_input: c0.input,
        tool_use_id: `${SID}-${c0.id}`,
        tool_response: c0.response,
      }),
    );
    expect(late.code, late.stderr).toBe(0);
    expect(late.stdout).toBe('');
    expect((await byId(SID))?.usage).toEqual(live.usage);
    expect(
      ledger(dir, SID)
        .filter((r) => r.tool_use_id === `${SID}-${c0.id}`)
        .map((r) => r.event),
    ).toEqual(['PreToolUse', 'PostToolUse']);
    // And a second Stop finds nothing left to record.
    await run(
      hookInput(dir, transcript, SID, {
        hook_event_name: 'Stop',
        stop_hook_active: false,
        last_assistant_message: 'Done.',
      }),
    );
    expect((await byId(SID))?.usage).toEqual(live.usage);
  }, 120_000);

  it('a result the transcript did not have yet is caught up at SessionEnd; the next PreToolUse catches up before it is judged', async () => {
    const { dir, transcript } = project();
    const SID = 'catchup-lag';
    const run = (e: object) => runHook(e, dir);
    const bash = (id: string, command: string) => ({
      ...preToolUse(dir, SID, 'Bash', { command, description: 'x' }),
      transcript_path: transcript,
      tool_use_id: id,
    });
    writeFileSync(transcript, '');
    expect(decision((await run(bash('toolu_1', 'echo one'))).stdout).decision).toBe('allow');
    appendFileSync(
      transcript,
      useLine('toolu_1', 'Bash', { command: 'echo one' }) +
        resultLine('toolu_1', 'one', { stdout: 'one', stderr: '', interrupted: false }),
    );
    // The next call: the first one's PostToolUse never came, so it is recorded before this one is judged.
    expect(decision((await run(bash('toolu_2', 'echo two'))).stdout).decision).toBe('allow');
    expect(ledger(dir, SID).map((r) => [r.event, r.tool_use_id])).toEqual([
      ['PreToolUse', 'toolu_1'],
      ['PostToolUse', 'toolu_1'],
      ['PreToolUse', 'toolu_2'],
    ]);
    // The transcript lags the turn: at Stop the second call's result is not written yet.
    appendFileSync(transcript, useLine('toolu_2', 'Bash', { command: 'echo two' }));
    await run(hookInput(dir, transcript, SID, { hook_event_name: 'Stop', stop_hook_active: false }));
    expect((await sessions(dir)).find((s) => s.session_id === SID)?.usage.toolCalls).toBe(1);
    appendFileSync(
      transcript,
      resultLine('toolu_2', 'two', { stdout: 'two', stderr: '', interrupted: false }),
    );
    const end = await run(
      hookInput(dir, transcript, SID, { hook_event_name: 'SessionEnd', reason: 'other' }),
    );
    expect(end.code, end.stderr).toBe(0);
    expect((await sessions(dir)).find((s) => s.session_id === SID)?.usage.toolCalls).toBe(2);
    expect(
      ledger(dir, SID)
        .filter((r) => r.event === 'PostToolUse')
        .map((r) => r.tool_use_id),
    ).toEqual(['toolu_1', 'toolu_2']);
  }, 120_000);
});

describe('the burst throttle under fold: enforced at the next PreToolUse', () => {
  const batch = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      tool_name: 'Bash',
      tool_input: { command: `echo ${prefix}${i}`, description: 'x' },
      tool_use_id: `toolu_${prefix}${i}`,
    }));

  it('refuses the next call of the same turn once, telling the model why; a stopped loop (new prompt) is not refused again', async () => {
    const { dir, transcript } = project('burst: { maxCalls: 3 }\n');
    const SID = 'burst-fold';
    const run = (e: object) => runHook(e, dir);
    const pre = (id: string, prompt: string, agent?: string) =>
      run({
        ...preToolUse(dir, SID, 'Bash', { command: `echo ${id}`, description: 'x' }),
        transcript_path: transcript,
        tool_use_id: id,
        prompt_id: prompt,
        ...(agent ? { agent_id: agent } : {}),
      });
    const postBatch = (calls: object[], prompt: string, agent?: string) =>
      run(
        hookInput(dir, transcript, SID, {
          hook_event_name: 'PostToolBatch',
          tool_calls: calls,
          prompt_id: prompt,
          ...(agent ? { agent_id: agent } : {}),
        }),
      );

    // A batch at the limit passes and leaves nothing behind.
    expect((await postBatch(batch(3, 'ok'), 'P1')).stdout).toBe('');
    expect(decision((await pre('toolu_next0', 'P1')).stdout).decision).toBe('allow');

    // Over the limit: the (async) PostToolBatch answers block, which cannot stop the loop.
    const blocked = await postBatch(batch(5, 'b'), 'P1');
    expect(JSON.parse(blocked.stdout)).toMatchObject({ decision: 'block' });
    const refused = decision((await pre('toolu_next1', 'P1')).stdout);
    expect(refused.decision).toBe('deny');
    expect(refused.reason).toMatch(/^agent-sre \(tier 1, burst\.throttle\): This call did not run\./);
    expect(refused.reason).toContain('previous parallel batch of 5 tool calls');
    expect(refused.reason).toContain('5 tool calls (limit 3)');
    expect(refused.reason).toMatch(/smaller steps/);
    // Once: the same call again goes through.
    expect(decision((await pre('toolu_next2', 'P1')).stdout).decision).toBe('allow');
    const rows = ledger(dir, SID);
    expect(
      rows.filter((r) => r.rule === 'burst.throttle').map((r) => [r.event, r.tool_use_id, r.verdict]),
    ).toEqual([
      ['PostToolBatch', null, 'deny'],
      ['PreToolUse', 'toolu_next1', 'deny'],
    ]);
    // Pacing, not a forbidden action: no denial counted against the 3/20 rule.
    expect((await sessions(dir)).find((s) => s.session_id === SID)).toMatchObject({ denials: 0 });

    // A synchronous PostToolBatch stopped the loop: the next call comes with the human's next prompt.
    expect(JSON.parse((await postBatch(batch(5, 's'), 'P2')).stdout)).toMatchObject({ decision: 'block' });
    expect(decision((await pre('toolu_next3', 'P3')).stdout).decision).toBe('allow');

    // A subagent's burst is enforced on that subagent, not on the main agent.
    expect(JSON.parse((await postBatch(batch(5, 'sub'), 'P3', 'agent-1')).stdout)).toMatchObject({
      decision: 'block',
    });
    expect(decision((await pre('toolu_main', 'P3')).stdout).decision).toBe('allow');
    expect(decision((await pre('toolu_sub', 'P3', 'agent-1')).stdout).decision).toBe('deny');
  }, 120_000);
});
