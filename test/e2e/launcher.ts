// Running the hook launcher (bin/agent-sre-hook.cjs) of the repository or of a copied install, with
// its own per-user config dir, timed. Shared by the trust, deadline and integrity tests; not a test file.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { collect, ROOT, tempProject } from './bin.ts';

export const LAUNCHER = join(ROOT, 'bin', 'agent-sre-hook.cjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface LaunchOptions {
  projectDir: string;
  /** $XDG_CONFIG_HOME: the per-user secret and trust record live under it. */
  config: string;
  env?: NodeJS.ProcessEnv;
  /** Extra launcher args after `hook claude` (e.g. ['--timeout', '4']). */
  args?: string[];
  launcher?: string;
}

export async function launch(input: unknown, opts: LaunchOptions): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    AGENT_SRE_HOOKD_IDLE_MS: '4000',
    ...process.env,
    XDG_CONFIG_HOME: opts.config,
    CLAUDE_PROJECT_DIR: opts.projectDir,
    ...opts.env,
  };
  const started = performance.now();
  const child = spawn(process.execPath, [opts.launcher ?? LAUNCHER, 'hook', 'claude', ...(opts.args ?? [])], {
    cwd: opts.projectDir,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const r = await collect(child, typeof input === 'string' ? input : JSON.stringify(input));
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - started };
}

/** A private config dir (what ~/.config would be) for one test. */
export function tempConfig(): string {
  const dir = join(tempProject('agent-sre-config-'), 'config');
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

/** A copy of the built install (bin/, dist/, package.json) with node_modules linked to the repo's. */
export function copyInstall(): string {
  const dir = tempProject('agent-sre-install-');
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), {
    recursive: true,
    // The code cache belongs to the other install's trust record.
    filter: (src) => !src.includes('.cache') && !/\.(tmp|\d+)$/.test(src),
  });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

export type Verdict = 'allow' | 'ask' | 'deny' | 'block' | 'exit2' | 'other';

/** What Claude Code would make of the answer. */
export function verdictOf(r: Run): Verdict {
  if (r.code === 2) return 'exit2';
  if (r.code !== 0) return 'other';
  if (r.stdout.trim() === '') return 'allow';
  try {
    const j = JSON.parse(r.stdout) as {
      decision?: string;
      hookSpecificOutput?: { permissionDecision?: string };
    };
    if (j.decision === 'block') return 'block';
    const d = j.hookSpecificOutput?.permissionDecision;
    return d === 'allow' || d === 'ask' || d === 'deny' ? d : 'other';
  } catch {
    return 'other';
  }
}

/** Refusal text wherever the answer carried it. */
export const reasonOf = (r: Run) => `${r.stdout}\n${r.stderr}`;

/** Other processes whose command line mentions `needle`, or whose cwd is it (Linux /proc). */
export function pidsWith(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((d) => {
      try {
        // The cwd too: a page flusher runs in the project with nothing of it on its command line.
        return (
          readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle) ||
          readlinkSync(`/proc/${d}/cwd`) === needle
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** After a test file: stop the daemons its projects started (their command lines name the project), then remove them. */
export function removeProjects(dirs: readonly string[]): void {
  for (const dir of dirs) {
    for (const pid of pidsWith(dir)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const socketsIn = (project: string): string[] => {
  try {
    return readdirSync(join(project, '.agent-sre')).filter((f) => /^hookd-.*\.sock$/.test(f));
  } catch {
    return [];
  }
};
