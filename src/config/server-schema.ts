// The `server:` section of agent-sre.yaml: the dashboard `agent-sre serve` runs, the public address signed
// action links point at, and the secrets that verify Slack's and PagerDuty's requests (named, never written).
import { z } from 'zod';
import { DEFAULT_SERVER, type ServerSettings } from '../core/incidents/config.ts';
import { endpoint, envName } from './channels-schema.ts';

export const serverSchema = z
  .strictObject({
    publicUrl: endpoint
      .nullable()
      .default(DEFAULT_SERVER.publicUrl)
      .describe(
        'Where people reach agent-sre serve from outside this machine (your own tunnel or reverse proxy), like https://agent-sre.example.com. Pages carry signed ack/approve/deny links only when this is set.',
      ),
    port: z
      .number()
      .int()
      .min(1)
      .max(65_535)
      .default(DEFAULT_SERVER.port)
      .describe("The dashboard's port on 127.0.0.1."),
    linkTtlMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(DEFAULT_SERVER.linkTtlMinutes)
      .describe(
        'How long a signed ack link works; approve and deny links work until the approval times out.',
      ),
    slackSigningSecretEnv: envName('SLACK_SIGNING_SECRET')
      .nullable()
      .default(DEFAULT_SERVER.slackSigningSecretEnv)
      .describe(
        "The environment variable holding your Slack app's signing secret: Slack pages get Acknowledge, Approve and Deny buttons, answered at /hooks/slack.",
      ),
    pagerdutyWebhookSecretEnv: envName('PAGERDUTY_WEBHOOK_SECRET')
      .nullable()
      .default(DEFAULT_SERVER.pagerdutyWebhookSecretEnv)
      .describe(
        'The environment variable holding the secret of your PagerDuty v3 webhook subscription (pointed at /hooks/pagerduty): acknowledgements and resolves in PagerDuty reach agent-sre.',
      ),
  })
  .describe(
    'agent-sre serve: the dashboard, signed links and inbound webhooks.',
  ) satisfies z.ZodType<ServerSettings>;
