// Aligned tables for the terminal. The same layout with colour off, so piped output stays readable and
// greppable; on a terminal of known width, columns marked `wrap` narrow and wrap instead of spilling.
import { clean, type Paint, pad, type Style, visibleWidth } from './style.ts';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be narrowed to fit the terminal's width: its cells wrap onto further lines. */
  wrap?: boolean;
}

/** A cell: text (cleaned of control characters here) and an optional style for it. */
export type Cell = string | { text: string; style?: Style | undefined };

export interface TableOptions {
  paint: Paint;
  /** Fit within this many columns (a terminal's width); null or absent: no limit. */
  width?: number | null;
  indent?: string;
  gap?: number;
  /** A rule under the header (─ in colour, - without). */
  rule?: boolean;
  /** Print the header row (default true). */
  header?: boolean;
}

const MIN_WRAP = 4;
const READABLE = 12;

/** Word-wrap plain text to `width` columns; a word longer than the width is cut. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    let rest = word;
    while ([...rest].length > w) {
      if (line) {
        lines.push(line);
        line = '';
      }
      const chars = [...rest];
      lines.push(chars.slice(0, w).join(''));
      rest = chars.slice(w).join('');
    }
    if (!line) line = rest;
    else if ([...line].length + 1 + [...rest].length <= w) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  lines.push(line);
  return lines;
}

/**
 * Widths that fit `limit`: wrap columns give up space, widest first. First down to their header (or a
 * readable 12), so body text wraps before any header does; then, if still too wide, down to the
 * header's longest word.
 */
function fitWidths(
  natural: number[],
  columns: readonly Column[],
  limit: number | null,
  fixed: number,
): number[] {
  const widths = [...natural];
  if (limit === null) return widths;
  const header = (i: number) => Math.max(READABLE, visibleWidth(columns[i]!.header));
  const word = (i: number) => Math.max(...columns[i]!.header.split(' ').map(visibleWidth));
  let over = fixed + widths.reduce((a, b) => a + b, 0) - limit;
  for (const floorOf of [header, word]) {
    const floor = (i: number) => Math.min(natural[i]!, Math.max(MIN_WRAP, floorOf(i)));
    while (over > 0) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++)
        if (columns[i]!.wrap && widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!))
          widest = i;
      if (widest < 0) break;
      widths[widest]!--;
      over--;
    }
  }
  return widths;
}

export function renderTable(
  columns: readonly Column[],
  rows: ReadonlyArray<readonly Cell[]>,
  opts: TableOptions,
): string[] {
  const { paint: p } = opts;
  const indent = opts.indent ?? '';
  const gap = ' '.repeat(opts.gap ?? 2);
  const body = rows.map((r) =>
    columns.map((_, i) => {
      const c = r[i] ?? '';
      return typeof c === 'string' ? { text: clean(c, true) } : { text: clean(c.text, true), style: c.style };
    }),
  );
  const heads = columns.map((c) => clean(c.header, true));
  const showHeader = opts.header !== false;
  const natural = columns.map((_, i) =>
    Math.max(showHeader ? visibleWidth(heads[i]!) : 0, ...body.map((r) => visibleWidth(r[i]!.text))),
  );
  const fixed = visibleWidth(indent) + gap.length * Math.max(0, columns.length - 1);
  const widths = fitWidths(natural, columns, opts.width ?? null, fixed);
  const last = columns.length - 1;

  const line = (cells: string[][], styles: Array<Style | undefined>): string[] => {
    const height = Math.max(1, ...cells.map((c) => c.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      const parts = cells.map((c, i) => {
        const text = c[k] ?? '';
        const styled = text && styles[i] ? styles[i]!(text) : text;
        // The last column is not padded on the left-aligned side: no trailing blanks.
        return i === last && columns[i]!.align !== 'right'
          ? styled
          : pad(styled, widths[i]!, columns[i]!.align);
      });
      out.push(`${indent}${parts.join(gap)}`.trimEnd());
    }
    return out;
  };
  const split = (text: string, i: number) =>
    visibleWidth(text) > widths[i]! ? wrapText(text, widths[i]!) : [text];

  const out: string[] = [];
  if (showHeader) {
    out.push(
      ...line(
        heads.map(split),
        columns.map(() => p.bold),
      ),
    );
    if (opts.rule)
      out.push(`${indent}${widths.map((w) => (p.enabled ? p.dim('─'.repeat(w)) : '-'.repeat(w))).join(gap)}`);
  }
  for (const r of body)
    out.push(
      ...line(
        r.map((c, i) => split(c.text, i)),
        r.map((c) => c.style),
      ),
    );
  return out;
}
