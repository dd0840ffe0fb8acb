// What the output stream can show: colour or not, its width, whether a progress line may be drawn.
// Decided from the Io (never from process.stdout directly), so commands stay testable in-process.
import type { Io } from './io.ts';
import { type Paint, paint } from './style.ts';

/**
 * Facts about the process's streams. Optional: an Io that does not carry them (tests, or a run.ts that
 * does not set them yet) is treated as a pipe, which is the safe reading: no escapes, no progress line.
 */
export interface StreamFacts {
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Width of the terminal stdout writes to. */
  columns?: number;
}

export interface Terminal {
  colour: boolean;
  /** Characters per line when stdout is a terminal; null for a pipe or a file (no truncation, no wrap). */
  columns: number | null;
  /** A progress line on stderr may be drawn and erased. */
  progress: boolean;
  /** Styles for stdout: escapes when colour is on, the text as it is otherwise. */
  paint: Paint;
}

/**
 * Colour on stdout. FORCE_COLOR wins when set (as in Node and chalk): "0" or "false" turn colour off,
 * any other value turns it on even for a pipe. Otherwise NO_COLOR with any non-empty value turns it
 * off (https://no-color.org), and so does TERM=dumb; else colour follows whether stdout is a terminal.
 */
export function wantsColour(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function terminalOf(io: Io): Terminal {
  const facts = io as Io & StreamFacts;
  const stdoutTTY = facts.stdoutIsTTY === true;
  const columns =
    stdoutTTY && typeof facts.columns === 'number' && facts.columns >= 20 ? Math.floor(facts.columns) : null;
  const colour = wantsColour(io.env, stdoutTTY);
  return {
    colour,
    columns,
    // Only when both ends are a person's terminal: a progress line in a pipe or a log is noise, and a
    // dumb terminal cannot erase it.
    progress: stdoutTTY && facts.stderrIsTTY === true && io.env.TERM !== 'dumb',
    paint: paint(colour),
  };
}
