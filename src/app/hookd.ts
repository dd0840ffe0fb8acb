// The warm hook daemon. A fresh Node process per tool call spends most of its time loading SQLite
// and tree-sitter; this process keeps them loaded and answers over a unix socket inside the
// project's .agent-sre/ (0700, which the policy forbids the agent to write). It is an optimisation only:
// when it is absent, stale or wrong, the launcher judges in its own process.
//
// Trust: a request must carry the per-user secret (compared in constant time) and be about the project
// this daemon serves; anything else gets a refusal, never an answer. The daemon runs only code the
// trust record vouches for, and steps down as soon as its own file changes (a rebuild, an upgrade) or a
// daemon of a newer build retires it.

import { timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, readdirSync, type Stats, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { protocolFor } from '../adapters/agents/index.ts';
import type { AgentProtocol, HookAnswer } from '../adapters/agents/protocol.ts';
import type { LedgerStore } from '../ports.ts';
import { processEnvironment } from './context.ts';
import { startFlusher } from './flusher.ts';
import { runHook } from './hook.ts';
import { hookProjectDir } from './project-root.ts';
import { openLedger } from './store.ts';
import { type Launcher, launcherOf } from './trust.ts';

export interface HookdRequest {
  v: 2;
  /** The per-user secret, hex. */
  secret: string;
  /** Retire: a daemon of another build asks this one to step down. */
  retire?: true;
  stdin?: string;
  /** The project directory the agent's environment named (CLAUDE_PROJECT_DIR, ...) as the hook process saw it. */
  claudeProjectDir?: string;
  /** The agent whose hook this is (`hook <agent>`); absent means Claude Code, as before agents had names. */
  agent?: string;
  /** `--event`, for agents whose input does not name the event. */
  event?: string;
  /** Epoch ms after which the launcher no longer listens. */
  deadline?: number;
}

export const MAX_REQUEST_BYTES = 9 * 1024 * 1024;
const SOCKET_NAME = /^hookd-[0-9a-z]+\.sock$/;

/**
 * One long-lived ledger connection per project directory; `close` is a no-op until shutdown. Shared by the
 * daemon (one project) and `agent-sre serve`'s HTTP hooks (every project of the user).
 */
export function storeCache() {
  interface Entry {
    store: LedgerStore;
    /** Operations in flight on this connection. */
    users: number;
    retired: boolean;
  }
  const open = new Map<string, Entry>();
  const current = (dir: string): Entry => {
    let e = open.get(dir);
    if (!e) {
      e = { store: openLedger(dir), users: 0, retired: false };
      open.set(dir, e);
    }
    return e;
  };
  const release = (e: Entry) => {
    if (e.retired && e.users === 0) void e.store.close().catch(() => undefined);
  };
  // Every operation takes the connection that is current when it starts and holds it until it ends: a
  // failing commit retires the connection (the next operation opens a fresh one, which re-runs the ledger's
  // integrity checks), but it is closed only once nobody is using it, so a request that merely lost a race
  // (a late async PostToolUse, say) never closes the connection under another request's feet.
  const use = <R>(dir: string, op: (s: LedgerStore) => Promise<R>, retireOnError: boolean): Promise<R> => {
    const e = current(dir);
    e.users++;
    return op(e.store)
      .catch((err: unknown) => {
        if (retireOnError && !e.retired) {
          e.retired = true;
          if (open.get(dir) === e) open.delete(dir);
        }
        throw err;
      })
      .finally(() => {
        e.users--;
        release(e);
      });
  };
  return {
    get(dir: string): LedgerStore {
      const { name } = current(dir).store;
      return {
        name,
        commit: (t) => use(dir, (s) => s.commit(t), true),
        getSession: (id) => use(dir, (s) => s.getSession(id), false),
        listSessions: () => use(dir, (s) => s.listSessions(), false),
        events: (q) => use(dir, (s) => s.events(q), false),
        sessionEvents: (ids, match) => use(dir, (s) => s.sessionEvents(ids, match), false),
        transact: (now, fn, opts) => use(dir, (s) => s.transact(now, fn, opts), true),
        close: async () => undefined,
      };
    },
    async closeAll(): Promise<void> {
      for (const e of open.values()) await e.store.close().catch(() => undefined);
      open.clear();
    },
  };
}

export type StoreCache = ReturnType<typeof storeCache>;

/** First line of a reply that will take a while: the launcher stops its fallback timer. */
export const HOLD_LINE = '{"hold":true}\n';

/** A reply that is not an answer: the launcher judges the call itself. */
export const refusal = (why: string) => `${JSON.stringify({ refused: why })}\n`;

export function sameSecret(given: unknown, mine: Buffer): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, 'hex'), mine);
}

