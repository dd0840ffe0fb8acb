import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { GATE_HOOK_TIMEOUT_SEC } from '../../adapters/agents/claude/settings.ts';
import {
  AGENTS,
  type Agent,
  applyCodexTrust,
  type CodexTrustPlan,
  detectAgents,
  type OtherAgent,
} from '../../app/agents-wiring/index.ts';
import { processEnvironment } from '../../app/context.ts';
import { hookLocation } from '../../app/hook-location.ts';
import { DEFAULT_HOOK_TIMEOUT_SEC, runInit } from '../../app/init.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { projectPolicyTemplate, schemaReference } from '../../config/project-template.ts';
import { DEFAULT_PORT } from '../../server/http-hook.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';

const HELP = `Usage: agent-sre init [--yes] [--dir DIR] [--json] [--http [--port N] | --no-fold]
       agent-sre init --agent claude,codex,gemini,cursor,copilot [--global] [--trust-codex-hooks]

Wire agent-sre into a repository (default: the current directory):
  - writes agent-sre.yaml (only if absent): the default policy plus your budgets and rules;
  - adds the hook to .claude/settings.json for PreToolUse, PostToolBatch, SessionStart, SessionEnd,
    Stop, SubagentStop and TaskCompleted (with --no-fold also PostToolUse and PostToolUseFailure), in
    exec form with onFailure "block" and a 10 s timeout (the gate's timeout + 30 s when agent-sre.yaml
    sets gate.mode wait; 3660 s for the Stop-type gates), keeping your own entries (a backup of the old
    file is written next to it). Only PreToolUse starts a process on the tool call's path: PostToolBatch
    runs in the background (async), and there is no PostToolUse hook - each call's result is recorded
    from the transcript at the next PreToolUse, the Stop-type gates and SessionEnd (until then the
    budgets count the files PreToolUse saw the call would write); a parallel burst over the limits gets
    the next call refused;
  - names the hook so the file can be committed: with agent-sre in the project's node_modules (npm
    install --save-dev agent-sre), the hooks run it through $CLAUDE_PROJECT_DIR, on every teammate's
    checkout and in CI, and refuse every call with "agent-sre is not installed in this project" until
    npm install has run there. Without it (a global install, a clone elsewhere) they name this
    machine's node and install by absolute path, and init warns not to commit the file;
  - adds permissions.deny rules for the hard boundaries, which hold even if hooks are switched off;
  - records the install the hooks run as trusted (~/.config/agent-sre/trusted-installs.json), unless it
    already has a record: the hook refuses to run code that changed since (\`agent-sre trust\`);
  - creates .agent-sre/ (the ledger) and adds it to .gitignore;
  - writes AGENTS.md when there is neither AGENTS.md nor CLAUDE.md: a runbook for the agent
    (preconditions, escalation criteria, postconditions with the project's test command, a scope
    boundary from the directories it has, a Never list) that passes \`agent-sre runbook lint\`.
    An existing AGENTS.md or CLAUDE.md is never changed: it is linted and the findings are printed;
  - writes docs/postmortem-template.md (only if absent): a blameless postmortem for incidents caused
    by a coding agent, whose placeholders \`agent-sre postmortem INCIDENT\` fills from the ledger.
Running it again changes nothing. Afterwards review AGENTS.md and run \`agent-sre doctor\`.

Other agents (--agent, repeatable or a comma list; default: claude plus codex and gemini when they are
installed: on PATH, or ~/.codex / ~/.gemini present; init prints what it found). Each gets the same
launcher as Claude Code, \`node <install>/bin/agent-sre-hook.cjs hook <agent> --timeout S\`, merged into
its own config (other hooks kept, a backup written):
  codex    .codex/hooks.json (--global: $CODEX_HOME/hooks.json): PreToolUse, PostToolUse, Stop,
           SessionStart; timeouts in seconds
  gemini   .gemini/settings.json: BeforeTool and AfterTool (matcher .*), AfterAgent, SessionStart,
           SessionEnd; timeouts in milliseconds. Gemini loads a project's settings only in a trusted folder
  cursor   .cursor/hooks.json (version 1, failClosed true): preToolUse, postToolUse, stop, sessionStart,
           sessionEnd (not yet verified in the real Cursor)
  copilot  .github/hooks/agent-sre.json: preToolUse, postToolUse, agentStop, sessionStart, sessionEnd
           (not yet verified in the real Copilot CLI; it also runs .claude/settings.json's hooks)
Codex runs a hook only after a human trusted it, and a project's .codex/ only in a trusted project; an
untrusted hook is skipped without a word. init shows the exact commands it wired and asks you (y/N on a
terminal); on yes it records your trust in $CODEX_HOME/config.toml the way Codex's own /hooks review does
(hooks.state."<file>:<event>:<group>:<handler>".trusted_hash, and the project's trust_level). Without a
terminal it records nothing unless you pass --trust-codex-hooks. It never bypasses Codex's trust check.

Options:
  --yes        do not ask for confirmation (for scripts and CI)
  --dir DIR    the repository to set up
  --json       print the report as JSON
  --http       answer PreToolUse and SessionEnd through \`agent-sre serve --http\` (type "http",
               onFailure "block": while the server is down every tool call is refused). No process
               blocks a tool call; PostToolBatch stays a background command, as in the default.
               SessionStart and the Stop-type gates stay commands. Claude Code needs AGENT_SRE_TOKEN
               in its environment: export AGENT_SRE_TOKEN=$(agent-sre serve --print-token)
  --port N     the port of agent-sre serve --http (default ${DEFAULT_PORT})
  --no-fold    hook PostToolUse and PostToolUseFailure too, and run them and PostToolBatch
               synchronously, as before: three processes per tool call, every call recorded as it
               finishes, and a burst over the limits stops the loop at once
  --fold       the default; accepted for scripts written before it was
  --agent A    wire agent A (claude, codex, gemini, cursor, copilot); repeat or comma-separate
  --global     Codex: write $CODEX_HOME/hooks.json (every project) instead of .codex/hooks.json
  --trust-codex-hooks
               you reviewed the commands init prints and trust them: record it in Codex's config
               without asking (for scripts). --yes alone does not trust them
`;

