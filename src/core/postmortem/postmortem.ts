// A blameless postmortem drafted from the evidence pack: Google's SRE sections (summary, impact, root
// causes, trigger, detection, resolution, action items, lessons learned, timeline, supporting
// information) filled with what the ledger can prove, and action items for the detection gaps it shows.
// What the ledger cannot know (why the agent did it) is asked as questions, not guessed.
import { summarizeFailure } from '../failure-summary.ts';
import type { Severity } from '../incidents/types.ts';
import { formatCount, formatDuration, formatUsd, formatUtc, formatUtcDate } from '../metrics/format.ts';
import type { IncidentTimes, METRIC_DEFINITIONS } from '../metrics/incident.ts';
import { BASIS_TEXT, type Target, targetOf } from '../metrics/targets.ts';
import type { Budgets, DenialLimits } from '../policy/types.ts';
import { agentName } from '../session/agent.ts';
import { bullets, code, fenced, noMention, table, tableRows } from './markdown.ts';
import { type EvidencePack, escapeMd, type PackEntry, type PackIncident, sentence } from './pack.ts';
import type { CostLine } from './types.ts';

export type ActionType = 'prevent' | 'mitigate' | 'process';

export type GapKind =
  | 'unmatched-before-run'
  | 'gate-exhausted'
  | 'page-unacknowledged'
  | 'page-not-delivered'
  | 'found-by-human';

export interface DetectionGap {
  kind: GapKind;
  incident: string | null;
  /** What went wrong, one sentence. */
  text: string;
}

export interface ActionItem {
  id: string;
  text: string;
  type: ActionType;
  owner: string;
  priority: 'P1' | 'P2' | 'P3';
  /** The gap it closes, when it closes one. */
  gap: GapKind | null;
  /** The tracking issue, once filed. */
  tracking: string | null;
}

export interface PostmortemInput {
  pack: EvidencePack;
  /** The incident the postmortem is about; null = the whole session (its worst incident, if any). */
  incidentId: string | null;
  now: number;
  /** The on-call of the week (display name), or null when no schedule says. */
  owner: string | null;
  targets: readonly Target[];
  budgets: Budgets;
  denials: DenialLimits;
  /** Tracking references of action items filed earlier, by action item text. */
  tracking?: Readonly<Record<string, string>>;
}

export interface Postmortem {
  title: string;
  /** The incident in focus, if any. */
  primary: PackIncident | null;
  gaps: DetectionGap[];
  actionItems: ActionItem[];
  /** `{{...}}` values: scalars and section bodies. */
  values: Record<string, string>;
}

const NOT_RECORDED = 'not recorded';
const SEV_RANK: Record<Severity, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };
// Kinds raised before the harmful call ran (the hook judged it first).
const BEFORE_RUN = new Set(['tier4.denied', 'session.escalated', 'session.terminated', 'budget.spent']);

/** `A`, `A and B`, `A, B and C`. */
const list = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
const at = (ms: number | null) => (ms === null ? NOT_RECORDED : `${formatUtc(ms)} UTC`);
const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The worst incident of harm, earliest first among equals. */
export function primaryIncident(incidents: readonly PackIncident[]): PackIncident | null {
  const harm = incidents.filter(
    (i) => i.incident.source.kind !== 'page.test' && i.incident.source.kind !== 'approval.requested',
  );
  const sorted = [...harm].sort(
    (a, b) =>
      SEV_RANK[a.incident.severity] - SEV_RANK[b.incident.severity] ||
      a.incident.milestones.detectedAt - b.incident.milestones.detectedAt,
  );
  return sorted[0] ?? null;
}

export function costText(cost: CostLine | null): string {
  if (!cost) return 'not available (no transcript)';
  const usd =
    cost.costUsd !== null
      ? formatUsd(cost.costUsd)
      : `at least ${formatUsd(cost.knownCostUsd ?? 0)} (some models have no price)`;
  return `${formatCount(cost.tokens)} tokens, ${usd}${cost.models.length ? ` (${cost.models.join(', ')})` : ''}`;
}

/** A delivered page nobody has acknowledged, whose target has not passed yet at the postmortem's `now`. */
interface AwaitingAck {
  incident: string;
  sinceMs: number;
}

/**
 * Whether an incident's page missed the acknowledgement target as of `now`: acknowledged too late, or not
 * acknowledged and the target has already passed. A page sent 5 minutes ago has not missed a 15-minute
 * target, whatever happens next; it is `awaiting` instead.
 */
function ackOutcome(
  r: PackIncident,
  targetMs: number,
  now: number,
): { missed: string } | { awaiting: AwaitingAck } | null {
  const t = r.times;
  if (t.pagedAt === null) return null;
  if (t.acknowledgedAt !== null)
    return t.acknowledgedAt - t.pagedAt > targetMs
      ? { missed: `acknowledged after ${formatDuration(t.acknowledgedAt - t.pagedAt)}` }
      : null;
  const since = now - t.pagedAt;
  if (since > targetMs)
    return { missed: t.resolvedAt === null ? 'still not acknowledged' : 'never acknowledged' };
  return t.resolvedAt === null
    ? { awaiting: { incident: r.incident.id, sinceMs: Math.max(0, since) } }
    : null;
}

