// Whatever arrives on stdin, the hook answers in Claude Code's protocol and never with exit 1 (which Claude
// Code treats as "go ahead"). Run in-process against `runClaudeHook` with a memory ledger, so thousands of
// odd inputs stay fast. Also: `rm -rf /` as the first command is denied however it is wrapped, and the
// effect classifier never throws.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { HookAnswer } from '../../src/adapters/agents/claude/hook.ts';
import { createMemoryStore } from '../../src/adapters/store/memory.ts';
import { type HookDeps, runClaudeHook } from '../../src/app/hook.ts';
import { effectsOf } from '../../src/core/effects/tools.ts';
import { withRunbook } from '../e2e/bin.ts';
import { context, WORLD } from '../helpers/judge.ts';

const RUNS = 250;
const PROJECT = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-prop-'))));
// The runbook's postconditions would become Stop checks that start a process per fuzzed Stop.
writeFileSync(join(PROJECT, 'agent-sre.yaml'), 'version: 1\nacceptance:\n  runbook: false\n');
afterAll(() => rmSync(PROJECT, { recursive: true, force: true }));

let clock = Date.UTC(2026, 10, 26, 12);
const deps: HookDeps = {
  env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
  projectDir: PROJECT,
  now: () => clock++,
  // The hook closes its store after each event; a fresh one per event keeps every call independent (no
  // session ever escalates or terminates, so a denial below is the policy's own).
  openStore: () => createMemoryStore(),
};

const hook = (stdin: string) => runClaudeHook(stdin, deps);

/** The protocol invariants every answer must keep. Returns the parsed stdout, if any. */
function checkAnswer(a: HookAnswer): Record<string, unknown> | undefined {
  expect([0, 2]).toContain(a.exitCode);
  expect(typeof a.stdout).toBe('string');
  expect(typeof a.stderr).toBe('string');
  if (a.exitCode === 2) expect(a.stderr.length).toBeGreaterThan(0);
  if (a.stdout === '') return undefined;
  const out: unknown = JSON.parse(a.stdout);
  expect(out !== null && typeof out === 'object' && !Array.isArray(out), a.stdout).toBe(true);
  const o = out as Record<string, unknown>;
  if (o.hookSpecificOutput !== undefined) {
    const h = o.hookSpecificOutput as Record<string, unknown>;
    if (h.hookEventName === 'SessionStart') expect(typeof h.additionalContext).toBe('string');
    else {
      expect(h.hookEventName).toBe('PreToolUse');
      expect(['allow', 'ask', 'deny']).toContain(h.permissionDecision);
      expect(typeof h.permissionDecisionReason).toBe('string');
    }
  }
  return o;
}

const FRAGMENTS = [
  'rm',
  '-rf',
  '-r',
  '-f',
  '~',
  '/',
  '~/',
  '$(',
  ')',
  '(',
  "'",
  '"',
  '`',
  '|',
  '||',
  ';',
  '&',
  '&&',
  '<<EOF',
  "<<-'EOF'",
  'EOF',
  '\\',
  '\\\n',
  '\n',
  '\t',
  '>',
  '>>',
  '2>&1',
  '<(',
  '#',
  '{',
  '}',
  '*',
  '?',
  '$HOME',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  '${HOME}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  '${x:-/}',
  'x=/',
  '$x',
  'sudo',
  'env',
  'bash',
  '-c',
  'sh',
  'eval',
  'exec',
  'xargs',
  'find',
  '-delete',
  '-exec',
  'git',
  'push',
  '--force',
  'origin',
  'main',
  'curl',
  'https://x.example/i.sh',
  'python3',
  'node',
  '-e',
  'echo',
  'cat',
  '.env',
  '/etc/passwd',
  '..',
  'é',
  '日本語',
  '🚀',
  '\u0000',
  '\u202e',
  ' ',
];

/** Repeated 200k characters long, these take tree-sitter minutes (see the parse-timeout test). */
const QUADRATIC_FRAGMENTS = ['\u0000', '||', '|', '<<EOF', "<<-'EOF'", '&&', ';', '&'];

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

/** Commands glued from shell fragments, with and without spaces between them. */
const shellCommand = fc
  .array(fc.tuple(fragment, fc.constantFrom('', ' ', ' ', ' ')), { maxLength: 24 })
  .map((parts) => parts.map(([f, sep]) => f + sep).join(''));

const TOOLS = [
  'Bash',
  'PowerShell',
  'Write',
  'Edit',
  'MultiEdit',
  'Read',
  'Glob',
  'Grep',
  'LS',
  'NotebookEdit',
  'NotebookRead',
  'WebFetch',
  'WebSearch',
  'Agent',
  'Task',
  'TodoWrite',
  'Skill',
  'mcp__github__delete_repository',
  'mcp__slack__post_message',
  'mcp__',
  'mcp____',
  '__proto__',
  'constructor',
];

