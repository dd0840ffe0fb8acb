// The team store named by `--store`: PostgreSQL for a team, `memory:` for tests and trying it out. Loaded
// on demand, so nothing else (least of all the hook's bundle) ever loads pg.
import type { TeamStore } from '../../ports.ts';

export async function openTeamStore(url: string): Promise<TeamStore> {
  if (url === 'memory:') {
    const { openMemoryTeamStore } = await import('../../adapters/store/memory-team.ts');
    return openMemoryTeamStore();
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgresStore } = await import('../../adapters/store/postgres.ts');
    return openPostgresStore(url);
  }
  throw new Error('--store takes postgres://user@host/db (or memory: for a throwaway store)');
}
