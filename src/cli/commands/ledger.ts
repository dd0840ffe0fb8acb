// `agent-sre ledger status|accept`: look at the evidence ledger's identity and hold, and let a human lift
// the hold an integrity incident put on it.
import { resolve } from 'node:path';
import { acceptHold, type LedgerStatus, ledgerStatus } from '../../app/ledger.ts';
import { openLedger } from '../../app/store.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { humanActor, iso } from '../project.ts';

const HELP = `Usage: agent-sre ledger status [--json] [--dir DIR]
       agent-sre ledger accept [--note TEXT] [--by NAME] [--json] [--dir DIR]

The evidence ledger is .agent-sre/ledger.db, with its witness .agent-sre/ledger.id (the ledger's
random id, the file's device and inode, when it was created). Both are private (0600, in a 0700
directory) and never opened through a symbolic link.

When the ledger is found empty (0 bytes), missing while its witness exists, replaced (another file,
or a copy of it), without its header, or changed while agent-sre had it open (unlinked, truncated),
agent-sre never starts afresh quietly: it moves the suspect files aside as *.suspect-<time>, starts a
new ledger whose first records are a SEV1 ledger.integrity incident (paged like any other) and a
hold, and refuses every tool call until a human looks and accepts.

  status   the ledger's path, size, mode, id, header and hold, or what is wrong with it. Changes
           nothing. Exit code 0 when the ledger is healthy and not held, 1 otherwise.
  accept   lift the hold: tool calls are judged normally again. Records who and when in the ledger
           and on the incident's timeline; the incident itself stays open until you resolve it
           (agent-sre resolve INC-n). Look first: agent-sre incidents, and the suspect files.

Humans only: accept refuses to run inside a coding agent (CLAUDECODE=1), and the policy denies it to
agents.

Options:
  --note TEXT  what you found (kept with the acceptance)
  --by NAME    who you are (default: $AGENT_SRE_USER, else your login name)
  --json       print the status (or the accepted hold) as JSON
  --dir DIR    the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      dir: { type: 'string' },
      by: { type: 'string' },
      note: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const dir = resolve(io.cwd, values.dir ?? '.');
  const action = positionals[0];
  if (action === 'status') return status(dir, io, values.json ?? false);
  if (action === 'accept') return accept(dir, io, values);
  throw new UsageError('expected: agent-sre ledger status|accept (see agent-sre ledger --help)');
}

function status(dir: string, io: Io, json: boolean): number {
  const s = ledgerStatus(dir);
  const healthy = s.problem === null && s.error === null && s.hold?.state !== 'on' && s.exists;
  if (json) {
    io.stdout(`${JSON.stringify({ ...s, healthy })}\n`);
    return healthy ? 0 : 1;
  }
  io.stdout(render(s));
  return healthy ? 0 : 1;
}

function render(s: LedgerStatus): string {
  const lines = [`ledger   ${s.path}`];
  if (!s.exists) lines.push('file     missing');
  else lines.push(`file     ${s.size} bytes, mode ${s.mode}, inode ${s.ino}`);
  lines.push(
    `witness  ${s.witness ? `${s.witness.id} (inode ${s.witness.ino}, created ${iso(s.witness.createdAt)})` : 'none'}`,
  );
  lines.push(
    `header   ${s.header ? `${s.header.id} (created ${iso(s.header.createdAt)} by agent-sre ${s.header.version})` : 'none'}`,
  );
  if (s.hold?.state === 'on')
    lines.push(
      `hold     ON since ${iso(s.hold.since)}${s.hold.incident ? ` (${s.hold.incident})` : ''}: ${s.hold.problem.detail}`,
      `         suspect files: ${s.hold.suspects.join(', ') || 'none'}`,
      '         a human runs `agent-sre ledger accept` once they have looked',
    );
  else if (s.hold?.state === 'accepted')
    lines.push(
      `hold     accepted by ${s.hold.acceptedBy} at ${iso(s.hold.acceptedAt)} (${s.hold.problem.kind})`,
    );
  else lines.push('hold     none');
  if (s.problem)
    lines.push(
      `PROBLEM  ${s.problem.detail}`,
      '         the next hook call (or agent-sre incidents) moves the files aside and raises a SEV1 incident',
    );
  if (s.error) lines.push(`ERROR    ${s.error}`);
  return `${lines.join('\n')}\n`;
}

async function accept(
  dir: string,
  io: Io,
  values: { json?: boolean; by?: string; note?: string },
): Promise<number> {
  const actor = humanActor(io, values.by);
  // A problem nobody has recorded yet is not accepted blind: opening writable would record it (and hold),
  // and the human should see that incident before lifting the hold.
  const before = ledgerStatus(dir);
  if (before.problem)
    throw new UsageError(
      `${before.problem.detail}. It has not been recorded yet: run \`agent-sre incidents\` (it moves the files aside and raises the incident), look, then accept.`,
    );
  if (before.hold?.state !== 'on')
    throw new UsageError('the ledger is not on hold; there is nothing to accept');
  const store = openLedger(dir);
  try {
    const hold = await store
      .transact(Date.now(), (tx) => acceptHold(tx, actor, values.note))
      .catch((err: Error) => {
        throw new UsageError(err.message);
      });
    if (values.json) io.stdout(`${JSON.stringify(hold)}\n`);
    else
      io.stdout(
        `ledger hold lifted by ${actor.id}; tool calls are judged again.${hold.incident ? ` ${hold.incident} stays open: agent-sre resolve ${hold.incident} when done.` : ''}\n`,
      );
    return 0;
  } finally {
    await store.close();
  }
}
