import { openLedger } from '../../app/store.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';
import { countStyle, statusStyle } from '../status-style.ts';
import { renderTable } from '../table.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre sessions [--json] [--dir DIR]

List the sessions recorded in the ledger (.agent-sre/ledger.db): status, hook events recorded,
denials and the scope budgets used.

Options:
  --json      one JSON object per session: {"session_id","status","events","denials",...}
  --dir DIR   the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, dir: { type: 'string' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const store = openLedger(values.dir ?? io.cwd);
  try {
    const sessions = await store.listSessions();
    if (values.json) {
      for (const { state: s, events } of sessions) {
        io.stdout(
          `${JSON.stringify({
            session_id: s.sessionId,
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
    const { paint: p, columns } = terminalOf(io);
    const lines = renderTable(
      [
        { header: 'session' },
        { header: 'status' },
        { header: 'events', align: 'right' },
        { header: 'denied', align: 'right' },
        { header: 'budget use', wrap: true },
      ],
      sessions.map(({ state: s, events }) => {
        const u = s.usage;
        return [
          s.sessionId,
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
  } finally {
    await store.close();
  }
}
