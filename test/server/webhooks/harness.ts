// A project with a real SQLite ledger, a ServerContext over it with a fake clock, the webhook routes served
// on 127.0.0.1, and a loopback stand-in for Slack's response_url. The context's `answer` is what the
// server's will be: applyHumanAnswer in one transaction.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { applyHumanAnswer } from '../../../src/app/answers.ts';
import { APPROVAL_KIND, type Approval, requestApproval } from '../../../src/app/approvals.ts';
import { humanMac } from '../../../src/app/human-mac.ts';
import { raiseSignals } from '../../../src/app/incidents.ts';
import { openLedger } from '../../../src/app/store.ts';
import { loadPolicy } from '../../../src/config/load.ts';
import { DEFAULT_SERVER, type PagingSettings } from '../../../src/core/incidents/config.ts';
import type { Incident, Signal } from '../../../src/core/incidents/types.ts';
import type { LedgerStore } from '../../../src/ports.ts';
import type { ServerContext } from '../../../src/server/context.ts';
import { type WebhookOptions, webhookRoutes } from '../../../src/server/webhooks/routes.ts';
import { settings, T0 } from '../../fixtures/incidents.ts';

export { T0 };
export const MIN = 60_000;
export const PD_SECRET = 'pd-subscription-secret-Wk3v9';
export const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const FIXTURES = join(import.meta.dirname, '../../fixtures/webhooks');

export function fixture(name: string, fill: Record<string, string>): string {
  let text = readFileSync(join(FIXTURES, name), 'utf8');
  for (const [k, v] of Object.entries(fill)) text = text.replaceAll(`__${k}__`, v);
  return text;
}

export function paging(): PagingSettings {
  return settings({
    channels: {
      file: { type: 'file', path: '.agent-sre/pages.jsonl' },
      pd: { type: 'pagerduty', routingKeyEnv: 'PD_ROUTING_KEY', baseUrl: 'http://127.0.0.1:1' },
    },
    routing: [{ match: {}, channels: ['file', 'pd'] }],
    escalation: {
      default: 'main',
      policies: {
        main: {
          rules: [
            { delayMinutes: 15, targets: [{ channel: 'file' }] },
            { delayMinutes: 10, targets: [{ channel: 'pd' }] },
          ],
          repeat: 1,
          fallback: [{ channel: 'file' }],
        },
      },
    },
    gate: { mode: 'wait', timeoutSeconds: 300 },
  });
}

export interface Harness {
  projectDir: string;
  store: LedgerStore;
  ctx: ServerContext;
  clock: { now: number };
  logs: string[];
  /** Pages queued so far, by key. */
  pageKeys(): Promise<string[]>;
  close(): Promise<void>;
}

export function harness(env: Record<string, string | undefined> = {}): Harness {
  const projectDir = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-webhooks-')));
  const store = openLedger(projectDir);
  const clock = { now: T0 };
  const logs: string[] = [];
  const settingsNow = paging();
  const mac = humanMac(randomBytes(32));
  const ctx: ServerContext = {
    projectDir,
    policy: policy(),
    paging: settingsNow,
    server: {
      ...DEFAULT_SERVER,
      publicUrl: 'https://sre.example.com',
      slackSigningSecretEnv: 'AGENT_SRE_SLACK_SIGNING_SECRET',
      pagerdutyWebhookSecretEnv: 'AGENT_SRE_PD_WEBHOOK_SECRET',
    },
    store,
    now: () => clock.now,
    mac,
    env: { AGENT_SRE_SLACK_SIGNING_SECRET: SLACK_SECRET, AGENT_SRE_PD_WEBHOOK_SECRET: PD_SECRET, ...env },
    answer: (answer, by) =>
      store.transact(clock.now, (tx) => applyHumanAnswer(tx, answer, by, settingsNow, mac)),
    log: (line) => logs.push(line),
  };
  return {
    projectDir,
    store,
    ctx,
    clock,
    logs,
    pageKeys: async () =>
      (await store.transact(0, (tx) => tx.outbox(), { readonly: true })).map((r) => r.page.key),
    async close() {
      await store.close();
      rmSync(projectDir, { recursive: true, force: true });
    },
  };
}

function policy() {
  const r = loadPolicy(undefined, 'agent-sre.yaml');
  if (!r.ok) throw new Error('the default policy does not load');
  return r.policy;
}

export async function raiseIncident(h: Harness, over: Partial<Signal> = {}): Promise<Incident> {
  const signal: Signal = {
    kind: 'session.terminated',
    project: h.projectDir,
    sessionId: 's1',
    rule: 'session.terminated',
    key: '',
    summary: 'Session s1 terminated after 20 denials',
    details: {},
    at: h.clock.now,
    ...over,
  };
  return h.store.transact(h.clock.now, (tx) => raiseSignals(tx, [signal], h.ctx.paging).incidents[0]!);
}

/** A tier-3 call waiting in `wait` mode: the approval the gate polls for, and its incident. */
export async function waitingApproval(h: Harness): Promise<Approval> {
  return h.store.transact(
    h.clock.now,
    (tx) =>
      requestApproval(
        tx,
        {
          project: h.projectDir,
          sessionId: 's1',
          call: { tool: 'Bash', input: { command: 'git push --force origin main' }, cwd: h.projectDir },
          decision: {
            tier: 3,
            verdict: 'ask',
            rule: 'git.force-push',
            reason: 'Rewrites main.',
            effects: [],
          },
          at: h.clock.now,
        },
        h.ctx.paging,
      ).approval,
  );
}

export const approvalRecord = (h: Harness, id: string) =>
  h.store.transact(0, (tx) => tx.record<Approval>(APPROVAL_KIND, id), { readonly: true });

export const incidentNow = (h: Harness, id: string) =>
  h.store.transact(0, (tx) => tx.incident(id), { readonly: true });

export const timelineOf = (h: Harness, id: string) =>
  h.store.transact(0, (tx) => tx.timeline(id), { readonly: true });

export interface Served {
  url: string;
  /** Background tasks the Slack route started, to await before asserting. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The routes mounted at /hooks as the dashboard server mounts them, listening on 127.0.0.1. */
export async function serveHooks(ctx: ServerContext, opts: WebhookOptions = {}): Promise<Served> {
  const tasks: Promise<void>[] = [];
  const app = new Hono();
  app.route(
    '/hooks',
    webhookRoutes(ctx, { allowLoopbackResponseUrl: true, background: (t) => tasks.push(t), ...opts }),
  );
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    async settled() {
      await Promise.all(tasks);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Slack's side of a response_url: records what it is sent and answers `ok`. */
export async function fakeResponseUrl(status = 200): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'invalid_blocks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/actions/T01B5M3VC1X/1517123456789/secrets-are-in-this-path`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
