// `agent-sre init --agent codex|gemini|cursor|copilot`: each agent's hook config, merged into what is there
// (other hooks and keys kept, a backup of the old file written next to it), idempotent. Planned first, so
// a file init would refuse to touch stops the run before anything is written; applied after.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HookLocation } from '../hook-location.ts';
import {
  CODEX_EVENTS,
  type CodexTrustItem,
  codexHome,
  codexProjectTrust,
  codexTrustItems,
  readText,
  recordCodexTrust,
} from './codex.ts';
import { agentHookCommand, type OtherAgent, ourHookAgent } from './command.ts';
import {
  backupFile,
  type ConfigFile,
  type Json,
  mergeFlat,
  mergeGrouped,
  readJsonConfig,
  type WantedHook,
  writeAtomic,
} from './json-config.ts';

export { AGENTS, type Agent, type OtherAgent } from './command.ts';

export interface AgentWiringOptions {
  projectDir: string;
  home: string;
  env: Record<string, string | undefined>;
  where: HookLocation;
  agents: readonly OtherAgent[];
  /** The tool-call hooks' timeout (seconds). */
  timeoutSec: number;
  /** The stop gate's (Codex Stop, Gemini AfterAgent, Cursor stop, Copilot agentStop), which runs the checks. */
  gateTimeoutSec: number;
  /** Codex: `$CODEX_HOME/hooks.json` instead of the project's `.codex/hooks.json`. */
  codexGlobal?: boolean;
}

export interface AgentPlan {
  agent: OtherAgent;
  file: string;
  before: ConfigFile | undefined;
  after: Json;
  changed: boolean;
  events: string[];
}

/** Where each agent's hook config goes. */
export function agentConfigPath(
  agent: OtherAgent,
  o: Pick<AgentWiringOptions, 'projectDir' | 'home' | 'env' | 'codexGlobal'>,
): string {
  switch (agent) {
    case 'codex':
      return o.codexGlobal
        ? path.join(codexHome(o.env, o.home), 'hooks.json')
        : path.join(o.projectDir, '.codex', 'hooks.json');
    case 'gemini':
      return path.join(o.projectDir, '.gemini', 'settings.json');
    case 'cursor':
      return path.join(o.projectDir, '.cursor', 'hooks.json');
    case 'copilot':
      return path.join(o.projectDir, '.github', 'hooks', 'agent-sre.json');
  }
}

/** The events and entries each agent gets: its own names, its own timeout unit, its own failure switch. */
export function wantedHooks(agent: OtherAgent, o: AgentWiringOptions): WantedHook[] {
  const cmd = (sec: number) => agentHookCommand(o.where, o.projectDir, agent, sec);
  const tool = o.timeoutSec;
  const gate = o.gateTimeoutSec;
  switch (agent) {
    case 'codex':
      // Seconds. No matcher: every tool (shell, apply_patch, MCP). Codex has no failure switch: a hook that
      // fails lets the call run, so the launcher always answers (a deny with a reason) before the timeout.
      return CODEX_EVENTS.map(({ event }) => ({
        event,
        entry: {
          type: 'command',
          command: cmd(event === 'Stop' ? gate : tool),
          timeout: event === 'Stop' ? gate : tool,
        },
      }));
    case 'gemini': {
      // Milliseconds; the matcher is a regex over tool names. Exit codes other than 2 are warnings there.
      const entry = (sec: number) => ({
        type: 'command',
        name: 'agent-sre',
        command: cmd(sec),
        timeout: sec * 1000,
      });
      return [
        { event: 'BeforeTool', matcher: '.*', entry: entry(tool) },
        { event: 'AfterTool', matcher: '.*', entry: entry(tool) },
        { event: 'AfterAgent', entry: entry(gate) },
        { event: 'SessionStart', entry: entry(tool) },
        { event: 'SessionEnd', entry: entry(tool) },
      ];
    }
    case 'cursor': {
      // failClosed: a hook that crashes or times out blocks instead of letting the call through.
      const entry = (sec: number) => ({ command: cmd(sec), timeout: sec * 1000, failClosed: true });
      return [
        { event: 'preToolUse', entry: entry(tool) },
        { event: 'postToolUse', entry: entry(tool) },
        { event: 'stop', entry: entry(gate) },
        { event: 'sessionStart', entry: entry(tool) },
        { event: 'sessionEnd', entry: entry(tool) },
      ];
    }
    case 'copilot': {
      // Seconds. A command preToolUse hook that errors denies; a timeout lets the call run (Copilot's rule).
      // The camelCase input does not name its event, so each entry names it (--event): a postToolUse must
      // never be taken for a call still to judge.
      const entry = (event: string, sec: number) => ({
        event,
        entry: {
          type: 'command',
          bash: agentHookCommand(o.where, o.projectDir, agent, sec, event),
          timeoutSec: sec,
        },
      });
      return [
        entry('preToolUse', tool),
        entry('postToolUse', tool),
        entry('agentStop', gate),
        entry('sessionStart', tool),
        entry('sessionEnd', tool),
      ];
    }
  }
}

