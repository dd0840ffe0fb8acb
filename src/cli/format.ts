// Human-readable rendering shared by check and replay.
import { describeEffect } from '../core/policy/evaluate.ts';
import type { Decision } from '../core/types.ts';
import { TIER_NAMES } from '../core/types.ts';
import { type Paint, paint } from './style.ts';

const MARK: Record<Decision['verdict'], string> = { allow: 'allow', ask: 'ASK  ', deny: 'DENY ' };

/** `allow t1`, `ASK   t3`, `DENY  t4`: the same width for every verdict; coloured when `p` is on. */
export function verdictCell(d: Decision, p: Paint = paint(false)): string {
  const text = `${MARK[d.verdict]} t${d.tier}`;
  if (d.verdict === 'deny') return p.bold(p.red(text));
  if (d.verdict === 'ask') return p.yellow(text);
  return d.tier >= 2 ? text : p.dim(text);
}

export function explain(d: Decision): string {
  const lines = [
    `verdict: ${d.verdict} (tier ${d.tier}: ${TIER_NAMES[d.tier]})`,
    `rule:    ${d.rule}`,
    `reason:  ${d.reason}`,
    'effects:',
    ...(d.effects.length === 0
      ? ['  (none)']
      : d.effects.map((e) => `  - ${describeEffect(e)}${e.tags.length ? `  [${e.tags.join(', ')}]` : ''}`)),
  ];
  return lines.join('\n');
}

export function decisionJson(d: Decision): Record<string, unknown> {
  return { tier: d.tier, decision: d.verdict, rule: d.rule, reason: d.reason, effects: d.effects };
}
