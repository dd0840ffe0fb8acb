// What the incident and on-call commands share: the project's paging settings, its ledger, and who is
// running the command.
import { userInfo } from 'node:os';
import { processEnvironment } from '../app/context.ts';
import { type CostOf, projectCostOf } from '../app/cost-seam.ts';
import { startFlusher } from '../app/flusher.ts';
import { loadProjectPolicy } from '../app/policy.ts';
import { openLedger } from '../app/store.ts';
import type { TickDeps } from '../app/tick.ts';
import type { PagingSettings } from '../core/incidents/config.ts';
import type { Actor } from '../core/incidents/types.ts';
import type { Policy } from '../core/policy/types.ts';
import type { LedgerStore, LedgerTx } from '../ports.ts';
import { type Io, UsageError } from './io.ts';
import { requireProjectRoot } from './project-root.ts';

export interface Project {
  dir: string;
  settings: PagingSettings;
  store: LedgerStore;
}

/** What `evidence`, `report` and `postmortem` read: the policy, the ledger, and token cost per session. */
export interface EvidenceProject {
  dir: string;
  policy: Policy;
  store: LedgerStore;
  costOf: CostOf;
}

export async function openEvidenceProject(dirOption: string | undefined, io: Io): Promise<EvidenceProject> {
  const dir = requireProjectRoot(dirOption, io.cwd);
  const { home } = processEnvironment(io.env);
  // An invalid policy is a PolicyError: the CLI prints its located problems, with no stack.
  const loaded = await loadProjectPolicy(dir, home, { cache: false });
  const policy = loaded.compiled.policy;
  const store = openLedger(dir);
  const costOf = projectCostOf({ store, projectDir: dir, env: io.env, home, pricing: policy.pricing });
  return { dir, policy, store, costOf };
}

export async function openProject(dirOption: string | undefined, io: Io): Promise<Project> {
  const dir = requireProjectRoot(dirOption, io.cwd);
  const policy = await loadProjectPolicy(dir, processEnvironment(io.env).home, { cache: false });
  return { dir, settings: policy.compiled.policy.paging, store: openLedger(dir) };
}

/**
 * The person answering. Pages are answered by humans only: a command run from inside a coding agent
 * (Claude Code sets CLAUDECODE=1 in its shells) is refused. The policy also denies these commands to the
 * agent; this is the second lock on the same door.
 */
export function humanActor(io: Io, by: string | undefined): Actor {
  if (io.env.CLAUDECODE === '1' || io.env.AGENT_SRE_FLUSHER === '1')
    throw new UsageError(
      'this command answers a page, and it is running inside a coding agent (CLAUDECODE=1). Only a human may acknowledge, resolve, approve or deny.',
    );
  const id = by ?? io.env.AGENT_SRE_USER ?? safeUser() ?? io.env.USER;
  if (!id) throw new UsageError('cannot tell who you are: pass --by NAME');
  return { kind: 'human', id, via: 'cli' };
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

export const iso = (ms: number | null | undefined): string => (ms == null ? '-' : new Date(ms).toISOString());

/** "3m 20s"-style duration for tables. */
export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** What `tick` and `serve` run with: the real clock, timers and environment. */
export function liveTickDeps(p: Project, io: Io): TickDeps {
  return {
    store: p.store,
    settings: p.settings,
    projectDir: p.dir,
    env: io.env,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    random: Math.random,
  };
}

/**
 * Run a human's answer in one transaction and start delivering what it queued. A refused answer
 * (wrong state, unknown id) is a usage error with the reason.
 */
export async function answerAndDeliver<R extends { queued: number }>(
  p: Project,
  io: Io,
  fn: (tx: LedgerTx) => R,
): Promise<R> {
  const r = await p.store.transact(Date.now(), fn).catch((err: Error) => {
    throw new UsageError(err.message);
  });
  if (r.queued > 0 && io.env.AGENT_SRE_DELIVERY !== 'off') startFlusher(p.dir);
  return r;
}
