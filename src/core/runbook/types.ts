// The neutral shape a runbook (AGENTS.md, CLAUDE.md) is linted in. The Markdown adapter
// (src/adapters/markdown/parse.ts) builds it; the rules in this folder only ever see this, so they stay
// pure and know nothing of any Markdown parser. Lines are 1-based, as an editor shows them.

/** An inline code span: `npm test`, `src/**`. `offset` is where it starts in its block's `text`. */
export interface CodeSpan {
  value: string;
  line: number;
  offset: number;
}

/** A fenced or indented code block. */
export interface CodeBlock {
  lang: string | null;
  value: string;
  line: number;
}

/** A paragraph: its plain text (code spans included as their content) and the code spans in it. */
export interface TextBlock {
  text: string;
  line: number;
  codes: CodeSpan[];
}

/**
 * One list item. `text` and `codes` are the item's own (its paragraphs), not its nested items', which
 * follow it in the section's `items` with a larger `depth` (0 = a top-level list).
 */
export interface ListItem extends TextBlock {
  depth: number;
  codeBlocks: CodeBlock[];
}

export interface SectionBody {
  paragraphs: TextBlock[];
  items: ListItem[];
  codeBlocks: CodeBlock[];
}

/** What sits under one heading, up to the next heading of any level. */
export interface Section extends SectionBody {
  heading: string;
  /** 1-6 (ATX or setext). */
  level: number;
  line: number;
}

/** An `@path` import (Claude Code's memory import syntax) in the text, outside code. */
export interface RunbookImport {
  path: string;
  line: number;
}

export interface RunbookDoc {
  /** The name findings are reported under, as the user sees it. */
  file: string;
  /** Absolute path, to resolve `@imports` between runbooks. */
  path: string;
  /** Lines in the file as an editor counts them (an empty file has one). */
  lineCount: number;
  /** Whatever comes before the first heading. */
  preamble: SectionBody;
  /** Every heading in document order, flat; nesting follows from `level`. */
  sections: Section[];
  imports: RunbookImport[];
}

export type Severity = 'error' | 'warning';

export type RuleId =
  | 'runbook.missing'
  | 'runbook.missing-section'
  | 'runbook.empty-section'
  | 'runbook.line-budget'
  | 'runbook.never-list'
  | 'runbook.never-unenforced'
  | 'runbook.unverified-postcondition'
  | 'runbook.scope-path-missing'
  | 'runbook.scope-outside-project'
  | 'runbook.scope-guard';

export interface Finding {
  file: string;
  line: number;
  severity: Severity;
  rule: RuleId;
  message: string;
  /** A concrete next step. */
  fix: string;
}

/** The four sections every runbook needs. */
export type SectionKind = 'preconditions' | 'escalation' | 'postconditions' | 'scope';
