// `agent-sre oncall`: who is on call now and next, the schedule ahead, overrides and an iCal feed.
import { writeFileSync } from 'node:fs';
import { OVERRIDE_KIND, overridesOf } from '../../app/incidents.ts';
import { toIcs } from '../../core/oncall/ics.ts';
import { coverageGaps, nextOnCall, onCallAt, resolveSchedule, shifts } from '../../core/oncall/schedule.ts';
import type { OncallConfig, Override, ResolvedSchedule } from '../../core/oncall/types.ts';
import { formatLocal } from '../../core/oncall/tz.ts';
import { wholeShifts } from '../../core/oncall/whole-shifts.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { humanActor, openProject } from '../project.ts';
import { clean } from '../style.ts';
import { renderTable } from '../table.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre oncall [schedule|override|overrides|ics] [options]

  agent-sre oncall [--at TIME] [--json]              who is on call now (or at TIME), and who is next
  agent-sre oncall schedule [--weeks N] [--json]     the shifts ahead, per schedule, with coverage gaps
  agent-sre oncall override --schedule S --person P --from TIME --to TIME [--layer L] [--reason TEXT]
                                                     put P on call instead (newest override wins)
  agent-sre oncall overrides [--json]                list overrides
  agent-sre oncall ics [--schedule S] [--weeks N] [--out FILE]
                                                     an RFC 5545 calendar of the shifts ahead

Schedules, people and time zones live under oncall: in agent-sre.yaml (see docs/escalation.md).
TIME is ISO 8601 (2026-12-01T09:00Z, or with an offset). Overrides are kept in the ledger, so the
agent cannot change who gets paged.

Options:
  --schedule S   one schedule (default: all)
  --json         machine-readable output
  --dir DIR      the project root (default: found at or above the current directory)
`;

const OPTIONS = {
  at: { type: 'string' },
  weeks: { type: 'string' },
  json: { type: 'boolean' },
  dir: { type: 'string' },
  schedule: { type: 'string' },
  layer: { type: 'string' },
  person: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  reason: { type: 'string' },
  by: { type: 'string' },
  out: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function time(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  const t = Date.parse(text);
  if (!Number.isFinite(t))
    throw new UsageError(`${name} is not a time: "${text}" (use ISO 8601, e.g. 2026-12-01T09:00Z)`);
  return t;
}

function schedulesOf(oncall: OncallConfig, only: string | undefined): ResolvedSchedule[] {
  const names = only ? [only] : Object.keys(oncall.schedules);
  const out = names.map((n) => resolveSchedule(oncall, n));
  if (only && !out[0])
    throw new UsageError(
      `no schedule "${only}"; configured: ${Object.keys(oncall.schedules).join(', ') || '(none)'}`,
    );
  return out.filter((s): s is ResolvedSchedule => s !== null);
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const sub = positionals[0] ?? 'now';
  const p = await openProject(values.dir, io);
  try {
    const oncall = p.settings.oncall;
    if (Object.keys(oncall.schedules).length === 0 && sub !== 'overrides')
      throw new UsageError(
        'no schedules are configured: add oncall.schedules to agent-sre.yaml (see docs/escalation.md)',
      );
    const overrides = await p.store.transact(Date.now(), (tx) => overridesOf(tx), { readonly: true });
    switch (sub) {
      case 'now':
        return now(io, values, oncall, overrides);
      case 'schedule':
        return schedule(io, values, oncall, overrides);
      case 'ics':
        return ics(io, values, oncall, overrides);
      case 'overrides':
        if (values.json) for (const o of overrides) io.stdout(`${JSON.stringify(o)}\n`);
        else if (overrides.length === 0) io.stdout('No overrides.\n');
        else {
          const { paint: p, columns } = terminalOf(io);
          const lines = renderTable(
            [
              { header: 'id' },
              { header: 'schedule' },
              { header: 'person' },
              { header: 'from → to (UTC)' },
              { header: 'reason', wrap: true },
            ],
            overrides.map((o) => [
              o.id,
              `${o.schedule}${o.layer ? `/${o.layer}` : ''}`,
              { text: o.person, style: p.bold },
              `${new Date(o.start).toISOString()} → ${new Date(o.end).toISOString()}`,
              { text: o.reason ?? '', style: p.dim },
            ]),
            { paint: p, width: columns },
          );
          io.stdout(`${lines.join('\n')}\n`);
        }
        return 0;
      case 'override': {
        const actor = humanActor(io, values.by);
        if (!values.schedule || !values.person || !values.from || !values.to)
          throw new UsageError('override needs --schedule, --person, --from and --to');
        const sched = schedulesOf(oncall, values.schedule)[0]!;
        if (values.layer && !sched.layers.some((l) => l.name === values.layer))
          throw new UsageError(`schedule ${sched.name} has no layer "${values.layer}"`);
        if (!Object.hasOwn(oncall.people, values.person))
          throw new UsageError(
            `"${values.person}" is not in oncall.people; known: ${Object.keys(oncall.people).join(', ')}`,
          );
        const start = time(values.from, '--from', 0);
        const end = time(values.to, '--to', 0);
        if (!(end > start)) throw new UsageError('--to must be after --from');
        const createdAt = Date.now();
        const o = await p.store.transact(createdAt, (tx) => {
          const override: Override = {
            id: `OVR-${tx.nextSeq('override')}`,
            schedule: sched.name,
            ...(values.layer ? { layer: values.layer } : {}),
            person: values.person as string,
            start,
            end,
            createdAt,
            reason: values.reason ?? `set by ${actor.id}`,
          };
          tx.putRecord({ kind: OVERRIDE_KIND, id: override.id, createdAt, data: override });
          return override;
        });
        io.stdout(
          values.json
            ? `${JSON.stringify(o)}\n`
            : `${o.id}: ${o.person} is on call for ${o.schedule}${o.layer ? `/${o.layer}` : ''} from ${formatLocal(start, sched.timeZone)} to ${formatLocal(end, sched.timeZone)} (${sched.timeZone}).\n`,
        );
        return 0;
      }
      default:
        throw new UsageError(`unknown oncall command "${sub}"\n\n${HELP}`);
    }
  } finally {
    await p.store.close();
  }
}

function now(io: Io, values: Values, oncall: OncallConfig, overrides: Override[]): number {
  const at = time(values.at, '--at', Date.now());
  const name = (id: string | null | undefined) => (id ? (oncall.people[id]?.name ?? id) : 'nobody');
  const rows = schedulesOf(oncall, values.schedule).flatMap((s) =>
    [undefined, ...s.layers.map((l) => l.name)].map((layer) => {
      const cur = onCallAt(s, overrides, at, layer);
      const next = nextOnCall(s, overrides, at, layer);
      return {
        schedule: s.name,
        layer: layer ?? null,
        timeZone: s.timeZone,
        onCall: cur?.person ?? null,
        until: cur?.until ?? null,
        next: next?.person ?? null,
        nextStart: next?.start ?? null,
      };
    }),
  );
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ at: new Date(at).toISOString(), oncall: rows.map((r) => ({ ...r, until: r.until && new Date(r.until).toISOString(), nextStart: r.nextStart && new Date(r.nextStart).toISOString() })) })}\n`,
    );
    return 0;
  }
  const { paint: p, columns } = terminalOf(io);
  const lines = renderTable(
    [{ header: 'schedule' }, { header: 'on call' }, { header: 'until' }, { header: 'next', wrap: true }],
    rows.map((r) => [
      r.layer ? { text: `  ${r.layer}` } : { text: `${r.schedule} (${r.timeZone})`, style: p.bold },
      r.onCall
        ? { text: name(r.onCall), style: p.green }
        : // Nobody on a layer is its time off (weekend cover on a weekday); nobody on the schedule is a gap.
          { text: 'nobody', style: r.layer ? p.dim : (t: string) => p.bold(p.red(t)) },
      r.until ? formatLocal(r.until, r.timeZone) : '-',
      r.next ? `${name(r.next)} from ${formatLocal(r.nextStart as number, r.timeZone)}` : '-',
    ]),
    { paint: p, width: columns },
  );
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