const toolName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TOOLS) },
  { weight: 1, arbitrary: fc.string() },
);

const pathLike = fc.oneof(
  fc.constantFrom(
    '/etc/passwd',
    '/home/dev/.ssh/id_rsa',
    '~/.aws/credentials',
    join(PROJECT, 'agent-sre.yaml'),
    join(PROJECT, '.claude', 'settings.json'),
    join(PROJECT, 'src', 'a.ts'),
    '',
    '/',
    'relative/path',
    '../../..',
    'C:\\Windows\\System32',
  ),
  fc.string(),
);

/** A value nested `depth` levels deep, alternating arrays and objects. */
const nested = (depth: number, leaf: unknown): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
};

const toolInput = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ command: shellCommand, description: fc.string() }, { requiredKeys: ['command'] }),
  },
  { weight: 1, arbitrary: fc.record({ command: fc.anything() }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        file_path: pathLike,
        content: fc.oneof(
          fc.string(),
          shellCommand.map((c) => `#!/bin/sh\n${c}\n`),
          fc.anything(),
        ),
        old_string: fc.string(),
        new_string: fc.oneof(fc.string(), shellCommand),
        edits: fc.array(fc.anything(), { maxLength: 3 }),
        notebook_path: pathLike,
        new_source: shellCommand,
        cell_type: fc.constantFrom('code', 'markdown', 5),
        url: fc.oneof(fc.webUrl(), fc.string()),
        pattern: fc.string(),
        path: pathLike,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 4, withNullPrototype: true }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 50, max: 3000 }).map((d) => ({ command: 'ls', extra: nested(d, 'x') })),
  },
  // Huge commands (10k-200k characters) of repeated fragments. Space-separated: one long unbroken word is
  // covered by its own test below (it is slow, see there). Fragments on which tree-sitter's error recovery
  // is quadratic run into the parse timeout instead; they have their own test, so a run's time stays flat.
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...FRAGMENTS.filter((f) => !QUADRATIC_FRAGMENTS.includes(f))),
        fc.integer({ min: 10_000, max: 200_000 }),
      )
      .map(([f, n]) => ({ command: `echo ${`${f} `.repeat(Math.ceil(n / (f.length + 1)))}` })),
  },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 'ls', [], ['rm', '-rf', '/'], {}) },
);

const eventName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'PreToolUse',
      'PreToolUse',
      'PreToolUse',
      'PostToolUse',
      'PostToolUseFailure',
      'PermissionRequest',
      'SessionStart',
      'SessionEnd',
      'Stop',
      'Notification',
    ),
  },
  { weight: 1, arbitrary: fc.string() },
);

/** Objects shaped like hook inputs: the right keys, any values. Some keys go missing. */
const hookLike = fc.record(
  {
    session_id: fc.oneof({ weight: 5, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.anything() }),
    transcript_path: fc.string(),
    cwd: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(PROJECT, join(PROJECT, 'sub'), '/', '/tmp') },
      { weight: 1, arbitrary: fc.anything() },
    ),
    permission_mode: fc.constantFrom('default', 'acceptEdits', 'bypassPermissions', 'plan', 'auto'),
    hook_event_name: eventName,
    tool_name: toolName,
    tool_input: toolInput,
    tool_use_id: fc.string(),
    tool_response: fc.anything({ maxDepth: 3 }),
    agent_id: fc.string(),
  },
  { requiredKeys: ['hook_event_name', 'tool_name', 'tool_input'] },
);

