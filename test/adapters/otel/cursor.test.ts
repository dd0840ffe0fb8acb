// The export cursor over rows that change after they are written: each change exported once, in any order
// of polls, and the cursor no bigger than the set of unfinished rows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, emptyTrack, seqOf, type Track, type TrackItem } from '../../../src/app/otel-cursor.ts';

const item = (n: number, progress: number, final = false): TrackItem<number> => ({
  n,
  item: n,
  progress,
  final,
});

describe('advance', () => {
  it('exports new progress once, and folds finished rows into done', () => {
    const a = advance(emptyTrack(), [item(1, 1), item(2, 2, true)]);
    expect(a.changes).toEqual([
      { item: 1, from: 0, to: 1 },
      { item: 2, from: 0, to: 2 },
    ]);
    // Row 1 is still open, so row 2 waits in `open` even though it is finished.
    expect(a.next).toEqual({ done: 0, open: { '1': 1, '2': 2 } });
    const b = advance(a.next, [item(1, 3, true), item(2, 2, true), item(3, 0)]);
    expect(b.changes).toEqual([{ item: 1, from: 1, to: 3 }]);
    expect(b.next).toEqual({ done: 2, open: {} });
    const c = advance(b.next, [item(1, 3, true), item(2, 2, true), item(3, 0)]);
    expect(c.changes).toEqual([]);
  });

  it('ignores ids it cannot number', () => {
    expect(seqOf('INC-12')).toBe(12);
    expect(Number.isNaN(seqOf('weird'))).toBe(true);
    expect(advance(emptyTrack(), [item(Number.NaN, 1)]).changes).toEqual([]);
  });

  it('over any history of rows growing and finishing, every step of every row is exported exactly once', () => {
    // Each row: how far it gets in each of a few polls (non-decreasing), the last poll final.
    const rows = fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 5 }), {
      maxLength: 8,
    });
    fc.assert(
      fc.property(rows, fc.integer({ min: 1, max: 6 }), (steps, polls) => {
        const seen = new Map<number, number>();
        let track: Track = emptyTrack();
        const at = (n: number, poll: number) => {
          const s = [...steps[n - 1]!].sort((x, y) => x - y);
          return s[Math.min(poll, s.length - 1)]!;
        };
        const last = (n: number) => Math.max(...steps[n - 1]!);
        for (let p = 0; p <= polls; p++) {
          const final = p === polls;
          const items = steps.map((_, i) => {
            const n = i + 1;
            const progress = final ? last(n) : at(n, p);
            return item(n, progress, final);
          });
          const { changes, next } = advance(track, items);
          for (const ch of changes) {
            if (ch.from !== (seen.get(ch.item) ?? 0)) return false;
            seen.set(ch.item, ch.to);
          }
          track = next;
        }
        return (
          steps.every((_, i) => (seen.get(i + 1) ?? 0) === last(i + 1)) &&
          Object.keys(track.open).length === 0
        );
      }),
    );
  });
});
