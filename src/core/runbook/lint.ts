// Lint AGENTS.md / CLAUDE.md as an on-call runbook for the agent: the four sections, a line budget, an
// explicit "Never" list, a command behind every postcondition, and a scope boundary that exists and does
// not promise what the policy refuses. Pure: the file system comes in as `exists`.
import { guardRelation, isUnder, normalize, resolvePath } from '../paths.ts';
import { codeBlockHasCommand, globPrefix, isGlob, looksLikeCommand, looksLikePath } from './commands.ts';
// A cycle (compile.ts reads sections through this module); both only call each other inside functions.
import { neverNotCompiled } from './compile.ts';
import {
  isNegated,
  isNegativeHeading,
  isNeverHeading,
  isNeverItem,
  SECTION_SPECS,
  type SectionSpec,
  sectionKinds,
} from './sections.ts';
import type {
  CodeSpan,
  Finding,
  ListItem,
  RuleId,
  RunbookDoc,
  Section,
  SectionKind,
  Severity,
  TextBlock,
} from './types.ts';

export const DEFAULT_MAX_LINES = 100;
export const DEFAULT_WARN_LINES = 60;
export const VERIFY_QUOTE = 'Instructions without verification commands are suggestions, not rules.';
export const RUNBOOK_FILES = ['AGENTS.md', 'CLAUDE.md'] as const;

export interface LintOptions {
  /** Absolute; scope paths resolve against it. */
  projectDir: string;
  /** Absolute; for `~/` paths. */
  home: string;
  /** Error above this many lines (default 100). */
  maxLines?: number;
  /** Warning above this many lines (default 60). */
  warnLines?: number;
  /** Whether an absolute path exists (a file or a directory). */
  exists: (absolutePath: string) => boolean;
}

/** Every finding for a set of runbooks, in input order, then by line. */
export function lintRunbooks(docs: readonly RunbookDoc[], opts: LintOptions): Finding[] {
  return docs.flatMap((doc) => lintRunbook(doc, opts, importedBy(doc, docs, opts.home)));
}

/** The finding for a project with neither AGENTS.md nor CLAUDE.md. */
export function missingRunbookFinding(dir: string): Finding {
  return {
    file: RUNBOOK_FILES[0],
    line: 1,
    severity: 'error',
    rule: 'runbook.missing',
    message: `No ${RUNBOOK_FILES.join(' or ')} in ${dir}: the agent starts work with no runbook at all.`,
    fix: 'Create AGENTS.md with Preconditions, Escalation criteria, Postconditions and Scope boundary sections and a "Never" list (see `agent-sre runbook lint --help`).',
  };
}

/**
 * One runbook. `imported` are other runbooks it pulls in with `@path` (a CLAUDE.md that is just
 * `@AGENTS.md`): their sections and Never list count for the presence checks.
 */
export function lintRunbook(
  doc: RunbookDoc,
  opts: LintOptions,
  imported: readonly RunbookDoc[] = [],
): Finding[] {
  const out: Finding[] = [];
  const add = (line: number, severity: Severity, rule: RuleId, message: string, fix: string) =>
    out.push({ file: doc.file, line: Math.max(1, line), severity, rule, message, fix });
  const all = [doc, ...imported];

  lineBudget(doc, opts, add);

  const present = new Set(all.flatMap((d) => d.sections.flatMap((s) => sectionKinds(s.heading))));
  for (const spec of SECTION_SPECS)
    if (!present.has(spec.kind))
      add(
        1,
        'error',
        'runbook.missing-section',
        `No ${spec.title} section: a runbook says ${spec.why}. Headings that count: ${spec.synonyms.map((s) => `"${s}"`).join(', ')} (any level).`,
        `Add "## ${spec.title}" with entries such as "${spec.example}".`,
      );

  if (!all.some(hasNeverList))
    add(
      1,
      'error',
      'runbook.never-list',
      'No explicit "Never" list: hard limits are followed (and checked) best when stated as "Never ..." rules, not implied by prose.',
      'Add "## Never" with items such as "- Never force-push to `main`" and "- Never edit `agent-sre.yaml` or `.claude/settings.json`".',
    );

  // A Never item that names nothing enforceable is read by the agent but never checked.
  for (const n of neverNotCompiled([doc]))
    add(
      n.line,
      'warning',
      'runbook.never-unenforced',
      `Never item "${n.text}" is not enforced: ${n.why}.`,
      'Name what it forbids in backticks: a command ("Never run `git branch -D`"), a flag ("Never use `--no-verify`") or a path ("Never delete `.git`"); or move it under Escalation criteria.',
    );

  for (const spec of SECTION_SPECS)
    for (const region of regions(doc, spec.kind)) {
      if (region.parts.every((p) => isEmpty(p.section))) {
        add(
          region.root.line,
          'error',
          'runbook.empty-section',
          `The ${spec.title} section "${region.root.heading}" is empty, so it says nothing about ${spec.why}.`,
          `Add entries under it, e.g. "${spec.example}".`,
        );
        continue;
      }
      if (spec.kind === 'postconditions') postconditions(region, spec, add);
      if (spec.kind === 'scope') scope(doc, region, opts, add);
    }

  return out.sort((a, b) => a.line - b.line);
}

