// The hook's in-process path, bundled as one CommonJS file (dist/hook.cjs). The launcher
// (bin/agent-sre-hook.cjs) calls `main` when no warm daemon answered, handing over stdin it read.
import { run } from './commands/hook.ts';
import { readStdin } from './stdin.ts';

// Whatever happens, answer in Claude Code's protocol: exit 2 with the reason blocks; never exit 1.
function failClosed(err: unknown): never {
  process.stderr.write(
    `agent-sre crashed, so the call is refused: ${(err as Error)?.message ?? String(err)}\n`,
  );
  process.exit(2);
}

export function main(preread?: string): void {
  process.on('uncaughtException', failClosed);
  process.on('unhandledRejection', failClosed);
  run(process.argv.slice(3), {
    argv: process.argv.slice(2),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    readStdin: (limit) => (preread === undefined ? readStdin(limit) : Promise.resolve(preread)),
    env: process.env,
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  }, failClosed);
}
