// A project's name across the team: every clone of one repository, wherever it is checked out, is one
// project, and two repositories that share a folder name are two. Read by the shipper and the team
// channel (the flusher), never by the hook.
import { basename, resolve } from 'node:path';
import { gitRemoteUrl } from '../../adapters/git/remote.ts';
import type { TeamSettings } from '../../core/incidents/config.ts';

const PROJECT_ID = /^[\x21-\x7e]{1,300}$/;

/**
 * A remote URL as one spelling per repository: no credentials, scheme, port or `.git`, the host in
 * lower case, so `https://tok@GitHub.com/acme/app.git` and `git@github.com:acme/app` are
 * `github.com/acme/app`. Null for what is not a URL of a repository.
 */
export function normalizeRemote(url: string): string | null {
  const text = url.trim();
  let host = '';
  let path: string;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text);
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  if (scheme) {
    const rest = text.slice(scheme[0].length);
    const slash = rest.indexOf('/');
    const authority = slash === -1 ? rest : rest.slice(0, slash);
    path = slash === -1 ? '' : rest.slice(slash);
    // Credentials end at the last @; a port follows the last colon (after an IPv6 literal's brackets).
    host = authority
      .slice(authority.lastIndexOf('@') + 1)
      .replace(/:\d*$/, '')
      .toLowerCase();
  } else if (scp) {
    host = (scp[1] ?? '').toLowerCase();
    path = scp[2] ?? '';
  } else path = text;
  path = path
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '')
    .replace(/^\/+/, '');
  const id = host ? `${host}/${path}` : path;
  if (id === '' || /\s/.test(id)) return null;
  return PROJECT_ID.test(id) ? id : null;
}

/** `team.project`, else the origin remote's normalized URL, else the folder's name. */
export async function teamProjectId(
  projectDir: string,
  team: TeamSettings,
  remote: (dir: string) => Promise<string | null> = gitRemoteUrl,
): Promise<string> {
  if (team.project) return team.project;
  const url = await remote(projectDir).catch(() => null);
  const fromRemote = url === null ? null : normalizeRemote(url);
  if (fromRemote) return fromRemote;
  const folder = basename(resolve(projectDir))
    .replace(/[^\x21-\x7e]/g, '_')
    .slice(0, 300);
  return folder || 'project';
}