/** Pages still inside their acknowledgement target at `now`: said as such, not as a missed target. */
function awaitingAcks(pack: EvidencePack, targets: readonly Target[], now: number): AwaitingAck[] {
  const targetMs = targetOf(targets, 'acknowledgeMinutes').minutes * 60_000;
  const out: AwaitingAck[] = [];
  for (const r of pack.incidents) {
    if (r.incident.source.kind === 'page.test' || r.incident.state === 'cancelled') continue;
    const o = ackOutcome(r, targetMs, now);
    if (o && 'awaiting' in o) out.push(o.awaiting);
  }
  return out;
}

function detectionGaps(
  pack: EvidencePack,
  primary: PackIncident | null,
  targets: readonly Target[],
  now: number,
): DetectionGap[] {
  const gaps: DetectionGap[] = [];
  const failedCommits = pack.commits.filter((c) => c.source !== 'window' && (c.revertedBy || c.redAfter));
  if (!primary) {
    gaps.push({
      kind: 'found-by-human',
      incident: null,
      text: 'No incident was raised for this session: a person found the problem, no detector did.',
    });
  } else if (primary.times.detection === 'human') {
    gaps.push({
      kind: 'found-by-human',
      incident: primary.incident.id,
      text: `${primary.incident.id} was reported by a person (${primary.incident.source.kind}); no detector raised it first.`,
    });
  }
  if (primary && !BEFORE_RUN.has(primary.incident.source.kind)) {
    const what = pack.trigger?.lastEditBefore
      ? `the change ${pack.trigger.lastEditBefore.md}`
      : 'the change that caused it';
    gaps.push({
      kind: 'unmatched-before-run',
      incident: primary.incident.id,
      text: `No rule matched ${what} before it ran; it was caught afterwards (${primary.incident.source.kind}).`,
    });
  }
  for (const c of failedCommits)
    gaps.push({
      kind: 'unmatched-before-run',
      incident: primary?.incident.id ?? null,
      text: `No rule matched commit ${code(c.sha.slice(0, 10))} before it ran; it was ${c.revertedBy ? `reverted by ${code(c.revertedBy.slice(0, 10))}` : `followed by a failing ${code(c.redAfter?.what ?? 'check')}`}.`,
    });
  if (pack.counts.gateExhausted > 0) {
    const failing = pack.verification.checks.filter((c) => !c.passed).map((c) => code(c.id));
    gaps.push({
      kind: 'gate-exhausted',
      incident: pack.incidents.find((i) => i.incident.source.kind === 'gate.exhausted')?.incident.id ?? null,
      text: `The acceptance gate ${pack.counts.gateBlocks > 0 ? `gave up after ${plural(pack.counts.gateBlocks, 'block')} and ` : ''}let the agent stop with ${failing.length ? failing.join(', ') : 'its checks'} still failing.`,
    });
  }
  const ackTarget = targetOf(targets, 'acknowledgeMinutes');
  // Incidents that share a reason share a line: four undelivered pages are one gap, said once.
  const undelivered = new Map<string, string[]>();
  const unacked = new Map<string, string[]>();
  for (const r of pack.incidents) {
    const t = r.times;
    if (r.incident.source.kind === 'page.test' || r.incident.state === 'cancelled') continue;
    if (t.pagedAt === null) {
      const failed = r.pages.find((p) => p.status === 'failed');
      const pending = r.pages.some((p) => p.status === 'pending');
      const why = failed
        ? `delivery to ${failed.channel} failed (${failed.lastError ?? 'unknown error'})`
        : pending
          ? 'the pages were still waiting in the outbox'
          : 'no channel is routed for this severity and source';
      undelivered.set(why, [...(undelivered.get(why) ?? []), r.incident.id]);
      continue;
    }
    const ack = ackOutcome(r, ackTarget.minutes * 60_000, now);
    if (ack && 'missed' in ack) unacked.set(ack.missed, [...(unacked.get(ack.missed) ?? []), r.incident.id]);
  }
  for (const [why, ids] of undelivered)
    gaps.push({
      kind: 'page-not-delivered',
      incident: ids[0] ?? null,
      text: `${list(ids)} never reached anyone: ${why}.`,
    });
  for (const [how, ids] of unacked)
    gaps.push({
      kind: 'page-unacknowledged',
      incident: ids[0] ?? null,
      text: `The ${ids.length === 1 ? 'page' : 'pages'} for ${list(ids)} ${ids.length === 1 ? 'was' : 'were'} not acknowledged within ${ackTarget.minutes} min (${how}).`,
    });
  return gaps;
}

function priorityOf(primary: PackIncident | null): ActionItem['priority'] {
  if (!primary) return 'P2';
  const rank = SEV_RANK[primary.incident.severity];
  return rank <= 2 ? 'P1' : rank === 3 ? 'P2' : 'P3';
}