type Add = (line: number, severity: Severity, rule: RuleId, message: string, fix: string) => void;

function lineBudget(doc: RunbookDoc, opts: LintOptions, add: Add): void {
  const max = opts.maxLines ?? DEFAULT_MAX_LINES;
  const warn = opts.warnLines ?? DEFAULT_WARN_LINES;
  const n = doc.lineCount;
  const why =
    'every line is loaded into the agent on every session, and a long runbook buries the rules that matter';
  const fix = `Cut it to ${Math.min(warn, max)} lines or fewer: move background and how-tos into docs/ and link them; keep the rules.`;
  if (n > max)
    add(max + 1, 'error', 'runbook.line-budget', `${n} lines, over the budget of ${max}: ${why}.`, fix);
  else if (n > warn)
    add(
      warn + 1,
      'warning',
      'runbook.line-budget',
      `${n} lines, past ${warn} (the budget is ${max}): ${why}.`,
      fix,
    );
}

function hasNeverList(doc: RunbookDoc): boolean {
  return (
    doc.sections.some((s) => isNeverHeading(s.heading)) ||
    [doc.preamble, ...doc.sections].some((b) => b.items.some((i) => isNeverItem(i.text)))
  );
}

const isEmpty = (s: Section) => s.items.length + s.paragraphs.length + s.codeBlocks.length === 0;

// --- regions: a section of one kind with its subsections ----------------------------------------------

export interface Part {
  section: Section;
  /** Headings from the region's root down to this section. */
  headings: string[];
}

export interface Region {
  root: Section;
  parts: Part[];
}

/**
 * Each heading of `kind` with the subsections under it (deeper levels, up to the next heading at its level
 * or above). A subsection that is another kind ("### Verification" under "## Scope") is left to that kind,
 * and a "Never" subsection is left out.
 */
export function regions(doc: RunbookDoc, kind: SectionKind): Region[] {
  const secs = doc.sections;
  const kinds = secs.map((s) => sectionKinds(s.heading));
  const taken = new Set<number>();
  const out: Region[] = [];
  for (let i = 0; i < secs.length; i++) {
    const root = secs[i]!;
    if (taken.has(i) || !kinds[i]!.includes(kind)) continue;
    const parts: Part[] = [{ section: root, headings: [root.heading] }];
    const stack: Section[] = [root];
    let j = i + 1;
    while (j < secs.length && secs[j]!.level > root.level) {
      const s = secs[j]!;
      if ((kinds[j]!.length > 0 && !kinds[j]!.includes(kind)) || isNeverHeading(s.heading)) {
        // Another kind's subsection, or a Never list: skip it and everything under it.
        j++;
        while (j < secs.length && secs[j]!.level > s.level) j++;
        continue;
      }
      while (stack.length > 1 && stack[stack.length - 1]!.level >= s.level) stack.pop();
      stack.push(s);
      parts.push({ section: s, headings: stack.map((h) => h.heading) });
      taken.add(j);
      j++;
    }
    out.push({ root, parts });
  }
  return out;
}

