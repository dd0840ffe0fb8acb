// Shared by the recognizer tables: cases are written as command lines for readability.
import { recognizeInfra } from '../../../../src/core/effects/recognize/index.ts';

/** [command line, exact tag set expected] */
export type Case = readonly [string, readonly string[]];

/** Just enough shell word splitting for test cases: quotes, backslashes, whitespace. */
export function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; line[j] !== '"'; j++) {
        if (line[j] === '\\' && '"\\$`'.includes(line[j + 1]!)) j++;
        cur += line[j];
      }
      i = j;
      inWord = true;
    } else if (c === '\\') {
      cur += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** Sorted tags for a command line, program given by path or basename. */
export function tagsOf(line: string): string[] {
  const [head = '', ...argv] = words(line);
  return [...recognizeInfra(head.split('/').pop()!, argv)].sort();
}

export function sorted(tags: readonly string[]): string[] {
  return [...tags].sort();
}
