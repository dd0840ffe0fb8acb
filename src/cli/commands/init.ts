import { spawnSync } from 'node:child_process';
import { processEnvironment } from '../../app/context.ts';
import { DEFAULT_HOOK_TIMEOUT_SEC, runInit } from '../../app/init.ts';
import { hookCommand } from '../../app/paths.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { PROJECT_POLICY_TEMPLATE } from '../../config/project-template.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';

const HELP = `Usage: agent-sre init [--yes] [--dir DIR] [--json]

Wire agent-sre into a repository (default: the current directory):
  - writes agent-sre.yaml (only if absent): the default policy plus your budgets and rules;
  - adds the hook to .claude/settings.json for PreToolUse, PostToolUse, SessionStart and SessionEnd,
    in exec form with onFailure "block" and a 10 s timeout (the gate's timeout + 30 s when
    agent-sre.yaml sets gate.mode wait), keeping your own entries (a backup of the old file is
    written next to it);
  - adds permissions.deny rules for the hard boundaries, which hold even if hooks are switched off;
  - creates .agent-sre/ (the ledger) and adds it to .gitignore.
Running it again changes nothing. Afterwards run \`agent-sre doctor\`.

Options:
  --yes        do not ask for confirmation (for scripts and CI)
  --dir DIR    the repository to set up
  --json       print the report as JSON
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    { yes: { type: 'boolean', short: 'y' }, dir: { type: 'string' }, json: { type: 'boolean' } },
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
  const version = spawnSync('claude', ['--version'], { encoding: 'utf8', timeout: 5000 });
  const hookTimeoutSec = await hookTimeoutFor(projectDir, io);
  const { command, args: hookArgs } = hookCommand();
  const report = runInit({
    projectDir,
    hookCommand: command,
    hookArgs,
    defaultPolicyYaml: PROJECT_POLICY_TEMPLATE,
    claudeVersion: version.status === 0 ? version.stdout : undefined,
    now: new Date(),
    hookTimeoutSec,
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
  io.stdout('Next: agent-sre doctor\n');
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