export async function run(args: string[], io: Io, ask: Ask = terminalAsk): Promise<number> {
  const { values } = parse(
    args,
    {
      yes: { type: 'boolean', short: 'y' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
      http: { type: 'boolean' },
      port: { type: 'string' },
      fold: { type: 'boolean' },
      'no-fold': { type: 'boolean' },
      agent: { type: 'string', multiple: true },
      global: { type: 'boolean' },
      'trust-codex-hooks': { type: 'boolean' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const projectDir = values.dir
    ? values.dir.startsWith('/')
      ? values.dir
      : `${io.cwd}/${values.dir}`
    : io.cwd;
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new UsageError('--port takes a port number');
  if (values.port !== undefined && !values.http) throw new UsageError('--port goes with --http');
  if (values.http && values.fold) throw new UsageError('--http and --fold are alternatives');
  if (values.fold && values['no-fold']) throw new UsageError('--fold and --no-fold are alternatives');
  if (values.http && values['no-fold'])
    throw new UsageError('--http and --no-fold are alternatives (--http has no PostToolUse hook either)');
  // Folded is the default: no PostToolUse hook (the hook records each call from the transcript) and
  // PostToolBatch in the background. --http is folded the same way; --no-fold asks for the old layout.
  const fold = !values.http && !values['no-fold'];
  const env = processEnvironment(io.env);
  const chosen = chooseAgents(values.agent, io.env, env.home);
  if (values.global && !chosen.agents.includes('codex'))
    throw new UsageError('--global goes with --agent codex');
  const others = chosen.agents.filter((a): a is OtherAgent => a !== 'claude');
  const version = spawnSync('claude', ['--version'], { encoding: 'utf8', timeout: 5000 });
  const hookTimeoutSec = await hookTimeoutFor(projectDir, io);
  const where = hookLocation(projectDir);
  const report = runInit({
    projectDir,
    hookCommand: where.command,
    hookArgs: where.args,
    hookScope:
      where.kind === 'project'
        ? { kind: 'project', rel: where.rel }
        : { kind: 'machine', installDir: where.installDir },
    trust: { installDir: where.installDir, env: io.env },
    // The schema line must resolve for the whole team: the project's own install, a path inside the
    // repository, or no modeline (a hint) for a global or out-of-tree install.
    defaultPolicyYaml: projectPolicyTemplate(schemaReference(projectDir, where.installDir, existsSync)),
    claudeVersion: version.status === 0 ? version.stdout : undefined,
    now: new Date(),
    hookTimeoutSec,
    home: env.home,
    ...(values.http ? { http: { port } } : {}),
    ...(fold ? { asyncPost: true } : {}),
    claude: chosen.agents.includes('claude'),
    ...(others.length > 0
      ? {
          agents: {
            home: env.home,
            env: io.env,
            where,
            agents: others,
            timeoutSec: hookTimeoutSec,
            gateTimeoutSec: GATE_HOOK_TIMEOUT_SEC,
            ...(values.global ? { codexGlobal: true } : {}),
          },
        }
      : {}),
  });
  let codexTrusted: { path: string; backupPath?: string } | undefined;
  if (report.codexTrust && !report.codexTrust.done) {
    const yes =
      values['trust-codex-hooks'] === true || (!values.json && (await askTrust(report.codexTrust, io, ask)));
    if (yes) codexTrusted = applyCodexTrust(report.codexTrust, new Date());
  }
  if (values.json) {
    io.stdout(
      `${JSON.stringify({ ...report, detected: chosen.detected, codexTrusted: codexTrusted ?? null }, null, 2)}\n`,
    );
    return 0;
  }
  if (chosen.detected)
    io.stdout(
      `agents: ${chosen.agents.join(', ')} (claude by default${chosen.detected.length > 0 ? `; found ${chosen.detected.map((d) => `${d.agent}: ${d.why}`).join('; ')}` : '; found no codex or gemini installed'})\n`,
    );
  io.stdout(`agent-sre set up in ${report.projectDir}\n`);
  for (const f of report.files)
    io.stdout(`  ${f.action.padEnd(9)} ${f.path}${f.detail ? `  (${f.detail})` : ''}\n`);
  if (report.backupPath) io.stdout(`  backup    ${report.backupPath}\n`);
  for (const a of report.agents) {
    io.stdout(`  ${a.action.padEnd(9)} ${a.path}  (${a.detail})\n`);
    if (a.backupPath) io.stdout(`  backup    ${a.backupPath}\n`);
  }
  if (codexTrusted) {
    io.stdout(
      `  updated   ${codexTrusted.path}  (Codex trust recorded for agent-sre's hooks, as you confirmed)\n`,
    );
    if (codexTrusted.backupPath) io.stdout(`  backup    ${codexTrusted.backupPath}\n`);
  } else if (report.codexTrust && !report.codexTrust.done)
    io.stdout(
      "warning: Codex will skip agent-sre's hooks, silently, until you trust them: run `agent-sre init --agent codex --trust-codex-hooks` after reviewing the commands above, or open codex in this project and accept them in /hooks. `agent-sre doctor` checks it.\n",
    );
  for (const w of report.warnings) io.stdout(`warning: ${w}\n`);
  if (values.http)
    io.stdout(
      `HTTP hooks: keep \`agent-sre serve --http${values.port === undefined ? '' : ` --port ${port}`}\` running, and start Claude Code with AGENT_SRE_TOKEN set: export AGENT_SRE_TOKEN=$(agent-sre serve --print-token)${io.env.AGENT_SRE_TOKEN ? '' : ' (not set in this shell)'}\n`,
    );
  const findings = report.runbookFindings;
  if (findings.length > 0) {
    io.stdout(
      `runbook: ${findings.length} lint finding${findings.length === 1 ? '' : 's'} in the existing runbook ` +
        '(left as it is; `agent-sre runbook lint` checks it again):\n',
    );
    for (const f of findings)
      io.stdout(`  ${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.message}\n    fix: ${f.fix}\n`);
  }
  const runbook = report.files.find((f) => f.action === 'created' && f.path.endsWith('/AGENTS.md'));
  // The scaffold's scope and test command are guesses from the file tree; a human should confirm them.
  io.stdout(runbook ? 'Next: review AGENTS.md, then agent-sre doctor\n' : 'Next: agent-sre doctor\n');
  return 0;
}

/** `--agent` values (repeated or comma lists), else claude plus the detected ones. */
function chooseAgents(
  given: string[] | undefined,
  env: NodeJS.ProcessEnv,
  home: string,
): { agents: Agent[]; detected?: { agent: OtherAgent; why: string }[] } {
  if (given && given.length > 0) {
    const names = given
      .flatMap((g) => g.split(','))
      .map((n) => n.trim().toLowerCase())
      .filter(Boolean);
    const bad = names.filter((n) => !(AGENTS as readonly string[]).includes(n));
    if (bad.length > 0) throw new UsageError(`--agent takes ${AGENTS.join(', ')}; not ${bad.join(', ')}`);
    return { agents: [...new Set(names)] as Agent[] };
  }
  const detected = detectAgents(env, home);
  return { agents: ['claude', ...detected.map((d) => d.agent)], detected };
}

export type Ask = (question: string) => Promise<string | undefined>;

/** A y/N question on the terminal; undefined when stdin is not one (nobody to ask). */
const terminalAsk: Ask = async (question) => {
  if (!process.stdin.isTTY) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
};

/** Shows the human exactly what Codex would run and asks them to trust it; no answer is a no. */
async function askTrust(plan: CodexTrustPlan, io: Io, ask: Ask): Promise<boolean> {
  const pending = plan.items.filter((i) => i.recorded !== i.hash);
  const lines = [
    'Codex runs a hook only after you have reviewed and trusted it (otherwise it skips it silently).',
    `agent-sre wired these in ${plan.hooksJson}:`,
    ...pending.map((i) => `  ${i.event.padEnd(12)} ${i.command}`),
    ...(plan.trustProject
      ? [
          `Codex also loads a project's .codex/ only in a trusted project: this marks ${plan.trustProject} trusted in Codex (its config, hooks and exec policies load).`,
        ]
      : []),
    `Trusting them writes ${plan.configToml}, as Codex's /hooks review does.`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  const answer = await ask('Trust these hooks for Codex? [y/N] ');
  if (answer === undefined) return false;
  return /^y(es)?$/i.test(answer.trim());
}

/**
 * Gate mode `wait` holds PreToolUse while a human decides, so the hook's timeout must outlast the gate;
 * otherwise the short default makes a hung hook block quickly.
 */
async function hookTimeoutFor(projectDir: string, io: Io): Promise<number> {
  try {
    const p = await loadProjectPolicy(projectDir, processEnvironment(io.env).home, { cache: false });
    const gate = p.compiled.policy.paging.gate;
    return gate.mode === 'wait'
      ? Math.max(DEFAULT_HOOK_TIMEOUT_SEC, gate.timeoutSeconds + 30)
      : DEFAULT_HOOK_TIMEOUT_SEC;
  } catch {
    // An invalid policy is reported by the hook itself (it refuses) and by doctor.
    return DEFAULT_HOOK_TIMEOUT_SEC;
  }
}
