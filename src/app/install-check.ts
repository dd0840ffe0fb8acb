// Doctor's install and wiring check: does the agent-sre that .claude/settings.json runs exist on this
// machine? The file is committed, so a teammate can have the settings without the package (no npm install
// yet, or agent-sre missing from devDependencies); the hooks then refuse every tool call, and this says
// why and what to run. Read-only; doctor prints what it returns.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { findOurHooks } from '../adapters/agents/claude/settings.ts';
import { portableInstallOf } from './hook-location.ts';

export interface InstallProblem {
  /** `error`: every tool call is refused (or the guard does not run); `warning`: works here, not for others. */
  severity: 'error' | 'warning';
  message: string;
  fix: string;
}

const LAUNCHER = join('bin', 'agent-sre-hook.cjs');

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function listsAgentSre(pkg: unknown): boolean {
  if (typeof pkg !== 'object' || pkg === null) return false;
  const p = pkg as Record<string, unknown>;
  return ['devDependencies', 'dependencies', 'optionalDependencies'].some((k) => {
    const deps = p[k];
    return typeof deps === 'object' && deps !== null && 'agent-sre' in deps;
  });
}

/** The settings files that can enable a plugin for this project, lowest precedence first. */
const pluginSettingsFiles = (projectDir: string, home: string) => [
  join(home, '.claude', 'settings.json'),
  join(projectDir, '.claude', 'settings.json'),
  join(projectDir, '.claude', 'settings.local.json'),
];

/** The agent-sre plugin's key (`agent-sre@<marketplace>`) when a settings file enables it, else undefined. */
function enabledPlugin(projectDir: string, home: string): string | undefined {
  let found: string | undefined;
  for (const file of pluginSettingsFiles(projectDir, home)) {
    const enabled = (readJson(file) as { enabledPlugins?: unknown } | undefined)?.enabledPlugins;
    if (typeof enabled !== 'object' || enabled === null) continue;
    for (const [key, on] of Object.entries(enabled))
      if (key.startsWith('agent-sre@')) found = on === true ? key : undefined;
  }
  return found;
}

/**
 * Problems with the agent-sre install the project's hook commands name; [] when there is nothing to say
 * (or no settings file or hook of ours: doctor's hooks check reports that). `home` is where the user's
 * ~/.claude lives (the plugin is usually enabled there).
 */
export function installProblems(projectDir: string, home = homedir()): InstallProblem[] {
  const settings = readJson(join(projectDir, '.claude', 'settings.json'));
  const ours = findOurHooks(settings);
  const commands = ours.map((h) => h.entry).filter((e) => e.type !== 'http');
  const problems: InstallProblem[] = [];
  // Claude Code runs a plugin's hooks beside the settings' own, in parallel (identical handlers are merged
  // only across settings files), so every call would be judged and recorded twice: each denial counts
  // double toward the escalation after three in a row.
  const plugin = ours.length > 0 ? enabledPlugin(projectDir, home) : undefined;
  if (plugin !== undefined)
    problems.push({
      severity: 'warning',
      message: `the ${plugin} plugin and .claude/settings.json both wire agent-sre's hooks, so Claude Code runs both on every tool call: each call is recorded twice and each denial counts twice toward escalation`,
      fix: `keep one: claude plugin disable ${plugin} (the project's committed settings guard everyone who clones it, so this is the one to keep)`,
    });
  const seen = new Set<string>();
  for (const entry of commands) {
    const rel = portableInstallOf(entry);
    const args = Array.isArray(entry.args)
      ? entry.args.filter((a): a is string => typeof a === 'string')
      : [];
    if (rel !== undefined) {
      if (seen.has(`rel:${rel}`)) continue;
      seen.add(`rel:${rel}`);
      const launcher = join(projectDir, rel, LAUNCHER);
      if (!existsSync(launcher))
        problems.push({
          severity: 'error',
          message: `.claude/settings.json runs agent-sre from ${rel}, which is not installed here (${launcher} is missing): Claude Code's hooks refuse every tool call with "agent-sre is not installed in this project"`,
          fix: listsAgentSre(readJson(join(projectDir, 'package.json')))
            ? 'run npm install (agent-sre is in package.json)'
            : 'run npm install --save-dev agent-sre, and commit package.json so teammates get it too',
        });
      else if (!listsAgentSre(readJson(join(projectDir, 'package.json'))) && rel === 'node_modules/agent-sre')
        problems.push({
          severity: 'warning',
          message:
            "agent-sre is installed in node_modules but package.json does not list it, so a teammate's or CI's npm install will not fetch it and their hooks will refuse every call",
          fix: 'npm install --save-dev agent-sre, and commit package.json',
        });
      continue;
    }
    // An absolute command: this machine's node and install (init without a project install, or older).
    const paths = [entry.command, ...args].filter(
      (p): p is string => typeof p === 'string' && isAbsolute(p) && !seen.has(`abs:${p}`),
    );
    for (const p of paths) {
      seen.add(`abs:${p}`);
      if (!existsSync(p))
        problems.push({
          severity: 'error',
          message: `.claude/settings.json runs ${p}, which does not exist on this machine (another machine's path, or a moved install): Claude Code cannot start the hook`,
          fix: 'npm install --save-dev agent-sre, then npx agent-sre init (the hooks then run node_modules/agent-sre through $CLAUDE_PROJECT_DIR on every machine)',
        });
    }
    if (paths.length > 0 && !seen.has('machine')) {
      seen.add('machine');
      problems.push({
        severity: 'warning',
        message: `.claude/settings.json names absolute paths (${paths.join(', ')}) that teammates and CI will not have`,
        fix: 'npm install --save-dev agent-sre, then npx agent-sre init, before committing .claude/settings.json',
      });
    }
  }
  return problems;
}
