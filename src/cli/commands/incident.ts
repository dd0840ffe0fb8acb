import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { iso, openProject } from '../project.ts';
import { severityStyle, statusStyle } from '../status-style.ts';
import { clean } from '../style.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre incident show ID [--json] [--dir DIR]

Show one incident: severity, state, milestones (started, detected, paged, acknowledged, mitigated,
resolved), the session it came from, its timeline and every page queued for it with its delivery.

Answer it with: agent-sre ack ID | agent-sre resolve ID
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, dir: { type: 'string' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [verb, id] = positionals;
  if (verb !== 'show' || !id) throw new UsageError('expected: agent-sre incident show ID');
  const p = await openProject(values.dir, io);
  try {
    const found = await p.store.transact(
      Date.now(),
      (tx) => {
        const incident = tx.incident(id);
        return incident && { incident, timeline: tx.timeline(id), pages: tx.outbox({ incidentId: id }) };
      },
      { readonly: true },
    );
    if (!found) throw new UsageError(`no incident "${id}"; see agent-sre incidents`);
    const { incident: i, timeline, pages } = found;
    if (values.json) {
      io.stdout(`${JSON.stringify({ ...i, timeline, pages })}\n`);
      return 0;
    }
    const m = i.milestones;
    const { paint: ink } = terminalOf(io);
    // Titles, details and timeline text quote what the agent ran: cleaned, never obeyed by the terminal.
    const c = (text: string) => clean(text, true);
    const head = (label: string) => ink.bold(label);
    const out = [
      `${ink.bold(i.id)}  ${severityStyle(ink, i.severity)(i.severity)}  ${statusStyle(ink, i.state)(i.state)}  ${ink.bold(c(i.title))}`,
      `dedup key:  ${c(i.dedupKey)}`,
      `source:     ${i.source.kind}${i.source.rule ? ` (${c(i.source.rule)})` : ''}, seen ${i.alertCount} time(s)`,
      `session:    ${i.sessionId ? c(i.sessionId) : '-'}   evidence: agent-sre sessions --dir ${i.project}`,
      `escalation: ${i.escalation.policy ? `${i.escalation.policy}, ${i.escalation.step < 0 ? 'not started' : `rule ${i.escalation.step + 1}, pass ${i.escalation.loop + 1}`}${i.escalation.exhausted ? ', exhausted' : ''}` : '(no policy)'}`,
      head('milestones:'),
      `  started ${iso(m.startedAt)}  detected ${iso(m.detectedAt)}  paged ${iso(m.pagedAt)}`,
      `  acknowledged ${iso(m.acknowledgedAt)}${i.acknowledgedBy ? ` by ${c(i.acknowledgedBy)}` : ''}  mitigated ${iso(m.mitigatedAt)}  resolved ${iso(m.resolvedAt)}${i.resolvedBy ? ` by ${c(i.resolvedBy)}` : ''}`,
      head('details:'),
      ...Object.entries(i.details).map(([k, v]) => `  ${c(k)}: ${c(String(v))}`),
      head('timeline:'),
      ...timeline.map(
        (t) =>
          `  ${ink.dim(iso(t.at))}  ${t.kind.padEnd(16)} ${c(`${t.actor.kind}:${t.actor.id}${t.actor.via ? ` via ${t.actor.via}` : ''}`)}  ${c(t.text)}`,
      ),
      head('pages:'),
      ...(pages.length === 0
        ? ['  (none: no channel is routed for this severity)']
        : pages.map(
            (r) =>
              `  ${r.page.channel.padEnd(12)} ${r.page.action.padEnd(12)} ${statusStyle(ink, r.status)(r.status.padEnd(9))} attempts ${r.attempts}${r.lastError ? `  last error: ${ink.red(c(r.lastError))}` : ''}${r.status === 'pending' && r.nextAttemptAt > Date.now() ? `  next try ${iso(r.nextAttemptAt)}` : ''}`,
          )),
    ];
    io.stdout(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await p.store.close();
  }
}
