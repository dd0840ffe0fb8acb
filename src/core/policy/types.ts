import type { Pricing } from '../cost/prices.ts';
import type { GoldenSettings } from '../drift/types.ts';
import type { AcceptanceSettings, BurstSettings, RunbookSettings } from '../gates/types.ts';
import type { PagingSettings } from '../incidents/config.ts';
import type { ReportSettings } from '../metrics/types.ts';
import type { EffectKind, Tier, Zone } from '../types.ts';

/**
 * A rule matches one effect. Every field present must match; list fields match when any entry
 * matches, except `tags`, which needs all of its entries. An empty match matches every effect.
 */
export interface RuleMatch {
  kind?: EffectKind[];
  /** All of these tags must be on the effect. */
  tags?: string[];
  /** At least one of these tags must be on the effect. */
  anyTags?: string[];
  /** None of these tags may be on the effect. */
  notTags?: string[];
  zone?: Zone[];
  /** Globs over the resolved absolute path (`**`, `*`, `?`; `~/` means the home directory). */
  path?: string[];
  /**
   * None of these globs may match the resolved path (same glob syntax as `path`). An effect with no
   * path passes: there is nothing to exclude. Lets one rule say "anywhere in the project except these".
   */
  notPath?: string[];
  /** exec: program basenames, globs allowed (`mkfs*`). */
  program?: string[];
  /** exec: a regular expression tested against the argv joined by single spaces. */
  args?: string;
  /** net: host globs (`*.amazonaws.com`). */
  host?: string[];
  /** net: methods, upper case. */
  method?: string[];
  credentialed?: boolean;
  /** mcp: server globs. */
  server?: string[];
  /** mcp: tool-name globs. */
  tool?: string[];
  verb?: ('read' | 'write' | 'delete' | 'unknown')[];
}

export interface Rule {
  /** Stable id, named in every decision this rule makes. */
  id: string;
  tier: Tier;
  /** Told to the agent (tier 4) or the human (tier 3). Say what to do instead. */
  reason: string;
  match: RuleMatch;
}

export interface Budgets {
  filesTouched: number;
  linesChanged: number;
  externalCalls: number;
  toolCalls: number;
  subagents: number;
  /** USD per session at list prices (main agent and subagents), from the transcript's token usage. */
  costUsd: number;
  /** USD per UTC day across every session in the project's ledger. */
  fleetCostUsdPerDay: number;
}

export interface DenialLimits {
  /** Consecutive denials that escalate the session. */
  escalateAfter: number;
  /** Total denials that terminate the session. */
  terminateAfter: number;
}

export interface Policy {
  version: 1;
  rules: Rule[];
  /** Rule ids from the default set that this project switches off. */
  disabled: string[];
  budgets: Budgets;
  denials: DenialLimits;
  /** Emit an explicit `allow` for tier 1 instead of staying silent. */
  explicitAllow: boolean;
  /** Branches treated as protected, besides the default branch names. */
  protectedBranches: string[];
  /** Who hears about what, and how tier-3 gates are answered. */
  paging: PagingSettings;
  /** What must hold before an agent, a subagent or a task may stop. */
  acceptance: AcceptanceSettings;
  burst: BurstSettings;
  runbook: RunbookSettings;
  /** Golden-prompt evals run daily and compared with a baseline (docs/drift.md). */
  golden: GoldenSettings;
  /** Token prices for cost accounting: the defaults with the project's `pricing:` rows laid over them. */
  pricing: Pricing;
  /** Targets the report and postmortems hold incidents to (docs/postmortem.md). */
  report: ReportSettings;
}
