import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonlLines } from '../../adapters/transcripts/read-lines.ts';
import { processEnvironment, readScriptFromDisk } from '../../app/context.ts';
import { loadEffectivePolicy } from '../../app/effective-policy.ts';
import { homeFromCwd, replayLines } from '../../app/replay.ts';
import { parse } from '../args.ts';
import { decisionJson, verdictCell } from '../format.ts';
import { type Io, UsageError } from '../io.ts';
import { type Progress, startProgress } from '../progress.ts';
import { findProjectRoot } from '../project-root.ts';
import { severityStyle } from '../status-style.ts';
import { clean } from '../style.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre replay [options] FILE|DIR...

Shadow mode: run a recorded session through the policy and print what agent-sre would have done
with each tool call. No side effects: nothing runs, nothing is written to the ledger.

FILE is either a Claude Code transcript (~/.claude/projects/<project>/<session>.jsonl) or a JSONL
of PreToolUse hook inputs; the format is detected. Several FILEs, or a DIR (its *.jsonl, oldest
session first), replay in order with one memory of the files they wrote: a script written in one
session and run in a later one is judged by what was written. Session rules apply as they would live: three
denials in a row escalate, twenty end the session, spent budgets gate. The project's runbook
(AGENTS.md, CLAUDE.md) applies when the recorded project is on this machine: its scope and Never
rules, and gating while it is missing or fails lint. Replay judges against the policy and runbook as
they are now: a change made to them while the session ran is not in the transcript, so the gates it
caused live (runbook.changed, guard.config-changed) are not reproduced.

Options:
  --json           one JSON object per tool call, in input order:
                   {"index","tool","tier","decision","rule","reason","effects","session"}
                   (with "file" first when several files are replayed)
  --policy DIR     directory holding the agent-sre.yaml to use (default: the project's, found at or
                   above the current directory; the embedded default policy when there is none)
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
  if (positionals.length === 0) throw new UsageError('give a FILE (or a directory of them) to replay');
  const files = positionals.flatMap((p) => sessionFiles(p.startsWith('/') ? p : `${io.cwd}/${p}`, p));
  // One memory of written files across every session replayed: a script written in one session and
  // run in a later one is judged by what the earlier one wrote, as it was on the disk then.
  const written = new Map<string, string>();
  const progress = startProgress(io, 'replaying', { json: values.json });
  try {
    for (const [i, file] of files.entries()) {
      progress.update(`replaying ${files.length > 1 ? `${i + 1} of ${files.length}: ` : ''}${file.shown}`);
      if (i > 0 && !values.json) io.stdout('\n');
      await replayOne(file, values, io, written, files.length > 1, progress);
    }
  } finally {
    progress.done();
  }
  return 0;
}

