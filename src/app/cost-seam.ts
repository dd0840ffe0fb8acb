// The token and cost line of the evidence pack, the report and the postmortem. Those take it from an
// injected `CostOf`; this is the one place that builds it from transcript ingestion (src/core/cost,
// src/adapters/transcripts): the session's transcript when it can be found, else the usage the hook
// folded into the ledger as the session ran, else nothing ("not available (no transcript)").
import { sessionUsage } from '../adapters/transcripts/usage-reader.ts';
import type { Pricing } from '../core/cost/prices.ts';
import { type SessionUsage, summarize, usageStateFrom } from '../core/cost/usage.ts';
import type { CostLine } from '../core/postmortem/types.ts';
import type { SessionState } from '../core/session/types.ts';
import type { LedgerStore } from '../ports.ts';
import { USAGE_KIND } from './cost.ts';
import { claudeProjectsDir, findSessionTranscript } from './transcript-files.ts';

export type CostOf = (session: SessionState) => Promise<CostLine | null>;

export function costLineOf(u: SessionUsage): CostLine {
  const t = u.tokens;
  return {
    tokens: t.input + t.output + t.cacheWrite5m + t.cacheWrite1h + t.cacheRead,
    costUsd: u.costUsd,
    knownCostUsd: u.knownCostUsd,
    models: u.models.map((m) => m.model),
  };
}

export interface CostSeamDeps {
  store: LedgerStore;
  projectDir: string;
  env: NodeJS.ProcessEnv;
  home: string;
  pricing: Pricing;
}

export function projectCostOf(deps: CostSeamDeps): CostOf {
  const projects = claudeProjectsDir(deps.env, deps.home);
  return async (session) => {
    const file = findSessionTranscript(projects, deps.projectDir, session.sessionId);
    if (file) {
      try {
        const usage = await sessionUsage(file, { pricing: deps.pricing });
        if (usage.modelCalls > 0) return costLineOf(usage);
      } catch {
        // Unreadable: fall back to what the hook folded.
      }
    }
    const rec = await deps.store.transact(
      Date.now(),
      (tx) => tx.record<{ state?: unknown }>(USAGE_KIND, session.sessionId),
      { readonly: true },
    );
    if (!rec?.data.state) return null;
    const usage = summarize(usageStateFrom(rec.data.state));
    return usage.modelCalls > 0 ? costLineOf(usage) : null;
  };
}
