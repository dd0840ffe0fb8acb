// Pure transformations of Claude Code's settings.json. No fs here: `app/init.ts` does the IO, `doctor`
// reads through `findOurHooks`, and both stay testable without a disk.

export type Version = readonly [number, number, number];

/**
 * `onFailure` on a hook entry is honoured from 2.1.295; older versions silently ignore the key, so a
 * hook that crashes, times out or cannot start lets the tool call through.
 */
export const MIN_CLAUDE_VERSION: Version = [2, 1, 295];

export interface MergeOptions {
  /** The executable; with `args` present Claude Code runs it without a shell. */
  command: string;
  args: string[];
  timeoutSec: number;
  denyRules: string[];
  /**
   * `init --http`: PreToolUse and SessionEnd go to `agent-sre serve` as `type: "http"` hooks at this URL
   * instead of starting a process, so a tool call's only hook is one HTTP round trip. SessionStart (Claude
   * Code has no HTTP hooks for it) and the Stop-type gates (onFailure is ignored there, so a server that is
   * down would wave the agent through unchecked) keep the command entry, which works with nothing running.
   * The after-the-call hooks are laid out as in `asyncPost`.
   */
  http?: { url: string };
  /**
   * `init` (fold, the CLI's default): no PostToolUse or PostToolUseFailure hook at all (the hook records
   * each call's PostToolUse from the transcript at the next PreToolUse, the Stop-type gates and SessionEnd:
   * src/app/catch-up.ts), and PostToolBatch as an `async: true` command hook, off the tool call's critical
   * path (its burst verdict is enforced at the next PreToolUse). Without this and `http`, the synchronous
   * layout (`init --no-fold`): all three after-the-call hooks, blocking.
   */
  asyncPost?: boolean;
}

/** The path of agent-sre's HTTP hook endpoint; a URL holding it marks an entry as ours. */
export const HTTP_HOOK_PATH = '/agent-sre/v1/hook';
/** The environment variable Claude Code interpolates into the HTTP hooks' Authorization header. */
export const HTTP_TOKEN_ENV = 'AGENT_SRE_TOKEN';

type Json = Record<string, unknown>;

interface EventSpec {
  event: string;
  /** `undefined` = no matcher key, which Claude Code reads as "match all". */
  matcher: string | undefined;
  /** The acceptance gate runs verification commands: its timeout must outlast the longest check. */
  gate?: true;
  /** May be answered over HTTP (Claude Code supports it, and a failure blocks or does not matter). */
  http?: true;
  /**
   * After the call. `record`: PostToolUse/PostToolUseFailure, left out when folded (the catch-up records
   * them from the transcript). `batch`: PostToolBatch, a background command hook when folded or over HTTP.
   */
  post?: 'record' | 'batch';
}

/**
 * The Stop-type hooks' timeout: the longest check agent-sre.yaml allows (3600 s) plus a minute. On these
 * events Claude Code ignores onFailure, so a hook that times out lets the agent stop unchecked.
 */
export const GATE_HOOK_TIMEOUT_SEC = 3660;

// Session events take matchers such as `startup|resume`; leaving the key out covers every source.
const EVENTS: readonly EventSpec[] = [
  { event: 'PreToolUse', matcher: '*', http: true },
  { event: 'PostToolUse', matcher: '*', post: 'record' },
  // A failed Bash call (a red test run) arrives here, not at PostToolUse.
  { event: 'PostToolUseFailure', matcher: '*', post: 'record' },
  // Not over HTTP: an HTTP hook cannot be async, and a synchronous one costs Claude Code a round trip.
  { event: 'PostToolBatch', matcher: undefined, post: 'batch' },
  { event: 'SessionStart', matcher: undefined },
  { event: 'SessionEnd', matcher: undefined, http: true },
  { event: 'Stop', matcher: undefined, gate: true },
  { event: 'SubagentStop', matcher: undefined, gate: true },
  { event: 'TaskCompleted', matcher: undefined, gate: true },
];

/** Every event agent-sre may hook (an entry of ours on any of them is recognised and replaced). */
export const OUR_EVENTS: readonly string[] = EVENTS.map((e) => e.event);

/** Folded (`init`, `init --http`): the PostToolUse records come from the transcript, not from a hook. */
function folded(opts: Pick<MergeOptions, 'http' | 'asyncPost'>): boolean {
  return opts.http !== undefined || opts.asyncPost === true;
}

