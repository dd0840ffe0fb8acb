// agent-sre.yaml sections for the confidence threshold: acceptance checks on Stop, the burst throttle on
// PostToolBatch, and how the runbook binds to a session.
import { z } from 'zod';
import { regexString } from './regex-schema.ts';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'check ids are lower-case words joined by . _ or -')
  .describe('Stable id, named in block reasons and in the ledger.');

const scope = z
  .string()
  .regex(/^(main|subagent|subagent:[A-Za-z0-9_.:-]+|task)$/, 'main, subagent, subagent:<agent_type> or task')
  .describe('main = the main agent Stop; subagent[:type] = SubagentStop; task = TaskCompleted.');

const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), {
    message: 'a path inside the project, relative to it',
  });

const common = {
  id,
  on: z.array(scope).min(1).default(['main']),
  timeoutSeconds: z.number().int().min(1).max(3600).default(300),
};

const commandCheck = z.strictObject({
  ...common,
  kind: z.literal('command'),
  run: z.string().min(1).describe('Shell command run in the project directory; exit 0 passes.'),
});

const schemaCheck = z
  .strictObject({
    ...common,
    kind: z.literal('schema'),
    schema: z.record(z.string(), z.unknown()).optional().describe('An inline JSON Schema.'),
    schemaFile: relPath.optional().describe('A JSON Schema file in the project.'),
    file: relPath.optional().describe('Validate this file instead of the final message.'),
  })
  .refine((c) => (c.schema === undefined) !== (c.schemaFile === undefined), {
    message: 'give exactly one of schema or schemaFile',
  });

const toolCalledCheck = z.strictObject({
  ...common,
  kind: z.literal('tool-called'),
  tool: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .transform((t) => (Array.isArray(t) ? t : [t]))
    .describe('Tool-name globs: Bash, mcp__linear__*.'),
  pattern: regexString.optional().describe("A regex over the call's command (Bash) or its input as JSON."),
  after: z.enum(['edit', 'start']).default('edit').describe('edit: after the last edit; start: any time.'),
  succeeded: z.boolean().default(true).describe('Only calls that succeeded count.'),
});

const goldenCheck = z
  .strictObject({
    ...common,
    kind: z.literal('golden'),
    run: z.string().min(1).optional().describe('Command whose stdout is the output.'),
    file: relPath.optional().describe('File holding the output.'),
    golden: relPath.describe('The golden file to compare with.'),
    mode: z.enum(['exact', 'normalized', 'structural']).default('normalized'),
    threshold: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('Share of lines (or JSON leaves) that must match.'),
  })
  .refine((c) => (c.run === undefined) !== (c.file === undefined), {
    message: 'give exactly one of run or file',
  });

export const checkSchema = z.union([commandCheck, schemaCheck, toolCalledCheck, goldenCheck]);

export const acceptanceSchema = z
  .strictObject({
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .max(7)
      .default(5)
      .describe('Blocks in a row before the gate lets the stop happen and raises gate.exhausted (SEV2).'),
    claims: z
      .boolean()
      .default(true)
      .describe('Block a final message that claims completion while the evidence disagrees.'),
    testCommands: z
      .array(regexString)
      .default([])
      .describe('Regexes for shell commands that run tests, besides the built-in list.'),
    runbook: z.boolean().default(true).describe("Add the runbook's postcondition commands as checks."),
    checks: z.array(checkSchema).default([]),
  })
  .superRefine((a, ctx) => {
    const seen = new Set<string>();
    a.checks.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'id'],
          message: `check id "${c.id}" is used twice`,
        });
      seen.add(c.id);
    });
  });

const positive = z.number().int().positive();

export const burstSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    maxCalls: positive.default(12).describe('Calls in one parallel batch.'),
    maxWrites: positive.default(8).describe('Write and delete effects in one batch.'),
    maxFiles: positive.default(8).describe('Distinct files written or deleted in one batch.'),
    maxExternal: positive.default(6).describe('Network and MCP calls in one batch.'),
    maxTier: z
      .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
      .default(3)
      .describe('A call above this tier in a batch stops the loop (4 turns the test off).'),
  })
  .describe('PostToolBatch: stop the agentic loop after a parallel burst that is too big.');

const tier = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

export const runbookSchema = z
  .strictObject({
    compile: z.boolean().default(true).describe('Turn the scope and Never list into rules.'),
    missingTier: tier
      .default(3)
      .describe('Tier for write effects while AGENTS.md/CLAUDE.md is missing or fails lint (1 = off).'),
    changedTier: tier
      .default(3)
      .describe('Tier for every action above tier 1 after the runbook changed mid-session (1 = off).'),
  })
  .describe('AGENTS.md / CLAUDE.md as the runbook bound to each session.');
