// The `oncall:` and `escalation:` sections of agent-sre.yaml. They parse into exactly the core types
// (src/core/oncall/types.ts, src/core/escalation/types.ts); a type test keeps the two in step. Checks
// that need both sections and the channel list live in checkOncallReferences.
import { z } from 'zod';
import type { EscalationConfig, Target } from '../core/escalation/types.ts';
import { parseClock, parseWall } from '../core/oncall/civil.ts';
import { type OncallConfig, WEEKDAYS } from '../core/oncall/types.ts';
import { isTimeZone } from '../core/oncall/tz.ts';

const name = z.string().min(1);

const timeZone = z
  .string()
  .refine(isTimeZone, { error: (i) => `'${String(i.input)}' is not an IANA time zone (e.g. Europe/Berlin)` });

const clock = z
  .string()
  .refine((s) => parseClock(s) !== null, { error: (i) => `'${String(i.input)}' is not an 'HH:mm' time` });

const wallClock = z.string().refine((s) => parseWall(s) !== null, {
  error: (i) => `'${String(i.input)}' is not a 'YYYY-MM-DDTHH:mm' local date and time`,
});

const weekday = z.enum(WEEKDAYS, {
  error: (i) => `'${String(i.input)}' is not a weekday (${WEEKDAYS.join(', ')})`,
});

const restrictionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('daily'),
    start: clock,
    durationHours: z.number().positive().max(24, 'a daily restriction lasts at most 24 hours'),
  }),
  z.strictObject({
    type: z.literal('weekly'),
    startDay: weekday,
    start: clock,
    durationHours: z.number().positive().max(168, 'a weekly restriction lasts at most 168 hours'),
  }),
]);

const layerSchema = z
  .strictObject({
    name,
    start: wallClock.describe('The first handoff, local wall-clock time in the schedule zone.'),
    turnHours: z.number().positive().describe('Turn length in wall-clock hours: 24 daily, 168 weekly.'),
    members: z
      .array(name)
      .min(1, 'a layer needs at least one member')
      .describe('Person ids in rotation order.'),
    restrictions: z.array(restrictionSchema).min(1).optional().describe('Only on call inside these windows.'),
    end: wallClock.optional(),
  })
  .refine((l) => l.end === undefined || parseWall(l.end)! > parseWall(l.start)!, {
    message: 'a layer must end after it starts',
    path: ['end'],
  });

const scheduleSchema = z
  .strictObject({
    timeZone: timeZone.optional().describe('Defaults to oncall.timeZone.'),
    layers: z.array(layerSchema).min(1, 'a schedule needs at least one layer').describe('Later layers win.'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.layers.forEach((l, i) => {
      if (seen.has(l.name))
        ctx.addIssue({
          code: 'custom',
          message: `duplicate layer name '${l.name}'`,
          path: ['layers', i, 'name'],
        });
      seen.add(l.name);
    });
  });

const personSchema = z.strictObject({
  name: name.describe('Shown in pages and calendars.'),
  channels: z.array(name).default([]).describe('Channel names that reach this person.'),
});

export const oncallSchema = z
  .strictObject({
    timeZone: timeZone.default('UTC'),
    workingHours: z
      .strictObject({
        days: z
          .array(weekday)
          .min(1, 'list at least one working day')
          .default(['mon', 'tue', 'wed', 'thu', 'fri']),
        start: clock.default('09:00'),
        end: clock.default('18:00'),
      })
      .prefault({})
      .describe('SEV3/SEV4 only page inside these hours (in oncall.timeZone).'),
    handoffNoticeMinutes: z.number().int().min(0).default(60),
    people: z.record(name, personSchema).default({}),
    schedules: z.record(name, scheduleSchema).default({}),
  })
  .superRefine((o, ctx) => {
    for (const [scheduleName, schedule] of Object.entries(o.schedules)) {
      schedule.layers.forEach((layer, i) => {
        layer.members.forEach((member, j) => {
          if (!Object.hasOwn(o.people, member)) {
            ctx.addIssue({
              code: 'custom',
              message: `'${member}' is not in oncall.people`,
              path: ['schedules', scheduleName, 'layers', i, 'members', j],
            });
          }
        });
      });
    }
  });

const targetSchema = z.union(
  [
    z.strictObject({ oncall: name.describe('A schedule name.'), layer: name.optional() }),
    z.strictObject({ person: name }),
    z.strictObject({ channel: name }),
  ],
  { error: 'a target is one of {oncall: schedule, layer?}, {person: id} or {channel: name}' },
);

const policySchema = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        delayMinutes: z.number().int().min(1, 'wait at least a minute before escalating'),
        targets: z.array(targetSchema).min(1, 'a rule needs at least one target'),
      }),
    )
    .min(1, 'a policy needs at least one rule'),
  repeat: z
    .number()
    .int()
    .min(0)
    .max(9)
    .default(0)
    .describe('Extra passes through the rules (PagerDuty num_loops).'),
  fallback: z.array(targetSchema).default([]).describe('Paged once when every pass is used up.'),
});

