// The `channels:` and `routing:` sections of agent-sre.yaml. Types in core/incidents/config.ts mirror these
// (checked below with `satisfies`). Credentials are never written in the file: every channel names the
// environment variable that holds its secret, and values that look like a secret themselves are refused.
import { z } from 'zod';
import type { ChannelConfig, RouteRule } from '../core/incidents/config.ts';
import { SEVERITIES, type Severity, type SignalKind } from '../core/incidents/types.ts';
import { looksLikeSecretValue, urlCarriesSecret } from '../core/secrets.ts';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * A secret pasted where its variable's name belongs: a known token shape, or a long run of letters and digits
 * with no underscore (PagerDuty integration keys are 32 hex characters; variable names are words joined by _).
 */
export function looksLikeLiteralSecret(value: string): boolean {
  if (looksLikeSecretValue(value)) return true;
  return value.length >= 20 && !value.includes('_') && /\d/.test(value);
}

export const envName = (example: string) =>
  z
    .string()
    .regex(
      ENV_NAME,
      `name an environment variable (like ${example}); secrets are never written in agent-sre.yaml`,
    )
    .refine((v) => !looksLikeLiteralSecret(v), {
      message: `this looks like the secret itself: put it in an environment variable and name the variable here (like ${example})`,
    })
    .describe('Name of the environment variable holding the credential.');

// Credentials and page text must not cross the network in clear; plain http is for a receiver on this machine.
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;
export const endpoint = z
  .string()
  .refine(
    (s) => {
      try {
        const u = new URL(s);
        return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.test(u.hostname));
      } catch {
        return false;
      }
    },
    { message: 'must be an https:// URL (http:// only for localhost)' },
  )
  .refine((s) => !urlCarriesSecret(s), {
    message: 'this URL carries a credential; keep credentials in environment variables (the *Env settings)',
  })
  .transform((s) => s.replace(/\/+$/, ''));

const base = {
  minIntervalMs: z
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('Least milliseconds between two sends; defaults to the service’s documented rate limit.'),
  quietHours: z.boolean().optional().describe('Hold SEV3/SEV4 pages outside working hours.'),
};

const answerLinks = z
  .boolean()
  .optional()
  .describe(
    "Signed Acknowledge/Approve/Deny links on this channel's pages (they need server.publicUrl). Default: on for PagerDuty, Slack and webhooks, off for GitHub issues, which an agent with gh can read.",
  );

export const pagerDutyChannelSchema = z.strictObject({
  type: z.literal('pagerduty'),
  routingKeyEnv: envName('PAGERDUTY_ROUTING_KEY'),
  baseUrl: endpoint.default('https://events.pagerduty.com').describe('Events API host (EU accounts differ).'),
  source: z.string().min(1).optional().describe('payload.source; the host name when absent.'),
  answerLinks,
  ...base,
});

export const slackChannelSchema = z.strictObject({
  type: z.literal('slack'),
  webhookUrlEnv: envName('SLACK_WEBHOOK_URL'),
  answerLinks,
  ...base,
});

export const githubChannelSchema = z.strictObject({
  type: z.literal('github'),
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name, e.g. acme/oncall'),
  tokenEnv: envName('GITHUB_TOKEN'),
  baseUrl: endpoint.default('https://api.github.com').describe('REST API root (GitHub Enterprise differs).'),
  labels: z
    .array(z.string().min(1).max(50))
    .default([])
    .describe('Added to every issue besides agent-sre ones.'),
  answerLinks,
  ...base,
});

export const webhookChannelSchema = z.strictObject({
  type: z.literal('webhook'),
  url: endpoint.describe('Receives signed JSON; see verifyWebhookSignature.'),
  secretEnv: envName('AGENT_SRE_WEBHOOK_SECRET'),
  answerLinks,
  ...base,
});

export const fileChannelSchema = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1).default('.agent-sre/pages.jsonl').describe('JSONL file; relative to the project.'),
  ...base,
});

export const channelSchema = z.discriminatedUnion('type', [
  pagerDutyChannelSchema,
  slackChannelSchema,
  githubChannelSchema,
  webhookChannelSchema,
  fileChannelSchema,
]) satisfies z.ZodType<ChannelConfig>;

export const channelsSchema = z
  .record(
    z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'channel names are lower-case words joined by . _ or -'),
    channelSchema,
  )
  .describe('Named paging channels; routes refer to them by name.');

// Every SignalKind once: adding a kind to the type without listing it here fails to compile.
const SIGNAL_KINDS: Record<SignalKind, true> = {
  'tier4.denied': true,
  'session.escalated': true,
  'session.terminated': true,
  'budget.spent': true,
  'approval.requested': true,
  'approval.forged': true,
  'ledger.integrity': true,
  'acceptance.failed': true,
  'gate.exhausted': true,
  'drift.detected': true,
  'page.test': true,
};
const signalKind = z.enum(Object.keys(SIGNAL_KINDS) as [SignalKind, ...SignalKind[]]);

export const routeSchema = z.strictObject({
  match: z
    .strictObject({
      severity: z.array(z.enum(SEVERITIES as [Severity, ...Severity[]])).optional(),
      source: z.array(signalKind).optional(),
    })
    .default({})
    .describe('Every field present must match; an empty match catches everything.'),
  channels: z.array(z.string().min(1)).min(1).describe('Channel names from `channels:`.'),
  escalation: z.string().min(1).optional().describe('Escalation policy; the default one when absent.'),
}) satisfies z.ZodType<RouteRule>;

export type ChannelsFile = z.output<typeof channelsSchema>;
