// "Did you mean …?" for a mistyped command, flag or config key. Pure.

/**
 * Edit distance counting an insertion, a deletion, a substitution or a swap of two neighbours as one
 * step (optimal string alignment): `incidnets` is one step from `incidents`, as a typist would count it.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rows are enough: the swap looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * The known words a typo most likely meant, best first (at most three): the closest by edit distance,
 * when close enough to be a typo (one step for short words, a third of the word for longer ones), else
 * the words it is the start of (`cal` -> `calibrate`). Case does not matter. Empty when nothing is near.
 */
export function nearest(typed: string, known: Iterable<string>): string[] {
  const word = typed.toLowerCase();
  if (word === '') return [];
  const words = [...new Set(known)];
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best = Number.POSITIVE_INFINITY;
  let closest: string[] = [];
  for (const k of words) {
    const d = editDistance(word, k.toLowerCase());
    if (d > limit || d > best) continue;
    if (d < best) {
      best = d;
      closest = [];
    }
    closest.push(k);
  }
  if (closest.length > 0) return closest.slice(0, 3);
  if (word.length < 3) return [];
  return words.filter((k) => k.toLowerCase().startsWith(word)).slice(0, 3);
}

/** `"check"`, `"incident" or "incidents"`, `"a", "b" or "c"`: the suggestions as a reader says them. */
export function orList(words: string[], quote: (w: string) => string = (w) => `"${w}"`): string {
  const q = words.map(quote);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q.at(-1)}`;
}
