// Finding, validating and caching the project's policy. The hook runs on every tool call, so a
// validated policy is cached as JSON with the text it came from: yaml and zod load only on a change.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompiledPolicy, compilePolicy } from '../core/policy/evaluate.ts';
import type { Policy, Rule } from '../core/policy/types.ts';
import { BUILD_ID, VERSION } from '../version.ts';

export const POLICY_FILE = 'agent-sre.yaml';
export const STATE_DIR = '.agent-sre';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export interface LoadedPolicy {
  compiled: CompiledPolicy;
  /** The policy file, or `<embedded default>` when the project has none. */
  source: string;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PolicyError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

export async function loadProjectPolicy(
  projectDir: string,
  home: string,
  opts: { cache?: boolean } = {},
): Promise<LoadedPolicy> {
  const file = join(projectDir, POLICY_FILE);
  const text = readIfExists(file) ?? null;
  const source = text === null ? '<embedded default>' : file;
  const cacheFile = join(projectDir, STATE_DIR, 'cache', 'policy.json');
  if (opts.cache !== false) {
    const cached = readIfExists(cacheFile);
    if (cached !== undefined) {
      try {
        // The cache holds the exact text it was validated from: comparing it is cheaper than hashing
        // (node:crypto alone costs the hook about 7 ms to load).
        const c = JSON.parse(cached) as CacheEntry;
        // Keyed on the build, not only the version: a rebuilt default policy (same version string) must
        // not be served from an older build's cache.
        if (
          c.version === VERSION &&
          c.build === BUILD_ID &&
          c.text === text &&
          c.policy.pricing !== undefined
        )
          return { compiled: compilePolicy(c.policy, home), source };
      } catch {
        // A damaged cache is rebuilt from the policy file below.
      }
    }
  }
  const { loadPolicy, formatProblems } = await import('../config/load.ts');
  const result = loadPolicy(text ?? undefined, file);
  if (!result.ok) throw new PolicyError(`invalid policy:\n${formatProblems(result.problems)}`);
  const compiled = compilePolicy(result.policy, home);
  if (opts.cache !== false)
    writeJsonCache(cacheFile, {
      version: VERSION,
      build: BUILD_ID,
      text,
      policy: result.policy,
    } satisfies CacheEntry);
  return { compiled, source };
}

interface CacheEntry {
  version: string;
  build: string;
  text: string | null;
  policy: Policy;
}

/** Write a cache file atomically. Caches only save time: a failure to write one is ignored. */
export function writeJsonCache(path: string, entry: unknown): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, path);
  } catch {
    // Without the cache every call validates the file again.
  }
}

/**
 * The policy with the runbook's compiled rules appended. They come after the policy's own and only add
 * rules, so the highest tier still wins; `runbook.compile: false` leaves the policy as it is.
 */
export function withRunbookRules(loaded: LoadedPolicy, rules: readonly Rule[], home: string): LoadedPolicy {
  const policy = loaded.compiled.policy;
  if (!policy.runbook.compile || rules.length === 0) return loaded;
  return { ...loaded, compiled: compilePolicy({ ...policy, rules: [...policy.rules, ...rules] }, home) };
}
