// Tier 3 through the real client under `-p`. A plain `git push origin main` (git.push-protected), a write
// into the home directory outside the project (fs.write-outside-project) and a write outside the runbook's
// scope (runbook.scope) are tier 3: the hook
// answers `ask`. What Claude Code 2.1.332 does with that `ask` in print mode was measured here: in
// `--permission-mode bypassPermissions` and in `default` alike, there is nobody to prompt, so the call is
// refused (it lands in `permission_denials`) and the model reads the guard's reason as the call's error
// tool_result. Nothing runs silently.
//
// Gate mode `wait` holds the call instead, pages the on-call through the file channel and waits for
// `agent-sre approve|deny`: without an answer the call is denied at the timeout and the model is told why;
// with `agent-sre approve APR-1` run by the test (the human: no CLAUDECODE, same HOME and XDG dirs) while
// the hook waits, the call runs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSre,
  type CliResult,
  compareReplay,
  createProject,
  explain,
  ledgerEvents,
  ledgerIncidents,
  type Page,
  type Project,
  pageField,
  pageFor,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, type Step, say, tools, write } from './stand-in.ts';

const skip = !process.env.AGENT_SRE_REAL;

const rev = (gitDir: string, ref = 'main') =>
  spawnSync('git', ['--git-dir', gitDir, 'rev-parse', ref], { encoding: 'utf8' }).stdout.trim();

/** The human's commit, so a push would change origin whatever the agent's own commit did. */
function commitToShip(project: Project): void {
  const r = spawnSync('git', ['commit', '-q', '--allow-empty', '-m', 'to ship'], { cwd: project.dir });
  if (r.status !== 0) throw new Error(`git commit failed: ${r.stderr}`);
}

/** A commit (tier 1 for agent-sre), then the push to main (tier 3). */
const pushScript = (extra: Step[] = []): Step[] => [
  tools(bash('git commit -q --allow-empty -m "ready to ship"', 'toolu_commit')),
  tools(bash('git push origin main', 'toolu_push')),
  ...extra,
];

const field = pageField;

for (const mode of ['bypassPermissions', 'default'] as const) {
  describe.skipIf(skip)(`real client, gate mode ask, -p --permission-mode ${mode}: tier 3`, () => {
    let project: Project;
    let run: RunResult;
    let pushedBefore: string;
    let outside: string;

    beforeAll(async () => {
      project = createProject({ remote: true });
      pushedBefore = rev(project.remote!);
      commitToShip(project);
      outside = join(project.home, 'notes.txt');
      run = await runClaude(project, {
        prompt: 'Ship it.',
        permissionMode: mode,
        script: pushScript([
          tools(write(outside, 'a note outside the project\n', 'toolu_outside')),
          // init's runbook scope is `src/` (and the tests): README.md is outside it.
          tools(write(join(project.dir, 'README.md'), '# rewritten\n', 'toolu_scope')),
          say('All three were refused; a human must approve them.'),
        ]),
      });
    });
    afterAll(() => project?.dispose());

    it('the client refuses the ask: nothing was pushed, nothing written outside', () => {
      expect(run.code, explain(run)).toBe(0);
      expect(run.json?.terminal_reason, explain(run)).toBe('completed');
      expect(rev(project.remote!)).toBe(pushedBefore);
      expect(existsSync(outside)).toBe(false);
      // In default mode Claude Code's own permission flow refuses even the commit, on which agent-sre was
      // silent (tier 1): in -p there is nobody to ask. In bypassPermissions it runs.
      expect(
        run.json?.permission_denials?.map((d) => d.tool_use_id),
        explain(run),
      ).toEqual([
        ...(mode === 'default' ? ['toolu_commit'] : []),
        'toolu_push',
        'toolu_outside',
        'toolu_scope',
      ]);
      expect(readFileSync(join(project.dir, 'README.md'), 'utf8')).toBe('# real fixture\n');
      const commit = run.standIn.resultFor('toolu_commit');
      expect(commit?.is_error, explain(run)).toBe(mode === 'default');
      if (mode === 'default') expect(commit?.text).not.toContain('agent-sre');
    });

    it("the hook answered ask, and the model read the guard's reason as the error result", () => {
      expect(
        run.hookLog.some((l) => /returned permissionDecision: ask/.test(l)),
        explain(run),
      ).toBe(true);
      const push = run.standIn.resultFor('toolu_push');
      expect(push?.is_error, explain(run)).toBe(true);
      expect(push?.text).toMatch(/^agent-sre \(tier 3, git\.push-protected\): /);
      const out = run.standIn.resultFor('toolu_outside');
      expect(out?.is_error).toBe(true);
      expect(out?.text).toMatch(/^agent-sre \(tier 3, fs\.write-outside-project\): /);
      const scope = run.standIn.resultFor('toolu_scope');
      expect(scope?.is_error).toBe(true);
      expect(scope?.text).toMatch(/^agent-sre \(tier 3, runbook\.scope\): /);
    });

    it('the ledger has both asks with their rules and no run of either; replay agrees', () => {
      const events = ledgerEvents(project);
      const pre = events.filter((e) => e.event === 'PreToolUse');
      expect(pre.map((e) => [e.tool_use_id, e.tier, e.verdict, e.rule])).toEqual([
        ['toolu_commit', 1, 'allow', 'fallback.exec'],
        ['toolu_push', 3, 'ask', 'git.push-protected'],
        ['toolu_outside', 3, 'ask', 'fs.write-outside-project'],
        ['toolu_scope', 3, 'ask', 'runbook.scope'],
      ]);
      const ran = events
        .filter((e) => e.event === 'PostToolUse' || e.event === 'PostToolUseFailure')
        .map((e) => e.tool_use_id);
      expect(ran).toEqual(mode === 'default' ? [] : ['toolu_commit']);
      const { mismatches } = compareReplay(project, run);
      expect(mismatches).toEqual([]);
    });
  });
}

