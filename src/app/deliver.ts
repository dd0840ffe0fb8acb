// The delivery worker: drains the outbox into the channels. Any number may run at once (the hook's
// detached flusher, `tick` from cron, `serve`): claims with a lease keep each page to one sender, and a
// page is only due when every earlier page of its incident on that channel is settled.
import type { Page } from '../core/incidents/types.ts';
import type { Channel, LedgerStore, LedgerTx, OutboxRow } from '../ports.ts';

export interface DeliverDeps {
  store: LedgerStore;
  channel: (name: string) => Channel | undefined;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** In [0, 1): jitter for backoff. */
  random: () => number;
  /** Identifies this worker's claims. */
  worker: string;
  /** How long a claim holds; longer than any one send can take. */
  leaseMs?: number;
}

export interface DrainOptions {
  /** Wait for pages due within this long (a Retry-After, a backoff); give up on later ones. */
  maxWaitMs: number;
  /** Stop starting new sends after this time. */
  deadline?: number;
}

export interface DrainReport {
  delivered: number;
  failed: number;
  retried: number;
  /** When the next pending page is due, if any is left. */
  nextDueAt: number | null;
}

const BASE_BACKOFF_MS = 2_000;
const MAX_BACKOFF_MS = 5 * 60_000;
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Exponential backoff with jitter; a channel's Retry-After wins when it gave one. */
export function retryDelay(attempts: number, random: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined && retryAfterMs >= 0) return Math.min(retryAfterMs, MAX_RETRY_AFTER_MS);
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.min(attempts, 20));
  return Math.round(ceiling * (0.5 + random / 2));
}

export async function drain(deps: DeliverDeps, opts: DrainOptions): Promise<DrainReport> {
  const report: DrainReport = { delivered: 0, failed: 0, retried: 0, nextDueAt: null };
  const leaseMs = deps.leaseMs ?? 120_000;
  const tx = <R>(fn: (tx: LedgerTx) => R) => deps.store.transact(deps.now(), fn);
  for (;;) {
    if (opts.deadline !== undefined && deps.now() >= opts.deadline) break;
    const rows = await tx((t) => t.claimDue(deps.worker, leaseMs, 16));
    if (rows.length === 0) {
      const next = await tx((t) => t.nextDueAt());
      const wait = next === null ? null : next - deps.now();
      if (wait === null || wait > opts.maxWaitMs) break;
      if (opts.deadline !== undefined && deps.now() + wait > opts.deadline) break;
      await deps.sleep(Math.max(wait, 1));
      continue;
    }
    for (const row of rows) await deliverOne(deps, row, report);
  }
  report.nextDueAt = await tx((t) => t.nextDueAt());
  return report;
}

async function deliverOne(deps: DeliverDeps, row: OutboxRow, report: DrainReport): Promise<void> {
  const { page } = row;
  const channel = deps.channel(page.channel);
  const tx = <R>(fn: (tx: LedgerTx) => R) => deps.store.transact(deps.now(), fn);
  if (!channel) {
    await tx((t) =>
      fail(t, deps.worker, row, `channel "${page.channel}" is not configured in agent-sre.yaml`),
    );
    report.failed++;
    return;
  }
  for (;;) {
    const wait = await tx((t) => t.reserveSend(channel.name, channel.minIntervalMs));
    if (wait <= 0) break;
    await deps.sleep(wait);
  }
  const ref = page.incidentId
    ? await tx((t) => t.channelRef(page.incidentId as string, page.channel))
    : undefined;
  let result: Awaited<ReturnType<Channel['send']>>;
  try {
    result = await channel.send(page, ref);
  } catch (err) {
    // Adapters promise not to throw; if one does, the page is kept and retried.
    result = { status: 'retry', error: `channel threw: ${(err as Error).message}` };
  }
  if (result.status === 'delivered') {
    const delivered = result;
    await tx((t) => {
      if (!t.settle(row.id, deps.worker, { status: 'delivered', detail: delivered.detail ?? null })) return;
      if (page.incidentId && delivered.ref) t.setChannelRef(page.incidentId, page.channel, delivered.ref);
      notePaged(t, page);
    });
    report.delivered++;
  } else if (result.status === 'failed') {
    const error = result.error;
    await tx((t) => fail(t, deps.worker, row, error));
    report.failed++;
  } else {
    const next = deps.now() + retryDelay(row.attempts, deps.random(), result.retryAfterMs);
    const error = result.error;
    await tx((t) => t.settle(row.id, deps.worker, { status: 'retry', error, nextAttemptAt: next }));
    report.retried++;
  }
}

function fail(t: LedgerTx, worker: string, row: OutboxRow, error: string): void {
  if (!t.settle(row.id, worker, { status: 'failed', error })) return;
  const { page } = row;
  if (!page.incidentId) return;
  t.addTimeline(page.incidentId, [
    {
      at: t.now,
      kind: 'delivery_failed',
      actor: { kind: 'system', id: 'delivery' },
      text: `${page.action} to ${page.channel} failed and will not be retried: ${error}`,
    },
  ]);
}

function notePaged(t: LedgerTx, page: Page): void {
  if (!page.incidentId) return;
  const incident = t.incident(page.incidentId);
  if (!incident) return;
  t.addTimeline(page.incidentId, [
    {
      at: t.now,
      kind: 'paged',
      actor: { kind: 'system', id: 'delivery' },
      text: `${page.action} delivered to ${page.channel}${page.recipient ? ` for ${page.recipient}` : ''}.`,
    },
  ]);
  if ((page.action === 'trigger' || page.action === 'escalate') && incident.milestones.pagedAt === null)
    t.saveIncident({ ...incident, milestones: { ...incident.milestones, pagedAt: t.now } });
}
