// Shapes shared by the evidence pack, the postmortem and the report.
import type { Incident, PageAction, TimelineEntry } from '../incidents/types.ts';

/**
 * A session's token use and cost, as transcript ingestion reports it. The evidence pack, the report and
 * the postmortem take it from an injected function; without one (or without a transcript) it is null
 * and every document says "not available" rather than showing 0.
 */
export interface CostLine {
  /** Every token: input, output, cache writes and cache reads. */
  tokens: number;
  /** USD at list prices; null when some of it could not be priced. */
  costUsd: number | null;
  /** The priced part when `costUsd` is null (a lower bound). */
  knownCostUsd?: number;
  models: string[];
}

/** One page of an incident as the outbox holds it. */
export interface PageDelivery {
  channel: string;
  action: PageAction;
  status: 'pending' | 'delivered' | 'failed';
  createdAt: number;
  deliveredAt: number | null;
  lastError: string | null;
}

export interface IncidentRecord {
  incident: Incident;
  timeline: TimelineEntry[];
  pages: PageDelivery[];
}
