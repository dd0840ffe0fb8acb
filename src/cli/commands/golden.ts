import { realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runCommand } from '../../adapters/exec/command.ts';
import { processEnvironment } from '../../app/context.ts';
import { startFlusher } from '../../app/flusher.ts';
import {
  type GoldenDeps,
  GoldenError,
  type GoldenRunReport,
  goldenHistory,
  REPORT_DIR,
  recordBaseline,
  runGolden,
  writeGoldenReport,
} from '../../app/golden.ts';
import { loadProjectPolicy, PolicyError } from '../../app/policy.ts';
import { openLedger } from '../../app/store.ts';
import { dayId, describeSlow, describeTest, formatP } from '../../core/drift/detect.ts';
import type { Metric } from '../../core/drift/types.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { type Progress, startProgress } from '../progress.ts';
import { type Cell, renderTable } from '../table.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre golden <run|baseline|history|schedule> [options]

Golden-prompt evals: the same prompts, run every day through your agent, measured and compared with a
recorded baseline, so that a change of model, harness, system prompt or default (the kind that took six
weeks to notice in April 2026) pages someone the day it lands. Suites live in agent-sre.yaml under
golden.suites or in evals/*.yaml; see docs/drift.md.

  golden baseline   run every suite golden.baselineSamples times per prompt (default 10) and record the
                    answers' shape as the baseline; --from RUN|latest promotes a recorded run instead
  golden run        run every suite golden.samples times per prompt (default 5), compare with the
                    baseline and the days before, record the run, raise drift.detected incidents, and
                    write .agent-sre/golden/report.md with one SVG chart per suite and metric
  golden history    the runs since each baseline, per metric (shape metrics as an index, baseline = 100;
                    the pass rate in %); rewrites the charts
  golden schedule   print a cron line and a systemd timer that run \`golden run\` daily

Each sample runs the runner command (default: claude -p --output-format json) with /bin/sh in the
project, the prompt on stdin (or where the command says {prompt} / {prompt_file}). What is measured:
output length, headings, code blocks, JSON key paths, tool calls (stream-json), turns, duration, cost,
tokens, and the share of samples whose assertions (contains, notContains, regex, schema, exitCode) hold.

When is it drift? A metric alarms when a stratified Mann-Whitney test (ranks compared within each
prompt) or, for the pass rate, Fisher's exact test is significant after Holm's correction over every test
of the run (golden.thresholds.alpha, default 0.001) AND the change is large: |Cliff's delta| of at least
0.474, or a pass-rate drop of at least 20 points. A self-starting CUSUM across daily runs catches slow
drift. Pass-rate drops are SEV2, shape changes SEV3, slow drift SEV4 (golden.severity).

Options:
  --suite ID     only this suite (repeatable)
  --at TIME      record the run or baseline as of TIME (ISO 8601; default now); the run's id is its UTC day
  --samples N    baseline: samples per prompt, over golden.baselineSamples
  --from RUN     baseline: promote a recorded run (its day, or latest) instead of running
  --out DIR      run, history: where the report and charts go (default .agent-sre/golden)
  --time HH:MM   schedule: the daily time (default 06:00, local time of the machine)
  --quiet        run: print only drift and errors
  --json         machine-readable output
  --dir DIR      the project root (default: found at or above the current directory)

Exit codes: golden run exits 1 when a suite drifted, 0 otherwise; 2 for usage errors.
`;

/** A path as the user would type it: relative when inside the current directory. */
const shown = (cwd: string, path: string) => {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
};

