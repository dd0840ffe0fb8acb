// `--store URL` (default $AGENT_SRE_TEAM_STORE) for the commands that read: `sessions`, `report`,
// `evidence`, `postmortem` read the team store instead of the project's ledger, and label each session
// with the machine and user it ran as. The URL holds a password: it is never printed (the store's own
// errors name the server without it), and it is never read from agent-sre.yaml. The store is loaded on
// demand, so a command without it never loads pg.
import { processEnvironment } from '../app/context.ts';
import { loadProjectPolicy } from '../app/policy.ts';
import type { Origin, TeamSessionSummary, TeamStore } from '../ports.ts';
import { type Io, UsageError } from './io.ts';
import { type EvidenceProject, openEvidenceProject } from './project.ts';
import { requireProjectRoot } from './project-root.ts';

export const TEAM_STORE_ENV = 'AGENT_SRE_TEAM_STORE';

export const STORE_HELP = `  --store URL  read the team store (postgres://USER@HOST/DB) instead of this project's ledger,
               each session labelled with its machine and user (default: $${TEAM_STORE_ENV})`;

/** The team store asked for, or undefined for the project's own ledger. */
export function teamStoreUrl(option: string | undefined, env: Record<string, string | undefined>) {
  const url = (option ?? env[TEAM_STORE_ENV])?.trim();
  return url ? url : undefined;
}

/** A store that cannot be opened: said in one line (no stack), like a usage problem. */
export class TeamStoreError extends UsageError {
  override name = 'TeamStoreError';
}

export async function openTeamReads(url: string): Promise<TeamStore> {
  const { openTeamStore } = await import('../server/team/open-store.ts');
  try {
    return await openTeamStore(url);
  } catch (err) {
    // The adapters' messages name the server without its password; nothing here adds the URL.
    throw new TeamStoreError(`cannot open the team store: ${(err as Error).message}`);
  }
}

export const originsOf = (sessions: readonly TeamSessionSummary[]): Map<string, Origin | null> =>
  new Map(sessions.map((s) => [s.state.sessionId, s.origin]));

export interface EvidenceSource extends EvidenceProject {
  /** Set when reading a team store. */
  origins?: Map<string, Origin | null>;
}

/**
 * The project's ledger, or the team store with each session's origin. A team store's sessions ran on
 * other machines, so their transcripts (and cost) are not here.
 */
export async function openEvidenceSource(
  dirOption: string | undefined,
  storeOption: string | undefined,
  io: Io,
): Promise<EvidenceSource> {
  const url = teamStoreUrl(storeOption, io.env);
  if (!url) return openEvidenceProject(dirOption, io);
  const dir = requireProjectRoot(dirOption, io.cwd);
  const loaded = await loadProjectPolicy(dir, processEnvironment(io.env).home, { cache: false });
  const store = await openTeamReads(url);
  try {
    const origins = originsOf(await store.teamSessions());
    return { dir, policy: loaded.compiled.policy, store, costOf: async () => null, origins };
  } catch (err) {
    await store.close();
    throw err;
  }
}
