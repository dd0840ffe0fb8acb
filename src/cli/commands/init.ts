import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { processEnvironment } from '../../app/context.ts';
import { hookLocation } from '../../app/hook-location.ts';
import { DEFAULT_HOOK_TIMEOUT_SEC, runInit } from '../../app/init.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { projectPolicyTemplate, schemaReference } from '../../config/project-template.ts';
import { DEFAULT_PORT } from '../../server/http-hook.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';

const HELP = `Usage: agent-sre init [--yes] [--dir DIR] [--json] [--http [--port N] | --no-fold]

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
`;

export async function run(args: string[], io: Io): Promise<number> {
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
    home: processEnvironment(io.env).home,
    ...(values.http ? { http: { port } } : {}),
    ...(fold ? { asyncPost: true } : {}),
  });
  if (values.json) {
    io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  io.stdout(`agent-sre set up in ${report.projectDir}\n`);
  for (const f of report.files)
    io.stdout(`  ${f.action.padEnd(9)} ${f.path}${f.detail ? `  (${f.detail})` : ''}\n`);
  if (report.backupPath) io.stdout(`  backup    ${report.backupPath}\n`);
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