const OPTIONS = {
  suite: { type: 'string', multiple: true },
  at: { type: 'string' },
  samples: { type: 'string' },
  from: { type: 'string' },
  out: { type: 'string' },
  time: { type: 'string' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
  dir: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function parseAt(text: string | undefined): number {
  if (text === undefined) return Date.now();
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T12:00:00Z`) : Date.parse(text);
  if (!Number.isFinite(at)) throw new UsageError(`--at takes an ISO 8601 date or time, not "${text}"`);
  return at;
}

async function depsFor(values: Values, io: Io): Promise<GoldenDeps & { dir: string }> {
  const dir = resolve(io.cwd, values.dir ?? '.');
  const policy = (await loadProjectPolicy(dir, processEnvironment(io.env).home, { cache: false })).compiled
    .policy;
  return {
    dir,
    projectDir: dir,
    store: openLedger(dir),
    golden: policy.golden,
    paging: policy.paging,
    env: io.env,
    run: runCommand,
    at: parseAt(values.at),
  };
}

/** One line per suite, with the alarms under a drifted one. */
function verdictLines(r: GoldenRunReport, quiet: boolean): string[] {
  const out: string[] = [];
  const width = Math.max(8, ...r.verdicts.map((v) => v.suite.length));
  for (const v of r.verdicts) {
    const errors = v.errors > 0 ? ` (runner failed on ${v.errors} of ${v.samples}: ${v.firstError})` : '';
    if (v.status === 'no-baseline') {
      if (!quiet)
        out.push(
          `  ${v.suite.padEnd(width)}  no baseline  recorded only; run \`agent-sre golden baseline --suite ${v.suite}\`${errors}`,
        );
      continue;
    }
    if (v.status === 'ok') {
      if (quiet && v.errors === 0) continue;
      const smallest = Math.min(1, ...v.tests.map((t) => t.pAdjusted));
      out.push(
        `  ${v.suite.padEnd(width)}  ok           ${v.tests.length} tests, smallest Holm p ${formatP(smallest)}${errors}`,
      );
      continue;
    }
    out.push(`  ${v.suite.padEnd(width)}  DRIFT ${v.severity}${errors}`);
    for (const t of v.tests.filter((x) => x.alarm)) out.push(`      ${describeTest(t)}`);
    for (const s of v.slow) out.push(`      slow drift: ${describeSlow(s)}`);
    if (v.uncompared.length > 0)
      out.push(`      not compared (no baseline or changed since): ${v.uncompared.join(', ')}`);
  }
  for (const i of r.incidents) out.push(`  ${i.id} ${i.severity} ${i.title}`);
  return out;
}

async function goldenRun(values: Values, io: Io): Promise<number> {
  const deps = await depsFor(values, io);
  let progress: Progress | undefined;
  try {
    if (!values.quiet && !values.json) {
      if (terminalOf(io).progress) {
        // A person at a terminal: one line that counts up and is gone when the run ends.
        const bar = startProgress(io, 'golden: starting the runner');
        progress = bar;
        deps.onSample = (done, total) => bar.update(`golden: ${done} of ${total} samples`);
      } else {
        // A log (cron, CI): a line per tenth, kept.
        let shown = -1;
        deps.onSample = (done, total) => {
          const tenth = Math.floor((done * 10) / total);
          if (tenth !== shown) io.stderr(`golden: ${done}/${total} samples\n`);
          shown = tenth;
        };
      }
    }
    const r = await runGolden(deps, { suites: values.suite }).finally(() => progress?.done());
    if (r.queued > 0 && io.env.AGENT_SRE_DELIVERY !== 'off') startFlusher(deps.dir);
    const history = await goldenHistory(deps.store, deps.golden, deps.at, values.suite);
    const out = resolve(deps.dir, values.out ?? REPORT_DIR);
    const files = writeGoldenReport(out, r.id, r.verdicts, history.histories);
    const drift = r.verdicts.some((v) => v.status === 'drift');
    if (values.json)
      io.stdout(
        `${JSON.stringify({
          id: r.id,
          at: r.at,
          replaced: r.replaced,
          verdicts: r.verdicts,
          incidents: r.incidents.map((i) => ({
            id: i.id,
            severity: i.severity,
            title: i.title,
            state: i.state,
          })),
          queued: r.queued,
          report: files[0],
        })}\n`,
      );
    else {
      const samples = r.verdicts.reduce((a, v) => a + v.samples, 0);
      const lines = verdictLines(r, values.quiet ?? false);
      if (!values.quiet || lines.length > 0)
        io.stdout(
          `${[
            `golden run ${r.id}${r.replaced ? ' (replaces the run recorded earlier today)' : ''}: ${r.verdicts.length} suite(s), ${samples} samples`,
            ...lines,
            `report: ${shown(io.cwd, files[0]!)} (${files.length - 1} charts)`,
          ].join('\n')}\n`,
        );
    }
    return drift ? 1 : 0;
  } finally {
    await deps.store.close();
  }
}

