// `agent-sre init`: installs the policy file, the Claude Code hooks and deny rules, and the state dir, and
// scaffolds AGENTS.md and docs/postmortem-template.md where they are missing (./scaffold.ts).
// Everything that can fail is checked before the first write, so a refused run leaves the project as
// it was. The CLI prints the returned report; nothing here writes to the console or exits.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  defaultDenyRules,
  formatVersion,
  GATE_HOOK_TIMEOUT_SEC,
  isVersionAtLeast,
  MIN_CLAUDE_VERSION,
  mergeClaudeSettings,
  parseClaudeVersion,
  registeredEvents,
} from '../adapters/agents/claude/settings.ts';
import type { Finding } from '../core/runbook/types.ts';
import { hookUrl } from '../server/http-hook.ts';
import {
  type AgentWiringOptions,
  type AppliedAgent,
  applyAgents,
  type CodexTrustPlan,
  codexTrustPlan,
  planAgents,
} from './agents-wiring/index.ts';
import { backupFile, WiringError } from './agents-wiring/json-config.ts';
import { packageRoot } from './paths.ts';
import { applyPostmortemTemplate, applyRunbook, planPostmortemTemplate, planRunbook } from './scaffold.ts';
import { trustOnInit } from './trust.ts';

/** Short enough that a hung hook blocks quickly (the default is 600 s); long enough for a cold start. */
export const DEFAULT_HOOK_TIMEOUT_SEC = 10;

export interface InitOptions {
  projectDir: string;
  hookCommand: string;
  hookArgs: string[];
  defaultPolicyYaml: string;
  /** Raw `claude --version` output; `undefined` when claude was not found or did not answer. */
  claudeVersion?: string | undefined;
  now: Date;
  hookTimeoutSec?: number;
  /** `init --http`: the per-call hooks go to `agent-sre serve --http` on this port. */
  http?: { port: number };
  /**
   * Folded, what the CLI's `init` does unless `--no-fold`: no PostToolUse or PostToolUseFailure hook (the
   * hook records them from the transcript at the next PreToolUse, the Stop-type gates and SessionEnd:
   * ./catch-up.ts) and PostToolBatch in the background (`async: true`; a burst verdict is enforced at the
   * next PreToolUse, transitions.ts). `http` is folded the same way.
   */
  asyncPost?: boolean;
  /**
   * What the hook command names. `project`: the project's own node_modules through $CLAUDE_PROJECT_DIR
   * (./hook-location.ts), the same on every checkout; `machine`: this machine's install by absolute path,
   * which init warns teammates and CI will not have. Unset: nothing is said about it.
   */
  hookScope?: { kind: 'project'; rel: string } | { kind: 'machine'; installDir: string };
  /** Absolute; resolves `~/` scope paths when an existing runbook is linted. Default: os.homedir(). */
  home?: string;
  /**
   * The install whose code the hook runs, recorded as trusted when it has no record yet. Default: this
   * install and the process environment (which names the user's config dir); `false` skips it.
   */
  trust?: { installDir: string; env: Record<string, string | undefined> } | false;
  /** Wire Claude Code (.claude/settings.json). Default true; `init --agent codex` alone leaves it out. */
  claude?: boolean;
  /** The other agents to wire (init --agent), planned with the Claude settings and written after them. */
  agents?: Omit<AgentWiringOptions, 'projectDir'>;
}

export type FileAction = 'created' | 'updated' | 'unchanged';

export interface FileChange {
  /** Absolute path. */
  path: string;
  action: FileAction;
  detail: string;
}

export interface InitReport {
  projectDir: string;
  files: FileChange[];
  /** Copy of `.claude/settings.json` as it was before this run changed it. */
  backupPath: string | undefined;
  warnings: string[];
  /** Lint findings for the AGENTS.md / CLAUDE.md the project already had (init never rewrites them). */
  runbookFindings: Finding[];
  claudeVersion: [number, number, number] | undefined;
  /** Each other agent's hook config (init --agent). */
  agents: AppliedAgent[];
  /**
   * Codex only runs hooks a human trusted: what recording that trust would change, for the CLI to show and
   * ask about. Undefined when Codex was not wired.
   */
  codexTrust?: CodexTrustPlan;
}

export class InitError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InitError';
  }
}

