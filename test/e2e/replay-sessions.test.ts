// `agent-sre replay` over several sessions: what one session wrote is what a later one runs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runBin, tempProject, withRunbook } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** One PreToolUse hook input a line, the second replay format. */
function hookLines(session: string, cwd: string, calls: [string, unknown][], at: string): string {
  return `${calls
    .map(([tool_name, tool_input], i) =>
      JSON.stringify({
        session_id: session,
        cwd,
        hook_event_name: 'PreToolUse',
        tool_name,
        tool_input,
        tool_use_id: `${session}-${i}`,
        timestamp: at,
      }),
    )
    .join('\n')}\n`;
}

interface Row {
  file?: string;
  index: number;
  tool: string;
  tier: number;
  rule: string;
}

describe('replay across sessions', () => {
  // The recorded project is not on this machine: the files it wrote exist only in the recordings.
  const recorded = '/home/dev/recorded-proj';
  const notes = `${recorded}/docs/steps.txt`;

  function recordings(): { dir: string; policy: string } {
    const dir = tempProject('replay-sessions');
    made.push(dir);
    const policy = withRunbook(tempProject('replay-policy'));
    made.push(policy);
    mkdirSync(join(dir, 'sessions'));
    // Session 1 writes a text file (nothing that runs, so an ordinary write) and edits a line into
    // it that deletes the home directory.
    writeFileSync(
      join(dir, 'sessions', 'a.jsonl'),
      hookLines(
        'one',
        recorded,
        [
          ['Write', { file_path: notes, content: 'set -e\nnpm run build\n' }],
          [
            'Edit',
            {
              file_path: notes,
              old_string: 'npm run build\n',
              new_string: 'npm run build\nrm -rf "$HOME"\n',
            },
          ],
        ],
        '2026-12-01T10:00:00.000Z',
      ),
    );
    // Session 2, the next day, only feeds it to a shell.
    writeFileSync(
      join(dir, 'sessions', 'b.jsonl'),
      hookLines('two', recorded, [['Bash', { command: 'bash docs/steps.txt' }]], '2026-12-02T10:00:00.000Z'),
    );
    return { dir, policy };
  }

  it('judges a script run in one session by what an earlier one wrote, oldest session first', async () => {
    const { dir, policy } = recordings();
    // Given in the wrong order on purpose: a directory replays oldest first.
    const r = await runBin(['replay', '--json', '--policy', policy, join(dir, 'sessions')], { cwd: policy });
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row);
    expect(rows.map((x) => [x.file?.split('/').pop(), x.tool])).toEqual([
      ['a.jsonl', 'Write'],
      ['a.jsonl', 'Edit'],
      ['b.jsonl', 'Bash'],
    ]);
    expect(rows[1]!.tier).toBeLessThan(3);
    expect(rows[2]).toMatchObject({ tier: 4, rule: 'fs.delete-outside-project' });
  });

  it('a session replayed alone does not know what another wrote', async () => {
    const { dir, policy } = recordings();
    const r = await runBin(['replay', '--json', '--policy', policy, join(dir, 'sessions', 'b.jsonl')], {
      cwd: policy,
    });
    expect(r.code, r.stderr).toBe(0);
    const [row] = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Row);
    expect(row!.file).toBeUndefined();
    expect(row!.tier).toBeLessThan(3);
  });

  it('refuses a directory with no session files, and a missing path, with a usage error', async () => {
    const empty = tempProject('replay-empty');
    made.push(empty);
    const a = await runBin(['replay', empty], { cwd: empty });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/holds no \.jsonl session files/);
    const b = await runBin(['replay', join(empty, 'nope.jsonl')], { cwd: empty });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/cannot read/);
  });
});
