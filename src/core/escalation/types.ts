// Escalation policies (PagerDuty's model: rules with delays, `repeat` = num_loops) and what one tick of
// the escalation clock decides. The zod schema in src/config/oncall-schema.ts parses into these types.
import type { EscalationCursor, TimelineEntry } from '../incidents/types.ts';

/** Who a rule pages: whoever is on call for a schedule (or one of its layers), a person, or a channel. */
export type Target = { oncall: string; layer?: string } | { person: string } | { channel: string };

export interface EscalationRule {
  /** Minutes without acknowledgement before moving on from this rule. */
  delayMinutes: number;
  targets: Target[];
}

export interface EscalationPolicy {
  rules: EscalationRule[];
  /** Times the whole policy runs again after its last rule (PagerDuty num_loops). */
  repeat: number;
  /** Paged once when every loop has run out. */
  fallback: Target[];
}

export interface EscalationConfig {
  /** The policy used when a route names none. */
  default?: string;
  policies: Record<string, EscalationPolicy>;
}

export interface Notify {
  channel: string;
  /** The person this page is for; null when a channel was targeted directly. */
  recipient: string | null;
  /** Rule index; for the fallback, rules.length (one past the last rule). */
  step: number;
  loop: number;
  fallback: boolean;
  why: string;
}

export interface TickResult {
  cursor: EscalationCursor;
  notify: Notify[];
  timeline: TimelineEntry[];
  /** When calling tick again can change something; null when it never will on its own. */
  nextAt: number | null;
}
