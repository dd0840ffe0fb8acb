import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultDenyRules,
  findOurHooks,
  GATE_HOOK_TIMEOUT_SEC,
  isVersionAtLeast,
  type MergeOptions,
  MIN_CLAUDE_VERSION,
  mergeClaudeSettings,
  OUR_EVENTS,
  parseClaudeVersion,
} from '../../../../src/adapters/agents/claude/settings.ts';

const opts: MergeOptions = {
  command: 'node',
  args: ['/opt/agent-sre/dist/cli.js', 'hook', 'claude'],
  timeoutSec: 10,
  denyRules: ['Edit(/agent-sre.yaml)', 'Read(.env)'],
};

const ours = {
  type: 'command',
  command: 'node',
  // The launcher's watchdog needs the timeout: it refuses shortly before Claude Code would give up.
  args: ['/opt/agent-sre/dist/cli.js', 'hook', 'claude', '--timeout', '10'],
  timeout: 10,
  onFailure: 'block',
};

// The acceptance gate's entry: same command, a timeout that outlasts the longest check.
const oursGate = {
  ...ours,
  args: ['/opt/agent-sre/dist/cli.js', 'hook', 'claude', '--timeout', String(GATE_HOOK_TIMEOUT_SEC)],
  timeout: GATE_HOOK_TIMEOUT_SEC,
};

const userLint = { type: 'command', command: 'npm', args: ['run', 'lint'] };
const userShell = { type: 'command', command: './scripts/check.sh' };

type Settings = Record<string, unknown>;
const hooksOf = (s: Settings) => s.hooks as Record<string, { matcher?: string; hooks: unknown[] }[]>;
const denyOf = (s: Settings) => (s.permissions as { deny: unknown[] }).deny;

