// Fake PagerDuty, Slack, GitHub and webhook receivers: real node:http servers on 127.0.0.1 that answer like the
// documented APIs (docs/oncall-apis §1.1, §3.1-3.3, §4.1-4.2), record every request, and can be told to fail
// the next requests (rate limits, outages, reset connections, hangs).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/adapters/notify/webhook.ts';

export interface RecordedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: unknown;
  /** What the fake answered (undefined for a reset or hung connection). */
  reply?: { status: number; body: unknown };
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as text/plain. */
  body?: unknown;
}

/** A scripted answer: an HTTP reply, a connection reset, or no answer at all. */
export type Forced = Reply | 'reset' | 'hang';

export const forced = {
  rateLimited: (retryAfterSeconds: number, body: unknown = 'rate_limited'): Reply => ({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body,
  }),
  unavailable: (): Reply => ({ status: 503, body: { message: 'Service Unavailable' } }),
  serverError: (): Reply => ({ status: 500, body: { message: 'Internal Server Error' } }),
  /** GitHub's secondary rate limit: 403 with retry-after. */
  secondaryRateLimit: (retryAfterSeconds: number): Reply => ({
    status: 403,
    headers: { 'retry-after': String(retryAfterSeconds), 'content-type': 'application/json; charset=utf-8' },
    body: {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
    },
  }),
  /** GitHub's primary rate limit: remaining 0, reset at the given epoch second. */
  primaryRateLimit: (resetEpochSeconds: number): Reply => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(resetEpochSeconds),
      'content-type': 'application/json; charset=utf-8',
    },
    body: { message: 'API rate limit exceeded for user ID 1.' },
  }),
  reset: 'reset' as const,
  hang: 'hang' as const,
};

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Answer the next requests with these, in order, before behaving normally again. */
  failNext(...answers: Forced[]): void;
  close(): Promise<void>;
}

type Handler = (req: RecordedRequest) => Reply;

