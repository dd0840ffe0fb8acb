// How long the installed PreToolUse hook may run, read from its entry in .claude/settings.json, against
// how long the approval gate waits for a human (gate.mode wait). Two limits apply to a command hook:
// Claude Code's `timeout` on the entry (600 s when absent) and the launcher's watchdog, which refuses
// the call shortly before the `--timeout N` in the hook's own arguments. The shorter one wins, and a
// call waiting for a human that hits it is refused before anyone can answer. Pure: doctor does the IO.
import type { GateSettings } from '../core/incidents/config.ts';

/** Claude Code's timeout for a command or HTTP hook whose entry sets none. */
export const CLAUDE_DEFAULT_TIMEOUT_SEC = 600;
/** What the hook needs beyond the gate's wait: the watchdog's margin, the answer's way back. */
const MIN_MARGIN_SEC = 5;
/** What `init` writes: the gate's wait plus half a minute. */
const INIT_MARGIN_SEC = 30;

export interface HookTimeouts {
  /** The entry's `timeout`, or Claude Code's default when it sets none. */
  claude: number;
  claudeIsDefault: boolean;
  /** The `--timeout N` the launcher's watchdog keeps to; null when the command has none (or is HTTP). */
  watchdog: number | null;
  /** The limit a waiting call runs into. */
  effective: number;
}

function positive(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** The last `--timeout N` among the words (exec form's args, or the shell form's command split up). */
function timeoutFlag(words: readonly string[]): number | null {
  for (let i = words.length - 2; i >= 0; i--) if (words[i] === '--timeout') return positive(words[i + 1]);
  return null;
}

export function hookTimeouts(entry: Record<string, unknown>): HookTimeouts {
  const own = positive(entry.timeout);
  const claude = own ?? CLAUDE_DEFAULT_TIMEOUT_SEC;
  let watchdog: number | null = null;
  if (entry.type !== 'http') {
    const args = Array.isArray(entry.args)
      ? entry.args.filter((a): a is string => typeof a === 'string')
      : null;
    const words = args ?? (typeof entry.command === 'string' ? entry.command.trim().split(/\s+/) : []);
    watchdog = timeoutFlag(words);
  }
  return {
    claude,
    claudeIsDefault: own === null,
    watchdog,
    effective: watchdog === null ? claude : Math.min(claude, watchdog),
  };
}

export interface GateWaitCheck {
  name: 'gate';
  ok: boolean;
  detail: string;
}

/** In wait mode the PreToolUse hook must outlast the gate's wait, or a waiting call is refused early. */
export function gateWaitCheck(gate: GateSettings, entry: Record<string, unknown>): GateWaitCheck {
  const t = hookTimeouts(entry);
  const wait = gate.timeoutSeconds;
  if (t.effective >= wait + MIN_MARGIN_SEC)
    return {
      name: 'gate',
      ok: true,
      detail: `wait mode: the gate waits ${wait} s, the PreToolUse hook may run ${t.effective} s`,
    };
  const set = wait + INIT_MARGIN_SEC;
  const limits: string[] = [];
  if (t.watchdog !== null && t.watchdog <= t.claude)
    limits.push(`the --timeout ${t.watchdog} in its command (the launcher refuses the call then)`);
  if (t.watchdog === null || t.claude <= t.watchdog)
    limits.push(
      t.claudeIsDefault
        ? `Claude Code's default hook timeout of ${t.claude} s (the entry sets none)`
        : `the entry's "timeout": ${t.claude}`,
    );
  const fix =
    entry.type === 'http'
      ? `set the entry's "timeout" to ${set}`
      : t.watchdog === null
        ? `set the entry's "timeout" to ${set}`
        : `set both the entry's "timeout" and the --timeout in its args to ${set}`;
  return {
    name: 'gate',
    ok: false,
    detail: `wait mode: the gate waits ${wait} s for a human, but the PreToolUse hook in .claude/settings.json is cut off after ${t.effective} s by ${limits.join(' and ')}: a call waiting for approval is refused before anyone can answer. Run agent-sre init again (it sizes the hook to the gate), or ${fix}`,
  };
}
