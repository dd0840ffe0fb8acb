// Real Claude Code in the loop: a temp project wired with `agent-sre init --yes`, the pinned Claude Code
// client (scripts/claude-code.mjs) run headless with `claude -p` against the scripted stand-in
// (stand-in.ts) on loopback, and readers for what happened: the client's JSON result, the requests the
// model got, the transcript, the hook debug log and agent-sre's ledger. Not a test file itself.
import { type SpawnOptions, spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RecordedRequest, StandIn, type Step } from './stand-in.ts';

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
  /** Appended to agent-sre.yaml after init (a human's edit, before the session), e.g. `burst: { maxTier: 4 }`. */
  policy?: string;
}

export interface Project {
  /** The project directory (realpath). */
  dir: string;
  /** The scratch HOME the client, the hooks and init see. */
  home: string;
  /** The output of `agent-sre init --yes`, when it ran. */
  initOutput?: string;
  /** Remove the project and the scratch HOME (kept when AGENT_SRE_REAL_KEEP=1). */
  dispose(): void;
}

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
}

/** The environment shared by init, the client and the hooks it runs: nothing of the caller's leaks in. */
function baseEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(claudeBin())}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    LANG: 'C.UTF-8',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    TMPDIR: tmpdir(),
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
  const dir = join(base, 'project');
  const home = join(base, 'home');
  mkdirSync(dir);
  mkdirSync(join(home, '.config'), { recursive: true });
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
    ensureBuilt();
    const r = spawnSync(process.execPath, [BIN, 'init', '--yes'], {
      cwd: dir,
      env: baseEnv(home),
      encoding: 'utf8',
    });
    if (r.status !== 0)
      throw new Error(`agent-sre init --yes failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    initOutput = r.stdout + r.stderr;
    if (opts.policy) appendFileSync(join(dir, 'agent-sre.yaml'), `\n${opts.policy}\n`);
  }
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'fixture');
  return {
    dir,
    home,
    initOutput,
    dispose() {
      if (process.env.AGENT_SRE_REAL_KEEP !== '1') rmSync(base, { recursive: true, force: true });
    },
  };
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
  const standIn = await StandIn.start(opts.script);
  try {
    const env: NodeJS.ProcessEnv = {
      ...baseEnv(project.home),
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
      'bypassPermissions',
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
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
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
    }, opts.timeoutMs ?? 60_000);
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.on('error', reject);
        child.on('close', (c, s) => resolve({ code: c, signal: s }));
      },
    );
    clearTimeout(timer);
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

function cli(project: Project, args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: project.dir,
    env: baseEnv(project.home),
    encoding: 'utf8',
    timeout: 30_000,
  });
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
