import { openLedger } from '../../app/store.ts';
import type { Origin, TeamSessionSummary } from '../../ports.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';
import { countStyle, statusStyle } from '../status-style.ts';
import { renderTable } from '../table.ts';
import { openTeamReads, STORE_HELP, teamStoreUrl } from '../team-store.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre sessions [--json] [--dir DIR] [--store URL]

List the sessions recorded in the ledger (.agent-sre/ledger.db): status, hook events recorded,
denials and the scope budgets used. With a team store (--store, or $AGENT_SRE_TEAM_STORE), every
machine's sessions, each with the MACHINE and USER it ran as.

Options:
  --json       one JSON object per session: {"session_id","status","events","denials",...}; from a
               team store also "machine", "user" and "project" (its team-wide id, when the machine sent one)
  --dir DIR    the project root (default: found at or above the current directory)
${STORE_HELP}
`;

/** The project's own sessions, or the team store's with their origins. */
async function readSessions(
  dir: string,
  url: string | undefined,
): Promise<Array<TeamSessionSummary & { labelled: boolean }>> {
  if (url) {
    const team = await openTeamReads(url);
    try {
      return (await team.teamSessions()).map((s) => ({ ...s, labelled: true }));
    } finally {
      await team.close();
    }
  }
  const store = openLedger(dir);
  try {
    return (await store.listSessions()).map((s) => ({ ...s, origin: null, labelled: false }));
  } finally {
    await store.close();
  }
}

const machineOf = (o: Origin | null) => o?.machine ?? 'unknown';
const userOf = (o: Origin | null) => o?.user ?? 'unknown';

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    { json: { type: 'boolean' }, dir: { type: 'string' }, store: { type: 'string' } },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const url = teamStoreUrl(values.store, io.env);
  const sessions = await readSessions(values.dir ?? io.cwd, url);
  if (values.json) {
    for (const { state: s, events, origin, labelled } of sessions) {
      io.stdout(
        `${JSON.stringify({
          session_id: s.sessionId,
          ...(labelled
            ? { machine: machineOf(origin), user: userOf(origin), project: origin?.projectId ?? null }
            : {}),
          status: s.status,
          events,
          denials: s.totalDenials,
          consecutive_denials: s.consecutiveDenials,
          started_at: new Date(s.startedAt).toISOString(),
          ended_at: s.endedAt === null ? null : new Date(s.endedAt).toISOString(),
          cwd: s.cwd,
          usage: s.usage,
        })}\n`,
      );
    }
    return 0;
  }
  if (sessions.length === 0) {
    io.stdout('No sessions recorded yet.\n');
    return 0;
  }
  const labelled = url !== undefined;
  const { paint: p, columns } = terminalOf(io);
  const lines = renderTable(
    [
      { header: 'session' },
      ...(labelled ? [{ header: 'machine' }, { header: 'user' }] : []),
      { header: 'status' },
      { header: 'events', align: 'right' as const },
      { header: 'denied', align: 'right' as const },
      { header: 'budget use', wrap: true },
    ],
    sessions.map(({ state: s, events, origin }) => {
      const u = s.usage;
      return [
        s.sessionId,
        ...(labelled ? [machineOf(origin), userOf(origin)] : []),
        { text: s.status, style: statusStyle(p, s.status) },
        String(events),
        { text: String(s.totalDenials), style: countStyle(p, s.totalDenials) },
        `calls ${u.toolCalls}, files ${u.filesTouched}, lines +${u.linesAdded}/-${u.linesRemoved}, external ${u.externalCalls}, subagents ${u.subagents}`,
      ];
    }),
    { paint: p, width: columns },
  );
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
