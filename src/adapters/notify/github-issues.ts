// Postmortem action items as GitHub issues, through the GitHub channel configured in agent-sre.yaml (same
// repository, token variable, API root and labels). Filing is idempotent: each issue carries a hidden
// marker with the action item's key and a `postmortem:<subject>` label, and a second run finds those
// issues instead of opening new ones.
import { Octokit } from '@octokit/rest';
import { GITHUB_MIN_INTERVAL_MS } from './github.ts';
import {
  type ChannelDeps,
  type ConfigOf,
  DEFAULT_TIMEOUT_MS,
  readSecretEnv,
  scrub,
  truncate,
} from './http.ts';

export interface IssueToFile {
  /** Stable across runs: the same action item of the same postmortem gets the same key. */
  key: string;
  title: string;
  body: string;
  labels: string[];
}

export interface FiledIssue {
  key: string;
  number: number;
  url: string;
  /** false when an issue for this key already existed. */
  created: boolean;
}

export interface FileResult {
  filed: FiledIssue[];
  /** Why filing stopped early, if it did; the issues before it are in `filed`. */
  error: string | null;
}

const API_VERSION = '2022-11-28';
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

export const postmortemLabel = (subject: string) => truncate(`postmortem:${subject}`, 50);
const marker = (key: string) => `<!-- agent-sre action=${encodeURIComponent(key)} -->`;

export async function fileIssues(
  config: ConfigOf<'github'>,
  deps: ChannelDeps & { sleep?: (ms: number) => Promise<void> },
  subject: string,
  issues: readonly IssueToFile[],
): Promise<FileResult> {
  const token = readSecretEnv(deps.env, config.tokenEnv, 'GitHub token');
  if (!token.ok)
    return { filed: [], error: `set ${config.tokenEnv} to a token that may create issues in ${config.repo}` };
  const [owner, repo] = config.repo.split('/') as [string, string];
  const octokit = new Octokit({
    auth: token.value,
    baseUrl: config.baseUrl,
    userAgent: 'agent-sre',
    log: silentLog,
  });
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const opts = () => ({
    owner,
    repo,
    headers: { 'x-github-api-version': API_VERSION },
    request: { signal: AbortSignal.timeout(timeoutMs) },
  });
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = config.minIntervalMs ?? GITHUB_MIN_INTERVAL_MS;
  const label = postmortemLabel(subject);
  const filed: FiledIssue[] = [];
  try {
    const existing = await octokit.rest.issues.listForRepo({
      ...opts(),
      labels: label,
      state: 'all',
      per_page: 100,
    });
    let first = true;
    for (const item of issues) {
      const mark = marker(item.key);
      const found = existing.data.find((i) => !i.pull_request && (i.body ?? '').includes(mark));
      if (found) {
        filed.push({ key: item.key, number: found.number, url: found.html_url, created: false });
        continue;
      }
      // GitHub's secondary limit allows about 80 content-creating requests a minute.
      if (!first && interval > 0) await sleep(interval);
      first = false;
      const res = await octokit.rest.issues.create({
        ...opts(),
        title: truncate(item.title, 256),
        body: truncate(`${mark}\n\n${item.body}`, 60_000),
        labels: [...new Set([...config.labels, 'agent-sre', 'postmortem', label, ...item.labels])],
      });
      filed.push({ key: item.key, number: res.data.number, url: res.data.html_url, created: true });
    }
    return { filed, error: null };
  } catch (error) {
    const e = error as { status?: number; message?: string };
    const text = `${e.status ? `GitHub answered ${e.status}: ` : ''}${e.message ?? String(error)}`;
    return { filed, error: scrub(text, { secrets: [token.value] }) };
  }
}
