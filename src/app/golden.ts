// Golden-prompt evals: run each suite's prompts through the runner command, measure the answers, keep a
// baseline and the daily runs in the ledger, compare, and raise drift.detected incidents. The statistics
// are in src/core/drift; this file is the IO around them (processes, files, the ledger).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { CommandRunner } from '../adapters/exec/command.ts';
import {
  assessRun,
  dayId,
  driftSeverities,
  driftSignal,
  type SuiteInput,
  type SuiteVerdict,
} from '../core/drift/detect.ts';
import {
  type BaselineRecordData,
  chartFile,
  goldenReport,
  historyChart,
  type MetricHistory,
  type RunRecordData,
  suiteHistory,
} from '../core/drift/report.ts';
import { promptDigest, renderRunner, usesPromptFile } from '../core/drift/runner.ts';
import { type SchemaValidator, sampleOf } from '../core/drift/shape.ts';
import type {
  GoldenAssertion,
  GoldenPromptRun,
  GoldenSample,
  GoldenSettings,
  GoldenSuite,
  GoldenSuiteRun,
} from '../core/drift/types.ts';
import type { PagingSettings } from '../core/incidents/config.ts';
import { severityOf } from '../core/incidents/raise.ts';
import type { Incident } from '../core/incidents/types.ts';
import type { LedgerStore } from '../ports.ts';
import { raiseSignals } from './incidents.ts';
import { STATE_DIR } from './policy.ts';

export const BASELINE_KIND = 'golden.baseline';
export const RUN_KIND = 'golden.run';
/** Where `golden run` and `golden history` write the report and its charts, relative to the project. */
export const REPORT_DIR = join(STATE_DIR, 'golden');

/** A usage-level problem: bad suite files, an unknown suite, nothing to compare. */
export class GoldenError extends Error {
  override name = 'GoldenError';
}

export interface ResolvedPrompt {
  id: string;
  text: string;
  assertions: GoldenAssertion[];
  digest: string;
}

export interface ResolvedSuite {
  id: string;
  /** agent-sre.yaml, or the suite file. */
  source: string;
  runner: string;
  samples: number;
  baselineSamples: number;
  timeoutSeconds: number;
  cwd: string;
  prompts: ResolvedPrompt[];
}

