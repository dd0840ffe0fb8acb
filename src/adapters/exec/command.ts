// Run a verification command for an acceptance check: a shell line in the project directory, in its own
// process group so a timeout kills the whole tree (npm -> node -> vitest workers), output kept bounded.
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** null when it was killed or never started. */
  exitCode: number | null;
  timedOut: boolean;
  /** Why it could not start (spawn error), when it could not. */
  startError: string | null;
  /** The end of stdout and stderr interleaved as they arrived. */
  tail: string;
  /** stdout alone, up to `maxStdout` bytes, when asked for (golden checks). */
  stdout: string;
  stdoutTruncated: boolean;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** Keep this much of stdout from its start; 0 keeps none. */
  maxStdout?: number;
  /** Keep this much of the combined output's end. */
  maxTail?: number;
  /** After SIGTERM, wait this long before SIGKILL. */
  graceMs?: number;
  /** Written to the command's stdin, which is then closed (golden-prompt runners read the prompt there). */
  stdin?: string;
}

export type CommandRunner = (command: string, opts: RunOptions) => Promise<CommandResult>;

export const runCommand: CommandRunner = (command, opts) =>
  new Promise((resolve) => {
    const started = Date.now();
    const maxTail = opts.maxTail ?? 16 * 1024;
    const maxStdout = opts.maxStdout ?? 0;
    let tail = '';
    let stdout = '';
    let stdoutTruncated = false;
    let timedOut = false;
    let settled = false;
    const finish = (exitCode: number | null, startError: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({
        exitCode,
        timedOut,
        startError,
        tail,
        stdout,
        stdoutTruncated,
        durationMs: Date.now() - started,
      });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn('/bin/sh', ['-c', command], {
        cwd: opts.cwd,
        env: opts.env,
        detached: true,
        stdio: [opts.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
    } catch (err) {
      finish(null, (err as Error).message);
      return;
    }
    const keep = (chunk: Buffer) => {
      tail += chunk.toString('utf8');
      if (tail.length > maxTail * 2) tail = tail.slice(tail.length - maxTail);
    };
    child.stdout!.on('data', (c: Buffer) => {
      keep(c);
      if (maxStdout > 0 && !stdoutTruncated) {
        stdout += c.toString('utf8');
        if (stdout.length > maxStdout) {
          stdout = stdout.slice(0, maxStdout);
          stdoutTruncated = true;
        }
      }
    });
    child.stderr!.on('data', keep);
    if (opts.stdin !== undefined) {
      // A command that never reads its stdin closes the pipe early: that is not a failure.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(opts.stdin);
    }
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killer = setTimeout(() => killGroup('SIGKILL'), opts.graceMs ?? 2000);
    }, opts.timeoutMs);
    child.on('error', (err) => finish(null, err.message));
    // Whatever the shell left running in the background must not outlive the check, nor hold its pipes
    // open (which would keep 'close' from firing until the timeout).
    child.on('exit', () => killGroup('SIGKILL'));
    child.on('close', (code) => {
      if (tail.length > maxTail) tail = tail.slice(tail.length - maxTail);
      finish(timedOut ? null : code, null);
    });
  });
