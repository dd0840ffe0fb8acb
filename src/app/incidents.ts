// Incident bookkeeping on a LedgerTx: signals in, incident changes and outbox pages out, all inside the
// caller's transaction. Pure decisions live in src/core/incidents and src/core/escalation.
import { tick } from '../core/escalation/tick.ts';
import type { PagingSettings } from '../core/incidents/config.ts';
import { type IncidentAction, transition } from '../core/incidents/lifecycle.ts';
import { incidentPage, type PageOptions } from '../core/incidents/pages.ts';
import { dedupKeyOf, isOpen, raise } from '../core/incidents/raise.ts';
import type { Actor, Incident, Page, PageAction, Signal } from '../core/incidents/types.ts';
import { isWorkingHours, nextWorkingHoursStart } from '../core/oncall/schedule.ts';
import type { Override } from '../core/oncall/types.ts';
import type { LedgerTx } from '../ports.ts';

export const OVERRIDE_KIND = 'oncall.override';

export function overridesOf(tx: LedgerTx): Override[] {
  return tx.records<Override>(OVERRIDE_KIND).map((r) => r.data);
}

/** When a page to `channel` may go out: now, or for SEV3/SEV4 outside working hours, when they begin. */
function notBefore(settings: PagingSettings, incident: Incident, channel: string, at: number): number {
  const cfg = settings.channels[channel];
  const quiet = cfg?.quietHours ?? cfg?.type !== 'file';
  if (!quiet || incident.severity === 'SEV1' || incident.severity === 'SEV2') return at;
  return isWorkingHours(settings.oncall, at) ? at : nextWorkingHoursStart(settings.oncall, at);
}

/**
 * Queue pages for an incident. A trigger goes to a channel once; later escalation steps to a channel
 * already paged are reminders. Records the channels triggered so acknowledge and resolve reach them all.
 */
function queue(
  tx: LedgerTx,
  settings: PagingSettings,
  incident: Incident,
  sends: Array<{ channel: string; action: PageAction; opts?: Omit<PageOptions, 'at'> }>,
): { incident: Incident; queued: number } {
  const paged = new Set(incident.pagedChannels);
  const pages: Array<{ page: Page; notBefore: number }> = [];
  for (const s of sends) {
    if (!settings.channels[s.channel]) continue;
    // A channel's first page is its trigger; later ones for the same incident are reminders.
    const paging = s.action === 'trigger' || s.action === 'escalate';
    const action: PageAction = paging ? (paged.has(s.channel) ? 'escalate' : 'trigger') : s.action;
    if ((action === 'escalate' || action === 'repeat') && !s.opts?.occurrence) continue;
    if (action === 'trigger') paged.add(s.channel);
    const page = incidentPage(incident, s.channel, action, { ...s.opts, at: tx.now });
    pages.push({ page, notBefore: notBefore(settings, incident, s.channel, tx.now) });
  }
  const next = { ...incident, pagedChannels: [...paged] };
  return { incident: next, queued: tx.enqueue(pages) };
}

/** Advance an incident's escalation policy to `tx.now`, queueing the pages it calls for. */
function escalate(
  tx: LedgerTx,
  settings: PagingSettings,
  incident: Incident,
): { incident: Incident; queued: number } {
  const policy = settings.escalation.policies[incident.escalation.policy];
  if (!policy || !isOpen(incident)) return { incident, queued: 0 };
  const r = tick(incident, policy, settings.oncall, overridesOf(tx), tx.now);
  tx.addTimeline(incident.id, r.timeline);
  const stepped = { ...incident, escalation: r.cursor };
  return queue(
    tx,
    settings,
    stepped,
    r.notify.map((n) => ({
      channel: n.channel,
      action: 'trigger' as const,
      opts: {
        recipient: n.recipient,
        occurrence: n.fallback ? 'fallback' : `${n.loop}.${n.step}`,
        note: n.why,
      },
    })),
  );
}

export interface RaiseResult {
  incidents: Incident[];
  queued: number;
}

/** Fold signals into incidents and queue their pages. */
export function raiseSignals(tx: LedgerTx, signals: Signal[], settings: PagingSettings): RaiseResult {
  const out: RaiseResult = { incidents: [], queued: 0 };
  for (const signal of signals) {
    const existing = tx.incidentByDedup(dedupKeyOf(signal));
    const raised = raise(existing, signal, raiseConfig(settings), () => `INC-${tx.nextSeq('incident')}`);
    let incident = raised.incident;
    tx.addTimeline(incident.id, raised.timeline);
    let queued = 0;
    if (raised.created) {
      const routed = queue(
        tx,
        settings,
        incident,
        raised.channels.map((channel) => ({ channel, action: 'trigger' as const })),
      );
      const stepped = escalate(tx, settings, routed.incident);
      incident = stepped.incident;
      queued = routed.queued + stepped.queued;
    } else if (isPowerOfTwo(incident.alertCount)) {
      // Repeats never re-page; channels that keep a thread (GitHub issues) get a note at 2, 4, 8, ...
      // sightings, so a looping agent is visible there without flooding it.
      const threaded = incident.pagedChannels.filter((c) => settings.channels[c]?.type === 'github');
      const r = queue(
        tx,
        settings,
        incident,
        threaded.map((channel) => ({
          channel,
          action: 'repeat' as const,
          opts: { occurrence: String(incident.alertCount) },
        })),
      );
      incident = r.incident;
      queued = r.queued;
    }
    tx.saveIncident(incident);
    out.incidents.push(incident);
    out.queued += queued;
  }
  return out;
}

const isPowerOfTwo = (n: number) => n > 1 && (n & (n - 1)) === 0;

function raiseConfig(settings: PagingSettings) {
  return {
    severity: settings.severity,
    routing: settings.routing,
    defaultEscalation: settings.escalation.default ?? null,
  };
}

/** A human answers an incident (ack, mitigate, resolve) or the system cancels it; every paged channel hears. */
export function answerIncident(
  tx: LedgerTx,
  id: string,
  action: IncidentAction,
  actor: Actor,
  settings: PagingSettings,
  note?: string,
): { incident: Incident; queued: number } {
  const current = tx.incident(id);
  if (!current) throw new Error(`no incident ${id}`);
  const moved = transition(current, action, actor, tx.now, note);
  tx.addTimeline(id, moved.timeline);
  const pageAction: PageAction | null =
    action === 'acknowledge' ? 'acknowledge' : action === 'resolve' || action === 'cancel' ? 'resolve' : null;
  const r = pageAction
    ? queue(
        tx,
        settings,
        moved.incident,
        moved.incident.pagedChannels.map((channel) => ({ channel, action: pageAction })),
      )
    : { incident: moved.incident, queued: 0 };
  tx.saveIncident(r.incident);
  return r;
}

/** Run every open incident's escalation to now. */
export function escalateAll(tx: LedgerTx, settings: PagingSettings): number {
  let queued = 0;
  for (const incident of tx.incidents({ open: true })) {
    if (incident.state !== 'triggered' || incident.escalation.exhausted) continue;
    const r = escalate(tx, settings, incident);
    if (r.queued > 0 || JSON.stringify(r.incident.escalation) !== JSON.stringify(incident.escalation))
      tx.saveIncident(r.incident);
    queued += r.queued;
  }
  return queued;
}
