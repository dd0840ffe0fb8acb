// Argument scanning shared by the infra recognizers. These run on every exec of a known CLI, so they
// walk argv in place and only allocate when a caller asks for a list.

/** Options that take a value as the next argument, by exact spelling (`-n`, `--namespace`). */
export type ValueFlags = ReadonlySet<string>;

export const NO_VALUES: ValueFlags = new Set<string>();

/** Built once at module load from a space-separated list. */
export function valueFlags(spec: string): ValueFlags {
  return new Set(spec.split(' ').filter((s) => s !== ''));
}

export function union(...sets: ValueFlags[]): ValueFlags {
  const out = new Set<string>();
  for (const s of sets) for (const v of s) out.add(v);
  return out;
}

function isOption(a: string): boolean {
  return a.length > 1 && a.charCodeAt(0) === 45;
}

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * getopt clusters: in `-tAc SQL` the value option `-c` ends the cluster and takes the next argument;
 * in `-Upostgres` or `-h127.0.0.1` the value is attached. Returns the index of the first letter that
 * is a value option (in `values` or `names`), or -1.
 */
function clusterValueAt(a: string, values: ValueFlags, names?: readonly string[]): number {
  if (a.length < 3 || a.charCodeAt(1) === 45) return -1;
  for (let k = 1; k < a.length; k++) {
    if (!isAlnum(a.charCodeAt(k))) return -1;
    const f = `-${a[k]}`;
    if (values.has(f) || names?.includes(f)) return k;
  }
  return -1;
}

/** The option at `argv[i]` also consumes `argv[i + 1]`. */
function takesNext(a: string, values: ValueFlags): boolean {
  if (values.has(a)) return true;
  const k = clusterValueAt(a, values);
  return k > 0 && k === a.length - 1;
}

/**
 * Index of the first positional at or after `from`, or -1. `--opt=value` and `-xVALUE` are one token;
 * options listed in `values` also consume the next one. After `--` the next argument is positional.
 */
export function nextPositional(argv: readonly string[], from: number, values: ValueFlags): number {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (!isOption(a)) return i;
    if (takesNext(a, values)) i++;
  }
  return -1;
}

/**
 * Index of the first positional that `verbs` knows. Unknown positionals are stepped over rather than
 * ending the search: an unlisted global option that takes a value would otherwise hide the verb
 * behind its value (`kubectl --some-flag x delete pod y`) and let a destructive command pass untagged.
 */
export function findVerb(
  argv: readonly string[],
  values: ValueFlags,
  verbs: ReadonlyMap<string, unknown> | ReadonlySet<string>,
  from = 0,
): number {
  for (let i = nextPositional(argv, from, values); i >= 0; i = nextPositional(argv, i + 1, values)) {
    if (verbs.has(argv[i]!)) return i;
  }
  return -1;
}

/** A command spelled as groups then a verb (`compute instances delete`). */
export interface PathVerb<T> {
  /** Positionals before the verb. */
  path: string[];
  verb: string;
  value: T;
  index: number;
}

/** `verbs` by exact word, then by its first dash-separated word (`add-iam-policy-binding` -> add). */
export function verbLookup<T>(verbs: ReadonlyMap<string, T>, word: string): T | undefined {
  const exact = verbs.get(word);
  if (exact !== undefined) return exact;
  const dash = word.indexOf('-');
  return dash > 0 ? verbs.get(word.slice(0, dash)) : undefined;
}

/**
 * The first positional from `from` on that `verbs` knows, with the group words before it. The first
 * `groups` positionals are never taken as the verb: in `gcloud deploy releases delete`, `deploy` is
 * the Cloud Deploy group. Gives up after a few words, since a verb comes early in every such CLI.
 */
export function findPathVerb<T>(
  argv: readonly string[],
  from: number,
  values: ValueFlags,
  verbs: ReadonlyMap<string, T>,
  groups = 1,
): PathVerb<T> | undefined {
  const path: string[] = [];
  for (let i = nextPositional(argv, from, values); i >= 0; i = nextPositional(argv, i + 1, values)) {
    const w = argv[i]!;
    const value = path.length >= groups ? verbLookup(verbs, w) : undefined;
    if (value !== undefined) return { path, verb: w, value, index: i };
    path.push(w);
    if (path.length > 6) return undefined;
  }
  return undefined;
}

/** Up to `max` positionals from `from` on. */
export function positionals(argv: readonly string[], from: number, values: ValueFlags, max = 64): string[] {
  const out: string[] = [];
  for (
    let i = nextPositional(argv, from, values);
    i >= 0 && out.length < max;
    i = nextPositional(argv, i + 1, values)
  ) {
    out.push(argv[i]!);
  }
  return out;
}

/** The positional after index `at`, or '' (so callers can switch on it directly). */
export function positionalAfter(argv: readonly string[], at: number, values: ValueFlags): string {
  const i = nextPositional(argv, at + 1, values);
  return i < 0 ? '' : argv[i]!;
}

