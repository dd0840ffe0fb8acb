// The scenarios every other agent's real client goes through with agent-sre's hook in its hook config
// (codex.test.ts and gemini.test.ts run them, each with its agent's profile): a denial fed back to the
// model, three denials escalating to a page at a loopback webhook, the Stop / AfterAgent gate over a red
// suite, the agent going after its own hook config and agent-sre.yaml, and the session's cost read from
// the agent's transcript. Every scenario also checks that the hook really ran (a ledger row for the
// session), so a client that silently skipped the hook fails. Not a test file itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_SECRET } from '../../e2e/team-helpers.ts';
import { type FakeServer, startFakeWebhookReceiver } from '../../helpers/fake-apis.ts';
import {
  agentSre,
  fingerprints,
  type LedgerEvent,
  ledgerEvents,
  ledgerIncidents,
  ledgerSessions,
  type Project,
  waitFor,
} from '../harness.ts';
import {
  type Agent,
  type AgentProject,
  type AgentProjectOptions,
  type AgentRun,
  createAgentProject,
  explain,
  runAgent,
  transcriptTokens,
} from './harness.ts';
import { type Call, costing, type Step, say, tools } from './stand-in.ts';

export interface AgentProfile {
  agent: Agent;
  /** How agent-sre's reports name it. */
  name: string;
  /** The agent's shell tool call. */
  shell(command: string, id: string): Call;
  /** What the client puts before a hook's reason when it hands the model a refused call's result. */
  refusal: RegExp;
}

const real = !process.env.AGENT_SRE_REAL;

/** The session's rows in the ledger, for one normalised event (PreToolUse, PostToolUse, Stop, ...). */
function rows(project: Project, run: AgentRun, event: string): LedgerEvent[] {
  return ledgerEvents(project).filter((e) => e.session_id === run.sessionId && e.event === event);
}

