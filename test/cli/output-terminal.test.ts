// Colour decisions, styling, cleaning of agent text, and aligned tables.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Io } from '../../src/cli/io.ts';
import { clean, pad, paint, stripAnsi, truncate, visibleWidth } from '../../src/cli/style.ts';
import { renderTable, wrapText } from '../../src/cli/table.ts';
import { terminalOf, wantsColour } from '../../src/cli/terminal.ts';

const ESC = '\x1b';

function io(
  env: NodeJS.ProcessEnv,
  facts: { stdoutIsTTY?: boolean; stderrIsTTY?: boolean; columns?: number },
) {
  return {
    argv: [],
    stdout: () => {},
    stderr: () => {},
    readStdin: async () => '',
    env,
    cwd: '/',
    ...facts,
  } as Io;
}

describe('wantsColour', () => {
  it.each([
    // env, stdout is a TTY, colour
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: 'anything' }, true, false],
    // no-color.org: only a non-empty value disables colour
    [{ NO_COLOR: '' }, true, true],
    [{ TERM: 'dumb' }, true, false],
    // FORCE_COLOR wins, for a pipe too, and over NO_COLOR (as Node does)
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '' }, false, true],
    [{ FORCE_COLOR: '3' }, false, true],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
  ] as const)('%j on a TTY=%s: colour %s', (env, tty, want) => {
    expect(wantsColour(env as NodeJS.ProcessEnv, tty)).toBe(want);
  });
});

describe('terminalOf', () => {
  it('reads a pipe into an Io without stream facts: no colour, no width, no progress', () => {
    expect(terminalOf(io({}, {}))).toMatchObject({ colour: false, columns: null, progress: false });
  });

  it('a terminal on both streams: colour, its width and a progress line', () => {
    expect(terminalOf(io({}, { stdoutIsTTY: true, stderrIsTTY: true, columns: 90 }))).toMatchObject({
      colour: true,
      columns: 90,
      progress: true,
    });
  });

  it('NO_COLOR turns colour off but not the progress line; a pipe on either end turns progress off', () => {
    expect(terminalOf(io({ NO_COLOR: '1' }, { stdoutIsTTY: true, stderrIsTTY: true })).progress).toBe(true);
    expect(terminalOf(io({ NO_COLOR: '1' }, { stdoutIsTTY: true, stderrIsTTY: true })).colour).toBe(false);
    expect(terminalOf(io({}, { stdoutIsTTY: false, stderrIsTTY: true })).progress).toBe(false);
    expect(terminalOf(io({}, { stdoutIsTTY: true, stderrIsTTY: false })).progress).toBe(false);
    expect(terminalOf(io({ TERM: 'dumb' }, { stdoutIsTTY: true, stderrIsTTY: true })).progress).toBe(false);
  });

  it('a width only for a terminal, and only a sane one', () => {
    expect(terminalOf(io({}, { stdoutIsTTY: false, columns: 90 })).columns).toBeNull();
    expect(terminalOf(io({}, { stdoutIsTTY: true, columns: 0 })).columns).toBeNull();
  });
});

describe('paint', () => {
  it('off: the text as it is', () => {
    const p = paint(false);
    expect(p.bold(p.red('x'))).toBe('x');
  });

  it('on: SGR codes that close what they open, and an inner close re-opens the outer style', () => {
    const p = paint(true);
    expect(p.red('x')).toBe(`${ESC}[31mx${ESC}[39m`);
    // dim and bold share the close code 22: the outer dim is re-opened after the inner bold.
    expect(p.dim(`a${p.bold('b')}c`)).toBe(`${ESC}[2ma${ESC}[1mb${ESC}[22m${ESC}[2mc${ESC}[22m`);
    expect(stripAnsi(p.bold(p.red('x')))).toBe('x');
    expect(visibleWidth(p.bold('héllo'))).toBe(5);
  });

  it('pads and truncates by what is visible', () => {
    const p = paint(true);
    expect(stripAnsi(pad(p.red('ab'), 4))).toBe('ab  ');
    expect(pad('ab', 4, 'right')).toBe('  ab');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});

describe('clean', () => {
  it('turns an escape sequence from agent text into visible characters', () => {
    expect(clean(`rm ${ESC}]0;pwned\x07 -rf`)).toBe('rm ␛]0;pwned␇ -rf');
    expect(clean('a\u009b31mb')).toBe('a\ufffd31mb');
    expect(clean('a\tb\r\nc', true)).toBe('a b c');
    expect(clean('a\nb')).toBe('a\nb');
  });

  it('property: no control character but newline survives', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(clean(s)).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        expect(clean(s, true)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
    );
  });
});

describe('renderTable', () => {
  const cols = [{ header: 'id' }, { header: 'n', align: 'right' as const }, { header: 'title', wrap: true }];
  // Styles come from the same paint as the table, as the commands build them.
  const rowsFor = (on: boolean) => [
    ['INC-1', '3', 'first incident with a long title that goes on'],
    ['INC-12', '10', { text: 'second', style: paint(on).red }],
  ];
  const rows = rowsFor(false);

  it('plain: aligned columns, no escapes, no trailing blanks', () => {
    const lines = renderTable(cols, rows, { paint: paint(false) });
    expect(lines).toEqual([
      'id       n  title',
      'INC-1    3  first incident with a long title that goes on',
      'INC-12  10  second',
    ]);
  });

  it('colour: the header bold and the cell styles kept, same layout once the escapes are removed', () => {
    const lines = renderTable(cols, rowsFor(true), { paint: paint(true) });
    expect(lines[0]).toContain(`${ESC}[1m`);
    expect(lines[2]).toContain(`${ESC}[31msecond`);
    expect(lines.map(stripAnsi)).toEqual(renderTable(cols, rows, { paint: paint(false) }));
  });

  it('fits a narrow terminal by wrapping the wrap column, never beyond the width', () => {
    const lines = renderTable(cols, rows, { paint: paint(false), width: 30 });
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.join('\n')).toContain('goes on');
    expect(lines.length).toBeGreaterThan(3);
  });

  it('a rule under the header: ─ in colour, - without', () => {
    expect(renderTable(cols, rows, { paint: paint(false), rule: true })[1]).toBe(
      `------  --  ${'-'.repeat(45)}`,
    );
    expect(stripAnsi(renderTable(cols, rowsFor(true), { paint: paint(true), rule: true })[1]!)).toMatch(
      /^─+ {2}──/,
    );
  });

  it('cleans agent text in cells: an escape cannot reach the terminal', () => {
    const lines = renderTable([{ header: 'cmd' }], [[`echo ${ESC}[2J`]], { paint: paint(false) });
    expect(lines.join('')).not.toContain(ESC);
    expect(lines[1]).toBe('echo ␛[2J');
  });

  it('wrapText keeps words whole and cuts only words longer than the line', () => {
    expect(wrapText('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrapText('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
  });

  it('property: any cells fit any width of 20 or more, wrap columns permitting', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 80 })), { maxLength: 8 }),
        fc.integer({ min: 20, max: 120 }),
        (cells, width) => {
          const lines = renderTable([{ header: 'a' }, { header: 'b', wrap: true }], cells, {
            paint: paint(false),
            width,
          });
          const first = Math.max(1, ...cells.map(([a]) => visibleWidth(clean(a, true))));
          // The first column does not wrap: the table fits whenever it leaves room for the second.
          if (first + 2 + 8 <= width)
            for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(width);
        },
      ),
    );
  });
});