async function replayOne(
  file: { path: string; shown: string },
  values: { json?: boolean; policy?: string; project?: string; home?: string },
  io: Io,
  written: Map<string, string>,
  several: boolean,
  progress: Progress,
): Promise<void> {
  const lines: string[] = [];
  try {
    for await (const line of readJsonlLines(file.path)) lines.push(line);
  } catch (err) {
    throw new UsageError(`cannot read ${file.shown}: ${(err as Error).message}`);
  }
  const base = processEnvironment(io.env);
  const firstCwd = lines.map((l) => /"cwd"\s*:\s*"([^"]+)"/.exec(l)?.[1]).find(Boolean) ?? '';
  const env = { ...base, home: values.home ?? homeFromCwd(values.project ?? firstCwd) ?? base.home };
  // Replay writes nothing, so it runs outside a project too, on the embedded default policy.
  const policyDir = values.policy ?? findProjectRoot(io.cwd) ?? io.cwd;
  // The runbook is the recorded project's, read where it ran; a session from another machine replays
  // without it (and says so), since guessing a runbook would make decisions the hook never made.
  const recorded = values.project ?? firstCwd;
  const runbookDir = recorded && existsSync(recorded) ? recorded : null;
  const effective = await loadEffectivePolicy(policyDir, runbookDir, env.home, { cache: false });
  const { policy } = effective;
  const result = await replayLines(lines, effective, env, {
    readScript: readScriptFromDisk,
    written,
    ...(values.project ? { projectDir: values.project } : {}),
  });
  if (result.format === 'unknown' && result.rows.length === 0)
    throw new UsageError(`${file.shown} is neither a Claude Code transcript nor hook-input JSONL`);
  if (values.json) {
    result.rows.forEach((r, index) => {
      io.stdout(
        `${JSON.stringify({ ...(several ? { file: file.shown } : {}), index, tool: r.item.tool, toolUseId: r.item.toolUseId, ...decisionJson(r.decision), session: { status: r.session.status, consecutiveDenials: r.session.consecutiveDenials, totalDenials: r.session.totalDenials } })}\n`,
      );
    });
    return;
  }
  const runbookNote =
    effective.runbook === null
      ? `no runbook (${recorded || 'the recorded project'} is not on this machine)`
      : effective.runbook.now.files.length > 0
        ? `the runbook in ${runbookDir} (${effective.runbook.now.files.join(', ')})`
        : `no runbook in ${runbookDir}`;
  const { paint: p } = terminalOf(io);
  // Everything below quotes the transcript (commands, paths, reasons): cleaned of control characters.
  const t = (text: string) => clean(text, true);
  const out: string[] = [
    `${p.bold(`Replaying ${t(file.shown)}`)} (${result.format}) through ${t(policy.source)}, with ${t(runbookNote)}`,
    '',
  ];
  result.rows.forEach((r, i) => {
    const what = t(summarize(r.item.tool, r.item.input));
    out.push(
      `${p.dim(String(i + 1).padStart(3))}  ${verdictCell(r.decision, p)}  ${t(r.item.tool).padEnd(10)} ${what}`,
    );
    if (r.decision.verdict !== 'allow')
      out.push(`       ${p.dim(`${t(r.decision.rule)}:`)} ${t(firstSentence(r.decision.reason))}`);
    if (
      r.session.status !== 'active' &&
      (i === 0 || result.rows[i - 1]!.session.status !== r.session.status)
    ) {
      const banner = `>>> session ${r.session.status.toUpperCase()} (${r.session.consecutiveDenials} denials in a row, ${r.session.totalDenials} in total)`;
      out.push(
        `       ${r.session.status === 'terminated' ? p.bold(p.red(banner)) : p.bold(p.yellow(banner))}`,
      );
    }
  });
  const count = (v: string) => result.rows.filter((r) => r.decision.verdict === v).length;
  const asked = count('ask');
  const denied = count('deny');
  out.push(
    '',
    `${result.rows.length} tool calls: ${count('allow')} allowed (${result.rows.filter((r) => r.decision.tier === 2).length} logged), ${asked ? p.yellow(`${asked} sent to a human`) : `${asked} sent to a human`}, ${denied ? p.red(`${denied} denied`) : `${denied} denied`}${result.skipped ? `; ${result.skipped} unreadable lines skipped.` : '.'}`,
  );
  if (result.incidents.length > 0) {
    out.push(
      '',
      `Incidents it would have raised (paged through ${Object.keys(policy.compiled.policy.paging.channels).join(', ')}):`,
    );
    for (const i of result.incidents)
      out.push(
        `  ${i.id.padEnd(6)} ${severityStyle(p, i.severity)(i.severity)}  ${i.alertCount > 1 ? `x${i.alertCount} ` : ''}${t(i.title)}`,
      );
  }
  progress.clear();
  io.stdout(`${out.join('\n')}\n`);
}

/** A FILE as given, or every *.jsonl in a directory, oldest session first. */
function sessionFiles(path: string, shown: string): { path: string; shown: string }[] {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new UsageError(`cannot read ${shown}: no such file or directory`);
  }
  if (!isDir) return [{ path, shown }];
  const found = readdirSync(path)
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => ({ path: join(path, n), shown: join(shown, n), at: firstTimestamp(join(path, n)) }));
  if (found.length === 0) throw new UsageError(`${shown} holds no .jsonl session files`);
  return found.sort((a, b) => a.at.localeCompare(b.at) || a.path.localeCompare(b.path));
}

/** The first ISO timestamp in a session file's opening bytes; '' sorts files without one first. */
function firstTimestamp(path: string): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, 0);
      return /"timestamp"\s*:\s*"([^"]+)"/.exec(buf.subarray(0, n).toString('utf8'))?.[1] ?? '';
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
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
