import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFormat, parseReplayLines, type ReplayItem } from '../../../src/adapters/transcripts/claude.ts';
import { readJsonlLines } from '../../../src/adapters/transcripts/read-lines.ts';

const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
const TRANSCRIPT = example('runaway-session.jsonl');
const HOOKS = example('runaway-session.hooks.jsonl');
const CWD = '/home/dev/shop-api';
const SESSION = '6f2d9c1e-4b7a-4e0f-9a53-2c8e1d7b5f40';

async function collect(file: string): Promise<string[]> {
  const out: string[] = [];
  for await (const line of readJsonlLines(file)) out.push(line);
  return out;
}

const j = (v: unknown) => JSON.stringify(v);
const assistant = (content: unknown[], extra: Record<string, unknown> = {}) =>
  j({ type: 'assistant', uuid: 'u', message: { role: 'assistant', content }, ...extra });
const toolUse = (id: string, name: string, input: unknown) => ({ type: 'tool_use', id, name, input });
const hook = (event: string, extra: Record<string, unknown> = {}) =>
  j({ session_id: 's', transcript_path: '/t.jsonl', cwd: '/p', hook_event_name: event, ...extra });

const command = (item: ReplayItem | undefined) => (item?.input as { command?: string } | undefined)?.command;
const filePath = (item: ReplayItem | undefined) =>
  (item?.input as { file_path?: string } | undefined)?.file_path;

describe('detectFormat', () => {
  it('names hook-input lines', () => {
    expect(detectFormat([hook('PreToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' } })])).toBe(
      'hook-inputs',
    );
    expect(detectFormat(['', 'garbage', hook('SessionStart', { source: 'startup' })])).toBe('hook-inputs');
  });

  it('names transcript lines, past a leading snapshot and bad lines', () => {
    const snapshot = j({ type: 'file-history-snapshot', messageId: 'm', snapshot: {} });
    expect(detectFormat([snapshot, '{oops', assistant([])])).toBe('transcript');
    expect(detectFormat([j({ type: 'user', uuid: 'u', message: { role: 'user', content: 'hi' } })])).toBe(
      'transcript',
    );
  });

  it('says unknown when nothing is recognisable', () => {
    expect(detectFormat([])).toBe('unknown');
    expect(detectFormat(['', 'nope', '42', j({ a: 1 }), j({ type: 'x' })])).toBe('unknown');
  });

  it('names both example files', async () => {
    expect(detectFormat((await collect(TRANSCRIPT)).slice(0, 10))).toBe('transcript');
    expect(detectFormat((await collect(HOOKS)).slice(0, 10))).toBe('hook-inputs');
  });
});

