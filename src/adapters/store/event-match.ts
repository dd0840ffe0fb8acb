// `EventMatch` (src/ports.ts) three ways: a predicate for the memory store, and a WHERE clause for SQLite
// and PostgreSQL, which differ only in how they spell "contains" and "starts with" and their parameters.
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
    (e.tool !== null && !!m.toolEvents?.events.includes(e.event) && m.toolEvents.tools.includes(e.tool))
  );
}

export interface MatchDialect {
  /** Adds a value to the query's parameters and returns its placeholder. */
  param(value: unknown): string;
  /** `column` holds `needle`; each placeholder is used once, as SQLite numbers its `?` by position. */
  contains(column: string, needle: string): string;
  startsWith(column: string, prefix: string): string;
}

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
  return terms.length === 0 ? 'FALSE' : `(${terms.join(' OR ')})`;
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