/** Reads and merges every agent's file; throws WiringError (nothing written) when one cannot be merged. */
export function planAgents(o: AgentWiringOptions): AgentPlan[] {
  return o.agents.map((agent) => {
    const file = agentConfigPath(agent, o);
    const before = readJsonConfig(file);
    const wanted = wantedHooks(agent, o);
    const base: Json = before?.value ?? (agent === 'cursor' || agent === 'copilot' ? { version: 1 } : {});
    const after =
      agent === 'cursor' || agent === 'copilot'
        ? mergeFlat(base, file, agent, wanted)
        : mergeGrouped(base, file, agent, wanted);
    const changed = before === undefined || JSON.stringify(after) !== JSON.stringify(before.value);
    return { agent, file, before, after, changed, events: wanted.map((w) => w.event) };
  });
}

export interface AppliedAgent {
  agent: OtherAgent;
  path: string;
  action: 'created' | 'updated' | 'unchanged';
  detail: string;
  backupPath?: string;
}

const FAILS_CLOSED: Record<OtherAgent, string> = {
  codex: 'a deny always carries its reason (Codex runs the tool when a hook fails)',
  gemini: 'a refusal is exit 2 or a JSON deny (Gemini treats other exit codes as warnings)',
  cursor: 'failClosed: true',
  copilot: 'a preToolUse hook that errors denies; a timeout lets the call run',
};

export function applyAgents(plans: readonly AgentPlan[], now: Date): AppliedAgent[] {
  return plans.map((p) => {
    const detail = `${p.agent} hooks ${p.events.join(', ')}; ${FAILS_CLOSED[p.agent]}`;
    if (!p.changed)
      return {
        agent: p.agent,
        path: p.file,
        action: 'unchanged',
        detail: `${p.agent}: agent-sre hooks already present`,
      };
    const backupPath = p.before ? backupFile(p.before.realPath, p.before.raw, now) : undefined;
    writeAtomic(p.before?.realPath ?? p.file, `${JSON.stringify(p.after, null, 2)}\n`);
    return {
      agent: p.agent,
      path: p.file,
      action: p.before ? 'updated' : 'created',
      detail,
      ...(backupPath ? { backupPath } : {}),
    };
  });
}

/** What recording Codex trust would change: the hooks to trust and whether the project needs trusting. */
export interface CodexTrustPlan {
  configToml: string;
  hooksJson: string;
  /** Our hooks, each with its hash and what config.toml records now. */
  items: CodexTrustItem[];
  /** The project directory to mark trusted (a project's .codex/ layer loads only then); undefined when global or already trusted. */
  trustProject: string | undefined;
  /** Nothing to record: every hook trusted at its current hash, and the project too. */
  done: boolean;
}

/** Reads the wired hooks.json and the user's config.toml: which of our hooks Codex would skip, and why. */
export function codexTrustPlan(
  o: Pick<AgentWiringOptions, 'projectDir' | 'home' | 'env' | 'codexGlobal'>,
): CodexTrustPlan {
  const hooksJson = resolveReal(agentConfigPath('codex', o));
  const configToml = path.join(codexHome(o.env, o.home), 'config.toml');
  const text = readText(configToml);
  const doc = readJsonConfig(hooksJson)?.value;
  const items = codexTrustItems(doc, hooksJson, text, (e) => ourHookAgent(e.command) === 'codex');
  const project = resolveReal(o.projectDir);
  const trustProject = !o.codexGlobal && codexProjectTrust(text, project) !== 'trusted' ? project : undefined;
  return {
    configToml,
    hooksJson,
    items,
    trustProject,
    done: trustProject === undefined && items.every((i) => i.recorded === i.hash),
  };
}

/** Writes the trust the human confirmed into config.toml, the way Codex's own review records it. */
export function applyCodexTrust(plan: CodexTrustPlan, now: Date): { path: string; backupPath?: string } {
  const before = readText(plan.configToml);
  const after = recordCodexTrust(before, plan.items, plan.trustProject);
  if (after === before) return { path: plan.configToml };
  const exists = fs.existsSync(plan.configToml);
  const backupPath = exists ? backupFile(fs.realpathSync(plan.configToml), before, now) : undefined;
  writeAtomic(exists ? fs.realpathSync(plan.configToml) : plan.configToml, after);
  return { path: plan.configToml, ...(backupPath ? { backupPath } : {}) };
}

/** The real path when it exists (Codex names the files it loads by their path), else the path. */
function resolveReal(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(resolveReal(parent), path.basename(p));
  }
}

/** The agents installed on this machine besides Claude Code: on PATH, or their home directory exists. */
export function detectAgents(
  env: Record<string, string | undefined>,
  home: string,
): { agent: OtherAgent; why: string }[] {
  const onPath = (bin: string) =>
    (env.PATH ?? '')
      .split(':')
      .filter((d) => d.startsWith('/'))
      .map((d) => path.join(d, bin))
      .find((f) => {
        try {
          return fs.statSync(f).isFile();
        } catch {
          return false;
        }
      });
  const found: { agent: OtherAgent; why: string }[] = [];
  const codex = onPath('codex');
  const codexDir = codexHome(env, home);
  if (codex) found.push({ agent: 'codex', why: `${codex} on PATH` });
  else if (fs.existsSync(codexDir)) found.push({ agent: 'codex', why: `${codexDir} exists` });
  const gemini = onPath('gemini');
  const geminiDir = path.join(home, '.gemini');
  if (gemini) found.push({ agent: 'gemini', why: `${gemini} on PATH` });
  else if (fs.existsSync(geminiDir)) found.push({ agent: 'gemini', why: `${geminiDir} exists` });
  return found;
}