/** The events agent-sre hooks in a folded (`init`, `init --http`) or the synchronous layout, in order. */
export function registeredEvents(isFolded: boolean): string[] {
  return EVENTS.filter((e) => !(isFolded && e.post === 'record')).map((e) => e.event);
}

const OUR_ARGS_SUFFIX = ['hook', 'claude'] as const;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mentionsUs(s: string): boolean {
  return s.toLowerCase().includes('agent-sre');
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/**
 * Ours = the exact entry we would write now, or any earlier install of `agent-sre hook claude`, even
 * from another path (a moved checkout, a global install replaced by a local one), with or without the
 * `--timeout N` tail later versions add. Shell-form `agent-sre hook claude` written by hand counts too:
 * left in place it would run the guard twice.
 */
function isOurEntry(entry: unknown, current?: { command: string; args: string[] }): boolean {
  if (!isPlainObject(entry)) return false;
  if (entry.type === 'http') return isOurHttpEntry(entry);
  if (entry.type !== undefined && entry.type !== 'command') return false;
  const { command, args } = entry;
  if (typeof command !== 'string') return false;
  if (args === undefined) {
    const words = command.trim().split(/\s+/);
    const head = ourTail(words);
    return head >= 1 && words.slice(0, head).some(mentionsUs);
  }
  if (!isStringArray(args)) return false;
  if (
    current &&
    command === current.command &&
    sameStrings(withoutTimeout(args), withoutTimeout(current.args))
  )
    return true;
  const head = ourTail(args);
  return head >= 0 && (mentionsUs(command) || args.slice(0, head).some(mentionsUs));
}

/** An HTTP hook to agent-sre serve on loopback, whatever port or project it names. */
function isOurHttpEntry(entry: Json): boolean {
  if (typeof entry.url !== 'string') return false;
  try {
    const u = new URL(entry.url);
    return u.pathname === HTTP_HOOK_PATH && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

function withoutTimeout(words: readonly string[]): readonly string[] {
  const n = words.length;
  return n >= 2 && words[n - 2] === TIMEOUT_FLAG && /^\d+$/.test(words[n - 1]!) ? words.slice(0, -2) : words;
}

const TIMEOUT_FLAG = '--timeout';

/** Where `hook claude [--timeout N]` starts at the end of `words`; -1 when it is not there. */
function ourTail(words: readonly string[]): number {
  const n = withoutTimeout(words).length;
  return n >= 2 && words[n - 2] === OUR_ARGS_SUFFIX[0] && words[n - 1] === OUR_ARGS_SUFFIX[1] ? n - 2 : -1;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// '*', '' and a missing matcher all mean "every tool" to Claude Code.
function sameMatcher(a: unknown, b: string | undefined): boolean {
  const norm = (m: unknown) => (m === undefined || m === '' || m === '*' ? '*' : m);
  return norm(a) === norm(b);
}

class SettingsShapeError extends Error {
  constructor(where: string, found: unknown, expected: string) {
    super(
      `Claude Code settings: ${where} is ${describe(found)}, expected ${expected}. ` +
        'agent-sre will not rewrite it; fix the file by hand and run init again.',
    );
    this.name = 'SettingsShapeError';
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/**
 * Validates the parts we touch. A settings file Claude Code cannot load has its hooks silently
 * skipped, so writing our hooks into a shape it may reject would look installed and fail open.
 */
function checkShape(settings: Json): void {
  const hooks = settings.hooks;
  if (hooks !== undefined) {
    if (!isPlainObject(hooks)) throw new SettingsShapeError('"hooks"', hooks, 'an object of event names');
    for (const { event } of EVENTS) {
      const groups = hooks[event];
      if (groups === undefined) continue;
      if (!Array.isArray(groups)) throw new SettingsShapeError(`"hooks.${event}"`, groups, 'an array');
      groups.forEach((group, i) => {
        const where = `"hooks.${event}[${i}]"`;
        if (!isPlainObject(group)) throw new SettingsShapeError(where, group, 'an object');
        if (!Array.isArray(group.hooks)) {
          throw new SettingsShapeError(`${where}.hooks`, group.hooks, 'an array of hook entries');
        }
        group.hooks.forEach((entry, j) => {
          if (!isPlainObject(entry)) throw new SettingsShapeError(`${where}.hooks[${j}]`, entry, 'an object');
        });
      });
    }
  }
  const permissions = settings.permissions;
  if (permissions !== undefined) {
    if (!isPlainObject(permissions)) throw new SettingsShapeError('"permissions"', permissions, 'an object');
    const deny = permissions.deny;
    if (deny !== undefined && !Array.isArray(deny)) {
      throw new SettingsShapeError('"permissions.deny"', deny, 'an array of rules');
    }
  }
}

function ourEntry(opts: MergeOptions): Json {
  const head = ourTail(opts.args);
  return {
    type: 'command',
    command: opts.command,
    // The launcher's watchdog answers with a refusal shortly before this timeout, so it must know it.
    args:
      head < 0 ? [...opts.args] : [...opts.args.slice(0, head + 2), TIMEOUT_FLAG, String(opts.timeoutSec)],
    timeout: opts.timeoutSec,
    // On the entry, not the matcher group: on the group Claude Code ignores it.
    onFailure: 'block',
  };
}

function ourHttpEntry(url: string, timeoutSec: number): Json {
  return {
    type: 'http',
    url,
    timeout: timeoutSec,
    // HTTP hooks fail open on a refused connection or a timeout unless this is set: a stopped server blocks.
    onFailure: 'block',
    // Interpolated by Claude Code from its own environment, and only for variables listed below.
    headers: { Authorization: `Bearer \${${HTTP_TOKEN_ENV}}` },
    allowedEnvVars: [HTTP_TOKEN_ENV],
  };
}

/** Our entry for the event, or undefined when this layout does not hook it (earlier entries are removed). */
function entryFor(spec: EventSpec, opts: MergeOptions): Json | undefined {
  if (folded(opts) && spec.post === 'record') return undefined;
  const timeoutSec = spec.gate ? Math.max(opts.timeoutSec, GATE_HOOK_TIMEOUT_SEC) : opts.timeoutSec;
  if (opts.http && spec.http) return ourHttpEntry(opts.http.url, timeoutSec);
  const entry = ourEntry({ ...opts, timeoutSec });
  if (folded(opts) && spec.post === 'batch') {
    // onFailure is ignored on async hooks; leaving it out says so.
    const { onFailure: _ignored, ...rest } = entry;
    return { ...rest, async: true };
  }
  return entry;
}

function mergeEvent(
  groups: unknown[],
  spec: EventSpec,
  entry: Json | undefined,
  current: MergeOptions,
): unknown[] {
  let placed = false;
  const out: unknown[] = [];
  for (const group of groups as Json[]) {
    const entries = group.hooks as unknown[];
    if (!entries.some((e) => isOurEntry(e, current))) {
      out.push(group);
      continue;
    }
    const kept: unknown[] = [];
    for (const e of entries) {
      if (!isOurEntry(e, current)) kept.push(e);
      // Replacing in place (not re-appending) keeps a re-run byte-identical even when the user
      // added groups after ours; a group with another matcher would narrow or widen our scope.
      else if (entry && !placed && sameMatcher(group.matcher, spec.matcher)) {
        kept.push(entry);
        placed = true;
      }
    }
    // A group emptied by removing our entries was ours; a user's empty group was never touched.
    if (kept.length > 0) out.push({ ...group, hooks: kept });
  }
  if (entry && !placed) {
    const group: Json = spec.matcher === undefined ? {} : { matcher: spec.matcher };
    group.hooks = [entry];
    out.push(group);
  }
  return out;
}

/**
 * Installs agent-sre's hooks and deny rules into a parsed settings.json. Keeps every user entry and
 * unknown key; replaces earlier agent-sre entries instead of adding a second copy. Throws, rather
 * than guessing, when a part it must change has an unexpected shape.
 */
export function mergeClaudeSettings(
  existing: unknown,
  opts: MergeOptions,
): { settings: Record<string, unknown>; changed: boolean } {
  const base = existing === undefined ? {} : existing;
  if (!isPlainObject(base)) throw new SettingsShapeError('the top level', base, 'a JSON object');
  checkShape(base);
  const before = JSON.stringify(base);
  const settings = structuredClone(base);

  const hooks: Json = isPlainObject(settings.hooks) ? settings.hooks : {};
  for (const spec of EVENTS) {
    const groups = Array.isArray(hooks[spec.event]) ? (hooks[spec.event] as unknown[]) : [];
    const merged = mergeEvent(groups, spec, entryFor(spec, opts), opts);
    // An event this layout does not hook: a key left empty by removing our entries goes; a user's stays.
    if (merged.length > 0 || (groups.length === 0 && hooks[spec.event] !== undefined))
      hooks[spec.event] = merged;
    else delete hooks[spec.event];
  }
  settings.hooks = hooks;

  const permissions: Json = isPlainObject(settings.permissions) ? settings.permissions : {};
  // Append only: a rule from an earlier init cannot be told apart from one the user wrote.
  const deny: unknown[] = Array.isArray(permissions.deny) ? permissions.deny : [];
  for (const rule of opts.denyRules) if (!deny.includes(rule)) deny.push(rule);
  permissions.deny = deny;
  settings.permissions = permissions;

  return { settings, changed: JSON.stringify(settings) !== before };
}

/**
 * Hard boundaries that hold even with hooks off (`disableAllHooks`, `--bare`, a settings file that
 * fails to load): Claude Code checks deny rules whatever a hook says and hooks cannot lift them.
 * A deny rule cannot carry exceptions either, so each one here is something ordinary work never
 * needs; the policy hook does the fine-grained judging.
 *
 * Syntax notes (Claude Code permissions docs):
 * - Path rules are only consulted for `Edit(...)` and `Read(...)`. `Write(path)` is accepted but never
 *   checked, so `Edit` covers Write, Edit and NotebookEdit. A `Read` deny also blocks Edit/Write.
 * - These rules live in the project's `.claude/settings.json`, where `/x` is anchored at the project
 *   root; `~/x` is the home directory; a bare name such as `.env` matches at any depth.
 */
export function defaultDenyRules(): string[] {
  return [
    // The guard's own configuration and evidence; editing them is how an agent would switch it off.
    'Edit(/agent-sre.yaml)',
    'Edit(/.agent-sre/**)',
    'Edit(/.claude/settings.json)',
    'Edit(/.claude/settings.local.json)',
    'Edit(~/.claude/settings.json)',
    // Secrets. `.env.*` cannot be denied as a whole: a deny rule has no exceptions, and it would also
    // hide the committed `.env.example` / `.env.sample` / `.env.template` that projects document
    // their variables in. Only the dotenv names that are local-only by convention are listed.
    // Side effect: a Read deny also stops the file tools from creating or editing these files.
    'Read(.env)',
    'Read(.env.local)',
    'Read(.env.*.local)',
    'Read(~/.ssh/**)',
    'Read(~/.aws/credentials)',
    // Exact commands only (no `*`): a wildcard such as `rm -rf /*` would also match `rm -rf /tmp/x`.
    'Bash(rm -rf /)',
    'Bash(rm -rf ~)',
    'Bash(rm -rf ~/)',
    'Bash(git push --force origin main)',
    'Bash(git push -f origin main)',
    'Bash(git push --force origin master)',
    'Bash(git push -f origin master)',
  ];
}

/** Reads `2.1.332 (Claude Code)` (or any text with a dotted triple) from `claude --version`. */
export function parseClaudeVersion(text: string): [number, number, number] | undefined {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])] as [number, number, number];
  return v.every(Number.isSafeInteger) ? v : undefined;
}

export function isVersionAtLeast(v: Version, min: Version): boolean {
  for (let i = 0; i < 3; i++) {
    if (v[i]! !== min[i]!) return v[i]! > min[i]!;
  }
  return true;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}

export interface OurHook {
  event: string;
  /** The matcher of the group holding the entry, as found (doctor checks PreToolUse covers `*`). */
  matcher: unknown;
  entry: Record<string, unknown>;
}

/**
 * agent-sre entries found on any event. Tolerates any shape: doctor runs this on files init would
 * refuse to touch. Pass the command you expect to also recognise an install whose path does not
 * mention agent-sre.
 */
export function findOurHooks(settings: unknown, current?: { command: string; args: string[] }): OurHook[] {
  if (!isPlainObject(settings) || !isPlainObject(settings.hooks)) return [];
  const found: OurHook[] = [];
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) continue;
    for (const group of groups) {
      if (!isPlainObject(group) || !Array.isArray(group.hooks)) continue;
      for (const entry of group.hooks) {
        if (isPlainObject(entry) && isOurEntry(entry, current))
          found.push({ event, matcher: group.matcher, entry });
      }
    }
  }
  return found;
}
