import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { guardConfigNow } from '../../app/guard-config.ts';
import { loadRunbook } from '../../app/runbook.ts';
import { openLedger } from '../../app/store.ts';
import { bindGuardConfig, emptyEvent } from '../../app/transitions.ts';
import { BINDING_KIND, type RunbookBinding } from '../../core/runbook/binding.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { humanActor } from '../project.ts';

const HELP = `Usage: agent-sre session resume ID [--dir DIR] [--json] [--by NAME]

Resume a session that agent-sre escalated (three denials in a row), or whose runbook or guard
configuration (agent-sre.yaml, the hook settings in Claude Code's settings files) changed while
it ran: tier-2 work runs again without a human approving each call. The consecutive-denial count
starts over, and the session is bound to AGENTS.md / CLAUDE.md and the configuration as they are
now (review the change first: git diff AGENTS.md CLAUDE.md agent-sre.yaml .claude/). A terminated session stays terminated; start a new
one. Humans only: refused inside a coding agent (CLAUDECODE=1), and the policy denies it to agents.
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { dir: { type: 'string' }, json: { type: 'boolean' }, by: { type: 'string' } },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [action, id] = positionals;
  if (action !== 'resume' || !id) throw new UsageError('expected: agent-sre session resume ID');
  const actor = humanActor(io, values.by);
  const dir = resolve(io.cwd, values.dir ?? '.');
  const runbook = await loadRunbook(dir, io.env.HOME || homedir());
  const guard = guardConfigNow(dir, join(io.env.HOME || homedir(), '.claude'));
  const store = openLedger(dir);
  try {
    const current = await store.getSession(id);
    if (!current) throw new UsageError(`no session "${id}" in the ledger; see agent-sre sessions`);
    if (current.status === 'terminated')
      throw new UsageError(`session ${id} was terminated and cannot be resumed; start a new session`);
    const now = Date.now();
    const state = await store.commit({
      sessionId: id,
      now,
      apply: (s, _newFiles, tx) => {
        const next = { ...(s ?? current), status: 'active' as const, consecutiveDenials: 0 };
        tx.putRecord<RunbookBinding>({
          kind: BINDING_KIND,
          id,
          createdAt: now,
          data: { hash: runbook.now.hash, boundAt: now, via: 'resume' },
        });
        bindGuardConfig(tx, id, guard, now, 'resume');
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
          reason: `resumed by ${actor.id} from the CLI; runbook bound at ${runbook.now.hash?.slice(0, 8) ?? 'none'}, configuration at ${guard.hash.slice(0, 8)}`,
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