/** Each item's parent in its list (items are flat, in order, with depths), or -1. */
function parentIndexes(items: readonly ListItem[]): number[] {
  const open: number[] = [];
  return items.map((item, k) => {
    while (open.length > 0 && items[open[open.length - 1]!]!.depth >= item.depth) open.pop();
    const parent = open.length > 0 ? open[open.length - 1]! : -1;
    open.push(k);
    return parent;
  });
}

/** For each item, whether `test` holds for one of its ancestors. Linear, however deep the nesting. */
export function anyAncestor(items: readonly ListItem[], test: (item: ListItem) => boolean): boolean[] {
  const parents = parentIndexes(items);
  const out: boolean[] = [];
  parents.forEach((p, k) => {
    out[k] = p >= 0 && (out[p]! || test(items[p]!));
  });
  return out;
}

export const isLeaf = (items: readonly ListItem[], k: number) =>
  k + 1 >= items.length || items[k + 1]!.depth <= items[k]!.depth;

// --- postconditions -------------------------------------------------------------------------------------

export const hasCommand = (b: { codes: CodeSpan[]; codeBlocks?: { lang: string | null; value: string }[] }) =>
  b.codes.some((c) => looksLikeCommand(c.value)) ||
  (b.codeBlocks ?? []).some((c) => codeBlockHasCommand(c.lang, c.value));

const quote = (text: string) => {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
};

/**
 * Every postcondition is a list item, and each must carry a command (an inline code span or a code block
 * that looks like one). A parent item with a command verifies its children; a parent without one is
 * judged by its children. A section with no list items needs a command somewhere in it.
 */
function postconditions(region: Region, spec: SectionSpec, add: Add): void {
  const fix =
    'Say how to check it, with the command in backticks: "- Tests pass: `npm test`" (or a ```sh block inside the item).';
  const items = region.parts.flatMap((p) => p.section.items);
  if (items.length === 0) {
    const any = region.parts.some(
      (p) =>
        p.section.paragraphs.some(hasCommand) ||
        p.section.codeBlocks.some((c) => codeBlockHasCommand(c.lang, c.value)),
    );
    if (!any)
      add(
        region.root.line,
        'error',
        'runbook.unverified-postcondition',
        `The ${spec.title} section "${region.root.heading}" has no verification command. ${VERIFY_QUOTE}`,
        fix,
      );
    return;
  }
  for (const { section } of region.parts) {
    const covered = anyAncestor(section.items, hasCommand);
    section.items.forEach((item, k) => {
      if (!isLeaf(section.items, k) || hasCommand(item) || covered[k]) return;
      add(
        item.line,
        'error',
        'runbook.unverified-postcondition',
        `Postcondition "${quote(item.text)}" has no verification command. ${VERIFY_QUOTE}`,
        fix,
      );
    });
  }
}

// --- scope ----------------------------------------------------------------------------------------------

export interface ScopeEntry {
  value: string;
  line: number;
  writable: boolean;
}

