// Interfaces the app layer needs from the outside world. Types only.

import type { ChannelRef, DeliveryResult, Incident, Page, TimelineEntry } from './core/incidents/types.ts';
import type { LedgerEvent, SessionState } from './core/session/types.ts';

export interface Transition<R = unknown> {
  sessionId: string;
  /** The caller's clock, handed to `apply`'s LedgerTx. Needed when `apply` raises incidents. */
  now?: number;
  /** Files this event touched. The store de-duplicates them per session. */
  files?: string[];
  /**
   * Pure step, run inside the store's write transaction: given the current state (`undefined`
   * for a session never seen) and how many of `files` are new to the session, return the next
   * state and the event to append. `result` is handed back to the caller untouched.
   */
  apply(
    state: SessionState | undefined,
    newFiles: number,
    tx: LedgerTx,
  ): { state: SessionState; event: LedgerEvent; result: R };
}

export interface SessionSummary {
  state: SessionState;
  /** Hook events recorded for the session. */
  events: number;
}

/** Events selected by what they are: an event matches when any one of the lists names it. */
export interface EventMatch {
  events?: string[];
  tools?: string[];
  verdicts?: string[];
  rules?: string[];
  /** Rules starting with one of these. */
  rulePrefixes?: string[];
  /** Inputs containing one of these strings. */
  inputContains?: string[];
  /** Events that are both one of `events` and a call of one of `tools` (e.g. a shell call's outcome). */
  toolEvents?: { events: string[]; tools: string[] };
  /**
   * Events `isReportable` (src/core/metrics/reportable.ts) holds true for: what a fleet report reads.
   * A store may decide it when it writes the event, and index it.
   */
  reportable?: boolean;
  /**
   * Read the events without their effects and reason (`[]` and null): for a reader that counts and
   * follows commands, as the report does, so a large store sends and parses a fraction of each row.
   */
  lean?: boolean;
}

/** One session's events as a report reads them. */
export interface SessionEvents {
  sessionId: string;
  /** The time of the session's newest event, matched or not; null for a session without events. */
  lastAt: number | null;
  /** Only the events `match` selects, oldest first. */
  events: LedgerEvent[];
}

export interface EventQuery {
  sessionId?: string;
  /** Newest first when set; oldest first otherwise. */
  limit?: number;
}

/**
 * The evidence ledger. `commit` is atomic: the event and the state change it causes land
 * together or not at all, even with many processes writing at once.
 */
export interface LedgerStore {
  readonly name: string;
  commit<R>(t: Transition<R>): Promise<R>;
  getSession(sessionId: string): Promise<SessionState | undefined>;
  listSessions(): Promise<SessionSummary[]>;
  events(q?: EventQuery): Promise<LedgerEvent[]>;
  /**
   * For reports over many events: the given sessions (in that order) with only the events `match`
   * selects, in one read, so a report reads what it uses rather than every event.
   */
  sessionEvents(sessionIds: readonly string[], match: EventMatch): Promise<SessionEvents[]>;
  /**
   * Run `fn` in one transaction: a write transaction (taken before the first read) unless `readonly`.
   * `now` is the time the caller's clock gives; the store itself never reads a clock.
   */
  transact<R>(now: number, fn: (tx: LedgerTx) => R, opts?: { readonly?: boolean }): Promise<R>;
  close(): Promise<void>;
}

/**
 * A paging channel (PagerDuty, Slack, GitHub issues, a webhook, a JSONL file). `send` never throws:
 * every outcome, network errors included, is a DeliveryResult, so the delivery worker alone decides
 * about retries. Credentials are the adapter's business; the page carries none.
 */
export interface Channel {
  /** The name given in agent-sre.yaml. */
  readonly name: string;
  readonly type: ChannelType;
  /** The least time between two sends to this channel (its documented rate limit). */
  readonly minIntervalMs: number;
  send(page: Page, ref: ChannelRef | undefined): Promise<DeliveryResult>;
}

export type ChannelType = 'pagerduty' | 'slack' | 'github' | 'webhook' | 'file';

/** A durable record kept by id: approvals, schedule overrides. */
export interface StoredRecord<T = unknown> {
  kind: string;
  id: string;
  createdAt: number;
  data: T;
  /** A human's MAC over what the record says (approvals); absent on records nobody signed. */
  mac?: string;
}

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

