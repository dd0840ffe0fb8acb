// The human outcomes of tier-3 gates, read back from the ledger, and a proposed policy built from them.
import { isMap, isSeq, parseDocument } from 'yaml';
import type { Outcome, RuleCalibration } from '../core/calibrate/calibrate.ts';
import type { Rule } from '../core/policy/types.ts';
import type { Tier } from '../core/types.ts';
import type { LedgerStore } from '../ports.ts';
import { APPROVAL_KIND, type Approval } from './approvals.ts';

/**
 * Every tier-3 decision a human settled:
 * - `wait` mode: the approval record says approved or denied (expired is nobody's answer);
 * - `ask` mode: Claude Code's prompt leaves no record, but a call that ran reaches PostToolUse, and one
 *   the human refused never does. An ask with neither a PostToolUse nor any later event in its session
 *   is still open (or the session died) and is left out.
 */
export async function outcomesFromLedger(store: LedgerStore, now: number): Promise<Outcome[]> {
  const approvals = await store.transact(now, (tx) => tx.records<Approval>(APPROVAL_KIND), {
    readonly: true,
  });
  const out: Outcome[] = approvals
    .map((r) => r.data)
    .filter((a) => a.status === 'approved' || a.status === 'denied')
    .map((a) => ({
      rule: a.rule,
      accepted: a.status === 'approved',
      source: 'gate',
      at: a.answeredAt ?? a.createdAt,
    }));
  const events = await store.events();
  const ran = new Set<string>();
  const gated = new Set<string>();
  const lastInSession = new Map<string, number>();
  for (const e of events) {
    lastInSession.set(e.sessionId, Math.max(lastInSession.get(e.sessionId) ?? 0, e.ts));
    if (!e.toolUseId) continue;
    if (e.event === 'PostToolUse' || e.event === 'PostToolUseFailure')
      ran.add(`${e.sessionId}\u0000${e.toolUseId}`);
    if (e.event === 'gate.answer') gated.add(`${e.sessionId}\u0000${e.toolUseId}`);
  }
  for (const e of events) {
    if (e.event !== 'PreToolUse' || e.verdict !== 'ask' || !e.toolUseId || !e.rule) continue;
    const key = `${e.sessionId}\u0000${e.toolUseId}`;
    if (gated.has(key)) continue;
    if (ran.has(key)) out.push({ rule: e.rule, accepted: true, source: 'ask', at: e.ts });
    else if ((lastInSession.get(e.sessionId) ?? 0) > e.ts)
      out.push({ rule: e.rule, accepted: false, source: 'ask', at: e.ts });
  }
  return out;
}

export interface Proposal {
  text: string;
  changes: string[];
  /** Suggestions that name no policy rule (budgets, session states): nothing to change in the file. */
  skipped: string[];
}

/**
 * agent-sre.yaml with the suggested tiers applied, for a human to review. A project rule changes tier in
 * place; a default rule is disabled and re-added under a new id with the new tier, since rules only
 * ever add to the defaults.
 */
export function proposePolicy(
  text: string | undefined,
  calibrations: RuleCalibration[],
  rules: { own: Rule[]; defaults: Rule[] },
): Proposal {
  const doc = parseDocument(text ?? 'version: 1\n');
  const changes: string[] = [];
  const skipped: string[] = [];
  for (const c of calibrations) {
    if (c.suggestion !== 'lower' && c.suggestion !== 'raise') continue;
    const own = rules.own.find((r) => r.id === c.rule);
    const base = own ?? rules.defaults.find((r) => r.id === c.rule);
    if (!base) {
      skipped.push(`${c.rule}: not a policy rule`);
      continue;
    }
    const tier = (c.suggestion === 'lower' ? Math.max(1, base.tier - 1) : 4) as Tier;
    if (tier === base.tier) continue;
    if (own) {
      const list = doc.get('rules');
      const node = isSeq(list) ? list.items.find((n) => isMap(n) && n.get('id') === c.rule) : undefined;
      if (isMap(node)) node.set('tier', tier);
      changes.push(`${c.rule}: tier ${base.tier} -> ${tier} (${c.why})`);
      continue;
    }
    const id = `${c.rule}.calibrated`;
    if (!doc.has('disabled')) doc.set('disabled', doc.createNode([]));
    const disabled = doc.get('disabled');
    if (isSeq(disabled) && !disabled.items.some((n) => (n as { value?: unknown }).value === c.rule))
      disabled.add(c.rule);
    if (!doc.has('rules')) doc.set('rules', doc.createNode([]));
    const list = doc.get('rules');
    if (isSeq(list))
      list.add(
        doc.createNode({
          id,
          tier,
          reason: `${base.reason} (calibrated ${c.suggestion === 'lower' ? 'down' : 'up'}: ${c.why})`,
          match: base.match,
        }),
      );
    changes.push(`${c.rule}: disabled, re-added as ${id} at tier ${tier} (${c.why})`);
  }
  return { text: doc.toString(), changes, skipped };
}
