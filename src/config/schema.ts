// The one source of truth for agent-sre.yaml. Types in core/policy/types.ts mirror it; a test checks
// they agree, and the JSON Schema for editors is generated from it.
import { z } from 'zod';
import type { Severity } from '../core/incidents/types.ts';
import { SEVERITIES, SIGNAL_KINDS } from '../core/incidents/types.ts';
import { channelsSchema, routeSchema } from './channels-schema.ts';
import { acceptanceSchema, burstSchema, runbookSchema } from './gates-schema.ts';
import { goldenSchema } from './golden-schema.ts';
import { escalationSchema, oncallSchema } from './oncall-schema.ts';
import { pricingSchema } from './pricing-schema.ts';
import { regexString } from './regex-schema.ts';
import { serverSchema } from './server-schema.ts';
import { teamSchema } from './team-schema.ts';

const tier = z
  .union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
  .describe('1 auto, 2 log, 3 ask a human, 4 deny');
const strList = z.array(z.string().min(1));
const zone = z.enum(['project', 'temp', 'home', 'system', 'root', 'device', 'outside']);

export const ruleMatchSchema = z
  .strictObject({
    kind: z.array(z.enum(['exec', 'delete', 'write', 'read', 'net', 'mcp', 'opaque'])).optional(),
    tags: strList.optional().describe('All of these tags must be on the effect.'),
    anyTags: strList.optional().describe('At least one of these tags must be on the effect.'),
    notTags: strList.optional().describe('None of these tags may be on the effect.'),
    zone: z.array(zone).optional(),
    path: strList.optional().describe('Globs over the resolved absolute path; ~/ is the home directory.'),
    notPath: strList
      .optional()
      .describe(
        'Globs over the resolved absolute path, none of which may match; an effect with no path passes.',
      ),
    program: strList.optional().describe('exec: program basenames (globs).'),
    args: regexString.optional().describe('exec: regular expression over the argv joined by spaces.'),
    host: strList.optional().describe('net: host globs.'),
    method: strList.optional(),
    credentialed: z.boolean().optional(),
    server: strList.optional().describe('mcp: server globs.'),
    tool: strList.optional().describe('mcp: tool-name globs.'),
    verb: z.array(z.enum(['read', 'write', 'delete', 'unknown'])).optional(),
  })
  .describe('Every field present must match.');

export const ruleSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'rule ids are lower-case words joined by . _ or -')
    .describe('Stable id, named in every decision.'),
  tier,
  reason: z
    .string()
    .min(1)
    .describe('Shown to the agent (tier 4) or the human (tier 3). Say what to do instead.'),
  match: ruleMatchSchema,
});

const positive = z.number().int().positive();

export const policyFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    extends: z
      .enum(['default', 'strict', 'none'])
      .default('default')
      .describe(
        "Start from the embedded default rules; from them plus the strict profile, which gates code nobody has read (inline interpreter code, unread scripts, packages run or added from the registry, unknown tools); or from none (the guard's own rules stay).",
      ),
    rules: z.array(ruleSchema).default([]),
    disabled: strList.default([]).describe('Ids of default rules to switch off.'),
    budgets: z
      .strictObject({
        filesTouched: positive.default(200),
        linesChanged: positive.default(10_000),
        externalCalls: positive.default(300),
        toolCalls: positive.default(3_000),
        subagents: positive.default(30),
        costUsd: z
          .number()
          .positive()
          .default(50)
          .describe('USD per session at list prices, main agent and subagents together.'),
        fleetCostUsdPerDay: z
          .number()
          .positive()
          .default(500)
          .describe("USD per UTC day across all sessions in this project's ledger."),
      })
      .prefault({}),
    denials: z
      .strictObject({
        escalateAfter: positive
          .default(3)
          .describe('Consecutive denials that escalate the session to a human.'),
        terminateAfter: positive.default(20).describe('Denials in one session that terminate it.'),
      })
      .prefault({}),
    explicitAllow: z
      .boolean()
      .default(false)
      .describe('Answer tier 1 with an explicit allow (skips Claude Code prompts).'),
    protectedBranches: strList
      .default([])
      .describe('Branch globs protected besides main, master, trunk, develop, production, release/*.'),
    severity: z
      .partialRecord(z.enum(SIGNAL_KINDS), z.enum(SEVERITIES as [Severity, ...Severity[]]))
      .default({})
      .describe('Severity per signal kind, over the defaults (see docs/escalation.md).'),
    channels: channelsSchema.default({ file: { type: 'file', path: '.agent-sre/pages.jsonl' } }),
    routing: z
      .array(routeSchema)
      .default([])
      .describe('First matching route wins. None: every incident goes to every channel.'),
    escalation: escalationSchema.prefault({}),
    oncall: oncallSchema.prefault({}),
    gate: z
      .strictObject({
        mode: z
          .enum(['ask', 'wait', 'deny'])
          .default('ask')
          .describe("Tier 3: ask = Claude Code's prompt; wait = page the on-call and wait; deny = refuse."),
        timeoutSeconds: z
          .number()
          .int()
          .min(5)
          .max(3000)
          .default(120)
          .describe('How long wait mode waits for agent-sre approve|deny before denying.'),
      })
      .prefault({}),
    server: serverSchema.prefault({}),
    team: teamSchema.optional(),
    acceptance: acceptanceSchema.prefault({}),
    burst: burstSchema.prefault({}),
    runbook: runbookSchema.prefault({}),
    golden: goldenSchema.prefault({}),
    pricing: pricingSchema.optional(),
    report: z
      .strictObject({
        targets: z
          .strictObject({
            sev1ResolveMinutes: positive.optional().describe('SEV1 (P0) time to resolve; default 120.'),
            detectMinutes: positive.optional().describe('Time to detect; proposed default 5.'),
            acknowledgeMinutes: positive
              .optional()
              .describe('Time to acknowledge a page; proposed default 15.'),
            containMinutes: positive.optional().describe('Time to contain (mitigate); proposed default 15.'),
          })
          .prefault({})
          .describe('Minutes; absent ones use the defaults, which the report marks as default or proposed.'),
      })
      .prefault({})
      .describe('What `agent-sre report` and `postmortem` hold incidents to.'),
  })
  .describe('agent-sre policy');

export type PolicyFile = z.infer<typeof policyFileSchema>;
