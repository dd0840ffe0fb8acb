// The blameless-language check. A postmortem that names a person as the cause ("Bob caused", "Ana's
// mistake", "should have known", "careless") teaches people to hide what happened; Google's SRE book
// asks for the system and process view instead. Heuristic by nature: a person is an @handle, he/she, a
// generic role ("the engineer"), a name the caller knows (the on-call people) or a capitalised word that
// is not a common system or sentence word. Code spans and fenced blocks are data and are not read.

export type BlamelessRule =
  | 'blame.caused'
  | 'blame.mistake'
  | 'blame.hindsight'
  | 'blame.character'
  | 'blame.person-failed';

export interface BlamelessFinding {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  rule: BlamelessRule;
  /** The words that matched. */
  text: string;
  message: string;
}

export interface BlamelessOptions {
  /** Names and ids of people (the on-call roster): matched whatever their case. */
  people?: readonly string[];
}

const MESSAGES: Record<BlamelessRule, string> = {
  'blame.caused':
    'names a person as the cause; say which condition in the system let it happen (a rule, a check, a runbook line, a missing alert)',
  'blame.mistake':
    "calls it someone's mistake; describe the action and why it made sense with what was known then",
  'blame.hindsight':
    'hindsight about a person; say what information was missing at the time and how the system could surface it',
  'blame.character': 'judges a person; describe what happened and what made it easy to happen',
  'blame.person-failed':
    'says a person failed; say what did not happen and why nothing caught it (no check, no alert, no review step)',
};

// Capitalised words that start sentences or name systems, not people.
const NOT_NAMES = new Set(
  `a an the this that these those it its there here which what when where who why how one each every any all
  some no none nothing everything something anything our their his her my your we they he she i you also
  after before during while then so but and or if because since although though however therefore meanwhile
  agent agents claude codex model models llm ai guard policy policies rule rules hook hooks session sessions
  incident incidents page pages pager alert alerts monitor monitoring check checks test tests suite build
  builds ci cd pipeline pipelines job jobs deploy deploys deployment deployments release releases commit
  commits change changes migration migrations script scripts config configuration database db cache cluster
  server servers service services api network load traffic terraform kubernetes kubectl docker git github
  gitlab npm node linux aws gcp azure slack pagerduty runbook agents.md acceptance gate budget budgets
  detection resolution impact summary trigger timeline root causes action items lessons status severity
  sev1 sev2 sev3 sev4 p0 p1 p2 p3 tier first second third last next previous later earlier today yesterday
  monday tuesday wednesday thursday friday saturday sunday january february march april may june july
  august september october november december nobody everyone anyone someone somebody bash shell python go
  rust java typescript javascript make vitest jest pytest cargo postgres mysql redis s3 ec2 iam dns cloudflare
  vercel heroku helm ansible`.split(/\s+/),
);

const GENERIC =
  '[Ss]omeone|[Ss]omebody|[Tt]he (?:engineer|developer|dev|reviewer|operator|on-?call(?:er)?|user|author|intern|new hire|human|team lead|admin)';
const CAP_NAME = "[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?(?:\\s+[A-Z][a-z]+)?";
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function personPattern(people: readonly string[]): string {
  const known = [...new Set(people.map((p) => p.trim()).filter((p) => p.length >= 2))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRe);
  return `(?:@[A-Za-z0-9][\\w-]*|[Hh]e|[Ss]he|${GENERIC}|${known.length ? `${known.join('|')}|` : ''}${CAP_NAME})`;
}

interface Pattern {
  rule: BlamelessRule;
  re: RegExp;
  /** Whether the `who` group must be checked as a person. */
  who: boolean;
}

