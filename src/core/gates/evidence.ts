// What the ledger says about an agent's work when it wants to stop: when it last edited, whether tests
// ran since and how they ended, and when each acceptance check last passed.
import type { LedgerEvent } from '../session/types.ts';
import type { Effect, OpaqueEffect, PathEffect } from '../types.ts';
import type { ToolCalledCheck } from './types.ts';

/** The ledger event a gate writes for each check it ran or skipped. */
export const CHECK_EVENT = 'check.result';

// Shell commands that run a test suite. Read per segment of the command line, so `cd x && npm test`
// counts and `echo "npm test"` does not start a segment with it.
const TEST_COMMANDS: readonly RegExp[] = [
  /^(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:test|t)(?:[:\s]|$)/,
  /^(?:npm|pnpm|yarn|bun)\s+run\s+(?:test|check|verify|ci)[\w:-]*(?:\s|$)/,
  /^(?:npx\s+|pnpm\s+(?:exec\s+)?|yarn\s+|bunx\s+)?(?:vitest|jest|mocha|ava|tap|karma|jasmine|cypress\s+run|playwright\s+test)(?:\s|$)/,
  /^(?:python3?\s+-m\s+)?(?:pytest|py\.test|unittest|tox|nox)(?:\s|$)/,
  /^(?:uv\s+run\s+|poetry\s+run\s+|pipenv\s+run\s+)(?:python3?\s+-m\s+)?pytest(?:\s|$)/,
  /^go\s+test(?:\s|$)/,
  /^cargo\s+(?:test|nextest)(?:\s|$)/,
  /^(?:\.\/)?(?:mvnw?|gradlew?)\s.*\b(?:test|verify|check)\b/,
  /^make\s+(?:[\w-]+\s+)*(?:test|check|tests)(?:\s|$)/,
  /^(?:bundle\s+exec\s+)?(?:rspec|rake\s+test|rails\s+test)(?:\s|$)/,
  /^(?:\.\/vendor\/bin\/|vendor\/bin\/)?(?:phpunit|pest)(?:\s|$)/,
  /^(?:dotnet|mix|deno|swift|bun)\s+test(?:\s|$)/,
  /^ctest(?:\s|$)/,
];

export interface TestRun {
  at: number;
  ok: boolean;
  command: string;
  /** The end of the failure output (PostToolUseFailure), redacted when it was recorded. */
  tail: string;
}

export interface GateEvidence {
  editsMade: boolean;
  lastEditAt: number | null;
  /** What the last edit touched, for reasons. */
  lastEdit: string | null;
  lastTestRun: TestRun | null;
  /** A test run, or a check that passed, after the last edit. */
  verifiedSinceLastEdit: boolean;
  /** Check id -> when it last passed (a run, not a skip). */
  lastPass: Map<string, number>;
  /** Check id -> its last result, pass or fail. */
  lastResult: Map<string, { at: number; passed: boolean; tail: string }>;
}

export interface EvidenceOptions {
  /** Only this subagent's events; null = the whole session (the main agent answers for its subagents). */
  agentId: string | null;
  /** Extra test-command regexes and the commands of the command checks. */
  testPatterns: readonly RegExp[];
  testCommands: readonly string[];
}

/** The shell command of a recorded Bash call, or null. */
export function commandOf(e: Pick<LedgerEvent, 'tool' | 'input'>): string | null {
  if (e.tool !== 'Bash' && e.tool !== 'PowerShell') return null;
  if (!e.input) return null;
  try {
    const input = JSON.parse(e.input) as { command?: unknown };
    return typeof input.command === 'string' ? input.command : null;
  } catch {
    return null;
  }
}