describe('mergeClaudeSettings', () => {
  const cases: { name: string; existing: unknown; check: (s: Settings) => void }[] = [
    {
      name: 'empty settings get one group per event, onFailure on the entry',
      existing: {},
      check: (s) => {
        expect(hooksOf(s)).toEqual({
          PreToolUse: [{ matcher: '*', hooks: [ours] }],
          PostToolUse: [{ matcher: '*', hooks: [ours] }],
          PostToolUseFailure: [{ matcher: '*', hooks: [ours] }],
          PostToolBatch: [{ hooks: [ours] }],
          SessionStart: [{ hooks: [ours] }],
          SessionEnd: [{ hooks: [ours] }],
          Stop: [{ hooks: [oursGate] }],
          SubagentStop: [{ hooks: [oursGate] }],
          TaskCompleted: [{ hooks: [oursGate] }],
        });
        expect(denyOf(s)).toEqual(opts.denyRules);
      },
    },
    {
      name: 'undefined is treated as an empty file',
      existing: undefined,
      check: (s) => expect(Object.keys(hooksOf(s))).toEqual(OUR_EVENTS),
    },
    {
      name: 'user hooks on the same events are kept, in order, ours appended',
      existing: {
        hooks: {
          PreToolUse: [{ matcher: 'Bash', hooks: [userShell] }],
          SessionStart: [{ matcher: 'startup', hooks: [userLint] }],
        },
      },
      check: (s) => {
        expect(hooksOf(s).PreToolUse).toEqual([
          { matcher: 'Bash', hooks: [userShell] },
          { matcher: '*', hooks: [ours] },
        ]);
        expect(hooksOf(s).SessionStart).toEqual([
          { matcher: 'startup', hooks: [userLint] },
          { hooks: [ours] },
        ]);
      },
    },
    {
      name: 'unknown keys and other events are untouched',
      existing: {
        model: 'opus',
        env: { A: '1' },
        hooks: { Notification: [{ hooks: [userLint] }], Stop: [{ hooks: [userLint] }] },
        permissions: { allow: ['Bash(npm test)'], defaultMode: 'acceptEdits' },
      },
      check: (s) => {
        expect(s.model).toBe('opus');
        expect(s.env).toEqual({ A: '1' });
        expect(hooksOf(s).Notification).toEqual([{ hooks: [userLint] }]);
        // A user's own Stop hook stays first; ours joins it in a group of its own.
        expect(hooksOf(s).Stop).toEqual([{ hooks: [userLint] }, { hooks: [oursGate] }]);
        expect(s.permissions).toMatchObject({ allow: ['Bash(npm test)'], defaultMode: 'acceptEdits' });
      },
    },
    {
      name: 'our old entry from another path is replaced, not duplicated',
      existing: {
        hooks: {
          PreToolUse: [
            {
              matcher: '*',
              hooks: [
                {
                  type: 'command',
                  command: '/home/u/old/agent-sre/bin/agent-sre.js',
                  args: ['hook', 'claude'],
                },
              ],
            },
          ],
        },
      },
      check: (s) => expect(hooksOf(s).PreToolUse).toEqual([{ matcher: '*', hooks: [ours] }]),
    },
    {
      name: 'our old entry sharing a group with a user hook: user hook stays, ours replaced in place',
      existing: {
        hooks: {
          PostToolUse: [
            {
              matcher: '*',
              hooks: [
                userLint,
                { type: 'command', command: 'npx', args: ['agent-sre', 'hook', 'claude'], timeout: 99 },
              ],
            },
          ],
        },
      },
      check: (s) => expect(hooksOf(s).PostToolUse).toEqual([{ matcher: '*', hooks: [userLint, ours] }]),
    },
    {
      name: 'our entry under a narrower matcher is moved to a match-all group',
      existing: {
        hooks: {
          PreToolUse: [
            { matcher: 'Bash', hooks: [userShell, { command: 'agent-sre', args: ['hook', 'claude'] }] },
          ],
        },
      },
      check: (s) =>
        expect(hooksOf(s).PreToolUse).toEqual([
          { matcher: 'Bash', hooks: [userShell] },
          { matcher: '*', hooks: [ours] },
        ]),
    },
    {
      name: 'duplicated old entries collapse to one',
      existing: {
        hooks: {
          SessionEnd: [
            { hooks: [{ command: 'agent-sre', args: ['hook', 'claude'] }] },
            { hooks: [{ command: 'agent-sre hook claude' }] },
          ],
        },
      },
      check: (s) => expect(hooksOf(s).SessionEnd).toEqual([{ hooks: [ours] }]),
    },
    {
      name: 'look-alikes that are not ours are kept',
      existing: {
        hooks: {
          PreToolUse: [
            {
              matcher: '*',
              hooks: [
                { type: 'command', command: 'other-tool', args: ['hook', 'claude'] },
                { type: 'command', command: 'agent-sre', args: ['report'] },
                { type: 'http', url: 'https://agent-sre.example/hook', args: ['hook', 'claude'] },
              ],
            },
          ],
        },
      },
      check: (s) => expect(hooksOf(s).PreToolUse?.[0]?.hooks).toHaveLength(3),
    },
    {
      name: 'a user group left empty is not ours to delete',
      existing: { hooks: { PreToolUse: [{ matcher: 'Edit', hooks: [] }] } },
      check: (s) => expect(hooksOf(s).PreToolUse?.[0]).toEqual({ matcher: 'Edit', hooks: [] }),
    },
    {
      name: 'deny rules merged without duplicates, user rules first',
      existing: { permissions: { deny: ['Bash(curl *)', 'Read(.env)'] } },
      check: (s) => expect(denyOf(s)).toEqual(['Bash(curl *)', 'Read(.env)', 'Edit(/agent-sre.yaml)']),
    },
  ];

  it.each(cases)('$name', ({ existing, check }) => {
    const { settings, changed } = mergeClaudeSettings(existing, opts);
    expect(changed).toBe(true);
    check(settings);
    // Idempotent: a second run on the result is a no-op.
    const again = mergeClaudeSettings(settings, opts);
    expect(again.changed).toBe(false);
    expect(again.settings).toEqual(settings);
  });

  it('does not mutate its input', () => {
    const existing = { hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [userShell] }] } };
    const copy = structuredClone(existing);
    mergeClaudeSettings(existing, opts);
    expect(existing).toEqual(copy);
  });

  it('stays put on re-run even when the user added groups after ours', () => {
    const first = mergeClaudeSettings({}, opts).settings;
    hooksOf(first).PreToolUse!.push({ matcher: 'Bash', hooks: [userShell] });
    const second = mergeClaudeSettings(first, opts);
    expect(second.changed).toBe(false);
    expect(hooksOf(second.settings).PreToolUse?.[0]).toEqual({ matcher: '*', hooks: [ours] });
  });

  it('recognises its own entry even when the command path does not mention agent-sre', () => {
    const custom = { ...opts, command: '/usr/local/bin/guard', args: ['--fast'] };
    const first = mergeClaudeSettings({}, custom).settings;
    const second = mergeClaudeSettings(first, custom);
    expect(second.changed).toBe(false);
    expect(hooksOf(second.settings).PreToolUse?.[0]?.hooks).toHaveLength(1);
  });

  it('updates the timeout of an existing install', () => {
    const first = mergeClaudeSettings({}, opts).settings;
    const second = mergeClaudeSettings(first, { ...opts, timeoutSec: 20 });
    expect(second.changed).toBe(true);
    const timeouts = Object.fromEntries(findOurHooks(second.settings).map((h) => [h.event, h.entry.timeout]));
    expect(timeouts).toEqual({
      PreToolUse: 20,
      PostToolUse: 20,
      PostToolUseFailure: 20,
      PostToolBatch: 20,
      SessionStart: 20,
      SessionEnd: 20,
      Stop: GATE_HOOK_TIMEOUT_SEC,
      SubagentStop: GATE_HOOK_TIMEOUT_SEC,
      TaskCompleted: GATE_HOOK_TIMEOUT_SEC,
    });
  });

  const hostile: { name: string; existing: unknown; message: RegExp }[] = [
    { name: 'array at top level', existing: [], message: /top level is an array/ },
    { name: 'null at top level', existing: null, message: /top level is null/ },
    { name: 'string at top level', existing: 'x', message: /top level is a string/ },
    { name: 'hooks is an array', existing: { hooks: [] }, message: /"hooks" is an array/ },
    { name: 'hooks is a string', existing: { hooks: 'PreToolUse' }, message: /"hooks" is a string/ },
    {
      name: 'event is an object',
      existing: { hooks: { PreToolUse: {} } },
      message: /"hooks.PreToolUse" is an/,
    },
    {
      name: 'group is a string',
      existing: { hooks: { SessionEnd: ['x'] } },
      message: /SessionEnd\[0\]" is a/,
    },
    {
      name: 'group without hooks array',
      existing: { hooks: { PostToolUse: [{ matcher: '*' }] } },
      message: /PostToolUse\[0\]"\.hooks is a/,
    },
    {
      name: 'entry is a number',
      existing: { hooks: { PreToolUse: [{ hooks: [1] }] } },
      message: /PreToolUse\[0\]"\.hooks\[0\] is a number/,
    },
    { name: 'permissions is an array', existing: { permissions: [] }, message: /"permissions" is an array/ },
    {
      name: 'deny is a string',
      existing: { permissions: { deny: 'Bash' } },
      message: /"permissions.deny" is a string/,
    },
  ];

  it.each(hostile)('rejects $name without clobbering', ({ existing, message }) => {
    expect(() => mergeClaudeSettings(existing, opts)).toThrow(message);
  });

  it('tolerates odd shapes on events it does not manage', () => {
    const { settings } = mergeClaudeSettings({ hooks: { Notification: 'weird' } }, opts);
    expect(hooksOf(settings).Notification).toBe('weird');
  });
});

