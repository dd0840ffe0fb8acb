// The policy the hook actually enforces: agent-sre.yaml (or the embedded default) plus the rules compiled
// from the project's runbook. `check` and `replay` load it the same way, so shadow mode makes exactly the
// decisions the live hook makes.
import { type LoadedPolicy, loadProjectPolicy, withRunbookRules } from './policy.ts';
import { type LoadedRunbook, loadRunbook } from './runbook.ts';

export interface EffectivePolicy {
  policy: LoadedPolicy;
  /** Null when the runbook could not be read: replaying a session whose project is not on this machine. */
  runbook: LoadedRunbook | null;
}

/**
 * `runbookDir` is the project the calls ran in (scope paths resolve against it); the policy may come from
 * elsewhere (`replay --policy`). Without a runbook directory no runbook rules or gating apply.
 */
export async function loadEffectivePolicy(
  policyDir: string,
  runbookDir: string | null,
  home: string,
  opts: { cache?: boolean } = {},
): Promise<EffectivePolicy> {
  const runbook = runbookDir === null ? null : await loadRunbook(runbookDir, home, opts);
  const policy = withRunbookRules(
    await loadProjectPolicy(policyDir, home, opts),
    runbook?.compiled?.rules ?? [],
    home,
  );
  return { policy, runbook };
}
