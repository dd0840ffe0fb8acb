// An Edit is judged by the file it leaves behind, not only by its new text: a line inserted into a
// script without a `.sh` name is only known to run once the file's shebang is seen, and a
// `DIR=build` changed to `DIR=~` only means something next to the `rm -rf "$DIR"` it feeds. What
// the edit adds is what the whole new file would do that the old one did not.
import type { Effect } from '../types.ts';
import { createSink, MAX_EFFECTS, type Scope, type Sink } from './sink.ts';

export interface TextEdit {
  oldString: string;
  newString: string;
  replaceAll?: boolean;
}

/** The tool input's edits (`Edit` or `MultiEdit`), in order; malformed entries are skipped. */
export function editsOf(tool: string, input: Record<string, unknown>): TextEdit[] {
  const one = (e: unknown): TextEdit | undefined => {
    if (!e || typeof e !== 'object') return undefined;
    const r = e as Record<string, unknown>;
    if (typeof r.old_string !== 'string' || typeof r.new_string !== 'string') return undefined;
    return { oldString: r.old_string, newString: r.new_string, replaceAll: r.replace_all === true };
  };
  const list = tool === 'MultiEdit' ? (Array.isArray(input.edits) ? input.edits : []) : [input];
  return list.map(one).filter((e): e is TextEdit => e !== undefined);
}

/**
 * The text after the edits, as Claude Code applies them: each `oldString` must be found (the first
 * occurrence, or all with `replaceAll`). Undefined when one is missing: the tool would fail.
 */
export function applyEdits(before: string, edits: readonly TextEdit[]): string | undefined {
  let text = before;
  for (const e of edits) {
    if (e.oldString === '') {
      // An empty old string only creates a file; on an existing one Claude Code refuses it.
      if (text !== '') return undefined;
      text = e.newString;
      continue;
    }
    const at = text.indexOf(e.oldString);
    if (at < 0) return undefined;
    text = e.replaceAll
      ? text.split(e.oldString).join(e.newString)
      : text.slice(0, at) + e.newString + text.slice(at + e.oldString.length);
  }
  return text;
}

/** What identifies an effect regardless of where in the text it came from. */
function key(e: Effect): string {
  const { origin: _origin, ...rest } = e;
  return JSON.stringify(rest, (_k, v) => (Array.isArray(v) ? [...v].sort() : v));
}

/**
 * Run `judge` over the file before and after a change and emit only what is new after it: the
 * effects the change brings, with the context of the whole file. Effects the file already had are
 * not the change's doing.
 */
export function emitNewEffects(
  before: string,
  after: string,
  scope: Scope,
  sink: Sink,
  judge: (text: string, scope: Scope, sink: Sink) => void,
): void {
  const old = createSink(sink.ctx);
  judge(before, scope, old);
  const seen = new Map<string, number>();
  for (const e of old.effects) seen.set(key(e), (seen.get(key(e)) ?? 0) + 1);
  const now = createSink(sink.ctx);
  judge(after, scope, now);
  for (const e of now.effects) {
    const k = key(e);
    const n = seen.get(k) ?? 0;
    if (n > 0) seen.set(k, n - 1);
    else if (sink.effects.length <= MAX_EFFECTS) sink.effects.push(e);
  }
}
