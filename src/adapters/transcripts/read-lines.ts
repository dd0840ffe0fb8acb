import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * The lines of a JSONL file, streamed: session transcripts run to hundreds of megabytes.
 * `\r\n` endings are handled. Open and read errors reject the iteration.
 */
export async function* readJsonlLines(file: string): AsyncIterable<string> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  // Infinity: a `\r` at the end of one chunk and `\n` at the start of the next is still one line break.
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of rl) yield line;
  } finally {
    rl.close();
    stream.destroy();
  }
}
