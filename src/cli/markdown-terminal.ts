// Markdown (the report's, with GitHub tables) for a terminal: headings underlined, tables aligned,
// statuses coloured, lists and code indented. With colour off it is the same text without escapes, so a
// pipe gets a readable plain-text document. The Markdown quotes ledger data (rule names, commands, session
// ids): every piece of text is cleaned of control characters before it is printed. Never throws.
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { severityStyle, statusStyle } from './status-style.ts';
import { clean, type Paint, type Style, visibleWidth } from './style.ts';
import { type Column, renderTable, wrapText } from './table.ts';

/** The part of an mdast node read here. */
interface MdNode {
  type: string;
  value?: string;
  url?: string;
  alt?: string | null;
  depth?: number;
  ordered?: boolean | null;
  start?: number | null;
  align?: Array<string | null> | null;
  children?: MdNode[];
}

export interface TerminalMarkdownOptions {
  paint: Paint;
  /** The terminal's width: paragraphs wrap and tables fit within it. Null for a pipe: lines stay whole. */
  width: number | null;
}

/** A word and how it is styled: paragraphs wrap by words, each keeps its own style. */
interface Run {
  text: string;
  style?: Style | undefined;
}

const READ_WIDTH = 100;
// A cell that is a number, money, a share or a duration is right-aligned: 12, $1.50, 40%, 4m 10s, 3 (1).
const NUMERIC = /^(?:n\/a|-|\$?\d[\d,.]*(?:%|[a-z]{1,3})?(?: \d+[a-z]{1,3})?(?: \([^)]*\))?)$/i;

export function renderMarkdownForTerminal(markdown: string, opts: TerminalMarkdownOptions): string {
  let tree: MdNode;
  try {
    tree = fromMarkdown(markdown, {
      extensions: [gfm()],
      mdastExtensions: [gfmFromMarkdown()],
    }) as unknown as MdNode;
  } catch {
    // The parser accepts any string; should it ever throw, the text itself is still worth reading.
    return `${clean(markdown)}\n`;
  }
  const r = new Renderer(opts);
  const blocks = (tree.children ?? []).map((n) => r.block(n, 0)).filter((b) => b.length > 0);
  return `${blocks.map((b) => b.join('\n')).join('\n\n')}\n`;
}

class Renderer {
  private readonly p: Paint;
  private readonly width: number | null;
  constructor(opts: TerminalMarkdownOptions) {
    this.p = opts.paint;
    this.width = opts.width === null ? null : Math.min(opts.width, READ_WIDTH + 20);
  }

  /** A block as lines, for a column `indent` characters in. */
  block(n: MdNode, indent: number): string[] {
    const p = this.p;
    switch (n.type) {
      case 'heading': {
        const text = this.plain(n);
        const depth = n.depth ?? 1;
        const head = depth <= 2 ? p.bold(p.cyan(text)) : p.bold(text);
        if (depth > 2) return [head];
        const rule = (depth === 1 ? (p.enabled ? '━' : '=') : p.enabled ? '─' : '-').repeat(
          visibleWidth(text),
        );
        return [head, p.enabled ? p.dim(rule) : rule];
      }
      case 'paragraph':
        return this.wrap(this.runs(n), indent);
      case 'list':
        return this.list(n, indent);
      case 'table':
        return this.table(n, indent);
      case 'code':
        return clean(n.value ?? '')
          .split('\n')
          .map((l) => `    ${p.dim(l)}`.trimEnd());
      case 'blockquote':
        return (n.children ?? []).flatMap((c, i) => [
          ...(i > 0 ? [''] : []),
          ...this.block(c, indent + 2).map((l) => `${p.dim(p.enabled ? '│' : '>')} ${l}`),
        ]);
      case 'thematicBreak':
        return [p.dim((p.enabled ? '─' : '-').repeat(Math.min(40, this.width ?? 40)))];
      case 'html':
        return clean(n.value ?? '').split('\n');
      default:
        return n.children ? this.wrap(this.runs(n), indent) : clean(n.value ?? '').split('\n');
    }
  }

  private list(n: MdNode, indent: number): string[] {
    const out: string[] = [];
    (n.children ?? []).forEach((item, i) => {
      const marker = n.ordered ? `${(n.start ?? 1) + i}.` : this.p.enabled ? '•' : '-';
      const hang = ' '.repeat(marker.length + 1);
      const body = (item.children ?? []).flatMap((c, k) => [
        ...(k > 0 && c.type !== 'list' ? [''] : []),
        ...this.block(c, indent + hang.length + 2),
      ]);
      body.forEach((line, k) => {
        out.push(`  ${k === 0 ? `${marker} ` : hang}${line}`.trimEnd());
      });
    });
    return out;
  }

