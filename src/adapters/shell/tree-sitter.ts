// The one place that knows tree-sitter. It turns a bash parse tree into our own ShellNode tree so the
// core stays free of native modules. Loaded lazily: only calls that carry shell text pay its start-up.
import { createRequire } from 'node:module';
import type { ShellNode, ShellParser } from '../../core/types.ts';

// In the hook's CommonJS bundle `require` is the launcher's, which remembers where packages resolved.
const requireNative: NodeJS.Require =
  typeof require === 'function' ? require : createRequire(import.meta.url);

/** Deeper trees than this are refused: the core turns the error into an opaque effect. */
export const MAX_TREE_DEPTH = 256;

interface TsCursor {
  nodeType: string;
  nodeText: string;
  nodeIsNamed: boolean;
  nodeIsMissing: boolean;
  currentFieldName: string | null | undefined;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
}
interface TsTree {
  walk(): TsCursor;
}
interface TsParser {
  setLanguage(lang: unknown): void;
  parse(src: string): TsTree;
}

let parser: TsParser | undefined;

function getParser(): TsParser {
  if (parser) return parser;
  const Parser = requireNative('tree-sitter') as (new () => TsParser) & { SyntaxNode: unknown };
  const bash = requireNative('tree-sitter-bash') as { nodeSubclasses?: unknown };
  // tree-sitter builds a typed node class per grammar node type on first use (about 6 ms). We only
  // walk with a cursor, so the plain SyntaxNode serves for every type.
  bash.nodeSubclasses ??= new Proxy([], {
    get: (target, key) => (key === 'length' ? target.length : Parser.SyntaxNode),
  });
  const p = new Parser();
  p.setLanguage(bash);
  parser = p;
  return p;
}

/**
 * A token tree-sitter had to assume to finish the parse (the `)` of `$(ls`) becomes a zero-width MISSING
 * node: a parse error, like ERROR. Except a heredoc's end: bash ends an unterminated heredoc at the end
 * of input too (with a warning), so the parse is what bash runs.
 */
function missing(c: TsCursor): boolean {
  return c.nodeIsMissing && c.nodeType !== 'heredoc_end';
}

function convert(c: TsCursor, depth: number): ShellNode {
  if (depth > MAX_TREE_DEPTH) throw new Error(`shell syntax nested deeper than ${MAX_TREE_DEPTH} levels`);
  const node: ShellNode = {
    // Anonymous tokens (`>`, `&&`, `|`) keep their text as the type, which is what tree-sitter does too.
    type: missing(c) ? 'MISSING' : c.nodeType,
    text: c.nodeText,
    children: [],
  };
  const field = c.currentFieldName;
  if (field) node.field = field;
  if (c.gotoFirstChild()) {
    do {
      node.children.push(convert(c, depth + 1));
    } while (c.gotoNextSibling());
    c.gotoParent();
  }
  return node;
}

export const parseBash: ShellParser = (source) => convert(getParser().parse(source).walk(), 0);
