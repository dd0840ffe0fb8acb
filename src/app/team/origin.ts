// Who this stream is on the team: a machine id (configured, or random and kept per user, never the
// hostname, which two laptops may share), the OS user, the project's tag and its team-wide id, and the
// local ledger the events come from.
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { createPrivateExclusive, ensurePrivateDir, readPrivate } from '../../adapters/fs/private.ts';
import { projectTag } from '../../adapters/fs/project-tag.ts';
import { userDir } from '../../adapters/fs/user-secret.ts';
import type { TeamSettings } from '../../core/incidents/config.ts';
import type { Origin } from '../../ports.ts';
import { teamProjectId } from './project-id.ts';

export const MACHINE_FILE = 'machine-id';
const MACHINE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `team.machine`, else the id kept in the user's agent-sre directory (made on first use). */
export function machineId(team: TeamSettings, env: Record<string, string | undefined>): string {
  if (team.machine) return team.machine;
  const dir = userDir(env);
  const path = join(dir, MACHINE_FILE);
  const read = () => readPrivate(path, 256, { tighten: true })?.toString('utf8').trim();
  const existing = read();
  if (existing && MACHINE_ID.test(existing)) return existing;
  ensurePrivateDir(dir);
  // O_EXCL: two processes making it at once agree on whichever landed first.
  createPrivateExclusive(path, `m-${randomBytes(8).toString('hex')}\n`);
  const made = read();
  if (!made || !MACHINE_ID.test(made)) throw new Error(`${path} does not hold a machine id`);
  return made;
}

function osUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? 'unknown';
  }
}

// The flusher ships a round every half second: git is asked for the remote once per process, not per round.
const projectIds = new Map<string, Promise<string>>();

/** Runs git (for the remote) once per process: the shipper and the flusher's team channel call it, never the hook. */
export async function originOf(
  projectDir: string,
  team: TeamSettings,
  env: Record<string, string | undefined>,
  ledger?: string | null,
): Promise<Origin> {
  return {
    machine: machineId(team, env),
    user: osUser(env),
    project: projectTag(projectDir),
    projectId: await memo(projectIds, `${projectDir}\u0000${team.project ?? ''}`, () =>
      teamProjectId(projectDir, team),
    ),
    ...(ledger ? { ledger } : {}),
  };
}

/** One stream: the same machine, user, checkout and local ledger. */
function memo<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let v = cache.get(key);
  if (!v) {
    v = make();
    cache.set(key, v);
  }
  return v;
}

export const sameOrigin = (a: Origin, b: Origin) =>
  a.machine === b.machine && a.user === b.user && a.project === b.project && a.ledger === b.ledger;
