// The ledger's integrity incidents and its hold, as the project sees them. The store finds the problem and
// moves the suspect files aside; this raises the SEV1 `ledger.integrity` incident through the same
// machinery as every other signal (so it is paged like any other), and lets a human lift the hold.
import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIdFile } from '../adapters/store/ledger-file.ts';
import {
  HOLD_META_KEY,
  type IntegrityProblem,
  type LedgerHeader,
  type LedgerHold,
  type LedgerIdFile,
  LedgerIntegrityError,
  ledgerFiles,
  readLedgerHeader,
  type SqliteStoreOptions,
} from '../adapters/store/sqlite.ts';
import type { PagingSettings } from '../core/incidents/config.ts';
import type { Actor, Signal } from '../core/incidents/types.ts';
import type { Policy } from '../core/policy/types.ts';
import type { LedgerTx } from '../ports.ts';
import { VERSION } from '../version.ts';
import { startFlusher } from './flusher.ts';
import { raiseSignals } from './incidents.ts';
import { POLICY_FILE, STATE_DIR } from './policy.ts';

export const LEDGER_ACCEPT_KIND = 'ledger.accept';

export function ledgerPath(projectDir: string): string {
  return join(projectDir, STATE_DIR, 'ledger.db');
}

export function integritySignal(
  projectDir: string,
  problem: IntegrityProblem,
  suspects: string[],
  at: number,
): Signal {
  return {
    kind: 'ledger.integrity',
    project: projectDir,
    sessionId: null,
    rule: 'ledger.integrity',
    summary: `Evidence ledger ${problem.kind}: ${problem.detail}`,
    details: {
      Ledger: ledgerPath(projectDir),
      Problem: problem.kind,
      'Moved aside': suspects.length > 0 ? suspects.join(', ') : 'nothing (the file was already gone)',
      Hold: 'every tool call is refused until a human runs `agent-sre ledger accept`',
    },
    key: '',
    at,
  };
}

/**
 * The project's paging settings without waiting: openLedger is synchronous. The hook validates the policy
 * (and refreshes this cache) just before it opens the ledger, so the cache is current on that path. When
 * it is missing or stale, the page goes to the default file channel, `.agent-sre/pages.jsonl`.
 */
export function pagingSettingsNow(projectDir: string): PagingSettings {
  try {
    let text: string | null = null;
    try {
      text = readFileSync(join(projectDir, POLICY_FILE), 'utf8');
    } catch {
      text = null;
    }
    const cache = JSON.parse(readFileSync(join(projectDir, STATE_DIR, 'cache', 'policy.json'), 'utf8')) as {
      version: string;
      text: string | null;
      policy: Policy;
    };
    if (cache.version === VERSION && cache.text === text && cache.policy?.paging) return cache.policy.paging;
  } catch {
    // No usable cache: the fallback below still pages somewhere.
  }
  return FALLBACK_PAGING;
}

// Only what a SEV1 with no escalation policy touches: channels and routing. On-call settings are used for
// quiet hours (SEV3/SEV4) and escalation steps, neither of which applies.
const FALLBACK_PAGING: PagingSettings = {
  severity: {},
  channels: { file: { type: 'file', path: `${STATE_DIR}/pages.jsonl` } },
  routing: [],
  escalation: { policies: {} },
  oncall: {
    timeZone: 'UTC',
    workingHours: { days: [], start: '09:00', end: '17:00' },
    handoffNoticeMinutes: 0,
    people: {},
    schedules: {},
  },
  gate: { mode: 'ask', timeoutSeconds: 120 },
};

/** What openLedger passes the store: raise the incident in the replacement ledger, then deliver its pages. */
export function integrityOptions(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
): SqliteStoreOptions {
  return {
    now: Date.now,
    onIntegrityProblem: (tx, problem, suspects) => {
      const r = raiseSignals(
        tx,
        [integritySignal(projectDir, problem, suspects, tx.now)],
        pagingSettingsNow(projectDir),
      );
      return r.incidents[0]?.id ?? null;
    },
    afterRecovery: () => {
      // The flusher itself (AGENT_SRE_FLUSHER) is already delivering; `off` is for tests and shadow runs.
      if (env.AGENT_SRE_DELIVERY !== 'off' && env.AGENT_SRE_FLUSHER !== '1') startFlusher(projectDir);
    },
  };
}

export function holdOf(tx: LedgerTx): LedgerHold | undefined {
  const raw = tx.meta(HOLD_META_KEY);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as LedgerHold;
  } catch {
    return undefined;
  }
}

/**
 * A human lifts the hold after an integrity incident. Records who and when (in the hold, as a record, and
 * on the incident's timeline); the incident itself stays as it is, for the human to resolve.
 */
export function acceptHold(tx: LedgerTx, actor: Actor, note?: string): LedgerHold {
  const hold = holdOf(tx);
  if (hold?.state !== 'on') throw new Error('the ledger is not on hold; there is nothing to accept');
  const accepted: LedgerHold = { ...hold, state: 'accepted', acceptedBy: actor.id, acceptedAt: tx.now };
  tx.setMeta(HOLD_META_KEY, JSON.stringify(accepted));
  tx.putRecord({
    kind: LEDGER_ACCEPT_KIND,
    id: String(tx.now),
    createdAt: tx.now,
    data: { by: actor, note: note ?? null, hold },
  });
  if (hold.incident && tx.incident(hold.incident))
    tx.addTimeline(hold.incident, [
      {
        at: tx.now,
        kind: 'note',
        actor,
        text: `Ledger hold accepted by ${actor.id}${note ? `: ${note}` : ''}. Tool calls are judged again; this incident stays open until resolved.`,
      },
    ]);
  return accepted;
}

export interface LedgerStatus {
  path: string;
  exists: boolean;
  size: number | null;
  mode: string | null;
  ino: number | null;
  witness: LedgerIdFile | null;
  header: LedgerHeader | null;
  hold: LedgerHold | null;
  /** What is wrong, when something is; the next writable open moves the files aside. */
  problem: IntegrityProblem | null;
  error: string | null;
}

/** Look at the ledger without changing anything (a read-only open). */
export function ledgerStatus(projectDir: string): LedgerStatus {
  const path = ledgerPath(projectDir);
  const files = ledgerFiles(path);
  const st = lstatSync(path, { throwIfNoEntry: false });
  const out: LedgerStatus = {
    path,
    exists: st !== undefined,
    size: st?.size ?? null,
    mode: st ? (st.mode & 0o777).toString(8).padStart(4, '0') : null,
    ino: st?.ino ?? null,
    witness: null,
    header: null,
    hold: null,
    problem: null,
    error: null,
  };
  try {
    out.witness = readIdFile(files.id) ?? null;
  } catch (err) {
    out.error = (err as Error).message;
  }
  try {
    const r = readLedgerHeader(path);
    out.header = r.header;
    out.hold = r.hold ?? null;
  } catch (err) {
    if (err instanceof LedgerIntegrityError) out.problem = err.problem;
    else out.error = (err as Error).message;
  }
  return out;
}