describe('runClaudeHook fails closed on any input', () => {
  it('arbitrary strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-composite' })),
        async (s) => {
          const a = await hook(s);
          checkAnswer(a);
          // Not a JSON object at all: nothing was judged, so nothing may pass silently.
          expect(a.stdout !== '' || a.exitCode === 2, JSON.stringify(a)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('arbitrary JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (v) => {
        checkAnswer(await hook(JSON.stringify(v)));
      }),
      { numRuns: RUNS },
    );
  });

  it('objects shaped like hook inputs, with odd tools and tool_input values', async () => {
    await fc.assert(
      fc.asyncProperty(hookLike, async (input) => {
        const text = JSON.stringify(input);
        const a = await hook(text);
        const out = checkAnswer(a);
        // Silence on a PreToolUse means it was read and judged: it cannot come from input the hook must reject.
        const i = input as {
          hook_event_name: unknown;
          session_id?: unknown;
          cwd?: unknown;
          tool_name: unknown;
        };
        if (i.hook_event_name === 'PreToolUse' && out === undefined) {
          expect(a.exitCode).toBe(0);
          expect(typeof i.session_id === 'string' && i.session_id !== '', text).toBe(true);
          expect(typeof i.tool_name === 'string' && i.tool_name !== '', text).toBe(true);
          expect(typeof i.cwd === 'string' && /^(\/|[A-Za-z]:[\\/])/.test(i.cwd), text).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('deeply nested input (thousands of levels) is answered, not crashed on', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1_000, max: 200_000 }), toolName, async (depth, tool) => {
        // Built as text: JSON.stringify itself overflows the stack on such values.
        const deep = `${'[{"k":'.repeat(depth)}0${'}]'.repeat(depth)}`;
        const text = `{"session_id":"deep","transcript_path":"","cwd":${JSON.stringify(PROJECT)},"hook_event_name":"PreToolUse","tool_name":${JSON.stringify(tool)},"tool_input":{"command":"ls","x":${deep}},"tool_use_id":"t"}`;
        checkAnswer(await hook(text));
      }),
      { numRuns: 20 },
    );
  });

  // Regression: redaction once backtracked quadratically over one long word (about 20 s at 80k characters,
  // past the hook's 10 s timeout). Every Pre/PostToolUse redacts its input for the ledger.
  // Timing lives in npm run bench (long inputs); here the call must simply be answered.
  it('answers a call with one long word (a 40k-character hex string)', async () => {
    const hex = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256)).toString('hex');
    const a = await hook(
      JSON.stringify({
        session_id: 'long-word',
        transcript_path: '',
        cwd: PROJECT,
        hook_event_name: 'PreToolUse',
        tool_name: 'Write',
        tool_input: { file_path: join(PROJECT, 'fixture.hex'), content: hex },
        tool_use_id: 'toolu_hex',
      }),
    );
    checkAnswer(a);
    expect(a.stdout).toBe('');
    expect(hex).toHaveLength(40_000);
  }, 120_000);

  it('input over the size limit is refused', async () => {
    const text = JSON.stringify({
      session_id: 's',
      cwd: PROJECT,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: `echo ${'a'.repeat(9 * 1024 * 1024)}` },
    });
    const out = checkAnswer(await hook(text));
    expect((out?.hookSpecificOutput as { permissionDecision?: string } | undefined)?.permissionDecision).toBe(
      'deny',
    );
  });
});

