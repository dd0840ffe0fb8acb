// GitHub issues through Octokit against a fake REST API (§4.1-4.3): one issue per incident, comments for
// later pages, closed on resolve, found again by label after a crash, rate limits mapped to retry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubChannel } from '../../../src/adapters/notify/github.ts';
import type { DeliveryResult } from '../../../src/core/incidents/types.ts';
import { makePage, T0 } from '../../contracts/channel.ts';
import { type FakeGitHub, forced, startFakeGitHub } from '../../helpers/fake-apis.ts';

const TOKEN = 'test-token-not-a-real-one';
const ISSUES = '/repos/acme/oncall/issues';
const MARK = 'dedup=tier4.denied%2Facme-api%2Fsess-42%2Fgit.force-push';

let gh: FakeGitHub;
const make = (
  env: Record<string, string | undefined> = { GH_TOKEN: TOKEN },
  repo = 'acme/oncall',
  timeoutMs = 2_000,
) =>
  createGitHubChannel(
    'gh',
    { type: 'github', repo, tokenEnv: 'GH_TOKEN', baseUrl: gh.url, labels: ['oncall', 'agent-sre'] },
    { env, projectDir: '/work/acme-api', now: () => T0, timeoutMs },
  );
const calls = () => gh.requests.map((r) => `${r.method} ${r.path}`);
const errorOf = (r: DeliveryResult) => (r.status === 'delivered' ? '' : r.error);

beforeEach(async () => {
  gh = await startFakeGitHub('acme', 'oncall');
});
afterEach(() => gh.close());

describe('GitHub trigger', () => {
  it('looks for the incident’s issue, then creates it with title, labels and a Markdown body', async () => {
    const result = await make().send(makePage('trigger'), undefined);
    expect(result).toEqual({ status: 'delivered', ref: { issue: 1 } });
    expect(calls()).toEqual([`GET ${ISSUES}`, `POST ${ISSUES}`]);
    const [search, create] = gh.requests;
    expect(search!.query.get('labels')).toBe('incident:INC-7');
    expect(search!.query.get('state')).toBe('all');
    for (const r of gh.requests) {
      expect(r.headers.authorization).toBe(`token ${TOKEN}`);
      expect(r.headers['x-github-api-version']).toBe('2022-11-28');
    }
    expect(create!.reply!.status).toBe(201);
    const body = create!.body as { title: string; body: string; labels: string[] };
    expect(body.title).toBe('[SEV2] INC-7: Force push to main blocked');
    expect(body.labels).toEqual(['oncall', 'agent-sre', 'sev:SEV2', 'incident:INC-7']);
    expect(body.body).toContain(
      `<!-- agent-sre page=INC-7%2Ftest-channel%2Ftrigger action=trigger ${MARK} -->`,
    );
    expect(body.body).toContain('| **Incident** | INC-7 |');
    expect(body.body).toContain('| **Rule** | git.force-push |');
    expect(body.body).toContain('| **Command** | git push --force origin main |');
    expect(body.body).toContain('The agent tried to force-push to a protected branch.');
    expect(body.body).toContain('```sh\nagent-sre ack INC-7 --dir /work/acme-api\nagent-sre resolve INC-7');
    expect(gh.issues.get(1)).toMatchObject({ state: 'open', labels: body.labels });
  });

  it('keeps table cells whole and page text from @-mentioning anyone', async () => {
    await make().send(
      makePage('trigger', { body: 'cc @acme/everyone', fields: [{ label: 'Cmd', value: 'a | b\nc @bob' }] }),
      undefined,
    );
    const body = (gh.requests.at(-1)!.body as { body: string }).body;
    expect(body).toContain('| **Cmd** | a \\| b<br>c @\u200bbob |');
    expect(body).toContain('cc @\u200bacme/everyone');
  });

  it('reuses the issue a crashed run created instead of opening a second one', async () => {
    const old = gh.seed({
      title: 'x',
      body: `<!-- agent-sre page=p action=trigger ${MARK} -->`,
      labels: ['incident:INC-7'],
      state: 'open',
    });
    const result = await make().send(makePage('trigger'), undefined);
    expect(result).toEqual({
      status: 'delivered',
      ref: { issue: old.number },
      detail: `issue #${old.number} already exists`,
    });
    expect(calls()).toEqual([`GET ${ISSUES}`]);
  });

  it('does not reuse another project’s issue that happens to carry the same incident label', async () => {
    gh.seed({
      title: 'x',
      body: '<!-- agent-sre page=p action=trigger dedup=other -->',
      labels: ['incident:INC-7'],
      state: 'open',
    });
    expect(await make().send(makePage('trigger'), undefined)).toEqual({
      status: 'delivered',
      ref: { issue: 2 },
    });
  });

  it('with a ref, trusts it and sends nothing more', async () => {
    expect(await make().send(makePage('trigger'), { issue: 9 })).toMatchObject({
      status: 'delivered',
      ref: { issue: 9 },
    });
    expect(gh.requests).toHaveLength(0);
  });

  it('always opens a new issue for a test page, one the incident lookup will not find', async () => {
    const page = makePage('test', { title: 'Test page from agent-sre' });
    expect(await make().send(page, undefined)).toEqual({ status: 'delivered', ref: { issue: 1 } });
    expect(calls()).toEqual([`POST ${ISSUES}`]);
    const body = gh.requests[0]!.body as { title: string; labels: string[] };
    expect(body.title).toBe('[TEST] [SEV2] INC-7: Test page from agent-sre');
    expect(body.labels).toEqual(['oncall', 'agent-sre', 'sev:SEV2']);
  });
});