/** The paths a region names: code spans that look like paths, and bare list items that start with one. */
export function scopeEntries(region: Region): ScopeEntry[] {
  const out: ScopeEntry[] = [];
  for (const { section, headings } of region.parts) {
    const offLimits = headings.some(isNegativeHeading);
    const fromBlock = (b: TextBlock, inherited: boolean) => {
      const paths = b.codes.filter((c) => looksLikePath(c.value));
      for (const c of paths) {
        const before = b.text.slice(0, c.offset);
        const after = paths.length === 1 ? b.text.slice(c.offset + c.value.length) : '';
        out.push({
          value: c.value,
          line: c.line,
          writable: !(offLimits || inherited || isNegated(before, after)),
        });
      }
      if (paths.length === 0 && b.codes.length === 0) {
        // A bare item: "- src/ (application code)". Only what is unmistakably a path.
        const first = /^\S+/.exec(b.text.trim())?.[0]?.replace(/[,;:]+$/, '') ?? '';
        if (looksLikePath(first) && /[/*?~]|^\./.test(first))
          out.push({
            value: first,
            line: b.line,
            writable: !(
              offLimits ||
              inherited ||
              isNegated('', b.text.slice(b.text.indexOf(first) + first.length))
            ),
          });
      }
    };
    for (const p of section.paragraphs) fromBlock(p, false);
    const underNegation = anyAncestor(section.items, (p) => isNegated(p.text));
    for (const [k, item] of section.items.entries()) fromBlock(item, underNegation[k]!);
  }
  return out;
}

const GUARD_FILES = 'agent-sre.yaml, .agent-sre/ and .claude/settings*.json';

function scope(doc: RunbookDoc, region: Region, opts: LintOptions, add: Add): void {
  const ctx = { projectDir: normalize(opts.projectDir), home: normalize(opts.home) };
  const resolve = (p: string) =>
    resolvePath(p.replace(/^\$\{?HOME\}?(?=\/|$)/, '~'), ctx.projectDir, ctx.home);
  const entries = scopeEntries(region);
  // A runbook that already puts the guard's files off limits is not warned about broad grants.
  const guardExcluded =
    entries.some((e) => !e.writable && guardRelation(resolve(e.value), ctx) === 'inside') ||
    [doc.preamble, ...doc.sections].some((b) =>
      b.items.some(
        (i) =>
          isNeverItem(i.text) &&
          i.codes.some((c) => looksLikePath(c.value) && guardRelation(resolve(c.value), ctx) === 'inside'),
      ),
    );
  for (const e of entries) {
    if (!e.writable) continue;
    const prefix = globPrefix(e.value);
    const base = prefix === '' ? ctx.projectDir : resolve(prefix);
    if (!isUnder(base, ctx.projectDir)) {
      add(
        e.line,
        'error',
        'runbook.scope-outside-project',
        `Scope path "${e.value}" resolves to ${base}, outside the project (${ctx.projectDir}): the policy gates or refuses writes outside the project, so the runbook grants what the guard will not allow.`,
        `Keep the writable scope inside the project; if "${e.value}" is off limits, say so: "- Never edit \`${e.value}\`".`,
      );
      continue;
    }
    const relation = guardRelation(resolve(e.value), ctx);
    const names = relation === 'inside' && (!isGlob(e.value) || guardRelation(base, ctx) === 'inside');
    if (names) {
      add(
        e.line,
        'error',
        'runbook.scope-guard',
        `Scope entry "${e.value}" makes agent-sre's own files writable: the policy refuses every write to ${GUARD_FILES} (tier 4), so the runbook tells the agent to do what it will be denied.`,
        `Take it out of the writable scope and put it off limits: "- Never edit \`${e.value}\`".`,
      );
      continue;
    }
    if (!opts.exists(base))
      add(
        e.line,
        'error',
        'runbook.scope-path-missing',
        `${isGlob(e.value) ? `Scope glob "${e.value}" matches nothing: ${prefix} does not exist` : `Scope path "${e.value}" does not exist`} in the project; a stale or misspelled boundary leaves the agent guessing.`,
        `Fix the path or remove it; scope paths are relative to the project directory (${ctx.projectDir}).`,
      );
    if (relation && !guardExcluded)
      add(
        e.line,
        'warning',
        'runbook.scope-guard',
        `Scope entry "${e.value}" covers agent-sre's own files (${GUARD_FILES}), which the policy never lets the agent write.`,
        'Say they are off limits in the scope section: "- Never edit `agent-sre.yaml`, `.agent-sre/` or `.claude/settings.json`".',
      );
  }
}

// --- imports --------------------------------------------------------------------------------------------

/** The other runbooks `doc` imports with `@path`, directly or through each other. */
function importedBy(doc: RunbookDoc, docs: readonly RunbookDoc[], home: string): RunbookDoc[] {
  const byPath = new Map(docs.map((d) => [normalize(d.path), d]));
  const seen = new Set<RunbookDoc>([doc]);
  const queue = [doc];
  const out: RunbookDoc[] = [];
  while (queue.length > 0) {
    const d = queue.shift()!;
    const dir = normalize(`${d.path}/..`);
    for (const imp of d.imports) {
      const target = byPath.get(resolvePath(imp.path, dir, normalize(home)));
      if (target && !seen.has(target)) {
        seen.add(target);
        out.push(target);
        queue.push(target);
      }
    }
  }
  return out;
}
