// The bits every paging channel shares: one POST that never throws, one classifier from an HTTP answer (or a
// network failure) to a DeliveryResult, and the redaction applied to page text and to error strings.
import type { ChannelConfig } from '../../core/incidents/config.ts';
import type { ChannelRef, DeliveryResult, Page } from '../../core/incidents/types.ts';
import { REDACTED, redactText } from '../../core/redact.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;
const MISSING_CREDENTIAL_RETRY_MS = 60_000;
const MAX_ERROR_CHARS = 300;
// A Retry-After or rate-limit reset further out than this is more likely a clock problem than a real wait.
const MAX_WAIT_MS = 60 * 60 * 1000;

export interface HttpReply {
  kind: 'reply';
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}
export interface NetworkFailure {
  kind: 'error';
  error: unknown;
  /** The request could not even be made (a malformed URL): resending will not help. */
  permanent?: boolean;
}
export type HttpOutcome = HttpReply | NetworkFailure;

/** POST a body with global fetch. Never throws: connection errors and timeouts come back as NetworkFailure. */
export async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<HttpOutcome> {
  if (!isHttpUrl(url)) {
    // Not echoed: the URL may be the secret (a Slack webhook).
    return { kind: 'error', error: 'the configured URL is not an http(s) URL', permanent: true };
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers,
      redirect: 'manual', // a redirect would resend credentials to wherever it points
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    return { kind: 'reply', status: res.status, headers: lowerCaseHeaders(res.headers), body: text };
  } catch (error) {
    return { kind: 'error', error };
  }
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export function lowerCaseHeaders(
  headers: Headers | Record<string, string | number | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  for (const [k, v] of entries) if (v !== undefined) out[k.toLowerCase()] = String(v);
  return out;
}

export interface ClassifyContext {
  /** Epoch milliseconds, for HTTP-date Retry-After and x-ratelimit-reset. */
  nowMs: number;
  /** Strings that must never appear in an error (webhook URLs, tokens); replaced by [REDACTED]. */
  secrets: string[];
}

/**
 * The one mapping from what a channel's API answered to what the delivery worker should do.
 * 2xx delivered; 429, and 403 that carries rate-limit headers (GitHub), retry at the time the server named;
 * 408, 5xx and network failures retry (with the server's Retry-After if a 503 sends one, else the worker's
 * own backoff); any other status (4xx, and 3xx since redirects are not followed) is a permanent failure
 * carrying the server's reason.
 */
export function classify(outcome: HttpOutcome, ctx: ClassifyContext): DeliveryResult {
  if (outcome.kind === 'error') {
    if (outcome.permanent) return { status: 'failed', error: scrub(String(outcome.error), ctx) };
    return { status: 'retry', error: scrub(describeNetworkError(outcome.error), ctx) };
  }
  const { status, headers } = outcome;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const error = scrub(`HTTP ${status}: ${reasonOf(outcome.body)}`, ctx);
  const wait = serverWaitMs(headers, ctx.nowMs);
  // GitHub answers both primary (remaining 0) and secondary (retry-after) rate limits with 403 or 429.
  const rateLimited =
    status === 429 || (status === 403 && (headers['retry-after'] !== undefined || isExhausted(headers)));
  if (rateLimited || status === 408 || status >= 500) {
    return wait === undefined ? { status: 'retry', error } : { status: 'retry', error, retryAfterMs: wait };
  }
  return { status: 'failed', error };
}

function isExhausted(headers: Record<string, string>): boolean {
  return headers['x-ratelimit-remaining'] === '0';
}

/** Retry-After (seconds or HTTP-date), else GitHub's x-ratelimit-reset when the quota is spent. */
function serverWaitMs(headers: Record<string, string>, nowMs: number): number | undefined {
  const retryAfter = headers['retry-after']?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return clampWait(Number(retryAfter) * 1000);
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return clampWait(at - nowMs);
  }
  const reset = headers['x-ratelimit-reset'];
  if (isExhausted(headers) && reset && /^\d+$/.test(reset)) return clampWait(Number(reset) * 1000 - nowMs);
  return undefined;
}

const clampWait = (ms: number) => Math.min(MAX_WAIT_MS, Math.max(0, Math.round(ms)));

/** The server's own words: PagerDuty/GitHub `message` + `errors[]`, Slack's plain-text code, else the text. */
function reasonOf(body: string): string {
  const text = body.trim();
  if (!text) return '(empty body)';
  try {
    const data = JSON.parse(text) as { message?: unknown; error?: unknown; errors?: unknown };
    if (data && typeof data === 'object') {
      const head = [data.message, data.error].filter((v) => typeof v === 'string').join(': ');
      const errors = Array.isArray(data.errors) ? data.errors.map(errorItemText) : [];
      const joined = [head, errors.join('; ')].filter(Boolean).join(': ');
      if (joined) return joined;
    }
  } catch {
    // not JSON: the text itself is the reason (Slack answers `invalid_blocks`)
  }
  return text;
}

