// The Markdown adapter: what the runbook rules get to see of a file.
import { describe, expect, it } from 'vitest';
import { countLines, parseRunbook } from '../../../src/adapters/markdown/parse.ts';

describe('parseRunbook', () => {
  it('turns headings into flat sections with level and line, and the rest into their contents', () => {
    const doc = parseRunbook(
      [
        'Intro with `npm ci`.', // 1
        '', // 2
        '# Title', // 3
        '## Scope', // 4
        '- `src/` and `test/`', // 5
        '  - nested `docs/`', // 6
        '- plain', // 7
        '', // 8
        '```sh', // 9
        'npm test', // 10
        '```', // 11
        'Setext', // 12
        '------', // 13
        '> ### Quoted', // 14
        '> - quoted item', // 15
      ].join('\n'),
      'AGENTS.md',
      '/p/AGENTS.md',
    );
    expect(doc.file).toBe('AGENTS.md');
    expect(doc.path).toBe('/p/AGENTS.md');
    expect(doc.lineCount).toBe(15);
    expect(doc.preamble.paragraphs).toEqual([
      { text: 'Intro with npm ci.', line: 1, codes: [{ value: 'npm ci', line: 1, offset: 11 }] },
    ]);
    expect(doc.sections.map((s) => [s.heading, s.level, s.line])).toEqual([
      ['Title', 1, 3],
      ['Scope', 2, 4],
      ['Setext', 2, 12],
      ['Quoted', 3, 14],
    ]);
    const scope = doc.sections[1]!;
    expect(scope.items).toEqual([
      {
        text: 'src/ and test/',
        line: 5,
        depth: 0,
        codeBlocks: [],
        codes: [
          { value: 'src/', line: 5, offset: 0 },
          { value: 'test/', line: 5, offset: 9 },
        ],
      },
      {
        text: 'nested docs/',
        line: 6,
        depth: 1,
        codeBlocks: [],
        codes: [{ value: 'docs/', line: 6, offset: 7 }],
      },
      { text: 'plain', line: 7, depth: 0, codeBlocks: [], codes: [] },
    ]);
    expect(scope.codeBlocks).toEqual([{ lang: 'sh', value: 'npm test', line: 9 }]);
    expect(doc.sections[3]!.items.map((i) => i.text)).toEqual(['quoted item']);
  });

  it('keeps code blocks inside an item with the item, and drops task boxes', () => {
    const doc = parseRunbook(
      '## Done when\n- [ ] migrated:\n  ```\n  ./migrate\n  ```\n- [x] `npm test`\n',
      'A',
    );
    const [a, b] = doc.sections[0]!.items;
    expect(a).toMatchObject({ text: 'migrated:', codeBlocks: [{ lang: null, value: './migrate', line: 3 }] });
    expect(b).toMatchObject({ text: 'npm test', codes: [{ value: 'npm test', offset: 0 }] });
  });

  it('finds @imports in text, not in code', () => {
    const doc = parseRunbook('# C\n\nSee @AGENTS.md.\n@docs/rules.md\n\n`@not-this.md`\n', 'CLAUDE.md');
    expect(doc.imports).toEqual([
      { path: 'AGENTS.md', line: 3 },
      { path: 'docs/rules.md', line: 4 },
    ]);
  });

  it('reads emphasis and links as plain text, ignores HTML', () => {
    const doc = parseRunbook('<h2>Not a heading</h2>\n\n## **Never** do [this](x)\n- **Never** push\n', 'A');
    expect(doc.sections.map((s) => s.heading)).toEqual(['Never do this']);
    expect(doc.sections[0]!.items[0]!.text).toBe('Never push');
  });

  it('counts lines the way the parser numbers them', () => {
    expect(countLines('')).toBe(1);
    expect(countLines('a')).toBe(1);
    expect(countLines('a\n')).toBe(1);
    expect(countLines('a\nb')).toBe(2);
    expect(countLines('a\r\nb\rc\n')).toBe(3);
    expect(countLines('\n\n')).toBe(2);
    const doc = parseRunbook('a\rb\r\n# H\r', 'A');
    expect(doc.sections[0]!.line).toBe(3);
    expect(doc.lineCount).toBe(3);
  });

  it('survives nesting deeper than the call stack', () => {
    const doc = parseRunbook(`## Scope\n${'> '.repeat(8000)}- ${'*'.repeat(3000)}x${'*'.repeat(3000)}`, 'A');
    expect(doc.sections).toHaveLength(1);
    expect(doc.sections[0]!.items).toHaveLength(1);
  });
});