/** The command line cut at ; && || | and newlines outside quotes, each part without its prefixes. */
function segments(command: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') {
        cur += c + (command[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === quote) quote = null;
      cur += c;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    if (c === ';' || c === '|' || c === '&' || c === '\n') {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts.map(stripPrefixes).filter(Boolean);
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=\S*\s+/;
const WRAPPER = /^(?:time|env|sudo|nice|command)\s+/;

/** `CI=1 env FOO=2 time npm test` -> `npm test`: assignments and wrappers in any order. */
function stripPrefixes(segment: string): string {
  let s = segment.trim();
  for (;;) {
    const next = s.replace(ASSIGNMENT, '').replace(WRAPPER, '');
    if (next === s) return s;
    s = next;
  }
}

export function isTestCommand(
  command: string,
  extra: readonly RegExp[] = [],
  checkCommands: readonly string[] = [],
): boolean {
  const flat = command.replace(/\s+/g, ' ').trim();
  if (checkCommands.some((c) => c.trim() && flat.includes(c.replace(/\s+/g, ' ').trim()))) return true;
  if (extra.some((r) => r.test(command))) return true;
  return segments(command).some((s) => TEST_COMMANDS.some((r) => r.test(s)));
}

/** An effect that changes the project: a write or delete inside it, or something we could not read. */
function isEdit(effect: Effect): effect is PathEffect | OpaqueEffect {
  if (effect.kind === 'write' || effect.kind === 'delete') return effect.zone === 'project';
  return effect.kind === 'opaque';
}

const RAN = new Set(['PostToolUse', 'PostToolUseFailure']);

export function gatherEvidence(events: readonly LedgerEvent[], opts: EvidenceOptions): GateEvidence {
  const ev: GateEvidence = {
    editsMade: false,
    lastEditAt: null,
    lastEdit: null,
    lastTestRun: null,
    verifiedSinceLastEdit: false,
    lastPass: new Map(),
    lastResult: new Map(),
  };
  let lastVerifiedAt = Number.NEGATIVE_INFINITY;
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  for (const e of sorted) {
    if (opts.agentId !== null && e.agentId !== opts.agentId) continue;
    if (e.event === CHECK_EVENT && e.rule && e.verdict !== null) {
      // `ask` marks a skip: it repeats an earlier pass and proves nothing new.
      if (e.verdict === 'ask') continue;
      const passed = e.verdict === 'allow';
      ev.lastResult.set(e.rule, { at: e.ts, passed, tail: e.reason ?? '' });
      if (passed) {
        ev.lastPass.set(e.rule, e.ts);
        lastVerifiedAt = Math.max(lastVerifiedAt, e.ts);
      }
      continue;
    }
    if (!RAN.has(e.event)) continue;
    const edit = e.effects.find(isEdit);
    if (edit) {
      ev.editsMade = true;
      ev.lastEditAt = e.ts;
      ev.lastEdit =
        edit.kind === 'opaque' ? `${e.tool ?? 'a tool'} (${edit.why})` : `${edit.kind} ${edit.path}`;
    }
    const command = commandOf(e);
    if (command !== null && isTestCommand(command, opts.testPatterns, opts.testCommands)) {
      ev.lastTestRun = {
        at: e.ts,
        ok: e.event === 'PostToolUse',
        command,
        tail: e.event === 'PostToolUseFailure' ? (e.reason ?? '') : '',
      };
      // A test command that edits (a snapshot update) still verifies what it wrote.
      lastVerifiedAt = Math.max(lastVerifiedAt, e.ts);
    }
  }
  ev.verifiedSinceLastEdit = ev.lastEditAt === null ? true : lastVerifiedAt >= ev.lastEditAt;
  return ev;
}

// --- tool-called checks -------------------------------------------------------------------------------

/** Tool-name globs: `*` only, anchored. */
function globMatches(glob: string, name: string): boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(name);
}

/** Is there a call matching the check, after the last edit (or since the start)? */
export function toolCalled(
  check: ToolCalledCheck,
  events: readonly LedgerEvent[],
  evidence: Pick<GateEvidence, 'lastEditAt'>,
  agentId: string | null,
): { passed: boolean; detail: string } {
  const since =
    check.after === 'edit' ? (evidence.lastEditAt ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
  const pattern = check.pattern ? new RegExp(check.pattern) : null;
  const wanted = check.succeeded ? new Set(['PostToolUse']) : RAN;
  let seenTool = 0;
  for (const e of events) {
    if (agentId !== null && e.agentId !== agentId) continue;
    if (!wanted.has(e.event) || e.ts < since || !e.tool) continue;
    if (!check.tool.some((g) => globMatches(g, e.tool!))) continue;
    seenTool++;
    const subject = commandOf(e) ?? e.input ?? '';
    if (!pattern || pattern.test(subject)) return { passed: true, detail: `${e.tool} ran at ${e.ts}` };
  }
  const tools = check.tool.join(', ');
  const what = `${tools}${check.pattern ? ` matching /${check.pattern}/` : ''}`;
  const when = check.after === 'edit' && evidence.lastEditAt !== null ? ' after the last edit' : '';
  const ok = check.succeeded ? ' that succeeded' : '';
  return {
    passed: false,
    detail: `no call to ${what}${ok}${when}${seenTool > 0 ? ` (${seenTool} other call${seenTool === 1 ? '' : 's'} to ${tools} did not match)` : ''}`,
  };
}
