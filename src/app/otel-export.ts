// The OpenTelemetry export: a follower of the ledger in the long-lived process (`agent-sre serve`), never in
// the hook, whose environment Claude Code strips of every OTEL_* variable. Each poll reads what is new
// since the cursor kept in the ledger's meta (`otel.cursor`): events after the last exported id (read by
// id, as the team shipper reads them), and the incidents, gates and pages that changed. It exports them as
// log records and, once the collector has taken them, counts them into the metrics and moves the cursor.
// A crash between the collector's answer and the cursor's write exports that batch again: at-least-once at
// the exporter boundary. A normal stop exports what is left and repeats nothing.
import { describeOtlp, otlpSettings } from '../adapters/otel/config.ts';
import type { Telemetry, TelemetrySink } from '../adapters/otel/types.ts';
import type { Incident } from '../core/incidents/types.ts';
import { OPEN_STATES } from '../core/incidents/types.ts';
import type { LedgerEvent } from '../core/session/types.ts';
import type { LedgerStore, LedgerTx, OutboxRow } from '../ports.ts';
import { VERSION } from '../version.ts';
import { APPROVAL_KIND, type Approval } from './approvals.ts';
import { SPEND_KIND } from './cost.ts';
import { advance, emptyTrack, seqOf, type Track, type TrackItem } from './otel-cursor.ts';
import {
  approvalTelemetry,
  emptyTelemetry,
  eventTelemetry,
  INSTRUMENTS,
  incidentTelemetry,
  pageTelemetry,
} from './otel-records.ts';
import { type EventSource, sqliteEventSource } from './team/local-events.ts';

export const OTEL_CURSOR_KEY = 'otel.cursor';
/** On the first start, the newest events this many at most are exported: not a large ledger's whole past. */
export const FIRST_BACKLOG = 10_000;
const EVENT_CHUNK = 500;

interface Cursor {
  v: 1;
  /** The id of the last event exported. */
  events: number;
  incidents: Track;
  approvals: Track;
  outbox: Track;
}

export interface OtelExporterOptions {
  store: LedgerStore;
  /** The same ledger's events by id. */
  events: EventSource;
  sink: TelemetrySink;
  now: () => number;
  /** A channel's type (slack, pagerduty, ...) by its name in agent-sre.yaml. */
  channelType: (name: string) => string;
  log?: (line: string) => void;
}

export interface PollResult {
  /** Log records the collector accepted. */
  exported: number;
  /** False when the collector did not take a batch; the cursor stays, the next poll tries again. */
  ok: boolean;
}

export class OtelExporter {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<PollResult> | undefined;
  #failing = false;

  constructor(private readonly o: OtelExporterOptions) {}

  /** One pass; never overlaps another. */
  poll(): Promise<PollResult> {
    this.#running ??= this.#poll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.poll(), intervalMs);
    void this.poll();
  }

