// How the guard's configuration stands right now, for the session binding (core/guard/binding.ts): the
// policy file and the parts of Claude Code's settings that decide whether and how our hooks run, at every
// scope. Claude Code itself writes `permissions.allow` into settings.local.json when a person clicks
// "always allow", so only the keys that can switch the guard off or change what it is told count.
import type * as Crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireBuiltin } from '../adapters/builtin.ts';
import type { GuardConfigNow } from '../core/guard/binding.ts';
import { STATE_DIR, writeJsonCache } from './policy.ts';

/** Settings keys that can disable, replace or feed our hooks, or lift the deny rules init wrote. */
const SETTINGS_KEYS = ['hooks', 'disableAllHooks', 'allowManagedHooksOnly', 'env', 'permissions.deny'];

export const MANAGED_SETTINGS = '/etc/claude-code/managed-settings.json';

export function guardConfigFiles(projectDir: string, claudeConfigDir: string): string[] {
  return [
    join(projectDir, 'agent-sre.yaml'),
    join(projectDir, 'agent-sre.yml'),
    join(projectDir, '.claude', 'settings.json'),
    join(projectDir, '.claude', 'settings.local.json'),
    join(claudeConfigDir, 'settings.json'),
    join(claudeConfigDir, 'settings.local.json'),
    MANAGED_SETTINGS,
  ];
}

function readIfFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    // A file we cannot read is not "absent": it stands in the hash as unreadable.
    return `\0unreadable: ${code ?? (err as Error).message}`;
  }
}

function pick(obj: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = obj;
  for (const k of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** What of one file counts: the whole policy; for settings, the hook-relevant keys (or the raw text). */
export function relevantPart(path: string, text: string): string {
  if (!path.endsWith('.json')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return text;
  return JSON.stringify(SETTINGS_KEYS.map((k) => [k, pick(parsed as Record<string, unknown>, k) ?? null]));
}

interface CacheEntry {
  key: string;
  now: GuardConfigNow;
}

/**
 * The configuration's hash. Reading the files costs microseconds; hashing needs node:crypto (~7 ms to
 * load), so the hash is cached under the exact relevant text and computed only when that changes.
 */
export function guardConfigNow(projectDir: string, claudeConfigDir: string): GuardConfigNow {
  const parts: Array<[string, string]> = [];
  for (const file of guardConfigFiles(projectDir, claudeConfigDir)) {
    const text = readIfFile(file);
    if (text !== undefined) parts.push([file, relevantPart(file, text)]);
  }
  const key = JSON.stringify(parts);
  const cacheFile = join(projectDir, STATE_DIR, 'cache', 'guard-config.json');
  const cached = readIfFile(cacheFile);
  if (cached !== undefined) {
    try {
      const c = JSON.parse(cached) as CacheEntry;
      if (c.key === key) return c.now;
    } catch {
      // Recomputed below.
    }
  }
  const { createHash } = requireBuiltin('node:crypto') as typeof Crypto;
  const now: GuardConfigNow = {
    hash: createHash('sha256').update(key).digest('hex'),
    files: parts.map(([f]) => f),
  };
  writeJsonCache(cacheFile, { key, now } satisfies CacheEntry);
  return now;
}
