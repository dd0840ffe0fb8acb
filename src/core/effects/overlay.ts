// Files as an earlier command on the same line left them. `npm pkg set scripts.test=X && npm test`
// runs X, not what package.json held before the line: a writer whose result we can compute records
// the new text here, and a runner reads through it. A write we could not follow (any other write
// effect on the file after the last recorded text) makes the file's content unknown.
import { globToRegExp } from '../glob.ts';
import { isUnder } from '../paths.ts';
import type { Sink } from './sink.ts';

interface Known {
  /** The new text; undefined when the writer's result cannot be computed. */
  text: string | undefined;
  /** Effects before this index were already there when the text was recorded. */
  at: number;
  /** The writer's own write effects carry this origin and do not make the text stale. */
  origin: string;
}

const overlays = new WeakMap<Sink, Map<string, Known>>();

/** Record what `origin` leaves in `path` (undefined: something we cannot compute). */
export function noteFile(sink: Sink, path: string, text: string | undefined, origin: string): void {
  const m = overlays.get(sink) ?? new Map<string, Known>();
  overlays.set(sink, m);
  m.set(path, { text, at: sink.effects.length, origin });
}

export type FileState =
  | { state: 'disk'; text: string }
  | { state: 'changed'; text: string }
  | { state: 'unknown'; by: string }
  | { state: 'missing' };

/** The text `path` holds at this point of the command line (or before effect `upTo`). */
export function fileNow(sink: Sink, path: string, upTo = sink.effects.length): FileState {
  let known = overlays.get(sink)?.get(path);
  if (known && known.at > upTo) known = undefined;
  const from = known ? known.at : 0;
  const base = path.slice(path.lastIndexOf('/') + 1);
  for (let i = upTo - 1; i >= from; i--) {
    const e = sink.effects[i]!;
    // A download whose output flag was not parsed (`curl -so package.json URL`) still names the file.
    if (e.kind === 'net' && e.origin.includes(base) && (!known || e.origin !== known.origin))
      return { state: 'unknown', by: e.origin };
    if (e.kind !== 'write' || (known && e.origin === known.origin)) continue;
    // A tree copied or extracted over the file's directory may replace it too.
    if (
      e.path === path ||
      (e.tags.includes('recursive') && isUnder(path, e.path)) ||
      (e.tags.includes('glob') && e.path.length < 4096 && globToRegExp(e.path, sink.ctx.home).test(path))
    ) {
      if (e.tags.includes('deferred')) continue;
      return { state: 'unknown', by: e.origin };
    }
  }
  if (known)
    return known.text === undefined
      ? { state: 'unknown', by: known.origin }
      : { state: 'changed', text: known.text };
  const text = sink.ctx.readScript?.(path);
  return text === undefined ? { state: 'missing' } : { state: 'disk', text };
}

/** The text `path` holds now, whether from disk or from an earlier writer on the line. */
export function textNow(sink: Sink, path: string): string | undefined {
  const f = fileNow(sink, path);
  return f.state === 'disk' || f.state === 'changed' ? f.text : undefined;
}

/** True when a write effect on `path` was emitted by `origin` (a download's output file, say). */
export function writtenBy(
  sink: Sink,
  path: string,
  test: (e: { origin: string; tags: string[] }) => boolean,
): boolean {
  return sink.effects.some((e) => e.kind === 'write' && e.path === path && test(e));
}
