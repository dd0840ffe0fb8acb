import { existsSync } from 'node:fs';
import { readJsonlLines } from '../../adapters/transcripts/read-lines.ts';
import { processEnvironment, readScriptFromDisk } from '../../app/context.ts';
import { loadEffectivePolicy } from '../../app/effective-policy.ts';
import { homeFromCwd, replayLines } from '../../app/replay.ts';
import { parse } from '../args.ts';
import { decisionJson, verdictCell } from '../format.ts';
import { type Io, UsageError } from '../io.ts';

const HELP = `Usage: agent-sre replay [options] FILE

Shadow mode: run a recorded session through the policy and print what agent-sre would have done
with each tool call. No side effects: nothing runs, nothing is written to the ledger.

FILE is either a Claude Code transcript (~/.claude/projects/<project>/<session>.jsonl) or a JSONL
of PreToolUse hook inputs; the format is detected. Session rules apply as they would live: three
denials in a row escalate, twenty end the session, spent budgets gate. The project's runbook
(AGENTS.md, CLAUDE.md) applies when the recorded project is on this machine: its scope and Never
rules, and gating while it is missing or fails lint. Replay judges against the policy and runbook as
they are now: a change made to them while the session ran is not in the transcript, so the gates it
caused live (runbook.changed, guard.config-changed) are not reproduced.

Options:
  --json           one JSON object per tool call, in input order:
                   {"index","tool","tier","decision","rule","reason","effects","session"}
  --policy DIR     directory holding the agent-sre.yaml to use (default: the current directory;
                   the embedded default policy when there is none)
  --project DIR    project root the recording ran in (default: the first call's cwd)
  --home DIR       the recorded user's home (default: guessed from the cwd, else $HOME)

Example:
  agent-sre replay examples/runaway-session.jsonl
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      policy: { type: 'string' },
      project: { type: 'string' },
      home: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give exactly one FILE to replay');
  const lines: string[] = [];
  try {
    for await (const line of readJsonlLines(file.startsWith('/') ? file : `${io.cwd}/${file}`))
      lines.push(line);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const base = processEnvironment(io.env);
  const firstCwd = lines.map((l) => /"cwd"\s*:\s*"([^"]+)"/.exec(l)?.[1]).find(Boolean) ?? '';
  const env = { ...base, home: values.home ?? homeFromCwd(values.project ?? firstCwd) ?? base.home };
  const policyDir = values.policy ?? io.cwd;
  // The runbook is the recorded project's, read where it ran; a session from another machine replays
  // without it (and says so), since guessing a runbook would make decisions the hook never made.
  const recorded = values.project ?? firstCwd;
  const runbookDir = recorded && existsSync(recorded) ? recorded : null;
  const effective = await loadEffectivePolicy(policyDir, runbookDir, env.home, { cache: false });
  const { policy } = effective;
  const result = await replayLines(lines, effective, env, {
    readScript: readScriptFromDisk,
    ...(values.project ? { projectDir: values.project } : {}),
  });
  if (result.format === 'unknown' && result.rows.length === 0)
    throw new UsageError(`${file} is neither a Claude Code transcript nor hook-input JSONL`);
  if (values.json) {
    result.rows.forEach((r, index) => {
      io.stdout(
        `${JSON.stringify({ index, tool: r.item.tool, toolUseId: r.item.toolUseId, ...decisionJson(r.decision), session: { status: r.session.status, consecutiveDenials: r.session.consecutiveDenials, totalDenials: r.session.totalDenials } })}\n`,
      );
    });
    return 0;
  }
  const runbookNote =
    effective.runbook === null
      ? `no runbook (${recorded || 'the recorded project'} is not on this machine)`
      : effective.runbook.now.files.length > 0
        ? `the runbook in ${runbookDir} (${effective.runbook.now.files.join(', ')})`
        : `no runbook in ${runbookDir}`;
  io.stdout(`Replaying ${file} (${result.format}) through ${policy.source}, with ${runbookNote}\n\n`);
  result.rows.forEach((r, i) => {
    const what = summarize(r.item.tool, r.item.input);
    io.stdout(
      `${String(i + 1).padStart(3)}  ${verdictCell(r.decision)}  ${r.item.tool.padEnd(10)} ${what}\n`,
    );
    if (r.decision.verdict !== 'allow')
      io.stdout(`       ${r.decision.rule}: ${firstSentence(r.decision.reason)}\n`);
    if (
      r.session.status !== 'active' &&
      (i === 0 || result.rows[i - 1]!.session.status !== r.session.status)
    ) {
      io.stdout(
        `       >>> session ${r.session.status.toUpperCase()} (${r.session.consecutiveDenials} denials in a row, ${r.session.totalDenials} in total)\n`,
      );
    }
  });
  const count = (v: string) => result.rows.filter((r) => r.decision.verdict === v).length;
  io.stdout(
    `\n${result.rows.length} tool calls: ${count('allow')} allowed (${result.rows.filter((r) => r.decision.tier === 2).length} logged), ${count('ask')} sent to a human, ${count('deny')} denied`,
  );
  io.stdout(result.skipped ? `; ${result.skipped} unreadable lines skipped.\n` : '.\n');
  if (result.incidents.length > 0) {
    io.stdout(
      `\nIncidents it would have raised (paged through ${Object.keys(policy.compiled.policy.paging.channels).join(', ')}):\n`,
    );
    for (const i of result.incidents)
      io.stdout(
        `  ${i.id.padEnd(6)} ${i.severity}  ${i.alertCount > 1 ? `x${i.alertCount} ` : ''}${i.title}\n`,
      );
  }
  return 0;
}

function summarize(_tool: string, input: unknown): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const text =
    typeof i.command === 'string'
      ? i.command
      : typeof i.file_path === 'string'
        ? i.file_path
        : typeof i.url === 'string'
          ? i.url
          : JSON.stringify(input);
  const one = text.replace(/\s+/g, ' ');
  return one.length > 90 ? `${one.slice(0, 87)}...` : one;
}

function firstSentence(s: string): string {
  const i = s.search(/\.\s/);
  return i > 0 ? s.slice(0, i + 1) : s;
}
