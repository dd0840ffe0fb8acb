// Real Codex CLI and Gemini CLI in the loop: a temp project (test/real/harness.ts's createProject: git,
// a copy of this checkout's install, `agent-sre init`), the agent's hook config in a scratch HOME pointing
// at agent-sre's hook launcher, the pinned client (scripts/codex.mjs, scripts/gemini.mjs) run headless
// against the scripted stand-in (stand-in.ts, with the agent's API shape) on loopback, and readers for
// what happened: the requests the model got, the client's transcript, agent-sre's ledger. Not a test file.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseEnv, createProject, type Project, type ProjectOptions, ROOT, runToEnd } from '../harness.ts';
import { geminiApi } from './gemini-api.ts';
import { responsesApi } from './responses-api.ts';
import { type ApiShape, ModelStandIn, type StandInOptions, type Step } from './stand-in.ts';

export type Agent = 'codex' | 'gemini';

const INSTALLERS: Record<Agent, string> = {
  codex: join(ROOT, 'scripts', 'codex.mjs'),
  gemini: join(ROOT, 'scripts', 'gemini.mjs'),
};
const SHAPES: Record<Agent, ApiShape> = { codex: responsesApi, gemini: geminiApi };
const commands: Partial<Record<Agent, string[]>> = {};

/**
 * The argv that runs the client: $AGENT_SRE_CODEX_BIN / $AGENT_SRE_GEMINI_BIN (an executable), else the
 * pinned version from the cache, installed on first use (Codex about 315 MB, Gemini about 100 MB).
 */
