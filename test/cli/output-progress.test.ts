// The progress line: on a terminal only, after a short delay, erased when the work is done.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { startProgress, withProgress } from '../../src/cli/progress.ts';

function io(facts: { stdoutIsTTY?: boolean; stderrIsTTY?: boolean; columns?: number }, env = {}) {
  const err: string[] = [];
  const value = {
    argv: [],
    stdout: () => {},
    stderr: (s: string) => err.push(s),
    readStdin: async () => '',
    env,
    cwd: '/',
    ...facts,
  } as Io;
  return { io: value, err };
}

const TTY = { stdoutIsTTY: true, stderrIsTTY: true, columns: 40 };

describe('progress', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on a terminal: drawn after the delay, updated, then erased', () => {
    const { io: t, err } = io(TTY);
    const p = startProgress(t, 'reading the ledger');
    vi.advanceTimersByTime(200);
    expect(err).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(err.at(-1)).toMatch(/^\r\x1b\[K. reading the ledger \(1s\)$/);
    p.update('replaying 3 of 40 sessions');
    vi.advanceTimersByTime(100);
    expect(err.at(-1)).toContain('replaying 3 of 40 sessions');
    // Cleared before stdout is written, drawn again on the next tick.
    p.clear();
    expect(err.at(-1)).toBe('\r\x1b[K');
    p.clear();
    expect(err.filter((e) => e === '\r\x1b[K')).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(err.at(-1)).toContain('replaying 3 of 40 sessions');
    p.done();
    expect(err.at(-1)).toBe('\r\x1b[K');
    const n = err.length;
    p.done();
    vi.advanceTimersByTime(1000);
    expect(err.length).toBe(n);
  });

  it('a quick task draws and erases nothing', () => {
    const { io: t, err } = io(TTY);
    const p = startProgress(t, 'quick');
    vi.advanceTimersByTime(100);
    p.done();
    expect(err).toEqual([]);
  });

  it('nothing for --json, a pipe on stdout or stderr, or a dumb terminal', () => {
    for (const [facts, opts, env] of [
      [TTY, { json: true }, {}],
      [{ ...TTY, stdoutIsTTY: false }, {}, {}],
      [{ ...TTY, stderrIsTTY: false }, {}, {}],
      [{}, {}, {}],
      [TTY, {}, { TERM: 'dumb' }],
    ] as const) {
      const { io: t, err } = io(facts, env);
      const p = startProgress(t, 'x', opts);
      vi.advanceTimersByTime(5000);
      p.done();
      expect(err).toEqual([]);
    }
  });

  it('keeps to one line of the terminal, and shows agent text cleaned', () => {
    const { io: t, err } = io({ ...TTY, columns: 20 });
    const p = startProgress(t, `replaying a-very-long-file-name\x1b[2J.jsonl`);
    vi.advanceTimersByTime(1000);
    p.done();
    const drawn = err[0]!.replace('\r\x1b[K', '');
    expect([...drawn].length).toBeLessThanOrEqual(19);
    expect(drawn).not.toContain('\x1b');
  });

  it('withProgress erases the line when the work throws', async () => {
    const { io: t, err } = io(TTY);
    const run = withProgress(t, 'working', {}, async () => {
      await new Promise((r) => setTimeout(r, 1000));
      throw new Error('boom');
    });
    const caught = run.catch((e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(1100);
    expect(await caught).toBe('boom');
    expect(err.at(-1)).toBe('\r\x1b[K');
  });
});
