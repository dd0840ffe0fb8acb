// Markdown (CommonMark, through mdast-util-from-markdown) to the neutral runbook shape the lint rules
// read (src/core/runbook/types.ts). Headings open sections; paragraphs, list items and code blocks go to
// the section they sit in. Block quotes are read through. HTML is ignored. Never throws on any input.
import { fromMarkdown } from 'mdast-util-from-markdown';
import type {
  CodeBlock,
  CodeSpan,
  ListItem,
  RunbookDoc,
  RunbookImport,
  Section,
  SectionBody,
  TextBlock,
} from '../../core/runbook/types.ts';

/** The part of an mdast node this adapter reads. */
interface MdNode {
  type: string;
  value?: string;
  alt?: string | null;
  lang?: string | null;
  depth?: number;
  children?: MdNode[];
  position?: { start: { line: number } };
}

/** Lines as an editor counts them: CR, LF and CRLF all end a line; a final line ending opens no line. */
export function countLines(text: string): number {
  const parts = text.split(/\r\n|\r|\n/);
  return parts.length > 1 && parts[parts.length - 1] === '' ? parts.length - 1 : parts.length;
}

/**
 * Parse one runbook. `file` is the name findings are reported under; `path` (absolute) resolves its
 * `@imports`.
 */
export function parseRunbook(text: string, file: string, path: string = file): RunbookDoc {
  const root: MdNode = fromMarkdown(text);
  const preamble: SectionBody = { paragraphs: [], items: [], codeBlocks: [] };
  const sections: Section[] = [];
  const imports: RunbookImport[] = [];
  let current: SectionBody = preamble;

  const lineOf = (n: MdNode, fallback: number) => Math.max(1, n.position?.start.line ?? fallback);

  /** Plain text of inline content, recording code spans (with their offsets) and `@imports`. */
  const inline = (nodes: MdNode[], line: number, into: { text: string; codes: CodeSpan[] }) => {
    // Iterative, in document order: emphasis can nest thousands deep.
    const stack: { nodes: MdNode[]; i: number; line: number }[] = [{ nodes, i: 0, line }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const n = top.nodes[top.i++];
      if (!n) {
        stack.pop();
        continue;
      }
      const at = lineOf(n, top.line);
      if (n.type === 'inlineCode') {
        into.codes.push({ value: n.value ?? '', line: at, offset: into.text.length });
        into.text += n.value ?? '';
      } else if (n.type === 'text') {
        const value = n.value ?? '';
        for (const m of value.matchAll(/(?:^|\s)@([\w.~/-]*[\w/])/g)) {
          const before = value.slice(0, m.index + m[0].indexOf('@'));
          imports.push({ path: m[1]!, line: at + (before.match(/\r\n|\r|\n/g)?.length ?? 0) });
        }
        into.text += value;
      } else if (n.type === 'break') into.text += '\n';
      else if (n.type === 'image' || n.type === 'imageReference') into.text += n.alt ?? '';
      else if (n.children) stack.push({ nodes: n.children, i: 0, line: at });
    }
  };

  const textBlock = (n: MdNode, fallback: number): TextBlock => {
    const line = lineOf(n, fallback);
    const block = { text: '', line, codes: [] as CodeSpan[] };
    inline(n.children ?? [], line, block);
    return block;
  };

  const codeBlock = (n: MdNode, fallback: number): CodeBlock => ({
    lang: n.lang ?? null,
    value: n.value ?? '',
    line: lineOf(n, fallback),
  });

  // The block walk, iterative for the same reason (lists and block quotes nest without limit). Frames:
  // `blocks` at the top level or in a block quote, `list` over a list's items, `item` inside one item.
  type Frame =
    | { kind: 'blocks'; nodes: MdNode[]; i: number }
    | { kind: 'list'; nodes: MdNode[]; i: number; depth: number; into: ListItem[] }
    | {
        kind: 'item';
        nodes: MdNode[];
        i: number;
        depth: number;
        into: ListItem[];
        item: ListItem;
        own: boolean;
      };
  const stack: Frame[] = [{ kind: 'blocks', nodes: root.children ?? [], i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const n = top.nodes[top.i++];
    if (!n) {
      stack.pop();
      if (top.kind === 'item' && top.own) dropTaskBox(top.item);
      continue;
    }
    if (top.kind === 'blocks') {
      if (n.type === 'heading') {
        const head = textBlock(n, 1);
        const section: Section = {
          heading: head.text.replace(/\s+/g, ' ').trim(),
          level: n.depth ?? 1,
          line: head.line,
          paragraphs: [],
          items: [],
          codeBlocks: [],
        };
        sections.push(section);
        current = section;
      } else if (n.type === 'paragraph') current.paragraphs.push(textBlock(n, 1));
      else if (n.type === 'code') current.codeBlocks.push(codeBlock(n, 1));
      else if (n.type === 'list')
        stack.push({ kind: 'list', nodes: n.children ?? [], i: 0, depth: 0, into: current.items });
      else if (n.type === 'blockquote') stack.push({ kind: 'blocks', nodes: n.children ?? [], i: 0 });
    } else if (top.kind === 'list') {
      if (n.type !== 'listItem') continue;
      const item: ListItem = { text: '', line: lineOf(n, 1), codes: [], depth: top.depth, codeBlocks: [] };
      top.into.push(item);
      stack.push({
        kind: 'item',
        nodes: n.children ?? [],
        i: 0,
        depth: top.depth,
        into: top.into,
        item,
        own: true,
      });
    } else {
      const { item } = top;
      if (n.type === 'list')
        stack.push({ kind: 'list', nodes: n.children ?? [], i: 0, depth: top.depth + 1, into: top.into });
      else if (n.type === 'code') item.codeBlocks.push(codeBlock(n, item.line));
      else if (n.type === 'paragraph' || n.type === 'heading') {
        if (item.text !== '') item.text += '\n';
        inline(n.children ?? [], lineOf(n, item.line), item);
      } else if (n.children) stack.push({ ...top, nodes: n.children, i: 0, own: false });
    }
  }
  return { file, path, lineCount: countLines(text), preamble, sections, imports };
}

/** A task-list checkbox ("- [ ] tests pass") is not part of what the item says. */
function dropTaskBox(item: ListItem): void {
  const box = /^\[[ xX]\][ \t]+/.exec(item.text)?.[0].length ?? 0;
  if (box === 0 || item.codes.some((c) => c.offset < box)) return;
  item.text = item.text.slice(box);
  for (const c of item.codes) c.offset -= box;
}
