// The hook's own entry, bundled as one CommonJS file (dist/hook.cjs): every tool call the agent
// makes waits for this process, and one file loads faster than a tree of ESM chunks.
import { run } from './commands/hook.ts';
import { readStdin } from './stdin.ts';

// Whatever happens, answer in Claude Code's protocol: exit 2 with the reason blocks; never exit 1.
function failClosed(err: unknown): never {
  process.stderr.write(
    `agent-sre crashed, so the call is refused: ${(err as Error)?.message ?? String(err)}\n`,
  );
  process.exit(2);
}
process.on('uncaughtException', failClosed);
process.on('unhandledRejection', failClosed);

run(process.argv.slice(3), {
  argv: process.argv.slice(2),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
  env: process.env,
  cwd: process.cwd(),
}).then((code) => {
  process.exitCode = code;
}, failClosed);
