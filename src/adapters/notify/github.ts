// GitHub issues as a paging channel: one issue per incident, a comment per later page, closed on resolve.
// Issue creation is not idempotent, so the issue carries an `incident:<id>` label and a hidden marker with the
// dedup key; a send without a ref looks for that issue before creating one (a crash between create and the
// worker's bookkeeping must not open a second issue).
import { Octokit } from '@octokit/rest';
import type { ChannelRef, DeliveryResult, Page } from '../../core/incidents/types.ts';
import type { Channel } from '../../ports.ts';
import {
  type ChannelDeps,
  type ConfigOf,
  classify,
  DEFAULT_TIMEOUT_MS,
  type HttpOutcome,
  hasField,
  headline,
  lowerCaseHeaders,
  neverThrows,
  readSecretEnv,
  redactPage,
  truncate,
} from './http.ts';

/** GitHub's secondary limit: at most 80 content-creating requests per minute. */
export const GITHUB_MIN_INTERVAL_MS = 750;
const API_VERSION = '2022-11-28';
const MAX_TITLE = 256;
const MAX_BODY = 60_000; // GitHub rejects bodies over 65,536 characters

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

export function createGitHubChannel(name: string, config: ConfigOf<'github'>, deps: ChannelDeps): Channel {
  const now = deps.now ?? Date.now;
  return {
    name,
    type: 'github',
    minIntervalMs: config.minIntervalMs ?? GITHUB_MIN_INTERVAL_MS,
    send: neverThrows(
      async (page, ref) => {
        const token = readSecretEnv(deps.env, config.tokenEnv, 'GitHub token');
        if (!token.ok) return token.result;
        const [owner, repo, extra] = config.repo.split('/');
        if (!owner || !repo || extra !== undefined)
          return { status: 'failed', error: `GitHub repo must be "owner/name", got "${config.repo}"` };
        // No retry or throttling plugin: @octokit/rest has neither, and the delivery worker owns retries.
        const octokit = new Octokit({
          auth: token.value,
          baseUrl: config.baseUrl,
          userAgent: 'agent-sre',
          log: silentLog,
        });
        const api = new IssueApi(octokit, owner, repo, deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        const clean = redactPage(page);
        try {
          return await deliver(api, clean, ref, config.labels);
        } catch (error) {
          // Only what the API or the network did is classified; a bug of ours goes to neverThrows (failed).
          if (!isRequestFailure(error)) throw error;
          return classify(toOutcome(error), { nowMs: now(), secrets: [token.value] });
        }
      },
      () => [deps.env[config.tokenEnv] ?? ''],
    ),
  };
}

async function deliver(
  api: IssueApi,
  page: Page,
  ref: ChannelRef | undefined,
  labels: string[],
): Promise<DeliveryResult> {
  if (page.action === 'test') return created(await api.create(page, labels));
  const existing = issueOf(ref) ?? (await api.find(page));
  if (page.action === 'trigger') {
    if (existing !== undefined) return reused(existing);
    return created(await api.create(page, labels));
  }
  if (existing === undefined) {
    // Nothing to close: the incident never reached this channel. Opening an issue just to close it is noise.
    if (page.action === 'resolve')
      return { status: 'delivered', detail: 'no issue for this incident; nothing to close' };
    return created(await api.create(page, labels));
  }
  await api.comment(existing, page);
  if (page.action === 'resolve') await api.close(existing);
  return { status: 'delivered', ref: { issue: existing } };
}

// A ref that went through a store may come back with the number as a string.
function issueOf(ref: ChannelRef | undefined): number | undefined {
  const n = Number(ref?.issue);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

const created = (issue: number): DeliveryResult => ({ status: 'delivered', ref: { issue } });
const reused = (issue: number): DeliveryResult => ({
  status: 'delivered',
  ref: { issue },
  detail: `issue #${issue} already exists`,
});

/** The four issue calls the channel makes, each with the API version header and its own timeout. */
class IssueApi {
  constructor(
    private readonly octokit: Octokit,
    private readonly owner: string,
    private readonly repo: string,
    private readonly timeoutMs: number,
  ) {}

  private opts() {
    return {
      owner: this.owner,
      repo: this.repo,
      headers: { 'x-github-api-version': API_VERSION },
      request: { signal: AbortSignal.timeout(this.timeoutMs) },
    };
  }

  async create(page: Page, labels: string[]): Promise<number> {
    const res = await this.octokit.rest.issues.create({
      ...this.opts(),
      title: issueTitle(page),
      body: issueBody(page),
      labels: issueLabels(page, labels),
    });
    return res.data.number;
  }

  /** The oldest issue labelled `incident:<id>` whose marker names this dedup key (any state). */
  async find(page: Page): Promise<number | undefined> {
    if (!page.incidentId) return undefined;
    const res = await this.octokit.rest.issues.listForRepo({
      ...this.opts(),
      labels: incidentLabel(page.incidentId),
      state: 'all',
      per_page: 100,
    });
    const mark = dedupMarker(page.dedupKey);
    const ours = res.data.filter((i) => !i.pull_request && (i.body ?? '').includes(mark));
    return ours.length > 0 ? Math.min(...ours.map((i) => i.number)) : undefined;
  }

  async comment(issue: number, page: Page): Promise<void> {
    await this.octokit.rest.issues.createComment({
      ...this.opts(),
      issue_number: issue,
      body: commentBody(page),
    });
  }

  async close(issue: number): Promise<void> {
    await this.octokit.rest.issues.update({
      ...this.opts(),
      issue_number: issue,
      state: 'closed',
      state_reason: 'completed',
    });
  }
}

/** Octokit's RequestError (named HttpError), or the abort of our own timeout signal. */
function isRequestFailure(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'HttpError' || name === 'TimeoutError' || name === 'AbortError';
}

/** Octokit throws RequestError (status + response) for HTTP errors and for network failures (no response). */
function toOutcome(error: unknown): HttpOutcome {
  const e = error as { status?: unknown; response?: { status: number; headers: object; data: unknown } };
  if (e && typeof e === 'object' && e.response && typeof e.response.status === 'number') {
    const data = e.response.data;
    return {
      kind: 'reply',
      status: e.response.status,
      headers: lowerCaseHeaders(e.response.headers as Record<string, string>),
      body: typeof data === 'string' ? data : JSON.stringify(data ?? ''),
    };
  }
  // No response: connection refused/reset or timeout. Octokit keeps the fetch error as `cause`.
  const cause = (error as { cause?: unknown })?.cause;
  return { kind: 'error', error: cause instanceof Error ? cause : error };
}

export const incidentLabel = (id: string) => `incident:${id}`;
const dedupMarker = (dedupKey: string) => `dedup=${encodeURIComponent(dedupKey)}`;
// Hidden in the rendered Markdown; lets the label search confirm the issue is this incident's, and lets
// tools tell which page a comment came from.
const marker = (page: Page) =>
  `<!-- agent-sre page=${encodeURIComponent(page.key)} action=${page.action} ${dedupMarker(page.dedupKey)} -->`;

export function issueTitle(page: Page): string {
  return truncate(`${page.action === 'test' ? '[TEST] ' : ''}${headline(page)}`, MAX_TITLE);
}

export function issueLabels(page: Page, configured: string[]): string[] {
  const all = [...configured, 'agent-sre', `sev:${page.severity}`];
  // A test page never becomes the incident's issue: without the label, the lookup cannot find it.
  if (page.incidentId && page.action !== 'test') all.push(incidentLabel(page.incidentId));
  return [...new Set(all)];
}

// Table cells cannot hold pipes or newlines.
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
// Page text partly comes from what an agent typed: an `@org/team` in it must not notify anyone on GitHub.
const noMention = (s: string) => s.replace(/@(?=[A-Za-z0-9])/g, '@\u200b');

export function issueBody(page: Page): string {
  const rows: string[][] = [];
  if (!hasField(page, 'Severity')) rows.push(['Severity', page.severity]);
  if (page.incidentId && !hasField(page, 'Incident')) rows.push(['Incident', page.incidentId]);
  if (!hasField(page, 'Project')) rows.push(['Project', page.project]);
  if (page.sessionId && !hasField(page, 'Session')) rows.push(['Session', page.sessionId]);
  if (page.recipient) rows.push(['For', page.recipient]);
  rows.push(...page.fields.map((f) => [f.label, noMention(f.value)]));
  const table = [
    '| | |',
    '|---|---|',
    ...rows.map(([k, v]) => `| **${cell(k ?? '')}** | ${cell(v ?? '')} |`),
  ];
  return truncate(
    [
      marker(page),
      table.join('\n'),
      noMention(page.body),
      answerLinks(page),
      instructionsOf(page),
      footer(page),
    ]
      .filter(Boolean)
      .join('\n\n'),
    MAX_BODY,
  );
}

const HEADING: Record<Page['action'], string> = {
  trigger: '🚨 Triggered',
  repeat: '🔁 Still open',
  escalate: '⏫ Escalated',
  acknowledge: '👀 Acknowledged',
  resolve: '✅ Resolved',
  handoff: '🔄 Handoff',
  test: '🧪 Test page',
};

export function commentBody(page: Page): string {
  const head = `**${HEADING[page.action]}**${page.recipient ? ` (for ${page.recipient})` : ''}: ${noMention(page.title)}`;
  // The issue already shows the facts; a repeat or escalation restates them since they changed (counts, state).
  const restate = page.action === 'repeat' || page.action === 'escalate';
  const facts = restate ? page.fields.map((f) => `- **${f.label}**: ${noMention(f.value)}`).join('\n') : '';
  return truncate(
    [marker(page), head, facts, noMention(page.body), answerLinks(page), instructionsOf(page)]
      .filter(Boolean)
      .join('\n\n'),
    MAX_BODY,
  );
}

// A URL as a Markdown link destination: parentheses, angle brackets, spaces and backslashes would end or
// bend it, so they are percent-encoded (the signed part is base64url and never needs it).
const linkTarget = (url: string) =>
  url.replace(/[()<>\s\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const linkText = (s: string) => s.replace(/[[\]\\]/g, '\\$&');

/** `**Answer:** [Approve APR-2](…) · [Deny APR-2](…)`: the signed links, when the page carries some. */
export function answerLinks(page: Page): string {
  const links = (page.links ?? []).flatMap((l) =>
    l.url ? [`[${linkText(l.label)}](${linkTarget(l.url)})`] : [],
  );
  return links.length > 0 ? `**Answer:** ${links.join(' · ')}` : '';
}

function instructionsOf(page: Page): string {
  if (page.instructions.length === 0) return '';
  return `### To answer\n\n\`\`\`sh\n${page.instructions.join('\n').replace(/```/g, "'''")}\n\`\`\``;
}

const footer = (page: Page) => `<sub>agent-sre · dedup key \`${page.dedupKey.replace(/`/g, "'")}\`</sub>`;
