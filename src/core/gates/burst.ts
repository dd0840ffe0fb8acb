// PostToolBatch burst throttle. Claude Code resolves a parallel batch of tool calls and then fires
// PostToolBatch once, before the next model call. Each call in the batch was judged on its own at
// PreToolUse, so a burst of individually harmless calls (forty edits, a fan-out of fetches) slips past
// every per-call rule; this is the one place that sees the batch as a whole and can stop the loop
// before the model builds on it. Pure: the adapter hands in the judged calls and the thresholds.

import type { Effect, PathEffect, Tier } from '../types.ts';
import { TIER_NAMES } from '../types.ts';

/**
 * A batch blocks when any count is strictly greater than its limit, so a limit is the largest batch
 * that still passes. Every limit must be a positive integer (the policy schema enforces it): 0 would
 * turn the throttle into a ban, blocking every batch that makes even one call of that kind, which is
 * what the per-call tiers are for.
 */
export interface BurstThresholds {
  /** Tool calls in one batch. */
  maxCalls: number;
  /** Write and delete effects in one batch (one call may carry several). */
  maxWrites: number;
  /** Distinct paths written or deleted in one batch. */
  maxFiles: number;
  /** Calls that leave the machine: non-local network effects and MCP effects. */
  maxExternal: number;
  /**
   * The highest tier a call in a batch may have without stopping the loop. 3: a tier-4 call (already
   * refused at PreToolUse) in a burst stops it; 2: a tier-3 call stops it too; 4 switches the test off.
   */
  maxTier: Tier;
}

export const DEFAULT_BURST: BurstThresholds = {
  maxCalls: 12,
  maxWrites: 8,
  maxFiles: 8,
  maxExternal: 6,
  maxTier: 3,
};

/** One call of the batch as it was judged. */
export interface BurstCall {
  tool: string;
  /** One line describing the call, already redacted by the caller: it is quoted back to the model. */
  summary: string;
  effects: Effect[];
  tier: Tier;
  rule: string;
}

export type BurstLimit = 'calls' | 'writes' | 'files' | 'external' | 'tier';

export interface BurstVerdict {
  block: boolean;
  /** What to tell the model (at most 1000 characters); null when the batch passes. */
  reason: string | null;
  stats: {
    calls: number;
    writes: number;
    files: number;
    external: number;
    /** The highest tier in the batch (1 for an empty batch). */
    maxTier: Tier;
    /** One line per call whose tier is above the limit, in batch order. Empty when the tier test is off. */
    tierCalls: string[];
  };
  /** The limits the batch went over, in the order calls, writes, files, external, tier. */
  exceeded: BurstLimit[];
}

const REASON_MAX = 1000;
const EXAMPLES_MAX = 5;
const RULES_SHOWN = 3;
const SUMMARY_MAX = 100;
const TOOL_MAX = 40;
const RULE_MAX = 60;

// Mirrors isWrite/isExternal in ../session/rules.ts, so a burst is counted the way the session budgets are.
const isWrite = (e: Effect): e is PathEffect => e.kind === 'write' || e.kind === 'delete';
const isExternal = (e: Effect) => (e.kind === 'net' && !e.tags.includes('local')) || e.kind === 'mcp';

const SLOW_DOWN =
  'Slow down: make these changes in smaller steps you can verify, or stop and ask a human if this many changes is intended.';
// When only the tier test tripped, the batch was not big, so "smaller steps" would be the wrong advice.
const TIER_ONLY =
  'Stop: do not retry these calls in another batch; explain to the human what you were trying to do and wait for their answer.';

export function judgeBurst(calls: BurstCall[], t: BurstThresholds): BurstVerdict {
  let writes = 0;
  let external = 0;
  let top: Tier = 1;
  const files = new Set<string>();
  for (const call of calls) {
    if (call.tier > top) top = call.tier;
    for (const e of call.effects) {
      if (isWrite(e)) {
        writes++;
        files.add(e.path);
      }
      if (isExternal(e)) external++;
    }
  }
  const tierOn = t.maxTier < 4;
  const overTier = tierOn ? calls.filter((c) => c.tier > t.maxTier) : [];
  const stats = {
    calls: calls.length,
    writes,
    files: files.size,
    external,
    maxTier: top,
    tierCalls: overTier.map(callLine),
  };

  const exceeded: BurstLimit[] = [];
  const facts: string[] = [];
  const count = (name: BurstLimit, n: number, limit: number, what: string) => {
    if (n <= limit) return;
    exceeded.push(name);
    facts.push(`${n} ${what} (limit ${limit})`);
  };
  count('calls', stats.calls, t.maxCalls, 'tool calls');
  count('writes', stats.writes, t.maxWrites, 'writes or deletes');
  count('files', stats.files, t.maxFiles, 'files written or deleted');
  count('external', stats.external, t.maxExternal, 'external calls');
  if (overTier.length > 0) {
    exceeded.push('tier');
    facts.push(tierFact(overTier, t.maxTier));
  }
  if (exceeded.length === 0) return { block: false, reason: null, stats, exceeded };

  const head = `agent-sre stopped this batch of ${stats.calls} parallel tool ${plural(stats.calls, 'call')}: ${facts.join('; ')}.`;
  const next = exceeded.length === 1 && exceeded[0] === 'tier' ? TIER_ONLY : SLOW_DOWN;
  return { block: true, reason: compose(head, examples(calls), calls.length, next), stats, exceeded };
}

function tierFact(over: BurstCall[], maxTier: Tier): string {
  const rules = [...new Set(over.map((c) => oneLine(c.rule, RULE_MAX)))];
  const shown = rules.slice(0, RULES_SHOWN).join(', ');
  const more = rules.length > RULES_SHOWN ? ` and ${rules.length - RULES_SHOWN} more` : '';
  const n = over.length;
  return `${n} ${plural(n, 'call')} above tier ${maxTier} (${TIER_NAMES[maxTier]}), the highest a burst may carry (${plural(rules.length, 'rule')} ${shown}${more})`;
}

/** The calls most worth showing: the highest tier first, batch order among equals. */
function examples(calls: BurstCall[]): string[] {
  const ranked = calls.map((c, i) => ({ c, i })).sort((a, b) => b.c.tier - a.c.tier || a.i - b.i);
  return ranked.slice(0, EXAMPLES_MAX).map(({ c }) => callLine(c));
}

/**
 * Head and instruction always survive; the examples get whatever room is left, dropped from the end,
 * and the model is told how many calls it was not shown.
 */
function compose(head: string, lines: string[], total: number, next: string): string {
  const tail = (shown: number) => (total > shown ? `; and ${total - shown} more` : '');
  const room = REASON_MAX - head.length - next.length - 3;
  let shown = 0;
  let body = 'Calls: ';
  for (const line of lines) {
    const part = shown ? `${body}; ${line}` : `${body}${line}`;
    if (part.length + tail(shown + 1).length > room) break;
    body = part;
    shown++;
  }
  const reason = shown ? `${head} ${body}${tail(shown)}. ${next}` : `${head} ${next}`;
  // The head is bounded by construction, but a guard keeps the contract if that ever changes.
  return reason.length <= REASON_MAX ? reason : `${reason.slice(0, REASON_MAX - next.length - 2)}… ${next}`;
}

function callLine(c: BurstCall): string {
  return `t${c.tier} ${oneLine(c.tool, TOOL_MAX)}: ${oneLine(c.summary, SUMMARY_MAX)} [${oneLine(c.rule, RULE_MAX)}]`;
}

function oneLine(text: string, max: number): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
