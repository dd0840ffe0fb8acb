// The project's runbook as the hook sees it on every call: which files, their content hash, whether they
// lint, and what they compile to. Parsing Markdown costs milliseconds (and far more on hostile input),
// so the result is cached beside the policy's, keyed by the exact text it came from.
import type * as Crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuiltin } from '../adapters/builtin.ts';
import type { RunbookNow } from '../core/runbook/binding.ts';
import type { CompiledRunbook } from '../core/runbook/compile.ts';
import { RUNBOOK_FILES } from '../core/runbook/lint.ts';
import { BUILD_ID, VERSION } from '../version.ts';
import { STATE_DIR, writeJsonCache } from './policy.ts';

export interface LoadedRunbook {
  now: RunbookNow;
  /** Null when there is no runbook, or it was too large to parse. */
  compiled: CompiledRunbook | null;
}

/** Past these, the Markdown parser's worst cases cost seconds: such a runbook fails instead. */
export const MAX_RUNBOOK_BYTES = 128 * 1024;
export const MAX_RUNBOOK_LINES = 2000;

interface CacheEntry {
  version: string;
  /** The build that compiled it: a rebuild may compile the same text differently. */
  build: string;
  key: string;
  runbook: LoadedRunbook;
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** AGENTS.md and CLAUDE.md at the project root, whichever exist, as [name, text]. */
export function readRunbookFiles(projectDir: string): Array<[string, string]> {
  return RUNBOOK_FILES.flatMap((name): Array<[string, string]> => {
    const text = readIfFile(join(projectDir, name));
    return text === undefined ? [] : [[name, text]];
  });
}

export async function loadRunbook(
  projectDir: string,
  home: string,
  opts: { cache?: boolean } = {},
): Promise<LoadedRunbook> {
  const files = readRunbookFiles(projectDir);
  const key = JSON.stringify(files);
  const cacheFile = join(projectDir, STATE_DIR, 'cache', 'runbook.json');
  if (opts.cache !== false) {
    const cached = readIfFile(cacheFile);
    if (cached !== undefined) {
      try {
        const c = JSON.parse(cached) as CacheEntry;
        if (c.version === VERSION && c.build === BUILD_ID && c.key === key) return c.runbook;
      } catch {
        // Rebuilt below.
      }
    }
  }
  const runbook = await evaluateRunbook(projectDir, home, files, key);
  if (opts.cache !== false)
    writeJsonCache(cacheFile, { version: VERSION, build: BUILD_ID, key, runbook } satisfies CacheEntry);
  return runbook;
}

async function evaluateRunbook(
  projectDir: string,
  home: string,
  files: Array<[string, string]>,
  key: string,
): Promise<LoadedRunbook> {
  const names = files.map(([n]) => n);
  if (files.length === 0)
    return { now: { hash: null, files: [], errors: 0, firstError: null }, compiled: null };
  // sha256, not the core's 32-bit hash: the binding must not be fooled by an edit crafted to collide.
  const { createHash } = requireBuiltin('node:crypto') as typeof Crypto;
  const hash = createHash('sha256').update(key).digest('hex');
  const big = files.find(([, t]) => t.length > MAX_RUNBOOK_BYTES || t.split('\n').length > MAX_RUNBOOK_LINES);
  if (big)
    return {
      now: {
        hash,
        files: names,
        errors: 1,
        firstError: `${big[0]}:1: over ${MAX_RUNBOOK_BYTES / 1024} KB or ${MAX_RUNBOOK_LINES} lines; too large to check`,
      },
      compiled: null,
    };
  const { evaluateRunbookFiles } = await import('./runbook-eval.ts');
  const r = evaluateRunbookFiles(projectDir, home, files);
  return {
    now: { hash, files: names, errors: r.errors, firstError: r.firstError },
    compiled: r.compiled,
  };
}
