// A PagerDuty v3 webhook body, read defensively. The shape (PagerDuty/developer-docs, docs/webhooks/
// 01-Overview.md "Webhook Payload"): one `event` with `id`, `event_type`, `occurred_at`, `agent` (who or what
// caused it: a `user_reference` for a person) and `data`, which for incident events is the incident with
// its `incident_key`, "the incident's de-duplication key": for an incident opened through the Events API v2
// that is the `dedup_key` we sent, which is our incident's dedupKey.
import { displayName, field, objectField, parseJson, stringField } from './json-fields.ts';

/** The event types that change an incident here; every other type is acknowledged and ignored. */
export const HANDLED_PD_EVENTS = [
  'incident.acknowledged',
  'incident.resolved',
  'incident.reassigned',
] as const;
export type HandledPdEvent = (typeof HANDLED_PD_EVENTS)[number];

export interface PdAgent {
  /** Only a PagerDuty user is a person; services and integrations (our own Events API calls) are not. */
  person: boolean;
  type: string | null;
  id: string | null;
  /** The user's name as PagerDuty shows it (`summary`), cleaned for the ledger. */
  name: string | null;
}

export interface PdIncident {
  /** PagerDuty's own id (`PGR0VU2`), for log lines. */
  id: string | null;
  /** Our dedup key when we opened the incident through the Events API; null otherwise. */
  incidentKey: string | null;
  assignees: string[];
}

export interface PdEvent {
  id: string;
  type: string;
  occurredAt: number | null;
  agent: PdAgent;
  /** Present when `data.type` is `incident`. */
  incident: PdIncident | null;
}

export type PdParse = { ok: true; event: PdEvent } | { ok: false; why: string };

export function parsePagerDutyWebhook(body: Uint8Array | string): PdParse {
  const json = parseJson(body);
  if (!json.ok) return { ok: false, why: 'the body is not JSON' };
  const event = objectField(json.value, 'event');
  if (!event) return { ok: false, why: 'no event object' };
  const id = stringField(event, 'id', 200);
  const type = stringField(event, 'event_type', 200);
  if (!id || !type) return { ok: false, why: 'the event has no id or event_type' };
  const occurred = stringField(event, 'occurred_at', 64);
  const occurredAt = occurred !== undefined ? Date.parse(occurred) : Number.NaN;
  const data = objectField(event, 'data');
  return {
    ok: true,
    event: {
      id,
      type,
      occurredAt: Number.isFinite(occurredAt) ? occurredAt : null,
      agent: agentOf(field(event, 'agent')),
      incident: data && field(data, 'type') === 'incident' ? incidentOf(data) : null,
    },
  };
}

function agentOf(raw: unknown): PdAgent {
  const type = stringField(raw, 'type', 100) ?? null;
  const id = stringField(raw, 'id', 100) ?? null;
  const summary = stringField(raw, 'summary', 500);
  const name = summary ? displayName(summary) || null : null;
  return { person: type === 'user_reference' && (name !== null || id !== null), type, id, name };
}

function incidentOf(data: unknown): PdIncident {
  const assigneesRaw = field(data, 'assignees');
  const assignees = Array.isArray(assigneesRaw)
    ? assigneesRaw
        .slice(0, 20)
        .map((a) => stringField(a, 'summary', 500))
        .filter((s): s is string => s !== undefined)
        .map((s) => displayName(s))
        .filter((s) => s.length > 0)
    : [];
  return {
    id: stringField(data, 'id', 100) ?? null,
    // PagerDuty caps dedup keys at 255 characters; anything longer cannot be one of ours.
    incidentKey: stringField(data, 'incident_key', 255) ?? null,
    assignees,
  };
}

export function isHandledPdEvent(type: string): type is HandledPdEvent {
  return (HANDLED_PD_EVENTS as readonly string[]).includes(type);
}
