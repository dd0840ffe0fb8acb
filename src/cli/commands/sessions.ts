import { openLedger } from '../../app/store.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';

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
    io.stdout(
      `${'session'.padEnd(38)} ${'status'.padEnd(10)} ${'events'.padStart(6)} ${'denied'.padStart(6)}  budget use\n`,
    );
    for (const { state: s, events } of sessions) {
      const u = s.usage;
      io.stdout(
        `${s.sessionId.padEnd(38)} ${s.status.padEnd(10)} ${String(events).padStart(6)} ${String(s.totalDenials).padStart(6)}  ` +
          `calls ${u.toolCalls}, files ${u.filesTouched}, lines +${u.linesAdded}/-${u.linesRemoved}, external ${u.externalCalls}, subagents ${u.subagents}\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