function patterns(people: readonly string[]): Pattern[] {
  const P = personPattern(people);
  const flags = 'g';
  return [
    {
      rule: 'blame.caused',
      who: true,
      re: new RegExp(
        `(?<![\\w@])(?<who>${P})\\s+(?:(?:had|has|have)\\s+)?(?:caused|broke|(?:messed|screwed)\\s+up|(?:is|was)\\s+(?:responsible\\s+for|to\\s+blame|at\\s+fault))\\b`,
        flags,
      ),
    },
    {
      rule: 'blame.caused',
      who: true,
      re: new RegExp(`\\b(?:[Cc]aused|[Bb]roken)\\s+by\\s+(?<who>${P})(?![\\w])`, flags),
    },
    {
      rule: 'blame.caused',
      who: true,
      re: new RegExp(`\\b[Bb]lamed?\\s+on\\s+(?<who>${P})(?![\\w])`, flags),
    },
    {
      rule: 'blame.mistake',
      who: true,
      re: new RegExp(
        `(?<![\\w@])(?<who>${P})['’]s\\s+(?:own\\s+)?(?:mistake|error|fault|negligence|carelessness|oversight|screw-?up|blunder)s?\\b`,
        flags,
      ),
    },
    {
      rule: 'blame.mistake',
      who: false,
      re: /\b(?:[Hh]is|[Hh]er)\s+(?:own\s+)?(?:mistake|error|fault|negligence|carelessness|oversight|screw-?up|blunder)s?\b|\b(?:[Hh]uman|[Uu]ser|[Oo]perator|[Pp]ilot)\s+error\b/g,
    },
    {
      rule: 'blame.hindsight',
      who: false,
      re: /\b(?:[Ss]hould|[Oo]ught\s+to)\s+(?:have|'ve)\s+(?:known(?:\s+better)?|realized|realised|been\s+more\s+careful|thought\s+(?:of|about|twice))\b|\b[Ss]hould(?:'ve|\s+have)\s+known\b|\b[Ss]hould\s+know\s+better\b/g,
    },
    {
      rule: 'blame.hindsight',
      who: true,
      re: new RegExp(
        `(?<![\\w@])(?<who>${P}|[Yy]ou|[Tt]hey)\\s+(?:should|could|ought\\s+to)(?:'ve|\\s+have)\\s+(?:noticed|caught|checked|seen|tested|asked|double-checked|read|looked)\\b`,
        flags,
      ),
    },
    {
      rule: 'blame.character',
      who: false,
      re: /\b(?:careless(?:ly|ness)?|negligen(?:t|ce)|sloppy|sloppiness|lazy|laziness|incompeten(?:t|ce)|reckless(?:ly|ness)?|stupid(?:ity)?|dumb|idiot(?:ic)?|clueless|irresponsible|inattentive)\b|\bdid(?:\s+not|n't)\s+bother\b|\b(?:was|were|wasn't|weren't)\s+(?:not\s+)?paying\s+attention\b/gi,
    },
    {
      rule: 'blame.person-failed',
      who: true,
      re: new RegExp(
        `(?<![\\w@])(?<who>${P})\\s+(?:(?:had|has)\\s+)?(?:failed\\s+to|forgot(?:\\s+to)?|neglected(?:\\s+to)?|ignored|overlooked|missed|dropped\\s+the\\s+ball)\\b`,
        flags,
      ),
    },
  ];
}

function isPerson(who: string, people: readonly string[]): boolean {
  if (who.startsWith('@')) return true;
  const lower = who.toLowerCase();
  if (people.some((p) => p.toLowerCase() === lower)) return true;
  if (/^(?:he|she|you|they)$/.test(lower) || new RegExp(`^(?:${GENERIC})$`, 'i').test(who)) return true;
  // A capitalised word: a name unless it is a sentence or system word.
  return who.split(/\s+/).every((w) => /^[A-Z]/.test(w) && !NOT_NAMES.has(w.toLowerCase()));
}

/** Blank out inline code spans, keeping columns. */
function withoutCode(line: string): string {
  return line.replace(/(`+)([\s\S]*?)\1/g, (m) => ' '.repeat(m.length));
}

export function lintBlameless(markdown: string, opts: BlamelessOptions = {}): BlamelessFinding[] {
  const people = opts.people ?? [];
  const pats = patterns(people);
  const findings: BlamelessFinding[] = [];
  let fence: string | null = null;
  markdown.split(/\r?\n/).forEach((raw, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(raw);
    if (f) {
      if (fence === null) fence = f[1]![0]!.repeat(f[1]!.length);
      else if (f[1]!.startsWith(fence)) fence = null;
      return;
    }
    if (fence !== null) return;
    const line = withoutCode(raw);
    const seen = new Set<number>();
    for (const p of pats) {
      p.re.lastIndex = 0;
      for (const m of line.matchAll(p.re)) {
        const who = m.groups?.who;
        if (p.who && who !== undefined && !isPerson(who, people)) continue;
        const column = (m.index ?? 0) + 1;
        if (seen.has(column)) continue;
        seen.add(column);
        findings.push({ line: i + 1, column, rule: p.rule, text: m[0], message: MESSAGES[p.rule] });
      }
    }
  });
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** `file:3:7  blame.caused  "Bob caused"  message`, one per line. */
export function formatFindings(file: string, findings: readonly BlamelessFinding[]): string {
  return findings
    .map((f) => `${file}:${f.line}:${f.column}  ${f.rule}  "${f.text}"  ${f.message}`)
    .join('\n');
}
