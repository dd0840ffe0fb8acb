// The runbook and the guard's policy changed mid-session, by the human (the test process, between two
// steps: the stand-in runs the edit when the model's next request arrives, after every hook of the step
// before has answered). From then on every action above tier 1 is gated at tier 3 (`runbook.changed`,
// `guard.config-changed`), which under `-p` means refused with the reason; tier 1 still runs. Last, in gate
// mode `wait`, the agent edits the runbook itself (tier 3, guard.runbook-edit) with a human's approval, and
// its next write is gated by the change it made (runbook.changed) and refused by a human's deny.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentSre,
  approvalPage,
  type CliResult,
  compareReplay,
  createProject,
  explain,
  ledgerEvents,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, before, say, tools, write } from './stand-in.ts';

const cases = [
  {
    what: 'AGENTS.md (the runbook)',
    rule: 'runbook.changed',
    file: 'AGENTS.md',
    edit: '- Never run `npm publish`.\n',
    says: 'The runbook changed since this session started',
  },
  {
    what: 'agent-sre.yaml (the policy)',
    rule: 'guard.config-changed',
    file: 'agent-sre.yaml',
    edit: 'explicitAllow: false\n',
    says: 'agent-sre.yaml',
  },
] as const;

for (const c of cases) {
  describe.skipIf(!process.env.AGENT_SRE_REAL)(`real client: ${c.what} edited mid-session`, () => {
    let project: Project;
    let run: RunResult;
    let edited = false;

    beforeAll(async () => {
      project = createProject();
      const src = (f: string) => join(project.dir, 'src', f);
      run = await runClaude(project, {
        prompt: 'Add two modules.',
        script: [
          tools(bash('ls src', 'toolu_ls1'), write(src('a.js'), 'module.exports = 1;\n', 'toolu_a')),
          before(
            () => {
              appendFileSync(join(project.dir, c.file), c.edit);
              edited = true;
            },
            tools(bash('ls src', 'toolu_ls2'), write(src('b.js'), 'module.exports = 2;\n', 'toolu_b')),
          ),
          say('b.js needs a human to approve it after the change.'),
        ],
      });
    });
    afterAll(() => project?.dispose());

    it('before the edit both calls ran; after it the write was refused and tier 1 still ran', () => {
      expect(edited).toBe(true);
      expect(run.code, explain(run)).toBe(0);
      expect(run.json?.terminal_reason, explain(run)).toBe('completed');
      expect(readFileSync(join(project.dir, 'src', 'a.js'), 'utf8')).toContain('1');
      expect(existsSync(join(project.dir, 'src', 'b.js'))).toBe(false);
      expect(
        run.json?.permission_denials?.map((d) => d.tool_use_id),
        explain(run),
      ).toEqual(['toolu_b']);
      const ls2 = run.standIn.resultFor('toolu_ls2');
      expect(ls2?.is_error, explain(run)).toBe(false);
      expect(ls2?.text).toContain('a.js');
    });

    it(`the model was told why: ${c.rule}, and who can lift it`, () => {
      const b = run.standIn.resultFor('toolu_b');
      expect(b?.is_error, explain(run)).toBe(true);
      expect(b?.text).toMatch(new RegExp(`^agent-sre \\(tier 3, ${c.rule.replace('.', '\\.')}\\): `));
      expect(b?.text).toContain('agent-sre session resume');
      expect(b?.text).toContain(c.says);
    });

    it(`the ledger has the write at tier 2 before and at tier 3 (${c.rule}) after`, () => {
      const pre = ledgerEvents(project).filter((e) => e.event === 'PreToolUse');
      const by = (id: string) => pre.find((e) => e.tool_use_id === id);
      expect([by('toolu_a')?.tier, by('toolu_a')?.verdict]).toEqual([2, 'allow']);
      expect([by('toolu_b')?.tier, by('toolu_b')?.verdict, by('toolu_b')?.rule]).toEqual([3, 'ask', c.rule]);
      expect([by('toolu_ls1')?.tier, by('toolu_ls2')?.tier, by('toolu_ls2')?.verdict]).toEqual([
        1,
        1,
        'allow',
      ]);
    });

    // A file changed between two calls is not in the transcript: replay judges against the files as they
    // are when it runs, so exactly the gated write differs, and it is reported as depending on that change.
    it('replay agrees with every live PreToolUse verdict but the one the mid-session change gated', () => {
      const c = compareReplay(project, run);
      expect(c.mismatches).toEqual([]);
      expect(c.stateDependent).toEqual(['toolu_b']);
    });
  });
}

