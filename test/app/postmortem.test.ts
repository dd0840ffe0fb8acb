// The postmortem's action items filed as GitHub issues against a fake GitHub on 127.0.0.1, templates a
// project brings, and the fleet report, over the recorded scenarios of the golden tests.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gitLog } from '../../src/adapters/git/log.ts';
import type { GitReader } from '../../src/app/evidence.ts';
import { loadProjectPolicy } from '../../src/app/policy.ts';
import { draftPostmortem, PostmortemError } from '../../src/app/postmortem.ts';
import { makeReport } from '../../src/app/report.ts';
import { openLedger } from '../../src/app/store.ts';
import type { Policy } from '../../src/core/policy/types.ts';
import { tempProject } from '../e2e/bin.ts';
import {
  destructiveChain,
  HOME,
  overnightRedSuite,
  type Scenario,
} from '../fixtures/postmortem/scenarios.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/fake-apis.ts';

const made: string[] = [];
let chain: Scenario;
let red: Scenario;
let gh: FakeGitHub;
const git: GitReader = (d, o) =>
  gitLog(d, { ...o, env: { ...process.env, GIT_CEILING_DIRECTORIES: dirname(d) } });

beforeAll(async () => {
  const a = tempProject('agent-sre-pm-app-');
  const b = tempProject('agent-sre-pm-app-');
  made.push(a, b);
  chain = await destructiveChain(a);
  red = await overnightRedSuite(b);
  gh = await startFakeGitHub('acme', 'api');
}, 60_000);
afterAll(async () => {
  await gh?.close();
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

async function policyWith(dir: string, extra: string): Promise<Policy> {
  const file = join(dir, 'agent-sre.yaml');
  writeFileSync(file, `${readFileSync(file, 'utf8')}${extra}`);
  return (await loadProjectPolicy(dir, HOME, { cache: false })).compiled.policy;
}

async function draft(
  sc: Scenario,
  policy: Policy,
  opts: { subject: string; fileIssues?: boolean; templateFile?: string },
  env = {},
) {
  const store = openLedger(sc.dir);
  try {
    return await draftPostmortem(opts, {
      store,
      projectDir: sc.dir,
      policy,
      now: sc.writtenAt,
      env,
      git,
      sleep: async () => {},
    });
  } finally {
    await store.close();
  }
}

describe('postmortem --file-issues', () => {
  let policy: Policy;
  beforeAll(async () => {
    policy = await policyWith(
      chain.dir,
      `channels:\n  file: { type: file }\n  gh: { type: github, repo: acme/api, tokenEnv: GH_TOKEN, baseUrl: '${gh.url}', labels: [agents] }\n`,
    );
  });

  it('files each action item once, with its type and the postmortem label, and links them in Tracking', async () => {
    const r = await draft(
      chain,
      policy,
      { subject: 'INC-4', fileIssues: true },
      { GH_TOKEN: 'ghp_fake_token_for_tests' },
    );
    expect(r.issues).toMatchObject({ channel: 'gh', repo: 'acme/api', error: null });
    expect(r.issues!.filed.map((f) => [f.number, f.created])).toEqual([
      [1, true],
      [2, true],
    ]);
    const issues = [...gh.issues.values()];
    expect(issues.map((i) => i.labels)).toEqual([
      ['agents', 'agent-sre', 'postmortem', 'postmortem:INC-4', 'action:process'],
      ['agents', 'agent-sre', 'postmortem', 'postmortem:INC-4', 'action:prevent'],
    ]);
    expect(issues[0]!.title).toBe(
      "[postmortem INC-4] Make sure a page is answered within 15 min: check the route, the on-call's notifications and the escalation policy's delays",
    );
    expect(issues[0]!.body).toContain('| Owner | Ben Okafor |');
    expect(issues[0]!.body).toMatch(/^<!-- agent-sre action=INC-4%2Fpage-unacknowledged%2F/);
    expect(r.markdown).toContain(
      '| process | Ben Okafor | P1 | [acme/api#1](https://github.com/acme/api/issues/1) |',
    );
    expect(gh.requests.every((q) => q.headers.authorization === 'token ghp_fake_token_for_tests')).toBe(true);

    const again = await draft(
      chain,
      policy,
      { subject: 'INC-4', fileIssues: true },
      { GH_TOKEN: 'ghp_fake_token_for_tests' },
    );
    expect(again.issues!.filed.map((f) => [f.number, f.created])).toEqual([
      [1, false],
      [2, false],
    ]);
    expect(gh.issues.size).toBe(2);
  });

  it('says which variable to set when the token is missing, and still drafts the postmortem', async () => {
    const r = await draft(chain, policy, { subject: 'INC-4', fileIssues: true }, {});
    expect(r.issues).toMatchObject({
      filed: [],
      error: 'set GH_TOKEN to a token that may create issues in acme/api',
    });
    expect(r.markdown).toContain('to file (`--file-issues`)');
  });

  it('a GitHub error stops filing with the reason, without the token in it', async () => {
    gh.failNext({ status: 500, body: { message: 'boom ghp_fake_token_for_tests' } });
    const r = await draft(
      chain,
      policy,
      { subject: 'INC-4', fileIssues: true },
      { GH_TOKEN: 'ghp_fake_token_for_tests' },
    );
    expect(r.issues!.error).toContain('GitHub answered 500');
    expect(r.issues!.error).not.toContain('ghp_fake_token_for_tests');
  });

  it('refuses without a GitHub channel', async () => {
    await expect(draft(red, red.policy, { subject: 'INC-1', fileIssues: true })).rejects.toThrow(
      PostmortemError,
    );
  });
});

describe('postmortem templates', () => {
  it("fills the project's docs/postmortem-template.md, including an older one without section placeholders", async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(red.dir, 'docs'), { recursive: true });
    writeFileSync(
      join(red.dir, 'docs', 'postmortem-template.md'),
      [
        '# {{incident.id}}: {{incident.title}}',
        '',
        'Owner: {{postmortem.owner}}. Cost: {{session.tokenCost}}. TTR {{metrics.ttr}}. {{team.channel}}',
        '',
        '## Summary',
        '',
        'Say what happened. Bob caused it.',
        '',
        '## Action items',
        '',
        '| Action item | Type | Owner | Priority | Tracking |',
        '|---|---|---|---|---|',
        '| | | | | |',
        '',
      ].join('\n'),
    );
    const r = await draft(red, red.policy, { subject: 'sess-overnight-red' });
    expect(r.template.source).toBe(join(red.dir, 'docs', 'postmortem-template.md'));
    expect(r.markdown.split('\n').slice(0, 3)).toEqual([
      '# INC-1: Acceptance gate exhausted: the agent stopped with tests still failing',
      '',
      'Owner: Ben Okafor. Cost: not available (no transcript). TTR 7h 00m. {{team.channel}}',
    ]);
    expect(r.template.unknown).toEqual(['team.channel']);
    expect(r.markdown).toMatch(
      /## Summary\n\nSession `sess-overnight-red` started[^\n]*\n\nSay what happened\. Bob caused it\./,
    );
    expect(r.markdown).toContain('|---|---|---|---|---|\n| AI-1: Stop commits on a red suite');
    expect(r.markdown).not.toContain('| | | | | |');
    expect(r.template.findings).toEqual([
      expect.objectContaining({ line: 7, rule: 'blame.caused', text: 'Bob caused' }),
    ]);
    expect(r.findings.map((f) => f.rule)).toEqual(['blame.caused']);
    // Sections the template has no heading for still appear.
    expect(r.markdown).toContain('\n## Timeline\n');
    expect(r.template.inserted).toContain('postmortem.timeline');
    rmSync(join(red.dir, 'docs'), { recursive: true, force: true });
  });

  it('an unknown incident or session is an error that says where to look', async () => {
    await expect(draft(red, red.policy, { subject: 'INC-99' })).rejects.toThrow(
      'no incident "INC-99"; see agent-sre incidents',
    );
    await expect(draft(red, red.policy, { subject: 'nope' })).rejects.toThrow(
      'no session "nope"; see agent-sre sessions',
    );
  });
});