export function clientCommand(agent: Agent): string[] {
  const have = commands[agent];
  if (have) return have;
  const fromEnv = process.env[`AGENT_SRE_${agent.toUpperCase()}_BIN`];
  if (fromEnv) {
    commands[agent] = [fromEnv];
    return commands[agent];
  }
  const r = spawnSync(process.execPath, [INSTALLERS[agent]], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${INSTALLERS[agent]} failed (${r.status}):\n${r.stderr}`);
  commands[agent] = r.stdout.trim().split('\n');
  return commands[agent];
}

export function clientVersion(agent: Agent): string {
  const [exe, ...pre] = clientCommand(agent);
  return spawnSync(exe!, [...pre, '--version'], { encoding: 'utf8' }).stdout.trim();
}

export interface AgentProjectOptions extends ProjectOptions {
  /**
   * A hook command to wire in the scratch HOME's user-level config instead of what `init --agent` writes
   * (a stand-in hook, to prove the harness). Codex then runs with --dangerously-bypass-hook-trust: the
   * trust `init` records names agent-sre's own entries.
   */
  hook?: (project: Project) => string;
}

export interface AgentProject extends Project {
  agent: Agent;
  /** CODEX_HOME, or ~/.gemini. */
  agentHome: string;
  /** The file holding the agent's hooks (the project's .codex/hooks.json or .gemini/settings.json). */
  hookConfig: string;
  /** Run Codex with --dangerously-bypass-hook-trust (only for a stand-in hook). */
  bypassHookTrust: boolean;
}

/** Codex's and Gemini's events, in their own names, for a stand-in hook. */
const EVENTS: Record<Agent, string[]> = {
  codex: ['SessionStart', 'PreToolUse', 'PostToolUse', 'Stop'],
  gemini: ['SessionStart', 'BeforeTool', 'AfterTool', 'AfterAgent', 'SessionEnd'],
};

/**
 * A project wired for `agent` the way a user wires it: `agent-sre init --yes --agent <agent>` writes the
 * policy, the ledger, the trusted install and the agent's hook config in the project, and for Codex
 * records the user's trust in $CODEX_HOME/config.toml (`--trust-codex-hooks`, what answering yes at
 * init's prompt does). The scratch HOME gets the agent's offline settings.
 */
export function createAgentProject(agent: Agent, opts: AgentProjectOptions = {}): AgentProject {
  const project = createProject({
    ...opts,
    initArgs: [
      ...(opts.hook === undefined ? ['--agent', agent] : []),
      ...(opts.hook === undefined && agent === 'codex' ? ['--trust-codex-hooks'] : []),
      ...(opts.initArgs ?? []),
    ],
  });
  const agentHome = join(project.home, agent === 'codex' ? '.codex' : '.gemini');
  mkdirSync(agentHome, { recursive: true });
  const userConfig = join(agentHome, agent === 'codex' ? 'hooks.json' : 'settings.json');
  const settings = agent === 'gemini' ? geminiSettings() : {};
  if (opts.hook !== undefined) {
    const command = opts.hook(project);
    const hooks = Object.fromEntries(
      EVENTS[agent].map((e) => [
        e,
        [
          {
            hooks: [
              agent === 'codex'
                ? { type: 'command', command, timeout: 30 }
                : { type: 'command', name: 'stand-in', command, timeout: 30_000 },
            ],
          },
        ],
      ]),
    );
    writeFileSync(userConfig, `${JSON.stringify({ ...settings, hooks }, null, 2)}\n`);
    return { ...project, agent, agentHome, hookConfig: userConfig, bypassHookTrust: agent === 'codex' };
  }
  if (agent === 'gemini') writeFileSync(userConfig, `${JSON.stringify(settings, null, 2)}\n`);
  const hookConfig = join(project.dir, agent === 'codex' ? '.codex/hooks.json' : '.gemini/settings.json');
  // `init: false` leaves the project without hooks (a baseline for timings).
  if (opts.init !== false && !existsSync(hookConfig))
    throw new Error(`init --agent ${agent} wrote no ${hookConfig}:\n${project.initOutput ?? ''}`);
  return { ...project, agent, agentHome, hookConfig, bypassHookTrust: false };
}

/** Gemini CLI's user settings for an offline headless run: API-key auth, no updates, no telemetry. */
function geminiSettings(): Record<string, unknown> {
  return {
    security: { auth: { selectedType: 'gemini-api-key' } },
    general: { disableAutoUpdate: true, disableUpdateNag: true },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    model: { name: 'gemini-2.5-flash' },
  };
}

/**
 * The stand-in as Codex's only model provider, as `-c` overrides: $CODEX_HOME/config.toml stays exactly
 * what init wrote there (the trust record), and the port can change from run to run.
 */
function codexProviderArgs(url: string): string[] {
  return [
    ['model', '"fake-model"'],
    ['model_provider', '"fake"'],
    ['check_for_update_on_startup', 'false'],
    ['analytics.enabled', 'false'],
    [
      'model_providers.fake',
      `{ name = "fake", base_url = "${url}/v1", wire_api = "responses", env_key = "FAKE_API_KEY" }`,
    ],
  ].flatMap(([k, v]) => ['-c', `${k}=${v}`]);
}

// ---------------------------------------------------------------------------------------------------
// The run

export interface AgentRunOptions {
  prompt: string;
  script: Step[];
  /** Kill the client after this long (default 60 s). */
  timeoutMs?: number;
  /** Extra client arguments. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  standIn?: StandInOptions;
}

export interface AgentRun {
  agent: Agent;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  standIn: ModelStandIn;
  /** The client's session (Codex's thread id, Gemini's session id), as its hooks report it. */
  sessionId?: string;
  /** Codex's rollout file, Gemini's chat file. */
  transcriptPath?: string;
  /** From spawning the client to its exit. */
  wallMs: number;
  /** From spawning the client to its first model request. */
  startupMs?: number;
}

function findFiles(dir: string, pick: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && pick(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Run the project's agent headless against a stand-in serving `script`. */
export async function runAgent(project: AgentProject, opts: AgentRunOptions): Promise<AgentRun> {
  const { agent } = project;
  const standIn = await ModelStandIn.start(SHAPES[agent], opts.script, opts.standIn);
  try {
    const tmp = join(project.base, 'tmp');
    mkdirSync(tmp, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(project.home, project.binDir, project.tmp ?? tmp),
      // Anything not on loopback goes to the stand-in as a proxy, which refuses it and notes the attempt.
      HTTPS_PROXY: standIn.url,
      HTTP_PROXY: standIn.url,
      https_proxy: standIn.url,
      http_proxy: standIn.url,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    };
    let args: string[];
    if (agent === 'codex') {
      Object.assign(env, { CODEX_HOME: project.agentHome, FAKE_API_KEY: 'sk-stand-in-not-a-key' });
      args = [
        'exec',
        '--json',
        '--skip-git-repo-check',
        '--dangerously-bypass-approvals-and-sandbox',
        // Only for a stand-in hook. agent-sre's hooks run because init recorded the user's trust; were
        // they skipped (Codex does that silently), every scenario's ledger check would fail.
        ...(project.bypassHookTrust ? ['--dangerously-bypass-hook-trust'] : []),
        '--disable',
        'plugins',
        '--disable',
        'apps',
        '--disable',
        'remote_plugin',
        ...codexProviderArgs(standIn.url),
        ...(opts.args ?? []),
        opts.prompt,
      ];
    } else {
      Object.assign(env, {
        GEMINI_API_KEY: 'stand-in-not-a-key',
        GOOGLE_GEMINI_BASE_URL: standIn.url,
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
      });
      // Without --yolo the shell tool is not offered in a headless run.
      args = ['-p', opts.prompt, '--yolo', '--output-format', 'json', ...(opts.args ?? [])];
    }
    Object.assign(env, opts.env);
    const [exe, ...pre] = clientCommand(agent);
    const started = Date.now();
    const child = spawn(exe!, [...pre, ...args], {
      cwd: project.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const { code, signal, stdout, stderr, timedOut } = await runToEnd(child, opts.timeoutMs ?? 60_000);
    const wallMs = Date.now() - started;
    const firstLoop = standIn.loopRequests()[0];
    const { sessionId, transcriptPath } =
      agent === 'codex' ? codexSession(project, stdout) : geminiSession(project, stdout);
    return {
      agent,
      code,
      signal,
      timedOut,
      stdout,
      stderr,
      standIn,
      ...(sessionId === undefined ? {} : { sessionId }),
      ...(transcriptPath === undefined ? {} : { transcriptPath }),
      wallMs,
      ...(firstLoop ? { startupMs: firstLoop.at - started } : {}),
    };
  } finally {
    await standIn.close();
  }
}

/** `codex exec --json` prints `{"type":"thread.started","thread_id":…}`; the rollout file ends in that id. */
function codexSession(
  project: AgentProject,
  stdout: string,
): { sessionId?: string; transcriptPath?: string } {
  let sessionId: string | undefined;
  for (const line of stdout.split('\n')) {
    try {
      const e = JSON.parse(line) as { type?: string; thread_id?: string };
      if (e.type === 'thread.started' && typeof e.thread_id === 'string') sessionId = e.thread_id;
    } catch {
      // not an event line
    }
  }
  const rollouts = findFiles(join(project.agentHome, 'sessions'), (f) =>
    sessionId ? f.endsWith(`${sessionId}.jsonl`) : /^rollout-.*\.jsonl$/.test(f),
  );
  return {
    ...(sessionId ? { sessionId } : {}),
    ...(rollouts[0] ? { transcriptPath: rollouts[0] } : {}),
  };
}

/** `gemini -p --output-format json` prints one object with `session_id`; the chat file holds it too. */
function geminiSession(
  project: AgentProject,
  stdout: string,
): { sessionId?: string; transcriptPath?: string } {
  let sessionId: string | undefined;
  try {
    const out = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { session_id?: string };
    if (typeof out.session_id === 'string') sessionId = out.session_id;
  } catch {
    // not JSON
  }
  const chats = findFiles(join(project.agentHome, 'tmp'), (f) => /^session-.*\.jsonl?$/.test(f)).filter(
    (f) => !sessionId || readFileSync(f, 'utf8').includes(sessionId),
  );
  if (!sessionId && chats[0]) {
    const head = JSON.parse(readFileSync(chats[0], 'utf8').split('\n')[0] ?? '{}') as { sessionId?: string };
    sessionId = head.sessionId;
  }
  return {
    ...(sessionId ? { sessionId } : {}),
    ...(chats[0] ? { transcriptPath: chats[0] } : {}),
  };
}

/** A failure message with what the run did. */
export function explain(run: AgentRun): string {
  return [
    `${run.agent} exit ${run.code}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ' TIMED OUT' : ''} in ${run.wallMs} ms`,
    `stdout: ${run.stdout.slice(-3000)}`,
    `stderr: ${run.stderr.slice(-3000)}`,
    `requests:\n${run.standIn.describe()}`,
    run.standIn.escapes.length ? `escapes: ${run.standIn.escapes.join(', ')}` : '',
  ].join('\n');
}

/** Token totals a transcript recorded: Codex's last `token_count`, the sum of Gemini's `tokens`. */
export function transcriptTokens(run: AgentRun): { input: number; output: number } | undefined {
  if (!run.transcriptPath) return undefined;
  const lines = readFileSync(run.transcriptPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  if (run.agent === 'codex') {
    let total: { input_tokens: number; output_tokens: number } | undefined;
    for (const l of lines) {
      const p = l.payload as { type?: string; info?: { total_token_usage?: typeof total } } | undefined;
      if (l.type === 'event_msg' && p?.type === 'token_count' && p.info?.total_token_usage)
        total = p.info.total_token_usage;
    }
    return total && { input: total.input_tokens, output: total.output_tokens };
  }
  // Gemini rewrites a message as it streams: count each message id once, at its last state.
  const byId = new Map<string, { input: number; output: number }>();
  for (const l of lines) {
    const tokens = l.tokens as { input?: number; output?: number } | undefined;
    if (l.type === 'gemini' && typeof l.id === 'string' && tokens)
      byId.set(l.id, { input: tokens.input ?? 0, output: tokens.output ?? 0 });
  }
  if (byId.size === 0) return undefined;
  return [...byId.values()].reduce((a, t) => ({ input: a.input + t.input, output: a.output + t.output }));
}
