// Claude Code's `type: "http"` hooks, answered by `agent-sre serve` on 127.0.0.1: the hook event is the
// POST body, the answer is the response body, and no process starts per tool call. The decision is the
// command path's (both call runClaudeHook); only the envelope differs. HTTP hooks cannot block by status
// code, and an empty 2xx means "go ahead", so every refusal here is a 200 with a deny (PreToolUse) or
// block body, and an exit-2 answer of the command path becomes the same kind of body.
//
// Who may ask: a request must carry the per-user HTTP token (./token.ts) and a loopback Host (a web page
// that resolves its own name to 127.0.0.1 sends its own Host), and name a project agent-sre was set up in.
// The token is per user, so any of the user's projects may be named; the path is checked, not trusted.
import { lstatSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAbsolute, join, normalize } from 'node:path';
import { type HookAnswer, MAX_HOOK_INPUT, sniffEvent } from '../adapters/agents/claude/hook.ts';
import { HTTP_HOOK_PATH } from '../adapters/agents/claude/settings.ts';
import { LOOPBACK_NAMES } from './guards.ts';
import { bearerMatches } from './token.ts';

/** The path init writes; distinctive, so settings.json entries are recognisable as ours. */
export const HOOK_PATH = HTTP_HOOK_PATH;
export const DEFAULT_PORT = 47_319;
/** Claude Code's default for tool events is 600 s; init always writes one, this covers a hand-made entry. */
const DEFAULT_TIMEOUT_SEC = 10;
const MAX_TIMEOUT_SEC = 3660;

export interface HookServerOptions {
  /** The HTTP token, raw bytes (32). */
  token: Buffer;
  /** The port the server listens on: the Host header must name it. */
  port: number;
  /** Judge one event for one project: runClaudeHook with the server's deps. */
  answer: (stdin: string, projectDir: string) => Promise<HookAnswer>;
  /** Why `dir` may not be served, or undefined when it may. Default: projectRefusal. */
  checkProject?: (dir: string) => string | undefined;
  maxBodyBytes?: number;
  now?: () => number;
  /** One line per refused request (never the token or the body). */
  log?: (line: string) => void;
}

/** The URL init writes for one project. The timeout travels with it: Claude Code does not send its own. */
export function hookUrl(port: number, projectDir: string, timeoutSec: number): string {
  return `http://127.0.0.1:${port}${HOOK_PATH}?project=${encodeURIComponent(projectDir)}&timeout=${timeoutSec}`;
}

/** A refusal in the shape this event can act on. Unknown events are answered as a tool call would be. */
export function refusalBody(event: string | null, why: string): string {
  return blockingBody(event, `agent-sre refused this call: ${why}.`);
}

/** A deny for a tool call, a block for any other event: HTTP hooks cannot refuse by status code. */
function blockingBody(event: string | null, reason: string): string {
  if (event === 'PreToolUse' || event === null)
    return JSON.stringify({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: reason,
      },
    });
  return JSON.stringify({ decision: 'block', reason });
}

/**
 * The command path's answer as an HTTP body: stdout when it printed JSON, an empty body when it was
 * silent (go ahead), and for exit 2, which HTTP cannot express, the blocking body with stderr as reason.
 */
export function httpBody(event: string | null, a: HookAnswer): string {
  if (a.exitCode === 2) return blockingBody(event, a.stderr || 'agent-sre refused this call');
  if (a.stdout) return a.stdout;
  // A non-blocking event's failure (SessionEnd) printed only to stderr: show it rather than drop it.
  if (a.stderr) return JSON.stringify({ systemMessage: a.stderr });
  return '';
}

/** Host must be a loopback name with our port: anything else is a browser or a proxy speaking for someone. */
export function loopbackHost(host: string | undefined, port: number): boolean {
  if (typeof host !== 'string') return false;
  const m = /^(\[[0-9a-f:]+\]|[^:]+):(\d+)$/i.exec(host.trim());
  if (!m) return false;
  return LOOPBACK_NAMES.includes(m[1]!.toLowerCase()) && Number(m[2]) === port;
}

const myUid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/**
 * A project this server may write a ledger for: an absolute, normalised directory holding the `.agent-sre/`
 * state dir init made, a real directory (not a link) of this user, as the launcher requires before it talks
 * to a daemon. A request cannot make the server create state anywhere else.
 */
