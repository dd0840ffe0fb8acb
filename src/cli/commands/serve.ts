import { runTick } from '../../app/tick.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { liveTickDeps, openProject } from '../project.ts';

const HELP = `Usage: agent-sre serve [--interval SECONDS] [--dir DIR]

Stay up and run \`agent-sre tick\` every interval: escalation, handoff notices and delivery. Use it
where cron is not an option (a container next to the agent). Stop it with Ctrl-C or SIGTERM; a tick
in progress finishes first. Running it next to cron ticks is safe.

Options:
  --interval SECONDS  time between ticks (default 15)
  --dir DIR           the repository (default: the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { interval: { type: 'string' }, dir: { type: 'string' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const interval = values.interval === undefined ? 15 : Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new UsageError('--interval takes a number of seconds');
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    clearTimeout(timer);
    wake?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.stdout(`agent-sre serve: ticking every ${interval}s in ${values.dir ?? io.cwd}\n`);
  while (!stopping) {
    const p = await openProject(values.dir, io);
    try {
      const r = await runTick(liveTickDeps(p, io), {
        maxWaitMs: interval * 1000,
        deadline: Date.now() + interval * 1000,
      });
      if (r.delivered + r.failed + r.escalationPages + r.handoffPages > 0)
        io.stdout(
          `${new Date().toISOString()} escalation ${r.escalationPages}, handoffs ${r.handoffPages}, delivered ${r.delivered}, retrying ${r.retried}, failed ${r.failed}\n`,
        );
    } catch (err) {
      io.stderr(`agent-sre serve: tick failed: ${(err as Error).message}\n`);
    } finally {
      await p.store.close();
    }
    if (stopping) break;
    await new Promise<void>((res) => {
      wake = res;
      timer = setTimeout(res, interval * 1000);
    });
  }
  return 0;
}
