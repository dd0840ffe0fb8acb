// The runbook (AGENTS.md, CLAUDE.md) compiled into what the guard enforces, so the file the agent reads
// and the rules it meets are one source of truth: the scope boundary becomes write rules, recognisable
// "Never" items become rules, postconditions become Stop-gate command checks, and the escalation
// criteria, the Never list and the scope become a short digest for the session's context. What cannot
// be compiled is listed with its line and the reason, never silently dropped. Pure.

import { DESTRUCTIVE_TAGS, gitTags } from '../effects/git.ts';
import type { CommandCheck } from '../gates/types.ts';
import { own } from '../own.ts';
import { globBase, isUnder, normalize } from '../paths.ts';
import type { Rule, RuleMatch } from '../policy/types.ts';
import type { Tier } from '../types.ts';
import { looksLikeCommand, looksLikePath } from './commands.ts';
import { anyAncestor, hasCommand, isLeaf, RUNBOOK_FILES, regions, scopeEntries } from './lint.ts';
import { isNeverHeading, isNeverItem } from './sections.ts';
import type { CodeBlock, CodeSpan, ListItem, RunbookDoc, Section, TextBlock } from './types.ts';

export interface CompileOptions {
  /** Absolute; relative scope paths resolve against it. */
  projectDir: string;
}

export interface NotCompiled {
  file: string;
  line: number;
  /** The runbook text, shortened. */
  text: string;
  why: string;
}

/** A runbook line a rule or check came from. */
export interface RunbookSource {
  file: string;
  line: number;
  text: string;
}

export interface CompiledRunbook {
  /** Policy rules, to append to the policy's own (they only ever raise a tier). */
  rules: Rule[];
  /** Stop-gate checks for the main agent, one per postcondition command. */
  checks: CommandCheck[];
  notCompiled: NotCompiled[];
  /** Plain text for the session's context (at most DIGEST_MAX characters). */
  digest: string;
  /** Scope entries as the runbook writes them (`src/`, `docs/**\/*.md`), before they become globs. */
  scope: { writable: string[]; offLimits: string[] };
  /** For each rule and check id, the runbook lines it came from. */
  sources: Record<string, RunbookSource[]>;
}

export const DIGEST_MAX = 1500;
/** How long a Stop check may run: a full test suite, not a hung watcher. */
export const CHECK_TIMEOUT_SECONDS = 600;

const CONDITION = /\b(unless|without|until|before|except|if)\b/;
const BRANCH_WORDS = /^(main|master|trunk|develop|development|production|prod|release|stable|staging)$/;
/** Where tests live, by convention across ecosystems; relative to the project. */
const TEST_GLOBS = [
  '**/test',
  '**/test/**',
  '**/tests',
  '**/tests/**',
  '**/__tests__',
  '**/__tests__/**',
  '**/spec',
  '**/spec/**',
  '**/specs',
  '**/specs/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/*_test.*',
  '**/*_spec.*',
  '**/test_*.py',
];

// --- what the runbook says, before any project directory is known ----------------------------------

interface Line {
  file: string;
  line: number;
  text: string;
}

interface ScopePath extends Line {
  value: string;
}

interface NeverItem extends Line {
  /** The item's own text (code spans without backticks) and code spans. */
  own: string;
  codes: CodeSpan[];
  /** Under a Never heading, where a bare `cmd` item means "never run it". */
  listed: boolean;
  /** Has children and no code of its own: "Never run:" introducing a list. */
  introduces: boolean;
  /** The Never item it is nested under. */
  parent?: NeverItem;
}

