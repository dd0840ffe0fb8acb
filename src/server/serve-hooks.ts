// `agent-sre serve --http`: the HTTP hook endpoint with the same deps the daemon gives runClaudeHook (one
// ledger connection per project, flushers once the client has its answer), for every project of the user.
import type { Server } from 'node:http';
import type { HookAnswer } from '../adapters/agents/claude/hook.ts';
import { loadUserSecret, userDir } from '../adapters/fs/user-secret.ts';
import { processEnvironment } from '../app/context.ts';
import { startFlusher } from '../app/flusher.ts';
import { runClaudeHook } from '../app/hook.ts';
import { storeCache } from '../app/hookd.ts';
import { type HookServerOptions, listenHookServer } from './http-hook.ts';
import { httpHookToken } from './token.ts';

/** The token for this user, from the per-user secret (made on first use, like the launcher does). */
export function tokenFor(env: NodeJS.ProcessEnv): string {
  const secret = loadUserSecret(userDir(env), { create: true });
  if (!secret) throw new Error('no per-user secret');
  return httpHookToken(secret);
}

export interface ServeHooksOptions {
  port: number;
  env: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  /** Tests: answer differently (the default is runClaudeHook with the server's deps). */
  answer?: HookServerOptions['answer'];
}

export interface HookService {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function serveHooks(opts: ServeHooksOptions): Promise<HookService> {
  const token = Buffer.from(tokenFor(opts.env), 'hex');
  const stores = storeCache();
  const delivery = opts.env.AGENT_SRE_DELIVERY !== 'off';
  const answer = async (stdin: string, projectDir: string): Promise<HookAnswer> => {
    const flush = new Set<string>();
    try {
      return await runClaudeHook(stdin, {
        env: processEnvironment(opts.env),
        projectDir,
        now: Date.now,
        commandEnv: opts.env,
        openStore: (dir) => stores.get(dir),
        ...(delivery ? { startDelivery: (dir: string) => flush.add(dir) } : {}),
      });
    } finally {
      // Spawning costs a process this size ~10 ms: after the answer is on its way, as the daemon does.
      if (flush.size > 0)
        setImmediate(() => {
          for (const dir of flush) startFlusher(dir);
        });
    }
  };
  const server = await listenHookServer({
    token,
    port: opts.port,
    answer: opts.answer ?? answer,
    ...(opts.log ? { log: opts.log } : {}),
  });
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : opts.port;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => stores.closeAll()),
  };
}
