// The evidence pack: everything the ledger knows about one session, folded into one value that the
// `evidence` command prints, the postmortem quotes and the report aggregates. Pure: the app reads the
// ledger, git and the transcript and hands the facts in.

import { summarizeFailure } from '../failure-summary.ts';
import { CHECK_EVENT, type GateEvidence, gatherEvidence, type TestRun } from '../gates/evidence.ts';
import {
  type ChangeFailure,
  changeFailure,
  type GitFacts,
  type SessionCommit,
  sessionCommits,
} from '../metrics/commits.ts';
import { firstAnomalyAt, type IncidentTimes, incidentTimes, isAnomaly } from '../metrics/incident.ts';
import { type RunFacts, runFacts } from '../metrics/runs.ts';
import type { Budgets, DenialLimits } from '../policy/types.ts';
import type { LedgerEvent, SessionState } from '../session/types.ts';
import type { Tier, Zone } from '../types.ts';
import { code } from './markdown.ts';
import type { CostLine, IncidentRecord } from './types.ts';

export type EntryKind =
  | 'session'
  | 'denial'
  | 'ask'
  | 'answer'
  | 'budget'
  | 'failure'
  | 'test'
  | 'check'
  | 'gate'
  | 'commit'
  | 'incident';

export interface PackEntry {
  at: number;
  kind: EntryKind;
  /** Plain text, for terminals. */
  text: string;
  /** The same as Markdown: commands and paths in code spans, nothing the agent wrote left to render. */
  md: string;
  /** The incident an incident entry belongs to. */
  incident?: string;
}

export interface BlastRow {
  measure: string;
  used: number;
  /** null when the measure has no budget. */
  budget: number | null;
  detail?: string;
}

export interface FileTouch {
  /** Relative to the project when inside it. */
  path: string;
  kind: 'write' | 'delete';
  zone: Zone;
  firstAt: number;
}

export interface RuleCount {
  rule: string;
  verdict: 'ask' | 'deny';
  count: number;
  firstAt: number;
  lastAt: number;
  /** What the first call it stopped was. */
  example: string;
  exampleMd: string;
}

export interface PackIncident extends IncidentRecord {
  times: IncidentTimes;
}

export interface EvidencePack {
  projectDir: string;
  session: {
    id: string;
    cwd: string;
    status: SessionState['status'];
    startedAt: number;
    endedAt: number | null;
    /** The last event's time: where the session's window ends when it never said it ended. */
    lastEventAt: number;
    events: number;
    totalDenials: number;
    consecutiveDenials: number;
    /** Where it ran, when read from a team store: the machine's id and the OS user. */
    machine?: string;
    user?: string;
    /** The agent it ran in, when its hook recorded one (any agent but Claude Code). */
    agent?: string;
  };
  counts: {
    toolCalls: number;
    allowed: number;
    asked: number;
    denied: number;
    byTier: Record<Tier, number>;
    toolFailures: number;
    testRuns: { passed: number; failed: number };
    checks: { passed: number; failed: number; skipped: number };
    gateBlocks: number;
    gateExhausted: number;
    budgetHits: number;
  };
  /** Rules that asked or denied, most frequent first. */
  rules: RuleCount[];
  timeline: PackEntry[];
  blastRadius: {
    rows: BlastRow[];
    files: FileTouch[];
    /** Files and directories written or deleted outside the project and temp dirs. */
    outside: FileTouch[];
    hosts: string[];
  };
  cost: CostLine | null;
  git: { available: boolean; reason: string | null; truncated: boolean };
  commits: SessionCommit[];
  changeFailure: ChangeFailure;
  verification: {
    lastTestRun: TestRun | null;
    lastEditAt: number | null;
    lastEdit: string | null;
    verifiedSinceLastEdit: boolean;
    /** Each acceptance check's last result. */
    checks: Array<{ id: string; at: number; passed: boolean; tail: string }>;
    /** The last test run failed, or a check's last result is a failure. */
    red: boolean;
  };
  incidents: PackIncident[];
  /** The session's first denial, failed check or red test run, if any. */
  firstAnomalyAt: number | null;
  /** What that first anomaly was, and the last change to the project before it. */
  trigger: {
    at: number;
    text: string;
    md: string;
    lastEditBefore: { at: number; what: string; md: string } | null;
  } | null;
  /** `git push` calls that ran. */
  pushes: number;
  /** The completion claim the gate held the agent to ("All tests pass"), quoted from its last block. */
  claim: string | null;
}

