import { openLedger } from '../../app/store.ts';
import { emptyEvent } from '../../app/transitions.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';

const HELP = `Usage: agent-sre session resume ID [--dir DIR] [--json]

Resume a session that agent-sre escalated (three denials in a row): tier-2 work runs again
without a human approving each call. The consecutive-denial count starts over. A terminated
session stays terminated; start a new one. Humans only: the policy denies this command to agents.
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { dir: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [action, id] = positionals;
  if (action !== 'resume' || !id) throw new UsageError('expected: agent-sre session resume ID');
  const store = openLedger(values.dir ?? io.cwd);
  try {
    const current = await store.getSession(id);
    if (!current) throw new UsageError(`no session "${id}" in the ledger; see agent-sre sessions`);
    if (current.status === 'terminated')
      throw new UsageError(`session ${id} was terminated and cannot be resumed; start a new session`);
    const now = Date.now();
    const state = await store.commit({
      sessionId: id,
      now,
      apply: (s) => {
        const next = { ...(s ?? current), status: 'active' as const, consecutiveDenials: 0 };
        const event = {
          ...emptyEvent(
            {
              event: 'session.resume',
              sessionId: id,
              cwd: current.cwd,
              agentId: null,
              toolUseId: null,
              tool: null,
            },
            now,
          ),
          reason: `resumed by ${io.env.USER ?? 'a human'} from the CLI`,
        };
        return { state: next, event, result: next };
      },
    });
    if (values.json)
      io.stdout(`${JSON.stringify({ session_id: id, status: state.status, previous: current.status })}\n`);
    else io.stdout(`session ${id}: ${current.status} -> ${state.status}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
