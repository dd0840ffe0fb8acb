// Which runbook section a heading is, by its text. Case-insensitive, any heading level, numbering,
// emoji and punctuation ignored; the patterns look for a phrase anywhere in the heading, so
// "## 3. Scope boundary (read this)" is a scope heading. A heading may be more than one kind.
import type { SectionKind } from './types.ts';

export interface SectionSpec {
  kind: SectionKind;
  /** The canonical name, used in messages. */
  title: string;
  /** Heading phrases that count, for --help and messages. */
  synonyms: string[];
  pattern: RegExp;
  /** What the section is for, for messages and --help. */
  why: string;
  /** An example entry, for fix hints. */
  example: string;
}

export const SECTION_SPECS: readonly SectionSpec[] = [
  {
    kind: 'preconditions',
    title: 'Preconditions',
    synonyms: ['Preconditions', 'Prerequisites', 'Before you start', 'Before you begin', 'Pre-flight'],
    pattern:
      /\b(pre-?conditions?|prerequisites?|pre-?reqs?|before (you )?(start|begin)|before (starting|beginning)|pre-?flight|entry criteria)\b/,
    why: 'what must be true before the agent changes anything (clean tree, dependencies installed, tests green)',
    example: '- The tree is clean: `git status --porcelain` prints nothing',
  },
  {
    kind: 'escalation',
    title: 'Escalation criteria',
    synonyms: ['Escalation criteria', 'Escalation', 'When to escalate', 'Ask a human when', 'Stop and ask'],
    pattern:
      /\b(escalat\w*|when to (ask|stop)|ask (a |the )?(human|user|maintainer|owner|reviewer)s?|stop and ask|ask (for help|before)|human in the loop)\b/,
    why: 'when the agent must stop and hand over to a human instead of pushing on',
    example: '- Stop and ask a human when a migration would drop data',
  },
  {
    kind: 'postconditions',
    title: 'Postconditions',
    synonyms: ['Postconditions', 'Definition of done', 'Done when', 'Verification', 'Acceptance criteria'],
    pattern:
      /\b(post-?conditions?|definition of done|done when|when (you are|you're|youre) done|verification|verify|acceptance criteria|exit criteria|completion criteria|before (you )?(finish|commit|submit|push|hand off)|before (finishing|committing|submitting|pushing|handing off))\b/,
    why: 'how the agent proves the work is done, each with a command to run',
    example: '- Tests pass: `npm test`',
  },
  {
    kind: 'scope',
    title: 'Scope boundary',
    synonyms: ['Scope boundary', 'Scope', 'Boundaries', 'Allowed paths', 'Out of scope'],
    pattern:
      /\b(scope|in-scope|out-of-scope|boundar(y|ies)|allowed (paths|files|directories|dirs)|writable (paths|files|directories)|(paths|files|directories) (you may|you can|to) (edit|touch|change|write)|where (you )?(may|can) (edit|write|work)|off[- ]limits)\b/,
    why: 'which paths the agent may change, and which it must leave alone',
    example: '- You may edit `src/` and `test/`; never `agent-sre.yaml`',
  },
];

/** Headings that make an explicit "Never" list: "Never", "Never do this", "Don'ts", "Do not". */
const NEVER_HEADING = /\b(never|don'?ts?|do not|must not|forbidden|prohibited|not allowed)\b/;

/** Headings under which paths are off limits rather than writable. */
const NEGATIVE_HEADING =
  /\b(out of scope|out-of-scope|off[- ]limits|never|don'?ts?|do not|must not|forbidden|prohibited|not allowed|read-?only|protected|exclud\w*|exclusions?|no-?go|avoid|untouchable|hands off)\b/;

/** Words that make what follows them off limits: "never edit `x`", "do not touch `y`". */
const NEGATION =
  /^(never|not|no|don't|dont|can't|cannot|mustn't|shouldn't|avoid|forbidden|prohibited|off-limits|out-of-scope|read-only|readonly|protected|untouchable|exclude|excluding|excluded)$/;
/** Words that turn it around: "edit anything except `x`", "do not edit outside `src/`". */
const EXCEPTION = /^(except|outside|besides|beyond|but-for|other-than|apart-from)$/;

/** Lower case, typographic apostrophes folded, numbering, emoji and punctuation dropped. */
export function normalizeHeading(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/^\s*(\d+(\.\d+)*[.)]?|[ivx]+[.)])\s+/, '')
    .replace(/[^\p{L}\p{N}'\s-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function sectionKinds(heading: string): SectionKind[] {
  const h = normalizeHeading(heading);
  return SECTION_SPECS.filter((s) => s.pattern.test(h)).map((s) => s.kind);
}

export function isNeverHeading(heading: string): boolean {
  return NEVER_HEADING.test(normalizeHeading(heading));
}

/** A list item that is a "Never" rule: its text starts with "Never". */
export function isNeverItem(text: string): boolean {
  return /^never\b/.test(normalizeHeading(text));
}

export function isNegativeHeading(heading: string): boolean {
  return NEGATIVE_HEADING.test(normalizeHeading(heading));
}

/**
 * Whether a path is off limits, from the words of its item or paragraph in the same clause: `before` the
 * path and, when the path is the only one there, `after` it ("`dist/` is generated, never edit it").
 * Negations switch it off, exceptions ("except", "outside") switch it back: "never edit `a`" is off
 * limits, "do not edit anything outside `src/`" is writable. A heuristic over one item's text.
 */
export function isNegated(before: string, after = ''): boolean {
  let negative = false;
  for (const w of words(lastClause(before))) {
    if (NEGATION.test(w)) negative = true;
    else if (EXCEPTION.test(w)) negative = !negative;
  }
  return negative || words(restOfSentence(after)).some((w) => NEGATION.test(w));
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\b(other than|apart from|but for|off limits|read only|out of scope)\b/g, (m) =>
      m.replace(/ /g, '-'),
    )
    .split(/[^\p{L}\p{N}'-]+/u)
    .filter((w) => w !== '');
}

const lastClause = (text: string) => text.split(/[.;!?](?:\s|$)/).pop() ?? '';
/** After a path, the rest of its sentence: "`dist/` is generated; never edit it." */
const restOfSentence = (text: string) => text.split(/[.!?](?:\s|$)/)[0] ?? '';
