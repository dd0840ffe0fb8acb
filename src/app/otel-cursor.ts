// How far the OpenTelemetry export has got through rows that change after they are written (incidents,
// approvals, outbox pages). Each row has a number that grows with creation (INC-<n>, APR-<n>, the outbox
// id) and a progress (timeline entries, asked/answered, settled). Rows up to `done` are finished and were
// exported to the end; `open` holds the progress exported for the rest. So the cursor stays as small as
// the set of unfinished rows, however long the ledger's history.

export interface Track {
  done: number;
  open: Record<string, number>;
}

export interface TrackItem<T> {
  n: number;
  item: T;
  progress: number;
  /** Nothing more will happen to it. */
  final: boolean;
}

export interface Change<T> {
  item: T;
  /** Progress already exported. */
  from: number;
  to: number;
}

export const emptyTrack = (): Track => ({ done: 0, open: {} });

/** The number in `INC-12` or `APR-3`; NaN for anything else. */
export function seqOf(id: string): number {
  const m = /-(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.NaN;
}

/** What to export now, and the track once it is exported. */
export function advance<T>(
  track: Track,
  items: readonly TrackItem<T>[],
): { changes: Change<T>[]; next: Track } {
  const live = items.filter((i) => Number.isFinite(i.n) && i.n > track.done).sort((a, b) => a.n - b.n);
  const changes: Change<T>[] = [];
  for (const i of live) {
    const from = track.open[String(i.n)] ?? 0;
    if (i.progress > from) changes.push({ item: i.item, from, to: i.progress });
  }
  let done = track.done;
  let k = 0;
  while (k < live.length && live[k]!.final) done = live[k++]!.n;
  const open: Record<string, number> = {};
  for (const i of live.slice(k)) if (i.progress > 0) open[String(i.n)] = i.progress;
  return { changes, next: { done, open } };
}
