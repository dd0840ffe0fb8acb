// Slack's timestamp check alone lets a captured request be sent again for five minutes. Remembering each
// accepted signature until its timestamp leaves the window closes that: the same bytes are refused the
// second time, however fresh. Only verified signatures are stored, so a forger cannot fill the memory, and
// the rate limit bounds how many real ones can arrive in a window.
import { SLACK_MAX_SKEW_SECONDS } from './signatures.ts';

export interface SeenSignatures {
  /** True the first time a signature is seen within the window; false for a replay. */
  firstUse(signature: string, timestampSeconds: number, nowMs: number): boolean;
  readonly size: number;
}

export function seenSignatures(maxEntries = 50_000): SeenSignatures {
  // signature -> when it can be forgotten: its timestamp leaves the window then, so the stamp check refuses it.
  const seen = new Map<string, number>();
  const prune = (nowMs: number) => {
    for (const [sig, until] of seen) if (until < nowMs) seen.delete(sig);
  };
  return {
    firstUse(signature, timestampSeconds, nowMs) {
      if (seen.size >= maxEntries) prune(nowMs);
      const until = seen.get(signature);
      if (until !== undefined && until >= nowMs) return false;
      // Full even after pruning (more than maxEntries real requests in ten minutes): refuse rather than forget.
      if (seen.size >= maxEntries) return false;
      seen.set(signature, (timestampSeconds + SLACK_MAX_SKEW_SECONDS) * 1000 + 1000);
      return true;
    },
    get size() {
      return seen.size;
    },
  };
}
