// Install integrity from the TypeScript side: `agent-sre trust`, `init`, `doctor` and the daemon use the
// launcher's own implementation (bin/agent-sre-hook.cjs, loaded as a module), so the record the hook
// checks on every call and the record these commands write can never disagree on format or rules.
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface FileRecord {
  sha256: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

export interface TrustEntry {
  /** ISO time. */
  trustedAt: string;
  /** init, trust, build, first use. */
  by: string;
  /** Relative to the install dir: bin/agent-sre-hook.cjs and dist/*.cjs. */
  files: Record<string, FileRecord>;
}

export type Verdict = { ok: true; entry: TrustEntry; firstUse?: true } | { ok: false; reason: string };

type Env = Record<string, string | undefined>;

export interface Launcher {
  CORE_FILES: string[];
  verifyInstall(dir: string, env: Env, opts?: { tofu?: boolean }): Verdict;
  trustInstall(dir: string, env: Env, by: string, now?: number): TrustEntry;
  readRecord(env: Env): { v: 1; installs: Record<string, TrustEntry> };
  recordPath(env: Env): string;
  loadSecret(env: Env, opts?: { create?: boolean }): string | undefined;
  userDir(env: Env): string;
}

/** The launcher of the install at `installDir`, as a module (it runs the hook only when run as one). */
export function launcherOf(installDir: string): Launcher {
  return createRequire(import.meta.url)(join(installDir, 'bin', 'agent-sre-hook.cjs')) as Launcher;
}

export interface TrustStatus {
  installDir: string;
  recordPath: string;
  ok: boolean;
  /** Why not, or what the record says. */
  detail: string;
  entry?: TrustEntry;
}

/** What the hook would conclude about this install right now, without recording anything. */
export function trustStatus(installDir: string, env: Env): TrustStatus {
  const l = launcherOf(installDir);
  const recordPath = l.recordPath(env);
  try {
    if (!l.readRecord(env).installs[installDir])
      return {
        installDir,
        recordPath,
        ok: true,
        detail: `${installDir} has no trust record yet; the next hook call records it (trust on first use)`,
      };
    const v = l.verifyInstall(installDir, env, { tofu: false });
    if (!v.ok) return { installDir, recordPath, ok: false, detail: v.reason };
    return {
      installDir,
      recordPath,
      ok: true,
      detail: `${Object.keys(v.entry.files).length} files match the record made by ${v.entry.by} on ${v.entry.trustedAt}`,
      entry: v.entry,
    };
  } catch (err) {
    return { installDir, recordPath, ok: false, detail: (err as Error).message };
  }
}

/** Record the install's code as trusted now. Throws on an unsafe user dir or record path. */
export function recordTrust(installDir: string, env: Env, by: string): TrustEntry {
  return launcherOf(installDir).trustInstall(installDir, env, by);
}

/**
 * `init` records an install that has no record yet (as the hook would on its first call). It never
 * re-records changed code: that is `agent-sre trust`, which a coding agent may not run.
 */
export function trustOnInit(
  installDir: string,
  env: Env,
): { path: string; action: 'created' | 'unchanged'; detail: string } | { warning: string } {
  try {
    const l = launcherOf(installDir);
    const path = l.recordPath(env);
    if (!l.readRecord(env).installs[installDir]) {
      const entry = l.trustInstall(installDir, env, 'init');
      return {
        path,
        action: 'created',
        detail: `agent-sre's code at ${installDir} trusted (${Object.keys(entry.files).length} files)`,
      };
    }
    const v = l.verifyInstall(installDir, env, { tofu: false });
    if (!v.ok) return { warning: `${v.reason}; until then the hook refuses every call` };
    return {
      path,
      action: 'unchanged',
      detail: `agent-sre's code at ${installDir} matches its trust record`,
    };
  } catch (err) {
    return {
      warning: `cannot check agent-sre's own code: ${(err as Error).message}; the hook will refuse every call`,
    };
  }
}