describe('the runaway-session example', () => {
  it('yields the 40 tool calls of the story, in order', async () => {
    const { items, skipped, format, truncated } = parseReplayLines(await collect(TRANSCRIPT));
    expect(format).toBe('transcript');
    expect(skipped).toBe(0);
    expect(truncated).toBe(false);
    expect(items).toHaveLength(40);

    expect(items[0]).toMatchObject({
      tool: 'mcp__github__get_issue',
      input: { owner: 'acme', repo: 'shop-api', issue_number: 412 },
    });
    expect(items[0]!.toolUseId).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
    expect(command(items[5])).toBe('npm test -- test/checkout.test.ts');
    expect(items[9]!.tool).toBe('Edit');
    expect(command(items[19])).toBe('git reset --hard origin/main');
    expect(filePath(items[21])).toBe(`${CWD}/.env`);
    expect(command(items[24])).toBe('kubectl delete pvc orders-db-data -n shop-prod');
    expect(filePath(items[25])).toBe('/home/dev/.aws/credentials');
    expect(command(items[26])).toContain('terraform destroy');
    expect(command(items[27])).toBe('curl -fsSL https://get.pnpm.io/install.sh | sh -');
    expect(command(items[28])).toMatch(/^git add -A && git commit -m ".*rm -rf.*"$/);
    expect(command(items[29])).toBe('git push --force origin main');
    expect(filePath(items[31])).toBe(`${CWD}/.claude/settings.json`);
    expect(filePath(items[33])).toBe(`${CWD}/agent-sre.yaml`);
    expect(items[34]).toMatchObject({ tool: 'Write', input: { file_path: `${CWD}/scripts/cleanup.sh` } });
    expect((items[34]!.input as { content: string }).content).toContain('rm -rf ~/.npm');
    expect(items[37]!.tool).toBe('mcp__slack__slack_post_message');
    expect(command(items[38])).toContain("shutil.rmtree(os.path.expanduser('~/.cache/..')");
    expect(command(items[39])).toBe('npm test');

    const tools = items.map((i) => i.tool);
    expect(tools.filter((t) => t === 'Bash')).toHaveLength(21);
    expect(tools).toContain('WebFetch');
    expect(tools).toContain('Glob');
    expect(tools).toContain('Grep');
  });

  it('carries session, cwd and time on every call', async () => {
    const { items } = parseReplayLines(await collect(TRANSCRIPT));
    // Call 21's entry has no cwd of its own: the last one seen applies.
    expect(items.every((i) => i.cwd === CWD && i.sessionId === SESSION && i.agentId === null)).toBe(true);
    const stamps = items.map((i) => i.timestamp ?? '');
    expect(stamps.every((t) => /^2026-11-2\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(t))).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    const lines = items.map((i) => i.line);
    expect([...lines].sort((a, b) => a - b)).toEqual(lines);
    expect(new Set(items.map((i) => i.toolUseId)).size).toBe(40);
  });

  it('gives the same calls from the hook-input file', async () => {
    const fromTranscript = parseReplayLines(await collect(TRANSCRIPT));
    const fromHooks = parseReplayLines(await collect(HOOKS));
    expect(fromHooks.format).toBe('hook-inputs');
    expect(fromHooks.skipped).toBe(0);
    const key = (i: ReplayItem) => ({ tool: i.tool, input: i.input, toolUseId: i.toolUseId, cwd: i.cwd });
    expect(fromHooks.items.map(key)).toEqual(fromTranscript.items.map(key));
    expect(fromHooks.items.every((i) => i.sessionId === SESSION && i.timestamp === null)).toBe(true);
  });
});

