// Real Claude Code in the loop: a temp project wired with `agent-sre init --yes`, the pinned Claude Code
// client (scripts/claude-code.mjs) run headless with `claude -p` against the scripted stand-in
// (stand-in.ts) on loopback, and readers for what happened: the client's JSON result, the requests the
// model got, the transcript, the hook debug log and agent-sre's ledger. Not a test file itself.
import { type ChildProcess, type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RecordedRequest, StandIn, type StandInOptions, type Step } from './stand-in.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'agent-sre.js');
const INSTALLER = join(ROOT, 'scripts', 'claude-code.mjs');

let claudePath: string | undefined;

/**
 * The `claude` executable: $AGENT_SRE_CLAUDE_BIN, else the pinned version from the cache, installed on
 * first use (about 5 s and 384 MB from the npm registry).
 */
export function claudeBin(): string {
  if (claudePath) return claudePath;
  const fromEnv = process.env.AGENT_SRE_CLAUDE_BIN;
  if (fromEnv) {
    claudePath = fromEnv;
    return claudePath;
  }
  const r = spawnSync(process.execPath, [INSTALLER], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`scripts/claude-code.mjs failed (${r.status}):\n${r.stderr}`);
  claudePath = r.stdout.trim().split('\n').pop()!;
  return claudePath;
}

