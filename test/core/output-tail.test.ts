import { describe, expect, it } from 'vitest';
import { outputTail } from '../../src/core/output-tail.ts';

describe('outputTail', () => {
  it('keeps the last lines and characters, without colour codes or CRs', () => {
    const text = Array.from({ length: 50 }, (_, i) => `\x1b[31mline ${i}\x1b[0m`).join('\r\n');
    expect(outputTail(text, 10_000, 3)).toBe('line 47\nline 48\nline 49');
    expect(outputTail('abcdefghij', 5)).toBe('…ghij');
    expect(outputTail('short\n\n', 100)).toBe('short');
  });

  it('redacts before cutting, so a secret split by the cut leaves no fragment', () => {
    const token = `ghp_${'A1b2C3d4E5'.repeat(3)}F6g7h8`;
    const text = `${token}\nFAIL test/a.test.ts`;
    // The cut falls inside the token: cutting first would keep its last characters.
    const tail = outputTail(text, 30);
    expect(tail).not.toContain(token.slice(-8));
    expect(tail).toContain('FAIL test/a.test.ts');
  });
});
