// Shadow mode makes exactly the decisions the hook makes: `check` and `replay` apply the rules compiled
// from the project's AGENTS.md (scope, Never list) and its standing (missing or failing gates writes),
// so a call the live hook asks about is not reported as allowed, and the other way round.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, preToolUse, runBin, runHook, tempProject } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };

const RUNBOOK = `# AGENTS.md

## Preconditions

- Dependencies are installed: \`npm ci\`

## Escalation criteria

- Ask a human before touching database migrations.

## Postconditions

- Tests pass: \`npm test\`

## Scope boundary

- You may edit \`src/\`.

## Never

- Never edit outside the scope boundary above.
- Never run \`npm publish\`.
`;

interface Verdict {
  decision: string;
  rule: string;
}

function calls(dir: string): Array<{ tool: string; input: Record<string, unknown>; check: string[] }> {
  return [
    {
      tool: 'Write',
      input: { file_path: join(dir, 'src/a.ts'), content: 'x' },
      check: ['--tool', 'Write', '--path', 'src/a.ts'],
    },
    {
      tool: 'Write',
      input: { file_path: join(dir, 'README.md'), content: 'x' },
      check: ['--tool', 'Write', '--path', 'README.md'],
    },
    { tool: 'Bash', input: { command: 'npm publish' }, check: ['npm publish'] },
    { tool: 'Bash', input: { command: 'ls src' }, check: ['ls src'] },
  ];
}

async function live(dir: string, session: string, tool: string, input: unknown): Promise<Verdict> {
  const r = await runHook(preToolUse(dir, session, tool, input), dir, { env });
  const a = (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as {
    hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string };
  };
  const reason = a.hookSpecificOutput?.permissionDecisionReason ?? '';
  return {
    decision: a.hookSpecificOutput?.permissionDecision ?? 'allow',
    rule: /\(tier \d, ([\w.-]+)\)/.exec(reason)?.[1] ?? '',
  };
}

describe('check and replay agree with the live hook (issue 11)', () => {
  for (const withRunbook of [true, false]) {
    it(withRunbook
      ? 'with a runbook: its scope and Never rules'
      : 'without a runbook: writes gated', async () => {
      const dir = tempProject('agent-sre-parity-');
      made.push(dir);
      mkdirSync(join(dir, 'src'));
      if (withRunbook) writeFileSync(join(dir, 'AGENTS.md'), RUNBOOK);
      const list = calls(dir);
      const hook: Verdict[] = [];
      for (const c of list) hook.push(await live(dir, 'parity', c.tool, c.input));
      // The hook's own decisions are the reference: the scope miss asks, npm publish is refused.
      if (withRunbook) {
        expect(hook.map((v) => v.decision)).toEqual(['allow', 'ask', 'deny', 'allow']);
        expect(hook[1]!.rule).toBe('runbook.scope');
        expect(hook[2]!.rule).toBe('runbook.never.run-npm-publish');
      } else {
        expect(hook.slice(0, 2).map((v) => v.rule)).toEqual(['runbook.missing', 'runbook.missing']);
        expect(hook[3]!.decision).toBe('allow');
      }

      const checked: Verdict[] = [];
      for (const c of list) {
        const r = await runBin(['check', '--json', '--project', dir, ...c.check], { cwd: dir, env });
        expect(r.code, r.stderr).toBe(0);
        const j = JSON.parse(r.stdout) as { decision: string; rule: string };
        checked.push({ decision: j.decision, rule: j.rule });
      }
      expect(checked.map((v) => v.decision)).toEqual(hook.map((v) => v.decision));

      const inputs = join(dir, 'calls.jsonl');
      writeFileSync(
        inputs,
        list.map((c) => JSON.stringify(preToolUse(dir, 'parity-replay', c.tool, c.input))).join('\n'),
      );
      const r = await runBin(['replay', '--json', inputs], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
      const replayed = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { decision: string; rule: string });
      expect(replayed.map((v) => v.decision)).toEqual(hook.map((v) => v.decision));
      expect(replayed.filter((v) => v.decision !== 'allow').map((v) => v.rule)).toEqual(
        hook.filter((v) => v.decision !== 'allow').map((v) => v.rule),
      );
    }, 60_000);
  }
});
