// Process entry. The only place that exits. The hook path is special-cased: whatever happens, it
// answers in Claude Code's protocol and never exits 1.
import { main } from './index.ts';
import type { Io } from './io.ts';
import { readStdin } from './stdin.ts';

const isHook = process.argv[2] === 'hook';

function failClosed(err: unknown): never {
  const message = `agent-sre crashed, so the call is refused: ${(err as Error)?.message ?? String(err)}`;
  if (isHook) {
    // Exit 2 blocks on every event that can block; stderr carries the reason.
    process.stderr.write(`${message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${(err as Error)?.stack ?? message}\n`);
  process.exit(1);
}

process.on('uncaughtException', failClosed);
process.on('unhandledRejection', failClosed);

// `agent-sre incidents | head`: once the reader has what it wants it closes the pipe, and the next write
// fails with EPIPE. The command ends there, quietly, as Unix tools do on SIGPIPE: nobody is left to read
// what it would print. Not for the hook, whose reader is Claude Code: there a closed pipe stays a crash,
// and a crash refuses the call.
if (!isHook) {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      failClosed(err);
    });
  }
}

const io: Io = {
  argv: process.argv.slice(2),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
  env: process.env,
  cwd: process.cwd(),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  ...(process.stdout.columns ? { columns: process.stdout.columns } : {}),
};

main(io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => failClosed(err),
);