/** `--name` or `--name=value` appears at or after `from`, before any `--`. */
export function hasFlag(argv: readonly string[], names: readonly string[], from = 0): boolean {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (!isOption(a)) continue;
    for (const n of names) {
      if (a === n || (a.length > n.length && a.charCodeAt(n.length) === 61 && a.startsWith(n))) return true;
    }
  }
  return false;
}

const SHORT_CLUSTER_RE = /^-[A-Za-z0-9]+$/;

/** `-x` alone or inside a cluster of single-letter options (`-rfx`), before any `--`. */
export function hasShort(argv: readonly string[], letter: string, from = 0): boolean {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (a.length > 1 && a.charCodeAt(1) !== 45 && SHORT_CLUSTER_RE.test(a) && a.includes(letter)) return true;
  }
  return false;
}

/**
 * Every value given to one of `names`: `--name v`, `--name=v`, and for short names `-nv`, `-n=v` and
 * clusters (`-tAc v`). Values of the other options in `values` are skipped so they are not mistaken
 * for these.
 */
export function flagValues(
  argv: readonly string[],
  names: readonly string[],
  values: ValueFlags,
  from = 0,
): string[] {
  const out: string[] = [];
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (!isOption(a)) continue;
    if (names.includes(a)) {
      const v = argv[i + 1];
      if (v !== undefined) out.push(v);
      i++;
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0 && names.includes(a.slice(0, eq))) {
      out.push(a.slice(eq + 1));
      continue;
    }
    if (values.has(a)) {
      i++;
      continue;
    }
    const k = clusterValueAt(a, values, names);
    if (k < 0) continue;
    const rest = a.slice(k + 1);
    const hit = names.includes(`-${a[k]}`);
    if (rest === '') {
      if (hit && argv[i + 1] !== undefined) out.push(argv[i + 1]!);
      i++;
    } else if (hit) out.push(rest);
  }
  return out;
}

/** The last value given to one of `names` (command lines are last-wins), or undefined. */
export function flagValue(
  argv: readonly string[],
  names: readonly string[],
  values: ValueFlags,
  from = 0,
): string | undefined {
  const all = flagValues(argv, names, values, from);
  return all[all.length - 1];
}

/** `--dry-run`, `--dry-run=client|server`, `--dryrun`; `--dry-run=none|false` is a real run. */
export function isDryRun(argv: readonly string[], from = 0): boolean {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return false;
    if (a === '--dry-run' || a === '--dryrun') return true;
    if (a.startsWith('--dry-run=')) {
      const v = a.slice(10).toLowerCase();
      return v !== 'none' && v !== 'false';
    }
  }
  return false;
}

/** Part of the word is only known at run time (`$DATABASE_URL`, `$(...)`, backticks). */
export function isDynamic(s: string): boolean {
  return s.includes('$') || s.includes('`');
}

const LOOPBACK_RE = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|0:0:0:0:0:0:0:1|0\.0\.0\.0|[\w-]+\.localhost)?$/i;

/** A host that can only mean this machine: loopback names and addresses, or a unix socket path. */
export function isLocalHost(host: string): boolean {
  if (isDynamic(host)) return false;
  let h = host.trim();
  if (h.charCodeAt(0) === 91) {
    const end = h.indexOf(']');
    h = end > 0 ? h.slice(1, end) : h.slice(1);
  }
  // A path, an encoded path or an abstract socket: all name a socket on this machine.
  if (h.charCodeAt(0) === 47 || h.charCodeAt(0) === 64 || h.toLowerCase().startsWith('%2f')) return true;
  return LOOPBACK_RE.test(h);
}

/** `host:port` -> `host`, `[::1]:5432` -> `::1`; a bare IPv6 address is left whole. */
export function stripPort(h: string): string {
  if (h.charCodeAt(0) === 91) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colon = h.indexOf(':');
  return colon >= 0 && colon === h.lastIndexOf(':') ? h.slice(0, colon) : h;
}

const AUTHORITY_END_RE = /[/?#]/;
const HOST_PARAM_RE = /[?&]host=([^&#]*)/gi;

/**
 * Hosts a URL-style target names (`postgres://u:p@h1:5432,h2/db?host=/sock`, `redis://h`,
 * `mongodb+srv://cluster`), or undefined when `s` is not a URL. An empty authority (a socket) gives ''.
 */
export function uriHosts(s: string): string[] | undefined {
  const scheme = s.indexOf('://');
  if (scheme < 0) return undefined;
  const rest = s.slice(scheme + 3);
  const end = rest.search(AUTHORITY_END_RE);
  let authority = end < 0 ? rest : rest.slice(0, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  const hosts = authority.split(',').map(stripPort);
  // libpq lets `?host=` name the host (often a socket directory) instead of the authority.
  HOST_PARAM_RE.lastIndex = 0;
  for (let m = HOST_PARAM_RE.exec(s); m !== null; m = HOST_PARAM_RE.exec(s)) hosts.push(decodeHost(m[1]!));
  return hosts;
}

function decodeHost(h: string): string {
  try {
    return decodeURIComponent(h);
  } catch {
    return h;
  }
}
