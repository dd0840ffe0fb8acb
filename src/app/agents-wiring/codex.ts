// Codex CLI: agent-sre's hooks in `<project>/.codex/hooks.json` (or `$CODEX_HOME/hooks.json` with --global),
// and the trust step. Codex runs a non-managed hook only when the user's config.toml records that a human
// reviewed it: `[hooks.state."<hooks.json path>:<event>:<group>:<handler>"] trusted_hash = "sha256:..."`,
// which its own `/hooks` review writes (through the app server's config/batchWrite, upserting `trusted_hash`
// under `hooks.state`). An untrusted or modified hook is skipped silently, and a project's `.codex/` layer
// loads at all only in a project the user trusted (`[projects."<dir>"] trust_level = "trusted"`). So init
// shows the human the exact commands, and only on their yes records both the way Codex does; doctor
// recomputes the hash to catch a command that changed since.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getTomlString, setTomlString } from './toml-lite.ts';

/** The events init wires, with Codex's snake_case labels for the trust keys. */
export const CODEX_EVENTS = [
  { event: 'PreToolUse', label: 'pre_tool_use' },
  { event: 'PostToolUse', label: 'post_tool_use' },
  { event: 'Stop', label: 'stop' },
  { event: 'SessionStart', label: 'session_start' },
] as const;

const LABELS: Record<string, string> = {
  PreToolUse: 'pre_tool_use',
  PermissionRequest: 'permission_request',
  PostToolUse: 'post_tool_use',
  PreCompact: 'pre_compact',
  PostCompact: 'post_compact',
  SessionStart: 'session_start',
  SessionEnd: 'session_end',
  UserPromptSubmit: 'user_prompt_submit',
  SubagentStart: 'subagent_start',
  SubagentStop: 'subagent_stop',
  Stop: 'stop',
};

/** `$CODEX_HOME` when set (absolute), else ~/.codex. */
export function codexHome(env: Record<string, string | undefined>, home: string): string {
  const set = env.CODEX_HOME;
  return set?.startsWith('/') ? set.replace(/\/+$/, '') || '/' : path.join(home, '.codex');
}

/** Sorts every object's keys, recursively (serde_json's canonical form Codex hashes). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

export interface CodexHandler {
  command: string;
  timeout?: number;
  async?: boolean;
  statusMessage?: string;
}

/**
 * The hash Codex compares with `trusted_hash` for one command handler: sha256 over the compact, key-sorted
 * JSON of `{event_name, matcher?, hooks: [handler]}`, the handler normalized as Codex normalizes it before
 * hashing (type "command", the timeout always present: 600 when unset, at least 1, SessionEnd clamped to
 * 1..3; async always present; the Windows command and unset fields left out; no matcher on
 * UserPromptSubmit and Stop, which ignore it).
 */
export function codexHookHash(event: string, matcher: string | undefined, handler: CodexHandler): string {
  const label = LABELS[event];
  if (!label) throw new Error(`Codex has no hook event ${event}`);
  const timeout =
    event === 'SessionEnd'
      ? Math.min(3, Math.max(1, handler.timeout ?? 1))
      : Math.max(1, handler.timeout ?? 600);
  const normalized: Record<string, unknown> = {
    type: 'command',
    command: handler.command,
    timeout,
    async: handler.async === true,
    ...(handler.statusMessage === undefined ? {} : { statusMessage: handler.statusMessage }),
  };
  const ignoresMatcher = event === 'UserPromptSubmit' || event === 'Stop';
  const identity = {
    event_name: label,
    ...(matcher === undefined || ignoresMatcher ? {} : { matcher }),
    hooks: [normalized],
  };
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(canonical(identity)))
    .digest('hex')}`;
}

/** Codex's state key: `<abs hooks.json>:<event label>:<group index>:<handler index>`. */
export function codexHookKey(hooksJson: string, event: string, group: number, handler: number): string {
  return `${hooksJson}:${LABELS[event]}:${group}:${handler}`;
}

export interface CodexTrustItem {
  key: string;
  event: string;
  command: string;
  hash: string;
  /** What the user's config.toml records now: undefined when nothing. */
  recorded: string | undefined;
}

/**
 * Our handlers in a parsed hooks.json with their trust keys and hashes, and what config.toml records for
 * each. `isOurs` picks agent-sre's entries; `hooksJson` is the file's absolute path as Codex names it.
 */
export function codexTrustItems(
  doc: unknown,
  hooksJson: string,
  configToml: string,
  isOurs: (entry: Record<string, unknown>) => boolean,
): CodexTrustItem[] {
  const items: CodexTrustItem[] = [];
  const hooks = (doc as { hooks?: unknown } | undefined)?.hooks;
  if (typeof hooks !== 'object' || hooks === null) return items;
  for (const [event, groups] of Object.entries(hooks as Record<string, unknown>)) {
    if (!Array.isArray(groups) || !LABELS[event]) continue;
    groups.forEach((g, gi) => {
      if (typeof g !== 'object' || g === null || !Array.isArray((g as { hooks?: unknown }).hooks)) return;
      const group = g as { matcher?: unknown; hooks: unknown[] };
      group.hooks.forEach((e, hi) => {
        if (typeof e !== 'object' || e === null) return;
        const entry = e as Record<string, unknown>;
        if (!isOurs(entry) || typeof entry.command !== 'string') return;
        const timeout =
          typeof entry.timeout === 'number'
            ? entry.timeout
            : typeof entry.timeoutSec === 'number'
              ? entry.timeoutSec
              : undefined;
        const hash = codexHookHash(event, typeof group.matcher === 'string' ? group.matcher : undefined, {
          command: entry.command,
          ...(timeout === undefined ? {} : { timeout }),
          ...(entry.async === true ? { async: true } : {}),
          ...(typeof entry.statusMessage === 'string' ? { statusMessage: entry.statusMessage } : {}),
        });
        const key = codexHookKey(hooksJson, event, gi, hi);
        items.push({
          key,
          event,
          command: entry.command,
          hash,
          recorded: getTomlString(configToml, ['hooks', 'state', key, 'trusted_hash']),
        });
      });
    });
  }
  return items;
}

/** The project's trust level in Codex's config (`trusted`, `untrusted`), undefined when it has none. */
export function codexProjectTrust(configToml: string, projectDir: string): string | undefined {
  return getTomlString(configToml, ['projects', projectDir, 'trust_level']);
}

/**
 * config.toml with trust recorded for `items` (and, for a project's `.codex/hooks.json`, the project
 * trusted), as Codex's review records it. Only what changes is written.
 */
export function recordCodexTrust(
  configToml: string,
  items: readonly CodexTrustItem[],
  trustProject: string | undefined,
): string {
  let text = configToml;
  if (trustProject !== undefined && codexProjectTrust(text, trustProject) !== 'trusted')
    text = setTomlString(text, ['projects', trustProject, 'trust_level'], 'trusted');
  for (const item of items)
    if (item.recorded !== item.hash)
      text = setTomlString(text, ['hooks', 'state', item.key, 'trusted_hash'], item.hash);
  return text;
}

export function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}