export function claudeVersion(): string {
  return spawnSync(claudeBin(), ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** The built CLI must be there (`npm run test:real` builds first); build when it is not. */
export function ensureBuilt(): void {
  const wanted = [...readFileSync(BIN, 'utf8').matchAll(/\.\.\/dist\/[\w./-]+/g)].map((m) =>
    join(ROOT, 'bin', m[0]),
  );
  if (wanted.length > 0 && wanted.every((f) => existsSync(f))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------------
// The project

/** A test suite that passes when src/answer.js exports 42. */
export const ANSWER_TEST = `const answer = require('./src/answer.js');
if (answer !== 42) {
  console.error('not ok 1 - answer: expected 42, got ' + answer);
  process.exit(1);
}
console.log('ok 1 - answer is 42');
`;

export interface ProjectOptions {
  /** Extra files (path relative to the project -> content), written before `init` and committed. */
  files?: Record<string, string>;
  /** The package.json test script; default `node test.js` (with test.js = ANSWER_TEST unless given). */
  testScript?: string;
  /** The value src/answer.js exports; default 42 (green). */
  answer?: number;
  /** Run `agent-sre init --yes` (default true). False leaves the project without hooks. */
  init?: boolean;
  /** More arguments for `agent-sre init --yes`, e.g. `--no-fold` for synchronous after-the-call hooks. */
  initArgs?: string[];
  /** Appended to agent-sre.yaml after init (a human's edit, before the session), e.g. `burst: { maxTier: 4 }`. */
  policy?: string;
  /**
   * agent-sre.yaml as it stands when `init` runs (`version: 1` and this; init keeps an existing policy),
   * for settings init reads, e.g. a wait-mode gate, whose hook timeout init sets to the gate's plus 30 s.
   */
  policyAtInit?: string;
  /**
   * Give the project an `origin`: a bare repository beside it (`project.remote`), with `main` pushed, so
   * a push the guard let through would show there.
   */
  remote?: boolean;
  /**
   * Executables put first on the session's PATH (name -> shell script), e.g. a `pkill` that only records
   * that it ran, so a route that must be refused can be tried without harming anything if it is not.
   */
  shims?: Record<string, string>;
  /**
   * Which agent-sre the project is wired to. `copy` (the default): a copy of this checkout's bin/, dist/
   * and package.json beside the project (node_modules linked), so the session's hooks never see another
   * engineer's rebuild of dist/ halfway through, and a write to the installed hook that the guard failed
   * to refuse would damage only the copy. `checkout`: this checkout itself (also for every project when
   * AGENT_SRE_REAL_INSTALL=checkout).
   */
  install?: 'copy' | 'checkout';
  /**
   * `run`: the session's TMPDIR is the run's directory, which holds the scratch HOME, so the home lies
   * inside a temp dir (some containers set HOME=/tmp/...); default: the OS temp dir.
   */
  tmp?: 'run';
}

export interface Project {
  /** The project directory (realpath). */
  dir: string;
  /** The scratch HOME the client, the hooks and init see. */
  home: string;
  /** TMPDIR for everything the project runs, when not the OS temp dir. */
  tmp?: string;
  /** The run's directory, holding the project, the scratch HOME, the shims and the remote. */
  base: string;
  /** First on PATH: `agent-sre` (this checkout's CLI) and the shims. */
  binDir: string;
  /** The bare repository that is `origin`, when `remote` was asked for. */
  remote?: string;
  /** The agent-sre install the hooks run (a copy, or ROOT), and its CLI. */
  install: string;
  cliBin: string;
  /** The output of `agent-sre init --yes`, when it ran. */
  initOutput?: string;
  /** Remove the project and the scratch HOME (kept when AGENT_SRE_REAL_KEEP=1). */
  dispose(): void;
}

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
}

/**
 * The environment shared by init, the client and the hooks it runs: nothing of the caller's leaks in. The
 * CLI commands a test runs as the human (approve, ledger status) get the same HOME and XDG dirs, and no
 * CLAUDECODE.
 */
export function baseEnv(home: string, binDir?: string, tmp?: string): NodeJS.ProcessEnv {
  return {
    PATH: `${binDir ? `${binDir}:` : ''}${dirname(claudeBin())}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    TMPDIR: tmp ?? tmpdir(),
    // Daemons the hook starts for test projects go away soon after the run.
    AGENT_SRE_HOOKD_IDLE_MS: '4000',
    GIT_CONFIG_NOSYSTEM: '1',
    // The scratch HOME has no ~/.npmrc: without this, `npm test` run by the Stop gate asks
    // registry.npmjs.org for npm updates (the stand-in, as the proxy, records and refuses it).
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

/**
 * Where projects and scratch homes go: $AGENT_SRE_REAL_DIR, else ~/.cache/agent-sre/real. Not under the
 * OS temp dir: the guard puts paths there in its temp zone, where a recursive delete is allowed, so a
 * scratch HOME under /tmp would turn `rm -rf ~/x` into a harmless temp-dir delete.
 */
export function realRunsDir(): string {
  const dir = process.env.AGENT_SRE_REAL_DIR || join(homedir(), '.cache', 'agent-sre', 'real');
  mkdirSync(dir, { recursive: true });
  return realpathSync(dir);
}

export function createProject(opts: ProjectOptions = {}): Project {
  const base = mkdtempSync(join(realRunsDir(), 'run-'));
  try {
    return setUpProject(base, opts);
  } catch (err) {
    // Nobody will dispose of a project that was never returned.
    reapProcesses(base);
    if (process.env.AGENT_SRE_REAL_KEEP !== '1') rmSync(base, { recursive: true, force: true });
    throw err;
  }
}

function setUpProject(base: string, opts: ProjectOptions): Project {
  const dir = join(base, 'project');
  const home = join(base, 'home');
  const binDir = join(base, 'bin');
  mkdirSync(dir);
  mkdirSync(join(home, '.config'), { recursive: true });
  mkdirSync(binDir);
  ensureBuilt();
  // The copy sits where a user-level global install (npm prefix ~/.local) would put it.
  const install =
    opts.install === 'checkout' || process.env.AGENT_SRE_REAL_INSTALL === 'checkout'
      ? ROOT
      : copyInstall(join(home, '.local', 'lib', 'node_modules', 'agent-sre'));
  const cliBin = join(install, 'bin', 'agent-sre.js');
  symlinkSync(cliBin, join(binDir, 'agent-sre'));
  for (const [name, script] of Object.entries(opts.shims ?? {})) {
    writeFileSync(join(binDir, name), script);
    chmodSync(join(binDir, name), 0o755);
  }
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify(
      {
        name: 'real-fixture',
        version: '1.0.0',
        private: true,
        scripts: { test: opts.testScript ?? 'node test.js' },
      },
      null,
      2,
    )}\n`,
    'test.js': ANSWER_TEST,
    'src/answer.js': `module.exports = ${opts.answer ?? 42};\n`,
    'README.md': '# real fixture\n',
    ...(opts.policyAtInit === undefined ? {} : { 'agent-sre.yaml': `version: 1\n${opts.policyAtInit}\n` }),
    ...opts.files,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'real@example.invalid');
  git(dir, 'config', 'user.name', 'Real Test');
  let initOutput: string | undefined;
  if (opts.init !== false) {
    const r = spawnSync(process.execPath, [cliBin, 'init', '--yes', ...(opts.initArgs ?? [])], {
      cwd: dir,
      env: baseEnv(home, binDir, opts.tmp === 'run' ? base : undefined),
      encoding: 'utf8',
    });
    if (r.status !== 0)
      throw new Error(`agent-sre init --yes failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    initOutput = r.stdout + r.stderr;
    if (opts.policy) appendFileSync(join(dir, 'agent-sre.yaml'), `\n${opts.policy}\n`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  let remote: string | undefined;
  if (opts.remote) {
    remote = join(base, 'origin.git');
    git(base, 'init', '-q', '--bare', '-b', 'main', remote);
    git(dir, 'remote', 'add', 'origin', remote);
    git(dir, 'push', '-q', 'origin', 'main');
  }
  return {
    dir,
    home,
    ...(opts.tmp === 'run' ? { tmp: base } : {}),
    base,
    binDir,
    ...(remote ? { remote } : {}),
    install,
    cliBin,
    initOutput,
    dispose() {
      // The warm daemon and the page flusher the hooks started for this project: gone before it is.
      reapProcesses(base);
      if (process.env.AGENT_SRE_REAL_KEEP !== '1') rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * bin/, dist/ (without code caches) and package.json of this checkout in `dir`; node_modules linked. Another
 * engineer may be rebuilding dist/ right now (the build swaps the directory, then writes dist/build-id), so
 * the copy is taken again until dist/build-id is there and the same before and after it.
 */
function copyInstall(dir: string): string {
  mkdirSync(dirname(dir), { recursive: true });
  const buildId = () => {
    try {
      return readFileSync(join(ROOT, 'dist', 'build-id'), 'utf8');
    } catch {
      return undefined;
    }
  };
  const deadline = Date.now() + 60_000;
  for (let attempt = 1; ; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const before = buildId();
    try {
      if (before === undefined) throw new Error('dist/build-id is missing (a build is running)');
      cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {
        recursive: true,
        // Code caches and half-written temp files belong to the checkout's own runs.
        filter: (src) => !src.includes('.cache') && !/\.(tmp|\d+)$/.test(src),
      });
      cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      if (buildId() !== before) throw new Error('dist/ was rebuilt while it was copied');
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      return dir;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`could not copy the install after ${attempt} attempts: ${String(err)}`);
      // Wait for the build to settle: a condition polled every 200 ms, not a fixed delay.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

/**
 * Kill the processes started for one run (by pid, found in /proc: a command line or working directory
 * inside `base`), e.g. the hook's warm daemon and the detached page flusher. Linux only; elsewhere the
 * daemon's own idle timeout (AGENT_SRE_HOOKD_IDLE_MS) ends it.
 */
export function reapProcesses(base: string): number[] {
  if (!existsSync('/proc/self/cmdline')) return [];
  const killed: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let mine = false;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      mine = cmdline.some((a) => a === base || a.startsWith(`${base}/`));
      if (!mine) {
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        mine = cwd === base || cwd.startsWith(`${base}/`);
      }
    } catch {
      continue; // gone, or not ours to read
    }
    if (!mine) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  return killed;
}

// ---------------------------------------------------------------------------------------------------
// The run

export interface RunOptions {
  prompt: string;
  script: Step[];
  /** Kill the client after this long (default 60 s). */
  timeoutMs?: number;
  /** `--debug hooks` (default true): the log lands in $HOME/.claude/debug/. */
  debugHooks?: boolean;
  /** Extra client arguments (after the defaults). */
  args?: string[];
  /** Extra environment for the client and its hooks. */
  env?: NodeJS.ProcessEnv;
  /** `--permission-mode` (default bypassPermissions). */
  permissionMode?: 'bypassPermissions' | 'default' | 'acceptEdits' | 'dontAsk' | 'plan';
  /** Options for the stand-in, e.g. the subagents' script. */
  standIn?: StandInOptions;
}

/** The JSON `claude -p --output-format json` prints (fields seen on 2.1.332; all optional here). */
export interface ClaudeJson {
  type?: string;
  subtype?: string;
  is_error?: boolean;
  result?: string;
  session_id?: string;
  num_turns?: number;
  stop_reason?: string;
  terminal_reason?: string;
  duration_ms?: number;
  permission_denials?: { tool_name: string; tool_use_id: string; tool_input: unknown }[];
  [k: string]: unknown;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout parsed, when it was JSON. */
  json?: ClaudeJson;
  sessionId?: string;
  standIn: StandIn;
  requests: RecordedRequest[];
  /** $HOME/.claude/projects/<project>/<session>.jsonl, when it exists. */
  transcriptPath?: string;
  /** Subagents' transcripts (…/<session>/subagents/agent-<id>.jsonl) by agent id. */
  agentTranscripts: Record<string, string>;
  /** The `--debug hooks` log, '' when there is none. */
  debugLog: string;
  /** Lines of the debug log about hooks. */
  hookLog: string[];
  wallMs: number;
}

function findFile(dir: string, name: (f: string) => boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && name(e.name)) return join(e.parentPath, e.name);
  }
  return undefined;
}

/** Run `claude -p` in the project against a stand-in serving `script`. */
export async function runClaude(project: Project, opts: RunOptions): Promise<RunResult> {
  const standIn = await StandIn.start(opts.script, opts.standIn);
  try {
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(project.home, project.binDir, project.tmp),
      ANTHROPIC_BASE_URL: standIn.url,
      ANTHROPIC_API_KEY: 'sk-ant-stand-in-not-a-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
      IS_SANDBOX: '1',
      // Anything that is not loopback goes through the stand-in as a proxy, which refuses it and records
      // the attempt (standIn.escapes). There is no network here anyway; this makes an attempt visible.
      HTTPS_PROXY: standIn.url,
      HTTP_PROXY: standIn.url,
      https_proxy: standIn.url,
      http_proxy: standIn.url,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      ...opts.env,
    };
    const args = [
      '-p',
      opts.prompt,
      '--output-format',
      'json',
      '--permission-mode',
      opts.permissionMode ?? 'bypassPermissions',
      ...(opts.debugHooks === false ? [] : ['--debug', 'hooks']),
      ...(opts.args ?? []),
    ];
    const spawnOpts: SpawnOptions = {
      cwd: project.dir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    };
    const started = Date.now();
    const child = spawn(claudeBin(), args, spawnOpts);
    const { code, signal, stdout, stderr, timedOut } = await runToEnd(child, opts.timeoutMs ?? 60_000);
    const wallMs = Date.now() - started;
    let json: ClaudeJson | undefined;
    try {
      json = JSON.parse(stdout) as ClaudeJson;
    } catch {
      json = undefined;
    }
    const sessionId = json?.session_id;
    const claudeDir = join(project.home, '.claude');
    const transcriptPath = sessionId
      ? findFile(join(claudeDir, 'projects'), (f) => f === `${sessionId}.jsonl`)
      : findFile(join(claudeDir, 'projects'), (f) => f.endsWith('.jsonl'));
    const debugFile = sessionId
      ? findFile(join(claudeDir, 'debug'), (f) => f === `${sessionId}.txt`)
      : findFile(join(claudeDir, 'debug'), (f) => f.endsWith('.txt'));
    const debugLog = debugFile ? readFileSync(debugFile, 'utf8') : '';
    const agentTranscripts: Record<string, string> = {};
    const subDir = transcriptPath ? join(transcriptPath.replace(/\.jsonl$/, ''), 'subagents') : undefined;
    if (subDir && existsSync(subDir))
      for (const f of readdirSync(subDir)) {
        const m = /^agent-(.+)\.jsonl$/.exec(f);
        if (m) agentTranscripts[m[1]!] = join(subDir, f);
      }
    return {
      code,
      signal,
      timedOut,
      stdout,
      stderr,
      json,
      sessionId,
      standIn,
      requests: standIn.requests,
      transcriptPath,
      agentTranscripts,
      debugLog,
      hookLog: debugLog.split('\n').filter((l) => /hook/i.test(l)),
      wallMs,
    };
  } finally {
    await standIn.close();
  }
}

/** A failure message with what the run did, for `expect(..., explain(run))`. */
export function explain(run: RunResult): string {
  return [
    `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}${run.timedOut ? ' TIMED OUT' : ''} in ${run.wallMs} ms`,
    `stdout: ${run.stdout.slice(0, 2000)}`,
    `stderr: ${run.stderr.slice(0, 2000)}`,
    `requests:\n${run.standIn.describe()}`,
    `hook log (last 40):\n${run.hookLog.slice(-40).join('\n')}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// The ledger, through the CLI

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `agent-sre ARGS` run as the human at the keyboard: in the project, with the session's HOME and XDG dirs
 * (so approvals are signed with the same per-user secret the hook checks) and without CLAUDECODE.
 * Asynchronous, so it can answer a hook that is holding a call while the stand-in keeps serving.
 */
export function agentSre(project: Project, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [project.cliBin, ...args], {
      cwd: project.dir,
      env: { ...baseEnv(project.home, project.binDir, project.tmp), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function cliRaw(project: Project, args: string[]): CliResult {
  const r = spawnSync(process.execPath, [project.cliBin, ...args], {
    cwd: project.dir,
    env: baseEnv(project.home, project.binDir, project.tmp),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cli(project: Project, args: string[]): string {
  const r = cliRaw(project, args);
  if (r.status !== 0)
    throw new Error(`agent-sre ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function jsonLines<T>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

export interface LedgerSession {
  session_id: string;
  status: string;
  events: number;
  denials: number;
  consecutive_denials: number;
  usage: { toolCalls: number; filesTouched: number; [k: string]: number };
  [k: string]: unknown;
}

export interface LedgerIncident {
  id?: string;
  severity?: string;
  title?: string;
  rule?: string;
  [k: string]: unknown;
}

export interface ReplayLine {
  index: number;
  tool: string;
  tier: number;
  decision: string;
  rule?: string;
  reason?: string;
  [k: string]: unknown;
}

/** `agent-sre sessions --json`. */
export const ledgerSessions = (project: Project): LedgerSession[] =>
  jsonLines<LedgerSession>(cli(project, ['sessions', '--json', '--dir', project.dir]));

/** `agent-sre incidents --json`. */
export const ledgerIncidents = (project: Project): LedgerIncident[] =>
  jsonLines<LedgerIncident>(cli(project, ['incidents', '--json', '--dir', project.dir]));

/** `agent-sre replay --json <transcript>` with the project's policy. */
export const replay = (project: Project, transcript: string): ReplayLine[] =>
  jsonLines<ReplayLine>(
    cli(project, [
      'replay',
      '--json',
      '--policy',
      project.dir,
      '--project',
      project.dir,
      '--home',
      project.home,
      transcript,
    ]),
  );

/** `agent-sre evidence <session> --json`: the session's timeline of decisions, checks and gates. */
export const evidence = (project: Project, sessionId: string): unknown =>
  JSON.parse(cli(project, ['evidence', sessionId, '--json', '--dir', project.dir]));

/** `agent-sre ledger status --json`: the exit code (0 healthy and not held) and what it printed. */
export function ledgerStatus(project: Project): { status: number | null; json: Record<string, unknown> } {
  const r = cliRaw(project, ['ledger', 'status', '--json', '--dir', project.dir]);
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    json = { unparsed: r.stdout, stderr: r.stderr };
  }
  return { status: r.status, json };
}

export interface CostReport {
  tokens: { input: number; output: number; [k: string]: number };
  costUsd: number | null;
  modelCalls: number;
  toolCalls: number;
  subagents: unknown[];
  [k: string]: unknown;
}

/** `agent-sre cost --json FILE`: tokens and USD read from a real transcript. */
export const cost = (project: Project, transcript: string): CostReport =>
  JSON.parse(cli(project, ['cost', '--json', '--dir', project.dir, transcript])) as CostReport;

// ---------------------------------------------------------------------------------------------------
// The ledger's rows and the file channel, read directly (read-only; the test is the human here)

export interface LedgerEvent {
  id: number;
  ts: number;
  session_id: string;
  event: string;
  tool: string | null;
  tool_use_id: string | null;
  agent_id: string | null;
  tier: number | null;
  verdict: string | null;
  rule: string | null;
  reason: string | null;
}

const requireHere = createRequire(import.meta.url);

/** Every event row of the ledger, in order (read-only: the file, its inode and its witness are untouched). */
export function ledgerEvents(project: Project): LedgerEvent[] {
  const Database = requireHere('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(join(project.dir, '.agent-sre', 'ledger.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    db.pragma('busy_timeout = 5000');
    return db
      .prepare(
        'SELECT id, ts, session_id, event, tool, tool_use_id, agent_id, tier, verdict, rule, reason FROM events ORDER BY id',
      )
      .all() as LedgerEvent[];
  } finally {
    db.close();
  }
}

export interface Page {
  at: string;
  channel: string;
  action: string;
  incidentId: string;
  severity: string;
  title: string;
  body: string;
  [k: string]: unknown;
}

/** The pages the file channel delivered (`.agent-sre/pages.jsonl`), in order; [] before the first. */
export function pages(project: Project): Page[] {
  const file = join(project.dir, '.agent-sre', 'pages.jsonl');
  if (!existsSync(file)) return [];
  // A line being appended may be cut: only whole lines count.
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Page);
}

/**
 * Poll `probe` until it returns something other than undefined/false, and return that; throw with `what`
 * (and the last value seen by `describe`) after `timeoutMs`. For conditions, never for plain sleeps.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The page of an incident, once the detached flusher has delivered it. */
export const pageFor = (project: Project, match: (p: Page) => boolean, timeoutMs = 15_000) =>
  waitFor(`a page in ${join(project.dir, '.agent-sre', 'pages.jsonl')}`, () => pages(project).find(match), {
    timeoutMs,
  });

/** A page's field (Severity, Source, Rule, Approval, ...). */
export const pageField = (p: Page, label: string): string | undefined =>
  (p.fields as { label: string; value: string }[] | undefined)?.find((f) => f.label === label)?.value;

/** The page asking a human to answer approval `id` (APR-n), once it is delivered. */
export const approvalPage = (project: Project, id: string, timeoutMs = 30_000) =>
  pageFor(project, (p) => pageField(p, 'Approval') === id, timeoutMs);

// ---------------------------------------------------------------------------------------------------
// Live decisions against replay

export interface Verdict {
  toolUseId: string;
  tool: string;
  tier: number | null;
  verdict: string | null;
  rule: string | null;
}

export interface ReplayComparison {
  /** The ledger's PreToolUse rows of the session's main agent, in order. */
  live: Verdict[];
  /** `replay --json` of the transcript, in order. */
  replayed: Verdict[];
  /** One line per disagreement (a call only one side has, or a different tier, verdict or rule). */
  mismatches: string[];
  /**
   * Live decisions of the session binding's gates (`runbook.changed`, `guard.config-changed`) that replay
   * made differently, by tool use id. They depend on files changed between two calls, which a transcript
   * does not record: replay judges against the files as they are when it runs (see `replay --help`).
   */
  stateDependent: string[];
}

/**
 * Replay the run's real transcript and hold every call's verdict against what the hook decided live: the
 * main agent's PreToolUse rows in the ledger (one per tool_use id), by tier, verdict and rule.
 */
export function compareReplay(
  project: Project,
  run: RunResult,
  /** A subagent's calls instead: its id, and its transcript (subagents/agent-<id>.jsonl). */
  agent?: { id: string; transcript: string },
): ReplayComparison {
  const transcript = agent ? agent.transcript : run.transcriptPath;
  if (!transcript) throw new Error(`no transcript for the run\n${explain(run)}`);
  const live: Verdict[] = ledgerEvents(project)
    .filter(
      (e) => e.event === 'PreToolUse' && e.session_id === run.sessionId && e.agent_id === (agent?.id ?? null),
    )
    .map((e) => ({
      toolUseId: e.tool_use_id ?? '',
      tool: e.tool ?? '',
      tier: e.tier,
      verdict: e.verdict,
      rule: e.rule,
    }));
  const replayed: Verdict[] = replay(project, transcript).map((l) => ({
    toolUseId: String(l.toolUseId ?? ''),
    tool: l.tool,
    tier: l.tier,
    verdict: l.decision,
    rule: l.rule ?? null,
  }));
  const mismatches: string[] = [];
  const stateDependent: string[] = [];
  const byId = new Map(replayed.map((r) => [r.toolUseId, r]));
  const fmt = (v: Verdict) => `${v.tool} tier ${v.tier} ${v.verdict} ${v.rule ?? '-'}`;
  for (const l of live) {
    const r = byId.get(l.toolUseId);
    if (!r) mismatches.push(`${l.toolUseId}: live ${fmt(l)}, not replayed`);
    else if (r.tool !== l.tool || r.tier !== l.tier || r.verdict !== l.verdict || r.rule !== l.rule) {
      if (l.rule !== null && BINDING_GATES.has(l.rule)) stateDependent.push(l.toolUseId);
      else mismatches.push(`${l.toolUseId}: live ${fmt(l)}, replay ${fmt(r)}`);
    }
    byId.delete(l.toolUseId);
  }
  // Not compared: the order. The calls of a parallel batch reach the hook concurrently, so the ledger has
  // them in the order their hooks committed, and the transcript in the order the model wrote them.
  for (const r of byId.values()) mismatches.push(`${r.toolUseId}: replay ${fmt(r)}, not live`);
  return { live, replayed, mismatches, stateDependent };
}

const BINDING_GATES = new Set(['runbook.changed', 'guard.config-changed']);

// ---------------------------------------------------------------------------------------------------
// Files that must survive

/** sha256 of each file (or 'missing'), to compare before and after a session. */
export function fingerprints(files: string[]): Record<string, string> {
  return Object.fromEntries(
    files.map((f) => [
      f,
      existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'missing',
    ]),
  );
}

/**
 * A detached client run to its end: what it printed and how it ended, killed with its whole process group
 * once `timeoutMs` passes.
 */
export async function runToEnd(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('close', (c, s) => resolve({ code: c, signal: s }));
    },
  );
  clearTimeout(timer);
  return { code, signal, stdout, stderr, timedOut };
}
