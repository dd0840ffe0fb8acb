// Reading all of stdin with a size bound: oversized hook input is refused, not buffered forever.
import { readSync } from 'node:fs';

/**
 * Synchronous reads of fd 0 first: the hook reads a pipe, and process.stdin's stream machinery costs
 * about 10 ms to load. Falls back to the stream where fd 0 cannot be read that way (EAGAIN on a
 * non-blocking descriptor, a TTY).
 */
export function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      const n = readSync(0, buf, 0, buf.length, null);
      if (n === 0) return Promise.resolve(Buffer.concat(chunks).toString('utf8'));
      size += n;
      if (size > limit) return Promise.reject(new Error(`input larger than ${limit} bytes`));
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EAGAIN' && code !== 'EISDIR' && code !== 'EINVAL') return Promise.reject(err);
  }
  return readStdinStream(limit, chunks, size);
}

function readStdinStream(limit: number, chunks: Buffer[], already: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = already;
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
