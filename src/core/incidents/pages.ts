// What a page says. Built once per (incident, channel, action) and queued; the channel adapters only
// format it. Text comes from signals that were redacted when they were made.
import type { Incident, Page, PageAction } from './types.ts';

export interface PageOptions {
  at: number;
  recipient?: string | null;
  /** Distinguishes repeated actions (escalation steps, repeat counts) in the exactly-once key. */
  occurrence?: string;
  /** Extra lines for the body (why this page now: an escalation step, a handoff). */
  note?: string;
  /** Commands to answer with, before the standard ones. */
  instructions?: string[];
}

const VERB: Record<PageAction, string> = {
  trigger: 'Triggered',
  repeat: 'Seen again',
  escalate: 'Escalated',
  acknowledge: 'Acknowledged',
  resolve: 'Resolved',
  handoff: 'Handoff',
  test: 'Test page',
};

export function pageKey(
  incidentId: string,
  channel: string,
  action: PageAction,
  occurrence?: string,
): string {
  return [incidentId, channel, action, ...(occurrence ? [occurrence] : [])].join('/');
}

export function standardInstructions(incident: Incident): string[] {
  const dir = `--dir ${quoteArg(incident.project)}`;
  if (incident.state === 'resolved' || incident.state === 'cancelled')
    return [`agent-sre incident show ${incident.id} ${dir}`];
  const approval = incident.source.kind === 'approval.requested' ? incident.details.Approval : undefined;
  const answer =
    typeof approval === 'string'
      ? [`agent-sre approve ${approval} ${dir}`, `agent-sre deny ${approval} --reason '...' ${dir}`]
      : [];
  return [
    ...answer,
    `agent-sre ack ${incident.id} ${dir}`,
    `agent-sre resolve ${incident.id} ${dir}`,
    `agent-sre incident show ${incident.id} ${dir}`,
  ];
}

export function quoteArg(s: string): string {
  return /^[\w./@:+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function incidentPage(incident: Incident, channel: string, action: PageAction, o: PageOptions): Page {
  const fields: Page['fields'] = [
    { label: 'Severity', value: incident.severity },
    { label: 'State', value: incident.state },
    { label: 'Source', value: incident.source.kind },
  ];
  if (incident.source.rule) fields.push({ label: 'Rule', value: incident.source.rule });
  if (incident.sessionId) fields.push({ label: 'Session', value: incident.sessionId });
  fields.push({ label: 'Project', value: incident.project });
  for (const [label, value] of Object.entries(incident.details))
    if (value !== null && value !== '') fields.push({ label, value: String(value) });
  if (incident.alertCount > 1) fields.push({ label: 'Seen', value: `${incident.alertCount} times` });
  const who =
    action === 'acknowledge' ? incident.acknowledgedBy : action === 'resolve' ? incident.resolvedBy : null;
  const head = `${VERB[action]} ${incident.id}${who ? ` by ${who}` : ''}`;
  return {
    key: pageKey(incident.id, channel, action, o.occurrence),
    channel,
    action,
    incidentId: incident.id,
    dedupKey: incident.dedupKey,
    severity: incident.severity,
    title: `[${incident.severity}] ${incident.id}: ${incident.title}`,
    body: [head, incident.title, ...(o.note ? [o.note] : [])].join('\n'),
    fields: fields.slice(0, 10),
    instructions: [...(o.instructions ?? []), ...standardInstructions(incident)],
    recipient: o.recipient ?? null,
    project: incident.project,
    sessionId: incident.sessionId,
    createdAt: o.at,
  };
}
