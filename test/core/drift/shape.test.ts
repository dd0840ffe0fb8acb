import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  failedAssertions,
  jsonKeyPaths,
  jsonOf,
  markdownShape,
  parseRunnerOutput,
  type SchemaValidator,
  sampleOf,
  shapeOf,
} from '../../../src/core/drift/shape.ts';
import { SHAPE_METRICS } from '../../../src/core/drift/types.ts';

// The shape `claude -p --output-format json` prints (Claude Code headless docs; field names as in the
// Agent SDK's result message).
const envelope = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  duration_ms: 12_345,
  duration_api_ms: 11_000,
  num_turns: 4,
  result: '## Plan\n\nDone.\n\n```ts\nconst a = 1;\n```\n',
  session_id: '2f1c-…',
  total_cost_usd: 0.0421,
  usage: {
    input_tokens: 12,
    cache_creation_input_tokens: 3000,
    cache_read_input_tokens: 20_000,
    output_tokens: 640,
  },
};

const stream = [
  { type: 'system', subtype: 'init', session_id: 's', tools: ['Bash'] },
  {
    type: 'assistant',
    message: {
      content: [
        { type: 'thinking', thinking: '…' },
        { type: 'tool_use', id: 't1', name: 'Bash', input: {} },
      ],
    },
  },
  { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] } },
  {
    type: 'assistant',
    message: {
      content: [
        { type: 'tool_use', id: 't2', name: 'Read', input: {} },
        { type: 'tool_use', id: 't3', name: 'Grep', input: {} },
      ],
    },
  },
  { type: 'assistant', message: { content: [{ type: 'text', text: 'All green.' }] } },
  { ...envelope, result: 'All green.', num_turns: 3 },
]
  .map((l) => JSON.stringify(l))
  .join('\n');

const noSchema: SchemaValidator = () => null;

describe('parseRunnerOutput', () => {
  it('reads the json envelope: result, turns, duration, cost, tokens (cache included); no tool count', () => {
    const p = parseRunnerOutput(JSON.stringify(envelope));
    expect(p).toEqual({
      format: 'json',
      text: envelope.result,
      isError: false,
      turns: 4,
      durationMs: 12_345,
      costUsd: 0.0421,
      outputTokens: 640,
      inputTokens: 23_012,
      toolCalls: null,
    });
  });

  it('reads stream-json: counts tool_use blocks across assistant messages, takes the result line', () => {
    const p = parseRunnerOutput(`${stream}\n`);
    expect(p.format).toBe('stream-json');
    expect(p.toolCalls).toBe(3);
    expect(p.turns).toBe(3);
    expect(p.text).toBe('All green.');
    expect(p.costUsd).toBe(0.0421);
  });

  it('stream-json cut off before its result line still yields the last text and the tool count', () => {
    const cut = stream.split('\n').slice(0, -1).join('\n');
    const p = parseRunnerOutput(cut);
    expect(p.format).toBe('stream-json');
    expect(p.text).toBe('All green.');
    expect(p.toolCalls).toBe(3);
    expect(p.turns).toBeNull();
  });

  it('reads the verbose json array (the whole message list)', () => {
    const arr = JSON.stringify(stream.split('\n').map((l) => JSON.parse(l)));
    const p = parseRunnerOutput(arr);
    expect(p.toolCalls).toBe(3);
    expect(p.text).toBe('All green.');
  });

  it('anything else is plain text, measured as it is', () => {
    for (const text of ['hello', '{"answer": 42}', '{"type": "answer"}', '{ broken', '[1, 2]']) {
      const p = parseRunnerOutput(text);
      expect(p.format).toBe('text');
      expect(p.text).toBe(text);
      expect(p.turns).toBeNull();
    }
  });

  it('flags is_error and accepts the old cost_usd field', () => {
    const p = parseRunnerOutput(
      JSON.stringify({ type: 'result', is_error: true, result: 'x', cost_usd: 0.5 }),
    );
    expect(p.isError).toBe(true);
    expect(p.costUsd).toBe(0.5);
  });
});

describe('markdown and JSON structure', () => {
  it('counts headings outside fences and fenced blocks (``` and ~~~)', () => {
    const text = [
      '# Title',
      'text # not a heading',
      '```sh',
      '# a comment, not a heading',
      '```',
      '  ## indented heading',
      '~~~',
      '```',
      '# still code',
      '~~~',
      '#hashtag',
      '######',
    ].join('\n');
    expect(markdownShape(text)).toEqual({ headings: 3, codeBlocks: 2 });
    expect(markdownShape('```\nunclosed\n# code')).toEqual({ headings: 0, codeBlocks: 1 });
  });

  it('finds the JSON: the whole answer, else the last json block', () => {
    expect(jsonOf('{"a": 1}')).toEqual({ a: 1 });
    expect(jsonOf('Here:\n```json\n{"a": 1}\n```\nand\n```json\n{"b": 2}\n```')).toEqual({ b: 2 });
    expect(jsonOf('no json here')).toBeUndefined();
    expect(jsonOf('```json\nnot json\n```')).toBeUndefined();
  });

  it('counts distinct key paths, arrays folded', () => {
    expect(jsonKeyPaths({ a: 1, b: { c: [{ d: 1 }, { d: 2, e: 3 }] } })).toBe(5); // a b b.c b.c[].d b.c[].e
    expect(jsonKeyPaths([{ x: 1 }, { x: 2 }])).toBe(1);
    expect(jsonKeyPaths(42)).toBe(0);
  });

  it('shapeOf: plain text has no turns, cost or tokens; duration falls back to the wall clock', () => {
    const m = shapeOf(parseRunnerOutput('# Hi\n\n```\nx\n```\n'), 850);
    expect(m).toEqual({
      chars: 16,
      headings: 1,
      codeBlocks: 1,
      jsonKeys: null,
      toolCalls: null,
      turns: null,
      durationMs: 850,
      costUsd: null,
      outputTokens: null,
      inputTokens: null,
    });
    expect(shapeOf(parseRunnerOutput(JSON.stringify(envelope)), 1).durationMs).toBe(12_345);
  });
});

