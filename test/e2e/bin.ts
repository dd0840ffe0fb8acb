// Running the built bin the way Claude Code does: `node <repo>/bin/agent-sre.js hook claude`, hook JSON on
// stdin, CLAUDE_PROJECT_DIR in the environment. Shared by the e2e tests; not a test file itself.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaffoldRunbook } from '../../src/core/runbook/scaffold.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'agent-sre.js');

/** `npm test` builds first; a bare `vitest run` on a fresh checkout builds here. */
export function ensureBuilt(): void {
  // Whatever the bin loads from dist/ (the CLI, and any pre-bundled hook entry) must be there.
  const wanted = [...readFileSync(BIN, 'utf8').matchAll(/\.\.\/dist\/[\w./-]+/g)].map((m) =>
    join(ROOT, 'bin', m[0]),
  );
  if (wanted.length > 0 && wanted.every((f) => existsSync(f))) return;
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** A fresh project directory under the OS temp dir (realpath: macOS /var -> /private/var). */
export function tempProject(prefix = 'agent-sre-e2e-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/**
 * Give a test project the runbook \`agent-sre init\` would write for it: without one (or with one that
 * fails lint) the hook gates every write at tier 3.
 */
export function withRunbook(dir: string): string {
  writeFileSync(join(dir, 'AGENTS.md'), scaffoldRunbook({ files: [], dirs: [] }).text);
  return dir;
}

export interface BinResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BinOptions {
  stdin?: string;
  /** Sets CLAUDE_PROJECT_DIR. */
  projectDir?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Resolves once the child exists, before its stdin is written (to start many at once). */
  gate?: Promise<void>;
}

export function runBin(args: string[], opts: BinOptions = {}): Promise<BinResult> {
  // Daemons the hook starts for test projects go away soon after the test is done.
  const env: NodeJS.ProcessEnv = { AGENT_SRE_HOOKD_IDLE_MS: '4000', ...process.env, ...opts.env };
  delete env.CLAUDE_PROJECT_DIR;
  if (opts.projectDir !== undefined) env.CLAUDE_PROJECT_DIR = opts.projectDir;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return collect(child, opts.stdin ?? '', opts.gate);
}

/** Feed a child its stdin (after `gate`, when given) and collect what it prints until it closes. */
export function collect(
  child: ChildProcessWithoutNullStreams,
  stdin: string,
  gate?: Promise<void>,
): Promise<BinResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  // The hook stops reading over-long input and exits; writing the rest then fails with EPIPE.
  child.stdin.on('error', () => undefined);
  const write = () => child.stdin.end(stdin);
  if (gate) void gate.then(write);
  else write();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function runHook(
  input: unknown,
  projectDir: string,
  opts: Omit<BinOptions, 'stdin' | 'projectDir'> = {},
) {
  return runBin(['hook', 'claude'], {
    ...opts,
    projectDir,
    stdin: typeof input === 'string' ? input : JSON.stringify(input),
  });
}

let seq = 0;

export function preToolUse(project: string, sessionId: string, tool: string, toolInput: unknown) {
  return {
    session_id: sessionId,
    transcript_path: join(project, 'transcript.jsonl'),
    cwd: project,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: tool,
    tool_input: toolInput,
    tool_use_id: `toolu_e2e_${process.pid}_${++seq}`,
  };
}

export function postToolUse(
  project: string,
  sessionId: string,
  tool: string,
  toolInput: unknown,
  toolResponse: unknown,
) {
  return {
    ...preToolUse(project, sessionId, tool, toolInput),
    hook_event_name: 'PostToolUse',
    tool_response: toolResponse,
    duration_ms: 12,
  };
}

export const bashPre = (project: string, sessionId: string, command: string) =>
  preToolUse(project, sessionId, 'Bash', { command, description: 'e2e' });

/** The response Claude Code reports for a Write that created a file. */
export const writeCreated = (filePath: string, content: string) => ({
  type: 'create',
  filePath,
  content,
  structuredPatch: [],
  originalFile: null,
});

export interface SessionRow {
  session_id: string;
  status: string;
  events: number;
  denials: number;
  consecutive_denials: number;
  started_at: string;
  ended_at: string | null;
  cwd: string;
  usage: {
    toolCalls: number;
    filesTouched: number;
    linesAdded: number;
    linesRemoved: number;
    externalCalls: number;
    subagents: number;
  };
}

/** `agent-sre sessions --json --dir <project>`, parsed. */
export async function sessions(projectDir: string): Promise<SessionRow[]> {
  const r = await runBin(['sessions', '--json', '--dir', projectDir]);
  if (r.code !== 0) throw new Error(`agent-sre sessions exited ${r.code}: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SessionRow);
}