function weeksWindow(values: Values): [number, number] {
  const weeks = values.weeks === undefined ? 4 : Number(values.weeks);
  if (!Number.isFinite(weeks) || weeks <= 0 || weeks > 104)
    throw new UsageError('--weeks takes a number from 1 to 104');
  const from = time(values.at, '--at', Date.now());
  return [from, from + weeks * 7 * 86_400_000];
}

function schedule(io: Io, values: Values, oncall: OncallConfig, overrides: Override[]): number {
  const [from, to] = weeksWindow(values);
  for (const s of schedulesOf(oncall, values.schedule)) {
    const list = shifts(s, overrides, from, to);
    const gaps = coverageGaps(s, overrides, from, to);
    if (values.json) {
      io.stdout(`${JSON.stringify({ schedule: s.name, timeZone: s.timeZone, shifts: list, gaps })}\n`);
      continue;
    }
    const { paint: p } = terminalOf(io);
    io.stdout(`${p.bold(s.name)} (${s.timeZone})\n`);
    for (const sh of list)
      io.stdout(
        `  ${formatLocal(sh.start, s.timeZone)} → ${formatLocal(sh.end, s.timeZone)}  ${sh.person ? clean(oncall.people[sh.person]?.name ?? sh.person, true) : p.bold(p.red('GAP: nobody on call'))}${sh.layer ? ` (${sh.layer})` : ''}${sh.source === 'override' ? p.yellow(' [override]') : ''}\n`,
      );
    if (gaps.length > 0)
      io.stdout(`  ${p.red(`${gaps.length} coverage gap(s)`)} in the next ${values.weeks ?? 4} week(s)\n`);
  }
  return 0;
}

function ics(io: Io, values: Values, oncall: OncallConfig, overrides: Override[]): number {
  const [from, to] = weeksWindow({ ...values, weeks: values.weeks ?? '12' });
  // Whole shifts: the current one keeps its real start (and UID) however often the feed is regenerated.
  const list = schedulesOf(oncall, values.schedule).flatMap((s) =>
    wholeShifts(s, overrides, from, to).map((sh) => ({ ...sh, schedule: s.name })),
  );
  const text = toIcs(values.schedule ? `On call: ${values.schedule}` : 'agent-sre on call', list, {
    now: Date.now(),
    uidDomain: 'agent-sre.local',
    people: oncall.people,
  });
  if (values.out) {
    writeFileSync(values.out, text);
    io.stdout(`wrote ${values.out} (${list.filter((s) => s.person).length} shifts)\n`);
  } else io.stdout(text);
  return 0;
}