  private table(n: MdNode, indent: number): string[] {
    const rows = (n.children ?? []).map((row) => (row.children ?? []).map((c) => this.cell(c)));
    const [head = [], ...body] = rows;
    const columns: Column[] = head.map((h, i) => {
      const align = n.align?.[i];
      const numeric =
        body.length > 0 && body.every((r) => NUMERIC.test((r[i]?.text ?? '').trim()) || !r[i]?.text);
      return {
        header: h.text,
        align: align === 'right' || (align == null && numeric) ? 'right' : 'left',
        wrap: true,
      };
    });
    return renderTable(columns, body, {
      paint: this.p,
      width: this.width === null ? null : this.width - indent,
      rule: true,
    });
  }

  /** A table cell: its text, coloured when it is a status word or a code span alone. */
  private cell(n: MdNode): { text: string; style?: Style | undefined } {
    const text = this.plain(n);
    const only = n.children?.length === 1 ? n.children[0] : undefined;
    const status = /^SEV[1-4]$/.test(text) ? severityStyle(this.p, text) : statusStyle(this.p, text);
    if (status('x') !== 'x') return { text, style: status };
    if (only?.type === 'inlineCode') return { text, style: this.p.cyan };
    return { text };
  }

  /** Inline content flattened to text, for headings and cells. */
  private plain(n: MdNode): string {
    return this.runs(n)
      .map((r) => r.text)
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
  }

  /** Inline content as styled pieces. */
  private runs(n: MdNode, style?: Style): Run[] {
    const p = this.p;
    const compose = (outer: Style | undefined, inner: Style): Style =>
      outer ? (t) => outer(inner(t)) : inner;
    switch (n.type) {
      case 'text':
        return [{ text: clean(n.value ?? '', true), style }];
      case 'inlineCode':
        return [{ text: clean(n.value ?? '', true), style: compose(style, p.cyan) }];
      case 'strong':
        return (n.children ?? []).flatMap((c) => this.runs(c, compose(style, p.bold)));
      case 'emphasis':
        return (n.children ?? []).flatMap((c) => this.runs(c, compose(style, p.italic)));
      case 'break':
        return [{ text: '\n' }];
      case 'image': {
        const url = clean(n.url ?? '', true);
        const alt = clean(n.alt ?? '', true);
        return [{ text: alt && alt !== url ? `${alt} (${url})` : url, style: compose(style, p.underline) }];
      }
      case 'link': {
        const inner = (n.children ?? []).flatMap((c) => this.runs(c, compose(style, p.underline)));
        const url = clean(n.url ?? '', true);
        const said = inner.map((r) => r.text).join('');
        return said === url || url === '' ? inner : [...inner, { text: ` (${url})`, style: p.dim }];
      }
      case 'html':
        return [{ text: clean(n.value ?? '', true), style }];
      default:
        if (n.children) return n.children.flatMap((c) => this.runs(c, style));
        return n.value ? [{ text: clean(n.value, true), style }] : [];
    }
  }

  /** Runs as lines: whole when the width is unknown, else wrapped by words within it. */
  private wrap(runs: Run[], indent: number): string[] {
    const words: Run[] = [];
    for (const r of runs) {
      const parts = r.text.split(/( |\n)/);
      for (const part of parts) if (part !== '') words.push({ text: part, style: r.style });
    }
    const styled = (w: Run) => (w.style && w.text.trim() ? w.style(w.text) : w.text);
    const limit = this.width === null ? null : Math.max(20, Math.min(READ_WIDTH, this.width) - indent);
    const lines: string[] = [];
    let line = '';
    let used = 0;
    const flush = () => {
      lines.push(line.trimEnd());
      line = '';
      used = 0;
    };
    for (const w of words) {
      if (w.text === '\n') {
        flush();
        continue;
      }
      if (w.text === ' ') {
        if (used > 0) {
          line += ' ';
          used++;
        }
        continue;
      }
      const len = [...w.text].length;
      if (limit !== null && used > 0 && used + len > limit) {
        flush();
      }
      if (limit !== null && len > limit) {
        // A word longer than the line (a URL, a long id): cut into whole lines.
        for (const piece of wrapText(w.text, limit)) {
          if (used > 0) flush();
          line = styled({ text: piece, style: w.style });
          used = [...piece].length;
        }
        continue;
      }
      line += styled(w);
      used += len;
    }
    if (used > 0 || lines.length === 0) flush();
    return lines;
  }
}