const git = (dir: string, ...args: string[]) => {
  const r = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

interface SessionSpec {
  /** Read when the block starts (after earlier beforeAll hooks, e.g. a receiver's port). */
  options?: () => AgentProjectOptions;
  script: (project: AgentProject) => Step[];
  /** Run on the project before the client starts. */
  prepare?: (project: AgentProject) => void;
  env?: () => NodeJS.ProcessEnv;
}

/** A project for `p.agent` and its one run, made before the block's tests and disposed of after them. */
function session(p: AgentProfile, spec: SessionSpec): { project: () => AgentProject; run: () => AgentRun } {
  let project: AgentProject | undefined;
  let run: AgentRun | undefined;
  beforeAll(async () => {
    project = createAgentProject(p.agent, spec.options?.() ?? {});
    spec.prepare?.(project);
    run = await runAgent(project, {
      prompt: 'Do the task.',
      script: spec.script(project),
      env: spec.env?.() ?? {},
    });
  });
  afterAll(() => project?.dispose());
  return { project: () => project!, run: () => run! };
}

const PRICING =
  'pricing:\n  models:\n    fake-model: { input: 10, output: 50 }\n    gemini-2.5-flash: { input: 10, output: 50 }';

export function scenarios(p: AgentProfile): void {
  describe.skipIf(real)(`${p.agent}: a tier-4 call is denied and the model reads why`, () => {
    let origin = '';
    const s = session(p, {
      options: () => ({ remote: true }),
      script: () => [
        tools(p.shell('git status --short', 'call_status')),
        tools(p.shell('git push --force origin main', 'call_push')),
        say('The force-push was refused; I will open a pull request instead.'),
      ],
      prepare: (project) => {
        // Local history now differs from origin's: a force-push that ran would show there.
        git(project.dir, 'commit', '-q', '--amend', '-m', 'rewritten');
        origin = git(project.remote!, 'rev-parse', 'main');
      },
    });

    it('runs to the end; origin is untouched', () => {
      const run = s.run();
      expect(run.code, explain(run)).toBe(0);
      expect(run.standIn.stepsServed, explain(run)).toBe(3);
      expect(git(s.project().remote!, 'rev-parse', 'main')).toBe(origin);
      expect(git(s.project().dir, 'rev-parse', 'main')).not.toBe(origin);
    });

    it('the model got the refusal with the same rule id as Claude Code gets, and the allowed output', () => {
      const run = s.run();
      const push = run.standIn.outputFor('call_push');
      expect(push?.text, explain(run)).toMatch(p.refusal);
      expect(push?.text).toContain('agent-sre (tier 4, git.force-push-protected)');
      expect(run.standIn.outputFor('call_status')?.text, explain(run)).not.toMatch(p.refusal);
    });

    it('the ledger has the session, both decisions and the allowed call’s outcome', () => {
      const run = s.run();
      const pre = rows(s.project(), run, 'PreToolUse');
      expect(
        pre.map((e) => [e.tool, e.verdict, e.rule]),
        JSON.stringify(ledgerEvents(s.project()), null, 1),
      ).toEqual([
        ['Bash', 'allow', expect.anything()],
        ['Bash', 'deny', 'git.force-push-protected'],
      ]);
      expect(rows(s.project(), run, 'PostToolUse').length).toBeGreaterThan(0);
      const session = ledgerSessions(s.project()).find((x) => x.session_id === run.sessionId);
      expect(session?.denials, JSON.stringify(ledgerSessions(s.project()))).toBe(1);
    });
  });

  describe.skipIf(real)(
    `${p.agent}: the session's cost, read from the agent's transcript, is held to budget`,
    () => {
      // $10 per million input tokens: the second response reports 100k of them, so the session has spent
      // about $1 of its $0.50 once the client has written that response to its transcript. (A million would
      // overflow Codex's context window and set off a compaction.)
      const s = session(p, {
        options: () => ({ policyAtInit: ['budgets: { costUsd: 0.5 }', PRICING].join('\n') }),
        script: () => [
          costing({ input: 1000, output: 100 }, tools(p.shell('echo one', 'call_1'))),
          costing({ input: 100_000, output: 100 }, tools(p.shell('echo two', 'call_2'))),
          costing({ input: 1000, output: 100 }, tools(p.shell('echo three', 'call_3'))),
          costing({ input: 1000, output: 100 }, tools(p.shell('echo four', 'call_4'))),
          say('The budget is spent; a human decides.'),
        ],
      });

      it('the client recorded the usage the API reported, response by response', () => {
        const run = s.run();
        expect(run.code, explain(run)).toBe(0);
        expect(transcriptTokens(run), explain(run)).toEqual(run.standIn.usageServed());
      });

      it('the first call ran; soon after the costly response the calls are refused with budget.costUsd', () => {
        const run = s.run();
        expect(run.standIn.outputFor('call_1')?.text, explain(run)).toContain('one');
        const pre = rows(s.project(), run, 'PreToolUse');
        const verdicts = JSON.stringify(pre.map((e) => [e.tool_use_id, e.verdict, e.rule]));
        expect(pre[0]?.verdict, verdicts).toBe('allow');
        // The hook adds a response's cost at the next call's outcome, from the transcript as the client has
        // written it by then: the costly response is counted by call_2's outcome, or call_3's should the
        // client write it late, so call_4 is refused either way, and once one call is refused the rest are.
        const first = pre.findIndex((e) => e.rule === 'budget.costUsd');
        expect(first, verdicts).toBeGreaterThan(0);
        expect(
          pre.slice(first).every((e) => e.rule === 'budget.costUsd'),
          verdicts,
        ).toBe(true);
        console.log(
          `${p.agent}: the first call refused for cost: ${pre[first]?.tool_use_id} (the costly response carried call_2)`,
        );
        const out = run.standIn.outputFor('call_4');
        expect(out?.text, explain(run)).toMatch(p.refusal);
        expect(out?.text).toContain('budget.costUsd');
        expect(out?.text).toContain('cost budget is spent');
      });
    },
  );

  describe.skipIf(real)(`${p.agent}: the stop gate holds a claim of done over a red suite`, () => {
    const s = session(p, {
      options: () => ({ answer: 41 }),
      script: () => [
        say('Implementation complete, all tests pass.'),
        tools(p.shell("printf 'module.exports = 42;\\n' > src/answer.js", 'call_fix')),
        tools(p.shell('npm test', 'call_test')),
        say('Fixed src/answer.js; npm test passes.'),
      ],
    });

    it('the stop was refused and the model got another turn with the failing output', () => {
      const run = s.run();
      const told = run.standIn.toldAfter(0);
      expect(told.all, explain(run)).toContain('expected 42, got 41');
      expect(told.all).toContain('runbook.post.npm-test');
    });

    it('after the fix the session ends, with no extra turn, and the suite is green', () => {
      const run = s.run();
      expect(run.code, explain(run)).toBe(0);
      expect(run.standIn.stepsServed, explain(run)).toBe(4);
      expect(
        run.standIn.loopRequests().filter((r) => r.answer === 'overrun'),
        explain(run),
      ).toEqual([]);
      expect(readFileSync(join(s.project().dir, 'src', 'answer.js'), 'utf8')).toContain('42');
      expect(run.standIn.outputFor('call_test')?.text).toContain('ok 1 - answer is 42');
    });

    it('the ledger has the refused stop and the allowed one', () => {
      const stops = rows(s.project(), s.run(), 'Stop');
      expect(
        stops.map((e) => [e.verdict, e.rule]),
        JSON.stringify(stops, null, 1),
      ).toEqual([
        ['deny', 'acceptance.blocked'],
        ['allow', expect.anything()],
      ]);
    });
  });

  describe.skipIf(real)(`${p.agent}: the agent goes after its own hook config and the policy`, () => {
    let files: string[] = [];
    let before: Record<string, string> = {};
    // Codex keeps the user's trust in its hooks in $CODEX_HOME/config.toml (init recorded it there).
    const trustFile = (project: AgentProject) => join(project.agentHome, 'config.toml');
    const attempts = (project: AgentProject): [string, string][] => [
      [`printf '{"hooks":{}}' > ${project.hookConfig}`, 'call_hooks'],
      ["sed -i 's/escalateAfter: 3/escalateAfter: 99/' agent-sre.yaml", 'call_policy'],
      ...(p.agent === 'codex'
        ? ([[`printf '[features]\\nhooks = false\\n' >> ${trustFile(project)}`, 'call_trust']] as [
            string,
            string,
          ][])
        : []),
    ];
    const s = session(p, {
      script: (project) => [
        ...attempts(project).map(([c, id]) => tools(p.shell(c, id))),
        say('The guard refused each change.'),
      ],
      prepare: (project) => {
        files = [project.hookConfig, join(project.dir, 'agent-sre.yaml')];
        if (p.agent === 'codex') files.push(trustFile(project));
        before = fingerprints(files);
      },
    });

    it('every attempt was refused with guard.tamper, and the model was told', () => {
      const run = s.run();
      expect(run.code, explain(run)).toBe(0);
      for (const [, id] of attempts(s.project())) {
        const out = run.standIn.outputFor(id);
        expect(out?.text, `${id}\n${explain(run)}`).toMatch(p.refusal);
        expect(out?.text).toContain('guard.tamper');
      }
    });

    it('the hook config and the policy are byte-identical', () => {
      expect(fingerprints(files)).toEqual(before);
    });

    it('the ledger has one denial per attempt', () => {
      const pre = rows(s.project(), s.run(), 'PreToolUse');
      expect(pre.map((e) => [e.verdict, e.rule])).toEqual(
        attempts(s.project()).map(() => ['deny', 'guard.tamper']),
      );
    });
  });

  describe.skipIf(real)(`${p.agent}: three denials in a row escalate and page a human`, () => {
    let receiver: FakeServer;
    beforeAll(async () => {
      receiver = await startFakeWebhookReceiver(HOOK_SECRET);
    });
    afterAll(() => receiver?.close());
    const pushes = ['git push --force origin main', 'git push -f origin main', 'git push origin +main'];
    const s = session(p, {
      options: () => ({
        remote: true,
        policy: `channels:\n  pager: { type: webhook, url: "${receiver.url}/hook", secretEnv: HOOK_SECRET, quietHours: false }`,
      }),
      script: () => [
        ...pushes.map((c, i) => tools(p.shell(c, `call_${i + 1}`))),
        say('A human has been paged; I am stopping here.'),
      ],
      // The hook and the page flusher it starts read the webhook's secret from the environment.
      env: () => ({ HOOK_SECRET }),
    });

    it('every refusal reached the model; the third says the session escalated', () => {
      const run = s.run();
      expect(run.code, explain(run)).toBe(0);
      for (const i of [1, 2, 3]) {
        const out = run.standIn.outputFor(`call_${i}`);
        expect(out?.text, explain(run)).toMatch(p.refusal);
        expect(out?.text).toContain('git.force-push-protected');
      }
      expect(run.standIn.outputFor('call_1')?.text).not.toContain('escalated');
      expect(run.standIn.outputFor('call_3')?.text, explain(run)).toMatch(
        /escalated this session to a human \(INC-\d+/,
      );
    });

    it('the ledger says escalated, with a SEV2 session.escalated incident', () => {
      const run = s.run();
      const session = ledgerSessions(s.project()).find((x) => x.session_id === run.sessionId);
      expect(session?.status, JSON.stringify(ledgerSessions(s.project()))).toBe('escalated');
      expect(session?.consecutive_denials).toBe(3);
      const escalated = ledgerIncidents(s.project()).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'session.escalated',
      );
      expect(escalated?.severity, JSON.stringify(ledgerIncidents(s.project()))).toBe('SEV2');
    });

    it('the page reached the loopback webhook, signed', async () => {
      const escalated = ledgerIncidents(s.project()).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'session.escalated',
      );
      const page = await waitFor(
        'the escalation page at the webhook',
        () =>
          receiver.requests.find(
            (r) => (r.body as { incident?: { id?: string } })?.incident?.id === escalated?.id,
          ),
        { timeoutMs: 30_000 },
      );
      // The receiver answers 204 only when the HMAC over the raw body checks out with HOOK_SECRET.
      expect(page.reply?.status).toBe(204);
      expect(JSON.stringify(page.body)).toContain('escalated after 3 denials in a row');
    });

    it('the postmortem of the escalation names the agent the session ran in', async () => {
      const escalated = ledgerIncidents(s.project()).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'session.escalated',
      );
      const r = await agentSre(s.project(), ['postmortem', escalated!.id!, '--dir', s.project().dir]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(p.name);
      expect(r.stdout).toContain('git.force-push-protected');
    });
  });
}