/** One page in the outbox, with its delivery state. */
export interface OutboxRow {
  id: number;
  page: Page;
  status: OutboxStatus;
  attempts: number;
  /** Not before this time (quiet hours). */
  notBefore: number;
  /** The next try, after backoff. */
  nextAttemptAt: number;
  lastError: string | null;
  detail: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

export interface OutboxQuery {
  incidentId?: string;
  status?: OutboxStatus;
}

export interface IncidentQuery {
  open?: boolean;
  sessionId?: string;
}

/**
 * Incident bookkeeping inside one transaction. Synchronous so that a hook's event, its session state,
 * the incidents it raises and their outbox rows all commit together or not at all.
 */
export interface LedgerTx {
  readonly now: number;
  incident(id: string): Incident | undefined;
  /** The newest incident with this dedup key, whatever its state. */
  incidentByDedup(dedupKey: string): Incident | undefined;
  incidents(q?: IncidentQuery): Incident[];
  /** Next value of a named sequence, starting at 1 (INC-1, APR-1). */
  nextSeq(name: string): number;
  saveIncident(incident: Incident): void;
  addTimeline(incidentId: string, entries: TimelineEntry[]): void;
  timeline(incidentId: string): TimelineEntry[];
  /** Queue pages; a page whose key is already queued is skipped. Returns how many were new. */
  enqueue(pages: Array<{ page: Page; notBefore: number }>): number;
  outbox(q?: OutboxQuery): OutboxRow[];
  /**
   * Claim up to `limit` due pages for `worker` until `now + leaseMs`. Only the oldest unfinished page of
   * each (incident, channel) is due, so a channel sees one incident's pages in order.
   */
  claimDue(worker: string, leaseMs: number, limit: number): OutboxRow[];
  /** Settle a claimed page. False when the claim was lost (the lease ran out and another took it). */
  settle(
    id: number,
    worker: string,
    outcome:
      | { status: 'delivered'; detail: string | null }
      | { status: 'failed'; error: string }
      | { status: 'retry'; error: string; nextAttemptAt: number },
  ): boolean;
  /**
   * Earliest time a pending page nobody holds becomes due, or null. Pages claimed by another worker
   * are its business; should it die, the page is due again when its lease lapses.
   */
  nextDueAt(): number | null;
  channelRef(incidentId: string, channel: string): ChannelRef | undefined;
  setChannelRef(incidentId: string, channel: string, ref: ChannelRef): void;
  /** Reserve the next send slot of a rate-limited channel: 0 when reserved now, else ms to wait. */
  reserveSend(channel: string, minIntervalMs: number): number;
  record<T>(kind: string, id: string): StoredRecord<T> | undefined;
  records<T>(kind: string): StoredRecord<T>[];
  putRecord<T>(rec: StoredRecord<T>): void;
  meta(key: string): string | undefined;
  setMeta(key: string, value: string): void;
}

/** Where a shipped event came from: one project checkout on one machine, run by one user. */
export interface Origin {
  /** A stable id of the machine (not its hostname alone: two laptops may share one). */
  machine: string;
  /** The OS user the agent ran as. */
  user: string;
  /** The project's tag (src/adapters/fs/project-tag.ts), the same for every checkout of one path. */
  project: string;
  /**
   * The project's name across the team, the same for every clone: `team.project`, else the normalized
   * URL of the `origin` remote, else the folder's name. Team incidents are keyed by it.
   */
  projectId?: string;
  /** The local ledger's id (its header): a ledger replaced after an integrity problem is a new stream. */
  ledger?: string;
}

/** One local ledger event on its way to the team store, with the session state it left behind. */
export interface ShippedItem {
  /** The event's id in the local ledger: increasing per (machine, project) stream. */
  seq: number;
  event: LedgerEvent;
  state: SessionState;
}

/** What one stream's shipper sends in one request. */
export interface ShipBatch {
  origin: Origin;
  /** In increasing `seq`. */
  items: ShippedItem[];
  /** The stream's spend per UTC day so far (cumulative, so a repeat is harmless). */
  spend?: Array<{ day: string; usd: number }>;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  /** The stream's high-water mark after this batch: the shipper's cursor. */
  highWater: number;
}

/** A session in the team store, labelled with where it ran. */
export interface TeamSessionSummary extends SessionSummary {
  origin: Origin | null;
}

/**
 * The team's ledger: every machine's events, each exactly once. A LedgerStore too, so incidents, the
 * outbox, rotation and the reports run on it as they do on a project's own ledger.
 */
export interface TeamStore extends LedgerStore {
  /**
   * One transaction: items at or below the stream's high-water mark are duplicates and change nothing;
   * the rest append their event, replace their session's state and label the session with `origin`.
   */
  ingest(batch: ShipBatch): Promise<IngestResult>;
  highWater(origin: Origin): Promise<number>;
  teamSessions(): Promise<TeamSessionSummary[]>;
  /** Spend per stream on a UTC day (the highest figure each stream reported). */
  fleetSpend(day: string): Promise<Array<{ origin: Origin; usd: number }>>;
  /**
   * The store's events in the order they became visible, after `seq` (a position this method gave, 0 for
   * the start): what a follower (the OpenTelemetry export) reads, never missing one that committed late.
   */
  eventsAfter(seq: number, limit: number): Promise<Array<{ seq: number; event: LedgerEvent }>>;
  /** The newest position, 0 for none. */
  lastEventSeq(): Promise<number>;
}
