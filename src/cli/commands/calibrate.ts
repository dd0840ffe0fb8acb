import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { outcomesFromLedger, proposePolicy } from '../../app/calibrate.ts';
import { POLICY_FILE } from '../../app/policy.ts';
import { ledgerPath, openLedger } from '../../app/store.ts';
import { calibrate, DEFAULT_CALIBRATION } from '../../core/calibrate/calibrate.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';

const HELP = `Usage: agent-sre calibrate [--json] [--min N] [--write [--out FILE]] [--dir DIR]

When to trust the agent more. For every rule that sent calls to a human (tier 3), how often the
human let the call through:
  - real-time gate (gate.mode wait): the approve or deny recorded by agent-sre approve|deny;
  - Claude Code's own prompt (gate.mode ask): a call that then ran was accepted, one that never ran
    while the session went on was refused.
Each rule gets its accept rate with a 95% Wilson interval, the sample size, and a suggestion:
  lower    at least 90% of at least --min decisions accepted: tier 2 would do (the published
           heuristic: raise autonomy where reviewers accept 90% or more);
  raise    humans refuse it more often than not: a hard deny saves asking;
  keep     humans decide both ways;
  too-few  fewer than --min decisions so far.

It never changes the policy. --write writes a proposed policy for a human to review
(default agent-sre.calibrated.yaml; compare with diff -u agent-sre.yaml agent-sre.calibrated.yaml),
and writes nothing when there is no change to propose.

Options:
  --min N        decisions needed before suggesting a change (default 20)
  --write        write the proposal
  --out FILE     where (default agent-sre.calibrated.yaml in the repository)
  --json         one JSON object per rule
  --dir DIR      the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      json: { type: 'boolean' },
      min: { type: 'string' },
      write: { type: 'boolean' },
      out: { type: 'string' },
      dir: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const min = values.min === undefined ? DEFAULT_CALIBRATION.minSamples : Number(values.min);
  if (!Number.isInteger(min) || min < 1)
    throw new UsageError('--min takes a whole number of decisions, 1 or more');
  const dir = resolve(io.cwd, values.dir ?? '.');
  let outcomes: Awaited<ReturnType<typeof outcomesFromLedger>> = [];
  if (existsSync(ledgerPath(dir))) {
    const store = openLedger(dir, { readonly: true });
    try {
      outcomes = await outcomesFromLedger(store, Date.now());
    } finally {
      await store.close();
    }
  }
  const report = calibrate(outcomes, { ...DEFAULT_CALIBRATION, minSamples: min });
  if (values.json) for (const r of report) io.stdout(`${JSON.stringify(r)}\n`);
  else if (report.length === 0) io.stdout('No tier-3 decisions settled by a human yet.\n');
  else
    for (const r of report)
      io.stdout(
        `${r.suggestion.padEnd(8)} ${r.rule.padEnd(32)} ${String(r.accepted).padStart(4)}/${String(r.n).padEnd(4)} ${r.why}\n`,
      );
  if (values.write) {
    const { loadPolicy, defaultPolicyFile, parsePolicyFile } = await import('../../config/load.ts');
    const policyPath = join(dir, POLICY_FILE);
    let text: string | undefined;
    try {
      text = readFileSync(policyPath, 'utf8');
    } catch {
      text = undefined;
    }
    const own =
      text === undefined
        ? []
        : (() => {
            const r = parsePolicyFile(text, policyPath);
            if (!r.ok) throw new UsageError(`${policyPath} is invalid; fix it first (agent-sre doctor)`);
            return r.value.rules;
          })();
    const proposal = proposePolicy(text, report, { own, defaults: defaultPolicyFile().rules });
    const target = resolve(dir, values.out ?? 'agent-sre.calibrated.yaml');
    const skipped = proposal.skipped.map((s) => `  (skipped) ${s}\n`).join('');
    if (proposal.changes.length === 0) {
      // A copy of the policy with nothing changed would only be a file to review for nothing.
      const earlier = existsSync(target) ? ` (${target}, from an earlier run, is left as it was)` : '';
      io.stdout(`\nNo changes proposed, so nothing was written${earlier}.\n${skipped}`);
      return 0;
    }
    // The proposal must itself be a valid policy before a human is asked to look at it.
    const check = loadPolicy(proposal.text, target);
    if (!check.ok)
      throw new Error(`the proposed policy does not validate: ${JSON.stringify(check.problems)}`);
    writeFileSync(target, proposal.text);
    io.stdout(
      `\n${proposal.changes.length} change(s) proposed in ${target}:\n` +
        proposal.changes.map((c) => `  ${c}\n`).join('') +
        skipped +
        `Review with: diff -u ${policyPath} ${target}\n`,
    );
  }
  return 0;
}