function actionItems(
  input: PostmortemInput,
  primary: PackIncident | null,
  gaps: DetectionGap[],
): ActionItem[] {
  const { pack } = input;
  const owner = input.owner ?? 'unassigned (no on-call schedule)';
  const priority = priorityOf(primary);
  const items: Array<Omit<ActionItem, 'id' | 'owner' | 'priority' | 'tracking'>> = [];
  const seen = new Set<GapKind>();
  for (const g of gaps) {
    // One item per kind of gap: three unacknowledged pages share one fix.
    if (seen.has(g.kind)) continue;
    seen.add(g.kind);
    if (g.kind === 'found-by-human')
      items.push({
        gap: g.kind,
        type: 'prevent',
        text: 'Add the detector that would have raised this: a guard rule (`agent-sre check` shows what matches today), an acceptance check, or a drift eval.',
      });
    else if (g.kind === 'unmatched-before-run') {
      const commits = gaps.some(
        (x) => x.kind === 'unmatched-before-run' && x.text.startsWith('No rule matched commit'),
      );
      items.push({
        gap: g.kind,
        type: 'prevent',
        text: commits
          ? 'Stop commits on a red suite before they run: a pre-commit hook that runs the tests, and a runbook postcondition that names the test command.'
          : 'Catch the harmful change before it runs: add a guard rule or a runbook Never item for it, then replay this session (`agent-sre replay`) to see the rule fire.',
      });
    } else if (g.kind === 'gate-exhausted')
      items.push({
        gap: g.kind,
        type: 'mitigate',
        text: `Find why the failing checks could not be fixed within the gate's attempts (flaky test, missing dependency, task out of scope) and fix that; until then lower \`acceptance.maxAttempts\` so the on-call hears sooner.`,
      });
    else if (g.kind === 'page-unacknowledged')
      items.push({
        gap: g.kind,
        type: 'process',
        text: `Make sure a page is answered within ${targetOf(input.targets, 'acknowledgeMinutes').minutes} min: check the route, the on-call's notifications and the escalation policy's delays.`,
      });
    else if (g.kind === 'page-not-delivered')
      items.push({
        gap: g.kind,
        type: 'process',
        text: 'Fix the route or channel so every incident reaches the on-call; prove it with `agent-sre page test --channel NAME`.',
      });
  }
  const denied = pack.rules.filter((r) => r.verdict === 'deny');
  if (denied.length > 0)
    items.push({
      gap: null,
      type: 'prevent',
      text: `Find what in the task or the runbook led to ${denied
        .slice(0, 3)
        .map((r) => r.exampleMd)
        .join(
          ', ',
        )}${denied.length > 3 ? ' and more' : ''}, and add it to AGENTS.md's Never list; the guard rules stay as the backstop.`,
    });
  return items.map((i, n) => ({
    ...i,
    id: `AI-${n + 1}`,
    owner,
    priority,
    tracking: input.tracking?.[i.text] ?? null,
  }));
}

function summary(pack: EvidencePack, primary: PackIncident | null, denials: DenialLimits): string {
  const s = pack.session;
  const out: string[] = [
    `Session ${code(s.id)}${s.machine === undefined ? '' : ` ran on machine ${code(s.machine)} as ${code(s.user ?? 'unknown')}, and`} started at ${at(s.startedAt)} and recorded ${plural(s.events, 'hook event')} (${plural(pack.counts.toolCalls, 'tool call')}).`,
  ];
  const denied = pack.rules.filter((r) => r.verdict === 'deny');
  if (pack.counts.denied > 0)
    out.push(
      `The guard denied ${plural(pack.counts.denied, 'call')} before ${pack.counts.denied === 1 ? 'it' : 'they'} ran, among them ${denied
        .slice(0, 3)
        .map((r) => `${r.exampleMd} (${r.rule})`)
        .join(', ')}.`,
    );
  if (pack.incidents.some((i) => i.incident.source.kind === 'session.escalated'))
    out.push(`After ${denials.escalateAfter} denials in a row the session was escalated to a human.`);
  if (pack.counts.gateBlocks + pack.counts.gateExhausted > 0) {
    const failing = pack.verification.checks.filter((c) => !c.passed).map((c) => code(c.id));
    out.push(
      `The agent tried to stop ${plural(pack.counts.gateBlocks + pack.counts.gateExhausted, 'time')} while ${failing.length ? failing.join(', ') : 'its checks'} failed; the acceptance gate blocked ${plural(pack.counts.gateBlocks, 'attempt')}${pack.counts.gateExhausted > 0 ? ' and then let it stop and paged the on-call (gate.exhausted)' : ''}.`,
    );
  }
  if (primary) {
    const t = primary.times;
    const i = primary.incident;
    out.push(
      `${i.id} (${i.severity}, ${i.source.kind}) was raised at ${at(t.detectedAt)}; ${outcome(primary)}`,
    );
  } else out.push('No incident was raised: nothing in agent-sre flagged this session.');
  return out.join(' ');
}

