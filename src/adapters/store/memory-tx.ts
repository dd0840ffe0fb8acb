// LedgerTx over plain maps: the reference semantics for the incident tables (SQLite must agree; see
// test/contracts/ledger-store.ts). The memory store snapshots this data around each transaction.
import {
  type ChannelRef,
  type Incident,
  OPEN_STATES,
  type TimelineEntry,
} from '../../core/incidents/types.ts';
import type { IncidentQuery, LedgerTx, OutboxQuery, OutboxRow, StoredRecord } from '../../ports.ts';

export interface IncidentData {
  incidents: Map<string, { seq: number; incident: Incident }>;
  timeline: Array<{ incidentId: string; entry: TimelineEntry }>;
  outbox: Array<OutboxRow & { key: string; claimedBy: string | null; claimUntil: number | null }>;
  refs: Map<string, ChannelRef>;
  slots: Map<string, number>;
  seqs: Map<string, number>;
  records: Map<string, StoredRecord>;
  meta: Map<string, string>;
  rowSeq: number;
}

export function emptyIncidentData(): IncidentData {
  return {
    incidents: new Map(),
    timeline: [],
    outbox: [],
    refs: new Map(),
    slots: new Map(),
    seqs: new Map(),
    records: new Map(),
    meta: new Map(),
    rowSeq: 0,
  };
}

const copy = <T>(v: T): T => structuredClone(v);

function publicRow(r: IncidentData['outbox'][number]): OutboxRow {
  const { key: _k, claimedBy: _c, claimUntil: _u, ...row } = r;
  return copy(row);
}

export function memoryTx(d: IncidentData, now: number): LedgerTx {
  const byDetected = () =>
    [...d.incidents.values()].sort(
      (a, b) => a.incident.milestones.detectedAt - b.incident.milestones.detectedAt || a.seq - b.seq,
    );
  const heads = () => {
    const seen = new Set<string>();
    const out: IncidentData['outbox'] = [];
    for (const r of d.outbox) {
      if (r.status !== 'pending') continue;
      const group = `${r.page.channel}\u0000${r.page.incidentId ?? ''}`;
      if (seen.has(group)) continue;
      seen.add(group);
      out.push(r);
    }
    return out;
  };
  return {
    now,
    incident: (id) => copy(d.incidents.get(id)?.incident),
    incidentByDedup: (key) =>
      copy(
        byDetected()
          .filter((e) => e.incident.dedupKey === key)
          .at(-1)?.incident,
      ),
    incidents: (q: IncidentQuery = {}) =>
      byDetected()
        .map((e) => e.incident)
        .filter((i) => !q.open || OPEN_STATES.includes(i.state))
        .filter((i) => q.sessionId === undefined || i.sessionId === q.sessionId)
        .map(copy),
    nextSeq: (name) => {
      const v = (d.seqs.get(name) ?? 0) + 1;
      d.seqs.set(name, v);
      return v;
    },
    saveIncident: (inc) => {
      const prev = d.incidents.get(inc.id);
      d.incidents.set(inc.id, { seq: prev?.seq ?? ++d.rowSeq, incident: copy(inc) });
    },
    addTimeline: (incidentId, entries) => {
      for (const entry of entries) d.timeline.push({ incidentId, entry: copy(entry) });
    },
    timeline: (incidentId) => d.timeline.filter((t) => t.incidentId === incidentId).map((t) => copy(t.entry)),
    enqueue: (pages) => {
      let added = 0;
      for (const { page, notBefore } of pages) {
        if (d.outbox.some((r) => r.key === page.key)) continue;
        d.outbox.push({
          id: d.outbox.length + 1,
          key: page.key,
          page: copy(page),
          status: 'pending',
          attempts: 0,
          notBefore,
          nextAttemptAt: notBefore,
          lastError: null,
          detail: null,
          createdAt: now,
          deliveredAt: null,
          claimedBy: null,
          claimUntil: null,
        });
        added++;
      }
      return added;
    },
    outbox: (q: OutboxQuery = {}) =>
      d.outbox
        .filter((r) => q.incidentId === undefined || r.page.incidentId === q.incidentId)
        .filter((r) => q.status === undefined || r.status === q.status)
        .map(publicRow),
    claimDue: (worker, leaseMs, limit) => {
      const due = heads()
        .filter((r) => r.nextAttemptAt <= now && (r.claimUntil === null || r.claimUntil <= now))
        .slice(0, limit);
      for (const r of due) {
        r.claimedBy = worker;
        r.claimUntil = now + leaseMs;
      }
      return due.map(publicRow);
    },
    settle: (id, worker, outcome) => {
      const r = d.outbox.find((x) => x.id === id);
      if (!r || r.claimedBy !== worker || r.status !== 'pending') return false;
      r.attempts++;
      r.claimedBy = null;
      r.claimUntil = null;
      if (outcome.status === 'delivered') {
        r.status = 'delivered';
        r.deliveredAt = now;
        r.detail = outcome.detail;
      } else if (outcome.status === 'failed') {
        r.status = 'failed';
        r.lastError = outcome.error;
      } else {
        r.lastError = outcome.error;
        r.nextAttemptAt = outcome.nextAttemptAt;
      }
      return true;
    },
    nextDueAt: () => {
      const times = heads()
        .filter((r) => r.claimUntil === null || r.claimUntil <= now)
        .map((r) => r.nextAttemptAt);
      return times.length ? Math.min(...times) : null;
    },
    channelRef: (incidentId, channel) => copy(d.refs.get(`${incidentId}\u0000${channel}`)),
    setChannelRef: (incidentId, channel, ref) => {
      d.refs.set(`${incidentId}\u0000${channel}`, copy(ref));
    },
    reserveSend: (channel, minIntervalMs) => {
      const next = d.slots.get(channel);
      if (next !== undefined && next > now) return next - now;
      d.slots.set(channel, now + minIntervalMs);
      return 0;
    },
    record: <T>(kind: string, id: string) =>
      copy(d.records.get(`${kind}\u0000${id}`)) as StoredRecord<T> | undefined,
    records: <T>(kind: string) =>
      [...d.records.values()]
        .filter((r) => r.kind === kind)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((r) => copy(r) as StoredRecord<T>),
    putRecord: (rec) => {
      const key = `${rec.kind}\u0000${rec.id}`;
      const prev = d.records.get(key);
      d.records.set(key, copy({ ...rec, createdAt: prev?.createdAt ?? rec.createdAt }));
    },
    meta: (key) => d.meta.get(key),
    setMeta: (key, value) => {
      d.meta.set(key, value);
    },
  };
}
