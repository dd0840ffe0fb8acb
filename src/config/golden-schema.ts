// The `golden:` section of agent-sre.yaml and the suite files in evals/*.yaml: golden prompts run every
// day through a runner command, measured and compared with a recorded baseline (docs/drift.md). Parses
// into exactly the core types of src/core/drift/types.ts; a type test keeps the two in step.
import { z } from 'zod';
import type { GoldenAssertion } from '../core/drift/types.ts';
import { METRICS } from '../core/drift/types.ts';
import { SEVERITIES, type Severity } from '../core/incidents/types.ts';
import { regexString } from './regex-schema.ts';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'ids are lower-case words joined by . _ or -')
  .describe('Stable id: named in the ledger, the incident and the charts.');

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    message: 'a path inside the project, relative to it',
  });

export const goldenAssertionSchema = z
  .union([
    z.strictObject({
      contains: z.string().min(1).describe('The answer contains this text.'),
      ignoreCase: z.boolean().optional(),
    }),
    z.strictObject({
      notContains: z.string().min(1).describe('The answer does not contain this text.'),
      ignoreCase: z.boolean().optional(),
    }),
    z.strictObject({ regex: regexString.describe('A regular expression (multiline) the answer matches.') }),
    z.strictObject({
      schema: z
        .record(z.string(), z.unknown())
        .describe('A JSON Schema the JSON in the answer (all of it, else its last ```json block) matches.'),
    }),
    z.strictObject({
      exitCode: z
        .number()
        .int()
        .min(0)
        .max(255)
        .describe('The exit code the runner must end with (default 0).'),
    }),
  ])
  .describe('One of contains, notContains, regex, schema, exitCode.') satisfies z.ZodType<GoldenAssertion>;

export const goldenPromptSchema = z
  .strictObject({
    id,
    prompt: z.string().min(1).optional().describe('The prompt text.'),
    promptFile: relPath.optional().describe('A file in the project holding the prompt.'),
    assert: z.array(goldenAssertionSchema).default([]),
  })
  .refine((p) => (p.prompt === undefined) !== (p.promptFile === undefined), {
    message: 'give exactly one of prompt or promptFile',
  });

const samples = z.number().int().min(1).max(100);
const baselineSamples = z.number().int().min(2).max(500);
const timeoutSeconds = z.number().int().min(1).max(7200);

const suiteFields = {
  id,
  runner: z.string().min(1).optional().describe("This suite's runner command, over golden.runner."),
  samples: samples.optional().describe('Runs of each prompt per daily run, over golden.samples.'),
  baselineSamples: baselineSamples.optional(),
  timeoutSeconds: timeoutSeconds.optional(),
  cwd: relPath.optional().describe('Directory the runner runs in, relative to the project.'),
  assert: z
    .array(goldenAssertionSchema)
    .default([])
    .describe('Assertions every prompt of the suite must pass.'),
  prompts: z.array(goldenPromptSchema).min(1),
};

function uniqueIds(
  items: Array<{ id?: string | undefined }>,
  path: string,
  what: string,
  ctx: z.RefinementCtx,
) {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (it.id === undefined) return;
    if (seen.has(it.id))
      ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `${what} id "${it.id}" is used twice` });
    seen.add(it.id);
  });
}

export const goldenSuiteSchema = z
  .strictObject(suiteFields)
  .superRefine((s, ctx) => uniqueIds(s.prompts, 'prompts', 'prompt', ctx));

/** A suite file, evals/<name>.yaml: a suite whose id defaults to the file's name. */
export const goldenSuiteFileSchema = z
  .strictObject({ ...suiteFields, id: id.optional() })
  .superRefine((s, ctx) => uniqueIds(s.prompts, 'prompts', 'prompt', ctx));

const severity = z.enum(SEVERITIES as [Severity, ...Severity[]]);

export const goldenSchema = z
  .strictObject({
    runner: z
      .string()
      .min(1)
      .default('claude -p --output-format json')
      .describe(
        'Command run once per sample by /bin/sh in the project. The prompt goes on stdin unless the command holds {prompt} (the text, shell-quoted) or {prompt_file} (a file holding it). Also: {suite}, {prompt_id}, {sample}.',
      ),
    samples: samples.default(5).describe('Runs of each prompt per daily run.'),
    baselineSamples: baselineSamples.default(10).describe('Runs of each prompt when recording a baseline.'),
    timeoutSeconds: timeoutSeconds.default(600).describe('Per sample; the process group is killed after.'),
    concurrency: z.number().int().min(1).max(32).default(2).describe('Samples run at once.'),
    dir: relPath.default('evals').describe('Suite files: <dir>/*.yaml, one suite each.'),
    metrics: z
      .array(z.enum(METRICS))
      .min(1)
      .default([...METRICS])
      .describe('The metrics compared (fewer tests: more power for each).'),
    thresholds: z
      .strictObject({
        alpha: z
          .number()
          .gt(0)
          .lt(0.5)
          .default(0.001)
          .describe('Chance that a run with no real change raises an incident (Holm over all its tests).'),
        minEffect: z
          .number()
          .min(0)
          .max(1)
          .default(0.474)
          .describe("Smallest |Cliff's delta| of a shape metric that alarms (0.474: 'large')."),
        minPassDrop: z.number().min(0).max(1).default(0.2).describe('Smallest pass-rate drop that alarms.'),
        cusum: z
          .strictObject({
            k: z.number().positive().default(0.5).describe('Reference value, in standard deviations.'),
            h: z.number().positive().default(8).describe('Decision interval, in standard deviations.'),
          })
          .prefault({}),
        floor: z
          .number()
          .min(0)
          .default(0.02)
          .describe('Least day-to-day spread assumed for a metric (log scale: 0.02 ≈ 2%).'),
      })
      .prefault({}),
    severity: z
      .strictObject({
        passRate: severity.optional(),
        shape: severity.optional(),
        slowDrift: severity.optional(),
      })
      .default({})
      .describe('Severity per finding; shape defaults to the drift.detected severity (SEV3).'),
    suites: z.array(goldenSuiteSchema).default([]),
  })
  .superRefine((g, ctx) => uniqueIds(g.suites, 'suites', 'suite', ctx))
  .describe('Golden-prompt evals and drift detection (docs/drift.md).');

export type GoldenFile = z.output<typeof goldenSchema>;