describe('report', () => {
  it('measures the overnight incident and the change failure rate of its agent commit', async () => {
    const store = openLedger(red.dir);
    try {
      const since = Date.parse('2026-03-01T00:00:00Z');
      const { report, charts } = await makeReport(since, {
        store,
        projectDir: red.dir,
        policy: red.policy,
        now: red.writtenAt,
        git,
      });
      expect(report.incidents).toMatchObject({
        measured: 1,
        bySeverity: { SEV2: 1 },
        bySource: { 'gate.exhausted': 1 },
        automated: 1,
      });
      expect(report.metrics.ttr.median).toBe(
        Date.parse('2026-03-12T09:05:00Z') - (Date.parse('2026-03-12T02:04:00Z') + 4500),
      );
      expect(report.changeFailure).toMatchObject({ commits: 1, failed: 1, reverted: 1, redAfter: 1 });
      expect(report.sessions.list).toEqual([
        expect.objectContaining({
          id: 'sess-overnight-red',
          gateBlocks: 2,
          gateExhausted: 1,
          denials: 0,
          cost: null,
        }),
      ]);
      expect(charts).toHaveLength(5);
      // Nothing in a window that ended before the session.
      const before = await makeReport(since, {
        store,
        projectDir: red.dir,
        policy: red.policy,
        now: since + 86_400_000,
        git,
      });
      expect(before.report.incidents.measured).toBe(0);
      expect(before.report.sessions.count).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('counts the chain: four incidents, three per-call ones and the escalation', async () => {
    const store = openLedger(chain.dir);
    try {
      const { report } = await makeReport(Date.parse('2026-03-01T00:00:00Z'), {
        store,
        projectDir: chain.dir,
        policy: chain.policy,
        now: chain.writtenAt,
        git,
      });
      expect(report.incidents).toMatchObject({ measured: 4, bySeverity: { SEV2: 1, SEV3: 3 } });
      expect(report.metrics.tta).toMatchObject({ n: 1, missing: 3, median: 3 * 60_000 });
      expect(report.metrics.ttc).toMatchObject({ n: 1, missing: 3 });
      expect(report.changeFailure.commits).toBe(0);
      expect(report.sessions.list[0]).toMatchObject({ denials: 3 });
    } finally {
      await store.close();
    }
  });
});
