// `agent-sre report`: incidents, time metrics against targets, change failure rate, and session load
// over a window, with SVG charts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { toJson } from '../../app/evidence.ts';
import { makeReport, parseSince } from '../../app/report.ts';
import { renderReport } from '../../core/metrics/report.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { renderMarkdownForTerminal } from '../markdown-terminal.ts';
import { withProgress } from '../progress.ts';
import { openEvidenceSource, STORE_HELP } from '../team-store.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre report [--since 30d] [--json | --markdown] [--out DIR] [--dir DIR] [--store URL]

The fleet over a window: incidents by severity and source, how many automated detection found and how
many a person reported, MTTD, MTTA, MTTC and MTTR (median, p90, mean) next to their targets, the change
failure rate of agent commits, and denials, acceptance-gate blocks and cost per session.

Each time is per incident, from recorded milestones only; a milestone nobody recorded makes the time
missing (counted as missing, never as 0):
  TTD  detected − started. Started is the incident's startedAt; for a session-wide incident (escalated,
       terminated, budget spent, gate exhausted) it is the session's first anomaly (a denial, a failed
       check, a blocked stop, a failed test run) when that came earlier
  TTA  acknowledged − first page sent
  TTC  mitigated − detected: contained (agent halted, change reverted); resolving without mitigating
       leaves it missing
  TTR  resolved − started
Cancelled incidents (false positives), approval requests and test pages are left out of the times.
Median and p90 interpolate between ranks (numpy's default, the spreadsheet PERCENTILE.INC).

Change failure rate: of the agent's commits in the window (reported by the hook, or dated by git log
inside one of its git calls), the share later reverted ("This reverts commit ..." or Revert "subject")
or followed by a failing test run or acceptance check before the agent's next commit.

Targets, in minutes, under report.targets in agent-sre.yaml:
  sev1ResolveMinutes  120  SEV1 (P0) resolved within 2 h (default)
  detectMinutes         5  proposed, unconfirmed
  acknowledgeMinutes   15  proposed, unconfirmed
  containMinutes       15  proposed, unconfirmed
A target is met when the median is within it; the share of incidents within it is shown beside.

Printed for a terminal: headings, aligned tables (wrapped to its width) and statuses against targets
in colour. Piped, the same text without colour (NO_COLOR turns colour off, FORCE_COLOR on).

Options:
  --since SPAN  the window: 30d (default), 12h, 2w, or an ISO date
  --json        the report as one JSON object
  --markdown    the report as Markdown (what --out writes to report.md)
  --out DIR     write report.md, report.json and SVG charts (incidents, incident-times, sessions, cost,
                change-failure) into DIR
  --dir DIR     the project root (default: found at or above the current directory)
${STORE_HELP}

Cost comes from each session's transcript (agent-sre cost); without one it says "not available".
From a team store, sessions are listed with their machine and user, and counted per machine and
user; their transcripts stay on their machines, so cost is not available there. Git history is this
checkout's.
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      since: { type: 'string' },
      json: { type: 'boolean' },
      markdown: { type: 'boolean' },
      out: { type: 'string' },
      dir: { type: 'string' },
      store: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.json && values.markdown) throw new UsageError('--json and --markdown are alternatives');
  const now = Date.now();
  const since = parseSince(values.since ?? '30d', now);
  if (since === null || since > now)
    throw new UsageError(
      `--since takes a span such as 30d, 12h or 2w, or a past ISO date; got "${values.since}"`,
    );
  const { dir, policy: p, store, costOf, origins } = await openEvidenceSource(values.dir, values.store, io);
  try {
    const { report, charts } = await withProgress(
      io,
      origins ? 'reading the team store and git history' : 'reading the ledger, transcripts and git history',
      { json: values.json },
      () =>
        makeReport(since, {
          store,
          projectDir: dir,
          policy: p,
          now,
          costOf,
          ...(origins ? { origins } : {}),
        }),
    );
    const json = toJson({
      ...report,
      measured: undefined,
      incidents: { ...report.incidents, list: report.measured },
    });
    if (values.out) {
      const out = resolve(io.cwd, values.out);
      mkdirSync(out, { recursive: true });
      for (const c of charts) writeFileSync(join(out, c.file), c.svg);
      writeFileSync(
        join(out, 'report.md'),
        renderReport(
          report,
          charts.map((c) => c.file),
        ),
      );
      writeFileSync(join(out, 'report.json'), `${json}\n`);
      if (!values.json)
        io.stdout(
          `wrote ${join(out, 'report.md')}, report.json and ${charts.length} charts (${charts.map((c) => c.file).join(', ')})\n`,
        );
    }
    if (values.json) io.stdout(`${json}\n`);
    else if (values.markdown) io.stdout(renderReport(report));
    else if (!values.out) {
      const term = terminalOf(io);
      io.stdout(renderMarkdownForTerminal(renderReport(report), { paint: term.paint, width: term.columns }));
    }
    return 0;
  } finally {
    await store.close();
  }
}
