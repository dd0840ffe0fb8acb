// The process-facing half of judging: where home, temp and the project are, and reading scripts.
import { readFileSync, statSync } from 'node:fs';
import { userDir } from '../adapters/fs/user-secret.ts';
import { parseBash } from '../adapters/shell/tree-sitter.ts';
import { parseYaml } from '../adapters/yaml.ts';
import type { ServerSettings, TeamSettings } from '../core/incidents/config.ts';
import type { Policy } from '../core/policy/types.ts';
import type { GuardLocations, JudgeContext } from '../core/types.ts';

/** Scripts larger than this are not read; the call is judged without their content. */
export const MAX_SCRIPT_BYTES = 512 * 1024;

export interface Environment {
  home: string;
  tempDirs: string[];
  /** Where the running guard's code and per-user secret live, so no tool call can reach them. */
  guard?: GuardLocations;
}

export function processEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const home = env.HOME || env.USERPROFILE || '/root';
  const temps = new Set(['/tmp', '/var/tmp', '/private/tmp']);
  if (env.TMPDIR) temps.add(env.TMPDIR.replace(/\/+$/, ''));
  const installDir = installRootOf(runningFrom());
  const guard: GuardLocations = { userDir: userDir({ HOME: home, XDG_CONFIG_HOME: env.XDG_CONFIG_HOME }) };
  if (installDir) guard.installDir = installDir;
  if (env.CODEX_HOME?.startsWith('/')) guard.codexHome = env.CODEX_HOME.replace(/\/+$/, '') || '/';
  return { home: home.replace(/\/+$/, '') || '/', tempDirs: [...temps], guard };
}

/**
 * The agent-sre package root, from where this code runs: `<root>/dist/hook.cjs`, a chunk in
 * `<root>/dist/chunks/`, or `<root>/src/app/context.ts` from source. Pure string work; undefined when the
 * location has neither shape (a test bundle elsewhere), so nothing is guessed.
 */
export function installRootOf(location: string | undefined): string | undefined {
  if (!location) return undefined;
  let path = location;
  if (location.startsWith('file://')) {
    try {
      path = decodeURIComponent(new URL(location).pathname);
    } catch {
      return undefined;
    }
  }
  const m = /^(\/.*?)\/(?:dist(?:\/chunks)?|src\/app)(?:\/[^/]+\.[cm]?[jt]s)?\/?$/.exec(path);
  return m?.[1];
}

function runningFrom(): string | undefined {
  try {
    if (import.meta.url) return import.meta.url;
  } catch {
    // A CommonJS bundle without the import.meta shim: fall back to __dirname.
  }
  return typeof __dirname === 'string' ? __dirname : undefined;
}

export function readScriptFromDisk(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_SCRIPT_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function createJudgeContext(
  projectDir: string,
  environment: Environment,
  policy: Pick<Policy, 'protectedBranches' | 'paging'>,
  readScript: ((p: string) => string | undefined) | undefined = readScriptFromDisk,
): JudgeContext {
  const protectedBranches = policy.protectedBranches;
  const guard = withTeamServer(withServer(environment.guard, policy.paging.server), policy.paging.team);
  return {
    projectDir: projectDir.replace(/\/+$/, '') || '/',
    home: environment.home,
    tempDirs: environment.tempDirs,
    readScript,
    parseShell: parseBash,
    parseYaml,
    protectedBranches,
    ...(guard ? { guard } : {}),
  };
}

/**
 * The team server (team.url) is agent-sre's too: the agent on this machine has the team token in its
 * environment, and must not reach the ingest or pages routes to forge events or pages.
 */
function withTeamServer(guard: GuardLocations | undefined, team: TeamSettings | undefined) {
  if (!team) return guard;
  let url: URL;
  try {
    url = new URL(team.url);
  } catch {
    return guard;
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const loopback = /^(localhost|127(\.\d{1,3}){3}|::1)$/.test(host);
  return {
    ...guard,
    // A loopback team server (tests, a server on this laptop) is recognised by port, like serve's own.
    ...(loopback
      ? { serverPorts: [...(guard?.serverPorts ?? []), port] }
      : { serverHosts: [...(guard?.serverHosts ?? []), host] }),
  };
}

/** agent-sre's own server, as this project configures it: its port and public host are the guard's too. */
function withServer(guard: GuardLocations | undefined, server: ServerSettings | undefined) {
  if (!server) return guard;
  let publicHost: string | undefined;
  try {
    publicHost = server.publicUrl ? new URL(server.publicUrl).hostname.toLowerCase() : undefined;
  } catch {
    publicHost = undefined;
  }
  return {
    ...guard,
    serverPorts: [server.port],
    ...(publicHost ? { serverHosts: [publicHost] } : {}),
  };
}