export const escalationSchema = z
  .strictObject({
    default: name.optional().describe('The policy for routes that name none.'),
    policies: z.record(name, policySchema).default({}),
  })
  .superRefine((e, ctx) => {
    if (e.default !== undefined && !Object.hasOwn(e.policies, e.default)) {
      ctx.addIssue({ code: 'custom', message: `no policy named '${e.default}'`, path: ['default'] });
    }
  });

/** Problems with names one section uses and another defines; empty when everything resolves. */
export function checkOncallReferences(
  oncall: OncallConfig,
  escalation: EscalationConfig,
  channelNames: string[],
): string[] {
  const problems: string[] = [];
  const channels = new Set(channelNames);
  for (const [id, person] of Object.entries(oncall.people)) {
    for (const channel of person.channels) {
      if (!channels.has(channel))
        problems.push(`oncall.people.${id}.channels: no channel named '${channel}'`);
    }
  }
  for (const [scheduleName, schedule] of Object.entries(oncall.schedules)) {
    schedule.layers.forEach((layer, i) => {
      for (const member of layer.members) {
        if (!Object.hasOwn(oncall.people, member))
          problems.push(
            `oncall.schedules.${scheduleName}.layers.${i}.members: '${member}' is not in oncall.people`,
          );
      }
    });
  }
  const checkTarget = (where: string, t: Target) => {
    if ('channel' in t) {
      if (!channels.has(t.channel)) problems.push(`${where}: no channel named '${t.channel}'`);
    } else if ('person' in t) {
      if (!Object.hasOwn(oncall.people, t.person))
        problems.push(`${where}: '${t.person}' is not in oncall.people`);
    } else if (!Object.hasOwn(oncall.schedules, t.oncall)) {
      problems.push(`${where}: no schedule named '${t.oncall}' in oncall.schedules`);
    } else if (t.layer !== undefined && !oncall.schedules[t.oncall]!.layers.some((l) => l.name === t.layer)) {
      problems.push(`${where}: schedule '${t.oncall}' has no layer '${t.layer}'`);
    }
  };
  for (const [policyName, policy] of Object.entries(escalation.policies)) {
    const where = `escalation.policies.${policyName}`;
    for (const [i, rule] of policy.rules.entries()) {
      for (const [j, t] of rule.targets.entries()) checkTarget(`${where}.rules.${i}.targets.${j}`, t);
    }
    for (const [j, t] of policy.fallback.entries()) checkTarget(`${where}.fallback.${j}`, t);
  }
  if (escalation.default !== undefined && !Object.hasOwn(escalation.policies, escalation.default)) {
    problems.push(`escalation.default: no policy named '${escalation.default}'`);
  }
  return problems;
}
