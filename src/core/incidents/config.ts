// The escalation settings of agent-sre.yaml as the core sees them. The zod schemas in src/config/
// are the source of truth for parsing; these types mirror them.
import type { EscalationPolicy } from '../escalation/types.ts';
import type { OncallConfig } from '../oncall/types.ts';
import type { Severity, SignalKind } from './types.ts';

interface ChannelBase {
  /** Override the documented rate limit (milliseconds between two sends). */
  minIntervalMs?: number;
  /** Hold SEV3/SEV4 pages outside working hours (default true; false for the file channel). */
  quietHours?: boolean;
  /** Signed answer links on this channel's pages; default on for PagerDuty, Slack and webhooks. Never for files. */
  answerLinks?: boolean;
}

export type ChannelConfig = ChannelBase &
  (
    | { type: 'file'; path: string }
    | { type: 'pagerduty'; routingKeyEnv: string; baseUrl: string; source?: string }
    | { type: 'slack'; webhookUrlEnv: string }
    | { type: 'github'; repo: string; tokenEnv: string; baseUrl: string; labels: string[] }
    | { type: 'webhook'; url: string; secretEnv: string }
  );

export interface RouteRule {
  /** Every field present must match; an empty match catches everything. */
  match: { severity?: Severity[]; source?: SignalKind[] };
  channels: string[];
  /** Escalation policy to follow; the default one when absent. */
  escalation?: string;
}

export type GateMode = 'ask' | 'wait' | 'deny';

export interface GateSettings {
  /**
   * What a tier-3 decision does: `ask` shows Claude Code's own prompt (someone at the keyboard);
   * `wait` pages the on-call and waits for `agent-sre approve|deny`; `deny` refuses outright.
   */
  mode: GateMode;
  /** How long `wait` waits before denying. Kept below the hook's own timeout by `init`. */
  timeoutSeconds: number;
}

/** `agent-sre serve`'s dashboard, signed links and inbound webhooks (the `server:` section). */
export interface ServerSettings {
  /**
   * The address humans reach `agent-sre serve` at from outside this machine (the user's own tunnel or
   * reverse proxy), without a trailing slash. Pages carry signed action links only when it is set.
   */
  publicUrl: string | null;
  /** The dashboard's port on this machine. */
  port: number;
  /** Minutes a signed ack link lives; approve/deny links live until their approval expires. */
  linkTtlMinutes: number;
  /** The environment variable holding the Slack app's signing secret (enables Slack buttons). */
  slackSigningSecretEnv: string | null;
  /** The environment variable holding the PagerDuty v3 webhook subscription's secret. */
  pagerdutyWebhookSecretEnv: string | null;
}

export const DEFAULT_SERVER_PORT = 47_320;

export const DEFAULT_SERVER: ServerSettings = {
  publicUrl: null,
  port: DEFAULT_SERVER_PORT,
  linkTtlMinutes: 60,
  slackSigningSecretEnv: null,
  pagerdutyWebhookSecretEnv: null,
};

/** Everything about paging people, as parsed from agent-sre.yaml. */
/** Team mode (docs/team.md): the team server this project ships its events and pages to. */
export interface TeamSettings {
  /** The team server's base URL, without a trailing slash. */
  url: string;
  /** The environment variable holding the team token (never the token itself). */
  tokenEnv: string;
  /** This machine's id on the team; null: a random id kept in the user's agent-sre state directory. */
  machine: string | null;
  /** The project's name across the team; null (or absent): the origin remote's URL, else the folder's name. */
  project?: string | null;
}

export interface PagingSettings {
  severity: Partial<Record<SignalKind, Severity>>;
  channels: Record<string, ChannelConfig>;
  routing: RouteRule[];
  escalation: { default?: string; policies: Record<string, EscalationPolicy> };
  oncall: OncallConfig;
  gate: GateSettings;
  /** Absent in settings built by hand (tests, the ledger's defaults): DEFAULT_SERVER applies. */
  server?: ServerSettings;
  /** Absent: no team server, everything stays on this machine. */
  team?: TeamSettings;
}