describe.skipIf(skip)('real client, gate mode wait, no answer: denied at the timeout', () => {
  let project: Project;
  let run: RunResult;
  let pushedBefore: string;

  beforeAll(async () => {
    project = createProject({ remote: true, policyAtInit: 'gate: { mode: wait, timeoutSeconds: 5 }' });
    pushedBefore = rev(project.remote!);
    commitToShip(project);
    run = await runClaude(project, {
      prompt: 'Ship it.',
      script: pushScript([say('Nobody approved the push; stopping.')]),
    });
  });
  afterAll(() => project?.dispose());

  it('the call waited for the gate, then was denied; nothing was pushed', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(rev(project.remote!)).toBe(pushedBefore);
    const main = run.standIn.mainRequests();
    const waited = main[2]!.at - main[1]!.at;
    expect(waited, explain(run)).toBeGreaterThanOrEqual(5_000);
    expect(waited).toBeLessThan(15_000);
    expect(
      run.json?.permission_denials?.map((d) => d.tool_use_id),
      explain(run),
    ).toEqual(['toolu_push']);
  });

  it('the reason reached the model: nobody approved within 5 s, and who was paged', () => {
    const push = run.standIn.toldAfter(1).toolResults.find((r) => r.tool_use_id === 'toolu_push');
    expect(push?.is_error, explain(run)).toBe(true);
    expect(push?.text).toContain('gate.timeout');
    expect(push?.text).toMatch(/no human approved within 5 s; paged file/);
    expect(push?.text).toContain('git.push-protected');
  });

  it('a SEV2 approval page for APR-1 landed in pages.jsonl', async () => {
    const page = await pageFor(project, (p) => field(p, 'Approval') === 'APR-1');
    expect(page.severity).toBe('SEV2');
    expect(field(page, 'Source')).toBe('approval.requested');
    expect(JSON.stringify(page)).toContain('agent-sre approve APR-1');
  });

  it('the ledger records the ask and the timeout; replay agrees on the ask', () => {
    const events = ledgerEvents(project).filter((e) => e.tool_use_id === 'toolu_push');
    expect(events.map((e) => [e.event, e.verdict, e.rule])).toEqual([
      ['PreToolUse', 'ask', 'git.push-protected'],
      ['gate.answer', 'deny', 'gate.timeout'],
    ]);
    expect(compareReplay(project, run).mismatches).toEqual([]);
    expect(
      ledgerIncidents(project).some((i) => (i.source as { kind?: string }).kind === 'approval.requested'),
    ).toBe(true);
  });
});

describe.skipIf(skip)('real client, gate mode wait, `agent-sre approve APR-1` while it waits', () => {
  let project: Project;
  let run: RunResult;
  let approved: CliResult;
  let page: Page;

  beforeAll(async () => {
    // A long timeout, so only the approval can end the wait within the test's time.
    project = createProject({ remote: true, policyAtInit: 'gate: { mode: wait, timeoutSeconds: 60 }' });
    const running = runClaude(project, {
      prompt: 'Ship it.',
      script: pushScript([say('Pushed after a human approved it.')]),
      timeoutMs: 50_000,
    });
    try {
      page = await pageFor(project, (p) => field(p, 'Approval') === 'APR-1', 30_000);
      approved = await agentSre(project, ['approve', 'APR-1', '--by', 'real-test']);
    } finally {
      run = await running;
    }
  }, 90_000);
  afterAll(() => project?.dispose());

  it('the human answer was accepted', () => {
    expect(approved.status, `${approved.stdout}\n${approved.stderr}`).toBe(0);
    expect(page.severity).toBe('SEV2');
  });

  it('the push ran: origin has the commit, and the model got its output', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(rev(project.remote!)).toBe(rev(join(project.dir, '.git'), 'HEAD'));
    expect(run.json?.permission_denials, explain(run)).toEqual([]);
    const push = run.standIn.resultFor('toolu_push');
    expect(push?.is_error, explain(run)).toBe(false);
    // Well under the 60 s timeout: the approval ended the wait.
    const main = run.standIn.mainRequests();
    expect(main[2]!.at - main[1]!.at).toBeLessThan(30_000);
  });

  it('the ledger has the ask, the signed approval by the human, and the run', () => {
    const events = ledgerEvents(project).filter((e) => e.tool_use_id === 'toolu_push');
    expect(events.map((e) => [e.event, e.verdict, e.rule])).toEqual([
      ['PreToolUse', 'ask', 'git.push-protected'],
      ['gate.answer', 'allow', 'gate.approved'],
      ['PostToolUse', null, null],
    ]);
    expect(events[1]?.reason).toContain('APR-1 approved by real-test');
    expect(compareReplay(project, run).mismatches).toEqual([]);
  });
});