interface Collected {
  files: string[];
  escalation: Line[];
  never: NeverItem[];
  writable: ScopePath[];
  offLimits: ScopePath[];
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const shorten = (text: string, max: number) => {
  const t = oneLine(text);
  return t.length > max ? `${t.slice(0, max - 3).trimEnd()}...` : t;
};
const lower = (text: string) =>
  oneLine(text)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'");

function collect(docs: readonly RunbookDoc[]): Collected {
  const out: Collected = { files: [], escalation: [], never: [], writable: [], offLimits: [] };
  for (const doc of docs) {
    out.files.push(doc.file);
    for (const region of regions(doc, 'escalation')) {
      const items = region.parts.flatMap((p) => p.section.items);
      const blocks = items.length > 0 ? items : region.parts.flatMap((p) => p.section.paragraphs);
      for (const b of blocks) if (oneLine(b.text) !== '') out.escalation.push(line(doc, b.line, ticked(b)));
    }
    for (const region of regions(doc, 'scope'))
      for (const e of scopeEntries(region)) {
        const entry = { file: doc.file, line: e.line, text: e.value, value: e.value };
        (e.writable ? out.writable : out.offLimits).push(entry);
      }
    out.never.push(...neverItems(doc));
  }
  return out;
}

const line = (doc: RunbookDoc, at: number, text: string): Line => ({ file: doc.file, line: at, text });

/**
 * Items under a Never heading (and its subsections), and items anywhere that start with "Never", in
 * document order, each with the nearest Never item it is nested under: "- Never run:" over
 * "- `npm publish`" reads as "Never run `npm publish`".
 */
function neverItems(doc: RunbookDoc): NeverItem[] {
  const out: NeverItem[] = [];
  let underNever = 0; // the level of the Never heading we are under, 0 when none
  const take = (items: readonly ListItem[], all: boolean) => {
    const mine: (NeverItem | undefined)[] = [];
    const open: number[] = [];
    items.forEach((item, k) => {
      while (open.length > 0 && items[open[open.length - 1]!]!.depth >= item.depth) open.pop();
      const parent = [...open].reverse().find((p) => mine[p] !== undefined);
      open.push(k);
      if (!all && !isNeverItem(item.text) && parent === undefined) return;
      const n: NeverItem = {
        ...line(doc, item.line, ticked(item)),
        own: item.text,
        codes: item.codes,
        listed: all,
        introduces: !isLeaf(items, k) && item.codes.length === 0,
        ...(parent !== undefined ? { parent: mine[parent]! } : {}),
      };
      mine[k] = n;
      out.push(n);
    });
  };
  // A paragraph counts when it states a rule: "Never run `pnpm publish`; never edit lockfiles by hand."
  const prose = (paragraphs: readonly TextBlock[], all: boolean) => {
    for (const p of paragraphs)
      if (isNeverItem(p.text) || (all && NEGATION.test(lower(p.text))))
        out.push({
          ...line(doc, p.line, ticked(p)),
          own: p.text,
          codes: p.codes,
          listed: all,
          introduces: false,
        });
  };
  take(doc.preamble.items, false);
  prose(doc.preamble.paragraphs, false);
  for (const s of doc.sections as Section[]) {
    if (underNever > 0 && s.level <= underNever) underNever = 0;
    if (underNever === 0 && isNeverHeading(s.heading)) underNever = s.level;
    take(s.items, underNever > 0);
    prose(s.paragraphs, underNever > 0);
  }
  // Document order; a parent stays ahead of its children (it starts on an earlier line).
  return out.sort((a, b) => a.line - b.line);
}

/** The text with its code spans back in backticks, as the runbook shows them. */
function ticked(b: { text: string; codes: CodeSpan[] }): string {
  let out = '';
  let at = 0;
  for (const c of [...b.codes].sort((x, y) => x.offset - y.offset)) {
    if (c.offset < at) continue;
    out += `${b.text.slice(at, c.offset)}\`${c.value}\``;
    at = c.offset + c.value.length;
  }
  return out + b.text.slice(at);
}

// --- Never items -----------------------------------------------------------------------------------

type Kind =
  | 'force-push'
  | 'push'
  | 'skip-hooks'
  | 'delete-tests'
  | 'run'
  | 'git'
  | 'flag'
  | 'paths'
  | 'outside-scope';

interface Recognised {
  kind: Kind;
  slug: string;
  tier: Tier;
  match?: RuleMatch;
  /** What the agent should do instead, for the reason. */
  instead: string;
  /** `paths`: entries that join the off-limits scope; `outside-scope`: entries that join the writable one. */
  paths?: string[];
  /** `paths` only: what the item forbids of them. */
  access?: 'write' | 'read' | 'both';
}

interface NeverResult {
  compiled: Recognised[];
  /** Why nothing compiled; absent when the item is covered by the one it is nested under. */
  why?: string;
}

const FORCE =
  /\bforce[- ]?push\w*|\bpush\w*\b[^.;]*?(--force|--force-with-lease|\s-f\b|\s\+[\w/*.-])|--force-with-lease/;
/** Tests as a thing that runs, not a test database or a test account. */
const TESTS =
  '(?:tests|specs|test files?|test cases?|test suites?|(?:a|the|any|failing|flaky|broken|red)\\s+(?:test|spec))\\b(?!\\s+(?:databases?|db|data|servers?|environments?|env|accounts?|users?|tables?)\\b)';
const NO_VERIFY = new RegExp(
  `--no-verify|\\bno-verify\\b|\\bhusky=0|\\bhusky_skip_hooks\\b|\\bskip=|\\blefthook=0|\\b(?:skip|skipping|skips|bypass\\w*|circumvent\\w*|disabl\\w*|turn\\w* off)\\b[^.;]*\\b(?:git hooks?|hooks?|pre-?commit|pre-?push|commit-msg|husky|lefthook|verification|${TESTS})`,
);
const DELETE_TESTS = new RegExp(
  `\\b(?:delet\\w*|remov\\w*|rm)\\b[^.;]*\\b${TESTS}|\\bmake\\b[^.;]*\\b(?:errors?|failures?|warnings?|tests?|it|them)\\b[^.;]*\\b(?:go away|pass|disappear|green)\\b|\\b(?:delet\\w*|remov\\w*)\\b[^.;]*\\b(?:files?|code)\\b[^.;]*\\b(?:errors?|failures?|failing)\\b`,
);
const OUTSIDE =
  /\b(edit\w*|touch\w*|chang\w*|modif\w*|writ\w*|creat\w*|delet\w*|work\w*)\b\s+(?:[^\s.;]+\s+){0,3}?(outside|beyond|out of scope|out-of-scope)\b/;
/** "Never", "Don't", "Do not" ... at the start of an item. */
const NEGATION = /^(?:never|don't|dont|do not|must not|mustn't|should not|shouldn't)\s+(?:ever\s+)?/;
/** What comes before the command in "Never run `cmd`" (the negation already taken off). */
const RUN_VERB = /^(?:run|execute|exec|call|invoke|use|type)\b(?:\s+the)?(?:\s+commands?)?\s*:?\s*$/;
const READ_VERB = /\b(read\w*|open\w*|cat|print\w*|view\w*|look at|display\w*|show\w*|inspect\w*)\b/;
const WRITE_VERB =
  /\b(edit\w*|touch\w*|chang\w*|modif\w*|writ\w*|delet\w*|remov\w*|rm|overwrit\w*|renam\w*|mov\w*|creat\w*|commit\w*|format\w*|regenerat\w*|updat\w*|add\w*|replac\w*)\b/;

/** `git push --force`, `-f`, `--force-with-lease` or a `+refspec` in one command. */
const isForcePush = (cmd: string) =>
  /\bpush\b/.test(cmd) && /(\s--force\b|\s--force-with-lease\b|\s-[a-z]*f[a-z]*\b|\s\+\S)/.test(` ${cmd}`);
const isNoVerify = (cmd: string) => /--no-verify|\bhusky=0|\bskip=|\bcommit\b.*\s-[a-z]*n/i.test(cmd);

/**
 * What one Never item compiles to. `context` is the text of the items it is nested under when they
 * only introduce it ("Never run:"); an item is negated by "Never" itself, a Never heading or that context.
 */
function recogniseNever(item: NeverItem, context = ''): NeverResult {
  const own = lower(item.own);
  const text = lower(`${context} ${item.own}`);
  const negated = NEGATION.test(own) || item.listed || context !== '';
  const stem = own.replace(NEGATION, '');
  const conditional = CONDITION.test(text);
  const tier: Tier = conditional ? 3 : 4;
  const compiled: Recognised[] = [];
  const codes = item.codes.map((c) => c.value.trim());

  if (FORCE.test(text) || codes.some(isForcePush)) {
    const branches = branchesNamed(item, 'force');
    compiled.push({
      kind: 'force-push',
      slug: ['force-push', ...branches].join('-'),
      tier,
      match: {
        kind: ['exec'],
        anyTags: ['git.force-push', 'git.force-with-lease'],
        ...(branches.length > 0 ? { program: ['git'], args: refspecArgs(branches) } : {}),
      },
      instead: 'Push without force to a new branch and open a pull request, or ask the human.',
    });
  } else if (negated && /^(?:git\s+)?push(es|ing)?\b/.test(stem)) {
    const branches = branchesNamed(item, 'push');
    const rest = stem.replace(/^.*?\bpush(es|ing)?\b/, '');
    const bare =
      /^\s*(directly\s+|straight\s+)?([.!;:(]|$)/.test(rest) || CONDITION.test(rest.split(/[.;]/)[0]!);
    if (branches.length > 0 || bare)
      compiled.push({
        kind: 'push',
        slug: ['push', ...branches].join('-'),
        tier,
        match: {
          kind: ['exec'],
          tags: ['git.push'],
          ...(branches.length > 0 ? { program: ['git'], args: refspecArgs(branches) } : {}),
        },
        instead: 'Leave the push to the human: say what is ready and where.',
      });
  }
  if (NO_VERIFY.test(text) || codes.some(isNoVerify))
    compiled.push({
      kind: 'skip-hooks',
      slug: 'skip-hooks',
      tier,
      match: { kind: ['exec'], tags: ['git.no-verify'] },
      instead: 'Let the hooks run and fix what they report.',
    });

  const run = negated ? runCommands(item, context) : { rules: [] };
  if ('why' in run) {
    if (compiled.length === 0) return { compiled, why: run.why };
  } else compiled.push(...run.rules.map((r) => ({ ...r, tier })));
  if (compiled.length > 0) return { compiled };

  // What git would lose, said in words: ".git", history, uncommitted work, stashes, branches.
  if (negated) compiled.push(...gitPhrases(text).map((r) => ({ ...r, tier })));
  if (compiled.length > 0) return { compiled };
  // A flag on its own: "Never use `--force`", "never pass --no-edit to git".
  if (negated) compiled.push(...flagRules(item).map((r) => ({ ...r, tier })));
  if (compiled.length > 0) return { compiled };

  // Paths are read only now: `release/*` in "Never force-push to `release/*`" is a branch.
  const paths = codes.filter(looksLikePath);
  const outside = OUTSIDE.exec(item.own.toLowerCase());
  const firstPath = item.codes.find((c) => looksLikePath(c.value));
  if (outside && (!firstPath || firstPath.offset > (outside.index ?? 0))) {
    return {
      compiled: [{ kind: 'outside-scope', slug: 'outside-scope', tier, paths, instead: '' }],
    };
  }
  if (paths.length > 0) {
    const any = /\baccess\w*\b/.test(own);
    const reads = any || READ_VERB.test(own);
    const writes = any || WRITE_VERB.test(own) || !reads;
    const access = reads && writes ? 'both' : reads ? 'read' : 'write';
    // Unconditional writes join runbook.off-limits; what needs a rule of its own is a read, or a condition.
    const verb = tier === 4 || access === 'read' ? 'read' : access === 'both' ? 'access' : 'edit';
    return {
      compiled: [
        {
          kind: 'paths',
          slug: `${verb}-${paths.join('-')}`,
          tier,
          paths,
          access,
          instead:
            tier === 3
              ? 'Say why it is needed.'
              : verb === 'read'
                ? 'Do not read it; ask the human for what you need from it.'
                : 'Leave it alone, or ask the human to make the change.',
        },
      ],
    };
  }
  if (DELETE_TESTS.test(text))
    return {
      compiled: [
        {
          kind: 'delete-tests',
          slug: 'delete-tests',
          tier,
          instead: 'Fix the code the test exercises; if a test really must go, ask the human.',
        },
      ],
    };
  return {
    compiled,
    why: 'not a form agent-sre can enforce: it compiles force pushes, pushes to a branch, skipping hooks or tests (--no-verify, HUSKY=0, SKIP=), deleting tests, "Never run `cmd`", a flag ("Never use `--force`"), deleting .git, history, stashes, branches or uncommitted work, editing outside the scope, and paths in backticks',
  };
}

/**
 * The argv pattern for a command as the runbook writes it: its words in order, options allowed before
 * and between them (`terraform -chdir=infra apply`, `kubectl -n prod delete`), and its own options
 * anywhere after the program, a bundle of short ones letter by letter (`rm -rf` is also `rm -fr`, `rm -r -f`).
 */
export function argsPattern(args: readonly string[]): string {
  const words = args.filter((a) => !a.startsWith('-'));
  const flags = args.filter((a) => a.startsWith('-') && a !== '-' && a !== '--');
  const ahead = flags.flatMap((f) => {
    if (/^-[A-Za-z0-9]+$/.test(f))
      return [...new Set(f.slice(1))].map(
        (ch) => `(?=(?:.* )?-[A-Za-z0-9]*${escapeRegExp(ch)}[A-Za-z0-9]*(?: |$))`,
      );
    return [`(?=(?:.* )?${escapeRegExp(f)}(?:[ =]|$))`];
  });
  const options = '(?:-\\S*(?: [^- ]\\S*)? )*';
  const body = words.length === 0 ? '' : `${options}${words.map(escapeRegExp).join('(?: -\\S*)* ')}(?: |$)`;
  return `^${ahead.join('')}${body}`;
}

/** Ways to say "destroy" in a Never item about git. */
const DESTROY =
  '(?:delet\\w*|remov\\w*|rm|wip\\w*|destroy\\w*|eras\\w*|nuk\\w*|purg\\w*|reinit\\w*|re-init\\w*|throw\\w* away|los[et]|losing|drop\\w*|clear\\w*|discard\\w*|prun\\w*|expir\\w*|force-delet\\w*|blow\\w* away)';
/** Up to four words between the verb and its object: "delete the local .git directory". */
const GAP = '\\s+(?:[^\\s.;:]+\\s+){0,4}?';
const GIT_DIR = new RegExp(
  `\\b${DESTROY}${GAP}(?:\\.git(?![\\w/.-])|git (?:director\\w*|folder|dir)\\b|(?:local )?(?:git )?repo(?:sitory)?\\b(?!\\s+(?:secrets?|settings|descriptions?|variables?)))`,
);
const HISTORY = new RegExp(
  `\\b(?:${DESTROY}|rewrit\\w*|squash\\w* away|falsif\\w*)${GAP}(?:git |commit |branch |repo |repository |local |published |shared |the )*(?:history|reflogs?)\\b`,
);
const WORK = new RegExp(
  `\\b(?:${DESTROY}|revert\\w*|reset\\w*|overwrit\\w*)${GAP}(?:uncommitted|unstaged|staged|untracked|local|unsaved|in-progress)\\b(?:\\s+[^\\s.;:]+){0,2}?\\s+(?:changes?|work|files?|edits?|modifications?)\\b`,
);
const STASH = new RegExp(`\\b${DESTROY}${GAP}stash(?:es)?\\b`);
const BRANCHES = new RegExp(`\\b${DESTROY}${GAP}branch(?:es)?\\b`);

/** Never items about what git would lose, in words: each becomes a rule on the tags of the commands that lose it. */
function gitPhrases(text: string): Omit<Recognised, 'tier'>[] {
  const out: Omit<Recognised, 'tier'>[] = [];
  const history = HISTORY.test(text);
  if (GIT_DIR.test(text) || history)
    out.push({
      kind: 'git',
      slug: 'delete-git-history',
      match: { kind: ['delete'], tags: ['git-history'], notTags: ['move'] },
      instead: 'Leave .git alone; to start over use a new branch (git switch --orphan), or ask the human.',
    });
  if (history)
    out.push({
      kind: 'git',
      slug: 'rewrite-history',
      match: { kind: ['exec'], anyTags: ['git.rewrite-history', 'git.rewrite-protected', 'git.force-push'] },
      instead: 'Add new commits instead of rewriting old ones, or ask the human.',
    });
  if (WORK.test(text) || STASH.test(text))
    out.push({
      kind: 'git',
      slug: 'discard-work',
      match: { kind: ['exec'], anyTags: ['git.discard'] },
      instead: 'Commit or stash the work first (git stash push), or ask the human.',
    });
  if (BRANCHES.test(text))
    out.push({
      kind: 'git',
      slug: 'delete-branches',
      match: {
        kind: ['exec'],
        anyTags: ['git.delete-branch', 'git.delete-protected', 'git.delete-remote-branch'],
      },
      instead: 'Leave branches in place (git branch -d deletes only merged ones), or ask the human.',
    });
  return out;
}

/** `--force`, `--no-edit`, `-f`: one option word, with an optional `=value`. */
const FLAG = /^--?[A-Za-z][\w-]*(?:=\S*)?$/;
/** Programs a flag item may name in plain words ("with git", "to npm"); code spans may name any. */
const NAMED_PROGRAMS =
  /\b(git|npm|pnpm|yarn|npx|bun|pip|uv|poetry|cargo|go|docker|podman|kubectl|helm|terraform|gh|rm|curl|rsync)\b/;
/**
 * Short spellings git accepts for a long option, for a flag rule on git, and the tags a command gets when
 * it really takes that option: `-bfeature` holds an f but forces nothing, so the rule needs both.
 */
const GIT_SHORT: Record<string, { letter: string; tags: string[] }> = {
  '--force': {
    letter: 'f',
    tags: [
      'git.force-push',
      'git.discard',
      'git.delete-branch',
      'git.delete-protected',
      'git.rewrite-protected',
    ],
  },
  '--no-verify': { letter: 'n', tags: ['git.no-verify'] },
};

/**
 * "Never use `--force`", "never pass --no-edit to `git commit`": a rule per flag, on the program the item
 * names (any program when it names none). A flag rule on git also matches the short spelling in a bundle.
 */
function flagRules(item: NeverItem): Omit<Recognised, 'tier'>[] {
  const fromCode = item.codes.map((c) => c.value.trim()).filter((v) => FLAG.test(v));
  const prose = item.own
    .replace(/`[^`]*`/g, ' ')
    .split(/[\s,;()"']+/)
    .map((w) => w.replace(/[.:!?]+$/, ''))
    .filter((w) => /^--[A-Za-z][\w-]+(?:=\S*)?$/.test(w));
  const flags = [...new Set([...fromCode, ...prose])];
  if (flags.length === 0) return [];
  const programCode = item.codes.find((c) => !FLAG.test(c.value.trim()) && looksLikeCommand(c.value));
  const head = programCode ? programCode.value.trim().split(/\s+/)[0]! : undefined;
  const program = head
    ? head.slice(head.lastIndexOf('/') + 1).toLowerCase()
    : NAMED_PROGRAMS.exec(lower(item.own))?.[1];
  return flags.map((flag) => {
    const name = flag.split('=')[0]!;
    const short = program === 'git' ? own(GIT_SHORT, name) : undefined;
    const long = `${escapeRegExp(name)}(?:=\\S*)?`;
    const alternatives = short
      ? `(?:${long}|-[A-Za-z]*${short.letter}[A-Za-z]*)`
      : /^-[A-Za-z0-9]$/.test(name)
        ? `-[A-Za-z0-9]*${escapeRegExp(name.slice(1))}[A-Za-z0-9]*`
        : long;
    return {
      kind: 'flag' as const,
      slug: `flag-${program ? `${program}-` : ''}${name.replace(/^-+/, '')}`,
      match: {
        kind: ['exec'],
        ...(program ? { program: [program] } : {}),
        ...(short ? { anyTags: short.tags } : {}),
        args: `(?:^| )${alternatives}(?: |$)`,
      },
      instead: `Do without ${name}, or ask the human to run it.`,
    };
  });
}

/** Branch names a push item names: code spans after "to"/"on"/"into", or well-known branch words. */
function branchesNamed(item: NeverItem, after: 'force' | 'push'): string[] {
  const text = lower(item.own);
  const start = text.search(after === 'force' ? /\bforce|--force|\s-f\b|\+/ : /\bpush/);
  const tail = start < 0 ? '' : text.slice(start);
  const m = /\b(?:to|on|onto|into)\s+(?:the\s+)?(.*)$/.exec(tail);
  if (!m) return [];
  const clause = m[1]!.split(
    /[.;:!?(]|\s[-\u2013\u2014]\s|\b(?:unless|without|until|before|except|if)\b/,
  )[0]!;
  const names: string[] = [];
  for (const word of clause.split(/\s*(?:,|\bor\b|\band\b|\bnor\b|\s)\s*/)) {
    const w = word.replace(/^`|`$/g, '').trim();
    if (w === '' || w === 'branch' || w === 'branches' || w === 'the') continue;
    const inCode = item.codes.some((c) => c.value.trim().toLowerCase() === w);
    if ((inCode && /^[\w][\w./*-]*$/.test(w) && !/\s/.test(w)) || BRANCH_WORDS.test(w)) names.push(w);
  }
  return [...new Set(names)];
}

/** A regular expression over `git push` argv naming one of `branches` as the destination of a refspec. */
function refspecArgs(branches: string[]): string {
  const alt = branches.map((b) => escapeRegExp(b).replace(/\\\*/g, '[^ ]*')).join('|');
  return `(^| )push( [^ ]+)* \\+?([^ :]*:)?(refs/heads/)?(${alt})( |$)`;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * "Never run `npm publish`", "Never use `terraform apply` or `terraform destroy`": a rule per command,
 * matching its program and, at the start of the arguments, its words as written.
 */
function runCommands(
  item: NeverItem,
  context: string,
): { rules: Omit<Recognised, 'tier'>[] } | { why: string } {
  // After "Never run", any program counts (`rm -rf` too, which no verification command starts with).
  const cmds = item.codes.filter(
    (c) =>
      looksLikeCommand(c.value) || (/^[\w.][\w.+-]*\s+\S/.test(c.value.trim()) && !looksLikePath(c.value)),
  );
  if (cmds.length === 0) return { rules: [] };
  const own = item.own;
  // `lower` trims, so "Never `cmd`" leaves "never" with no space after it for NEGATION to take.
  const leadIn = `${lower(own.slice(0, cmds[0]!.offset))} `.replace(NEGATION, '').trim();
  // A bare `cmd` counts under a Never heading, after "Never" itself, or under "Never run:".
  const bare =
    leadIn === '' &&
    (item.listed ||
      NEGATION.test(lower(own)) ||
      RUN_VERB.test(lower(context).replace(/^.*?(?:never|don't|do not)\s+/, '')));
  if (!bare && !RUN_VERB.test(leadIn)) return { rules: [] };
  for (let i = 1; i < cmds.length; i++) {
    const between = lower(own.slice(cmds[i - 1]!.offset + cmds[i - 1]!.value.length, cmds[i]!.offset));
    if (!/^(,|or|and|nor|, or|, and|\/)?$/.test(between)) return { rules: [] };
  }
  const last = cmds[cmds.length - 1]!;
  const rest = lower(own.slice(last.offset + last.value.length));
  if (rest !== '' && !/^([.!;:(,\u2013\u2014-]|(unless|without|until|before|except|if)\b)/.test(rest))
    return {
      why: `the command is qualified ("${shorten(rest, 40)}"), which the guard cannot check; say "Never run \`cmd\`" with the exact command, or put the condition under Escalation criteria`,
    };
  const rules: Omit<Recognised, 'tier'>[] = [];
  for (const c of cmds) {
    const cmd = c.value.trim().replace(/^[$%>]\s+/, '');
    if (isForcePush(cmd) || isNoVerify(cmd)) continue;
    const words = cmd.split(/\s+/);
    if (words.some((w) => /[|&;<>()$`"'\\*?[\]{}]/.test(w)) || /^[A-Za-z_]\w*=/.test(words[0]!))
      return {
        why: `\`${shorten(cmd, 60)}\` is more than a program and its arguments (quotes, pipes, variables, globs or assignments), which a rule cannot match as written`,
      };
    const program = words[0]!
      .split(/[/\\]/)
      .pop()!
      .toLowerCase()
      .replace(/\.exe$/, '');
    const args = words.slice(1);
    // A git command is matched by what it does (the tags its argv gets), so `git reset -q --hard`,
    // `git -C . reset --hard` and an alias for it meet the rule that "Never run `git reset --hard`" wrote.
    const semantic = program === 'git' ? gitTags(args, []).filter((t) => DESTRUCTIVE_TAGS.has(t)) : [];
    rules.push({
      kind: 'run',
      slug: `run-${cmd}`,
      match:
        semantic.length > 0
          ? { kind: ['exec'], program: ['git'], anyTags: semantic }
          : {
              kind: ['exec'],
              program: [program],
              ...(args.length > 0 ? { args: argsPattern(args) } : {}),
            },
      instead: 'Ask the human to run it if it is really needed.',
    });
  }
  return { rules };
}

// --- paths to globs --------------------------------------------------------------------------------

/** `{a,b}` expanded (no nesting); the policy's globs only know `*`, `**` and `?`. At most `max` results. */
function expandBraces(p: string, max = 32): string[] {
  // Left to right and capped as it goes: a span of many groups must not multiply out first.
  let acc = [''];
  let rest = p;
  for (let m = /\{([^{}]*)\}/.exec(rest); m; m = /\{([^{}]*)\}/.exec(rest)) {
    const head = rest.slice(0, m.index);
    const next: string[] = [];
    for (const a of acc) for (const alt of m[1]!.split(',')) if (next.length < max) next.push(a + head + alt);
    acc = next;
    rest = rest.slice(m.index + m[0].length);
  }
  return acc.map((a) => a + rest);
}

/**
 * A scope entry as absolute globs: `src/` -> `<project>/src` and `<project>/src/**`; a glob as written,
 * plus its base for `x/**` (so deleting the directory itself counts). `~/` stays: the policy expands it.
 */
function toGlobs(value: string, projectDir: string): { globs: string[]; base: string } | { why: string } {
  let v = value.trim().replace(/^\$\{?HOME\}?(?=\/|$)/, '~');
  if (/[[\]]/.test(v)) return { why: 'character classes ([...]) are not supported by policy globs' };
  if (/[{}]/.test(v) && !/\{[^{}]*\}/.test(v)) return { why: 'unbalanced braces' };
  const home = v === '~' || v.startsWith('~/');
  if (v.startsWith('~') && !home) v = `/home/${v.slice(1)}`;
  const globs: string[] = [];
  for (const one of expandBraces(v)) {
    const abs = home
      ? `~${normalize(`/${one.slice(1)}`) === '/' ? '' : normalize(`/${one.slice(1)}`)}`
      : normalize(one.startsWith('/') ? one : `${projectDir}/${one}`);
    if (!/[*?]/.test(abs)) globs.push(abs, `${abs === '/' ? '' : abs}/**`);
    else {
      globs.push(abs);
      if (abs.endsWith('/**')) globs.push(abs.slice(0, -3) || '/');
    }
  }
  const base = home ? '~' : globBase(globs[0]!);
  return { globs: [...new Set(globs)], base };
}

// --- postconditions --------------------------------------------------------------------------------

interface Command {
  run: string;
  line: number;
}

/** A code block's commands, joined with && so the first failure fails the check. */
function blockCommand(b: CodeBlock): string | undefined {
  const lines = b.value
    .replace(/\\\r?\n\s*/g, ' ')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const prompted = lines.filter((l) => /^[$%>]\s+\S/.test(l));
  const shell = b.lang !== null && /^(sh|bash|shell|zsh|console|shell-session|terminal)$/i.test(b.lang);
  const cmds =
    prompted.length > 0
      ? prompted.map((l) => l.replace(/^[$%>]\s+/, ''))
      : shell
        ? lines
        : lines.filter(looksLikeCommand);
  return cmds.length > 0 ? cmds.join(' && ') : undefined;
}

/** The commands an item (or paragraph) carries. "`cmd` prints nothing" checks for no output. */
function commandsOf(b: {
  text: string;
  line: number;
  codes: CodeSpan[];
  codeBlocks?: CodeBlock[];
}): Command[] {
  const out: Command[] = [];
  for (const c of b.codes) {
    if (!looksLikeCommand(c.value)) continue;
    const cmd = c.value.trim().replace(/^[$%>]\s+/, '');
    const after = lower(b.text.slice(c.offset + c.value.length));
    const silent = /^\s*(prints|outputs|returns|shows|gives|is)\s+(nothing|no output|empty)\b/.test(after);
    out.push({ run: silent ? `test -z "$(${cmd})"` : cmd, line: c.line });
  }
  for (const block of b.codeBlocks ?? []) {
    const run = blockCommand(block);
    if (run) out.push({ run, line: block.line });
  }
  return out;
}

const PLACEHOLDER = /<[A-Za-z][\w .-]*>|\.\.\.|\u2026/;

// --- compile ---------------------------------------------------------------------------------------

const slugOf = (s: string, max = 48) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, max)
    .replace(/^-+|-+$/g, '') || 'item';

const where = (s: Line) => `${s.file}:${s.line}`;
const quoted = (s: Line) => `"${shorten(s.text, 100)}" (${where(s)})`;
const unique = (xs: string[]) => [...new Set(xs)];

interface Analysis extends Collected {
  recognised: { item: NeverItem; result: NeverResult }[];
  /** Never items that forbid editing outside the scope. */
  scopeNever: NeverItem[];
}

/** What the runbook says, with the Never items' paths folded into the scope. No project directory needed. */
function analyse(docs: readonly RunbookDoc[]): Analysis {
  const c = collect(docs);
  const a: Analysis = {
    ...c,
    writable: [...c.writable],
    offLimits: [...c.offLimits],
    recognised: [],
    scopeNever: [],
  };
  // Parents come before their children. A child of an item that compiled on its own only adds to it
  // (or explains it); a child of an item that only introduces a list is read with that item's text.
  const compiledAlone = new Set<NeverItem>();
  const contextOf = (n: NeverItem | undefined): string =>
    n && !compiledAlone.has(n) && n.introduces ? `${contextOf(n.parent)} ${n.own}`.trim() : '';
  for (const item of c.never) {
    const context = contextOf(item.parent);
    let result = recogniseNever(item, context);
    if (result.compiled.length > 0) compiledAlone.add(item);
    else if (item.introduces || (item.parent && compiledAlone.has(item.parent))) result = { compiled: [] };
    a.recognised.push({ item, result });
    for (const rec of result.compiled) {
      if (rec.kind === 'outside-scope') {
        // With a condition ("without asking") the boundary stays a tier-3 gate: a human judges it.
        if (rec.tier === 4) a.scopeNever.push(item);
        for (const p of rec.paths ?? []) a.writable.push({ ...item, value: p });
      }
      if (rec.kind === 'paths' && rec.tier === 4 && rec.access !== 'read')
        for (const p of rec.paths ?? []) a.offLimits.push({ ...item, value: p });
    }
  }
  // Scope entries come first and Never items after; reasons read better in file and line order.
  const order = (x: Line, y: Line) => a.files.indexOf(x.file) - a.files.indexOf(y.file) || x.line - y.line;
  a.writable.sort(order);
  a.offLimits.sort(order);
  return a;
}

/**
 * The Never items that compile to nothing, with why: a Never list the guard does not enforce is worse
 * than none, so `runbook lint` warns about each. Items covered by the item they are nested under are not listed.
 */
export function neverNotCompiled(docs: readonly RunbookDoc[]): NotCompiled[] {
  return analyse(docs).recognised.flatMap(({ item, result }) =>
    result.why === undefined
      ? []
      : [{ file: item.file, line: item.line, text: shorten(item.text, 120), why: result.why }],
  );
}

export function compileRunbook(docs: readonly RunbookDoc[], opts: CompileOptions): CompiledRunbook {
  const projectDir = normalize(opts.projectDir);
  const a = analyse(docs);
  const notCompiled: NotCompiled[] = [];
  const sources: Record<string, RunbookSource[]> = {};
  const source = (id: string, s: Line) => addSource(sources, id, s);
  const skip = (s: Line, why: string) =>
    notCompiled.push({ file: s.file, line: s.line, text: shorten(s.text, 120), why });

  const neverRules: Rule[] = [];
  for (const { item, result } of a.recognised) {
    if (result.why !== undefined) skip(item, result.why);
    for (const rec of result.compiled) {
      // Unconditional writes to named paths are runbook.off-limits' (below); "outside" is runbook.scope's.
      if (rec.kind === 'outside-scope' || (rec.kind === 'paths' && rec.tier === 4 && rec.access === 'write'))
        continue;
      const match = matchFor(rec, projectDir);
      if (!match) {
        skip(item, 'none of its paths can be written as a policy glob');
        continue;
      }
      const rule = {
        id: `runbook.never.${slugOf(rec.slug)}`,
        tier: rec.tier,
        match,
        reason: neverReason(item, rec),
      };
      source(addRule(neverRules, rule), item);
    }
  }

  const rules: Rule[] = [];
  const offGlobs: string[] = [];
  const offUsed: ScopePath[] = [];
  for (const e of a.offLimits) {
    const g = toGlobs(e.value, projectDir);
    if ('why' in g) skip({ ...e, text: e.value }, `off-limits path not compiled: ${g.why}`);
    else {
      offGlobs.push(...g.globs);
      offUsed.push(e);
      source('runbook.off-limits', e);
    }
  }
  if (offGlobs.length > 0)
    rules.push({
      id: 'runbook.off-limits',
      tier: 4,
      reason: `The runbook puts this off limits: ${listed(offUsed.map((e) => e.value))} (${lines(offUsed)}). Leave it alone, or ask the human to make the change.`,
      match: { kind: ['write', 'delete'], path: unique(offGlobs) },
    });
  // After off-limits: on a tie the first rule names the decision, and "off limits" says more than "outside".
  rules.push(...neverRules);

  const inGlobs: string[] = [];
  const inScope: ScopePath[] = [];
  for (const e of a.writable) {
    const g = toGlobs(e.value, projectDir);
    if ('why' in g) skip({ ...e, text: e.value }, `writable path not compiled: ${g.why}`);
    else if (g.base === '~' || !isUnder(g.base, projectDir))
      skip(
        { ...e, text: e.value },
        'writable path outside the project: the policy already gates writes outside the project (fs.write-outside-project), so it narrows nothing',
      );
    else {
      inGlobs.push(...g.globs);
      inScope.push(e);
      source('runbook.scope', e);
    }
  }
  if (inGlobs.length > 0) {
    // A scope miss is a human's decision, never an incident: editing package.json or README.md with
    // init's scope (src/, test/) is ordinary work that a person may well want. A Never item against
    // editing outside the scope is quoted in the reason but does not make it a hard deny.
    for (const n of a.scopeNever) source('runbook.scope', n);
    const never = a.scopeNever[0] ? `, and the runbook says ${quoted(a.scopeNever[0])}` : '';
    rules.push({
      id: 'runbook.scope',
      tier: 3,
      reason: `Outside the runbook's writable scope: ${listed(inScope.map((e) => e.value))} (${lines(inScope)})${never}. A human approves it, or keep the change inside the scope.`,
      match: {
        kind: ['write', 'delete'],
        zone: ['project'],
        notPath: unique(inGlobs),
        // Build output is regenerated, not authored; an unknown target is left to the default rules.
        notTags: ['unknown-path', 'build-output'],
      },
    });
  } else
    for (const n of a.scopeNever)
      skip(n, 'no writable scope paths to compare against: list them in the Scope boundary section');

  const checks = postconditionChecks(docs, sources, skip);
  const scope = {
    writable: unique(a.writable.map((e) => e.value)),
    offLimits: unique(a.offLimits.map((e) => e.value)),
  };
  return {
    rules,
    checks,
    notCompiled: notCompiled.sort((x, y) => docOrder(docs, x, y)),
    digest: render(a, scope),
    scope,
    sources,
  };
}

function addSource(sources: Record<string, RunbookSource[]>, id: string, s: Line): void {
  const list = sources[id] ?? [];
  sources[id] = list;
  if (!list.some((x) => x.file === s.file && x.line === s.line))
    list.push({ file: s.file, line: s.line, text: shorten(s.text, 160) });
}

function docOrder(docs: readonly RunbookDoc[], a: NotCompiled, b: NotCompiled): number {
  const ia = docs.findIndex((d) => d.file === a.file);
  const ib = docs.findIndex((d) => d.file === b.file);
  return ia - ib || a.line - b.line;
}

/** `a, b and 3 more`: enough to recognise in a reason without flooding it. */
function listed(values: string[], max = 6): string {
  const u = unique(values);
  const shown = u.slice(0, max).join(', ');
  return u.length > max ? `${shown} and ${u.length - max} more` : shown;
}

function lines(entries: Line[], max = 4): string {
  return listed(entries.map(where), max);
}

function neverReason(item: NeverItem, rec: Recognised): string {
  // A nested item means nothing without the item it hangs under ("Never run:").
  const text = item.parent ? `${shorten(item.parent.text, 50)} ${item.text}` : item.text;
  const whose =
    item.listed && !item.parent && !NEGATION.test(lower(item.own)) ? "runbook's Never list" : 'runbook';
  const says = `The ${whose} says ${quoted({ ...item, text })}.`;
  if (rec.tier === 3)
    return `${says} agent-sre cannot check its condition, so a human approves it. ${rec.instead}`;
  return `${says} ${rec.instead}`;
}

function matchFor(rec: Recognised, projectDir: string): RuleMatch | undefined {
  if (rec.match) return rec.match;
  if (rec.kind === 'delete-tests')
    return { kind: ['delete'], path: TEST_GLOBS.map((g) => `${projectDir}/${g}`) };
  const globs: string[] = [];
  for (const p of rec.paths ?? []) {
    const g = toGlobs(p, projectDir);
    if (!('why' in g)) globs.push(...g.globs);
  }
  if (globs.length === 0) return undefined;
  const kind: RuleMatch['kind'] =
    rec.tier === 4 || rec.access === 'read'
      ? ['read']
      : rec.access === 'both'
        ? ['read', 'write', 'delete']
        : ['write', 'delete'];
  return { kind, path: unique(globs) };
}

/**
 * Add a rule; returns the id it went under. The same id with the same match merges (the stricter tier
 * wins); a different match gets `-2`, `-3`, in document order, so ids stay stable across runs.
 */
function addRule(rules: Rule[], rule: Rule): string {
  const same = JSON.stringify(rule.match);
  let id = rule.id;
  for (let n = 2; ; n++) {
    const existing = rules.find((r) => r.id === id);
    if (!existing) break;
    if (JSON.stringify(existing.match) === same) {
      if (rule.tier > existing.tier) Object.assign(existing, { tier: rule.tier, reason: rule.reason });
      return id;
    }
    id = `${rule.id}-${n}`;
  }
  rules.push({ ...rule, id });
  return id;
}

function postconditionChecks(
  docs: readonly RunbookDoc[],
  sources: Record<string, RunbookSource[]>,
  skip: (s: Line, why: string) => void,
): CommandCheck[] {
  const checks: CommandCheck[] = [];
  const add = (doc: RunbookDoc, cmd: Command, text: string) => {
    if (PLACEHOLDER.test(cmd.run)) {
      skip(
        line(doc, cmd.line, text),
        `\`${shorten(cmd.run, 60)}\` has a placeholder; write the exact command`,
      );
      return;
    }
    const existing = checks.find((c) => c.run === cmd.run);
    let id = existing?.id;
    if (!id) {
      const base = `runbook.post.${slugOf(cmd.run.replace(/^test -z "\$\((.*)\)"$/, '$1 empty'))}`;
      id = base;
      for (let n = 2; checks.some((c) => c.id === id); n++) id = `${base}-${n}`;
      checks.push({
        kind: 'command',
        id,
        run: cmd.run,
        on: ['main'],
        timeoutSeconds: CHECK_TIMEOUT_SECONDS,
        source: 'runbook',
      });
    }
    addSource(sources, id, line(doc, cmd.line, text));
  };
  const why =
    'no command to run: put one in backticks ("- Tests pass: `npm test`") and it becomes a Stop check';
  for (const doc of docs)
    for (const region of regions(doc, 'postconditions')) {
      const items = region.parts.flatMap((p) => p.section.items);
      if (items.length === 0) {
        let found = false;
        for (const { section } of region.parts) {
          for (const p of section.paragraphs)
            for (const cmd of commandsOf(p)) {
              found = true;
              add(doc, cmd, ticked(p));
            }
          for (const b of section.codeBlocks) {
            const run = blockCommand(b);
            if (run) {
              found = true;
              add(doc, { run, line: b.line }, run);
            }
          }
        }
        if (!found) skip(line(doc, region.root.line, region.root.heading), why);
        continue;
      }
      for (const { section } of region.parts) {
        const covered = anyAncestor(section.items, hasCommand);
        section.items.forEach((item, k) => {
          const cmds = commandsOf(item);
          for (const cmd of cmds) add(doc, cmd, ticked(item));
          if (cmds.length === 0 && isLeaf(section.items, k) && !covered[k] && !hasCommand(item))
            skip(line(doc, item.line, ticked(item)), why);
        });
      }
    }
  return checks;
}

// --- the digest ------------------------------------------------------------------------------------

/**
 * The runbook in at most DIGEST_MAX characters of plain text, for the session's context: when to stop and
 * ask, the Never list, and where the agent may write. From a compiled runbook, or straight from the docs.
 */
export function runbookDigest(input: CompiledRunbook | readonly RunbookDoc[]): string {
  if (!isDocs(input)) return input.digest;
  const a = analyse(input);
  return render(a, {
    writable: unique(a.writable.map((e) => e.value)),
    offLimits: unique(a.offLimits.map((e) => e.value)),
  });
}

const depth = (i: Line): number => {
  let n = 0;
  for (let p = (i as Partial<NeverItem>).parent; p; p = p.parent) n++;
  return n;
};

const isDocs = (x: CompiledRunbook | readonly RunbookDoc[]): x is readonly RunbookDoc[] => Array.isArray(x);

function render(a: Collected, scope: { writable: string[]; offLimits: string[] }): string {
  const names = unique(a.files).join(', ') || RUNBOOK_FILES[0];
  const head = `From the project runbook (${names}), enforced by agent-sre: writes outside the scope need a human, off-limits paths and the Never list are refused where they compile, postconditions are checked when you stop.`;
  const attempt = (width: number, maxEsc: number, maxNever: number, maxPaths: number) => {
    const out = [head];
    const section = (title: string, items: Line[], max: number) => {
      if (items.length === 0) return;
      out.push(title);
      for (const i of items.slice(0, max)) out.push(`${'  '.repeat(depth(i))}- ${shorten(i.text, width)}`);
      if (items.length > max) out.push(`- (${items.length - max} more in ${names})`);
    };
    section('Stop and ask a human when:', a.escalation, maxEsc);
    section('Never:', a.never, maxNever);
    const paths = (label: string, xs: string[]) => {
      if (xs.length === 0) return;
      const shown = xs.slice(0, maxPaths).join(', ');
      out.push(`${label}: ${xs.length > maxPaths ? `${shown} (+${xs.length - maxPaths} more)` : shown}`);
    };
    paths('Writable', scope.writable);
    paths('Off limits', scope.offLimits);
    if (out.length === 1) out.push('(It lists no escalation criteria, Never items or scope paths.)');
    return out.join('\n');
  };
  // Shrink the widest parts first until it fits; the head line always stays.
  let width = 120;
  let maxEsc = a.escalation.length;
  let maxNever = a.never.length;
  let maxPaths = 20;
  let text = attempt(width, maxEsc, maxNever, maxPaths);
  while (text.length > DIGEST_MAX) {
    if (width > 70) width -= 10;
    else if (maxPaths > 6) maxPaths -= 2;
    else if (maxEsc >= maxNever && maxEsc > 1) maxEsc--;
    else if (maxNever > 1) maxNever--;
    else if (width > 30) width -= 10;
    else break;
    text = attempt(width, maxEsc, maxNever, maxPaths);
  }
  return text.length > DIGEST_MAX ? `${text.slice(0, DIGEST_MAX - 3)}...` : text;
}
