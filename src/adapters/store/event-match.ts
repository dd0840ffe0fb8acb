// `EventMatch` (src/ports.ts) three ways: a predicate for the memory store, and a WHERE clause for SQLite
// and PostgreSQL, which differ only in how they spell "contains" and "starts with" and their parameters.
import { isReportable, reportableSuperset } from '../../core/metrics/reportable.ts';
import type { LedgerEvent } from '../../core/session/types.ts';
import type { EventMatch, SessionEvents } from '../../ports.ts';

/** The event as a `lean` read returns it. */
export const leanEvent = (e: LedgerEvent): LedgerEvent => ({ ...e, effects: [], reason: null });

/** The columns of a read of events, in EVENT_COLUMNS order; a lean read leaves effects and reason out. */
export function eventSelect(columns: readonly string[], lean: boolean | undefined): string {
  if (!lean) return columns.join(', ');
  return columns
    .map((c) => (c === 'effects' ? `'[]' AS effects` : c === 'reason' ? 'NULL AS reason' : c))
    .join(', ');
}

export function matchesEvent(e: LedgerEvent, m: EventMatch): boolean {
  return (
    !!m.events?.includes(e.event) ||
    (e.tool !== null && !!m.tools?.includes(e.tool)) ||
    (e.verdict !== null && !!m.verdicts?.includes(e.verdict)) ||
    (e.rule !== null && !!m.rules?.includes(e.rule)) ||
    (e.rule !== null && !!m.rulePrefixes?.some((p) => e.rule!.startsWith(p))) ||
    (e.input !== null && !!m.inputContains?.some((s) => e.input!.includes(s))) ||
    (e.tool !== null && !!m.toolEvents?.events.includes(e.event) && m.toolEvents.tools.includes(e.tool)) ||
    (!!m.reportable && isReportable(e))
  );
}

export interface MatchDialect {
  /** Adds a value to the query's parameters and returns its placeholder. */
  param(value: unknown): string;
  /** `column` holds `needle`; each placeholder is used once, as SQLite numbers its `?` by position. */
  contains(column: string, needle: string): string;
  startsWith(column: string, prefix: string): string;
  /**
   * The column where the store wrote isReportable's answer (REPORTABLE), or undefined for a store without
   * one. Without it the SQL selects a superset, which `exactReportable` then narrows.
   */
  reportableColumn?: string;
}

/** The stored answer: 0 no, 1 yes, 2 a row written before the column, judged when read. */
export const REPORTABLE = { no: 0, yes: 1, unknown: 2 } as const;

export const reportableOf = (e: LedgerEvent): number => (isReportable(e) ? REPORTABLE.yes : REPORTABLE.no);

/** A boolean SQL expression for `m`; FALSE when it names nothing. */
export function matchSql(m: EventMatch, d: MatchDialect): string {
  const terms: string[] = [];
  const anyOf = (column: string, values: string[] | undefined) => {
    for (const v of values ?? []) terms.push(`${column} = ${d.param(v)}`);
  };
  anyOf('event', m.events);
  anyOf('tool', m.tools);
  anyOf('verdict', m.verdicts);
  anyOf('rule', m.rules);
  for (const p of m.rulePrefixes ?? []) terms.push(d.startsWith('rule', d.param(p)));
  for (const s of m.inputContains ?? []) terms.push(d.contains('input', d.param(s)));
  const te = m.toolEvents;
  if (te && te.events.length > 0 && te.tools.length > 0) {
    const inList = (column: string, values: string[]) =>
      `${column} IN (${values.map((v) => d.param(v)).join(', ')})`;
    terms.push(`(${inList('event', te.events)} AND ${inList('tool', te.tools)})`);
  }
  if (m.reportable) {
    const c = d.reportableColumn;
    // A literal, not a parameter: it must match the partial index's predicate for the planner to use it.
    if (c) terms.push(`${c} > ${REPORTABLE.no}`);
    else
      terms.push(
        `(${reportableSuperset({
          oneOf: (column, values) => `${column} IN (${values.map((v) => d.param(v)).join(', ')})`,
          equals: (column, value) => `${column} = ${d.param(value)}`,
          contains: (column, needle) => d.contains(column, d.param(needle)),
          startsWith: (column, prefix) => d.startsWith(column, d.param(prefix)),
        })})`,
      );
  }
  return terms.length === 0 ? 'FALSE' : `(${terms.join(' OR ')})`;
}

/**
 * The rows a `reportable` read returns, narrowed to the exact match: a row whose stored answer is yes is
 * kept as it is; one the store could not settle (no stored answer, or REPORTABLE.unknown) is judged here,
 * as the memory store judges it.
 */
export function exactReportable<T>(
  rows: readonly T[],
  m: EventMatch,
  eventOf: (row: T) => LedgerEvent,
  storedOf: (row: T) => number | null = () => null,
): LedgerEvent[] {
  const out: LedgerEvent[] = [];
  for (const row of rows) {
    const e = eventOf(row);
    if (!m.reportable || storedOf(row) === REPORTABLE.yes || matchesEvent(e, m)) out.push(e);
  }
  return out;
}

/**
 * Rows of (session, event) and each session's newest time, as the port returns them: in `ids` order.
 * The rows come in any order of sessions (a store reads them along its (session_id, id) index), each
 * session's oldest first.
 */
export function groupSessionEvents(
  ids: readonly string[],
  lastAt: Map<string, number | null>,
  events: readonly LedgerEvent[],
): SessionEvents[] {
  const bySession = new Map<string, LedgerEvent[]>(ids.map((id) => [id, []]));
  for (const e of events) bySession.get(e.sessionId)?.push(e);
  return ids.map((id) => ({
    sessionId: id,
    lastAt: lastAt.get(id) ?? null,
    events: bySession.get(id) ?? [],
  }));
}
