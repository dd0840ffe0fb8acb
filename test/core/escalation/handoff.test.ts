import { describe, expect, it } from 'vitest';
import { handoffNotices } from '../../../src/core/escalation/handoff.ts';
import { DAY, HOUR, MINUTE } from '../../../src/core/oncall/civil.ts';
import type { OncallConfig } from '../../../src/core/oncall/types.ts';
import { local, oncallConfig, override, weekly } from '../oncall/fixtures.ts';

// Primary hands off every Monday 10:00 Berlin; notices go out an hour ahead, at 09:00.
const CFG: OncallConfig = oncallConfig();
const HANDOFF = local('2026-03-09T10:00');
const NOTICE = HANDOFF - HOUR;

describe('handoffNotices', () => {
  it('announces a handoff whose notice time falls in (lastRun, now]', () => {
    const notices = handoffNotices(CFG, [], NOTICE - MINUTE, NOTICE);
    expect(notices).toEqual([
      {
        key: `handoff/ops/primary/${HANDOFF}`,
        schedule: 'ops',
        layer: 'primary',
        at: HANDOFF,
        incoming: 'bob',
        outgoing: 'alice',
        channels: ['slack-bob'],
        text: 'Bob goes on call for ops/primary at 2026-03-09 10:00 Europe/Berlin, taking over from Alice.',
      },
    ]);
  });

  it.each([
    ['window ends just before the notice time', 0, NOTICE - 2 * MINUTE, NOTICE - 1],
    ['window ends exactly at the notice time', 1, NOTICE - MINUTE, NOTICE],
    ['window starts exactly at the notice time (already sent)', 0, NOTICE, NOTICE + MINUTE],
    ['window starts just before it', 1, NOTICE - 1, NOTICE + MINUTE],
    ['an empty window', 0, NOTICE, NOTICE],
    ['a reversed window', 0, NOTICE + MINUTE, NOTICE - MINUTE],
    ['a long catch-up window (worker was down)', 1, NOTICE - 3 * DAY, NOTICE + 3 * HOUR],
  ])('%s → %i notice(s)', (_, count, lastRun, now) => {
    expect(handoffNotices(CFG, [], lastRun, now)).toHaveLength(count);
  });

  it.each([5, 7])('runs every %i minutes announce each handoff exactly once', (cadence) => {
    const keys: string[] = [];
    let last = local('2026-03-01T00:00');
    // Every 5 minutes the 09:00 notice times fall exactly on a run boundary; every 7 they fall inside.
    for (let now = last + cadence * MINUTE; now < local('2026-04-07T00:00'); now += cadence * MINUTE) {
      keys.push(...handoffNotices(CFG, [], last, now).map((n) => n.key));
      last = now;
    }
    expect(new Set(keys).size).toBe(keys.length);
    // Every Monday from Mar 2 to Apr 6, the DST week included.
    expect(keys).toHaveLength(6);
  });

  it('says "went" for a handoff already past, and names the incoming after a gap without "taking over"', () => {
    const [n] = handoffNotices(CFG, [], local('2026-03-02T08:00'), local('2026-03-02T11:00'));
    expect(n!.text).toBe('Alice went on call for ops/primary at 2026-03-02 10:00 Europe/Berlin.');
    expect(n!.outgoing).toBeNull();
  });

  it('announces schedule-wide overrides from the final answer, without repeating layer handoffs', () => {
    const o = override({ person: 'zed', start: local('2026-03-04T18:00'), end: local('2026-03-05T08:00') });
    // Caught up in one long run, after the fact: the notices say "went".
    const notices = handoffNotices(CFG, [o], local('2026-03-04T00:00'), local('2026-03-10T00:00'));
    expect(notices.map((n) => [n.key.replace(/\/\d+$/, ''), n.incoming, n.outgoing])).toEqual([
      ['handoff/ops/*', 'zed', 'alice'],
      ['handoff/ops/*', 'alice', 'zed'],
      ['handoff/ops/primary', 'bob', 'alice'],
    ]);
    expect(notices[0]!.text).toBe(
      'Zed went on call for ops at 2026-03-04 18:00 Europe/Berlin, taking over from Alice.',
    );
  });

  it('covers every layer, skips handoffs to nobody, and uses the notice lead from the config', () => {
    const cfg = oncallConfig({
      handoffNoticeMinutes: 0,
      schedules: {
        ops: {
          layers: [
            { name: 'secondary', start: '2026-03-02T10:00', turnHours: 168, members: ['dave', 'erin'] },
            weekly(['alice', 'bob'], { end: '2026-03-09T10:00' }),
          ],
        },
      },
    });
    const notices = handoffNotices(cfg, [], HANDOFF - 1, HANDOFF);
    expect(notices.map((n) => [n.layer, n.incoming, n.channels])).toEqual([['secondary', 'erin', []]]);
  });
});