function outcome(r: PackIncident): string {
  const t = r.times;
  const parts: string[] = [];
  if (t.acknowledgedAt !== null)
    parts.push(
      `acknowledged${r.incident.acknowledgedBy ? ` by ${r.incident.acknowledgedBy}` : ''} ${formatDuration(t.tta)} after the page`,
    );
  if (t.mitigatedAt !== null) parts.push(`contained ${formatDuration(t.ttc)} after detection`);
  if (t.resolvedAt !== null) parts.push(`resolved ${formatDuration(t.ttr)} after it started`);
  if (parts.length === 0) return `it is ${r.incident.state} and has no answer from a human yet.`;
  const tail = t.resolvedAt === null ? ` It is still ${r.incident.state}.` : '';
  return `it was ${parts.join(', ')}.${tail}`;
}

function impact(pack: EvidencePack): string {
  const u = pack.blastRadius.rows;
  const get = (m: string) => u.find((r) => r.measure === m);
  const lines = get('Lines changed');
  const agentCommits = pack.commits.filter((c) => c.source !== 'window');
  const out: string[] = [];
  if (pack.counts.denied > 0) out.push(`The ${plural(pack.counts.denied, 'denied call')} did not run.`);
  out.push(
    `What ran: ${plural(pack.counts.toolCalls - pack.counts.denied, 'tool call')}, ${plural(get('Files touched')?.used ?? 0, 'file')} touched (${lines?.detail ?? '+0 / -0'} lines), ${plural(get('External calls')?.used ?? 0, 'external call')}, ${plural(get('Subagents')?.used ?? 0, 'subagent')}, ${plural(agentCommits.length, 'commit')} by the agent${pack.pushes > 0 ? `, ${plural(pack.pushes, 'push', 'pushes')}` : ''}.`,
  );
  out.push(
    pack.blastRadius.outside.length === 0
      ? 'Nothing outside the project and the temp directories was written or deleted.'
      : `Outside the project: ${pack.blastRadius.outside
          .slice(0, 5)
          .map((f) => `${f.kind} ${code(f.path)}`)
          .join(
            ', ',
          )}${pack.blastRadius.outside.length > 5 ? ` and ${pack.blastRadius.outside.length - 5} more` : ''}.`,
  );
  if (pack.blastRadius.hosts.length > 0)
    out.push(`External systems reached: ${pack.blastRadius.hosts.slice(0, 8).map(code).join(', ')}.`);
  out.push(verificationSentence(pack));
  const reverted = agentCommits.filter((c) => c.revertedBy).length;
  const red = agentCommits.filter((c) => c.redAfter).length;
  if (reverted + red > 0)
    out.push(
      `Of the agent's ${plural(agentCommits.length, 'commit')}, ${reverted} ${reverted === 1 ? 'was' : 'were'} reverted later and ${red} ${red === 1 ? 'was' : 'were'} followed by a failing test run or check.`,
    );
  return out.join(' ');
}

function verificationSentence(pack: EvidencePack): string {
  const v = pack.verification;
  const run = v.lastTestRun;
  const failing = v.checks.filter((c) => !c.passed).map((c) => code(c.id));
  if (run && !run.ok)
    return `The session ended with the suite red: the last test run (${code(run.command)}, ${at(run.at)}) failed${failing.length ? `, and ${failing.join(', ')} failed at the last stop` : ''}.`;
  if (failing.length > 0) return `The session ended with ${failing.join(', ')} failing at the last stop.`;
  if (run)
    return `The last test run (${code(run.command)}, ${at(run.at)}) passed${v.verifiedSinceLastEdit ? '' : ', but files changed after it'}.`;
  return v.lastEditAt === null
    ? 'The session changed no files and ran no tests.'
    : 'The session changed files and ran no tests.';
}

function rootCauses(pack: EvidencePack): string {
  const facts: string[] = [];
  for (const r of pack.rules.slice(0, 6))
    facts.push(
      `${r.verdict === 'deny' ? 'The guard denied' : 'A human was asked about'} ${r.exampleMd} (${r.rule})${r.count > 1 ? `, and ${plural(r.count - 1, 'similar call')} after it` : ''}.`,
    );
  const claim = pack.timeline.some((e) => e.kind === 'gate') ? claimQuote(pack) : null;
  if (claim) facts.push(`The final message claimed completion (${claim}) while checks failed.`);
  for (const c of pack.verification.checks.filter((x) => !x.passed))
    facts.push(
      `Acceptance check ${code(c.id)} failed at ${at(c.at)}${c.tail ? `: ${code(summarizeFailure(c.tail, 160).text)}` : ''}.`,
    );
  if (!pack.verification.verifiedSinceLastEdit && pack.verification.lastEdit)
    facts.push(
      `The last change (${code(pack.verification.lastEdit)}) was not followed by a passing test run.`,
    );
  if (pack.counts.budgetHits > 0)
    facts.push(`A scope budget was spent ${plural(pack.counts.budgetHits, 'time')}.`);
  const questions = [
    'Why did the agent take this path? Read the task, the session transcript and AGENTS.md as it was at the start.',
    'What in the system allowed it: an ambiguous task, a runbook that did not cover the case, a policy rule that let it through, a check that did not run?',
    'Keep asking why until the answer names a system or a process that can change.',
  ];
  return `${facts.length ? `What the ledger shows:\n\n${bullets(facts)}\n\n` : ''}To answer in the review:\n\n${bullets(questions)}`;
}

