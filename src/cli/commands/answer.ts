// ack, mitigate and resolve: a human answers an incident. Every channel that was paged hears it.
import { answerIncident } from '../../app/incidents.ts';
import type { IncidentAction } from '../../core/incidents/lifecycle.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { answerAndDeliver, humanActor, openProject } from '../project.ts';

const ACTIONS: Record<string, IncidentAction> = {
  ack: 'acknowledge',
  mitigate: 'mitigate',
  resolve: 'resolve',
};

const help = (name: string) => `Usage: agent-sre ${name} ID [--note TEXT] [--by NAME] [--json] [--dir DIR]

${
  name === 'ack'
    ? 'Acknowledge an incident: you are on it. Escalation stops, and every channel that was paged\nreceives an acknowledge (PagerDuty with the same dedup_key).'
    : name === 'resolve'
      ? 'Resolve an incident. Every channel that was paged receives a resolve (PagerDuty resolve, a\nclosed GitHub issue, a Slack message).'
      : 'Mark an incident mitigated: the harm is contained, the cause may not be fixed yet.'
}

Only a human may do this; the command refuses to run inside a coding agent (CLAUDECODE=1), and the
default policy denies it to the agent.

Options:
  --note TEXT  a line for the timeline
  --by NAME    who you are (default: $AGENT_SRE_USER, else your login name)
  --json       print the incident afterwards as JSON
  --dir DIR    the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const name = io.argv[0] ?? 'ack';
  const action = ACTIONS[name];
  if (!action) throw new UsageError(`unknown answer "${name}"`);
  const { values, positionals } = parse(
    args,
    { note: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' }, dir: { type: 'string' } },
    help(name),
  );
  if (values.help) {
    io.stdout(help(name));
    return 0;
  }
  const id = positionals[0];
  if (!id) throw new UsageError(`expected: agent-sre ${name} ID`);
  const actor = humanActor(io, values.by);
  const p = await openProject(values.dir, io);
  try {
    const r = await answerAndDeliver(p, io, (tx) =>
      answerIncident(tx, id, action, actor, p.settings, values.note),
    );
    if (values.json) io.stdout(`${JSON.stringify(r.incident)}\n`);
    else
      io.stdout(
        `${r.incident.id} is ${r.incident.state} (by ${actor.id}).${r.queued > 0 ? ` ${r.queued} page(s) queued to ${r.incident.pagedChannels.join(', ')}.` : ''}\n`,
      );
    return 0;
  } finally {
    await p.store.close();
  }
}
