// The hook's in-process path, bundled as one CommonJS file (dist/hook.cjs). The launcher
// (bin/agent-sre-hook.cjs) calls `main` when no warm daemon answered, handing over stdin it read and the
// time by which its watchdog will answer with a refusal.
import { protocolFor } from '../adapters/agents/index.ts';
import { MAX_HOOK_INPUT } from '../adapters/agents/protocol.ts';
import { DEFAULT_BUSY_TIMEOUT_MS } from '../adapters/store/sqlite.ts';
import { processEnvironment } from '../app/context.ts';
import { startFlusher } from '../app/flusher.ts';
import { runHook } from '../app/hook.ts';
import { openLedger } from '../app/store.ts';
import { eventArg, projectDirFrom, run } from './commands/hook.ts';
import { readStdin } from './stdin.ts';

export interface MainOptions {
  /** Epoch ms at which the launcher's watchdog refuses the call; SQLite must give up before it. */
  deadline?: number;
  /** Called just before the answer is written, so the watchdog does not write a second one. */
  onAnswer?: () => void;
  /** Called when the call starts waiting on purpose (a human's approval, acceptance checks). */
  onHold?: () => void;
}

// Whatever happens, exit 2 with the reason: it blocks in every agent that can block (Gemini, Codex, Claude Code,
// Cursor, Copilot's preToolUse); never exit 1.
function failClosed(err: unknown): never {
  process.stderr.write(
    `agent-sre crashed, so the call is refused: ${(err as Error)?.message ?? String(err)}\n`,
  );
  process.exit(2);
}

/**
 * How long SQLite may wait for the write lock. better-sqlite3 waits synchronously, so while it waits the
 * watchdog's timer cannot fire: the wait must end early enough to leave time to answer. Halved, because a
 * call can wait twice (a read on a non-WAL ledger, then the commit).
 */
export function busyTimeoutFor(deadline: number | undefined, now: number): number {
  if (deadline === undefined) return DEFAULT_BUSY_TIMEOUT_MS;
  const left = deadline - now - 400;
  return Math.max(50, Math.min(DEFAULT_BUSY_TIMEOUT_MS, Math.floor(left / 2)));
}

export function main(preread?: string, opts: MainOptions = {}): void {
  process.on('uncaughtException', failClosed);
  process.on('unhandledRejection', failClosed);
  const args = process.argv.slice(3);
  const readInput = (limit: number) => (preread === undefined ? readStdin(limit) : Promise.resolve(preread));
  const protocol = protocolFor(args[0] ?? '');
  if (!protocol || args.includes('--help') || args.includes('-h')) {
    opts.onAnswer?.();
    run(args, {
      argv: process.argv.slice(2),
      stdout: (s) => process.stdout.write(s),
      stderr: (s) => process.stderr.write(s),
      readStdin: readInput,
      env: process.env,
      cwd: process.cwd(),
    }).then((code) => {
      process.exitCode = code;
    }, failClosed);
    return;
  }
  const event = eventArg(args);
  const answer = async () => {
    let stdin: string;
    try {
      stdin = await readInput(MAX_HOOK_INPUT + 1);
    } catch (err) {
      return protocol.failure(event ?? null, (err as Error).message);
    }
    return runHook(protocol, stdin, {
      env: processEnvironment(process.env),
      projectDir: projectDirFrom(protocol, process.env),
      ...(event ? { event } : {}),
      now: Date.now,
      commandEnv: process.env,
      openStore: (dir) => openLedger(dir, { busyTimeoutMs: busyTimeoutFor(opts.deadline, Date.now()) }),
      ...(process.env.AGENT_SRE_DELIVERY === 'off' ? {} : { startDelivery: startFlusher }),
      ...(opts.onHold ? { onWait: opts.onHold } : {}),
    });
  };
  answer().then((a) => {
    opts.onAnswer?.();
    if (a.stdout) process.stdout.write(a.stdout);
    if (a.stderr) process.stderr.write(`${a.stderr}\n`);
    process.exitCode = a.exitCode;
  }, failClosed);
}