describe.skipIf(!process.env.AGENT_SRE_REAL)(
  'real client, gate mode wait: the agent edits the runbook with a human approval, then is gated by it',
  () => {
    let project: Project;
    let run: RunResult;
    let answers: CliResult[];

    beforeAll(async () => {
      project = createProject({ policyAtInit: 'gate: { mode: wait, timeoutSeconds: 60 }' });
      const running = runClaude(project, {
        prompt: 'Add a rule to the runbook, then a module.',
        script: [
          tools(bash('echo "- Never deploy on a Friday." >> AGENTS.md', 'toolu_runbook')),
          tools(write(join(project.dir, 'src', 'b.js'), 'module.exports = 2;\n', 'toolu_b')),
          say('The human refused b.js until the runbook is reviewed.'),
        ],
        timeoutMs: 60_000,
      });
      try {
        answers = [];
        // The agent's own runbook edit is tier 3 (guard.runbook-edit): a human approves it.
        await approvalPage(project, 'APR-1');
        answers.push(await agentSre(project, ['approve', 'APR-1', '--by', 'real-test']));
        // The write after it is gated by the changed runbook (runbook.changed): the human refuses it.
        await approvalPage(project, 'APR-2');
        answers.push(
          await agentSre(project, [
            'deny',
            'APR-2',
            '--by',
            'real-test',
            '--reason',
            'review the runbook first',
          ]),
        );
      } finally {
        run = await running;
      }
    }, 90_000);
    afterAll(() => project?.dispose());

    it('the approved runbook edit ran; the write after it did not', () => {
      expect(
        answers.map((a) => a.status),
        JSON.stringify(answers),
      ).toEqual([0, 0]);
      expect(run.code, explain(run)).toBe(0);
      expect(readFileSync(join(project.dir, 'AGENTS.md'), 'utf8')).toContain('- Never deploy on a Friday.');
      expect(existsSync(join(project.dir, 'src', 'b.js'))).toBe(false);
      expect(run.standIn.resultFor('toolu_runbook')?.is_error, explain(run)).toBe(false);
    });

    it("the human's refusal and its reason reached the model", () => {
      const b = run.standIn.resultFor('toolu_b');
      expect(b?.is_error, explain(run)).toBe(true);
      expect(b?.text).toContain('gate.denied');
      expect(b?.text).toContain('APR-2 denied by real-test: review the runbook first');
    });

    it('the ledger has both gates with their rules and answers', () => {
      const rows = ledgerEvents(project)
        .filter((e) => e.tool_use_id === 'toolu_runbook' || e.tool_use_id === 'toolu_b')
        .filter((e) => e.event === 'PreToolUse' || e.event === 'gate.answer')
        .map((e) => [e.tool_use_id, e.event, e.verdict, e.rule]);
      expect(rows).toEqual([
        ['toolu_runbook', 'PreToolUse', 'ask', 'guard.runbook-edit'],
        ['toolu_runbook', 'gate.answer', 'allow', 'gate.approved'],
        ['toolu_b', 'PreToolUse', 'ask', 'runbook.changed'],
        ['toolu_b', 'gate.answer', 'deny', 'gate.denied'],
      ]);
    });

    it('replay agrees with every live PreToolUse verdict but the one the runbook change gated', () => {
      const c = compareReplay(project, run);
      expect(c.mismatches).toEqual([]);
      expect(c.stateDependent).toEqual(['toolu_b']);
    });
  },
);
