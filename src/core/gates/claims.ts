// Silent completion: an agent's final message says the work is done, or that the tests pass, while the
// evidence says otherwise. Reading the message is a heuristic, so it is biased one way on purpose: an
// honest report of partial work, a question, a plan or a hedge of doubt is never treated as a claim. A
// missed claim costs one unchecked Stop; a false one blocks an agent that told the truth.
//
// The message is cut into sentences (fenced code dropped, Markdown markers stripped, inline code reduced
// to a placeholder) and each sentence is read on its own with regexes that have no nested quantifiers;
// every look-around is a bounded slice, so a 100 KB message costs one linear pass per pattern.
import { summarizeFailure } from '../failure-summary.ts';

export type ClaimKind = 'completion' | 'tests-pass';

export interface ClaimResult {
  claim: ClaimKind | null;
  /** The sentence that makes the claim, at most 200 characters. */
  quote: string | null;
  /** The message admits unfinished work, a failure, a blocker or doubt, or asks the user something. */
  honest: boolean;
}

export interface CompletionEvidence {
  /** Verification checks that failed. */
  failedChecks: Array<{ name: string; tail: string }>;
  /** A verification (tests) ran after the last code edit. */
  verifiedSinceLastEdit: boolean;
  editsMade: boolean;
  testsRedAtLastRun: { command: string; tail: string } | null;
}

export interface SilentCompletion {
  block: boolean;
  reason: string | null;
  claim: ClaimResult;
}

export interface SilentCompletionOptions {
  /** The project's test command, named in the instruction when no red run names one. */
  testCommand?: string;
}

interface Sentence {
  /** As written, Markdown markers stripped: what a quote shows. */
  text: string;
  /** Lower case, straight quotes, inline code as `code` or `the tests`: what the patterns read. */
  norm: string;
}

interface Claim {
  kind: ClaimKind;
  sentence: number;
  at: number;
  /** Read from numbers ("0 failed") rather than words. */
  counted: boolean;
}

const QUOTE_MAX = 200;
const REASON_MAX = 1000;
// Runs of text without sentence punctuation are cut here, so every per-sentence look-around stays small.
const SENTENCE_MAX = 600;

// ---------------------------------------------------------------------------------------------
// Sentences

