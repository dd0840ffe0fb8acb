// What `agent-sre init` writes as the project's agent-sre.yaml: the defaults by reference, the knobs
// a team is most likely to turn, and commented examples. The full default rule set is printed by
// `agent-sre check --help`'s pointer to docs/policy.md and lives in the package.
//
// The first line points editors at the JSON Schema shipped in the package (schema/), so VS Code (Red
// Hat's YAML extension), Neovim and other yaml-language-server clients complete and check keys. The file
// is committed and shared, so the path must resolve on every teammate's machine: it is relative to the
// file, through the project's own node_modules. A global install or a clone elsewhere has no such path
// (an absolute one would be this machine's only), so the file says how to get completion instead.
import { isAbsolute, join, relative, sep } from 'node:path';

/** Where the schema sits inside the package. */
export const SCHEMA_IN_PACKAGE = 'schema/agent-sre.schema.json';

/** The schema of agent-sre installed in the project (npm i -D agent-sre), relative to agent-sre.yaml. */
export const INSTALLED_SCHEMA = `./node_modules/agent-sre/${SCHEMA_IN_PACKAGE}`;

/**
 * The `$schema` path for the agent-sre.yaml at the root of `projectDir`: through node_modules when the
 * package is installed there, into the package when the project holds it (the agent-sre repository
 * itself, a vendored copy), else null (a global install, a clone elsewhere, the plugin).
 */
export function schemaReference(
  projectDir: string,
  packageRoot: string,
  exists: (path: string) => boolean,
): string | null {
  if (exists(join(projectDir, 'node_modules', 'agent-sre', SCHEMA_IN_PACKAGE))) return INSTALLED_SCHEMA;
  const rel = relative(projectDir, join(packageRoot, SCHEMA_IN_PACKAGE));
  if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) return null;
  return `./${rel.split(sep).join('/')}`;
}

/** yaml-language-server reads the first comment of this form; a path must hold no spaces. */
export function schemaModeline(schema: string): string {
  return `# yaml-language-server: $schema=${schema}`;
}

// Written when no path would resolve for the team. Not a modeline (the server only reads a comment that
// starts with "# yaml-language-server:"), so no editor reports a schema it cannot load.
const COMPLETION_HINT = `# Editor completion: add agent-sre to this project (npm i -D agent-sre) and make this the first line:
#   ${schemaModeline(INSTALLED_SCHEMA)}
`;

const BODY = `# agent-sre policy for this repository. Docs: docs/policy.md in the agent-sre package.
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

# Team mode (docs/team.md): ship events and pages to the team's agent-sre serve --store postgres://...
# The hook still decides here; the token is read from the named variable and never written down.
# team:
#   url: https://agent-sre.team.example:47321
#   tokenEnv: AGENT_SRE_TEAM_TOKEN
#   machine: ci-runner-3      # default: a random id kept in ~/.agent-sre
`;

/** The agent-sre.yaml init writes; `schema` from schemaReference (null: no modeline, a hint instead). */
export function projectPolicyTemplate(schema: string | null = INSTALLED_SCHEMA): string {
  // A path with a space would be cut at it by the server: better no modeline than a wrong one.
  return schema === null || /\s/.test(schema)
    ? `${COMPLETION_HINT}${BODY}`
    : `${schemaModeline(schema)}\n${BODY}`;
}

/** For an install into the project, the common case; init picks with schemaReference otherwise. */
export const PROJECT_POLICY_TEMPLATE = projectPolicyTemplate();