async function startFake(handle: Handler): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const queue: Forced[] = [];
  const server = createServer(async (req, res) => {
    const recorded = await record(req);
    requests.push(recorded);
    const next = queue.shift();
    if (next === 'reset') return void req.socket.destroy();
    if (next === 'hang') return; // closeAllConnections() ends it
    const reply = next ?? safely(handle, recorded);
    recorded.reply = { status: reply.status, body: reply.body };
    send(res, reply);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...answers) => void queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safely(handle: Handler, req: RecordedRequest): Reply {
  try {
    return handle(req);
  } catch (error) {
    return { status: 500, body: { message: String(error) } };
  }
}

async function record(req: IncomingMessage): Promise<RecordedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    body = undefined;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    raw,
    body,
  };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers = { ...reply.headers };
  let text = '';
  if (typeof reply.body === 'string') {
    text = reply.body;
    headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (reply.body !== undefined) {
    text = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------- PagerDuty Events API v2

const PD_SEVERITIES = ['critical', 'error', 'warning', 'info'];
const PD_ACTIONS = ['trigger', 'acknowledge', 'resolve'];

/** Why PagerDuty would answer 400, or [] for a valid event (the OpenAPI's required fields and limits). */
export function pagerDutyProblems(event: unknown): string[] {
  if (!isObject(event)) return ['Event object is not JSON'];
  const problems: string[] = [];
  if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32)
    problems.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (typeof event.event_action !== 'string' || !PD_ACTIONS.includes(event.event_action))
    problems.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (event.dedup_key !== undefined && (typeof event.dedup_key !== 'string' || event.dedup_key.length > 255))
    problems.push("'dedup_key' must be a string of at most 255 characters");
  if (event.event_action === 'trigger') {
    const p = event.payload;
    if (!isObject(p)) problems.push("'payload' is missing or not an object");
    else {
      if (typeof p.summary !== 'string' || p.summary.length === 0)
        problems.push("'payload.summary' is missing");
      else if (p.summary.length > 1024) problems.push("'payload.summary' is longer than 1024 characters");
      if (typeof p.source !== 'string' || p.source.length === 0) problems.push("'payload.source' is missing");
      if (typeof p.severity !== 'string' || !PD_SEVERITIES.includes(p.severity))
        problems.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
      if (p.timestamp !== undefined && Number.isNaN(Date.parse(String(p.timestamp))))
        problems.push("'payload.timestamp' is not an ISO 8601 timestamp");
    }
  } else if (PD_ACTIONS.includes(String(event.event_action)) && typeof event.dedup_key !== 'string') {
    problems.push("'dedup_key' is required for acknowledge and resolve events");
  }
  return problems;
}

export function startFakePagerDuty(): Promise<FakeServer> {
  return startFake((req) => {
    if (req.method !== 'POST' || req.path !== '/v2/enqueue')
      return { status: 404, body: { message: 'Not Found' } };
    const problems = req.body === undefined ? ['Event object is not JSON'] : pagerDutyProblems(req.body);
    if (problems.length > 0)
      return {
        status: 400,
        body: { status: 'invalid event', message: 'Event object is invalid', errors: problems },
      };
    const dedupKey = (req.body as { dedup_key?: string }).dedup_key ?? randomUUID().replace(/-/g, '');
    return { status: 202, body: { status: 'success', message: 'Event processed', dedup_key: dedupKey } };
  });
}

// ---------------------------------------------------------------- Slack incoming webhook

export const SLACK_WEBHOOK_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

/** The Block Kit rules the adapter must keep (§3.3), as Slack's `invalid_blocks` would enforce them. */
export function slackProblems(message: unknown): string[] {
  if (!isObject(message)) return ['not an object'];
  const problems: string[] = [];
  if (typeof message.text !== 'string' || message.text.trim() === '') problems.push('text missing');
  const blocks = message.blocks;
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) return [...problems, 'blocks is not an array'];
  if (blocks.length > 50) problems.push('more than 50 blocks');
  for (const [i, b] of blocks.entries()) {
    if (!isObject(b)) {
      problems.push(`block ${i} is not an object`);
      continue;
    }
    const text = isObject(b.text) ? b.text : undefined;
    if (b.type === 'header') {
      if (text?.type !== 'plain_text') problems.push(`block ${i}: header text must be plain_text`);
      if (typeof text?.text !== 'string' || text.text.length > 150)
        problems.push(`block ${i}: header text over 150`);
    } else if (b.type === 'section') {
      if (!text && !Array.isArray(b.fields)) problems.push(`block ${i}: section needs text or fields`);
      if (text && (typeof text.text !== 'string' || text.text.length > 3000))
        problems.push(`block ${i}: section text over 3000`);
      if (Array.isArray(b.fields)) {
        if (b.fields.length > 10) problems.push(`block ${i}: more than 10 fields`);
        b.fields.forEach((f) => {
          if (!isObject(f) || typeof f.text !== 'string' || f.text.length > 2000)
            problems.push(`block ${i}: field over 2000`);
        });
      }
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
        problems.push(`block ${i}: context needs 1-10 elements`);
    } else if (b.type === 'actions') {
      // Block Kit's button element: plain_text text up to 75, a value up to 2000 and/or a url up to 3000,
      // action_id up to 255, style primary|danger; at most 25 elements.
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25)
        problems.push(`block ${i}: actions needs 1-25 elements`);
      else
        for (const [j, e] of b.elements.entries()) {
          const where = `block ${i} element ${j}`;
          if (!isObject(e) || e.type !== 'button') {
            problems.push(`${where}: not a button`);
            continue;
          }
          const t = isObject(e.text) ? e.text : undefined;
          if (t?.type !== 'plain_text' || typeof t.text !== 'string' || t.text.length > 75)
            problems.push(`${where}: text must be plain_text up to 75`);
          if (typeof e.action_id !== 'string' || e.action_id.length > 255)
            problems.push(`${where}: action_id`);
          if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000))
            problems.push(`${where}: value over 2000`);
          if (e.url !== undefined && (typeof e.url !== 'string' || e.url.length > 3000))
            problems.push(`${where}: url over 3000`);
          if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger')
            problems.push(`${where}: style`);
        }
    } else if (b.type !== 'divider') {
      problems.push(`block ${i}: unknown type ${String(b.type)}`);
    }
  }
  return problems;
}