export function projectRefusal(dir: string): string | undefined {
  if (!isAbsolute(dir) || dir.includes('\0') || normalize(dir) !== dir || (dir !== '/' && dir.endsWith('/')))
    return 'the project is not an absolute, normalised path';
  try {
    if (!statSync(dir).isDirectory()) return 'the project is not a directory';
    const st = lstatSync(join(dir, '.agent-sre'));
    if (!st.isDirectory()) return 'the project has no .agent-sre directory (run agent-sre init there)';
    if (myUid !== undefined && st.uid !== myUid) return "the project's .agent-sre belongs to another user";
  } catch {
    return 'the project is not set up for agent-sre (run agent-sre init there)';
  }
  return undefined;
}

function timeoutOf(raw: string | null): number {
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_TIMEOUT_SEC) : DEFAULT_TIMEOUT_SEC;
}

function bodyCwd(body: string): string | undefined {
  try {
    const cwd = (JSON.parse(body) as { cwd?: unknown }).cwd;
    return typeof cwd === 'string' && cwd ? cwd : undefined;
  } catch {
    return undefined;
  }
}

export function createHookHandler(
  opts: HookServerOptions,
  portOf: () => number = () => opts.port,
): (req: IncomingMessage, res: ServerResponse) => void {
  const max = opts.maxBodyBytes ?? MAX_HOOK_INPUT;
  const now = opts.now ?? Date.now;
  const checkProject = opts.checkProject ?? projectRefusal;
  const log = opts.log ?? (() => undefined);

  return (req, res) => {
    const started = now();
    let sent = false;
    const send = (body: string, close = false) => {
      if (sent) return;
      sent = true;
      res.writeHead(200, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...(close ? { connection: 'close' } : {}),
      });
      res.end(body);
    };
    if (req.method !== 'POST') {
      sent = true;
      res.writeHead(405, { allow: 'POST' }).end();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let head = '';
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        const event = sniffEvent(head || Buffer.concat(chunks).toString('utf8', 0, 64 * 1024));
        chunks.length = 0;
        log(`refused: a request body over ${max} bytes`);
        send(refusalBody(event, `the hook input is larger than ${max} bytes`), true);
        return;
      }
      chunks.push(c);
      if (head.length < 64 * 1024) head = Buffer.concat(chunks).toString('utf8', 0, 64 * 1024);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (over || sent) return;
      const body = Buffer.concat(chunks).toString('utf8');
      const event = sniffEvent(body);
      const refuse = (why: string) => {
        log(`refused: ${why}`);
        send(refusalBody(event, why));
      };
      if (!loopbackHost(req.headers.host, portOf()))
        return refuse('the request did not come to a loopback address');
      if (!bearerMatches(req.headers.authorization, opts.token))
        return refuse(
          'the HTTP hook did not present the agent-sre token (set AGENT_SRE_TOKEN in the environment Claude Code starts in: `agent-sre serve --print-token`)',
        );
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://127.0.0.1');
      } catch {
        return refuse('unreadable request URL');
      }
      if (url.pathname !== HOOK_PATH)
        return refuse(`unknown path ${JSON.stringify(url.pathname.slice(0, 80))}`);
      // The command path's CLAUDE_PROJECT_DIR || cwd: the URL's project (written by init), else the body's cwd.
      const projectDir = url.searchParams.get('project') || bodyCwd(body);
      if (!projectDir) return refuse('the request names no project');
      const bad = checkProject(projectDir);
      if (bad) return refuse(bad);
      const timeoutMs = timeoutOf(url.searchParams.get('timeout')) * 1000;
      // Claude Code's clock started before the request: answer with a margin, as the launcher's watchdog does.
      const left = timeoutMs - Math.min(1500, timeoutMs / 4) - (now() - started);
      const watchdog = setTimeout(
        () =>
          refuse(
            'agent-sre could not answer within its hook timeout (the ledger may be locked by another process, or the machine is overloaded), so nothing runs unjudged',
          ),
        Math.max(0, left),
      );
      opts.answer(body, projectDir).then(
        (a) => {
          clearTimeout(watchdog);
          send(httpBody(event, a));
        },
        (err: unknown) => {
          clearTimeout(watchdog);
          // runClaudeHook answers every failure itself; reaching here is a bug, still a refusal.
          refuse(`agent-sre failed: ${(err as Error)?.message ?? String(err)}`);
        },
      );
    });
  };
}

/** Listen on 127.0.0.1 only: the token is the lock, loopback is the wall around it. */
export async function listenHookServer(opts: HookServerOptions): Promise<Server> {
  let bound = opts.port;
  const server = createServer(createHookHandler(opts, () => bound));
  // Bodies arrive in one write from a local client; a slow trickle is someone else.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => {
      server.off('error', reject);
      // Port 0 (tests): the Host check needs the port the system picked.
      const a = server.address();
      if (a && typeof a === 'object') bound = a.port;
      resolve();
    });
  });
  return server;
}
