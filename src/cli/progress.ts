// A one-line progress indicator on stderr for work that takes more than a moment: drawn only when both
// stdout and stderr are a person's terminal and the output is not --json, erased when the work ends,
// so nothing of it is left in the scrollback, a pipe or a log.
import type { Io } from './io.ts';
import { clean, truncate } from './style.ts';
import { terminalOf } from './terminal.ts';

export interface Progress {
  /** Replace the text after the spinner, e.g. "replaying 3 of 40 sessions". */
  update(text: string): void;
  /** Erase the line before writing to stdout; it is drawn again on the next tick. */
  clear(): void;
  /** Erase the line (when one was drawn) and stop. Safe to call more than once. */
  done(): void;
}

export interface ProgressOptions {
  /** Nothing is drawn for --json output. */
  json?: boolean | undefined;
  /** Draw only once the work has run this long, so quick commands never flicker (default 300 ms). */
  delayMs?: number;
  /** Redraw period (default 100 ms). */
  everyMs?: number;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SILENT: Progress = { update: () => {}, clear: () => {}, done: () => {} };

export function startProgress(io: Io, text: string, opts: ProgressOptions = {}): Progress {
  const term = terminalOf(io);
  if (!term.progress || opts.json) return SILENT;
  const width = Math.max(10, (term.columns ?? 80) - 1);
  const started = Date.now();
  let label = text;
  let frame = 0;
  let drawn = false;
  let finished = false;
  const draw = () => {
    if (finished || Date.now() - started < (opts.delayMs ?? 300)) return;
    const secs = Math.floor((Date.now() - started) / 1000);
    // \r and erase-line, then one line cut to the width: a wrapped line could not be erased.
    io.stderr(
      `\r\x1b[K${truncate(`${FRAMES[frame++ % FRAMES.length]} ${clean(label, true)}${secs >= 1 ? ` (${secs}s)` : ''}`, width)}`,
    );
    drawn = true;
  };
  const timer = setInterval(draw, opts.everyMs ?? 100);
  // The indicator never keeps the process alive on its own.
  timer.unref();
  return {
    update: (t) => {
      label = t;
    },
    clear: () => {
      if (drawn) io.stderr('\r\x1b[K');
      drawn = false;
    },
    done: () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      if (drawn) io.stderr('\r\x1b[K');
    },
  };
}

/** Run `work` with a progress line shown while it runs. */
export async function withProgress<T>(
  io: Io,
  text: string,
  opts: ProgressOptions,
  work: (progress: Progress) => Promise<T>,
): Promise<T> {
  const progress = startProgress(io, text, opts);
  try {
    return await work(progress);
  } finally {
    progress.done();
  }
}
