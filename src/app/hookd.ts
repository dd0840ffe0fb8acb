// The warm hook daemon. A fresh Node process per tool call spends most of its time loading SQLite
// and tree-sitter; this process keeps them loaded and answers over a unix socket inside the
// project's .agent-sre/ (which the policy forbids the agent to write). It is an optimisation only:
// when it is absent, stale or wrong, the launcher judges in its own process.

import { chmodSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { answerFailure, type HookAnswer, sniffEvent } from '../adapters/agents/claude/hook.ts';
import type { LedgerStore } from '../ports.ts';
import { processEnvironment } from './context.ts';
import { startFlusher } from './flusher.ts';
import { runClaudeHook } from './hook.ts';
import { openLedger } from './store.ts';

export interface HookdRequest {
  v: 1;
  stdin: string;
  /** CLAUDE_PROJECT_DIR as the hook process saw it. */
  claudeProjectDir?: string;
}

export const MAX_REQUEST_BYTES = 9 * 1024 * 1024;

/** One long-lived ledger connection per project directory; `close` is a no-op until shutdown. */
function storeCache() {
  const open = new Map<string, LedgerStore>();
  return {
    get(dir: string): LedgerStore {
      let s = open.get(dir);
      if (!s) {
        s = openLedger(dir);
        open.set(dir, s);
      }
      const store = s;
      return {
        name: store.name,
        commit: (t) =>
          store.commit(t).catch((err) => {
            // A failing connection is reopened on the next call rather than kept.
            open.delete(dir);
            void store.close().catch(() => undefined);
            throw err;
          }),
        getSession: (id) => store.getSession(id),
        listSessions: () => store.listSessions(),
        events: (q) => store.events(q),
        transact: (now, fn, opts) => store.transact(now, fn, opts),
        close: async () => undefined,
      };
    },
    async closeAll(): Promise<void> {
      for (const s of open.values()) await s.close().catch(() => undefined);
      open.clear();
    },
  };
}

/** First line of a reply that will take a while: the launcher stops its fallback timer. */
export const HOLD_LINE = '{"hold":true}\n';

export async function answerRequest(
  raw: string,
  stores: ReturnType<typeof storeCache>,
  onWait?: () => void,
  startDelivery?: (projectDir: string) => void,
): Promise<HookAnswer> {
  const req = JSON.parse(raw) as HookdRequest;
  if (req.v !== 1 || typeof req.stdin !== 'string') throw new Error('bad hookd request');
  return runClaudeHook(req.stdin, {
    env: processEnvironment(process.env),
    projectDir: req.claudeProjectDir || undefined,
    now: Date.now,
    commandEnv: process.env,
    openStore: (dir) => stores.get(dir),
    ...(process.env.AGENT_SRE_DELIVERY === 'off' || !startDelivery ? {} : { startDelivery }),
    ...(onWait ? { onWait } : {}),
  });
}

function failedWhileHeld(raw: string): HookAnswer {
  let event: string | null = null;
  try {
    event = sniffEvent((JSON.parse(raw) as HookdRequest).stdin);
  } catch {
    // Unreadable request: answer as for a tool call, the case that must never run unjudged.
  }
  return answerFailure(
    event ?? 'PreToolUse',
    'the hook failed while it was waiting (for a human, or for acceptance checks)',
  );
}

/** Is something already answering on this socket? */
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

export async function serveHookd(socketPath: string, idleMs: number): Promise<Server | undefined> {
  if (await alive(socketPath)) return undefined;
  try {
    unlinkSync(socketPath);
  } catch {
    // No stale socket to remove.
  }
  const stores = storeCache();
  let idle: NodeJS.Timeout;
  // allowHalfOpen: the client ends its side after the request; ours stays open for the answer.
  const server = createServer({ allowHalfOpen: true }, (sock) => {
    resetIdle();
    const chunks: Buffer[] = [];
    let size = 0;
    sock.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) sock.destroy();
      else chunks.push(c);
    });
    sock.on('end', () => {
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
      const raw = Buffer.concat(chunks).toString('utf8');
      answerRequest(raw, stores, onWait, (dir) => flush.add(dir))
        .then(
          (answer) => sock.end(`${JSON.stringify(answer)}\n`),
          // No answer at all: the launcher then judges the call itself, unless it was told to hold, in
          // which case it refuses (judging again would open a second approval request).
          () => (held ? sock.end(`${JSON.stringify(failedWhileHeld(raw))}\n`) : sock.destroy()),
        )
        .finally(() => {
          inflight--;
          resetIdle();
        });
    });
    sock.on('error', () => undefined);
  });
  const shutdown = () => {
    server.close();
    void stores.closeAll().finally(() => process.exit(0));
  };
  let inflight = 0;
  const resetIdle = () => {
    clearTimeout(idle);
    // A call waiting for a human keeps the daemon up; the idle clock restarts when it is answered.
    idle = setTimeout(() => (inflight > 0 ? resetIdle() : shutdown()), idleMs);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  chmodSync(socketPath, 0o600);
  resetIdle();
  process.on('SIGTERM', shutdown);
  return server;
}