function claimQuote(pack: EvidencePack): string | null {
  return pack.claim ? `"${noMention(escapeMd(pack.claim))}"` : null;
}

function trigger(pack: EvidencePack): string {
  const t = pack.trigger;
  if (!t) return 'The ledger records no denial, failed check or failed test run in this session.';
  const before = t.lastEditBefore
    ? ` The last change to the project before it: ${t.lastEditBefore.md} at ${at(t.lastEditBefore.at)}.`
    : '';
  return `The first anomaly in the session, at ${at(t.at)}: ${t.md}${/[.!?]$/.test(t.md) ? '' : '.'}${before}`;
}

const HOW: Record<string, string> = {
  'tier4.denied': 'The guard matched the call before it ran and refused it.',
  'approval.forged':
    'The waiting gate found an approval answer without a valid human signature in the ledger.',
  'ledger.integrity':
    'The ledger store found its file empty, replaced or unlinked, moved it aside and held the hook until a human accepted.',
  'session.escalated': 'The session rules escalate a session after a streak of denials.',
  'session.terminated': 'The session rules end a session after too many denials.',
  'budget.spent': 'A scope budget ran out, so further work needed a human.',
  'gate.exhausted':
    'The acceptance gate ran the checks at every stop and, at its last attempt, let the agent stop and paged the on-call.',
  'acceptance.failed': 'An acceptance check failed.',
  'drift.detected': 'A drift eval found the regression.',
};

