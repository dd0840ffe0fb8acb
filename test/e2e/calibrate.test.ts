// `agent-sre calibrate` over what the hook recorded: asks that ran were accepted, asks that never ran
// while the session went on were refused; --write proposes a valid policy and changes nothing else.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bashPre, ensureBuilt, postToolUse, runBin, runHook, tempProject } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = { AGENT_SRE_DELIVERY: 'off', AGENT_SRE_HOOKD: '0' };

describe('agent-sre calibrate', () => {
  it('reports accept rates per rule and proposes tiers without touching the policy', async () => {
    const dir = tempProject('agent-sre-calibrate-');
    made.push(dir);
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
    const ask = async (command: string, ran: boolean) => {
      const pre = bashPre(dir, 'sess-cal', command);
      const r = await runHook(pre, dir, { env });
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('ask');
      if (ran)
        await runHook(
          {
            ...postToolUse(dir, 'sess-cal', 'Bash', pre.tool_input, { stdout: '' }),
            tool_use_id: pre.tool_use_id,
          },
          dir,
          {
            env,
          },
        );
    };
    for (let i = 0; i < 3; i++) await ask('git push origin main', true);
    for (let i = 0; i < 2; i++) await ask('sudo systemctl restart nginx', false);
    // A later event shows the session went on past the refused asks.
    await runHook(bashPre(dir, 'sess-cal', 'ls'), dir, { env });

    const json = await runBin(['calibrate', '--json', '--min', '2', '--dir', dir]);
    expect(json.code, json.stderr).toBe(0);
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rule: string; n: number; accepted: number; suggestion: string });
    expect(rows).toEqual([
      expect.objectContaining({ rule: 'git.push-protected', n: 3, accepted: 3, suggestion: 'lower' }),
      expect.objectContaining({ n: 2, accepted: 0, suggestion: 'raise' }),
    ]);
    const refusedRule = rows[1]!.rule;

    const before = readFileSync(join(dir, 'agent-sre.yaml'), 'utf8');
    const w = await runBin(['calibrate', '--min', '2', '--write', '--dir', dir]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stdout).toContain('2 change(s) proposed');
    expect(readFileSync(join(dir, 'agent-sre.yaml'), 'utf8')).toBe(before);
    const proposal = parse(readFileSync(join(dir, 'agent-sre.calibrated.yaml'), 'utf8')) as {
      disabled: string[];
      rules: { id: string; tier: number }[];
    };
    expect(proposal.disabled).toEqual(['git.push-protected', refusedRule]);
    expect(proposal.rules.map((r) => [r.id, r.tier])).toEqual([
      ['git.push-protected.calibrated', 2],
      [`${refusedRule}.calibrated`, 4],
    ]);
  }, 60_000);

  it('--write with nothing to propose writes nothing, and says so', async () => {
    const dir = tempProject('agent-sre-calibrate-');
    made.push(dir);
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
    const r = await runBin(['calibrate', '--write', '--dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes proposed, so nothing was written.');
    expect(r.stdout).not.toContain('Review with');
    expect(existsSync(join(dir, 'agent-sre.calibrated.yaml'))).toBe(false);

    // A proposal from an earlier run is neither replaced nor removed.
    writeFileSync(join(dir, 'agent-sre.calibrated.yaml'), '# earlier\n');
    const again = await runBin(['calibrate', '--write', '--dir', dir]);
    expect(again.stdout).toContain('from an earlier run, is left as it was');
    expect(readFileSync(join(dir, 'agent-sre.calibrated.yaml'), 'utf8')).toBe('# earlier\n');
  }, 60_000);

  it('says so when nothing was settled yet', async () => {
    const dir = tempProject('agent-sre-calibrate-');
    made.push(dir);
    const r = await runBin(['calibrate', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('No tier-3 decisions settled by a human yet.\n');
  });
});
