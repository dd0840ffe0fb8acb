// Process entry. The only place that exits. The hook path is special-cased: whatever happens, it
// answers in Claude Code's protocol and never exits 1.
import { main } from './index.ts';
import type { Io } from './io.ts';

function readStdin(limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new Error(`input larger than ${limit} bytes`));
        process.stdin.destroy();
        return;
      }
      chunks.push(c);
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

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

const io: Io = {
  argv: process.argv.slice(2),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin,
  env: process.env,
  cwd: process.cwd(),
};

main(io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => failClosed(err),
);
