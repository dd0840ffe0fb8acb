// The acknowledgement target is only missed once it has passed: a postmortem drafted 5 minutes after the
// page says the page is not acknowledged yet (and for how long), not that it missed a 15-minute target.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/core/incidents/types.ts';
import { resolveTargets } from '../../../src/core/metrics/targets.ts';
import { buildEvidencePack } from '../../../src/core/postmortem/pack.ts';
import { buildPostmortem } from '../../../src/core/postmortem/postmortem.ts';
import { newSession } from '../../../src/core/session/rules.ts';
import { BUDGETS, DENIALS } from '../../fixtures/evidence.ts';
import { incident, T0 } from '../../fixtures/incidents.ts';

const MIN = 60_000;
const budgets = BUDGETS;
const denials = DENIALS;
const PAGED = T0 + MIN;

function draft(now: number, milestones: Partial<Incident['milestones']> = {}, state?: Incident['state']) {
  const inc = incident('INC-1', {
    ...(state ? { state } : {}),
    milestones: { ...incident('x').milestones, pagedAt: PAGED, ...milestones },
  });
  const pack = buildEvidencePack({
    projectDir: '/work/proj',
    session: newSession('s1', '/work/proj', T0),
    events: [],
    incidents: [
      {
        incident: inc,
        timeline: [],
        pages: [
          {
            channel: 'pd',
            action: 'trigger',
            status: 'delivered',
            createdAt: T0,
            deliveredAt: PAGED,
            lastError: null,
          },
        ],
      },
    ],
    budgets,
    denials,
    git: { available: false, reason: 'not a git repository' },
    cost: null,
  });
  return buildPostmortem({
    pack,
    incidentId: 'INC-1',
    now,
    owner: null,
    targets: resolveTargets(undefined),
    budgets,
    denials,
  });
}

const ackGaps = (pm: ReturnType<typeof draft>) => pm.gaps.filter((g) => g.kind === 'page-unacknowledged');

describe('the acknowledgement target in a postmortem', () => {
  it('5 minutes after the page: not acknowledged yet, no missed target, no action item for it', () => {
    const pm = draft(PAGED + 5 * MIN);
    expect(ackGaps(pm)).toEqual([]);
    expect(pm.actionItems.map((a) => a.gap)).not.toContain('page-unacknowledged');
    const text = Object.values(pm.values).join('\n');
    expect(text).not.toMatch(/not acknowledged within/);
    expect(pm.values['postmortem.detection']).toContain(
      'Not acknowledged yet, and still inside the 15 min target: INC-1 (paged 5m 00s ago).',
    );
  });

  it('exactly at the target it has not been missed yet', () => {
    expect(ackGaps(draft(PAGED + 15 * MIN))).toEqual([]);
  });

  it('once the target has passed without an acknowledgement, it is a missed target', () => {
    const pm = draft(PAGED + 16 * MIN);
    expect(ackGaps(pm).map((g) => g.text)).toEqual([
      'The page for INC-1 was not acknowledged within 15 min (still not acknowledged).',
    ]);
    expect(pm.values['postmortem.detection']).not.toContain('Not acknowledged yet');
  });

  it('a resolved incident never acknowledged is a missed target only once the target has passed', () => {
    expect(ackGaps(draft(PAGED + 10 * MIN, { resolvedAt: PAGED + 4 * MIN }, 'resolved'))).toEqual([]);
    const late = draft(PAGED + 60 * MIN, { resolvedAt: PAGED + 4 * MIN }, 'resolved');
    expect(ackGaps(late).map((g) => g.text)).toEqual([
      'The page for INC-1 was not acknowledged within 15 min (never acknowledged).',
    ]);
    // Resolved, so nobody is waiting for an acknowledgement any more.
    expect(
      draft(PAGED + 10 * MIN, { resolvedAt: PAGED + 4 * MIN }, 'resolved').values['postmortem.detection'],
    ).not.toContain('Not acknowledged yet');
  });

  it('acknowledged in time is no gap; acknowledged late is, whenever the postmortem is drafted', () => {
    expect(ackGaps(draft(PAGED + 3 * MIN, { acknowledgedAt: PAGED + 2 * MIN }, 'acknowledged'))).toEqual([]);
    const late = draft(PAGED + 40 * MIN, { acknowledgedAt: PAGED + 20 * MIN }, 'acknowledged');
    expect(ackGaps(late).map((g) => g.text)).toEqual([
      'The page for INC-1 was not acknowledged within 15 min (acknowledged after 20m 00s).',
    ]);
  });
});
