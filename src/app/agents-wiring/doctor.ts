// `agent-sre doctor` for the other agents a project wired (init --agent): each config is present and
// parses, its command names an agent-sre install that exists here, the hook answers a canary in that
// agent's own shape (a deny for `rm -rf ~`, nothing for `ls`; the canary session is never recorded),
// Codex has trusted the hooks at their current hash, and Gemini's folder-trust rule is said.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CANARY_SESSION } from '../signals.ts';
import type { OtherAgent } from './command.ts';
import { agentConfigPath, codexTrustPlan } from './index.ts';
import { findOurEntries, readJsonConfig } from './json-config.ts';

export interface AgentCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** The canary's tool call in each agent's own PreToolUse shape. */
function canaryInput(agent: OtherAgent, dir: string, command: string): { event: string; input: unknown } {
  const base = { session_id: CANARY_SESSION, transcript_path: null, cwd: dir };
  switch (agent) {
    case 'codex':
      return {
        event: 'PreToolUse',
        input: {
          ...base,
          turn_id: 'doctor',
          hook_event_name: 'PreToolUse',
          model: 'doctor',
          permission_mode: 'default',
          tool_name: 'Bash',
          tool_input: { command },
          tool_use_id: 'doctor',
        },
      };
    case 'gemini':
      return {
        event: 'BeforeTool',
        input: {
          ...base,
          hook_event_name: 'BeforeTool',
          timestamp: new Date(0).toISOString(),
          tool_name: 'run_shell_command',
          tool_input: { command },
        },
      };
    case 'cursor':
      return {
        event: 'preToolUse',
        input: {
          conversation_id: CANARY_SESSION,
          generation_id: 'doctor',
          hook_event_name: 'preToolUse',
          workspace_roots: [dir],
          tool_name: 'Shell',
          tool_input: { command },
          cwd: dir,
        },
      };
    case 'copilot':
      return {
        event: 'preToolUse',
        input: {
          sessionId: CANARY_SESSION,
          timestamp: 0,
          cwd: dir,
          toolName: 'bash',
          toolArgs: JSON.stringify({ command }),
        },
      };
  }
}

/** Did the answer refuse, in the way this agent honours? */
function refused(agent: OtherAgent, r: { status: number | null; stdout: string; stderr: string }): boolean {
  if (r.status === 2 && (agent !== 'codex' || r.stderr.trim() !== '')) return true;
  if (r.status !== 0) return agent === 'copilot';
  switch (agent) {
    case 'codex':
      return (
        /"permissionDecision"\s*:\s*"deny"/.test(r.stdout) &&
        /"permissionDecisionReason"\s*:\s*"[^"]/.test(r.stdout)
      );
    case 'gemini':
      return /"decision"\s*:\s*"(deny|block)"/.test(r.stdout);
    case 'cursor':
      return /"permission"\s*:\s*"deny"/.test(r.stdout);
    case 'copilot':
      return /"permissionDecision"\s*:\s*"deny"/.test(r.stdout);
  }
}

/** The wired agents of this project, with their files: those whose config holds an agent-sre entry. */
export function wiredAgents(
  dir: string,
  home: string,
  env: Record<string, string | undefined>,
): OtherAgent[] {
  const agents: OtherAgent[] = ['codex', 'gemini', 'cursor', 'copilot'];
  return agents.filter((agent) =>
    [false, true].some((codexGlobal) => {
      if (codexGlobal && agent !== 'codex') return false;
      const file = agentConfigPath(agent, { projectDir: dir, home, env, codexGlobal });
      try {
        return /agent-sre/.test(fs.readFileSync(file, 'utf8'));
      } catch {
        return false;
      }
    }),
  );
}

export function agentChecks(
  dir: string,
  home: string,
  env: Record<string, string | undefined>,
): AgentCheck[] {
  const checks: AgentCheck[] = [];
  for (const agent of wiredAgents(dir, home, env)) {
    const globalCodex =
      agent === 'codex' && !fs.existsSync(agentConfigPath('codex', { projectDir: dir, home, env }));
    const file = agentConfigPath(agent, { projectDir: dir, home, env, codexGlobal: globalCodex });
    let doc: unknown;
    try {
      doc = readJsonConfig(file)?.value;
    } catch (err) {
      checks.push({
        name: agent,
        ok: false,
        detail: `${(err as Error).message} ${agent} skips a config it cannot parse, and the guard with it.`,
      });
      continue;
    }
    const ours = findOurEntries(doc, agent);
    const pre = ours.find((o) => /^(PreToolUse|BeforeTool|preToolUse)$/.test(o.event));
    const command = (pre?.entry.command ?? pre?.entry.bash) as string | undefined;
    if (!command) {
      checks.push({
        name: agent,
        ok: false,
        detail: `${file}: no agent-sre hook before tool calls; run agent-sre init --agent ${agent}`,
      });
      continue;
    }
    const missing = missingLauncher(command);
    if (missing) {
      checks.push({
        name: agent,
        ok: false,
        detail: `${file} runs ${missing}, which does not exist here: every call is refused. Run npm install, or agent-sre init --agent ${agent} again.`,
      });
      continue;
    }
    checks.push({ name: agent, ok: true, detail: `${file}: ${ours.map((o) => o.event).join(', ')}` });
    checks.push(canary(agent, command, dir, env));
    if (agent === 'codex') checks.push(codexTrustCheck(dir, home, env, globalCodex));
    if (agent === 'gemini') checks.push(geminiTrustNote(dir, home, env));
  }
  return checks;
}

