// The evidence pack as text for a terminal: the same facts as `--json`, with the timeline cut to its
// key entries when it is long.
import { formatCount, formatDuration, formatUtc } from '../metrics/format.ts';
import type { EvidencePack } from './pack.ts';
import { costText, selectTimeline } from './postmortem.ts';

const pad = (s: string, n: number) => s.padEnd(n);

/** ` on MACHINE as USER` for a session read from a team store; nothing for a project's own. */
export const ranOn = (s: EvidencePack['session']) =>
  s.machine === undefined ? '' : ` on ${s.machine} as ${s.user ?? 'unknown'}`;

export function renderEvidence(p: EvidencePack, maxTimeline = 200): string {
  const s = p.session;
  const c = p.counts;
  const end = s.endedAt ?? s.lastEventAt;
  const out: string[] = [
    `Session ${s.id} (${s.status})${ranOn(s)}, ${formatUtc(s.startedAt)} to ${formatUtc(end)} UTC${s.endedAt === null ? ' (last event)' : ''}, ${formatCount(s.events)} events`,
    `Tool calls: ${formatCount(c.toolCalls)} (allowed ${c.allowed}, asked ${c.asked}, denied ${c.denied}); tiers: t1 ${c.byTier[1]}, t2 ${c.byTier[2]}, t3 ${c.byTier[3]}, t4 ${c.byTier[4]}; failed calls ${c.toolFailures}`,
    `Tests: ${c.testRuns.passed + c.testRuns.failed} runs (${c.testRuns.passed} passed, ${c.testRuns.failed} failed); acceptance checks: ${c.checks.passed} passed, ${c.checks.failed} failed, ${c.checks.skipped} skipped; gate: ${c.gateBlocks} blocks, ${c.gateExhausted} exhausted; budget hits ${c.budgetHits}`,
    '',
    'Blast radius (used / budget):',
    ...p.blastRadius.rows.map(
      (r) =>
        `  ${pad(r.measure, 16)} ${String(r.used).padStart(6)} / ${r.budget ?? '-'}${r.detail ? `  (${r.detail})` : ''}`,
    ),
    `  Outside the project: ${p.blastRadius.outside.length ? p.blastRadius.outside.map((f) => `${f.kind} ${f.path}`).join(', ') : 'none'}`,
    `  External systems: ${p.blastRadius.hosts.length ? p.blastRadius.hosts.join(', ') : 'none'}`,
    '',
    `Token cost: ${costText(p.cost)}`,
    '',
    `Commits (${p.git.available ? `hook and git log${p.git.truncated ? ', log cut short' : ''}` : `hook only; git: ${p.git.reason}`}): ${p.commits.length ? '' : 'none'}`,
    ...p.commits.map(
      (m) =>
        `  ${m.sha.slice(0, 10)}  ${formatUtc(m.at)}  ${pad(m.source, 7)}  ${m.subject ?? '(subject not recorded)'}${m.revertedBy ? `  [reverted by ${m.revertedBy.slice(0, 10)}]` : ''}${m.redAfter ? `  [red after: ${m.redAfter.what}]` : ''}`,
    ),
    `  change failure: ${p.changeFailure.failed} of ${p.changeFailure.commits} agent commits`,
    '',
    'Verification:',
  ];
  const v = p.verification;
  out.push(
    v.lastTestRun
      ? `  last test run: ${v.lastTestRun.command} at ${formatUtc(v.lastTestRun.at)}: ${v.lastTestRun.ok ? 'passed' : 'FAILED'}`
      : '  last test run: none',
    `  last edit: ${v.lastEdit ? `${v.lastEdit} at ${formatUtc(v.lastEditAt as number)}` : 'none'}; verified since: ${v.verifiedSinceLastEdit ? 'yes' : 'no'}`,
    ...v.checks.map((k) => `  check ${k.id}: ${k.passed ? 'passed' : 'FAILED'} at ${formatUtc(k.at)}`),
  );
  if (p.rules.length) {
    out.push('', 'Rules that asked or denied:');
    for (const r of p.rules.slice(0, 20))
      out.push(`  ${pad(r.verdict, 4)}  ${pad(r.rule, 28)} x${r.count}  ${r.example}`);
  }
  out.push('', `Incidents: ${p.incidents.length ? '' : 'none'}`);
  for (const r of p.incidents) {
    const t = r.times;
    out.push(
      `  ${pad(r.incident.id, 7)} ${r.incident.severity} ${pad(r.incident.source.kind, 18)} ${pad(r.incident.state, 12)} TTD ${formatDuration(t.ttd)}  TTA ${formatDuration(t.tta)}  TTC ${formatDuration(t.ttc)}  TTR ${formatDuration(t.ttr)}`,
    );
  }
  const tl = selectTimeline(p.timeline, maxTimeline);
  out.push(
    '',
    `Timeline (UTC, ${formatCount(p.timeline.length)} entries${tl.omitted ? `, ${formatCount(tl.omitted)} left out here; --json has all` : ''}):`,
  );
  tl.rows.forEach((e, i) => {
    out.push(`  ${formatUtc(e.at)}  ${e.text}`);
    if (tl.omitAfter === i) out.push(`  ...  ${formatCount(tl.omitted)} more entries`);
  });
  return `${out.join('\n')}\n`;
}