describe('assertions and samples', () => {
  it('contains, notContains (with ignoreCase), regex', () => {
    const text = 'All tests PASS\nDone.';
    expect(
      failedAssertions(
        [
          { contains: 'PASS' },
          { contains: 'pass', ignoreCase: true },
          { notContains: 'FAIL' },
          { regex: '^Done\\.$' },
        ],
        text,
        noSchema,
      ),
    ).toEqual([]);
    expect(
      failedAssertions(
        [{ contains: 'pass' }, { notContains: 'done', ignoreCase: true }, { regex: '^PASS' }],
        text,
        noSchema,
      ),
    ).toEqual(['contains "pass"', 'does not contain "done" (any case)', 'matches /^PASS/']);
  });

  it('schema: the validator sees the answer JSON; no JSON or a bad schema fails', () => {
    const seen: unknown[] = [];
    const validate: SchemaValidator = (_s, v) => {
      seen.push(v);
      return (v as { ok?: boolean }).ok ? null : '$.ok: required';
    };
    const schema = { schema: { type: 'object' } };
    expect(failedAssertions([schema], '```json\n{"ok": true}\n```', validate)).toEqual([]);
    expect(failedAssertions([schema], '{"no": 1}', validate)).toEqual([
      'JSON matches the schema: $.ok: required',
    ]);
    expect(failedAssertions([schema], 'prose', validate)).toEqual([
      'JSON matches the schema: the answer holds no JSON',
    ]);
    const broken: SchemaValidator = () => {
      throw new Error('unknown keyword');
    };
    expect(failedAssertions([schema], '{}', broken)[0]).toMatch(/cannot be used \(unknown keyword\)/);
    expect(seen).toEqual([{ ok: true }, { no: 1 }]);
  });

  const ran = (stdout: string, exitCode: number | null = 0) => ({
    stdout,
    exitCode,
    timedOut: false,
    startError: null,
    wallMs: 10,
  });

  it('a sample passes when the runner exits as expected and every assertion holds', () => {
    const ok = sampleOf(ran(JSON.stringify(envelope)), [{ contains: 'Done' }], noSchema);
    expect(ok.passed).toBe(true);
    expect(ok.metrics.turns).toBe(4);
    const wrongExit = sampleOf(ran('out', 127), [], noSchema);
    expect(wrongExit).toMatchObject({ passed: false, error: 'exited 127 (command not found), expected 0' });
    expect(wrongExit.metrics).toEqual({});
    expect(sampleOf(ran('out', 3), [{ exitCode: 3 }], noSchema).passed).toBe(true);
    const failing = sampleOf(ran('out'), [{ contains: 'Done' }], noSchema);
    expect(failing).toMatchObject({ passed: false, error: null, failures: ['contains "Done"'] });
    expect(failing.metrics.chars).toBe(3);
    expect(sampleOf({ ...ran(''), timedOut: true }, [], noSchema).error).toBe('timed out');
    expect(sampleOf({ ...ran(''), startError: 'spawn ENOENT' }, [], noSchema).error).toBe(
      'could not start: spawn ENOENT',
    );
    const isError = sampleOf(ran(JSON.stringify({ ...envelope, is_error: true })), [], noSchema);
    expect(isError.error).toBe('the runner reported is_error');
  });

  // Fragments that steer the generator towards the parser's branches.
  const FRAGMENTS = [
    '{"type":"result"',
    '{"type":"assistant","message":{"content":[',
    '{"type":"tool_use"}',
    '"usage":{"output_tokens":-5,"input_tokens":1e400}',
    '"num_turns":"7"',
    '"result":null',
    '}',
    ']',
    '\n',
    '```json\n',
    '```\n',
    '# ',
    '"is_error":true',
    'null',
  ];
  const untrusted = fc
    .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 30 })
    .map((parts) => parts.join(''));

  it('property: untrusted stdout never throws; metrics are finite and non-negative or null', () => {
    fc.assert(
      fc.property(untrusted, fc.integer({ min: -1, max: 255 }), (stdout, code) => {
        const s = sampleOf(ran(stdout, code), [{ contains: 'x' }, { regex: 'a+' }, { schema: {} }], noSchema);
        expect(typeof s.passed).toBe('boolean');
        for (const k of SHAPE_METRICS) {
          const v = s.metrics[k];
          if (v !== undefined && v !== null) {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('property: a valid envelope round-trips whatever its result text', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), fc.nat(), (result, turns, out) => {
        const p = parseRunnerOutput(
          JSON.stringify({ type: 'result', result, num_turns: turns, usage: { output_tokens: out } }),
        );
        expect(p.text).toBe(result);
        expect(p.turns).toBe(turns);
        expect(p.outputTokens).toBe(out);
      }),
    );
  });
});