async function goldenBaseline(values: Values, io: Io): Promise<number> {
  // A baseline says "this behaviour is normal": the agent under watch must not be able to say it.
  if (io.env.CLAUDECODE === '1')
    throw new UsageError(
      'recording a golden baseline accepts the current behaviour as normal, and this is running inside a coding agent (CLAUDECODE=1). Only a human may record one.',
    );
  const samples = values.samples === undefined ? undefined : Number(values.samples);
  if (samples !== undefined && !(Number.isInteger(samples) && samples >= 2 && samples <= 500))
    throw new UsageError('--samples takes a whole number from 2 to 500');
  const deps = await depsFor(values, io);
  const progress = startProgress(io, 'golden baseline: starting the runner', { json: values.json });
  deps.onSample = (done, total) => progress.update(`golden baseline: ${done} of ${total} samples`);
  try {
    const summaries = await recordBaseline(deps, {
      ...(values.suite ? { suites: values.suite } : {}),
      ...(samples === undefined ? {} : { samples }),
      ...(values.from ? { from: values.from } : {}),
    }).finally(() => progress.done());
    if (values.json) for (const s of summaries) io.stdout(`${JSON.stringify(s)}\n`);
    else
      for (const s of summaries)
        io.stdout(
          `baseline ${s.suite}: ${s.samples} samples as of ${dayId(s.at)}, ${s.passed} passed, ${s.errors} runner errors${s.replaced ? ' (replaces the previous baseline; the slow-drift chart starts over)' : ''}\n`,
        );
    return 0;
  } finally {
    await deps.store.close();
  }
}

const SHORT: Record<Metric, string> = {
  chars: 'chars',
  headings: 'head',
  codeBlocks: 'code',
  jsonKeys: 'json',
  toolCalls: 'tools',
  turns: 'turns',
  durationMs: 'time',
  costUsd: 'cost',
  outputTokens: 'out.tok',
  inputTokens: 'in.tok',
  passRate: 'pass%',
};

async function goldenHistoryCommand(values: Values, io: Io): Promise<number> {
  const deps = await depsFor(values, io);
  try {
    const h = await goldenHistory(deps.store, deps.golden, deps.at, values.suite);
    if (values.json) {
      for (const b of h.baselines) {
        const mine = h.histories.filter((x) => x.suite === b.suite);
        const runs = mine[0]?.points ?? [];
        runs.forEach((p, i) => {
          const verdict = h.runs
            .find((r) => r.id === p.id)
            ?.suites.find((s) => s.run.suite === b.suite)?.verdict;
          io.stdout(
            `${JSON.stringify({
              suite: b.suite,
              run: p.id,
              at: p.at,
              baseline: dayId(b.at),
              status: verdict?.status ?? null,
              severity: verdict?.severity ?? null,
              values: Object.fromEntries(mine.map((m) => [m.metric, m.points[i]?.value ?? null])),
              alarms: mine.filter((m) => m.points[i]?.alarm).map((m) => m.metric),
              slowDrift: mine.filter((m) => m.points[i]?.slow).map((m) => m.metric),
            })}\n`,
          );
        });
      }
    } else if (h.baselines.length === 0) io.stdout('No golden baseline yet: agent-sre golden baseline\n');
    else {
      const { paint: p } = terminalOf(io);
      for (const b of h.baselines) {
        const mine = h.histories.filter((x) => x.suite === b.suite);
        io.stdout(
          `${p.bold(b.suite)}: baseline ${dayId(b.at)} (${b.samples} samples per prompt); shape metrics as an index (baseline = 100), pass rate in %\n`,
        );
        const rows = mine[0]?.points.length ?? 0;
        const table: Cell[][] = [];
        for (let i = 0; i < rows; i++)
          table.push([
            mine[0]!.points[i]!.id,
            ...mine.map((m): Cell => {
              const pt = m.points[i]!;
              const v = pt.value === null ? '-' : Math.round(pt.value).toString();
              // The mark keeps its column, so the numbers stay aligned: "97!", "102~", "100 ".
              const text = `${v}${pt.alarm ? '!' : pt.slow ? '~' : ' '}`;
              return { text, style: pt.alarm ? (t) => p.bold(p.red(t)) : pt.slow ? p.yellow : undefined };
            }),
          ]);
        const lines = renderTable(
          [
            { header: 'run' },
            ...mine.map((m) => ({ header: `${SHORT[m.metric]} `, align: 'right' as const })),
          ],
          table,
          { paint: p, indent: '  ' },
        );
        io.stdout(`${lines.join('\n')}\n`);
        if (rows === 0) io.stdout('  (no runs since the baseline)\n');
        io.stdout(`  (${p.bold(p.red('!'))} alarm in that run, ${p.yellow('~')} slow drift)\n`);
      }
    }
    if (h.baselines.length > 0) {
      const out = resolve(deps.dir, values.out ?? REPORT_DIR);
      const last = h.runs.at(-1);
      const verdicts = (last?.suites ?? [])
        .filter((s) => h.baselines.some((b) => b.suite === s.run.suite))
        .map((s) => s.verdict);
      const files = writeGoldenReport(out, last?.id ?? dayId(deps.at), verdicts, h.histories);
      if (!values.json) io.stdout(`charts: ${shown(io.cwd, out)}/ (${files.length - 1} SVG files)\n`);
    }
    return 0;
  } finally {
    await deps.store.close();
  }
}

