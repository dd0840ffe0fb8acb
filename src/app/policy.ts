// Finding, validating and caching the project's policy. The hook runs on every tool call, so a
// validated policy is cached as JSON keyed by the file's hash: yaml and zod load only on a change.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompiledPolicy, compilePolicy } from '../core/policy/evaluate.ts';
import type { Policy } from '../core/policy/types.ts';
import { VERSION } from '../version.ts';

export const POLICY_FILE = 'agent-sre.yaml';
export const STATE_DIR = '.agent-sre';

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export interface LoadedPolicy {
  compiled: CompiledPolicy;
  /** The policy file, or `<embedded default>` when the project has none. */
  source: string;
  hash: string;
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
  const text = readIfExists(file);
  const hash = createHash('sha256')
    .update(VERSION)
    .update('\0')
    .update(text ?? '<none>')
    .digest('hex')
    .slice(0, 32);
  const source = text === undefined ? '<embedded default>' : file;
  const cacheFile = join(projectDir, STATE_DIR, 'cache', `policy-${hash}.json`);
  if (opts.cache !== false) {
    const cached = readIfExists(cacheFile);
    if (cached !== undefined) {
      try {
        return { compiled: compilePolicy(JSON.parse(cached) as Policy, home), source, hash };
      } catch {
        // A damaged cache is rebuilt from the policy file below.
      }
    }
  }
  const { loadPolicy, formatProblems } = await import('../config/load.ts');
  const result = loadPolicy(text, file);
  if (!result.ok) throw new PolicyError(`invalid policy:\n${formatProblems(result.problems)}`);
  const compiled = compilePolicy(result.policy, home);
  if (opts.cache !== false) writeCache(cacheFile, result.policy);
  return { compiled, source, hash };
}

function writeCache(path: string, policy: Policy): void {
  try {
    mkdirSync(join(path, '..'), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(policy));
    renameSync(tmp, path);
  } catch {
    // The cache only saves time; without it every call validates the file again.
  }
}
