// A real dashboard server over a real SQLite ledger in a scratch project, for the server and browser tests.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { type HumanMac, humanMac } from '../../src/app/human-mac.ts';
import { loadProjectPolicy } from '../../src/app/policy.ts';
import { openLedger } from '../../src/app/store.ts';
import type { Policy } from '../../src/core/policy/types.ts';
import type { LedgerStore } from '../../src/ports.ts';
import type { ServerContext } from '../../src/server/context.ts';
import { type DashboardService, projectContext, startDashboard } from '../../src/server/dashboard/server.ts';
import type { RateLimitSpec } from '../../src/server/rate-limit.ts';

export interface TestDashboard {
  dir: string;
  store: LedgerStore;
  policy: Policy;
  mac: HumanMac;
  ctx: ServerContext;
  service: DashboardService;
  /** Log lines the server wrote. */
  logs: string[];
  /** A signed-in session: its cookie header and CSRF token. */
  signIn(user?: string): Promise<{ cookie: string; csrf: string }>;
  close(): Promise<void>;
}

export interface TestDashboardOptions {
  /** agent-sre.yaml text; the embedded default when absent. */
  yaml?: string;
  env?: Record<string, string | undefined>;
  now?: () => number;
  links?: (ctx: ServerContext, boundPort: () => number) => Hono;
  webhooks?: (ctx: ServerContext) => Hono;
  openRoutesLimit?: RateLimitSpec;
  watchIntervalMs?: number;
}

export async function startTestDashboard(o: TestDashboardOptions = {}): Promise<TestDashboard> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-dash-')));
  mkdirSync(join(dir, '.agent-sre'), { recursive: true, mode: 0o700 });
  if (o.yaml !== undefined) writeFileSync(join(dir, 'agent-sre.yaml'), o.yaml);
  const policy = (await loadProjectPolicy(dir, dir, { cache: false })).compiled.policy;
  const store = openLedger(dir);
  const mac = humanMac(randomBytes(32));
  const logs: string[] = [];
  const ctx = projectContext({
    projectDir: dir,
    policy,
    store,
    mac,
    env: o.env ?? {},
    ...(o.now ? { now: o.now } : {}),
    log: (l) => logs.push(l),
  });
  const service = await startDashboard({
    ctx,
    port: 0,
    ...(o.links ? { links: o.links } : {}),
    ...(o.webhooks ? { webhooks: o.webhooks } : {}),
    ...(o.openRoutesLimit ? { openRoutesLimit: o.openRoutesLimit } : {}),
    watchIntervalMs: o.watchIntervalMs ?? 100,
  });
  return {
    dir,
    store,
    policy,
    mac,
    ctx,
    service,
    logs,
    async signIn(user = 'ana') {
      const res = await fetch(service.loginUrl(user), { redirect: 'manual' });
      const set = res.headers.get('set-cookie') ?? '';
      const cookie = set.split(';')[0] ?? '';
      const page = await fetch(`${service.origin}/`, { headers: { cookie } });
      const html = await page.text();
      const csrf = /name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
      return { cookie, csrf };
    },
    async close() {
      await service.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