function detection(
  primary: PackIncident | null,
  gaps: DetectionGap[],
  awaiting: readonly AwaitingAck[],
  ackMinutes: number,
): string {
  const out: string[] = [];
  if (primary) {
    const t = primary.times;
    const i = primary.incident;
    out.push(
      `${i.id} was detected ${t.detection === 'automated' ? 'by agent-sre' : 'by a person'} (${i.source.kind}${i.source.rule && i.source.rule !== i.source.kind ? `, rule ${i.source.rule}` : ''}) at ${at(t.detectedAt)}, ${formatDuration(t.ttd)} after it started${t.startedFrom === 'session' ? ` (the session's first anomaly, at ${at(t.startedAt)})` : ''}. ${HOW[i.source.kind] ?? ''}`.trim(),
    );
    const delivered = primary.pages.filter(
      (p) => p.status === 'delivered' && (p.action === 'trigger' || p.action === 'escalate'),
    );
    out.push(
      t.pagedAt === null
        ? 'No page was delivered.'
        : `The first page was delivered at ${at(t.pagedAt)} through ${[...new Set(delivered.map((p) => p.channel))].join(', ') || 'a channel'}.`,
    );
  } else out.push('Nothing in agent-sre detected this session; it was found by a person.');
  if (awaiting.length > 0)
    out.push(
      `Not acknowledged yet, and still inside the ${ackMinutes} min target: ${list(awaiting.map((a) => `${a.incident} (paged ${formatDuration(a.sinceMs)} ago)`))}.`,
    );
  const text = out.join(' ');
  return gaps.length ? `${text}\n\nDetection gaps:\n\n${bullets(gaps.map((g) => g.text))}` : text;
}

function resolution(pack: EvidencePack, primary: PackIncident | null): string {
  const out: string[] = [];
  if (primary) {
    const human = primary.timeline.filter((t) => t.actor.kind === 'human');
    for (const t of human) out.push(`${at(t.at)}: ${noMention(escapeMd(sentence(t.text)))}`);
    if (human.length === 0)
      out.push(`${primary.incident.id} has no answer from a human yet (state ${primary.incident.state}).`);
  }
  const s = pack.session;
  const state =
    s.status === 'escalated'
      ? s.endedAt !== null
        ? `The session was escalated, so every further action above tier 1 needed a human; it ended at ${at(s.endedAt)}.`
        : `The session is escalated: every action above tier 1 needs a human until someone runs \`agent-sre session resume ${s.id}\`.`
      : s.status === 'terminated'
        ? 'The session was terminated by its denial limit.'
        : pack.counts.gateExhausted > 0
          ? 'The agent stopped after the acceptance gate gave up; the failing checks are for a human to fix.'
          : s.endedAt !== null
            ? `The session ended at ${at(s.endedAt)}.`
            : `The session is ${s.status}; its last event was at ${at(s.lastEventAt)}.`;
  const others = pack.incidents.filter((i) => i !== primary);
  const rel = others.map(
    (i) => `${i.incident.id} (${i.incident.severity}, ${i.incident.source.kind}, ${i.incident.state})`,
  );
  return [
    out.length ? bullets(out) : '',
    state,
    rel.length ? `Also raised in this session: ${rel.join('; ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

function lessons(input: PostmortemInput, primary: PackIncident | null, gaps: DetectionGap[]) {
  const { pack } = input;
  const well: string[] = [];
  const wrong: string[] = [];
  const lucky: string[] = [];
  const denied = pack.rules.filter((r) => r.verdict === 'deny');
  if (denied.length > 0)
    well.push(
      `The guard refused ${denied
        .slice(0, 3)
        .map((r) => r.exampleMd)
        .join(', ')} before ${pack.counts.denied === 1 ? 'it' : 'they'} ran.`,
    );
  if (pack.incidents.some((i) => i.incident.source.kind === 'session.escalated'))
    wrong.push(
      `The agent kept trying after its first denial: ${plural(pack.session.totalDenials, 'denial')} in total.`,
    );
  if (pack.counts.gateBlocks > 0)
    well.push(
      `The acceptance gate did not take the agent's word for it: it ran the checks and blocked ${plural(pack.counts.gateBlocks, 'stop')} with the failing output.`,
    );
  if (primary) {
    const t = primary.times;
    const detect = targetOf(input.targets, 'detectMinutes');
    if (t.detection === 'automated' && t.ttd !== null && t.ttd <= detect.minutes * 60_000)
      well.push(`Detection was automated and took ${formatDuration(t.ttd)} (target ${detect.minutes} min).`);
    else if (t.ttd !== null && t.ttd > detect.minutes * 60_000)
      wrong.push(`Detection took ${formatDuration(t.ttd)}, over the ${detect.minutes} min target.`);
    const ack = targetOf(input.targets, 'acknowledgeMinutes');
    if (t.tta !== null && t.tta <= ack.minutes * 60_000)
      well.push(
        `The page was acknowledged ${formatDuration(t.tta)} after it was sent (target ${ack.minutes} min).`,
      );
    const contain = targetOf(input.targets, 'containMinutes');
    if (t.ttc !== null && t.ttc > contain.minutes * 60_000)
      wrong.push(`Containment took ${formatDuration(t.ttc)}, over the ${contain.minutes} min target.`);
    if (primary.incident.severity === 'SEV1') {
      const r = targetOf(input.targets, 'sev1ResolveMinutes');
      if (t.ttr !== null && t.ttr > r.minutes * 60_000)
        wrong.push(`Resolution took ${formatDuration(t.ttr)}, over the ${r.minutes} min SEV1 target.`);
    }
  }
  for (const g of gaps) wrong.push(g.text);
  if (pack.verification.red) wrong.push('The session ended with failing checks.');
  const agentCommits = pack.commits.filter((c) => c.source !== 'window');
  if (agentCommits.length === 0) lucky.push('The agent made no commit, so nothing reached the history.');
  else if (pack.pushes === 0)
    lucky.push(
      `The ${plural(agentCommits.length, 'commit')} stayed local: the ledger shows no \`git push\`.`,
    );
  if (pack.blastRadius.hosts.length === 0 && pack.counts.toolCalls > 0)
    lucky.push('The session reached no external system: nothing left the machine.');
  if (denied.length > 0)
    lucky.push(
      'Each destructive attempt the ledger shows matched a rule; a variant that no rule matches would not show up here at all.',
    );
  return { well, wrong, lucky };
}

const empty = (items: string[]) =>
  items.length ? bullets(items) : '- Nothing the ledger can show; add what the review finds.';

/** At most `max` rows: every incident, gate, session and commit entry, then the first and last of the rest. */
export function selectTimeline(
  entries: readonly PackEntry[],
  max = 80,
): { rows: PackEntry[]; omitted: number; omitAfter: number | null } {
  if (entries.length <= max) return { rows: [...entries], omitted: 0, omitAfter: null };
  const isKey = (e: PackEntry) =>
    (e.kind === 'incident' && !/: Seen again/.test(e.text)) ||
    e.kind === 'gate' ||
    e.kind === 'session' ||
    e.kind === 'commit';
  const key = entries.filter(isKey).slice(0, Math.floor(max / 2));
  const rest = entries.filter((e) => !isKey(e));
  const budget = max - key.length;
  const head = rest.slice(0, Math.ceil(budget / 2));
  const tail = rest.slice(rest.length - Math.floor(budget / 2));
  const keep = new Set([...key, ...head, ...tail]);
  const rows = entries.filter((e) => keep.has(e));
  const lastHead = head.at(-1);
  return { rows, omitted: entries.length - rows.length, omitAfter: lastHead ? rows.indexOf(lastHead) : null };
}

function timelineRows(pack: EvidencePack): string[][] {
  const { rows, omitted, omitAfter } = selectTimeline(pack.timeline);
  const out = rows.map((e) => [formatUtc(e.at), noMention(e.md)]);
  if (omitted > 0 && omitAfter !== null)
    out.splice(omitAfter + 1, 0, [
      '…',
      `${formatCount(omitted)} more entries left out; \`agent-sre evidence ${pack.session.id}\` lists them all.`,
    ]);
  return out;
}

function supporting(pack: EvidencePack, primary: PackIncident | null): string {
  const s = pack.session;
  const parts: string[] = [];
  parts.push(
    bullets([
      `Evidence pack: \`agent-sre evidence ${s.id}\` (\`--json\` for all of it).`,
      ...(primary ? [`The incident: \`agent-sre incident show ${primary.incident.id}\`.`] : []),
      `Replay the session through a changed policy: \`agent-sre replay <transcript of ${s.id}>\`.`,
      `Token cost: ${costText(pack.cost)}.`,
      pack.git.available
        ? `Commits: from the hook and from \`git log\`${pack.git.truncated ? ' (the log was cut short)' : ''}.`
        : `Commits: only what the hook recorded; \`git log\` was not read (${pack.git.reason}).`,
    ]),
  );
  if (pack.commits.length > 0)
    parts.push(
      table(
        ['Commit', 'Time (UTC)', 'Source', 'Subject', 'Afterwards'],
        pack.commits.map((c) => [
          code(c.sha.slice(0, 10)),
          formatUtc(c.at),
          c.source === 'hook' ? 'hook' : c.source === 'command' ? 'agent git call' : 'during session',
          noMention(c.subject ?? NOT_RECORDED),
          c.revertedBy
            ? `reverted by ${c.revertedBy.slice(0, 10)}`
            : c.redAfter
              ? `red: ${c.redAfter.what}`
              : c.source === 'window'
                ? ''
                : 'no failure seen',
        ]),
      ),
    );
  if (pack.rules.length > 0)
    parts.push(
      table(
        ['Rule', 'Verdict', 'Calls', 'First', 'Example'],
        pack.rules
          .slice(0, 15)
          .map((r) => [r.rule, r.verdict, String(r.count), formatUtc(r.firstAt), r.exampleMd]),
      ),
    );
  if (pack.blastRadius.files.length > 0) {
    const list = pack.blastRadius.files.slice(0, 20).map((f) => `${f.kind} ${code(f.path)}`);
    const more = pack.blastRadius.files.length - list.length;
    parts.push(`Files written or deleted: ${list.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`);
  }
  const failing = pack.verification.checks.filter((c) => !c.passed && c.tail.trim());
  for (const c of failing.slice(0, 2)) {
    const lines = c.tail.split('\n').slice(-20).join('\n');
    parts.push(`Last output of \`${c.id}\`:\n\n${fenced(lines)}`);
  }
  return parts.join('\n\n');
}

function metricsTargets(primary: PackIncident | null, targets: readonly Target[]): string {
  if (!primary) return 'No incident, so no times to measure.';
  const t = primary.times;
  const rows = targets
    .filter((g) => g.scope === 'all' || g.scope === primary.incident.severity)
    .map((g) => {
      const v = t[g.metric];
      const verdict =
        v === null ? 'not measurable (milestone not recorded)' : v <= g.minutes * 60_000 ? 'met' : 'missed';
      return `${g.metric.toUpperCase()} under ${g.minutes} min (${BASIS_TEXT[g.basis]}): ${verdict}.`;
    });
  return `Targets: ${rows.join(' ')}`;
}

function metricValue(t: IncidentTimes | null, key: keyof typeof METRIC_DEFINITIONS): string {
  return t ? formatDuration(t[key]) : NOT_RECORDED;
}

export function buildPostmortem(input: PostmortemInput): Postmortem {
  const { pack, budgets, denials } = input;
  const primary = input.incidentId
    ? (pack.incidents.find((i) => i.incident.id === input.incidentId) ?? null)
    : primaryIncident(pack.incidents);
  if (input.incidentId && !primary)
    throw new Error(`incident ${input.incidentId} is not in session ${pack.session.id}`);
  const gaps = detectionGaps(pack, primary, input.targets, input.now);
  const items = actionItems(input, primary, gaps);
  const l = lessons(input, primary, gaps);
  const i = primary?.incident ?? null;
  const t = primary?.times ?? null;
  const u = pack.blastRadius.rows;
  const used = (m: string) => String(u.find((r) => r.measure === m)?.used ?? 0);
  const title = i ? i.title : `Session ${pack.session.id}`;
  const owner = input.owner ?? 'unassigned';
  const actionRows = items.map((a) => [
    `${a.id}: ${a.text}`,
    a.type,
    a.owner,
    a.priority,
    a.tracking ?? 'to file (`--file-issues`)',
  ]);
  const timeline = timelineRows(pack);
  const lu = lucky(l.lucky);
  const values: Record<string, string> = {
    'incident.id': i?.id ?? 'no incident',
    'incident.title': noMention(title),
    'incident.severity': i?.severity ?? 'none',
    'incident.state': i?.state ?? 'none',
    'incident.sessionId': pack.session.id,
    'incident.source.kind': i?.source.kind ?? 'a person',
    'incident.source.rule': i?.source.rule ?? 'none',
    'incident.acknowledgedBy': i?.acknowledgedBy ?? NOT_RECORDED,
    'incident.resolvedBy': i?.resolvedBy ?? NOT_RECORDED,
    'incident.milestones.startedAt': t ? formatUtc(t.startedAt) : NOT_RECORDED,
    'incident.milestones.detectedAt': t ? formatUtc(t.detectedAt) : NOT_RECORDED,
    'incident.milestones.pagedAt': t?.pagedAt ? formatUtc(t.pagedAt) : NOT_RECORDED,
    'incident.milestones.acknowledgedAt': t?.acknowledgedAt ? formatUtc(t.acknowledgedAt) : NOT_RECORDED,
    'incident.milestones.mitigatedAt': t?.mitigatedAt ? formatUtc(t.mitigatedAt) : NOT_RECORDED,
    'incident.milestones.resolvedAt': t?.resolvedAt ? formatUtc(t.resolvedAt) : NOT_RECORDED,
    'postmortem.date': formatUtcDate(input.now),
    'postmortem.authors': `agent-sre (generated draft); owner ${owner}`,
    'postmortem.owner': owner,
    'session.id': pack.session.id,
    'session.status': pack.session.status,
    'session.machine': pack.session.machine ?? 'this machine',
    'session.user': pack.session.user ?? NOT_RECORDED,
    'session.startedAt': formatUtc(pack.session.startedAt),
    'session.events': formatCount(pack.session.events),
    'session.agent': agentName(pack.session.agent),
    'session.model': pack.cost?.models.length ? pack.cost.models.join(', ') : NOT_RECORDED,
    'session.usage.filesTouched': used('Files touched'),
    'session.usage.linesAdded': (u.find((r) => r.measure === 'Lines changed')?.detail ?? '+0 / -0')
      .split(' / ')[0]!
      .slice(1),
    'session.usage.linesRemoved': (u.find((r) => r.measure === 'Lines changed')?.detail ?? '+0 / -0')
      .split(' / ')[1]!
      .slice(1),
    'session.usage.externalCalls': used('External calls'),
    'session.usage.toolCalls': used('Tool calls'),
    'session.usage.subagents': used('Subagents'),
    'session.consecutiveDenials': String(pack.session.consecutiveDenials),
    'session.totalDenials': String(pack.session.totalDenials),
    'session.tokens': pack.cost ? formatCount(pack.cost.tokens) : 'not available',
    'session.costUsd': pack.cost?.costUsd != null ? formatUsd(pack.cost.costUsd).slice(1) : 'not available',
    'session.tokenCost': costText(pack.cost),
    'session.outsideProject': pack.blastRadius.outside.length
      ? pack.blastRadius.outside.map((f) => `${f.kind} ${code(f.path)}`).join(', ')
      : 'none',
    'policy.budgets.filesTouched': String(budgets.filesTouched),
    'policy.budgets.linesChanged': String(budgets.linesChanged),
    'policy.budgets.externalCalls': String(budgets.externalCalls),
    'policy.budgets.toolCalls': String(budgets.toolCalls),
    'policy.budgets.subagents': String(budgets.subagents),
    'policy.denials.escalateAfter': String(denials.escalateAfter),
    'policy.denials.terminateAfter': String(denials.terminateAfter),
    'metrics.ttd': metricValue(t, 'ttd'),
    'metrics.tta': metricValue(t, 'tta'),
    'metrics.ttc': metricValue(t, 'ttc'),
    'metrics.ttm': metricValue(t, 'ttc'),
    'metrics.ttr': metricValue(t, 'ttr'),
    'postmortem.summary': summary(pack, primary, denials),
    'postmortem.impact': impact(pack),
    'postmortem.rootCauses': rootCauses(pack),
    'postmortem.trigger': trigger(pack),
    'postmortem.detection': detection(
      primary,
      gaps,
      awaitingAcks(pack, input.targets, input.now),
      targetOf(input.targets, 'acknowledgeMinutes').minutes,
    ),
    'postmortem.resolution': resolution(pack, primary),
    'postmortem.targets': metricsTargets(primary, input.targets),
    'postmortem.actionItemRows': tableRows(actionRows),
    'postmortem.actionItems': table(['Action item', 'Type', 'Owner', 'Priority', 'Tracking'], actionRows),
    'postmortem.wentWell': empty(l.well),
    'postmortem.wentWrong': empty(l.wrong),
    'postmortem.gotLucky': lu,
    'postmortem.timelineRows': tableRows(timeline),
    'postmortem.timeline': table(['Time (UTC)', 'Event'], timeline),
    'postmortem.supporting': supporting(pack, primary),
  };
  return { title, primary, gaps, actionItems: items, values };
}

const lucky = (items: string[]) => empty(items);