/** Keep a suite's paths inside the project, whatever its YAML says. */
function inside(projectDir: string, path: string): string {
  const abs = resolve(projectDir, path);
  const rel = relative(projectDir, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new GoldenError(`${path} is outside the project`);
  return abs;
}

/** The suites of agent-sre.yaml and of `<golden.dir>/*.yaml`, with prompt files read and settings resolved. */
export async function loadSuites(projectDir: string, golden: GoldenSettings): Promise<ResolvedSuite[]> {
  const found: Array<{ suite: GoldenSuite; source: string }> = golden.suites.map((suite) => ({
    suite,
    source: 'agent-sre.yaml',
  }));
  const problems: string[] = [];
  const dir = inside(projectDir, golden.dir);
  if (existsSync(dir)) {
    const files = readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    if (files.length > 0) {
      const { parseSuiteFile } = await import('../config/golden-load.ts');
      const { formatProblems } = await import('../config/load.ts');
      for (const f of files) {
        const path = join(dir, f);
        const r = parseSuiteFile(readFileSync(path, 'utf8'), path, f.replace(/\.ya?ml$/, ''));
        if (r.ok) found.push({ suite: r.suite, source: relative(projectDir, path) });
        else problems.push(formatProblems(r.problems));
      }
    }
  }
  const seen = new Map<string, string>();
  for (const { suite, source } of found) {
    const other = seen.get(suite.id);
    if (other) problems.push(`${source}: suite id "${suite.id}" is also used by ${other}`);
    seen.set(suite.id, source);
  }
  if (problems.length > 0) throw new GoldenError(`invalid golden suites:\n${problems.join('\n')}`);
  return found.map(({ suite, source }) => {
    const runner = suite.runner ?? golden.runner;
    return {
      id: suite.id,
      source,
      runner,
      samples: suite.samples ?? golden.samples,
      baselineSamples: suite.baselineSamples ?? golden.baselineSamples,
      timeoutSeconds: suite.timeoutSeconds ?? golden.timeoutSeconds,
      cwd: inside(projectDir, suite.cwd ?? '.'),
      prompts: suite.prompts.map((p) => {
        let text = p.prompt;
        if (text === undefined) {
          try {
            text = readFileSync(inside(projectDir, p.promptFile!), 'utf8');
          } catch (err) {
            throw new GoldenError(`${source}: suite ${suite.id}, prompt ${p.id}: ${(err as Error).message}`);
          }
        }
        const assertions = [...suite.assert, ...p.assert];
        return { id: p.id, text, assertions, digest: promptDigest(text, assertions, runner) };
      }),
    };
  });
}

export function selectSuites(all: ResolvedSuite[], wanted: readonly string[] | undefined): ResolvedSuite[] {
  if (all.length === 0)
    throw new GoldenError(
      'no golden suites: add a golden.suites list to agent-sre.yaml or a suite file under evals/ (docs/drift.md)',
    );
  if (!wanted || wanted.length === 0) return all;
  const unknown = wanted.filter((w) => !all.some((s) => s.id === w));
  if (unknown.length > 0)
    throw new GoldenError(`no suite ${unknown.join(', ')}; known: ${all.map((s) => s.id).join(', ')}`);
  return all.filter((s) => wanted.includes(s.id));
}

export interface GoldenDeps {
  store: LedgerStore;
  projectDir: string;
  golden: GoldenSettings;
  paging: PagingSettings;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
  /** The time the run is recorded under. Passed in: tests simulate days with it, backfills use it. */
  at: number;
  /** Progress: called after each sample. */
  onSample?: (done: number, total: number) => void;
}

const MAX_STDOUT = 8 * 1024 * 1024;

let validator: SchemaValidator | undefined;
async function schemaValidator(): Promise<SchemaValidator> {
  if (validator) return validator;
  const { validateJsonSchema } = await import('./json-schema.ts');
  validator = (schema, value) => {
    const r = validateJsonSchema(schema, value, 3);
    return r.ok ? null : r.issues.join('; ');
  };
  return validator;
}

/** Run every prompt of the suites `samples(suite)` times, at most `golden.concurrency` at once. */
async function collect(
  suites: readonly ResolvedSuite[],
  samples: (s: ResolvedSuite) => number,
  mode: 'baseline' | 'run',
  deps: GoldenDeps,
): Promise<GoldenSuiteRun[]> {
  const validate = await schemaValidator();
  // Only for templates that take {prompt_file}; most read the prompt on stdin.
  let scratch: string | undefined;
  try {
    const jobs = suites.flatMap((suite, si) =>
      suite.prompts.flatMap((prompt, pi) =>
        Array.from({ length: samples(suite) }, (_, i) => ({ suite, prompt, si, pi, i })),
      ),
    );
    const results: GoldenSample[][][] = suites.map((s) => s.prompts.map(() => []));
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        if (scratch === undefined && usesPromptFile(job.suite.runner))
          scratch = mkdtempSync(join(tmpdir(), 'agent-sre-golden-'));
        const promptFile = scratch === undefined ? '' : join(scratch, `${job.si}-${job.pi}.txt`);
        const rendered = renderRunner(job.suite.runner, {
          prompt: job.prompt.text,
          promptFile,
          suite: job.suite.id,
          promptId: job.prompt.id,
          sample: job.i,
        });
        if (rendered.needsPromptFile && !existsSync(promptFile)) writeFileSync(promptFile, job.prompt.text);
        const r = await deps.run(rendered.command, {
          cwd: job.suite.cwd,
          timeoutMs: job.suite.timeoutSeconds * 1000,
          env: {
            ...deps.env,
            AGENT_SRE_GOLDEN_SUITE: job.suite.id,
            AGENT_SRE_GOLDEN_PROMPT: job.prompt.id,
            AGENT_SRE_GOLDEN_SAMPLE: String(job.i),
            AGENT_SRE_GOLDEN_DAY: dayId(deps.at),
            AGENT_SRE_GOLDEN_MODE: mode,
          },
          maxStdout: MAX_STDOUT,
          ...(rendered.stdin === undefined ? {} : { stdin: rendered.stdin }),
        });
        const sample = r.stdoutTruncated
          ? { passed: false, error: `stdout over ${MAX_STDOUT} bytes`, failures: [], metrics: {} }
          : sampleOf(
              {
                stdout: r.stdout,
                exitCode: r.exitCode,
                timedOut: r.timedOut,
                startError: r.startError,
                wallMs: r.durationMs,
              },
              job.prompt.assertions,
              validate,
            );
        results[job.si]![job.pi]![job.i] = sample;
        deps.onSample?.(++done, jobs.length);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, deps.golden.concurrency) }, worker));
    return suites.map((suite, si) => ({
      suite: suite.id,
      prompts: suite.prompts.map(
        (p, pi): GoldenPromptRun => ({ prompt: p.id, digest: p.digest, samples: results[si]![pi]! }),
      ),
    }));
  } finally {
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

export interface BaselineSummary {
  suite: string;
  at: number;
  samples: number;
  passed: number;
  errors: number;
  /** An earlier baseline of this suite was replaced. */
  replaced: boolean;
}

/**
 * Record a baseline for the suites: run them afresh (`baselineSamples` each) or promote a recorded run
 * (`from`: a run id or `latest`). Refused when the runner failed on most samples: a broken harness is not
 * a baseline.
 */
export async function recordBaseline(
  deps: GoldenDeps,
  opts: { suites?: readonly string[]; samples?: number; from?: string },
): Promise<BaselineSummary[]> {
  let runs: GoldenSuiteRun[];
  let at = deps.at;
  if (opts.from) {
    const runsKept = await deps.store.transact(deps.at, (tx) => tx.records<RunRecordData>(RUN_KIND), {
      readonly: true,
    });
    const source =
      opts.from === 'latest'
        ? runsKept
            .map((r) => r.data)
            .sort((a, b) => a.at - b.at)
            .at(-1)
        : runsKept.find((r) => r.id === opts.from)?.data;
    if (!source)
      throw new GoldenError(
        `no recorded run ${opts.from}${runsKept.length ? `; recorded: ${runsKept.map((r) => r.id).join(', ')}` : ''}`,
      );
    const wanted =
      opts.suites && opts.suites.length > 0 ? opts.suites : source.suites.map((s) => s.run.suite);
    runs = source.suites.map((s) => s.run).filter((r) => wanted.includes(r.suite));
    if (runs.length === 0)
      throw new GoldenError(`run ${source.id} has none of the suites ${wanted.join(', ')}`);
    at = source.at;
  } else {
    const suites = selectSuites(await loadSuites(deps.projectDir, deps.golden), opts.suites);
    runs = await collect(suites, (s) => opts.samples ?? s.baselineSamples, 'baseline', deps);
  }
  for (const run of runs) {
    const all = run.prompts.flatMap((p) => p.samples);
    const errors = all.filter((s) => s.error !== null);
    if (errors.length * 2 > all.length)
      throw new GoldenError(
        `the runner failed on ${errors.length} of ${all.length} samples of suite ${run.suite} (first: ${errors[0]!.error}); fix the runner before recording a baseline`,
      );
  }
  return deps.store.transact(deps.at, (tx) =>
    runs.map((run) => {
      const all = run.prompts.flatMap((p) => p.samples);
      const replaced = tx.record(BASELINE_KIND, run.suite) !== undefined;
      const samples = Math.max(0, ...run.prompts.map((p) => p.samples.length));
      tx.putRecord<BaselineRecordData>({
        kind: BASELINE_KIND,
        id: run.suite,
        createdAt: at,
        data: { suite: run.suite, at, samples, run },
      });
      return {
        suite: run.suite,
        at,
        samples: all.length,
        passed: all.filter((s) => s.passed).length,
        errors: all.filter((s) => s.error !== null).length,
        replaced,
      };
    }),
  );
}

export interface GoldenRunReport {
  id: string;
  at: number;
  verdicts: SuiteVerdict[];
  /** Incidents raised or updated by this run. */
  incidents: Incident[];
  /** Pages queued (deliver them with a flusher or `agent-sre tick`). */
  queued: number;
  /** A run recorded earlier the same day was replaced. */
  replaced: boolean;
}

/** Run the suites, compare with their baselines and the days before, record the run and raise what drifted. */
export async function runGolden(
  deps: GoldenDeps,
  opts: { suites?: readonly string[] } = {},
): Promise<GoldenRunReport> {
  const suites = selectSuites(await loadSuites(deps.projectDir, deps.golden), opts.suites);
  const runs = await collect(suites, (s) => s.samples, 'run', deps);
  return judgeAndRecord(deps, runs);
}

/** The ledger half of `runGolden`: one transaction from reading the baselines to queueing the pages. */
export function judgeAndRecord(deps: GoldenDeps, runs: readonly GoldenSuiteRun[]): Promise<GoldenRunReport> {
  const id = dayId(deps.at);
  const severity = driftSeverities(deps.golden.severity, severityOf('drift.detected', deps.paging));
  return deps.store.transact(deps.at, (tx) => {
    const earlier = tx
      .records<RunRecordData>(RUN_KIND)
      .map((r) => r.data)
      .filter((r) => r.id !== id && r.at < deps.at)
      .sort((a, b) => a.at - b.at);
    const inputs: SuiteInput[] = runs.map((run) => {
      const b = tx.record<BaselineRecordData>(BASELINE_KIND, run.suite)?.data;
      return {
        run,
        baseline: b ? { at: b.at, run: b.run } : null,
        history: b
          ? earlier.flatMap((r) =>
              r.suites
                .filter((s) => s.run.suite === run.suite && s.verdict.baselineAt === b.at)
                .map((s) => ({ id: r.id, at: r.at, run: s.run })),
            )
          : [],
      };
    });
    const verdicts = assessRun(inputs, {
      id,
      at: deps.at,
      metrics: deps.golden.metrics,
      thresholds: deps.golden.thresholds,
      severity,
    });
    const incidents: Incident[] = [];
    let queued = 0;
    for (const v of verdicts) {
      const signal = driftSignal(v, { project: deps.projectDir, runId: id, at: deps.at });
      if (!signal || !v.severity) continue;
      // The finding decides the severity; routing and escalation are the project's as for any incident.
      const r = raiseSignals(tx, [signal], {
        ...deps.paging,
        severity: { ...deps.paging.severity, 'drift.detected': v.severity },
      });
      incidents.push(...r.incidents);
      queued += r.queued;
    }
    const existing = tx.record<RunRecordData>(RUN_KIND, id)?.data;
    const ran = new Set(runs.map((r) => r.suite));
    tx.putRecord<RunRecordData>({
      kind: RUN_KIND,
      id,
      createdAt: deps.at,
      data: {
        id,
        at: deps.at,
        suites: [
          ...(existing?.suites ?? []).filter((s) => !ran.has(s.run.suite)),
          ...runs.map((run, i) => ({ run, verdict: verdicts[i]! })),
        ],
      },
    });
    return { id, at: deps.at, verdicts, incidents, queued, replaced: existing !== undefined };
  });
}

export interface GoldenHistory {
  baselines: BaselineRecordData[];
  runs: RunRecordData[];
  histories: MetricHistory[];
}

export async function goldenHistory(
  store: LedgerStore,
  golden: GoldenSettings,
  now: number,
  suites?: readonly string[],
): Promise<GoldenHistory> {
  const { baselines, runs } = await store.transact(
    now,
    (tx) => ({
      baselines: tx.records<BaselineRecordData>(BASELINE_KIND).map((r) => r.data),
      runs: tx
        .records<RunRecordData>(RUN_KIND)
        .map((r) => r.data)
        .sort((a, b) => a.at - b.at),
    }),
    { readonly: true },
  );
  const wanted = baselines.filter((b) => !suites || suites.length === 0 || suites.includes(b.suite));
  return {
    baselines: wanted,
    runs,
    histories: wanted.flatMap((b) => suiteHistory(b, runs, golden.metrics, golden.thresholds.floor)),
  };
}

/**
 * Write the report of a run and one chart per suite and metric into `outDir`; returns the files written.
 * The charts cover every run since each suite's baseline.
 */
export function writeGoldenReport(
  outDir: string,
  runId: string,
  verdicts: readonly SuiteVerdict[],
  histories: readonly MetricHistory[],
): string[] {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const charts = new Map<string, string[]>();
  for (const h of histories) {
    if (h.points.every((p) => p.value === null)) continue;
    const file = chartFile(h.suite, h.metric);
    writeFileSync(join(outDir, file), historyChart(h));
    written.push(join(outDir, file));
    charts.set(h.suite, [...(charts.get(h.suite) ?? []), file]);
  }
  const report = join(outDir, 'report.md');
  writeFileSync(report, goldenReport(runId, verdicts, charts));
  return [report, ...written];
}