describe('defaultDenyRules', () => {
  const rules = defaultDenyRules();

  it('has no duplicates and every rule has the Tool(specifier) shape', () => {
    expect(new Set(rules).size).toBe(rules.length);
    for (const r of rules) expect(r).toMatch(/^(Edit|Read|Bash)\(.+\)$/);
  });

  it('uses Edit for paths, never Write (Claude Code never consults Write(path) rules)', () => {
    expect(rules.some((r) => r.startsWith('Write('))).toBe(false);
  });

  it.each([
    'Edit(/agent-sre.yaml)',
    'Edit(/.agent-sre/**)',
    'Edit(/.claude/settings.json)',
    'Edit(/.claude/settings.local.json)',
    'Edit(~/.claude/settings.json)',
    'Read(.env)',
    'Read(~/.ssh/**)',
    'Read(~/.aws/credentials)',
    'Bash(rm -rf /)',
    'Bash(rm -rf ~)',
    'Bash(git push --force origin main)',
  ])('includes %s', (rule) => {
    expect(rules).toContain(rule);
  });

  it('never denies .env.example or similar documentation files', () => {
    // Rough gitignore-style check: no rule that would match `.env.example` as a path pattern.
    const envRules = rules.filter((r) => r.startsWith('Read(.env')).map((r) => r.slice(5, -1));
    for (const pattern of envRules) {
      const re = new RegExp(`^${pattern.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
      for (const name of ['.env.example', '.env.sample', '.env.template']) expect(re.test(name)).toBe(false);
    }
  });

  it('has no Bash wildcard that could catch ordinary work', () => {
    for (const r of rules.filter((x) => x.startsWith('Bash('))) expect(r).not.toContain('*');
  });
});

describe('parseClaudeVersion / isVersionAtLeast', () => {
  it.each([
    ['2.1.332 (Claude Code)', [2, 1, 332]],
    ['2.1.295 (Claude Code)\n', [2, 1, 295]],
    ['claude 10.0.1', [10, 0, 1]],
    ['v2.1.3-beta.1', [2, 1, 3]],
    ['Claude Code', undefined],
    ['', undefined],
    ['2.1', undefined],
    ['99999999999999999999.1.1', undefined],
  ] as const)('%j -> %j', (text, expected) => {
    expect(parseClaudeVersion(text)).toEqual(expected);
  });

  it.each([
    [[2, 1, 295], true],
    [[2, 1, 332], true],
    [[2, 2, 0], true],
    [[3, 0, 0], true],
    [[2, 1, 294], false],
    [[2, 0, 999], false],
    [[1, 9, 999], false],
  ] as const)('%j >= MIN: %s', (v, expected) => {
    expect(isVersionAtLeast(v, MIN_CLAUDE_VERSION)).toBe(expected);
  });
});

describe('findOurHooks', () => {
  it('lists our entries on every event with their matcher', () => {
    const { settings } = mergeClaudeSettings({ hooks: { PreToolUse: [{ hooks: [userLint] }] } }, opts);
    const found = findOurHooks(settings);
    expect(found.map((f) => f.event)).toEqual(OUR_EVENTS);
    expect(found[0]).toEqual({ event: 'PreToolUse', matcher: '*', entry: ours });
  });

  it.each([
    null,
    'x',
    [],
    { hooks: [] },
    { hooks: { PreToolUse: 'x' } },
    { hooks: { PreToolUse: [null, {}] } },
  ])('tolerates %j', (settings) => {
    expect(findOurHooks(settings)).toEqual([]);
  });
});

describe('mergeClaudeSettings properties', () => {
  // Entries that can never look like ours: no agent-sre mention and no `hook claude` tail.
  const userEntry = fc.record(
    {
      type: fc.constantFrom('command', 'http', 'prompt'),
      command: fc.stringMatching(/^[a-z./-]{1,12}$/).filter((s) => !s.includes('agent-sre')),
      args: fc.array(fc.constantFrom('run', 'lint', 'check', '--fast', 'hook'), { maxLength: 3 }),
      timeout: fc.integer({ min: 1, max: 600 }),
      extra: fc.jsonValue(),
    },
    { requiredKeys: ['type'] },
  );
  const group = fc.record(
    {
      matcher: fc.constantFrom('*', '', 'Bash', 'Edit|Write', 'mcp__.*', 'startup'),
      hooks: fc.array(userEntry, { maxLength: 3 }),
      other: fc.jsonValue(),
    },
    { requiredKeys: ['hooks'] },
  );
  const eventName = fc.constantFrom(...OUR_EVENTS, 'Stop', 'UserPromptSubmit', 'Notification');
  const settingsArb = fc.record(
    {
      hooks: fc.dictionary(eventName, fc.array(group, { maxLength: 3 })),
      permissions: fc.record(
        {
          deny: fc.array(fc.oneof(fc.constantFrom(...defaultDenyRules()), fc.string()), { maxLength: 4 }),
          allow: fc.array(fc.string(), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      model: fc.string(),
      misc: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    },
    { requiredKeys: [] },
  );

  const userEntries = (s: unknown): string[] => {
    const hooks = (s as { hooks?: Record<string, { hooks: unknown[] }[]> }).hooks ?? {};
    return Object.entries(hooks).flatMap(([event, groups]) =>
      groups.flatMap((g) => g.hooks.map((h) => `${event}:${JSON.stringify(h)}`)),
    );
  };

  it('is idempotent, keeps every user entry and deny rule, and leaves other keys alone', () => {
    fc.assert(
      fc.property(settingsArb, (existing) => {
        const input = JSON.parse(JSON.stringify(existing)) as Settings;
        const first = mergeClaudeSettings(input, { ...opts, denyRules: defaultDenyRules() });
        const second = mergeClaudeSettings(first.settings, { ...opts, denyRules: defaultDenyRules() });
        expect(second.changed).toBe(false);
        expect(second.settings).toEqual(first.settings);

        const after = userEntries(first.settings);
        for (const e of userEntries(input)) expect(after).toContain(e);
        expect(after.length - userEntries(input).length).toBe(OUR_EVENTS.length);
        expect(findOurHooks(first.settings)).toHaveLength(OUR_EVENTS.length);

        const deny = denyOf(first.settings);
        const userDeny = (input.permissions as { deny?: unknown[] } | undefined)?.deny ?? [];
        expect(deny.slice(0, userDeny.length)).toEqual(userDeny);
        for (const r of defaultDenyRules()) expect(deny).toContain(r);

        for (const key of Object.keys(input)) {
          if (key !== 'hooks' && key !== 'permissions') expect(first.settings[key]).toEqual(input[key]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