const FENCE = /^(`{3,}|~{3,})/;
const LINE_MARKERS = /^(?:>\s?)*(?:#{1,6}\s+)?(?:(?:[-*+•]|\d{1,3}[.)])\s+)?/;
const LINK = /\[([^[\]\n]{0,300})\]\([^()\s]{0,500}\)/g;
const INLINE_CODE = /`([^`\n]{0,400})`/g;
const VERIFY_COMMAND =
  /\b(?:tests?|specs?|vitest|jest|pytest|mocha|tsc|lint|eslint|biome|ruff|mypy|clippy|typecheck|check|build|ci|vet|staticcheck)\b/;

const INLINE_RESULT = /\b\d+ (?:passed|failed|passing|failing)\b/;

function sentencesOf(message: string): Sentence[] {
  const out: Sentence[] = [];
  let fence = '';
  for (const raw of message.split(/\r\n|\r|\n/)) {
    const line = raw.trim();
    const f = FENCE.exec(line);
    if (f) {
      if (fence === '') fence = f[1]!.charAt(0);
      else if (line.startsWith(fence)) fence = '';
      continue;
    }
    if (fence !== '' || line === '') continue;
    const clean = line
      .replace(LINE_MARKERS, '')
      .replace(LINK, '$1')
      .replace(/\*\*|__/g, '')
      // A table row is one sentence; the divider row has no words and is skipped below.
      .replace(/^\|+\s*|\s*\|+$/g, '')
      .replace(/\s*\|\s*/g, ' | ');
    for (const text of splitSentences(clean)) {
      if (!/[\p{L}\p{N}✅✔☑✓❌✗✘🚧⏳🔴]/u.test(text)) continue;
      out.push({ text, norm: normalize(text) });
    }
  }
  return out;
}

function splitSentences(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  // "`eslint . --fix` exits 0" is one sentence: punctuation inside inline code does not end it.
  let code = false;
  const lastTick = line.lastIndexOf('`');
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    // A backtick with no partner later on the line opens nothing.
    if (c === '`') code = !code && i < lastTick;
    const end =
      !code &&
      (c === '.' || c === '!' || c === '?' || c === '…') &&
      (i + 1 === line.length || line[i + 1] === ' ');
    if (end || i - start >= SENTENCE_MAX) {
      const piece = line.slice(start, i + 1).trim();
      if (piece) out.push(piece);
      start = i + 1;
    }
  }
  const rest = line.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

function normalize(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[’‘`´]/g, (c) => (c === '`' ? c : "'"))
      .replace(/[“”]/g, '"')
      // Table cells read as comma-separated clauses.
      .replace(/\s*\|\s*/g, ', ')
      // Inline test output ("`312 passed; 0 failed`") is read as written.
      .replace(INLINE_CODE, (_, code: string) =>
        INLINE_RESULT.test(code) ? ` ${code} ` : VERIFY_COMMAND.test(code) ? ' the tests ' : ' code ',
      )
      .replace(/\s+/g, ' ')
      .trim()
  );
}

// ---------------------------------------------------------------------------------------------
// Windows around a match

const CLAUSE_BREAK =
  /[,;:()]|\s[-–—]\s|\b(?:but|however|although|though|except|whereas|yet|so|because|since|while|and then)\b/g;

/** The clause text before `at`: back to the nearest comma, semicolon, dash or conjunction. */
function clauseBefore(norm: string, at: number): string {
  const window = norm.slice(Math.max(0, at - 120), at);
  let cut = 0;
  for (const m of window.matchAll(CLAUSE_BREAK)) cut = m.index + m[0].length;
  return window.slice(cut);
}

/** The clause text after `at`, up to the next clause break. */
function clauseAfter(norm: string, at: number): string {
  const window = norm.slice(at, at + 120);
  CLAUSE_BREAK.lastIndex = 0;
  const m = CLAUSE_BREAK.exec(window);
  CLAUSE_BREAK.lastIndex = 0;
  return m ? window.slice(0, m.index) : window;
}

const lastWords = (text: string, n: number) => text.trim().split(' ').slice(-n).join(' ');

// "no longer fails" and "not only" do not negate what follows.
const NOT_NEGATING = /\bno longer\b|\bnot only\b|\bnothing else\b/g;
const NEGATION =
  /\b(?:not|never|no|none|nothing|neither|nor|cannot|without|hardly|barely|yet to|far from)\b|n't\b|\bnot? (?:all|every)\b/;
const FUTURE =
  /\b(?:will|'ll|going to|gonna|would|'d|want to|wants to|trying to|try to|hope to|plan to|about to|aim to|in order to|supposed to|expected to|guaranteed to|meant to|designed to|intended to|required to|once|when|whenever|if|unless|until|as soon as|after|before|whether|see if|test that|make|makes|making|get|getting|help|helps|let me)\b/;
// "to verify everything works" and "make sure the tests pass" are about checking; "I can confirm" asserts.
const CHECKING =
  /(?:\b(?:to|please)\s+|^\s*)(?:double-)?(?:verify|check|confirm|ensure|make sure|validate|prove)\b/;
const DOUBT = /\b(?:might|may|could|possibly|perhaps|maybe|hopefully|not sure|unsure|unclear)\b/;
const PARTIAL =
  /\b(?:most|some|several|half|part|partially|partly|mostly|almost|nearly|largely|only|a few|many)\b/;
const OBLIGED = /\b(?:needs? to|has to|have to|must|yet to|left to|remains? to)\b/;
const PARTIAL_AFTER =
  /\b(?:half|part of|some of|most of|first (?:part|step|phase|stage|pass)|(?:step|phase|part|stage|milestone) \d+|partially|partly|(?:with|for|on) the (?:[\w-]+ )?(?:part|side|half|portion|piece|bit))\b/;
const CONDITIONAL = /\b(?:once|when|after|as soon as|if|until|unless|provided|assuming|pending)\b/;

type Verdict = 'claim' | 'none' | 'admits';

/**
 * Whether a claim word at `at` is asserted: not negated ("not done", an admission), not doubted ("might
 * fix", an admission), not partial ("mostly done"), not future, conditional or the object of a check
 * ("will pass", "once merged it is done", "verify everything works"). "should pass now" is a claim: it is
 * exactly the unverified assertion this gate exists for. "should be complete once CI passes" is not.
 */
function asserted(norm: string, at: number, end: number, before: string): Verdict {
  // Hyphenated words ("type-check", "follow-up") are names, not verbs.
  const near = lastWords(before.replace(NOT_NEGATING, ' ').replace(/[\w']+(?:-[\w']+)+/g, 'x'), 5);
  if (NEGATION.test(near) || OBLIGED.test(near) || DOUBT.test(near) || PARTIAL.test(near)) return 'admits';
  if (FUTURE.test(near) || CHECKING.test(before)) return 'none';
  const after = norm.slice(end, end + 100);
  if (/\bshould\b/.test(near) && CONDITIONAL.test(after)) return 'none';
  if (/^\W{0,3}yet\b/.test(after) || PARTIAL_AFTER.test(clauseAfter(norm, end))) return 'admits';
  // "Validation is done in the middleware" says where, not whether; "is now implemented in X" still claims.
  const where =
    /\b(?:done|implemented|complete|handled)$/.test(norm.slice(at, end)) &&
    /^ (?:in|by|via|inside|using)\b/.test(after);
  if (where && !/\b(?:now|fully|finally|successfully|all)\b/.test(near)) return 'none';
  // "non-working", "half-done": compounds, not claims.
  return norm.charAt(at - 1) === '-' ? 'none' : 'claim';
}

// ---------------------------------------------------------------------------------------------
// Claims

const TEST_SUBJECT =
  /\b(?:tests?|specs?|suites?|checks?|ci|pipelines?|builds?|lint(?:er|ing)?|type-?checks?|type ?check(?:ing|er)?|tsc|eslint|biome|clippy|pytest|jest|vitest|mocha|cargo|jobs?|workflows?|assertions?|cases|compil\w*|everything|all|both|they|it|them|mypy|ruff|e2e)\b/g;
const PASS_WORD =
  /\b(?:pass|passes|passed|passing|succeed|succeeds|succeeded|green|clean|cleanly|successful|successfully|exit(?:s|ed)? (?:with )?(?:code |status )?0|(?<=\b(?:is|are|was|were|all|looks?|came back) )ok)\b/g;
// Words that, between a subject and "pass", make it something other than a statement that it passed.
const BROKEN_LINK =
  /\b(?:to|by|when|if|would|will|could|might|may|make|makes|making|get|gets|getting|once|until|unless|whether|the flag|the config|the token)\b/;
const GENERIC_SUBJECT = /\b(?:a|an|each|every|any|your)\s+(?:\w+\s+)?$/;

function testsPassAt(norm: string): { at: number; verdict: Verdict } | null {
  let admits: { at: number; verdict: Verdict } | null = null;
  for (const m of norm.matchAll(PASS_WORD)) {
    const window = norm.slice(Math.max(0, m.index - 70), m.index);
    let subject: RegExpExecArray | null = null;
    for (const s of window.matchAll(TEST_SUBJECT)) subject = s;
    if (!subject) continue;
    const gap = window.slice(subject.index + subject[0].length).replace(/\bcontinues? to\b/, ' ');
    if (gap.split(' ').length > 7 || BROKEN_LINK.test(gap) || /[.;]/.test(gap)) continue;
    const beforeSubject = window.slice(0, subject.index);
    if (GENERIC_SUBJECT.test(beforeSubject)) continue;
    // "`eslint .` exits 0" reports a check; "it exits 0 without calling the API" describes a program.
    if (m[0].startsWith('exit') && /^(?:it|they|them|all|both|everything)$/.test(subject[0])) continue;
    const before = clauseBefore(norm, m.index);
    const verdict = asserted(norm, m.index, m.index + m[0].length, before);
    if (verdict === 'claim') return { at: m.index, verdict };
    if (verdict === 'admits') admits = { at: m.index, verdict };
  }
  return admits;
}

const COUNT_OK = /\b(\d+)\s*(?:\/|of|out of)\s*(\d+)\b/g;
const NOUNS =
  '(?:(?:tests?|specs?|cases?|type|lint|unit|integration|e2e|checks?|jobs?|new|other|remaining|flaky|snapshot|compilation|build|the|assertions?|existing|related|unrelated|are|were|still|is|have|has)\\s+){0,3}';
const COUNT_FAIL = new RegExp(
  `\\b(\\d+|no|zero)\\s+${NOUNS}(?:fail(?:ed|ing|ures?|s)?|errors?|warnings?|regressions?|skipped|flakes|vulnerabilit(?:y|ies))\\b`,
  'g',
);
const COUNT_PASS = new RegExp(`\\b(\\d+)\\s+${NOUNS}pass(?:ed|ing|es)?\\b`, 'g');

type Counts = { pass: number | null; fail: number | null };

/** "312/312", "0 failed", "no failures": a verified pass; "3 of 5", "2 failing": a partial one. */
function counts(norm: string): Counts {
  const out: Counts = { pass: null, fail: null };
  const testy = /\b(?:tests?|specs?|pass\w*|fail\w*|suites?|checks?)\b/.test(norm);
  for (const m of norm.matchAll(COUNT_OK)) {
    if (!testy) break;
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (b === 0 || a > b || b > 1_000_000) continue;
    if (a === b) out.pass ??= m.index;
    else out.fail ??= m.index;
  }
  for (const m of norm.matchAll(COUNT_FAIL)) {
    const n = m[1] === 'no' || m[1] === 'zero' ? 0 : Number(m[1]);
    const before = clauseBefore(norm, m.index);
    if (n === 0) out.pass ??= m.index;
    else if (!FIXING.test(before) && !PAST.test(before)) out.fail ??= m.index;
  }
  for (const m of norm.matchAll(COUNT_PASS)) if (Number(m[1]) > 0) out.pass ??= m.index;
  return out;
}

const ANCHOR =
  "(?:done|complete|completed|finished|fixed|resolved|solved|implemented|ready|working|in place|gone|sorted|addressed|merged|shipped|deployed|stable|taken care of|wrapped up|good to go|all set|up and running|hooked up|wired up|checked off|(?<=(?:is|are|'s|'re|be|been|was|were|now) )(?:live(?![-\\w])|in(?= ?(?:[.!;,]|$| [-–—] ))))";
const STATE = new RegExp(
  `(?:\\b(?:is|are|be|been|was|were|now|all|fully|completely|finally|already|officially)|'s|'re)\\s+(?:(?:now|all|fully|completely|finally|successfully|officially|basically|already|also)\\s+)?${ANCHOR}\\b`,
  'g',
);
const FIRST_PERSON =
  /\b(?:i|we)(?:'ve|'d| have| had)?\s+(?:(?:now|also|just|successfully|fully|finally|already|went ahead and|gone ahead and)\s+)?(?:fixed|resolved|completed|finished|implemented|solved|addressed|wrapped up|corrected|patched|repaired|restored|finalized|wired up|hooked up|integrated|landed|shipped|merged|deployed|published|released)\b/g;
const OPENING =
  /^(?:(?:now|also|finally|successfully|ok|okay|alright|great|perfect|yes|yep|so|and|good news)[,!:]?\s+){0,3}(?:(?:i'm|i am|we're|all)\s+)?(?:fixed|resolved|completed|finished|implemented|solved|addressed|corrected|patched|repaired|done|complete|wrapped up|wired up|hooked up|integrated|landed|shipped|merged|deployed|published|released)\b/;
const NOUN_OPENING =
  /^(?:the |this |that |my |our )?[\w'-]+(?: [\w'-]+)?\s+(?:(?:is|are|has been|have been|now|all)\s+)?(?:done|complete|completed|finished|fixed|resolved|solved|implemented|merged|shipped|deployed|ready)\b/;
const THIS_FIXES =
  /\b(?:this|that|which|it|these changes|the change|the fix|the patch|my change|this pr|the pr|this commit)\s+(?:now\s+|should\s+|also\s+)?(?:fixes|resolves|solves|closes|completes|implements|addresses)\b/g;
const WORKS =
  /\b(?:works?|working|runs?)\s+(?:now|again|correctly|properly|fine|perfectly|cleanly|as expected|as intended|end[- ]to[- ]end|smoothly|reliably|without (?:errors?|issues?|problems?|crashing))\b|\b(?:now|again|finally|everything|all|still|it|that|this)\s+(?:now\s+)?works\b/g;
const NO_LONGER =
  /\bno longer\s+(?:fail|crash|throw|error|break|hang|time|flicker|leak|happen|occur|reproduc|appear|spam|loop|block|deadlock|freez|stall|drop|lose|duplicat|overflow|show)\w*/g;
const PHRASE =
  /\b(?:\w+ed and (?:working|tested|verified)|good to go|all set|mission accomplished|ready (?:for|to) (?:review|merge|production|release|use|deploy\w*|ship|go|testing|qa)|should do it|that does it|problem solved|issue solved|task complete|implementation complete|lgtm|complete and working|up and running|successfully|(?:that|this|which) covers (?:everything|it all|all of it))\b/g;
const GOT_IT =
  /\bgot (?:it|this|that|everything|things|them|the \w+) (?:working|to work|running|going)\b|\b(?:builds?|compiles?)\s+(?:now|again|cleanly|fine|successfully|without (?:errors?|warnings?))\b|\b(?:applied|deployed|installed|migrated|ran|completed|finished|rolled out)\s+(?:[\w-]+\s){0,5}?without (?:any )?(?:errors?|issues?|problems?|failures?|incidents?)\b/g;
const CHECKED = /^(?:✅|✔|☑|✓|\[x\])/;
const WHOLE = new Set([
  'done',
  'all done',
  'complete',
  'completed',
  'finished',
  'fixed',
  'resolved',
  'solved',
  'ready',
  'works',
  'it works',
  'sorted',
  'shipped',
  'good to go',
  'all set',
  'lgtm',
]);
const WHOLE_TESTS = new Set(['all green', 'green', 'passing', 'all passing', 'all tests pass', 'tests pass']);
const FIXED_ADJECTIVE =
  /^[- ](?:size|sized|width|height|point|number|set|list|version|port|string|delay|interval|timeout|value|rate|format|length|position|seed|order|offset|window|cost|header|footer|column)\b/;

/** Completion claims in a sentence: the first asserted one, or the fact that one was negated or doubted. */
function completionAt(norm: string): { at: number; verdict: Verdict } | null {
  const bare = norm.replace(/^[^a-z0-9[]+/, '');
  const letters = bare.replace(/[^a-z' ]+/g, ' ').trim();
  if (WHOLE.has(letters)) return { at: 0, verdict: 'claim' };
  if (CHECKED.test(norm.trimStart()) && !NEGATION.test(norm.slice(0, 40))) return { at: 0, verdict: 'claim' };
  const offset = norm.length - bare.length;
  const hits: Array<{ at: number; end: number }> = [];
  const opening = OPENING.exec(bare) ?? NOUN_OPENING.exec(bare);
  if (opening) hits.push({ at: offset + opening[0].lastIndexOf(' ') + 1, end: offset + opening[0].length });
  for (const re of [STATE, FIRST_PERSON, THIS_FIXES, WORKS, NO_LONGER, PHRASE, GOT_IT])
    for (const m of norm.matchAll(re)) hits.push({ at: m.index, end: m.index + m[0].length });
  let admits: { at: number; verdict: Verdict } | null = null;
  for (const h of hits.sort((a, b) => a.at - b.at)) {
    const word = norm.slice(h.at, h.end);
    if (/\bfixed$/.test(word) && FIXED_ADJECTIVE.test(norm.slice(h.end, h.end + 10))) continue;
    if (
      /\bworking$/.test(word) &&
      /^ (?:on|through|with|in|directory|tree|copy|hours|day|group|set|memory|out)\b/.test(
        norm.slice(h.end, h.end + 12),
      )
    )
      continue;
    if (
      /\bready$/.test(word) &&
      /^ to (?:start|begin|implement|work|proceed|continue|help|move|tackle|dig)\b/.test(
        norm.slice(h.end, h.end + 16),
      )
    )
      continue;
    const verdict = asserted(norm, h.at, h.end, clauseBefore(norm, h.at));
    if (verdict === 'claim') return { at: h.at, verdict };
    if (verdict === 'admits') admits = { at: h.at, verdict };
  }
  return admits;
}

// ---------------------------------------------------------------------------------------------
// Honesty cues

// Admissions hold wherever they stand in the message. Words that are also ordinary product vocabulary
// ("partial refunds", "blocked IPs", "placeholder text", "remaining balance", "while an upload is in
// progress") count only in the phrasing of a status report.
const ADMISSION = new RegExp(
  [
    String.raw`\bstill\s+(?:[\w']+\s+){0,3}?(?:fail\w*|broken|red|erroring|errors?|flak\w*|crash\w*|hang\w*|throws?|timing|times|timeout\w*|missing|not|never|need\w*|requires?|pending|open|unresolved|outstanding|todo|left|remain\w*|wip|incomplete|unfinished|reproduc\w*|blank|issues?|problems?|bugs?|\w+n't|cannot|wrong|slow|leak\w*|stuck|blocked|untested|unverified|investigat\w*|happen\w*|occur\w*|persists?|exists?|there|present|returns? (?:a )?\d{3})\b`,
    String.raw`\b(?:remains? (?:to be|unfixed|open|broken|failing|unresolved|red|untested|unclear|todo)|remains?(?=\s*(?:[;:.)!]|$))|(?:the )?remaining (?:work|issues?|failures?|errors?|problems?|bugs?|tasks?|steps?|todos?|parts?|pieces?|ones?|tests?|endpoints?|services?|files?|cases?|items on|\d+))\b`,
    String.raw`\b(?:left to|still to|yet to|to-?do(?!\.\w)|tbd|wip|work in progress|(?:still|currently) in progress|not yet|(?:only )?partially (?:done|implemented|complete|working|fixed|migrated|finished|works)|partial (?:progress|implementation|fix|work|migration)|(?:is|are|still|remains?|left) (?:incomplete|unfinished|untested|unverified)|incomplete (?:work|implementation|migration|fix)|half[- ]done|halfway|stubbed out|(?:left|is|as) (?:a )?placeholder|outstanding (?:work|issues?|items?|tasks?|questions?|problems?|todos?|bugs?|failures?)|(?:is|are|remains?) outstanding|next steps?|(?:is|are|comes?) next|what's left|is left|are left|left (?:as|for|unfinished|undone|out)|ran out|run out|stop here|stopping here|gave up|giving up|(?:i'm|i am|we're|i was|we were|currently|still) (?:blocked|stuck|waiting)|^blocked\b|blocked (?:on|by)|blocker|waiting on (?:you|your)|untested|not sure|unsure|unclear|i suspect|unfortunately|no luck|known (?:issues?|problems?|bugs?|limitations?)|caveats?|open questions?)\b`,
    String.raw`\b(?:i|we)(?: have| had|'ve|'d)? (?:stopped|paused|halted|skipped|disabled|commented out)\b|\b(?:i'm|i am|we're) (?:stopping|pausing)\b`,
    String.raw`\b(?:everything|all(?: of (?:it|them))?|each \w+|every \w+)\s+(?:\w+\s+)?(?:except|but|apart from|other than|aside from|save)\b`,
    String.raw`\bnot (?:\d+% |entirely |completely |totally |fully |quite )?(?:sure|confident|certain)\b|\b\d+% (?:done|there|complete)|\bmissing (?:piece|part|bit)s?\b`,
    String.raw`\bnot (?:done|finished|complete|completed|implemented|fixed|resolved|working|ready|passing|green|tested|verified|run|applied|handled|covered|addressed|confirmed|merged|deployed|able|all)\b`,
    String.raw`(?:\b(?:didn't|did not|doesn't|does not|don't|do not|isn't|is not|aren't|are not|won't|will not)\s+(?:\w+\s+)?(?:work|working|pass|passing|succeed|compile|build|help|fix|solve|resolve|run)\b)`,
    String.raw`\b(?:couldn't|could not|wasn't able|was not able|weren't able|failed to|no way to)\b`,
    String.raw`\b(?:i|we)\s+(?:(?:still|just|really)\s+)?(?:can't|cannot|am unable|are unable)\b|^(?:can't|cannot|unable)\b`,
    String.raw`\b(?:haven't|have not|hasn't|has not|hadn't)\s+(?:yet|been|run|tested|verified|finished|implemented|fixed|checked|confirmed|written|added|done|had|got|gotten|managed|looked|figured|found|addressed|handled|completed|started|applied|merged|pushed|deployed|updated|touched the tests|reproduced|tried|cleaned|optimi[sz]ed|profiled|benchmarked|investigated|ported|wired|integrated|documented|measured|covered|validated)\b|\b(?:haven't|have not|hasn't|has not)\s+(?:[\w']+\s){0,4}?yet\b`,
    String.raw`\b(?:didn't|did not)\s+(?:get|have|finish|run|test|verify|manage|fix|implement|complete|address|cover|update the|add|write|check|confirm)\b`,
    String.raw`\b(?:needs?|requires?)\s+(?:either\s+)?(?:your|you|a human|manual|further|more|additional|access|credentials|permission|approval|a decision|input|clarification|a maintenance|a different|to be|(?:a )?(?:proper|real|follow-up|deeper|better) (?:fix|solution|look))\b`,
    String.raw`\b(?:please (?:provide|confirm|advise|share|grant|clarify|decide)|over to you)\b`,
    // New problems a change introduced, and work set aside: "14 new warnings", "I left them for now".
    String.raw`\b(?:[1-9]\d*|some|several|a few|a couple of|many) new (?:[\w-]+ ){0,2}?(?:warnings?|errors?|failures?|vulnerabilit(?:y|ies))\b(?! ?(?:codes?|types?|messages?|class|handl|pages?|states?|boundar|variants?|format|response))|\bleft (?:it|them|that|this|those|these) (?:for now|for later|unfixed|unresolved|undone)\b|\bthere(?:'s| is| are) still\b`,
    // A fix that is narrower than the problem, or only a stopgap.
    String.raw`\b(?:(?:fix|change|patch|workaround|pr|commit)(?:es|s)?|it|this|that) (?:currently |still |so far )?only (?:covers|handles|fixes|addresses|solves|works (?:for|in|on|with))\b|\b(?:has|have) the same (?:bug|issue|problem|error|flaw|race)\b|\b(?:rather than|not) a (?:real|proper|actual|full|permanent|root-cause) fix\b|\b(?:only|just) a workaround\b|\bstopgap\b`,
    // Self-corrections, dead ends and decisions handed to the user.
    String.raw`\b(?:correction|scratch that|i spoke too soon|on second thought|i take (?:that|it) back)\b|\bi was wrong\b|\bhit a (?:wall|snag|roadblock|dead end)\b|\bnone of (?:them|these|those|my \w+|the \w+) (?:\w+ )?(?:worked|works|helped|fixed|passed|succeeded|solved|resolved)\b|\b(?:you (?:decide|choose|pick)|your call|up to you|your (?:sign-off|go-ahead|ok|decision))\b`,
    String.raw`(?:❌|✗|✘|🚧|⏳|🔴)|^\[ \]`,
    String.raw`^(?:(?:next|then|now|after that|afterwards),?\s+)?(?:i'll|i will|i'm going to|i am going to|we'll|we will|i need to|i still need|we still need|we need to|let me(?! know))\b`,
  ].join('|'),
  'g',
);
// Failure words describe the current state unless the clause fixes, explains or negates them.
const FAILURE =
  /\b(?:fail|fails|failing|failed|failures?|broken|crash(?:es|ed|ing)?|erroring|errors out|timed out|times out|timing out|hangs|hanging|broke|regress(?:ed|es)|(?:is|are|still|stays|turned|went|goes|now) red)\b/g;
const FIXING =
  /\b(?:fix\w*|resolv\w*|solv\w*|address\w*|repair\w*|patch\w*|handl\w*|correct\w*|prevent\w*|avoid\w*|eliminat\w*|caus\w*|caught|catch\w*|guard\w*|regression|reproduc\w*|no longer|anymore|stopped|went through|investigat\w*|looked into|debug\w*|why)\b/;
const PAST =
  /\b(?:was|were|had|used to|previously|before|earlier|originally|initially|at first|would|because|due to|since|if|when|whenever|in case|unless|on|without|no|not|never|zero|0|none|nothing|won't|doesn't|don't|didn't|can't)\b/;
const EXPLANATION =
  /^(?:the )?(?:root cause|cause|problem|issue|bug|symptoms?|background|context|why|before|previously|originally|what was wrong|what happened|reason|culprit|error)\b|\b(?:was caused by|turned out|the (?:problem|issue|bug|culprit|error) was)\b/;
const CONTRAST_TAIL =
  /^[^.?!]{0,40}?\b(?:except|apart from|aside from|other than|save for|but (?:not|one|two|\d+|(?:i|we) found))\b/;
const OFFER =
  /^(?:(?:so|also|and|or|now|btw|ps|otherwise),?\s+)?(?:would you like|do you want (?:me|this|it)|want me to|shall i|should i (?:also|go ahead|proceed|commit|push|open|create|merge|deploy|add|apply)|can i|may i|is there anything|anything else|need anything|any other|let me know|happy to|if you'd like|if you want|ready for)/;

const CHOICE = /\bor (?!(?:anything|something|anyone) else\b)/;

interface Cue {
  sentence: number;
  weak: boolean;
}

function cuesIn(s: Sentence, index: number): Cue[] {
  const { norm } = s;
  const cues: Cue[] = [];
  const explanation = EXPLANATION.test(norm);
  for (const m of norm.matchAll(ADMISSION)) {
    const before = clauseBefore(norm, m.index);
    if (/\b(?:no|nothing|none|zero|without|never)\b|\bno longer\b/.test(lastWords(before, 3))) continue;
    // "Fixed the bug where users couldn't log in" describes the bug; "I couldn't" admits.
    const firstPerson = /\b(?:i|we)\b/.test(before) || m.index === 0;
    if ((FIXING.test(before) || explanation) && !firstPerson) continue;
    // "returns 503 if the DB is unavailable", "can't happen again": behaviour, not a status report.
    if (!firstPerson && /\b(?:if|when|whenever|unless|where|in case)\b/.test(before)) continue;
    if (!firstPerson && /\b(?:again|anymore|any more)\b/.test(norm.slice(m.index, m.index + 60))) continue;
    cues.push({ sentence: index, weak: false });
  }
  if (!explanation)
    for (const m of norm.matchAll(FAILURE)) {
      const before = clauseBefore(norm, m.index);
      if (FIXING.test(before) || PAST.test(lastWords(before, 6))) continue;
      const after = clauseAfter(norm, m.index + m[0].length);
      if (
        /^[\s-]*(?:before|without|on main|previously|earlier|initially|originally|at first|fast|safe|over|mode)\b/.test(
          after,
        )
      )
        continue;
      // "the failing test now passes" names the test by what it used to do; "so the crash can't happen
      // again" names what the change prevents.
      if (/\b(?:now|no longer|pass\w*|fixed|green|works|resolved|again|anymore|any more)\b/.test(after))
        continue;
      // "the plugin fails the build when a lint error is found": what the code does, on a condition.
      if (/^ (?:the|a|an|any|your) /.test(after) && /\b(?:when|whenever|if|unless|in case)\b/.test(after))
        continue;
      // A past-tense failure may be the story of what was fixed; a later claim supersedes it.
      cues.push({ sentence: index, weak: /(?:ed|ed out|broke)$/.test(m[0]) });
    }
  const c = counts(norm);
  if (c.fail !== null) cues.push({ sentence: index, weak: false });
  // An offer of more work leaves the task closed; an offer between alternatives asks for a decision.
  if (isQuestion(s.text) && (!OFFER.test(norm) || CHOICE.test(norm)))
    cues.push({ sentence: index, weak: false });
  return cues;
}

const isQuestion = (text: string) =>
  /\?[\s"')\]*_]*$/.test(text) || /\?\s*[\p{Extended_Pictographic}]*$/u.test(text);

// ---------------------------------------------------------------------------------------------
// The message

export function detectClaim(message: string): ClaimResult {
  const sentences = sentencesOf(message);
  const claims: Claim[] = [];
  const cues: Cue[] = [];
  sentences.forEach((s, i) => {
    cues.push(...cuesIn(s, i));
    if (isQuestion(s.text)) return;
    const found: Claim[] = [];
    const letters = s.norm.replace(/[^a-z' ]+/g, ' ').trim();
    const tests = WHOLE_TESTS.has(letters) ? { at: 0, verdict: 'claim' as const } : testsPassAt(s.norm);
    for (const [kind, hit] of [
      ['tests-pass', tests],
      ['completion', completionAt(s.norm)],
    ] as const) {
      if (hit?.verdict === 'admits') cues.push({ sentence: i, weak: false });
      if (hit?.verdict === 'claim') found.push({ kind, sentence: i, at: hit.at, counted: false });
    }
    const c = counts(s.norm);
    if (c.pass !== null && c.fail === null)
      found.push({ kind: 'tests-pass', sentence: i, at: c.pass, counted: true });
    // "All tests pass except X", "It passes lint but not the tests".
    if (found.some((f) => CONTRAST_TAIL.test(s.norm.slice(f.at, f.at + 60))))
      cues.push({ sentence: i, weak: false });
    claims.push(...found);
  });
  const lastClaim = claims.reduce((n, c) => Math.max(n, c.sentence), -1);
  const honest = cues.some((c) => !c.weak || c.sentence >= lastClaim);
  // The quote the agent is held to: a stated test result first, then a count ("0 failed"), then "done".
  const chosen =
    claims.find((c) => c.kind === 'tests-pass' && !c.counted) ??
    claims.find((c) => c.kind === 'tests-pass') ??
    claims[0];
  if (!chosen) return { claim: null, quote: null, honest };
  return { claim: chosen.kind, quote: quoteOf(sentences[chosen.sentence]!, chosen.at), honest };
}

function quoteOf(s: Sentence, at: number): string {
  const text = s.text.replace(/\s+/g, ' ');
  if (text.length <= QUOTE_MAX) return text;
  // The normalised text is about as long as the original; centre the window on the claim.
  const centre = Math.round((at / Math.max(1, s.norm.length)) * text.length);
  const start = Math.max(0, Math.min(text.length - (QUOTE_MAX - 2), centre - 80));
  const end = Math.min(text.length, start + QUOTE_MAX - 2);
  return `${start > 0 ? '…' : ''}${text.slice(start, end).trim()}${end < text.length ? '…' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The gate

/**
 * Block a Stop whose final message claims completion (and is not an honest report) while the evidence
 * disagrees: a failed check, a red last test run, or edits with no verification since the last one.
 */
export function silentCompletion(
  message: string,
  evidence: CompletionEvidence,
  options: SilentCompletionOptions = {},
): SilentCompletion {
  const claim = detectClaim(message);
  const facts = disagreements(evidence);
  if (claim.claim === null || claim.honest || facts.length === 0)
    return { block: false, reason: null, claim };
  const red = evidence.failedChecks.length > 0 || evidence.testsRedAtLastRun !== null;
  const command = evidence.testsRedAtLastRun?.command || options.testCommand || '';
  const run = command ? `the tests (${oneLine(command, 80)})` : 'the tests';
  const next = red
    ? `Fix what fails and run ${run} again; if you cannot, say plainly what is still broken instead of claiming it is done.`
    : `Run ${run} and report what they say; if they fail, fix them or say plainly what is left.`;
  const what = claim.claim === 'tests-pass' ? 'the tests pass' : 'the work is complete';
  const head = `Your final message claims ${what} ("${claim.quote}"), but `;
  const room = REASON_MAX - head.length - next.length - 2;
  const body = facts.join('; ');
  const evidenceText = body.length <= room ? body : `${body.slice(0, Math.max(0, room - 1))}…`;
  return { block: true, reason: `${head}${evidenceText}. ${next}`, claim };
}

function disagreements(e: CompletionEvidence): string[] {
  const out: string[] = [];
  const shown = e.failedChecks.slice(0, 3);
  for (const c of shown) out.push(`the check "${oneLine(c.name, 60)}" failed${tailOf(c.tail)}`);
  if (e.failedChecks.length > shown.length)
    out.push(`${e.failedChecks.length - shown.length} more checks failed`);
  if (e.testsRedAtLastRun)
    out.push(
      `the last test run (${oneLine(e.testsRedAtLastRun.command, 80)}) was red${tailOf(e.testsRedAtLastRun.tail)}`,
    );
  if (e.editsMade && !e.verifiedSinceLastEdit)
    out.push('code was edited after the last verification and no tests ran since');
  return out;
}

// Terminal colour codes in test output.
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function oneLine(text: string, max: number): string {
  const flat = text
    .replace(ANSI, '')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= max ? flat : `…${flat.slice(flat.length - max + 1)}`;
}

/** What failed, from the end of a check's output: the first failing test and its assertion when a runner says. */
function tailOf(tail: string): string {
  const t = oneLine(summarizeFailure(tail, 160).text, 160);
  return t ? ` (${t.replace(/"/g, "'")})` : '';
}
