// `agent-sre oncall ics` run twice during one shift, as a calendar subscription refresh would: the shift
// in progress must come out as the same event (same UID, its real DTSTART), or clients duplicate it.
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

const env = { CLAUDECODE: '', AGENT_SRE_USER: 'dana' };

async function feed(dir: string, at: string, schedule?: string) {
  const r = await runBin(
    [
      'oncall',
      'ics',
      ...(schedule ? ['--schedule', schedule] : []),
      '--weeks',
      '2',
      '--at',
      at,
      '--dir',
      dir,
    ],
    { env },
  );
  expect(r.code, r.stderr).toBe(0);
  const cal = new ICAL.Component(ICAL.parse(r.stdout));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return { uid: e.uid, summary: e.summary, start: e.startDate.toJSDate().toISOString() };
  });
}

describe('agent-sre oncall ics, regenerated', () => {
  it('gives the shift in progress the same UID and its real start on every run', async () => {
    const dir = tempProject('agent-sre-ics-');
    made.push(dir);
    copyFileSync(join(ROOT, 'examples', 'paging', 'agent-sre.yaml'), join(dir, 'agent-sre.yaml'));
    // Tuesday noon and Friday night of Alice's first week (it began Monday 10:00 Berlin, 09:00 UTC).
    const tuesday = await feed(dir, '2026-12-01T12:00:00Z', 'primary');
    const friday = await feed(dir, '2026-12-04T20:00:00Z', 'primary');
    expect(tuesday[0]).toEqual({
      uid: expect.stringMatching(/@agent-sre\.local$/),
      summary: 'On call: Alice (weekly)',
      start: '2026-11-30T09:00:00.000Z',
    });
    expect(friday[0]).toEqual(tuesday[0]);

    // Both schedules in one feed: Bob's secondary week starts at the same moment, with its own UID.
    const all = await feed(dir, '2026-12-01T12:00:00Z');
    const uids = all.map((e) => e.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(all.filter((e) => e.start === '2026-11-30T09:00:00.000Z').map((e) => e.summary)).toEqual([
      'On call: Alice (weekly)',
      'On call: Bob (weekly)',
    ]);
  }, 60_000);
});
