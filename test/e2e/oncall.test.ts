// `agent-sre oncall` through the built CLI on the documented example configuration.
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, runBin, tempProject } from './bin.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = tempProject('agent-sre-oncall-');
  made.push(dir);
  copyFileSync(join(ROOT, 'examples', 'paging', 'agent-sre.yaml'), join(dir, 'agent-sre.yaml'));
  return dir;
}

const env = { CLAUDECODE: '', AGENT_SRE_USER: 'dana' };
// Wednesday 2026-12-02 12:00 UTC (13:00 in Berlin): Alice's first week on the primary rotation; Dana
// covers the weekend.
const AT = '2026-12-02T12:00:00Z';

interface Row {
  schedule: string;
  layer: string | null;
  onCall: string | null;
  next: string | null;
}
const now = async (dir: string, at = AT) => {
  const r = await runBin(['oncall', '--at', at, '--json', '--dir', dir], { env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { oncall: Row[] }).oncall;
};

describe('agent-sre oncall', () => {
  it('says who is on call and who is next, and an override changes it', async () => {
    const dir = project();
    const before = await now(dir);
    expect(before.find((r) => r.schedule === 'primary' && r.layer === null)).toMatchObject({
      onCall: 'alice',
      next: 'lead',
    });
    expect(before.find((r) => r.schedule === 'secondary' && r.layer === null)).toMatchObject({
      onCall: 'bob',
    });

    const refused = await runBin(
      [
        'oncall',
        'override',
        '--schedule',
        'primary',
        '--person',
        'carol',
        '--from',
        AT,
        '--to',
        '2026-12-03T12:00Z',
        '--dir',
        dir,
      ],
      { env: { ...env, CLAUDECODE: '1' } },
    );
    expect(refused.code).toBe(2);

    const set = await runBin(
      [
        'oncall',
        'override',
        '--schedule',
        'primary',
        '--person',
        'carol',
        '--from',
        '2026-12-02T08:00Z',
        '--to',
        '2026-12-03T12:00Z',
        '--reason',
        'swap',
        '--dir',
        dir,
      ],
      { env },
    );
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^OVR-1: carol is on call for primary/);
    const after = await now(dir);
    expect(after.find((r) => r.schedule === 'primary' && r.layer === null)).toMatchObject({
      onCall: 'carol',
      next: 'alice',
    });
  }, 60_000);

  it('writes an iCal feed a real iCal library reads back', async () => {
    const dir = project();
    const r = await runBin(
      ['oncall', 'ics', '--schedule', 'primary', '--weeks', '3', '--at', AT, '--dir', dir],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^BEGIN:VCALENDAR\r\n/);
    const cal = new ICAL.Component(ICAL.parse(r.stdout));
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.length).toBeGreaterThanOrEqual(3);
    const summaries = events.map((e) => e.summary);
    expect(summaries).toContain('On call: Alice (weekly)');
    expect(summaries.some((s) => s.startsWith('On call: Dana'))).toBe(true);
    for (const e of events) expect(e.endDate.toUnixTime()).toBeGreaterThan(e.startDate.toUnixTime());
  }, 60_000);

  it('lists the shifts ahead with their coverage gaps', async () => {
    const dir = project();
    const r = await runBin(['oncall', 'schedule', '--weeks', '2', '--at', AT, '--json', '--dir', dir], {
      env,
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { schedule: string; shifts: { person: string | null }[]; gaps: unknown[] },
      );
    expect(lines.map((l) => l.schedule)).toEqual(['primary', 'secondary']);
    expect(lines[0]?.shifts.map((s) => s.person)).toEqual(expect.arrayContaining(['alice', 'lead', 'bob']));
    expect(lines[0]?.gaps).toEqual([]);
  }, 60_000);
});
