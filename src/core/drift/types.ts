// Golden-prompt evals as the core sees them: the suites and thresholds from agent-sre.yaml (the zod
// schema in src/config/golden-schema.ts is the source of truth; these types mirror it), and the runs and
// baselines kept in the ledger as records.
import type { Severity } from '../incidents/types.ts';

/** What a sample is measured on. Counts and sizes are ≥ 0; null when the runner's output does not say. */
export const SHAPE_METRICS = [
  'chars',
  'headings',
  'codeBlocks',
  'jsonKeys',
  'toolCalls',
  'turns',
  'durationMs',
  'costUsd',
  'outputTokens',
  'inputTokens',
] as const;
export type ShapeMetric = (typeof SHAPE_METRICS)[number];
/** The shape metrics and the pass rate: everything a run is compared on. */
export const METRICS = [...SHAPE_METRICS, 'passRate'] as const;
export type Metric = (typeof METRICS)[number];

export const METRIC_LABELS: Record<Metric, string> = {
  chars: 'output length (characters)',
  headings: 'Markdown headings',
  codeBlocks: 'fenced code blocks',
  jsonKeys: 'distinct JSON key paths',
  toolCalls: 'tool calls',
  turns: 'turns',
  durationMs: 'duration (ms)',
  costUsd: 'cost (USD)',
  outputTokens: 'output tokens',
  inputTokens: 'input tokens (incl. cache)',
  passRate: 'assertion pass rate',
};

/** One check on a sample's answer. Exactly one key, as written in YAML (`- contains: "..."`). */
export type GoldenAssertion =
  | { contains: string; ignoreCase?: boolean }
  | { notContains: string; ignoreCase?: boolean }
  | { regex: string }
  | { schema: Record<string, unknown> }
  | { exitCode: number };

export interface GoldenPrompt {
  id: string;
  /** The prompt text; or `promptFile`, a file in the project holding it. */
  prompt?: string;
  promptFile?: string;
  assert: GoldenAssertion[];
}

export interface GoldenSuite {
  id: string;
  /** Overrides of the golden-level settings for this suite. */
  runner?: string;
  samples?: number;
  baselineSamples?: number;
  timeoutSeconds?: number;
  /** Directory the runner runs in, relative to the project (default: the project). */
  cwd?: string;
  /** Assertions every prompt of the suite must pass, before its own. */
  assert: GoldenAssertion[];
  prompts: GoldenPrompt[];
}

export interface DriftThresholds {
  /** Family-wise false-alarm rate per run (Holm over every test of the run). */
  alpha: number;
  /** Smallest |Cliff's delta| that counts as a shape change, significance aside. */
  minEffect: number;
  /** Smallest drop of the pass rate (0..1) that counts, significance aside. */
  minPassDrop: number;
  /** Self-starting CUSUM across daily runs: reference value k and decision interval h (in σ). */
  cusum: { k: number; h: number };
  /**
   * Smallest day-to-day standard deviation assumed for a metric's daily level (log scale: 0.02 ≈ 2%),
   * so that shifts smaller than that never add up to a slow-drift alarm.
   */
  floor: number;
}

export interface DriftSeverities {
  /** The pass rate fell: the answers are wrong more often. */
  passRate: Severity;
  /** A shape metric moved significantly in one run. */
  shape: Severity;
  /** Only the slow-drift chart signalled. */
  slowDrift: Severity;
}

export interface GoldenSettings {
  /** Command template; the prompt goes on stdin unless it holds {prompt} or {prompt_file}. */
  runner: string;
  samples: number;
  baselineSamples: number;
  timeoutSeconds: number;
  /** Samples run at once. */
  concurrency: number;
  /** Directory of suite files (`<dir>/*.yaml`), relative to the project. */
  dir: string;
  /** The metrics compared (default: all). */
  metrics: Metric[];
  thresholds: DriftThresholds;
  /** Unset entries: pass rate SEV2, shape the `drift.detected` severity (SEV3), slow drift SEV4. */
  severity: Partial<DriftSeverities>;
  suites: GoldenSuite[];
}

/** One run of one prompt. */
export interface GoldenSample {
  /** The runner ran, exited as expected and every assertion held. */
  passed: boolean;
  /** Why the runner itself failed (could not start, timed out, exit code, is_error), or null. */
  error: string | null;
  /** The assertions that failed, described. */
  failures: string[];
  /** Shape metrics; absent or null when not measurable (e.g. tool calls from a plain-text runner). */
  metrics: Partial<Record<ShapeMetric, number | null>>;
}

export interface GoldenPromptRun {
  prompt: string;
  /**
   * A digest of what the prompt was run with (text, assertions, runner): a prompt whose digest differs
   * from its baseline's is a different experiment and is not compared.
   */
  digest: string;
  samples: GoldenSample[];
}

export interface GoldenSuiteRun {
  suite: string;
  prompts: GoldenPromptRun[];
}
