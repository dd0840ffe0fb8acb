// The end of a program's output, where test runners and compilers print their summary: what the ledger
// keeps of a failed call and what a block reason shows of a failed check.
import { redactText } from './redact.ts';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Colour codes dropped, line ends made `\n`, secrets redacted, then at most `maxLines` lines and
 * `maxChars` characters from the end. Redacted before it is cut, so a secret split by the cut cannot
 * survive as a fragment the redactor no longer recognises.
 */
export function outputTail(text: string, maxChars: number, maxLines = Number.POSITIVE_INFINITY): string {
  const clean = redactText(text.replace(ANSI, '').replace(/\r\n?/g, '\n').trimEnd());
  const lines = clean.split('\n');
  const kept = lines.length > maxLines ? lines.slice(-maxLines).join('\n') : clean;
  return kept.length <= maxChars ? kept : `…${kept.slice(kept.length - maxChars + 1)}`;
}