describe('GitHub follow-up pages', () => {
  it('comments on the issue named by the ref', async () => {
    const first = await make().send(makePage('trigger'), undefined);
    const ref = first.status === 'delivered' ? first.ref : undefined;
    expect(ref).toEqual({ issue: 1 });
    gh.requests.length = 0;
    expect(await make().send(makePage('acknowledge'), ref)).toEqual({
      status: 'delivered',
      ref: { issue: 1 },
    });
    expect(calls()).toEqual([`POST ${ISSUES}/1/comments`]);
    expect(gh.requests[0]!.reply!.status).toBe(201);
    const comment = gh.issues.get(1)!.comments[0]!;
    expect(comment).toContain('action=acknowledge');
    expect(comment).toContain('**👀 Acknowledged**: [SEV2] INC-7: Force push to main blocked');
  });

  it('restates the facts on repeats and escalations', async () => {
    await make().send(makePage('trigger'), undefined);
    await make().send(makePage('escalate', { recipient: 'bob' }), { issue: 1 });
    const comment = gh.issues.get(1)!.comments[0]!;
    expect(comment).toContain('**⏫ Escalated** (for bob)');
    expect(comment).toContain('- **Rule**: git.force-push');
  });

  it('accepts a ref whose issue number came back from storage as a string', async () => {
    await make().send(makePage('trigger'), undefined);
    gh.requests.length = 0;
    expect(await make().send(makePage('acknowledge'), { issue: '1' })).toEqual({
      status: 'delivered',
      ref: { issue: 1 },
    });
    expect(calls()).toEqual([`POST ${ISSUES}/1/comments`]);
  });

  it('finds the issue by label when the ref was lost', async () => {
    await make().send(makePage('trigger'), undefined);
    gh.requests.length = 0;
    expect(await make().send(makePage('repeat'), undefined)).toEqual({
      status: 'delivered',
      ref: { issue: 1 },
    });
    expect(calls()).toEqual([`GET ${ISSUES}`, `POST ${ISSUES}/1/comments`]);
  });

  it('opens the issue when an acknowledge finds none', async () => {
    expect(await make().send(makePage('acknowledge'), undefined)).toEqual({
      status: 'delivered',
      ref: { issue: 1 },
    });
    expect(calls()).toEqual([`GET ${ISSUES}`, `POST ${ISSUES}`]);
  });

  it('resolve comments, then closes the issue as completed', async () => {
    await make().send(makePage('trigger'), undefined);
    gh.requests.length = 0;
    expect(await make().send(makePage('resolve'), { issue: 1 })).toEqual({
      status: 'delivered',
      ref: { issue: 1 },
    });
    expect(calls()).toEqual([`POST ${ISSUES}/1/comments`, `PATCH ${ISSUES}/1`]);
    expect(gh.requests[1]!.body).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(gh.issues.get(1)).toMatchObject({ state: 'closed', state_reason: 'completed' });
  });

  it('resolve with no issue anywhere opens nothing', async () => {
    const result = await make().send(makePage('resolve'), undefined);
    expect(result).toMatchObject({
      status: 'delivered',
      detail: expect.stringContaining('nothing to close'),
    });
    expect(calls()).toEqual([`GET ${ISSUES}`]);
  });

  it('a missing issue (deleted, transferred) is a permanent failure', async () => {
    const result = await make().send(makePage('acknowledge'), { issue: 404 });
    expect(result).toEqual({ status: 'failed', error: 'HTTP 404: Not Found' });
  });
});

