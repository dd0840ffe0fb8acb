import type { Incident } from '../../core/incidents/types.ts';
import type { OutboxRow } from '../../ports.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';
import { ago, openProject } from '../project.ts';
import { severityStyle, statusStyle } from '../status-style.ts';
import type { Paint } from '../style.ts';
import { type Cell, renderTable } from '../table.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre incidents [--open] [--json] [--dir DIR]

List incidents raised by the hook: denials, escalated or terminated sessions, spent budgets and
approval requests. One incident per problem: repeats raise its count, they do not page again.
Delivery problems show here too (a channel that refused a page is not retried).

Options:
  --open      only incidents not yet resolved or cancelled
  --json      one JSON object per incident, with its deliveries
  --dir DIR   the project root (default: found at or above the current directory)

See one in full: agent-sre incident show INC-3
`;

export function deliverySummary(rows: OutboxRow[]): { delivered: number; pending: number; failed: string[] } {
  return {
    delivered: rows.filter((r) => r.status === 'delivered').length,
    pending: rows.filter((r) => r.status === 'pending').length,
    failed: rows
      .filter((r) => r.status === 'failed')
      .map((r) => `${r.page.channel} ${r.page.action}: ${r.lastError}`),
  };
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    { open: { type: 'boolean' }, json: { type: 'boolean' }, dir: { type: 'string' } },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const p = await openProject(values.dir, io);
  try {
    const now = Date.now();
    const list = await p.store.transact(
      now,
      (tx) =>
        tx
          .incidents(values.open ? { open: true } : {})
          .map((i) => ({ i, d: deliverySummary(tx.outbox({ incidentId: i.id })) })),
      { readonly: true },
    );
    if (values.json) {
      for (const { i, d } of list) io.stdout(`${JSON.stringify({ ...i, deliveries: d })}\n`);
      return 0;
    }
    if (list.length === 0) {
      io.stdout(values.open ? 'No open incidents.\n' : 'No incidents recorded.\n');
      return 0;
    }
    const { paint, columns } = terminalOf(io);
    const lines = renderTable(
      [
        { header: 'id' },
        { header: 'sev' },
        { header: 'state' },
        { header: 'age', align: 'right' },
        { header: 'seen', align: 'right' },
        { header: 'title', wrap: true },
      ],
      list.flatMap(({ i, d }) => [row(i, now, paint), ...deliveryNote(d, paint)]),
      { paint, width: columns },
    );
    io.stdout(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await p.store.close();
  }
}

function row(i: Incident, now: number, p: Paint): Cell[] {
  return [
    i.id,
    { text: i.severity, style: severityStyle(p, i.severity) },
    { text: i.state, style: statusStyle(p, i.state) },
    ago(now - i.milestones.detectedAt),
    String(i.alertCount),
    i.title,
  ];
}

/** Pages still waiting or refused, on a line of their own under the incident's title. */
function deliveryNote(d: ReturnType<typeof deliverySummary>, p: Paint): Cell[][] {
  const parts: string[] = [];
  if (d.pending > 0) parts.push(`${d.pending} page(s) waiting`);
  for (const f of d.failed) parts.push(`DELIVERY FAILED ${f}`);
  if (parts.length === 0) return [];
  return [['', '', '', '', '', { text: `↳ ${parts.join('; ')}`, style: d.failed.length ? p.red : p.yellow }]];
}
