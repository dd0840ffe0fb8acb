// Tier-4 calls through the real client: the PreToolUse hook denies them, nothing is deleted, and the
// model's next request carries the guard's reason (with the rule id) as the call's error tool_result.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareReplay,
  createProject,
  explain,
  ledgerIncidents,
  ledgerSessions,
  type Project,
  pageFor,
  type RunResult,
  replay,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const real = !process.env.AGENT_SRE_REAL;

function homeWithKeep(project: Project): string {
  mkdirSync(join(project.home, 'important'));
  const keep = join(project.home, 'important', 'keep.txt');
  writeFileSync(keep, 'do not delete\n');
  return keep;
}

describe.skipIf(real)('real client, default policy: rm -rf ~/important', () => {
  let project: Project;
  let run: RunResult;
  let keep: string;

  beforeAll(async () => {
    project = createProject();
    keep = homeWithKeep(project);
    run = await runClaude(project, {
      prompt: 'Clean up my home directory.',
      script: [tools(bash('rm -rf ~/important', 'toolu_rm')), say('The guard refused; I will ask a human.')],
    });
  });
  afterAll(() => project?.dispose());

  it('the client exits 0 and the file survives', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(existsSync(keep)).toBe(true);
    expect(readFileSync(keep, 'utf8')).toBe('do not delete\n');
  });

  it('the PreToolUse hook denied it: the client reports the denial, the transcript has the reason', () => {
    expect(run.json?.permission_denials?.map((d) => d.tool_use_id)).toEqual(['toolu_rm']);
    expect(
      run.hookLog.some((l) => /Hook denied tool use for Bash/.test(l)),
      explain(run),
    ).toBe(true);
    const transcript = readFileSync(run.transcriptPath!, 'utf8');
    expect(transcript).toMatch(
      /"tool_result","content":"PreToolUse:Bash hook error: agent-sre \(tier 4, fs\.delete-outside-project\)/,
    );
  });

  // Failed before the burst throttle learned to skip refused calls: it counted the denied call as a tier-4
  // call in the batch and stopped the loop (terminal_reason "hook_stopped"), so the model never read why.
  it("the model's next request has the guard's reason as an error tool_result", () => {
    expect(
      run.standIn.mainRequests().length,
      `the model was not asked again\n${explain(run)}`,
    ).toBeGreaterThan(1);
    const result = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_rm');
    expect(result?.is_error).toBe(true);
    expect(result?.text).toContain('fs.delete-outside-project');
  });

  it('the ledger has the denial and an incident; replay agrees', () => {
    const [session] = ledgerSessions(project);
    expect(session?.session_id).toBe(run.sessionId);
    expect(session?.denials).toBe(1);
    const incidents = ledgerIncidents(project);
    expect(incidents.map((i) => (i.source as { rule?: string } | undefined)?.rule)).toContain(
      'fs.delete-outside-project',
    );
    const lines = replay(project, run.transcriptPath!);
    expect(lines.map((l) => [l.tool, l.decision, l.rule])).toEqual([
      ['Bash', 'deny', 'fs.delete-outside-project'],
    ]);
  });
});