export function startFakeSlack(): Promise<FakeServer & { webhookUrl: string }> {
  return startFake((req) => {
    if (req.method !== 'POST' || req.path !== SLACK_WEBHOOK_PATH) return { status: 404, body: 'no_service' };
    if (req.body === undefined) return { status: 400, body: 'invalid_payload' };
    return slackProblems(req.body).length > 0
      ? { status: 400, body: 'invalid_blocks' }
      : { status: 200, body: 'ok' };
  }).then((fake) => ({ ...fake, webhookUrl: `${fake.url}${SLACK_WEBHOOK_PATH}` }));
}

// ---------------------------------------------------------------- GitHub issues

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  state_reason: string | null;
  comments: string[];
}

export interface FakeGitHub extends FakeServer {
  issues: Map<number, FakeIssue>;
  /** Put an issue in place, as if created earlier (by a run that crashed before recording it). */
  seed(issue: Omit<FakeIssue, 'number' | 'comments' | 'state_reason'> & { number?: number }): FakeIssue;
}

export async function startFakeGitHub(owner: string, repo: string): Promise<FakeGitHub> {
  const issues = new Map<number, FakeIssue>();
  let nextNumber = 1;
  const base = `/repos/${owner}/${repo}/issues`;
  const json = { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4999' };
  const view = (i: FakeIssue) => ({
    id: 1000 + i.number,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name) => ({ name })),
    html_url: `https://github.com/${owner}/${repo}/issues/${i.number}`,
  });
  const seed: FakeGitHub['seed'] = (i) => {
    const issue: FakeIssue = { comments: [], state_reason: null, ...i, number: i.number ?? nextNumber };
    nextNumber = Math.max(nextNumber, issue.number + 1);
    issues.set(issue.number, issue);
    return issue;
  };

  const fake = await startFake((req) => {
    if (!req.headers.authorization)
      return { status: 401, headers: json, body: { message: 'Requires authentication' } };
    const body = isObject(req.body) ? req.body : {};
    if (req.path === base && req.method === 'POST') {
      if (typeof body.title !== 'string' || body.title === '')
        return {
          status: 422,
          headers: json,
          body: {
            message: 'Validation Failed',
            errors: [{ resource: 'Issue', field: 'title', code: 'missing_field' }],
          },
        };
      const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
      const issue = seed({ title: body.title, body: String(body.body ?? ''), labels, state: 'open' });
      return { status: 201, headers: json, body: view(issue) };
    }
    if (req.path === base && req.method === 'GET') {
      const want = (req.query.get('labels') ?? '').split(',').filter(Boolean);
      const state = req.query.get('state') ?? 'open';
      const list = [...issues.values()]
        .filter((i) => state === 'all' || i.state === state)
        .filter((i) => want.every((l) => i.labels.includes(l)))
        .sort((a, b) => b.number - a.number); // newest first, GitHub's default
      return { status: 200, headers: json, body: list.map(view) };
    }
    const m = new RegExp(`^${base}/(\\d+)(/comments)?$`).exec(req.path);
    const issue = m ? issues.get(Number(m[1])) : undefined;
    if (!m || !issue) return { status: 404, headers: json, body: { message: 'Not Found' } };
    if (m[2] && req.method === 'POST') {
      if (typeof body.body !== 'string' || body.body === '')
        return { status: 422, headers: json, body: { message: 'Validation Failed' } };
      issue.comments.push(body.body);
      return { status: 201, headers: json, body: { id: 5000 + issue.comments.length, body: body.body } };
    }
    if (!m[2] && req.method === 'PATCH') {
      if (body.state === 'closed' || body.state === 'open') issue.state = body.state;
      if (typeof body.state_reason === 'string') issue.state_reason = body.state_reason;
      return { status: 200, headers: json, body: view(issue) };
    }
    return { status: 404, headers: json, body: { message: 'Not Found' } };
  });
  return { ...fake, issues, seed };
}

// ---------------------------------------------------------------- generic signed webhook receiver

/** Accepts only deliveries signed with `secret` whose timestamp is within 5 minutes of `nowSeconds()`. */
export function startFakeWebhookReceiver(
  secret: string,
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
): Promise<FakeServer> {
  return startFake((req) => {
    if (req.method !== 'POST') return { status: 405, body: 'method not allowed' };
    const header = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const ok = verifyWebhookSignature(
      secret,
      header('x-agent-sre-timestamp'),
      req.raw,
      header('x-agent-sre-signature'),
      nowSeconds(),
    );
    return ok ? { status: 204 } : { status: 401, body: { message: 'bad signature' } };
  });
}
