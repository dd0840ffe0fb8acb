// Outbox and record rows as both SQL stores hold them (the same column names in SQLite and PostgreSQL),
// and their port shapes.
import type { Page } from '../../core/incidents/types.ts';
import type { OutboxRow, OutboxStatus, StoredRecord } from '../../ports.ts';

export interface OutboxDbRow {
  id: number;
  page: string;
  status: OutboxStatus;
  attempts: number;
  not_before: number;
  next_attempt_at: number;
  last_error: string | null;
  detail: string | null;
  created_at: number;
  delivered_at: number | null;
}

export const OUTBOX_COLUMNS =
  'id, page, status, attempts, not_before, next_attempt_at, last_error, detail, created_at, delivered_at';

export function toOutboxRow(r: OutboxDbRow): OutboxRow {
  return {
    id: r.id,
    page: JSON.parse(r.page) as Page,
    status: r.status,
    attempts: r.attempts,
    notBefore: r.not_before,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    detail: r.detail,
    createdAt: r.created_at,
    deliveredAt: r.delivered_at,
  };
}

export interface RecordRow {
  id: string;
  created_at: number;
  data: string;
  mac: string | null;
}

export function toRecord<T>(kind: string, r: RecordRow): StoredRecord<T> {
  const rec: StoredRecord<T> = { kind, id: r.id, createdAt: r.created_at, data: JSON.parse(r.data) as T };
  if (r.mac !== null) rec.mac = r.mac;
  return rec;
}