/** The project a request is about, exactly as runHook will pick it. */
export function requestProject(req: HookdRequest): string | undefined {
  if (req.claudeProjectDir) return req.claudeProjectDir;
  try {
    const cwd = (JSON.parse(req.stdin ?? '') as { cwd?: unknown }).cwd;
    return typeof cwd === 'string' && cwd ? hookProjectDir(undefined, cwd) : undefined;
  } catch {
    return undefined;
  }
}

/** The protocol a request speaks; an agent this build does not know is refused before it gets here. */
export function requestProtocol(req: HookdRequest): AgentProtocol | undefined {
  return protocolFor(req.agent ?? 'claude');
}

function answer(
  req: HookdRequest,
  protocol: AgentProtocol,
  stores: StoreCache,
  onWait?: () => void,
  startDelivery?: (projectDir: string) => void,
): Promise<HookAnswer> {
  return runHook(protocol, req.stdin ?? '', {
    env: processEnvironment(process.env),
    projectDir: req.claudeProjectDir || undefined,
    ...(typeof req.event === 'string' ? { event: req.event } : {}),
    now: Date.now,
    commandEnv: process.env,
    openStore: (dir) => stores.get(dir),
    ...(process.env.AGENT_SRE_DELIVERY === 'off' || !startDelivery ? {} : { startDelivery }),
    ...(onWait ? { onWait } : {}),
  });
}

function failedWhileHeld(req: HookdRequest, protocol: AgentProtocol): HookAnswer {
  // Unreadable request: answer as for a tool call, the case that must never run unjudged.
  const opts = typeof req.event === 'string' ? { event: req.event } : undefined;
  return protocol.failure(
    protocol.sniff(req.stdin ?? '', opts) ?? 'PreToolUse',
    'the hook failed while it was waiting (for a human, or for acceptance checks)',
  );
}

/** Is something answering on this socket? */
function alive(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(path);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

const lstatOrUndefined = (path: string): Stats | undefined => {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
};

/** Remove a socket file, and only a socket file: lstat first, so a planted link or file is left alone. */
function removeSocket(path: string): void {
  const st = lstatOrUndefined(path);
  if (st?.isSocket()) {
    try {
      unlinkSync(path);
    } catch {
      // Gone already.
    }
  }
  try {
    if (lstatOrUndefined(`${path}.started`)?.isFile()) unlinkSync(`${path}.started`);
  } catch {
    // Only litter.
  }
}

/** Ask the daemon at `path` to step down; resolves when it answered, hung up, or after 2 s. */
function retire(path: string, secret: string): Promise<void> {
  return new Promise((resolve) => {
    const c = connect(path);
    const done = () => {
      clearTimeout(t);
      c.destroy();
      resolve();
    };
    const t = setTimeout(done, 2000);
    c.once('connect', () => c.end(JSON.stringify({ v: 2, secret, retire: true } satisfies HookdRequest)));
    c.on('data', () => undefined);
    c.once('end', done);
    c.once('error', done);
  });
}

/** Other builds' daemons in this directory are retired and their sockets removed; stale sockets too. */
export async function retireOthers(socketPath: string, secret: string): Promise<string[]> {
  const dir = dirname(socketPath);
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!SOCKET_NAME.test(name) || name === basename(socketPath)) continue;
    const other = join(dir, name);
    if (!lstatOrUndefined(other)?.isSocket()) continue;
    await retire(other, secret);
    removeSocket(other);
    removed.push(other);
  }
  return removed;
}

export interface HookdOptions {
  /** The one project this daemon answers for. */
  projectDir: string;
  /** The install whose dist/hookd.cjs this is; its trust record must vouch for it. */
  installDir: string;
  /** This daemon's own code file, watched for changes. */
  codeFile: string;
  idleMs: number;
  /** How often the code file is looked at between requests. */
  watchMs?: number;
  env?: NodeJS.ProcessEnv;
  launcher?: Launcher;
}

const sameFile = (a: Stats, b: Stats) =>
  a.ino === b.ino &&
  a.dev === b.dev &&
  a.size === b.size &&
  a.mtimeMs === b.mtimeMs &&
  a.ctimeMs === b.ctimeMs;

