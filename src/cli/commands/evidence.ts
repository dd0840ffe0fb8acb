import { EvidenceError, loadEvidence, resolveSession, toJson } from '../../app/evidence.ts';
import { renderEvidence } from '../../core/postmortem/render-evidence.ts';
import { parse } from '../args.ts';
import { styleEvidence } from '../evidence-terminal.ts';
import { type Io, UsageError } from '../io.ts';
import { withProgress } from '../progress.ts';
import { openEvidenceSource, STORE_HELP } from '../team-store.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre evidence SESSION [--json] [--dir DIR] [--store URL]

Everything the ledger knows about one agent session, gathered for a review or a postmortem:

  timeline      decisions that asked or denied, budget hits, acceptance checks (check.result), stops
                the gate blocked (acceptance.blocked) or let through after its last attempt
                (gate.exhausted), failed calls and test runs, commits, and each incident's own timeline
                (raised, paged, acknowledged, mitigated, resolved)
  blast radius  files touched, lines added and removed, external calls, tool calls, subagents and
                denials against the budgets in agent-sre.yaml; what was written outside the project
  cost          tokens and USD from the session's transcript, or "not available (no transcript)"
  commits       the agent's commits: reported by Claude Code (tool_response.gitOperation) or dated by
                git log inside one of its own git calls; commits others made meanwhile are listed apart.
                Each is checked for a later revert and for a failing test run or check after it
  verification  the last test run and its result, the last edit, each acceptance check's last result
  incidents     with TTD, TTA, TTC and TTR (definitions: agent-sre report --help)

SESSION is a session id, or a prefix only one session has (agent-sre sessions lists them). A project
that is not a git repository still gets the commits the hook recorded.

Options:
  --json       the whole pack as one JSON object (times as ISO 8601)
  --dir DIR    the project root (default: found at or above the current directory)
${STORE_HELP}

From a team store, the header names the machine and user the session ran as; its transcript (and
so its cost) stays on that machine.

Next: agent-sre postmortem SESSION drafts a postmortem from this pack.
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { json: { type: 'boolean' }, dir: { type: 'string' }, store: { type: 'string' } },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const ref = positionals[0];
  if (!ref || positionals.length > 1) throw new UsageError('expected: agent-sre evidence SESSION');
  const { dir, policy: p, store, costOf, origins } = await openEvidenceSource(values.dir, values.store, io);
  try {
    const session = await resolveSession(store, ref).catch((err: Error) => {
      throw err instanceof EvidenceError ? new UsageError(err.message) : err;
    });
    const pack = await withProgress(
      io,
      'gathering the evidence: ledger, transcript, git',
      { json: values.json },
      () =>
        loadEvidence(session, {
          store,
          projectDir: dir,
          policy: p,
          now: Date.now(),
          costOf,
          ...(origins ? { origins } : {}),
        }),
    );
    io.stdout(values.json ? `${toJson(pack)}\n` : styleEvidence(renderEvidence(pack), terminalOf(io).paint));
    return 0;
  } finally {
    await store.close();
  }
}
