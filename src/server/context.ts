// What every route of `agent-sre serve`'s web server is handed: one project's ledger and settings, the
// clock, the key human answers are signed with, and a way to start delivering what an answer queued.
// Routes never read process.env or the clock themselves, so tests run them with a fake clock.
import type { AnsweredBy, AnswerOutcome, HumanAnswer } from '../app/answers.ts';
import type { HumanMac } from '../app/human-mac.ts';
import type { PagingSettings, ServerSettings } from '../core/incidents/config.ts';
import type { Policy } from '../core/policy/types.ts';
import type { LedgerStore, Origin } from '../ports.ts';

export interface ServerContext {
  projectDir: string;
  /** The project's policy as loaded when the server started (paging, budgets, golden settings). */
  policy: Policy;
  paging: PagingSettings;
  server: ServerSettings;
  store: LedgerStore;
  now: () => number;
  /** Signs approvals and action links: keyed from the per-user secret, which the agent cannot read. */
  mac: HumanMac;
  /** Environment of the server process: webhook secrets are looked up here by the names in server:. */
  env: Record<string, string | undefined>;
  /**
   * Apply a human's answer in one ledger transaction and start delivering the pages it queued. Throws
   * with a reason a person can read when the answer does not fit (already answered, wrong state).
   * `once`: a single-use key (a signed link's nonce): used in the same transaction, refused when used before.
   */
  answer(answer: HumanAnswer, by: AnsweredBy, opts?: { once?: string }): Promise<AnswerOutcome>;
  /** Over a team store: where each session ran (TeamStore.teamSessions), to label it. */
  origins?: () => Promise<ReadonlyMap<string, Origin | null>>;
  /** One line per notable request (refusals, answers); never a secret, a token or a body. */
  log: (line: string) => void;
}
