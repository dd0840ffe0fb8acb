// agent-sre trust: a human vouches for the code of this install after an upgrade or a rebuild.
import { packageRoot } from '../../app/paths.ts';
import { launcherOf, type TrustEntry } from '../../app/trust.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';

const HELP = `Usage: agent-sre trust [--json]

Record the code of this agent-sre install (bin/agent-sre-hook.cjs and dist/*.cjs) as trusted. The
hook compares its own code with this record on every call and refuses every call when it changed, so
an agent that edits the guard's files switches nothing off. Run it after you upgraded or rebuilt
agent-sre and looked at what changed; \`npm run build\` in a checkout records its own build.

The record is kept outside every project, in $XDG_CONFIG_HOME/agent-sre/trusted-installs.json (else
~/.config/agent-sre/trusted-installs.json), 0600 in a 0700 directory. Only a human may do this: the
command refuses to run inside a coding agent (CLAUDECODE=1).

Options:
  --json   print the record for this install as JSON
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (io.env.CLAUDECODE === '1')
    throw new UsageError(
      "this command vouches for the guard's own code, and it is running inside a coding agent (CLAUDECODE=1). Only a human may run agent-sre trust.",
    );
  const installDir = packageRoot();
  const launcher = launcherOf(installDir);
  let before: TrustEntry | undefined;
  try {
    before = launcher.readRecord(io.env).installs[installDir];
  } catch (err) {
    // An unreadable or unsafe record is not overwritten: it may be a planted link.
    throw new UsageError((err as Error).message);
  }
  let entry: TrustEntry;
  try {
    entry = launcher.trustInstall(installDir, io.env, 'trust');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const changed = Object.keys(entry.files).filter((f) => before?.files[f]?.sha256 !== entry.files[f]?.sha256);
  const dropped = Object.keys(before?.files ?? {}).filter((f) => !entry.files[f]);
  const recordPath = launcher.recordPath(io.env);
  if (values.json) {
    io.stdout(`${JSON.stringify({ installDir, recordPath, ...entry, changed, dropped }, null, 2)}\n`);
    return 0;
  }
  io.stdout(`trusted ${installDir} (${Object.keys(entry.files).length} files) in ${recordPath}\n`);
  if (!before) io.stdout('  first record for this install\n');
  else if (changed.length === 0 && dropped.length === 0) io.stdout(`  unchanged since ${before.trustedAt}\n`);
  for (const f of changed) io.stdout(`  ${before ? 'changed' : 'recorded'}  ${f}\n`);
  for (const f of dropped) io.stdout(`  dropped  ${f}\n`);
  return 0;
}