  /** Stop polling, export what is left, and shut the SDK down. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
    await this.poll();
    await this.o.sink.shutdown();
  }

  async #poll(): Promise<PollResult> {
    let exported = 0;
    try {
      let cursor = await this.#cursor();
      for (;;) {
        const step = await this.#eventStep(cursor);
        if (!step) break;
        if (!(await this.#ship(step.telemetry))) return this.#result(exported, false);
        cursor = { ...cursor, events: step.events };
        await this.#save(cursor);
        exported += step.telemetry.logs.length;
      }
      const rows = await this.#rowStep(cursor);
      if (rows.telemetry.logs.length + rows.telemetry.observations.length > 0) {
        if (!(await this.#ship(rows.telemetry))) return this.#result(exported, false);
        exported += rows.telemetry.logs.length;
      }
      if (JSON.stringify(rows.cursor) !== JSON.stringify(cursor)) await this.#save(rows.cursor);
      return this.#result(exported, true);
    } catch (err) {
      // A locked or briefly unreadable ledger: the next poll tries again from the same cursor.
      this.o.log?.(`OpenTelemetry export paused: ${(err as Error).message}`);
      return this.#result(exported, false);
    } finally {
      // Opened again on the next poll: a ledger replaced meanwhile (docs/ledger.md) is read afresh.
      this.o.events.close();
    }
  }

  #result(exported: number, ok: boolean): PollResult {
    if (!ok && !this.#failing)
      this.o.log?.('OpenTelemetry export: the collector did not accept a batch; retrying');
    if (ok && this.#failing) this.o.log?.('OpenTelemetry export: the collector accepts again');
    this.#failing = !ok;
    return { exported, ok };
  }

  async #ship(t: Telemetry): Promise<boolean> {
    if (!(await this.o.sink.exportLogs(t.logs))) return false;
    this.o.sink.observe(t.observations);
    return true;
  }

  async #cursor(): Promise<Cursor> {
    const raw = await this.o.store.transact(this.o.now(), (tx) => tx.meta(OTEL_CURSOR_KEY), {
      readonly: true,
    });
    if (raw) {
      try {
        const c = JSON.parse(raw) as Cursor;
        if (c.v === 1 && Number.isInteger(c.events)) return c;
      } catch {
        // Unreadable: start again as on a first start rather than stop exporting.
      }
    }
    return {
      v: 1,
      events: Math.max(0, (await this.o.events.last()) - FIRST_BACKLOG),
      incidents: emptyTrack(),
      approvals: emptyTrack(),
      outbox: emptyTrack(),
    };
  }

  #save(c: Cursor): Promise<void> {
    return this.o.store.transact(this.o.now(), (tx) => tx.setMeta(OTEL_CURSOR_KEY, JSON.stringify(c)));
  }

  /** The oldest unexported events, a chunk at most. */
  async #eventStep(c: Cursor): Promise<{ telemetry: Telemetry; events: number } | null> {
    const chunk = await this.o.events.after(c.events, EVENT_CHUNK);
    if (chunk.length === 0) return null;
    const events = chunk.map((s) => s.event);
    const spend = await this.#spendAtEnd(events);
    const telemetry = emptyTelemetry();
    for (const e of events)
      eventTelemetry(e, telemetry, e.event === 'SessionEnd' ? spend.get(e.sessionId) : undefined);
    return { telemetry, events: chunk[chunk.length - 1]!.seq };
  }

  async #spendAtEnd(events: LedgerEvent[]): Promise<Map<string, number>> {
    const ended = [...new Set(events.filter((e) => e.event === 'SessionEnd').map((e) => e.sessionId))];
    if (ended.length === 0) return new Map();
    return this.o.store.transact(
      this.o.now(),
      (tx) => {
        const m = new Map<string, number>();
        for (const id of ended) {
          const usd = tx.record<{ usd: number }>(SPEND_KIND, id)?.data.usd;
          if (typeof usd === 'number') m.set(id, usd);
        }
        return m;
      },
      { readonly: true },
    );
  }

  /** Incidents, gates and pages: what changed since the cursor, read in one transaction. */
  #rowStep(c: Cursor): Promise<{ telemetry: Telemetry; cursor: Cursor }> {
    return this.o.store.transact(
      this.o.now(),
      (tx) => {
        const telemetry = emptyTelemetry();
        const incidents = advance(c.incidents, incidentItems(tx, c.incidents));
        for (const ch of incidents.changes)
          incidentTelemetry(ch.item.incident, ch.item.timeline.slice(ch.from, ch.to), telemetry);
        const approvals = advance(
          c.approvals,
          tx.records<Approval>(APPROVAL_KIND).map((r) => {
            const progress = r.data.status === 'pending' ? 1 : 2;
            return { n: seqOf(r.id), item: r.data, progress, final: progress === 2 };
          }),
        );
        for (const ch of approvals.changes) approvalTelemetry(ch.item, ch.from, ch.to, telemetry);
        const outbox = advance(
          c.outbox,
          tx.outbox().map((row): TrackItem<OutboxRow> => {
            const settled = row.status !== 'pending';
            return { n: row.id, item: row, progress: settled ? 1 : 0, final: settled };
          }),
        );
        for (const ch of outbox.changes)
          pageTelemetry(ch.item, this.o.channelType(ch.item.page.channel), telemetry);
        return {
          telemetry,
          cursor: { ...c, incidents: incidents.next, approvals: approvals.next, outbox: outbox.next },
        };
      },
      { readonly: true },
    );
  }
}

function incidentItems(tx: LedgerTx, track: Track) {
  return tx
    .incidents()
    .filter((i) => seqOf(i.id) > track.done)
    .map((incident: Incident) => {
      const timeline = tx.timeline(incident.id);
      return {
        n: seqOf(incident.id),
        item: { incident, timeline },
        progress: timeline.length,
        final: !OPEN_STATES.includes(incident.state),
      };
    });
}

export interface StartOptions {
  env: Record<string, string | undefined>;
  /** The project whose ledger `store` is. */
  projectDir: string;
  store: LedgerStore;
  /** The project's channels, for the channel type on page records. */
  channels: Record<string, { type: string }>;
  /** The store's events by position; the project ledger's SQLite file when not given. */
  events?: EventSource;
  log?: (line: string) => void;
  now?: () => number;
}

export interface StartedExport {
  /** Where it exports, headers by name only: for serve's start-up line. */
  where: string;
  warnings: string[];
  stop(): Promise<void>;
}

// The standard batch delay for logs (OTEL_BLRP_SCHEDULE_DELAY, 1 s by default) paces the ledger polls.
function pollInterval(env: Record<string, string | undefined>): number {
  const n = Number(env.OTEL_BLRP_SCHEDULE_DELAY);
  return Number.isFinite(n) && n > 0 ? n : 1000;
}

/** Null when no OTEL_* variable asks for OTLP export; the SDK is loaded only otherwise. */
export async function startOtelExport(o: StartOptions): Promise<StartedExport | null> {
  const settings = otlpSettings(o.env);
  if (!settings) return null;
  const { startOtlpSink } = await import('../adapters/otel/sdk.ts');
  const sink = startOtlpSink({ settings, instruments: INSTRUMENTS, version: VERSION, env: o.env });
  const exporter = new OtelExporter({
    store: o.store,
    events: o.events ?? sqliteEventSource(o.projectDir),
    sink,
    now: o.now ?? Date.now,
    channelType: (name) => o.channels[name]?.type ?? 'unknown',
    ...(o.log ? { log: o.log } : {}),
  });
  exporter.start(pollInterval(o.env));
  return { where: describeOtlp(settings), warnings: settings.warnings, stop: () => exporter.stop() };
}
