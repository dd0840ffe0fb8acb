// The on-call engineer approves a gated call from a browser. A real Claude Code session runs `git push
// origin main` (tier 3) with gate mode `wait`; `agent-sre serve` runs as the human beside it, with its
// dashboard; headless Chromium opens the login link serve printed, finds the waiting approval, and clicks
// Approve. The hook, still holding the call, sees the signed answer and lets it through: the push lands
// on origin and the model gets its output. The ledger says who approved, and that it came by the dashboard.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectProblems, launchChromium } from '../helpers/browser.ts';
import {
  baseEnv,
  createProject,
  explain,
  ledgerEvents,
  type Project,
  type RunResult,
  runClaude,
  waitFor,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const skip = !process.env.AGENT_SRE_REAL;

const rev = (gitDir: string, ref = 'main') =>
  spawnSync('git', ['--git-dir', gitDir, 'rev-parse', ref], { encoding: 'utf8' }).stdout.trim();

/** `agent-sre serve` as the human runs it: the session's HOME and XDG dirs (the same per-user secret). */
function startServe(project: Project): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    [project.cliBin, 'serve', '--dashboard-port', '0', '--interval', '60', '--by', 'oncall-ana'],
    {
      cwd: project.dir,
      env: { ...baseEnv(project.home, project.binDir, project.tmp), AGENT_SRE_DELIVERY: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  return { child, output: () => out };
}

describe.skipIf(skip)('real client, gate mode wait, approved in the dashboard in Chromium', () => {
  let project: Project;
  let run: RunResult;
  let serve: ReturnType<typeof startServe>;
  let browser: Browser;
  let problems: string[] = [];
  let cardText = '';
  let statusAfter = '';

  beforeAll(async () => {
    // A long timeout: only the approval can end the wait within the test's time.
    project = createProject({ remote: true, policyAtInit: 'gate: { mode: wait, timeoutSeconds: 90 }' });
    serve = startServe(project);
    const login = await waitFor(
      'serve to print its login link',
      () => {
        const link = /sign in as oncall-ana[^:]*: (http:\/\/127\.0\.0\.1:\d+\/login\?t=\S+)/.exec(
          serve.output(),
        )?.[1];
        if (!link) throw new Error(`serve said: ${serve.output().slice(-2000)}`);
        return link;
      },
      { timeoutMs: 20_000 },
    );
    browser = await launchChromium();
    const page = await browser.newPage();
    problems = collectProblems(page);
    await page.goto(login);
    const running = runClaude(project, {
      prompt: 'Ship it.',
      script: [
        tools(bash('git commit -q --allow-empty -m "ready to ship"', 'toolu_commit')),
        tools(bash('git push origin main', 'toolu_push')),
        say('Pushed after a human approved it in the dashboard.'),
      ],
      timeoutMs: 80_000,
    });
    try {
      // The approval appears live (the page listens to the server's event stream; no reload).
      const card = page.locator('article.approval[data-id="APR-1"]');
      await card.waitFor({ state: 'visible', timeout: 45_000 });
      cardText = (await card.textContent()) ?? '';
      await card.getByRole('button', { name: 'Approve', exact: true }).click();
      await waitFor(
        'the dashboard to show the answer',
        async () => {
          const t = (await page.locator('body').textContent()) ?? '';
          return /approved/i.test(t) &&
            !(await card.getByRole('button', { name: 'Approve', exact: true }).count())
            ? t
            : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      statusAfter = (await page.locator('body').textContent()) ?? '';
    } finally {
      run = await running;
    }
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    serve?.child.kill('SIGTERM');
    project?.dispose();
  });

  it('the dashboard showed the gated call with its rule before anyone answered', () => {
    expect(cardText).toContain('git push origin main');
    expect(cardText).toContain('git.push-protected');
    expect(statusAfter).toMatch(/oncall-ana/);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('the push ran: origin has the commit, and the model got its output', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(rev(project.remote!)).toBe(rev(join(project.dir, '.git'), 'HEAD'));
    expect(run.json?.permission_denials, explain(run)).toEqual([]);
    expect(run.standIn.resultFor('toolu_push')?.is_error, explain(run)).toBe(false);
  });

  it('the ledger records the approval by the signed-in human, through the dashboard', () => {
    const events = ledgerEvents(project).filter((e) => e.tool_use_id === 'toolu_push');
    expect(events.map((e) => [e.event, e.verdict, e.rule])).toEqual([
      ['PreToolUse', 'ask', 'git.push-protected'],
      ['gate.answer', 'allow', 'gate.approved'],
      ['PostToolUse', null, null],
    ]);
    expect(events[1]?.reason).toContain('APR-1 approved by oncall-ana');
    // The approval's incident was resolved by the same answer; its timeline names the person and the route.
    const shown = spawnSync(process.execPath, [project.cliBin, 'incident', 'show', 'INC-1', '--json'], {
      cwd: project.dir,
      env: baseEnv(project.home, project.binDir, project.tmp),
      encoding: 'utf8',
    });
    expect(shown.status, shown.stderr).toBe(0);
    const timeline = (JSON.parse(shown.stdout) as { timeline: Array<{ kind: string; actor: unknown }> })
      .timeline;
    expect(timeline.find((t) => t.kind === 'resolved')?.actor).toEqual({
      kind: 'human',
      id: 'oncall-ana',
      via: 'dashboard',
    });
  });
});