export interface PackInput {
  projectDir: string;
  session: SessionState;
  events: readonly LedgerEvent[];
  incidents: readonly IncidentRecord[];
  budgets: Budgets;
  denials: DenialLimits;
  git: GitFacts;
  cost: CostLine | null;
  testPatterns?: readonly RegExp[];
  testCommands?: readonly string[];
  /** The machine and user the session ran as (a team store's label); absent for a project's own ledger. */
  origin?: { machine: string; user: string } | null;
  /** The agent the session ran in (its `session.agent` record), when recorded. */
  agent?: string | null;
}

const MAX_TEXT = 160;
const SUMMARY_MAX = 160;
// How the stop gate quotes the message it held against the evidence (src/app/stop-gate.ts, core/gates/claims.ts).
const CLAIM = /Your final message (?:says |claims [^"\n]*?)"([^"\n]{1,200})"/;
const STOP_EVENTS = new Set(['Stop', 'SubagentStop', 'TaskCompleted']);

function oneLine(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A path as the document shows it: relative inside the project, as recorded elsewhere. */
export function showPath(path: string, projectDir: string): string {
  const root = projectDir.replace(/\/+$/, '');
  if (path === root) return '.';
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

/** A recorded call: its tool and what it acted on (command, path, URL...), from its redacted input. */
export function callOf(e: LedgerEvent, projectDir: string): { tool: string; subject: string | null } {
  const tool = e.tool ?? e.event;
  if (!e.input) return { tool, subject: null };
  let input: Record<string, unknown> = {};
  try {
    const v = JSON.parse(e.input) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) input = v as Record<string, unknown>;
  } catch {
    return { tool, subject: null };
  }
  const key = [
    'command',
    'file_path',
    'notebook_path',
    'url',
    'path',
    'pattern',
    'prompt',
    'description',
  ].find((k) => typeof input[k] === 'string' && (input[k] as string).length > 0);
  if (!key) return { tool, subject: null };
  const value = input[key] as string;
  return { tool, subject: oneLine(key.endsWith('path') ? showPath(value, projectDir) : value) };
}

/** `Bash: git reset --hard`, `Write: src/a.ts`. */
export function describeEvent(e: LedgerEvent, projectDir: string): string {
  const c = callOf(e, projectDir);
  return c.subject === null ? c.tool : `${c.tool}: ${c.subject}`;
}

/** Code in the Markdown text, plain in the terminal text. */
class Code {
  constructor(readonly value: string) {}
}
export const C = (value: string) => new Code(value);

/** Markdown that would render from text the agent or a tool wrote: escaped. */
export function escapeMd(text: string): string {
  return text.replace(/[\\`*<[\]]/g, (c) => `\\${c}`);
}

/** One sentence twice: plain for terminals, Markdown for documents. */
export function both(
  strings: TemplateStringsArray,
  ...values: Array<string | number | Code>
): { text: string; md: string } {
  let text = strings[0] ?? '';
  let md = strings[0] ?? '';
  values.forEach((v, i) => {
    const tail = strings[i + 1] ?? '';
    if (v instanceof Code) {
      text += v.value + tail;
      md += code(v.value) + tail;
    } else {
      text += String(v) + tail;
      md += escapeMd(String(v)) + tail;
    }
  });
  return { text, md };
}

/** A call for a sentence: `Bash` + the command as code. */
const callWords = (e: LedgerEvent, projectDir: string): Code | string => {
  const c = callOf(e, projectDir);
  return c.subject === null ? c.tool : new Code(c.subject);
};
const toolOf = (e: LedgerEvent, projectDir: string) => {
  const c = callOf(e, projectDir);
  return c.subject === null ? '' : `${c.tool} `;
};

/** The first line of a recorded reason, for timelines. */
/** A note a human ended with a full stop, inside a sentence that ends with one too: one full stop. */
export const sentence = (text: string) => text.replace(/([.!?])\.$/, '$1');
const firstLine = (text: string | null) => oneLine((text ?? '').split('\n')[0] ?? '');

function entryOf(e: LedgerEvent, projectDir: string, runs: RunFacts): PackEntry | null {
  const at = e.ts;
  const entry = (kind: EntryKind, t: { text: string; md: string }): PackEntry => ({ at, kind, ...t });
  if (e.event === 'SessionStart') return entry('session', both`Session started.`);
  if (e.event === 'SessionEnd') return entry('session', both`Session ended.`);
  if (e.event === 'session.resume')
    return entry('session', both`Session resumed by a human. ${firstLine(e.reason)}`);
  if (e.event === CHECK_EVENT) {
    if (e.verdict === 'ask') return null; // a skip repeats an earlier pass
    if (e.verdict === 'allow') return entry('check', both`Acceptance check ${C(e.rule ?? '?')} passed.`);
    return entry('check', both`Acceptance check ${C(e.rule ?? '?')} failed: ${C(failureLine(e.reason))}.`);
  }
  if (STOP_EVENTS.has(e.event)) {
    const who = e.event === 'Stop' ? 'The agent' : e.event === 'SubagentStop' ? 'A subagent' : 'A task';
    if (e.rule === 'acceptance.blocked')
      return entry('gate', both`${who} tried to stop; the acceptance gate blocked it (acceptance.blocked).`);
    if (e.rule === 'gate.exhausted')
      return entry(
        'gate',
        both`${who} stopped with checks still failing: the gate let it stop after its last attempt and paged (gate.exhausted).`,
      );
    if (e.rule === 'acceptance.passed')
      return entry('gate', both`${who} stopped; the acceptance gate let it through.`);
    return null;
  }
  if (e.event === 'gate.answer')
    return entry(
      'answer',
      both`A human answered the gate for ${toolOf(e, projectDir)}${callWords(e, projectDir)}: ${e.verdict ?? '?'} (${e.rule ?? '?'}).`,
    );
  if (e.event === 'PostToolBatch' && e.verdict === 'deny')
    return entry('denial', both`A parallel burst was stopped (${e.rule ?? '?'}): ${firstLine(e.reason)}`);
  if (e.event === 'PreToolUse' && e.verdict && e.verdict !== 'allow') {
    const tool = toolOf(e, projectDir);
    const what = callWords(e, projectDir);
    if (e.rule?.startsWith('budget.'))
      return entry(
        'budget',
        e.verdict === 'deny'
          ? both`Denied ${tool}${what} (${e.rule}: the budget is spent).`
          : both`Held ${tool}${what} for a human (${e.rule}: the budget is spent).`,
      );
    return e.verdict === 'deny'
      ? entry('denial', both`Denied ${tool}${what} (${e.rule ?? '?'}, tier ${e.tier ?? '?'}).`)
      : entry('ask', both`Asked a human about ${tool}${what} (${e.rule ?? '?'}, tier ${e.tier ?? '?'}).`);
  }
  if (e.event === 'PostToolUse' || e.event === 'PostToolUseFailure') {
    const ok = e.event === 'PostToolUse';
    const test = runs.isTestRun(e);
    // Most events are calls that ran fine: they are counted, not told.
    if (ok && !test) return null;
    const why = ok ? null : summarizeFailure(e.reason ?? '', SUMMARY_MAX);
    // A recognised failing test is named as the first failure; otherwise the last line that is not
    // bookkeeping is what the output ended with.
    const how = why?.test === null ? 'ending' : 'first failure';
    if (test) {
      const command = C(oneLine(runs.command(e) ?? '', 100));
      return !why?.text
        ? entry('test', both`Tests ${ok ? 'passed' : 'failed'}: ${command}.`)
        : entry('test', both`Tests failed: ${command}, ${how} ${C(why.text)}.`);
    }
    if (why) {
      const tool = toolOf(e, projectDir);
      const what = callWords(e, projectDir);
      return why.text
        ? entry('failure', both`Failed: ${tool}${what}, ${how} ${C(why.text)}.`)
        : entry('failure', both`Failed: ${tool}${what}.`);
    }
  }
  return null;
}

/** A failure's output in one line: the failing test and its assertion, else its last meaningful line. */
function failureLine(text: string | null): string {
  return summarizeFailure(text ?? '', SUMMARY_MAX).text;
}

export function buildEvidencePack(input: PackInput): EvidencePack {
  const { session, budgets, denials, projectDir } = input;
  const testPatterns = input.testPatterns ?? [];
  const testCommands = input.testCommands ?? [];
  const events = [...input.events].sort((a, b) => a.ts - b.ts);
  const gate: GateEvidence = gatherEvidence(events, { agentId: null, testPatterns, testCommands });
  const runs = runFacts(testPatterns, testCommands);
  const counts: EvidencePack['counts'] = {
    toolCalls: 0,
    allowed: 0,
    asked: 0,
    denied: 0,
    byTier: { 1: 0, 2: 0, 3: 0, 4: 0 },
    toolFailures: 0,
    testRuns: { passed: 0, failed: 0 },
    checks: { passed: 0, failed: 0, skipped: 0 },
    gateBlocks: 0,
    gateExhausted: 0,
    budgetHits: 0,
  };
  const rules = new Map<string, RuleCount>();
  const timeline: PackEntry[] = [];
  const files = new Map<string, FileTouch>();
  const hosts = new Set<string>();

  for (const e of events) {
    const entry = entryOf(e, projectDir, runs);
    if (entry) timeline.push(entry);
    if (e.event === 'PreToolUse') {
      counts.toolCalls++;
      if (e.tier) counts.byTier[e.tier]++;
      if (e.verdict === 'allow') counts.allowed++;
      else if (e.verdict === 'ask') counts.asked++;
      else if (e.verdict === 'deny') counts.denied++;
      if (e.rule?.startsWith('budget.')) counts.budgetHits++;
      if ((e.verdict === 'ask' || e.verdict === 'deny') && e.rule) {
        const key = `${e.verdict}:${e.rule}`;
        const r = rules.get(key);
        if (r) {
          r.count++;
          r.lastAt = e.ts;
        } else
          rules.set(key, {
            rule: e.rule,
            verdict: e.verdict,
            count: 1,
            firstAt: e.ts,
            lastAt: e.ts,
            example: describeEvent(e, projectDir),
            exampleMd: both`${toolOf(e, projectDir)}${callWords(e, projectDir)}`.md,
          });
      }
    } else if (e.event === 'PostToolUse' || e.event === 'PostToolUseFailure') {
      if (e.event === 'PostToolUseFailure') counts.toolFailures++;
      if (runs.isTestRun(e)) counts.testRuns[e.event === 'PostToolUse' ? 'passed' : 'failed']++;
      for (const eff of e.effects) {
        if (eff.kind === 'write' || eff.kind === 'delete') {
          const key = `${eff.kind}:${eff.path}`;
          if (!files.has(key))
            files.set(key, {
              path: showPath(eff.path, projectDir),
              kind: eff.kind,
              zone: eff.zone,
              firstAt: e.ts,
            });
        } else if (eff.kind === 'net') hosts.add(eff.host);
        else if (eff.kind === 'mcp') hosts.add(`mcp:${eff.server}`);
      }
    } else if (e.event === CHECK_EVENT) {
      if (e.verdict === 'allow') counts.checks.passed++;
      else if (e.verdict === 'deny') counts.checks.failed++;
      else if (e.verdict === 'ask') counts.checks.skipped++;
    } else if (e.event === 'PostToolBatch' && e.verdict === 'deny') {
      counts.denied++;
    }
    if (STOP_EVENTS.has(e.event)) {
      if (e.rule === 'acceptance.blocked') counts.gateBlocks++;
      if (e.rule === 'gate.exhausted') counts.gateExhausted++;
    }
  }

  const lastEventAt = events.at(-1)?.ts ?? session.startedAt;
  const window = { startedAt: session.startedAt, endAt: session.endedAt ?? lastEventAt };
  const commits = sessionCommits(window, events, input.git, runs);
  for (const c of commits) {
    const subject = c.subject ? ` "${oneLine(c.subject, 80)}"` : '';
    timeline.push({
      at: c.at,
      kind: 'commit',
      ...(c.source === 'window'
        ? both`Commit ${C(c.sha.slice(0, 10))}${subject} made during the session (not matched to an agent call).`
        : both`The agent committed ${C(c.sha.slice(0, 10))}${subject}.`),
    });
  }
  // The session's first anomaly, found once: for an incident it counts when it came before detection.
  const firstAnomaly = firstAnomalyAt(events, Number.POSITIVE_INFINITY, runs);
  const anomalyAt = (until: number) => (firstAnomaly !== null && firstAnomaly <= until ? firstAnomaly : null);
  const incidents: PackIncident[] = input.incidents.map((r) => ({
    ...r,
    times: incidentTimes(r.incident, anomalyAt(r.incident.milestones.detectedAt)),
  }));
  for (const r of incidents)
    for (const t of r.timeline)
      timeline.push({
        at: t.at,
        kind: 'incident',
        incident: r.incident.id,
        ...both`${r.incident.id}: ${sentence(oneLine(t.text, 200))}`,
      });
  // Stable: the ledger's order within a millisecond, then incident entries after the event that raised them.
  const order: Record<EntryKind, number> = {
    session: 0,
    ask: 1,
    denial: 1,
    budget: 1,
    answer: 1,
    failure: 1,
    test: 1,
    check: 1,
    gate: 1,
    commit: 2,
    incident: 3,
  };
  const indexed = timeline.map((t, i) => ({ t, i }));
  indexed.sort((a, b) => a.t.at - b.t.at || order[a.t.kind] - order[b.t.kind] || a.i - b.i);

  const u = session.usage;
  let trigger: EvidencePack['trigger'] = null;
  let lastEdit: { at: number; what: string; md: string } | null = null;
  let pushes = 0;
  let claim: string | null = null;
  for (const e of events) {
    if (STOP_EVENTS.has(e.event) && e.reason) claim = CLAIM.exec(e.reason)?.[1] ?? claim;
    const ran = e.event === 'PostToolUse' || e.event === 'PostToolUseFailure';
    if (ran && e.event === 'PostToolUse' && /\bgit\b[^|;&\n]*\spush\b/.test(runs.command(e) ?? '')) pushes++;
    if (trigger === null && isAnomaly(e, runs)) {
      const first = entryOf(e, projectDir, runs) ?? { ...both`${e.event} ${e.rule ?? ''}` };
      trigger = { at: e.ts, text: first.text, md: first.md, lastEditBefore: lastEdit };
    }
    if (trigger === null && ran) {
      const edit = e.effects.find((x) => (x.kind === 'write' || x.kind === 'delete') && x.zone === 'project');
      if (edit && (edit.kind === 'write' || edit.kind === 'delete'))
        lastEdit = {
          at: e.ts,
          what: describeEvent(e, projectDir),
          md: both`${toolOf(e, projectDir)}${callWords(e, projectDir)}`.md,
        };
    }
  }
  const allFiles = [...files.values()];
  const checks = [...gate.lastResult.entries()]
    .map(([id, r]) => ({ id, at: r.at, passed: r.passed, tail: r.tail }))
    .sort((a, b) => a.at - b.at || a.id.localeCompare(b.id));
  return {
    projectDir,
    session: {
      id: session.sessionId,
      cwd: session.cwd,
      status: session.status,
      startedAt: session.startedAt,
      endedAt: session.endedAt,
      lastEventAt,
      events: events.length,
      totalDenials: session.totalDenials,
      consecutiveDenials: session.consecutiveDenials,
      ...(input.origin ? { machine: input.origin.machine, user: input.origin.user } : {}),
      ...(input.agent ? { agent: input.agent } : {}),
    },
    counts,
    rules: [...rules.values()].sort((a, b) => b.count - a.count || a.firstAt - b.firstAt),
    timeline: indexed.map((x) => x.t),
    blastRadius: {
      rows: [
        { measure: 'Files touched', used: u.filesTouched, budget: budgets.filesTouched },
        {
          measure: 'Lines changed',
          used: u.linesAdded + u.linesRemoved,
          budget: budgets.linesChanged,
          detail: `+${u.linesAdded} / -${u.linesRemoved}`,
        },
        { measure: 'External calls', used: u.externalCalls, budget: budgets.externalCalls },
        { measure: 'Tool calls', used: u.toolCalls, budget: budgets.toolCalls },
        { measure: 'Subagents', used: u.subagents, budget: budgets.subagents },
        { measure: 'Denials', used: session.totalDenials, budget: denials.terminateAfter },
      ],
      files: allFiles,
      outside: allFiles.filter((f) => f.zone !== 'project' && f.zone !== 'temp'),
      hosts: [...hosts].sort(),
    },
    cost: input.cost,
    git: input.git.available
      ? { available: true, reason: null, truncated: input.git.truncated }
      : { available: false, reason: input.git.reason, truncated: false },
    commits,
    changeFailure: changeFailure(commits),
    verification: {
      lastTestRun: gate.lastTestRun,
      lastEditAt: gate.lastEditAt,
      lastEdit:
        gate.lastEdit === null ? null : gate.lastEdit.replace(`${projectDir.replace(/\/+$/, '')}/`, ''),
      verifiedSinceLastEdit: gate.verifiedSinceLastEdit,
      checks,
      red: (gate.lastTestRun !== null && !gate.lastTestRun.ok) || checks.some((c) => !c.passed),
    },
    incidents,
    firstAnomalyAt: firstAnomaly,
    trigger,
    pushes,
    claim,
  };
}