describe('GitHub rate limits and failures', () => {
  it('secondary rate limit (403 + retry-after) retries after the given seconds', async () => {
    gh.failNext(forced.secondaryRateLimit(60));
    const result = await make().send(makePage('trigger'), undefined);
    expect(result).toMatchObject({ status: 'retry', retryAfterMs: 60_000 });
    expect(errorOf(result)).toContain('secondary rate limit');
  });

  it('429 with retry-after retries after the given seconds', async () => {
    gh.failNext(forced.rateLimited(5, { message: 'slow down' }));
    expect(await make().send(makePage('trigger'), undefined)).toMatchObject({
      status: 'retry',
      retryAfterMs: 5_000,
    });
  });

  it('primary rate limit (remaining 0) waits until x-ratelimit-reset', async () => {
    gh.failNext(forced.primaryRateLimit(T0 / 1000 + 120));
    expect(await make().send(makePage('trigger'), undefined)).toMatchObject({
      status: 'retry',
      retryAfterMs: 120_000,
    });
  });

  it('a 403 without rate-limit headers is a permission problem: no retry', async () => {
    gh.failNext({
      status: 403,
      headers: { 'x-ratelimit-remaining': '4000' },
      body: { message: 'Resource not accessible by integration' },
    });
    expect(await make().send(makePage('trigger'), undefined)).toEqual({
      status: 'failed',
      error: 'HTTP 403: Resource not accessible by integration',
    });
  });

  it('422 validation errors are permanent and say what was wrong', async () => {
    gh.failNext({
      status: 422,
      body: { message: 'Validation Failed', errors: [{ resource: 'Label', field: 'name', code: 'invalid' }] },
    });
    expect(await make().send(makePage('test'), undefined)).toEqual({
      status: 'failed',
      error: 'HTTP 422: Validation Failed: Label name invalid',
    });
  });

  it('5xx, resets and refused connections retry; the token never shows', async () => {
    gh.failNext({ status: 502, body: { message: `bad gateway for token ${TOKEN}` } });
    const bad = await make().send(makePage('trigger'), undefined);
    expect(bad.status).toBe('retry');
    expect(errorOf(bad)).not.toContain(TOKEN);
    gh.failNext(forced.reset);
    expect((await make().send(makePage('trigger'), undefined)).status).toBe('retry');
    await gh.close();
    const refused = await make().send(makePage('trigger'), undefined);
    expect(refused).toMatchObject({ status: 'retry', error: expect.stringMatching(/^network error: /) });
    gh = await startFakeGitHub('acme', 'oncall'); // for afterEach
  });

  it('a server that does not answer in time is a retry', async () => {
    gh.failNext(forced.hang);
    expect(await make(undefined, undefined, 200).send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: 'timed out waiting for the server',
    });
  });

  it('leaves the page without a token (naming the variable), fails with a malformed repo', async () => {
    expect(await make({}).send(makePage('trigger'), undefined)).toEqual({
      status: 'retry',
      error: `GitHub token missing in this worker's environment: set GH_TOKEN where the hook, tick and serve run`,
      retryAfterMs: 60_000,
    });
    expect((await make(undefined, 'oncall').send(makePage('trigger'), undefined)).status).toBe('failed');
    expect(gh.requests).toHaveLength(0);
  });

  it('the fake refuses unauthenticated calls', async () => {
    expect((await fetch(`${gh.url}${ISSUES}`)).status).toBe(401);
  });
});