const UPGRADE_HINT =
  'Upgrade with `claude update` (or `npm install -g @anthropic-ai/claude-code@latest`), then check ' +
  'with `claude --version`.';

export function runInit(opts: InitOptions): InitReport {
  const projectDir = path.resolve(opts.projectDir);
  requireDirectory(projectDir);

  const policyPath = path.join(projectDir, 'agent-sre.yaml');
  const claudeDir = path.join(projectDir, '.claude');
  const settingsPath = path.join(claudeDir, 'settings.json');
  const stateDir = path.join(projectDir, '.agent-sre');
  const gitignorePath = path.join(projectDir, '.gitignore');

  // Plan: read and validate everything first.
  const claude = opts.claude !== false;
  const settingsFile = claude ? readSettings(settingsPath) : undefined;
  let merged: ReturnType<typeof mergeClaudeSettings>;
  const timeoutSec = opts.hookTimeoutSec ?? DEFAULT_HOOK_TIMEOUT_SEC;
  let agentPlans: ReturnType<typeof planAgents> = [];
  try {
    if (opts.agents) agentPlans = planAgents({ ...opts.agents, projectDir });
  } catch (err) {
    if (err instanceof WiringError) throw new InitError(err.message, { cause: err });
    throw err;
  }
  try {
    merged = mergeClaudeSettings(settingsFile?.value, {
      command: opts.hookCommand,
      args: opts.hookArgs,
      timeoutSec,
      denyRules: defaultDenyRules(),
      ...(opts.http ? { http: { url: hookUrl(opts.http.port, projectDir, timeoutSec) } } : {}),
      ...(opts.asyncPost ? { asyncPost: true } : {}),
    });
  } catch (err) {
    throw new InitError(`${settingsPath}: ${(err as Error).message}`, { cause: err });
  }
  if (claude && fs.existsSync(claudeDir) && !fs.statSync(claudeDir).isDirectory()) {
    throw new InitError(`${claudeDir} exists but is not a directory; agent-sre needs it for settings.json.`);
  }
  if (fs.existsSync(stateDir) && !fs.statSync(stateDir).isDirectory()) {
    throw new InitError(`${stateDir} exists but is not a directory; agent-sre keeps its ledger there.`);
  }
  const gitignore = readOptional(gitignorePath);
  const runbook = planRunbook(projectDir, opts.home);
  const postmortem = planPostmortemTemplate(projectDir);

  // Apply.
  const files: FileChange[] = [];
  files.push(writePolicy(policyPath, opts.defaultPolicyYaml));

  let backupPath: string | undefined;
  if (!claude) {
    // Claude Code not wired this run (init --agent without claude): its settings are left as they are.
  } else if (!merged.changed && settingsFile) {
    files.push({
      path: settingsPath,
      action: 'unchanged',
      detail: 'agent-sre hooks and deny rules already present',
    });
  } else {
    fs.mkdirSync(claudeDir, { recursive: true });
    if (settingsFile) backupPath = backupFile(settingsFile.realPath, settingsFile.raw, opts.now);
    writeAtomic(settingsFile?.realPath ?? settingsPath, `${JSON.stringify(merged.settings, null, 2)}\n`);
    files.push({
      path: settingsPath,
      action: settingsFile ? 'updated' : 'created',
      detail: `hooks ${registeredEvents(opts.http !== undefined || opts.asyncPost === true).join(', ')} (onFailure: block; the Stop-type gates with a ${GATE_HOOK_TIMEOUT_SEC} s timeout)${
        opts.http
          ? `; PreToolUse and SessionEnd over HTTP to agent-sre serve on 127.0.0.1:${opts.http.port}, PostToolBatch in the background (async); each call's PostToolUse is recorded from the transcript`
          : opts.asyncPost
            ? "; PostToolBatch in the background (async: one process per tool call); each call's PostToolUse is recorded from the transcript"
            : '; PostToolUse, PostToolUseFailure and PostToolBatch synchronous (three processes per tool call)'
      } and permissions.deny${scopeDetail(opts.hookScope)}`,
    });
  }

  const stateExisted = fs.existsSync(stateDir);
  fs.mkdirSync(stateDir, { recursive: true });
  files.push({
    path: stateDir,
    action: stateExisted ? 'unchanged' : 'created',
    detail: 'ledger and session state',
  });

  files.push(updateGitignore(gitignorePath, gitignore));
  files.push(...applyRunbook(runbook));
  const trustWarnings: string[] = [];
  const trust = opts.trust ?? { installDir: packageRoot(), env: process.env };
  if (trust) {
    const t = trustOnInit(trust.installDir, trust.env);
    if ('warning' in t) trustWarnings.push(t.warning);
    else files.push(t);
  }
  const template = applyPostmortemTemplate(postmortem);
  if (template) files.push(template);
  const agents = applyAgents(agentPlans, opts.now);
  const codexTrust =
    opts.agents && agentPlans.some((p) => p.agent === 'codex')
      ? codexTrustPlan({ ...opts.agents, projectDir })
      : undefined;

  return {
    projectDir,
    files,
    backupPath,
    warnings: [
      ...(claude ? warnings(opts.claudeVersion, merged.settings) : []),
      ...(claude ? scopeWarnings(opts.hookScope, opts.http !== undefined) : []),
      ...agentWarnings(projectDir, agents, opts.hookScope, claude || settingsFileHasOurHooks(settingsPath)),
      ...('skip' in postmortem ? [postmortem.skip] : []),
      ...trustWarnings,
    ],
    runbookFindings: runbook.kind === 'existing' ? runbook.findings : [],
    claudeVersion: opts.claudeVersion === undefined ? undefined : parseClaudeVersion(opts.claudeVersion),
    agents,
    ...(codexTrust ? { codexTrust } : {}),
  };
}

/** What the other agents' files need said: absolute paths not to commit; Copilot also running Claude's hooks. */
function agentWarnings(
  projectDir: string,
  agents: AppliedAgent[],
  scope: InitOptions['hookScope'],
  claudeWired: boolean,
): string[] {
  const out: string[] = [];
  if (agents.length > 0 && scope?.kind === 'machine')
    out.push(
      `The hooks in ${agents.map((a) => path.relative(projectDir, a.path) || a.path).join(', ')} run agent-sre from ${scope.installDir} on this machine; ` +
        "do not commit them as they are. `npm install --save-dev agent-sre` and `npx agent-sre init` again make them name the project's own install.",
    );
  if (claudeWired && agents.some((a) => a.agent === 'copilot'))
    out.push(
      'Copilot CLI also runs the hooks in .claude/settings.json, so in Copilot every call would go through agent-sre twice (as claude and as copilot) and count twice toward escalation. Keep one: for Copilot-only use, init --agent copilot without claude.',
    );
  return out;
}

function settingsFileHasOurHooks(file: string): boolean {
  try {
    return /agent-sre/.test(fs.readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

function scopeDetail(scope: InitOptions['hookScope']): string {
  if (scope?.kind !== 'project') return '';
  return `; the hooks run ${scope.rel} through $CLAUDE_PROJECT_DIR, so the file works on every checkout after npm install`;
}

function scopeWarnings(scope: InitOptions['hookScope'], http: boolean): string[] {
  if (scope?.kind !== 'machine') return [];
  return [
    `The hook${http ? ' commands' : 's'} in .claude/settings.json run agent-sre from ${scope.installDir} on this machine, ` +
      'which teammates and CI do not have, so do not commit that file as it is. For a settings file to share: ' +
      '`npm install --save-dev agent-sre` in the project, then `npx agent-sre init` again (the hooks then run ' +
      'node_modules/agent-sre through $CLAUDE_PROJECT_DIR), or install the Claude Code plugin.',
  ];
}

function requireDirectory(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    throw new InitError(`Project directory ${dir} does not exist.`, { cause: err });
  }
  if (!st.isDirectory()) throw new InitError(`Project path ${dir} is not a directory.`);
}

function readOptional(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InitError(`Cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

interface SettingsFile {
  /** Where to write: a symlinked settings.json (dotfile managers) is updated at its target. */
  realPath: string;
  raw: string;
  value: unknown;
}

function readSettings(file: string): SettingsFile | undefined {
  const raw = readOptional(file);
  if (raw === undefined) return undefined;
  const text = raw.replace(/^\uFEFF/, '');
  // An empty file holds nothing to lose; treat it like a missing one (it is still backed up).
  if (text.trim() === '') return { realPath: fs.realpathSync(file), raw, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // Claude Code skips a settings file it cannot parse, hooks included, so this must be fixed by hand;
    // rewriting it would throw away whatever the user meant.
    throw new InitError(
      `${file}${locate(text, (err as Error).message)} is not valid JSON (${(err as Error).message}). ` +
        'agent-sre left it untouched; fix it and run init again. Note that Claude Code ignores every ' +
        'setting in this file, hooks included, until it parses.',
      { cause: err },
    );
  }
  return { realPath: fs.realpathSync(file), raw, value };
}

/** `:line:column` from V8's "at position N" (or "(line L column C)" on newer Node), else ''. */
function locate(text: string, message: string): string {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return `:${lc[1]}:${lc[2]}`;
  const pos = /at position (\d+)/.exec(message);
  if (!pos) return '';
  const before = text.slice(0, Number(pos[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `:${line}:${column}`;
}

function writePolicy(file: string, content: string): FileChange {
  try {
    // 'wx' so a policy written between our check and our write is never overwritten.
    fs.writeFileSync(file, content, { flag: 'wx' });
    return { path: file, action: 'created', detail: 'default policy' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { path: file, action: 'unchanged', detail: 'existing policy kept' };
  }
}

/**
 * Temp file in the same directory + rename: Claude Code watches settings files, and a half-written
 * one would fail to parse and silently drop every hook in it.
 */
function writeAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}`);
  let mode: number | undefined;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    mode = undefined;
  }
  try {
    const fd = fs.openSync(tmp, 'wx', mode ?? 0o644);
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

const IGNORE_ENTRY = '.agent-sre/';

function updateGitignore(file: string, content: string | undefined): FileChange {
  if (content !== undefined && isIgnored(content)) {
    return { path: file, action: 'unchanged', detail: `${IGNORE_ENTRY} already ignored` };
  }
  const eol = content?.includes('\r\n') ? '\r\n' : '\n';
  const prefix = content === undefined || content === '' || content.endsWith('\n') ? '' : eol;
  fs.appendFileSync(file, `${prefix}${IGNORE_ENTRY}${eol}`);
  return {
    path: file,
    action: content === undefined ? 'created' : 'updated',
    detail: `${IGNORE_ENTRY} added (ledger and session state stay out of git)`,
  };
}

/** Textual check, last match wins as in git; a later `!.agent-sre...` line un-ignores it. */
function isIgnored(content: string): boolean {
  const patterns = new Set(['.agent-sre', '.agent-sre/', '/.agent-sre', '/.agent-sre/']);
  let ignored = false;
  for (const rawLine of content.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      if (line.slice(1).replace(/^\//, '').startsWith('.agent-sre')) ignored = false;
    } else if (patterns.has(line)) {
      ignored = true;
    }
  }
  return ignored;
}

function warnings(versionText: string | undefined, settings: Record<string, unknown>): string[] {
  const out: string[] = [];
  const min = formatVersion(MIN_CLAUDE_VERSION);
  const failOpen =
    'Claude Code ignores `onFailure: "block"` before ' +
    `${min}, so if the agent-sre hook crashes, times out or cannot start, the tool call runs anyway ` +
    '(the hook fails open). The permissions.deny rules still apply.';
  const version = versionText === undefined ? undefined : parseClaudeVersion(versionText);
  if (versionText === undefined) {
    out.push(`Could not find Claude Code (\`claude --version\` gave no answer). ${failOpen} ${UPGRADE_HINT}`);
  } else if (version === undefined) {
    out.push(
      `Could not read a version from \`claude --version\` output ${JSON.stringify(versionText.trim())}. ` +
        `${failOpen} ${UPGRADE_HINT}`,
    );
  } else if (!isVersionAtLeast(version, MIN_CLAUDE_VERSION)) {
    out.push(`Claude Code ${formatVersion(version)} is older than ${min}. ${failOpen} ${UPGRADE_HINT}`);
  }
  if (settings.disableAllHooks === true) {
    out.push(
      '.claude/settings.json sets "disableAllHooks": true, so no hook runs, agent-sre included. ' +
        'Remove it to turn the guard on; only the permissions.deny rules apply meanwhile.',
    );
  }
  return out;
}