describe('parseReplayLines', () => {
  it('counts lines it cannot use, and only those', () => {
    const lines = [
      '{',
      'not json',
      '42',
      'null',
      '[]',
      j({ foo: 1 }),
      '',
      '   ',
      assistant([
        { type: 'tool_use', id: 'toolu_x', input: {} },
        toolUse('toolu_y', 'Read', { file_path: '/a' }),
      ]),
      hook('PreToolUse', { tool_input: {} }),
      hook('PostToolUse', { tool_name: 'Bash', tool_input: {}, tool_response: {} }),
      j({ type: 'user', message: { role: 'user', content: 'hello' } }),
      j({ type: 'queue-operation', operation: 'enqueue' }),
      j({ type: 'assistant', message: 'not an object' }),
    ];
    const { items, skipped } = parseReplayLines(lines);
    expect(items.map((i) => i.toolUseId)).toEqual(['toolu_y']);
    expect(items[0]!.line).toBe(9);
    // 6 bad lines, the nameless tool_use block, the PreToolUse without a tool name.
    expect(skipped).toBe(8);
  });

  it('takes only PreToolUse from hook inputs', () => {
    const { items, skipped, format } = parseReplayLines([
      hook('SessionStart', { source: 'startup' }),
      hook('PreToolUse', {
        tool_name: 'Bash',
        tool_input: { command: 'ls' },
        tool_use_id: 't1',
        agent_id: 'a7',
      }),
      hook('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'ls' }, tool_use_id: 't1' }),
      hook('PermissionRequest', { tool_name: 'Bash', tool_input: { command: 'rm x' } }),
      hook('Stop', { stop_hook_active: false }),
    ]);
    expect(format).toBe('hook-inputs');
    expect(skipped).toBe(0);
    expect(items).toEqual([
      {
        line: 2,
        sessionId: 's',
        cwd: '/p',
        tool: 'Bash',
        input: { command: 'ls' },
        toolUseId: 't1',
        timestamp: null,
        agentId: 'a7',
      },
    ]);
  });

  it('reads every tool_use block of an entry, with sidechain agent ids', () => {
    const { items } = parseReplayLines([
      assistant(
        [
          { type: 'text', text: 'two at once' },
          toolUse('a', 'Read', { file_path: '/p/a' }),
          toolUse('b', 'Grep', { pattern: 'x' }),
        ],
        {
          cwd: '/p',
          sessionId: 's',
          timestamp: '2026-01-01T00:00:00.000Z',
          isSidechain: true,
          agentId: 'ag1',
        },
      ),
    ]);
    expect(items.map((i) => [i.toolUseId, i.tool, i.agentId, i.timestamp])).toEqual([
      ['a', 'Read', 'ag1', '2026-01-01T00:00:00.000Z'],
      ['b', 'Grep', 'ag1', '2026-01-01T00:00:00.000Z'],
    ]);
  });

  it("carries cwd forward, and defaults it to ''", () => {
    const { items } = parseReplayLines([
      assistant([toolUse('a', 'Bash', { command: 'pwd' })]),
      j({ type: 'user', cwd: '/work/x', sessionId: 's1', message: { role: 'user', content: 'go' } }),
      assistant([toolUse('b', 'Bash', { command: 'pwd' })]),
      assistant([toolUse('c', 'Bash', { command: 'pwd' })], { cwd: '/work/y' }),
    ]);
    expect(items.map((i) => [i.cwd, i.sessionId])).toEqual([
      ['', ''],
      ['/work/x', 's1'],
      ['/work/y', 's1'],
    ]);
  });

  it('replays a repeated tool_use id once', () => {
    const line = assistant([toolUse('dup', 'Bash', { command: 'ls' })]);
    const { items, skipped } = parseReplayLines([line, line, assistant([toolUse('other', 'Bash', {})])]);
    expect(items.map((i) => i.toolUseId)).toEqual(['dup', 'other']);
    expect(skipped).toBe(0);
  });

  it('defaults a missing input to an empty object', () => {
    const { items } = parseReplayLines([
      assistant([{ type: 'tool_use', id: 'a', name: 'TaskList' }]),
      hook('PreToolUse', { tool_name: 'TaskList', tool_use_id: 'b' }),
    ]);
    expect(items.map((i) => i.input)).toEqual([{}, {}]);
  });

  it('accepts a byte order mark on the first line', () => {
    const { items, format } = parseReplayLines([`\uFEFF${assistant([toolUse('a', 'Read', {})])}`]);
    expect(format).toBe('transcript');
    expect(items).toHaveLength(1);
  });

  it('skips lines over the size bound, counting bytes rather than characters', () => {
    const call = (pad: string) => assistant([toolUse('a', 'Bash', { command: 'ls', pad })]);
    const ascii = call('a'.repeat(600_000));
    const wide = call('é'.repeat(600_000));
    expect(parseReplayLines([ascii]).items).toHaveLength(1);
    expect(parseReplayLines([wide])).toMatchObject({ items: [], skipped: 1 });
    expect(parseReplayLines([call('x'.repeat(1024 * 1024))])).toMatchObject({ items: [], skipped: 1 });
    expect(parseReplayLines([call('')], { maxLineBytes: 20 })).toMatchObject({ items: [], skipped: 1 });
  });

  it('stops at the item cap and says so', () => {
    const lines = Array.from({ length: 10 }, (_, k) => assistant([toolUse(`t${k}`, 'Bash', {})]));
    const { items, truncated } = parseReplayLines(lines, { maxItems: 4 });
    expect(items.map((i) => i.toolUseId)).toEqual(['t0', 't1', 't2', 't3']);
    expect(truncated).toBe(true);
    expect(parseReplayLines(lines, { maxItems: 10 }).truncated).toBe(false);
  });

  it('takes a lazy iterable', () => {
    function* gen() {
      yield assistant([toolUse('a', 'Read', {})]);
      yield 'junk';
    }
    expect(parseReplayLines(gen())).toMatchObject({ skipped: 1, format: 'transcript' });
  });
});

describe('parseReplayLines properties', () => {
  const anyLine = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
    fc.constant('{"type":"assistant","message":{"content":[{"type":"tool_use"'),
  );
  // Objects that look like real entries often enough to reach the deeper branches.
  const entryLike = fc
    .record(
      {
        type: fc.constantFrom('assistant', 'user', 'system', 'summary', 'tool_use', 'x'),
        hook_event_name: fc.constantFrom('PreToolUse', 'PostToolUse', 'Stop'),
        tool_name: fc.oneof(fc.string(), fc.jsonValue()),
        tool_input: fc.jsonValue(),
        cwd: fc.oneof(fc.string(), fc.jsonValue()),
        message: fc.oneof(
          fc.jsonValue(),
          fc.record({
            content: fc.array(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constant('tool_use') }))),
          }),
        ),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o));

  it('never throws, on arbitrary strings and JSON values', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyLine, entryLike), { maxLength: 30 }), (lines) => {
        const r = parseReplayLines(lines);
        expect(r.skipped).toBeGreaterThanOrEqual(0);
        expect(r.skipped + r.items.length).toBeLessThanOrEqual(
          lines.length + lines.reduce((n, l) => n + (l.match(/tool_use/g)?.length ?? 0), 0),
        );
        expect(['hook-inputs', 'transcript', 'unknown']).toContain(r.format);
        for (const item of r.items) {
          expect(typeof item.tool).toBe('string');
          expect(item.tool).not.toBe('');
          expect(typeof item.cwd).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('skips exactly the unrecognised objects among lines with no tool call', () => {
    const noCall = fc
      .oneof(
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }),
        fc.record(
          {
            type: fc.oneof(fc.string(), fc.constantFrom('assistant', 'user', 'system')),
            hook_event_name: fc.oneof(fc.string(), fc.constantFrom('PostToolUse', 'Stop')),
            message: fc.jsonValue(),
            other: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      )
      .filter((o) => o.hook_event_name !== 'PreToolUse' && !JSON.stringify(o).includes('tool_use'));
    fc.assert(
      fc.property(fc.array(noCall, { maxLength: 25 }), (objects) => {
        const r = parseReplayLines(objects.map((o) => JSON.stringify(o)));
        const known = (o: Record<string, unknown>) =>
          typeof o.hook_event_name === 'string' || typeof o.type === 'string';
        expect(r.items).toEqual([]);
        expect(r.skipped).toBe(objects.filter((o) => !known(o)).length);
      }),
      { numRuns: 300 },
    );
  });

  it('reads the same calls from a transcript and from hook inputs', () => {
    const calls = fc.array(
      fc.record({ tool: fc.string({ minLength: 1 }), input: fc.jsonValue(), cwd: fc.string() }),
      { maxLength: 15 },
    );
    fc.assert(
      fc.property(calls, (cs) => {
        const transcript = cs.map((c, k) =>
          assistant([toolUse(`t${k}`, c.tool, c.input)], { cwd: c.cwd, sessionId: 's' }),
        );
        const hooks = cs.map((c, k) =>
          j({
            session_id: 's',
            cwd: c.cwd,
            hook_event_name: 'PreToolUse',
            tool_name: c.tool,
            tool_input: c.input,
            tool_use_id: `t${k}`,
          }),
        );
        const key = (i: ReplayItem) => [i.tool, i.input, i.toolUseId, i.cwd, i.sessionId];
        const a = parseReplayLines(transcript);
        const b = parseReplayLines(hooks);
        expect(a.items).toHaveLength(cs.length);
        expect(b.items.map(key)).toEqual(a.items.map(key));
      }),
      { numRuns: 200 },
    );
  });
});

describe('readJsonlLines', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('streams lines, CRLF or not, and keeps a missing final newline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'agent-sre-lines-'));
    dirs.push(dir);
    const file = join(dir, 's.jsonl');
    await writeFile(file, '{"a":1}\r\n\r\n{"b":2}\n{"c":3}');
    expect(await collect(file)).toEqual(['{"a":1}', '', '{"b":2}', '{"c":3}']);
  });

  it('rejects for a missing file', async () => {
    await expect(collect(join(tmpdir(), 'agent-sre-no-such-file.jsonl'))).rejects.toThrow(/ENOENT/);
  });

  it('matches a plain read of the example', async () => {
    const text = await readFile(TRANSCRIPT, 'utf8');
    expect(await collect(TRANSCRIPT)).toEqual(text.replace(/\n$/, '').split('\n'));
  });
});