/** An absolute launcher path the command names that is missing on this machine, else undefined. */
function missingLauncher(command: string): string | undefined {
  const m = /(\/[^\s'"]*\/bin\/agent-sre-hook\.cjs)/.exec(command);
  if (!m || command.includes('$top/')) return undefined;
  return fs.existsSync(m[1]!) ? undefined : m[1];
}

function canary(
  agent: OtherAgent,
  command: string,
  dir: string,
  env: Record<string, string | undefined>,
): AgentCheck {
  const runOne = (cmd: string) => {
    const { input } = canaryInput(agent, dir, cmd);
    const r = spawnSync('sh', ['-c', command], {
      cwd: dir,
      input: JSON.stringify(input),
      encoding: 'utf8',
      timeout: 15_000,
      env: { ...env, GEMINI_PROJECT_DIR: dir, CLAUDE_PROJECT_DIR: dir },
    });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const t0 = performance.now();
  const bad = runOne('rm -rf ~');
  const ms = Math.round(performance.now() - t0);
  const good = runOne('ls');
  const denied = refused(agent, bad);
  const quiet = good.status === 0 && !refused(agent, good);
  const name = `${agent}:canary`;
  if (denied && quiet)
    return {
      name,
      ok: true,
      detail: `the ${agent} hook denied rm -rf ~ in ${agent}'s shape and allowed ls; ${ms} ms`,
    };
  const show = (r: typeof bad) => `exit ${r.status} ${JSON.stringify((r.stdout || r.stderr).slice(0, 200))}`;
  return {
    name,
    ok: false,
    detail: `the ${agent} hook did not behave: rm -rf ~ -> ${show(bad)}; ls -> ${show(good)}`,
  };
}

function codexTrustCheck(
  dir: string,
  home: string,
  env: Record<string, string | undefined>,
  codexGlobal: boolean,
): AgentCheck {
  const plan = codexTrustPlan({ projectDir: dir, home, env, codexGlobal });
  const name = 'codex:trust';
  const modified = plan.items.filter((i) => i.recorded !== undefined && i.recorded !== i.hash);
  const untrusted = plan.items.filter((i) => i.recorded === undefined);
  const fix = `review the commands in ${plan.hooksJson}, then agent-sre init --agent codex${codexGlobal ? ' --global' : ''} --trust-codex-hooks (or accept them in codex's /hooks)`;
  if (plan.trustProject)
    return {
      name,
      ok: false,
      detail: `Codex does not trust ${plan.trustProject}, so it loads nothing from its .codex/ (agent-sre's hooks included) and says nothing: ${fix}`,
    };
  if (modified.length > 0)
    return {
      name,
      ok: false,
      detail: `the ${modified.map((i) => i.event).join(', ')} hook command changed since it was trusted (hash mismatch): Codex skips it silently; ${fix}`,
    };
  if (untrusted.length > 0)
    return {
      name,
      ok: false,
      detail: `${untrusted.map((i) => i.event).join(', ')} not trusted in ${plan.configToml}: Codex skips them silently; ${fix}`,
    };
  return {
    name,
    ok: true,
    detail: `${plan.items.length} hook(s) trusted at their current hash in ${plan.configToml}`,
  };
}

/** Gemini applies a project's .gemini/settings.json only in a folder the user trusted. */
function geminiTrustNote(dir: string, home: string, env: Record<string, string | undefined>): AgentCheck {
  const file = path.join(home, '.gemini', 'trustedFolders.json');
  let trusted: boolean | undefined;
  try {
    const rules = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    trusted = Object.entries(rules).some(([p, level]) =>
      level === 'TRUST_FOLDER' ? p === dir : level === 'TRUST_PARENT' ? dir.startsWith(`${p}/`) : false,
    );
  } catch {
    trusted = undefined;
  }
  const name = 'gemini:trust';
  if (env.GEMINI_CLI_TRUST_WORKSPACE === 'true' || trusted)
    return {
      name,
      ok: true,
      detail: `${dir} is a trusted folder for Gemini CLI, so it loads the project's hooks`,
    };
  return {
    name,
    ok: true,
    detail: `note: Gemini CLI loads .gemini/settings.json (agent-sre's hooks) only in a trusted folder${trusted === false ? `; ${dir} is not in ${file}` : ''}: trust it when Gemini asks (or /permissions), else in an untrusted folder it runs without the guard`,
  };
}
