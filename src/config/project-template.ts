// What `agent-sre init` writes as the project's agent-sre.yaml: the defaults by reference, the knobs
// a team is most likely to turn, and commented examples. The full default rule set is printed by
// `agent-sre check --help`'s pointer to docs/policy.md and lives in the package.
export const PROJECT_POLICY_TEMPLATE = `# agent-sre policy for this repository. Docs: docs/policy.md in the agent-sre package.
# The agent cannot edit this file (rule guard.tamper); humans can.
version: 1
extends: default        # the embedded default rules; "strict" adds gates on code nobody has read, "none" starts empty

# Per-session scope budgets. Once one is spent, more of that kind of work needs a human (tier 3).
budgets:
  filesTouched: 200
  linesChanged: 10000
  externalCalls: 300
  toolCalls: 3000
  subagents: 30
  costUsd: 50                # USD per session at list prices, subagents included (agent-sre cost)
  fleetCostUsdPerDay: 500    # USD per UTC day across all sessions of this project

# Three denials in a row escalate the session to a human; twenty end it.
denials:
  escalateAfter: 3
  terminateAfter: 20

# Branches treated like main/master (force-push and deletion denied, plain push gated).
protectedBranches: []

# Your own rules. Rules only raise tiers; to relax a default rule, list its id under disabled.
rules: []
#  - id: team.no-prod-context
#    tier: 4
#    reason: Never point kubectl at production from an agent session.
#    match: { kind: [exec], program: [kubectl], args: "--context[= ]prod" }

disabled: []
#  - git.push-protected     # allow plain pushes to main without a human
`;