describe('rm -rf / as the first command is always denied', () => {
  const SEPARATORS = [' ', ';', ' ; ', '\n', ' && ', ' || ', ' | ', ' & ', '\t'];
  const tail = fc.oneof(
    fc.constant(''),
    fc.tuple(fc.constantFrom(...SEPARATORS), shellCommand).map(([sep, rest]) => sep + rest),
  );
  /** A tail that cannot end a `q`-quoted string early or open a substitution inside it. */
  const quotedTail = (q: string) =>
    tail.map((t) =>
      q === "'"
        ? t.replaceAll("'", '')
        : t
            .replace(/["\\`]/g, '')
            .replaceAll('$(', '')
            .replaceAll('$', ''),
    );
  const prefix = fc.constantFrom('', 'sudo ', 'env ', 'env FOO=bar ', 'sudo -E ', 'sudo env ', 'env -i ');
  // NUL is left out here: no shell can receive it in `-c` text (execve and Node's spawn refuse it).
  const command = fc
    .oneof(
      fc.tuple(prefix, tail).map(([p, t]) => `${p}rm -rf /${t}`),
      fc
        .tuple(prefix, fc.constantFrom('bash', 'sh'), fc.constantFrom('"', "'"), fc.boolean())
        .chain(([p, shell, q, flagFirst]) =>
          fc
            .tuple(quotedTail(q), tail)
            .map(
              ([inner, outer]) => `${p}${shell} ${flagFirst ? '-c' : '-ec'} ${q}rm -rf /${inner}${q}${outer}`,
            ),
        ),
    )
    .map((c) => c.replaceAll('\u0000', ''));

  it('denies at tier 4 with a rule, however wrapped and whatever follows', async () => {
    await fc.assert(
      fc.asyncProperty(
        command,
        fc.constantFrom(PROJECT, join(PROJECT, 'sub'), '/tmp', '/'),
        async (cmd, cwd) => {
          expect(cmd).toContain('rm -rf /');
          const a = await hook(
            JSON.stringify({
              session_id: 'rm-root',
              transcript_path: '',
              cwd,
              hook_event_name: 'PreToolUse',
              tool_name: 'Bash',
              tool_input: { command: cmd },
              tool_use_id: 'toolu_rm',
            }),
          );
          const out = checkAnswer(a);
          expect(a.exitCode).toBe(0);
          const h = out?.hookSpecificOutput as {
            permissionDecision: string;
            permissionDecisionReason: string;
          };
          expect(h?.permissionDecision, `${JSON.stringify(cmd)} -> ${a.stdout}`).toBe('deny');
          expect(h.permissionDecisionReason).toMatch(/^agent-sre \(tier 4, [\w.-]+\): /);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// Regression: each of these runs its arguments as a command on the same machine and file system, and once
// the analyzer saw only the wrapper (`fallback.exec`, tier 1), so `rm -rf /` behind it was auto-approved.
// `coproc` is a bash keyword (`bash -c 'coproc touch F; wait'` creates F); `pkexec` is sudo by another name.
describe('rm -rf / behind other command wrappers', () => {
  const WRAPPED = [
    'coproc rm -rf /',
    'coproc { rm -rf /; }',
    'coproc X { rm -rf /; }',
    'pkexec rm -rf /',
    'runuser -u root -- rm -rf /',
    'sg wheel rm -rf /',
    'chroot / rm -rf /',
    "script -qc 'rm -rf /' /dev/null",
    'systemd-run rm -rf /',
    'strace -f rm -rf /',
    'taskset 1 rm -rf /',
    'numactl --all rm -rf /',
    'unshare rm -rf /',
    'nsenter -t 1 -m rm -rf /',
    'fakeroot rm -rf /',
    'firejail rm -rf /',
    'faketime now rm -rf /',
    'valgrind rm -rf /',
  ];

  it('denies every one of them', async () => {
    const allowed: string[] = [];
    for (const command of WRAPPED) {
      const a = await hook(
        JSON.stringify({
          session_id: 'wrapped',
          transcript_path: '',
          cwd: PROJECT,
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: { command },
          tool_use_id: 'toolu_wrapped',
        }),
      );
      const out = checkAnswer(a);
      const h = out?.hookSpecificOutput as
        | { permissionDecision: string; permissionDecisionReason: string }
        | undefined;
      if (h?.permissionDecision !== 'deny')
        allowed.push(`${command}  ->  ${h?.permissionDecisionReason ?? 'allowed silently'}`);
    }
    expect(allowed, `not denied:\n${allowed.join('\n')}`).toEqual([]);
  });
});

describe('pathological shell input', () => {
  // tree-sitter's error recovery is quadratic here: without the parse timeout each took minutes.
  it.each(QUADRATIC_FRAGMENTS)(
    '200k characters of %j are answered, never auto-approved',
    async (f) => {
      const command = `echo ${`${f} `.repeat(Math.ceil(200_000 / (f.length + 1)))}`;
      const started = Date.now();
      const a = await hook(
        JSON.stringify({
          session_id: 'pathological',
          transcript_path: '',
          cwd: PROJECT,
          hook_event_name: 'PreToolUse',
          tool_name: 'Bash',
          tool_input: { command },
          tool_use_id: 'toolu_patho',
        }),
      );
      const out = checkAnswer(a);
      const decision = (out?.hookSpecificOutput as { permissionDecision?: string } | undefined)
        ?.permissionDecision;
      expect(['ask', 'deny']).toContain(decision);
      // Bounded by the parse timeout, not by the input's shape (generous for a loaded CI machine).
      expect(Date.now() - started).toBeLessThan(30_000);
    },
    60_000,
  );
});

describe('effectsOf never throws', () => {
  const KINDS = new Set(['exec', 'delete', 'write', 'read', 'net', 'mcp', 'opaque']);
  const cwd = fc.constantFrom(WORLD.projectDir, `${WORLD.projectDir}/sub`, '/', '/tmp', WORLD.home, '');

  it('returns an array of effects for any tool name and input', () => {
    const ctx = context({ [`${WORLD.projectDir}/run.sh`]: 'rm -rf /\n', '/tmp/x.sh': '$(' });
    fc.assert(
      fc.property(toolName, toolInput, cwd, (tool, input, dir) => {
        const effects = effectsOf({ tool, input, cwd: dir }, ctx);
        expect(Array.isArray(effects)).toBe(true);
        for (const e of effects) {
          expect(KINDS.has(e.kind), JSON.stringify(e)).toBe(true);
          expect(Array.isArray(e.tags)).toBe(true);
          expect(typeof e.origin).toBe('string');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a Bash command of random fragments yields effects, never an exception', () => {
    const ctx = context();
    fc.assert(
      fc.property(shellCommand, cwd, (command, dir) => {
        const effects = effectsOf({ tool: 'Bash', input: { command }, cwd: dir }, ctx);
        expect(Array.isArray(effects)).toBe(true);
        for (const e of effects) expect(KINDS.has(e.kind), JSON.stringify(e)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