function errorItemText(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object') {
    const e = item as Record<string, unknown>;
    if (typeof e.message === 'string') return e.message;
    return [e.resource, e.field, e.code].filter((v) => typeof v === 'string').join(' ');
  }
  return String(item);
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError' || error.name === 'AbortError')
      return 'timed out waiting for the server';
    // fetch wraps the socket error (ECONNREFUSED, ECONNRESET) in `cause`.
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : error.message;
    return `network error: ${detail}`;
  }
  return `network error: ${String(error)}`;
}

/** An error string fit to store and show: no known secret, no secret-shaped text, at most ~300 chars. */
export function scrub(text: string, ctx: Pick<ClassifyContext, 'secrets'>): string {
  let out = text;
  for (const secret of secretVariants(ctx.secrets)) out = out.split(secret).join(REDACTED);
  out = redactText(out);
  return out.length > MAX_ERROR_CHARS ? `${out.slice(0, MAX_ERROR_CHARS - 1)}…` : out;
}

// A URL can show up whole, without its query, or as just its path (Slack's secret is the path).
function secretVariants(secrets: string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets) {
    if (s.length < 6) continue;
    out.add(s);
    try {
      const u = new URL(s);
      // Short paths ("/", "/hook") say nothing secret and would mangle ordinary words.
      if (u.pathname.length >= 8) out.add(u.pathname);
      if (u.search.length >= 8) out.add(u.search);
    } catch {
      // not a URL: the literal is enough
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Cut to `max` characters, marking the cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The page with every human-readable text field redacted: a last line of defence, since the core redacts
 * signals already. Identity fields (key, dedupKey, incidentId) are left alone so deduplication holds.
 */
export function redactPage(page: Page): Page {
  return {
    ...page,
    title: redactText(page.title),
    body: redactText(page.body),
    fields: page.fields.map((f) => ({ label: redactText(f.label), value: redactText(f.value) })),
    instructions: page.instructions.map(redactText),
    recipient: page.recipient === null ? null : redactText(page.recipient),
  };
}

/** The credential named by `envName`, or a failure that says which variable to set. */
export function readSecretEnv(
  env: Record<string, string | undefined>,
  envName: string,
  what: string,
): { ok: true; value: string } | { ok: false; result: DeliveryResult } {
  const value = env[envName]?.trim();
  if (value) return { ok: true, value };
  // Not `failed`: the hook's flusher runs in Claude Code's environment, `tick` in cron's. A worker
  // without the variable leaves the page for one that has it, and the error shows on the incident.
  return {
    ok: false,
    result: {
      status: 'retry',
      error: `${what} missing in this worker's environment: set ${envName} where the hook, tick and serve run`,
      retryAfterMs: MISSING_CREDENTIAL_RETRY_MS,
    },
  };
}

/** What every adapter factory needs from its caller. Injected so tests control the environment and clock. */
export interface ChannelDeps {
  /** Where `*Env` settings are looked up (process.env in production). */
  env: Record<string, string | undefined>;
  /** The project directory; relative file paths resolve against it. */
  projectDir: string;
  /** Epoch milliseconds (Date.now in production). */
  now?: () => number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /**
   * Slack pages answer with interactive buttons (a Slack app posts their clicks to `agent-sre serve`,
   * server.slackSigningSecretEnv is set) instead of link buttons.
   */
  slackInteractive?: boolean;
}

export type ConfigOf<T extends ChannelConfig['type']> = Extract<ChannelConfig, { type: T }>;

/**
 * `[SEV2] INC-3: title`. Pages built by core/incidents/pages.ts carry this prefix in the title already; a
 * page that does not (a hand-made test page) gets it here, so every channel shows the same line.
 */
export function headline(page: Page): string {
  if (/^\[SEV\d\]/.test(page.title)) return page.title;
  return `[${page.severity}] ${page.incidentId ? `${page.incidentId}: ` : ''}${page.title}`;
}

/** Does the page already show this fact among its fields (so an adapter need not add it again)? */
export function hasField(page: Page, label: string): boolean {
  const want = label.toLowerCase();
  return page.fields.some((f) => f.label.trim().toLowerCase() === want);
}

/**
 * `send` must never throw (ports.ts). Network and HTTP outcomes are classified where they happen; this catches
 * the rest (a malformed page, a bug while building the request) as a permanent failure, since resending the
 * same page would throw again.
 */
export function neverThrows(
  send: (page: Page, ref: ChannelRef | undefined) => Promise<DeliveryResult>,
  secrets: () => string[] = () => [],
): (page: Page, ref: ChannelRef | undefined) => Promise<DeliveryResult> {
  return async (page, ref) => {
    try {
      return await send(page, ref);
    } catch (error) {
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      return { status: 'failed', error: scrub(`could not send the page: ${text}`, { secrets: secrets() }) };
    }
  };
}

/** The page's own words and identity, as the file and webhook channels write them out. */
export function pageContent(page: Page) {
  return {
    body: page.body,
    fields: page.fields,
    instructions: page.instructions,
    recipient: page.recipient,
    project: page.project,
    sessionId: page.sessionId,
    createdAt: new Date(page.createdAt).toISOString(),
  };
}
