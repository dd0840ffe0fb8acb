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
  setTimeoutMicros(micros: number): void;
  reset(): void;
  parse(src: string): TsTree | null;
}

/**
 * tree-sitter's error recovery is quadratic on some hostile inputs (200k characters of `||` or of NUL
 * bytes take minutes). Past this the parse stops and the call is judged as unparsed shell, which is never
 * auto-approved: the hook answers well inside its own timeout instead of hanging a CPU.
 */
export const PARSE_TIMEOUT_MS = 3000;

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
  p.setTimeoutMicros(PARSE_TIMEOUT_MS * 1000);
  parser = p;
  return p;
}

function parseTree(source: string): TsTree {
  const p = getParser();
  let tree: TsTree | null = null;
  try {
    tree = p.parse(source);
  } finally {
    // A halted parse resumes where it stopped on the next call unless the parser is reset.
    if (!tree) p.reset();
  }
  if (!tree) throw new Error(`shell parse stopped after ${PARSE_TIMEOUT_MS} ms`);
  return tree;
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

export const parseBash: ShellParser = (source) => convert(parseTree(source).walk(), 0);