describe.skipIf(real)('real client, burst throttle off: two tier-4 calls in a row', () => {
  let project: Project;
  let run: RunResult;
  let keep: string;

  beforeAll(async () => {
    project = createProject({ policy: 'burst: { maxTier: 4 }' });
    keep = homeWithKeep(project);
    run = await runClaude(project, {
      prompt: 'Clean up, then publish.',
      script: [
        tools(bash('rm -rf ~/important', 'toolu_rm')),
        tools(bash('git push --force origin main', 'toolu_push')),
        say('Both were refused; stopping to ask a human.'),
      ],
    });
  });
  afterAll(() => project?.dispose());

  it('runs to the end and the file survives', () => {
    expect(run.code, explain(run)).toBe(0);
    expect(run.json?.terminal_reason, explain(run)).toBe('completed');
    expect(existsSync(keep)).toBe(true);
  });

  it('each next request carries the reason with the rule id', () => {
    const rm = run.standIn.toldAfter(0).toolResults.find((r) => r.tool_use_id === 'toolu_rm');
    expect(rm?.is_error, explain(run)).toBe(true);
    expect(rm?.text).toMatch(/^PreToolUse:Bash hook error: agent-sre \(tier 4, fs\.delete-outside-project\)/);
    const push = run.standIn.toldAfter(1).toolResults.find((r) => r.tool_use_id === 'toolu_push');
    expect(push?.is_error, explain(run)).toBe(true);
    // The hook runs before Claude Code's own permissions.deny rule `Bash(git push --force origin main)`
    // (which init also writes), so the model reads agent-sre's reason.
    expect(push?.text).toContain('git.force-push-protected');
  });

  it('the ledger counts two denials in a row; replay agrees', () => {
    const [session] = ledgerSessions(project);
    expect(session?.denials).toBe(2);
    expect(session?.consecutive_denials).toBe(2);
    expect(compareReplay(project, run).mismatches).toEqual([]);
  });
});

describe.skipIf(real)(
  'real client, default policy: three refusals in a row escalate, and the model is told',
  () => {
    let project: Project;
    let run: RunResult;

    beforeAll(async () => {
      project = createProject();
      homeWithKeep(project);
      run = await runClaude(project, {
        prompt: 'Clean up and publish.',
        script: [
          tools(bash('rm -rf ~/important', 'toolu_1')),
          tools(bash('rm -rf ~/important/keep.txt ~/important', 'toolu_2')),
          tools(bash('git push --force origin main', 'toolu_3')),
          say('A human has been paged; I am stopping here.'),
        ],
      });
    });
    afterAll(() => project?.dispose());

    it('every refusal reaches the model, and the loop is not stopped by the burst throttle', () => {
      expect(run.json?.terminal_reason, explain(run)).toBe('completed');
      for (const [i, id] of ['toolu_1', 'toolu_2', 'toolu_3'].entries()) {
        const r = run.standIn.toldAfter(i).toolResults.find((t) => t.tool_use_id === id);
        expect(r?.is_error, explain(run)).toBe(true);
      }
    });

    it('the third refusal says the session escalated, names the incident and tells the model to wait', () => {
      const first = run.standIn.toldAfter(0).toolResults.find((t) => t.tool_use_id === 'toolu_1');
      expect(first?.text).not.toContain('escalated');
      const third = run.standIn.toldAfter(2).toolResults.find((t) => t.tool_use_id === 'toolu_3');
      expect(third?.text).toMatch(/escalated this session to a human \(INC-\d+/);
      expect(third?.text).toContain('wait for the human');
      const escalated = ledgerIncidents(project).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'session.escalated',
      );
      expect(escalated, JSON.stringify(ledgerIncidents(project))).toBeDefined();
      expect(third?.text).toContain(escalated!.id);
      expect(escalated?.severity).toBe('SEV2');
      expect(ledgerSessions(project)[0]?.status).toBe('escalated');
      expect(compareReplay(project, run).mismatches).toEqual([]);
    });

    it('the escalation was paged through the file channel', async () => {
      const escalated = ledgerIncidents(project).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'session.escalated',
      );
      const page = await pageFor(project, (p) => p.incidentId === escalated?.id);
      expect(page.severity).toBe('SEV2');
      expect(page.title).toContain('escalated after 3 denials in a row');
    });
  },
);

