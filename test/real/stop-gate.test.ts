// The Stop gate through the real client: the model claims it is done while `npm test` is red; the gate
// blocks the stop and the model's next request carries the failing output. After a scripted fix, the
// stop goes through.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareReplay,
  createProject,
  explain,
  ledgerEvents,
  ledgerIncidents,
  type Project,
  pageFor,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, edit, read, say, tools } from './stand-in.ts';

describe.skipIf(!process.env.AGENT_SRE_REAL)('real client: the Stop gate', () => {
  let project: Project;
  let run: RunResult;

  beforeAll(async () => {
    project = createProject({ answer: 41 });
    const file = join(project.dir, 'src', 'answer.js');
    run = await runClaude(project, {
      prompt: 'Make the answer right.',
      script: [
        say('Implementation complete, all tests pass.'),
        tools(read(file, 'toolu_read')),
        tools(edit(file, '41', '42', 'toolu_edit')),
        tools(bash('npm test', 'toolu_test')),
        say('Fixed src/answer.js; npm test passes.'),
      ],
    });
  });
  afterAll(() => project?.dispose());

  it('the stop was blocked and the failing output reached the model', () => {
    const told = run.standIn.toldAfter(0);
    expect(told.all, explain(run)).toContain('expected 42, got 41');
    expect(told.all).toContain('runbook.post.npm-test');
    // 2.1.332 tells the model twice: a system-reminder "Stop hook feedback:" and a user text
    // "Stop hook blocking error from command: ...", both with the reason.
    expect(told.texts.filter((t) => t.includes('expected 42, got 41')).length).toBe(2);
    expect(told.texts.some((t) => t.includes('Stop hook feedback:'))).toBe(true);
  });

  it('after the fix the run stops, with no extra request', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(run.json?.result).toBe('Fixed src/answer.js; npm test passes.');
    expect(run.standIn.stepsServed).toBe(5);
    expect(
      run.standIn.mainRequests().some((r) => r.answer === 'overrun'),
      explain(run),
    ).toBe(false);
    expect(readFileSync(join(project.dir, 'src', 'answer.js'), 'utf8')).toContain('42');
    expect(run.standIn.resultFor('toolu_test')?.is_error).toBe(false);
    expect(run.standIn.resultFor('toolu_test')?.text).toContain('ok 1 - answer is 42');
  });

  it('the Stop hook ran twice', () => {
    const stops = run.hookLog.filter((l) => /Hooks: Stop \[/.test(l));
    expect(stops.length, explain(run)).toBe(2);
  });

  it('replay agrees with every live PreToolUse verdict', () => {
    expect(compareReplay(project, run).mismatches).toEqual([]);
  });
});

describe.skipIf(!process.env.AGENT_SRE_REAL)(
  'real client: the Stop gate gives up after acceptance.maxAttempts and pages',
  () => {
    let project: Project;
    let run: RunResult;
    const claim = 'Implementation complete, all tests pass.';

    beforeAll(async () => {
      project = createProject({ answer: 41, policy: 'acceptance: { maxAttempts: 2 }' });
      run = await runClaude(project, {
        prompt: 'Make the answer right.',
        // The agent never fixes anything and keeps claiming it is done.
        script: [say(claim), say(claim), say(claim), say('This step must never be served.')],
      });
    });
    afterAll(() => project?.dispose());

    it('two stops were blocked with the failing output, the third went through', () => {
      expect(run.code, explain(run)).toBe(0);
      expect(run.json?.terminal_reason, explain(run)).toBe('completed');
      expect(run.standIn.stepsServed, explain(run)).toBe(3);
      for (const n of [0, 1])
        expect(run.standIn.toldAfter(n).all, explain(run)).toContain('expected 42, got 41');
      expect(run.hookLog.filter((l) => /Hooks: Stop \[/.test(l)).length, explain(run)).toBe(3);
      // The suite is still red: nothing was fixed.
      expect(readFileSync(join(project.dir, 'src', 'answer.js'), 'utf8')).toContain('41');
    });

    it('the ledger has two blocks and gate.exhausted; a SEV2 gate.exhausted incident is paged', async () => {
      const stops = ledgerEvents(project).filter((e) => e.event === 'Stop');
      expect(
        stops.map((e) => [e.verdict, e.rule]),
        JSON.stringify(stops, null, 1),
      ).toEqual([
        ['deny', 'acceptance.blocked'],
        ['deny', 'acceptance.blocked'],
        ['allow', 'gate.exhausted'],
      ]);
      expect(stops[0]?.reason).toContain('attempt 1 of 2');
      expect(stops[2]?.reason).toContain('still failing after 2 attempts');
      const exhausted = ledgerIncidents(project).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'gate.exhausted',
      );
      expect(exhausted?.severity, JSON.stringify(ledgerIncidents(project))).toBe('SEV2');
      const page = await pageFor(project, (p) => p.incidentId === exhausted!.id);
      expect(page.severity).toBe('SEV2');
      expect(page.body).toContain('runbook.post.npm-test');
    });
  },
);
