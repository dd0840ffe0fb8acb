// `agent-sre serve`'s dashboard for the project it serves: the real ledger, the policy as it stands, the
// user's MAC key, delivery by the flusher, and the routes that answer from elsewhere.
import { resolve } from 'node:path';
import { processEnvironment } from '../app/context.ts';
import { projectCostOf } from '../app/cost-seam.ts';
import { startFlusher } from '../app/flusher.ts';
import { humanMacForCli } from '../app/human-mac.ts';
import { loadProjectPolicy } from '../app/policy.ts';
import { openLedger } from '../app/store.ts';
import { DEFAULT_SERVER } from '../core/incidents/config.ts';
import type { LedgerStore, Origin } from '../ports.ts';
import { mintLoginToken } from '../server/dashboard/auth.ts';
import { projectContext, startDashboard } from '../server/dashboard/server.ts';
import { linkRoutes } from '../server/link-routes.ts';
import { webhookRoutes } from '../server/webhooks/routes.ts';
import { type Io, UsageError } from './io.ts';
import { humanActor } from './project.ts';

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

async function load(io: Io, dirOption: string | undefined) {
  const dir = resolve(io.cwd, dirOption ?? '.');
  const { home } = processEnvironment(io.env);
  const loaded = await loadProjectPolicy(dir, home, { cache: false }).catch((err: Error) => {
    throw new UsageError(err.message);
  });
  let mac: ReturnType<typeof humanMacForCli>;
  try {
    mac = humanMacForCli(io.env);
  } catch (err) {
    throw new UsageError(`cannot sign answers and login links: ${(err as Error).message}`);
  }
  return { dir, home, policy: loaded.compiled.policy, mac };
}

export interface ProjectDashboardOptions {
  dir: string | undefined;
  user: string;
  port?: number;
  bind?: string;
  /**
   * The team server's store (serve --store), left open on close: its owner closes it. Answers queue
   * pages there and `deliver` wakes the server's tick; sessions are labelled with `origins`.
   */
  team?: {
    store: LedgerStore;
    deliver: () => void;
    origins: () => Promise<ReadonlyMap<string, Origin | null>>;
  };
}

export async function startProjectDashboard(
  io: Io,
  o: ProjectDashboardOptions,
): Promise<{ close(): Promise<void> }> {
  const { dir, home, policy, mac } = await load(io, o.dir);
  const server = policy.paging.server ?? DEFAULT_SERVER;
  const store = o.team?.store ?? openLedger(dir);
  const closeStore = () => (o.team ? Promise.resolve() : store.close());
  const log = (line: string) => io.stderr(`${new Date().toISOString()} dashboard ${line}\n`);
  const deliver = o.team?.deliver ?? (() => startFlusher(dir));
  const ctx = projectContext({
    projectDir: dir,
    policy,
    store,
    mac,
    env: io.env,
    log,
    ...(io.env.AGENT_SRE_DELIVERY !== 'off' ? { deliver } : {}),
    ...(o.team ? { origins: o.team.origins } : {}),
  });
  const host = o.bind ?? '127.0.0.1';
  const port = o.port ?? server.port;
  let service: Awaited<ReturnType<typeof startDashboard>>;
  try {
    service = await startDashboard({
      ctx,
      host,
      port,
      costOf: projectCostOf({ store, projectDir: dir, env: io.env, home, pricing: policy.pricing }),
      links: linkRoutes,
      webhooks: (c) => webhookRoutes(c),
    });
  } catch (err) {
    await closeStore();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new UsageError(
        `port ${port} on ${host} is in use (another agent-sre serve?): pass --dashboard-port N, set server.port, or --no-dashboard`,
      );
    throw new UsageError(`cannot start the dashboard on ${host}:${port}: ${(err as Error).message}`);
  }
  if (!LOOPBACK.test(host))
    io.stderr(
      `agent-sre serve: warning: the dashboard listens on ${host}, not only on loopback. Requests must still name 127.0.0.1, localhost or server.publicUrl's host, and every page needs a login; prefer a tunnel or reverse proxy to 127.0.0.1.\n`,
    );
  io.stdout(`agent-sre serve: dashboard on ${service.origin}\n`);
  io.stdout(
    `agent-sre serve: sign in as ${o.user} (one use, within 10 minutes): ${service.loginUrl(o.user)}\n`,
  );
  if (server.publicUrl)
    io.stdout(
      `agent-sre serve: signed links and webhooks use ${server.publicUrl} (PagerDuty: ${server.publicUrl}/hooks/pagerduty, Slack: ${server.publicUrl}/hooks/slack)\n`,
    );
  return {
    close: async () => {
      await service.close();
      await closeStore();
    },
  };
}

/** A fresh one-time login link for the dashboard serving this project (and its public twin, when configured). */
export async function loginLink(
  io: Io,
  dirOption: string | undefined,
  by: string | undefined,
  port: number | undefined,
): Promise<string> {
  const user = humanActor(io, by).id;
  const { dir, policy, mac } = await load(io, dirOption);
  const server = policy.paging.server ?? DEFAULT_SERVER;
  const token = mintLoginToken(mac, dir, user, Date.now());
  // One token, two doors: on this machine, and through the public URL when there is one.
  const local = `http://127.0.0.1:${port ?? server.port}/login?t=${token}`;
  return server.publicUrl ? `${local}\n${server.publicUrl}/login?t=${token}` : local;
}
