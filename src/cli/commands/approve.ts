// approve and deny: a human answers a tier-3 gate that is waiting in `wait` mode.
import { answerApproval } from '../../app/approvals.ts';
import { humanMacForCli } from '../../app/human-mac.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { answerAndDeliver, humanActor, openProject } from '../project.ts';

const help = (
  name: string,
) => `Usage: agent-sre ${name} ID ${name === 'deny' ? '--reason TEXT' : '[--reason TEXT]'} [--by NAME] [--json] [--dir DIR]

${
  name === 'approve'
    ? 'Let a waiting tier-3 call go ahead. The agent hears who approved it.'
    : 'Refuse a waiting tier-3 call. The agent is told your reason and not to retry.'
}
ID is the approval id from the page (APR-3). The first answer wins: once the gate timed out (and
denied), a late answer is refused. The incident the request opened is resolved, and every channel
that was paged hears it.

Only a human may do this; the command refuses to run inside a coding agent (CLAUDECODE=1). The answer
is signed with your per-user secret ($XDG_CONFIG_HOME/agent-sre/secret, else ~/.config/agent-sre/secret,
made on first use); the waiting gate ignores answers that are not. Run it as the user the agent's hook
runs as.

Options:
  --reason TEXT  why (required for deny; the agent reads it)
  --by NAME      who you are (default: $AGENT_SRE_USER, else your login name)
  --json         print the approval afterwards as JSON
  --dir DIR      the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const name = io.argv[0] === 'deny' ? 'deny' : 'approve';
  const { values, positionals } = parse(
    args,
    {
      reason: { type: 'string' },
      by: { type: 'string' },
      json: { type: 'boolean' },
      dir: { type: 'string' },
    },
    help(name),
  );
  if (values.help) {
    io.stdout(help(name));
    return 0;
  }
  const id = positionals[0];
  if (!id) throw new UsageError(`expected: agent-sre ${name} ID`);
  if (name === 'deny' && !values.reason) throw new UsageError('deny needs --reason: the agent is told why');
  const actor = humanActor(io, values.by);
  // The waiting gate obeys only answers signed with the per-user secret; the first answer makes it.
  let mac: ReturnType<typeof humanMacForCli>;
  try {
    mac = humanMacForCli(io.env);
  } catch (err) {
    throw new UsageError(`cannot sign the answer: ${(err as Error).message}`);
  }
  const p = await openProject(values.dir, io);
  try {
    const r = await answerAndDeliver(p, io, (tx) =>
      answerApproval(
        tx,
        id,
        name === 'approve' ? 'approved' : 'denied',
        actor,
        p.settings,
        values.reason,
        mac,
      ),
    );
    if (r.replaced)
      io.stderr(
        `warning: ${id} held a forged answer (${JSON.stringify(r.replaced.status).slice(0, 40)}, not signed by a human); yours replaces it. Something other than agent-sre wrote to the ledger: see agent-sre incidents.\n`,
      );
    if (values.json) io.stdout(`${JSON.stringify(r.approval)}\n`);
    else io.stdout(`${r.approval.id} ${r.approval.status} by ${actor.id}: ${r.approval.action}\n`);
    return 0;
  } finally {
    await p.store.close();
  }
}