function goldenSchedule(values: Values, io: Io): number {
  const time = values.time ?? '06:00';
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!m) throw new UsageError('--time takes HH:MM (24-hour, local time)');
  const [hour, minute] = [Number(m[1]), Number(m[2])];
  const dir = resolve(io.cwd, values.dir ?? '.');
  // Absolute paths: cron and systemd start with a minimal environment.
  let bin = 'agent-sre';
  try {
    if (process.argv[1]) bin = realpathSync(process.argv[1]);
  } catch {
    // Not run through the bin (tests): leave the name on PATH.
  }
  const node = process.execPath;
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = `${q(node)} ${q(bin)} golden run --quiet --dir ${q(dir)}`;
  const log = join(dir, REPORT_DIR, 'cron.log');
  const pathLine = io.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  const hh = String(hour).padStart(2, '0');
  const mm = String(minute).padStart(2, '0');
  io.stdout(
    [
      `# Run the golden evals of ${dir} every day at ${hh}:${mm} (this machine's local time).`,
      '# The runner (claude) needs PATH and its credentials: ANTHROPIC_API_KEY, or a logged-in claude for this user.',
      '',
      '# --- cron: crontab -e, then add ---',
      `PATH=${pathLine}`,
      `${minute} ${hour} * * * ${command} >> ${q(log)} 2>&1`,
      '',
      '# --- systemd (user units) ---',
      '# ~/.config/systemd/user/agent-sre-golden.service',
      '[Unit]',
      `Description=agent-sre golden-prompt evals for ${dir}`,
      '',
      '[Service]',
      'Type=oneshot',
      `WorkingDirectory=${dir}`,
      `Environment=PATH=${pathLine}`,
      `ExecStart=${node} ${bin} golden run --quiet --dir ${dir}`,
      // A drifted suite exits 1; that is a finding, not a failed unit.
      'SuccessExitStatus=1',
      '',
      '# ~/.config/systemd/user/agent-sre-golden.timer',
      '[Unit]',
      'Description=Daily agent-sre golden-prompt evals',
      '',
      '[Timer]',
      `OnCalendar=*-*-* ${hh}:${mm}:00`,
      'Persistent=true',
      'RandomizedDelaySec=10m',
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
      '# then: systemctl --user daemon-reload && systemctl --user enable --now agent-sre-golden.timer',
      '# (and loginctl enable-linger $USER so it runs while you are logged out)',
      '',
    ].join('\n'),
  );
  return 0;
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, HELP);
  if (values.help || positionals.length === 0) {
    io.stdout(HELP);
    return 0;
  }
  const sub = positionals[0];
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  try {
    switch (sub) {
      case 'run':
        return await goldenRun(values, io);
      case 'baseline':
        return await goldenBaseline(values, io);
      case 'history':
        return await goldenHistoryCommand(values, io);
      case 'schedule':
        return goldenSchedule(values, io);
      default:
        throw new UsageError(`unknown golden command "${sub}": run, baseline, history or schedule`);
    }
  } catch (err) {
    // Exit 2, not 1: 1 means "a suite drifted" to cron and CI.
    if (err instanceof GoldenError || err instanceof PolicyError) throw new UsageError(err.message);
    throw err;
  }
}
