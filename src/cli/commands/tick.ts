import { FLUSHER_LOCK_STALE_MS, releaseFlusherLock, takeFlusherLock } from '../../app/flusher.ts';
import { keepShipping } from '../../app/team/keep-shipping.ts';
import { runTick, type TickReport } from '../../app/tick.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { iso, liveTickDeps, openProject, type Project } from '../project.ts';

const HELP = `Usage: agent-sre tick [--deliver-only] [--wait SECONDS] [--json] [--quiet] [--dir DIR]

Run everything that is due, once:
  1. escalation: open, unacknowledged incidents move to the next step of their policy;
  2. handoff notices: the incoming on-call hears about a handoff before it happens;
  3. delivery: queued pages go out (backoff with jitter, Retry-After honoured, per-channel rate
     limits; a page refused with a 4xx is not retried and shows in \`agent-sre incidents\`).
Any number of ticks, hook flushers and \`serve\` can run at once: each page is sent once.

Run it every minute from cron:
  * * * * * cd /path/to/repo && agent-sre tick --quiet
or from a systemd timer (OnCalendar=minutely) running the same command. See docs/escalation.md.

Options:
  --deliver-only  only drain the outbox (what the hook's detached flusher runs)
  --wait SECONDS  keep going while a page is due within this long (default 20)
  --json          print what was done as JSON
  --quiet         print nothing unless something failed
  --dir DIR       the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      'deliver-only': { type: 'boolean' },
      wait: { type: 'string' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
      dir: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const wait = values.wait === undefined ? 20 : Number(values.wait);
  if (!Number.isFinite(wait) || wait < 0) throw new UsageError('--wait takes a number of seconds');
  const p = await openProject(values.dir, io);
  try {
    const opts = { deliverOnly: values['deliver-only'] ?? false, maxWaitMs: wait * 1000 };
    // The hook's flusher: one per project, see src/app/flusher.ts.
    const report =
      io.env.AGENT_SRE_FLUSHER === '1' && opts.deliverOnly
        ? p.settings.team
          ? await keepShipping(p, liveTickDeps(p, io))
          : await flush(p, io, opts.maxWaitMs)
        : await runTick(liveTickDeps(p, io), { ...opts, deadline: Date.now() + 55_000 });
    if (!report) return 0;
    if (values.json) io.stdout(`${JSON.stringify(report)}\n`);
    else if (report.team?.error) io.stderr(`agent-sre tick: team: ${report.team.error}\n`);
    else if (!values.quiet || report.failed > 0)
      io.stdout(
        `escalation pages ${report.escalationPages}, handoff notices ${report.handoffPages}; delivered ${report.delivered}, retrying ${report.retried}, failed ${report.failed}` +
          `${report.nextDueAt ? `; next page due ${iso(report.nextDueAt)}` : ''}\n`,
      );
    return report.failed > 0 ? 1 : 0;
  } finally {
    await p.store.close();
  }
}

/**
 * Drain under the project's flusher lock; undefined when another flusher holds it. After letting go,
 * look once more: a page queued while this one was finishing saw the lock and started no flusher.
 */
async function flush(p: Project, io: Io, maxWaitMs: number): Promise<TickReport | undefined> {
  let total: TickReport | undefined;
  while (takeFlusherLock(p.dir, Date.now())) {
    try {
      // Shorter than the lock's staleness, so a live flusher is never taken for a dead one.
      const r = await runTick(liveTickDeps(p, io), {
        deliverOnly: true,
        maxWaitMs,
        deadline: Date.now() + FLUSHER_LOCK_STALE_MS / 2,
      });
      total = total ? sumReports(total, r) : r;
    } finally {
      releaseFlusherLock(p.dir);
    }
    const next = await p.store.transact(Date.now(), (tx) => tx.nextDueAt(), { readonly: true });
    if (next === null || next > Date.now() + maxWaitMs) break;
  }
  return total;
}

function sumReports(a: TickReport, b: TickReport): TickReport {
  return {
    delivered: a.delivered + b.delivered,
    failed: a.failed + b.failed,
    retried: a.retried + b.retried,
    escalationPages: a.escalationPages + b.escalationPages,
    handoffPages: a.handoffPages + b.handoffPages,
    nextDueAt: b.nextDueAt,
  };
}
