// One colour per meaning, shared by every command: red is trouble, yellow needs a person, green is
// fine, dim is nothing to see.
import type { Paint, Style } from './style.ts';

const none: Style = (t) => t;

export function severityStyle(p: Paint, severity: string): Style {
  switch (severity) {
    case 'SEV1':
      return (t) => p.bold(p.red(t));
    case 'SEV2':
      return p.red;
    case 'SEV3':
      return p.yellow;
    case 'SEV4':
      return p.dim;
    default:
      return none;
  }
}

const WORDS: Record<string, 'good' | 'bad' | 'warn' | 'quiet'> = {
  // targets, checks, runs
  met: 'good',
  passed: 'good',
  ok: 'good',
  missed: 'bad',
  failed: 'bad',
  'no data': 'quiet',
  'n/a': 'quiet',
  // sessions
  active: 'good',
  ended: 'quiet',
  escalated: 'warn',
  terminated: 'bad',
  // incidents
  triggered: 'bad',
  acknowledged: 'warn',
  mitigated: 'warn',
  resolved: 'good',
  cancelled: 'quiet',
  // pages
  delivered: 'good',
  pending: 'warn',
  // verdicts
  allow: 'good',
  ask: 'warn',
  deny: 'bad',
};

/** The style for a status word (met, missed, terminated, resolved...), or none for other text. */
export function statusStyle(p: Paint, word: string): Style {
  switch (WORDS[word.trim().toLowerCase()]) {
    case 'good':
      return p.green;
    case 'bad':
      return (t) => p.bold(p.red(t));
    case 'warn':
      return p.yellow;
    case 'quiet':
      return p.dim;
    default:
      return none;
  }
}

/** A count that is bad when above zero (denials, failures). */
export function countStyle(p: Paint, n: number): Style {
  return n > 0 ? p.red : p.dim;
}