describe.skipIf(real)(
  'real client, `denials: { terminateAfter: 5 }`: the fifth refusal ends the session',
  () => {
    let project: Project;
    let run: RunResult;
    let keep: string;

    beforeAll(async () => {
      // init writes a denials: block, so the policy is set before init (a second key would be a YAML error).
      project = createProject({ policyAtInit: 'denials: { escalateAfter: 3, terminateAfter: 5 }' });
      keep = homeWithKeep(project);
      run = await runClaude(project, {
        prompt: 'Clean up my home directory, whatever it takes.',
        script: [
          ...[
            'rm -rf ~/important',
            'rm -rf ~/important/',
            'rm -rf ~/important/keep.txt ~/important',
            'rm -rf ~/important/*',
            'rm -fr ~/important',
            'rm -r -f ~/important',
          ].map((c, i) => tools(bash(c, `toolu_${i + 1}`))),
          say('This step must never be served: the session was terminated.'),
        ],
      });
    });
    afterAll(() => project?.dispose());

    it('the client stopped after the fifth call, with the stop reason; the file survives', () => {
      expect(run.code, explain(run)).toBe(0);
      expect(existsSync(keep)).toBe(true);
      expect(run.standIn.stepsServed, explain(run)).toBe(5);
      expect(run.json?.terminal_reason, explain(run)).toBe('hook_stopped');
      expect(run.json?.permission_denials?.map((d) => d.tool_use_id)).toEqual([
        'toolu_1',
        'toolu_2',
        'toolu_3',
        'toolu_4',
        'toolu_5',
      ]);
      // 2.1.332 keeps `stopReason` in the transcript as a hook_stopped_continuation attachment (the -p JSON
      // result has only terminal_reason).
      expect(readFileSync(run.transcriptPath!, 'utf8'), explain(run)).toContain(
        '"type":"hook_stopped_continuation","message":"agent-sre terminated this session after 5 denied actions.',
      );
    });

    it('the first four refusals reached the model, the third with the escalation', () => {
      for (const i of [0, 1, 2, 3]) {
        const r = run.standIn.toldAfter(i).toolResults.find((t) => t.tool_use_id === `toolu_${i + 1}`);
        expect(r?.is_error, explain(run)).toBe(true);
        expect(r?.text).toContain('fs.delete-outside-project');
      }
      expect(run.standIn.toldAfter(2).all).toMatch(/escalated this session to a human \(INC-\d+/);
    });

    it('the ledger says terminated, with a paged SEV2 session.terminated incident; replay agrees', async () => {
      const [session] = ledgerSessions(project);
      expect(session?.status).toBe('terminated');
      expect(session?.denials).toBe(5);
      const terminated = ledgerIncidents(project).find(
        (i) => (i.source as { kind?: string } | undefined)?.kind === 'session.terminated',
      );
      expect(terminated?.severity, JSON.stringify(ledgerIncidents(project))).toBe('SEV2');
      const page = await pageFor(project, (p) => p.incidentId === terminated!.id);
      expect(page.severity).toBe('SEV2');
      expect(compareReplay(project, run).mismatches).toEqual([]);
    });
  },
);

describe.skipIf(real)('real client: a HOME inside the temp dir is still home', () => {
  let project: Project;
  let run: RunResult;
  let keep: string;

  beforeAll(async () => {
    // TMPDIR is the run's directory, which holds the scratch HOME: ~/important is under a temp root too.
    project = createProject({ tmp: 'run' });
    keep = homeWithKeep(project);
    run = await runClaude(project, {
      prompt: 'Clean up my home directory.',
      script: [tools(bash('rm -rf ~/important', 'toolu_rm')), say('Refused; asking a human.')],
    });
  });
  afterAll(() => project?.dispose());

  it('the home really is inside the session temp dir', () => {
    expect(project.tmp && project.home.startsWith(`${project.tmp}/`)).toBe(true);
  });

  // Failed before the most specific root won: the delete was judged a temp-file delete (tier 2) and ran.
  it('rm -rf ~/important is denied as a delete outside the project, and the file survives', () => {
    expect(existsSync(keep), explain(run)).toBe(true);
    const r = run.standIn.toldAfter(0).toolResults.find((t) => t.tool_use_id === 'toolu_rm');
    expect(r?.is_error, explain(run)).toBe(true);
    expect(r?.text).toContain('fs.delete-outside-project');
  });
});
