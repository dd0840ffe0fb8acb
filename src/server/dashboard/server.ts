// `agent-sre serve`'s web server for one project: the dashboard app on 127.0.0.1 (unless told otherwise),
// with the project's ledger, the per-user MAC key and delivery of what answers queue.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { type AnsweredBy, applyHumanAnswer, type HumanAnswer } from '../../app/answers.ts';
import type { CostOf } from '../../app/cost-seam.ts';
import type { HumanMac } from '../../app/human-mac.ts';
import { packageRoot } from '../../app/paths.ts';
import { DEFAULT_SERVER } from '../../core/incidents/config.ts';
import type { Policy } from '../../core/policy/types.ts';
import type { LedgerStore, Origin } from '../../ports.ts';
import type { ServerContext } from '../context.ts';
import type { RateLimitSpec } from '../rate-limit.ts';
import { dashboardApp } from './app.ts';
import { mintLoginToken } from './auth.ts';

/** Single-use keys (signed links' nonces) spent with the answer they carried. */
export const LINK_USED_KIND = 'link.used';

export interface ProjectContextOptions {
  projectDir: string;
  policy: Policy;
  store: LedgerStore;
  mac: HumanMac;
  env: Record<string, string | undefined>;
  now?: () => number;
  log?: (line: string) => void;
  /** Start delivering pages an answer queued (the flusher); absent: the next tick delivers them. */
  deliver?: () => void;
  /** Over a team store: where each session ran. */
  origins?: () => Promise<ReadonlyMap<string, Origin | null>>;
}

export function projectContext(o: ProjectContextOptions): ServerContext {
  const now = o.now ?? Date.now;
  const paging = o.policy.paging;
  return {
    projectDir: o.projectDir,
    policy: o.policy,
    paging,
    server: paging.server ?? DEFAULT_SERVER,
    store: o.store,
    now,
    mac: o.mac,
    env: o.env,
    log: o.log ?? (() => undefined),
    ...(o.origins ? { origins: o.origins } : {}),
    async answer(answer: HumanAnswer, by: AnsweredBy, opts?: { once?: string }) {
      const r = await o.store.transact(now(), (tx) => {
        if (opts?.once !== undefined) {
          if (tx.record(LINK_USED_KIND, opts.once)) throw new Error('this link was already used');
          tx.putRecord({ kind: LINK_USED_KIND, id: opts.once, createdAt: tx.now, data: { by: by.id } });
        }
        return applyHumanAnswer(tx, answer, by, paging, o.mac);
      });
      if (r.queued > 0) o.deliver?.();
      return r;
    },
  };
}

/**
 * The dashboard's files, inside this package only: `dist/dashboard/` in a build (the build copies them
 * there), `dashboard/` in a checkout. Never a folder found by walking further up, which could be the
 * project the agent writes in: the page runs with the signed-in human's cookie.
 */
export function findAssetsDir(root = packageRoot()): string {
  for (const dir of [join(root, 'dist', 'dashboard'), join(root, 'dashboard')])
    if (existsSync(join(dir, 'index.html'))) return dir;
  throw new Error(`the dashboard's files are not installed in ${root} (dist/dashboard/index.html)`);
}

export interface StartDashboardOptions {
  ctx: ServerContext;
  /** Default: 127.0.0.1. Anything else is the caller's explicit choice. */
  host?: string;
  port: number;
  assetsDir?: string;
  costOf?: CostOf;
  links?: (ctx: ServerContext, boundPort: () => number) => Hono;
  webhooks?: (ctx: ServerContext) => Hono;
  openRoutesLimit?: RateLimitSpec;
  watchIntervalMs?: number;
}

export interface DashboardService {
  port: number;
  host: string;
  /** http://127.0.0.1:PORT (or the host it was told to bind). */
  origin: string;
  /** A fresh one-time login link for `user`. */
  loginUrl(user: string): string;
  close(): Promise<void>;
}

export async function startDashboard(o: StartDashboardOptions): Promise<DashboardService> {
  const host = o.host ?? '127.0.0.1';
  let bound = o.port;
  const boundPort = () => bound;
  const { app, watcher } = dashboardApp({
    ctx: o.ctx,
    boundPort,
    assetsDir: o.assetsDir ?? findAssetsDir(),
    ...(o.costOf ? { costOf: o.costOf } : {}),
    ...(o.links ? { links: o.links(o.ctx, boundPort) } : {}),
    ...(o.webhooks ? { webhooks: o.webhooks(o.ctx) } : {}),
    ...(o.openRoutesLimit ? { openRoutesLimit: o.openRoutesLimit } : {}),
    ...(o.watchIntervalMs ? { watchIntervalMs: o.watchIntervalMs } : {}),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: o.port, hostname: host }, (info: AddressInfo) => {
      bound = info.port;
      resolve(s as Server);
    }) as Server;
    s.once('error', reject);
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 0; // the event stream stays open
  const shown = host.includes(':') ? `[${host}]` : host;
  const origin = `http://${shown === '0.0.0.0' || shown === '[::]' ? '127.0.0.1' : shown}:${bound}`;
  return {
    port: bound,
    host,
    origin,
    loginUrl: (user) => `${origin}/login?t=${mintLoginToken(o.ctx.mac, o.ctx.projectDir, user, o.ctx.now())}`,
    close: () =>
      new Promise<void>((resolve) => {
        watcher.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