export async function serveHookd(socketPath: string, opts: HookdOptions): Promise<Server | undefined> {
  const env = opts.env ?? process.env;
  const launcher = opts.launcher ?? launcherOf(opts.installDir);
  // Only code a human trusted serves answers; no record, no daemon (the launcher then judges in-process).
  const verdict = launcher.verifyInstall(opts.installDir, env, { tofu: false });
  if (!verdict.ok) throw new Error(verdict.reason);
  const secretHex = launcher.loadSecret(env, { create: false });
  if (!secretHex) throw new Error('no per-user secret');
  const secret = Buffer.from(secretHex, 'hex');
  const ownCode = statSync(opts.codeFile);

  const existing = lstatOrUndefined(socketPath);
  if (existing && !existing.isSocket())
    throw new Error(`${socketPath} exists and is not a socket; agent-sre will not remove it`);
  if (existing && (await alive(socketPath))) return undefined;
  if (existing) removeSocket(socketPath);
  await retireOthers(socketPath, secretHex);

  const stores = storeCache();
  let idle: NodeJS.Timeout | undefined;
  let inflight = 0;
  let stopping = false;
  let ownSocket: Stats | undefined;
  let watch: NodeJS.Timeout | undefined;

  /** Our code was replaced, or our socket is no longer ours: answering on would serve stale code. */
  const stale = (): boolean => {
    try {
      if (!sameFile(statSync(opts.codeFile), ownCode)) return true;
    } catch {
      return true;
    }
    if (ownSocket) {
      const now = lstatOrUndefined(socketPath);
      if (!now || now.ino !== ownSocket.ino || now.dev !== ownSocket.dev) return true;
    }
    return false;
  };

  const server = createServer({ allowHalfOpen: true }, (sock) => {
    resetIdle();
    const chunks: Buffer[] = [];
    let size = 0;
    sock.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) sock.destroy();
      else chunks.push(c);
    });
    sock.on('error', () => undefined);
    sock.on('end', () => {
      let req: HookdRequest;
      try {
        req = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HookdRequest;
        if (req === null || typeof req !== 'object') throw new Error('not an object');
      } catch {
        sock.end(refusal('unreadable request'));
        return;
      }
      if (req.v !== 2 || !sameSecret(req.secret, secret)) {
        sock.end(refusal('not authenticated'));
        // The secret may have been replaced since we started: then every call would be refused here.
        try {
          if (launcher.loadSecret(env, { create: false }) !== secretHex) shutdown();
        } catch {
          shutdown();
        }
        return;
      }
      if (req.retire) {
        sock.end(`${JSON.stringify({ retired: true })}\n`);
        shutdown();
        return;
      }
      if (stopping || stale()) {
        sock.end(refusal('this daemon is stepping down'));
        shutdown();
        return;
      }
      if (typeof req.stdin !== 'string' || requestProject(req) !== opts.projectDir) {
        sock.end(refusal(`this daemon serves ${opts.projectDir} only`));
        return;
      }
      const protocol = requestProtocol(req);
      if (!protocol) {
        // An agent this build does not know: the launcher judges it itself (and refuses it there).
        sock.end(refusal(`unsupported agent ${JSON.stringify(req.agent)}`));
        return;
      }
      if (typeof req.deadline === 'number' && Date.now() >= req.deadline) {
        // The launcher has already answered (its watchdog): do not record a call nobody waits for.
        sock.end(refusal('too late'));
        return;
      }
      inflight++;
      let held = false;
      // Flushers start once the client has its answer (spawning from a process this size costs ~10 ms),
      // or at once when the call is going to wait for a human: that page must go out now.
      const flush = new Set<string>();
      const onWait = () => {
        held = true;
        sock.write(HOLD_LINE);
        for (const dir of flush) startFlusher(dir);
        flush.clear();
      };
      sock.once('close', () => {
        for (const dir of flush) startFlusher(dir);
      });
      answer(req, protocol, stores, onWait, (dir) => flush.add(dir))
        .then(
          (a) => sock.end(`${JSON.stringify(a)}\n`),
          // No answer at all: the launcher then judges the call itself, unless it was told to hold, in
          // which case it refuses (judging again would open a second approval request).
          () => (held ? sock.end(`${JSON.stringify(failedWhileHeld(req, protocol))}\n`) : sock.destroy()),
        )
        .finally(() => {
          inflight--;
          if (stopping && inflight === 0) exit();
          else resetIdle();
        });
    });
  });

  let exiting = false;
  const exit = () => {
    if (exiting) return;
    exiting = true;
    void stores.closeAll().finally(() => process.exit(0));
  };
  /** Stop taking calls, remove our socket if it is still ours, and exit once the calls in flight end. */
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    clearTimeout(idle);
    clearInterval(watch);
    // Before close(), which unlinks the path whoever it belongs to now: ours goes with its marker, a
    // newer daemon's socket at the same path stays.
    const now = lstatOrUndefined(socketPath);
    if (ownSocket && now && now.ino === ownSocket.ino && now.dev === ownSocket.dev) removeSocket(socketPath);
    server.close();
    if (inflight === 0) exit();
  };
  const resetIdle = () => {
    clearTimeout(idle);
    // A call waiting for a human keeps the daemon up; the idle clock restarts when it is answered.
    idle = setTimeout(() => (inflight > 0 ? resetIdle() : shutdown()), opts.idleMs);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // The directory is 0700 already; the mode is a second lock.
  chmodSync(socketPath, 0o600);
  ownSocket = lstatSync(socketPath);
  watch = setInterval(() => {
    if (stale()) shutdown();
  }, opts.watchMs ?? 5000);
  watch.unref();
  resetIdle();
  process.on('SIGTERM', shutdown);
  return server;
}
