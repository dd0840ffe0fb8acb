// Reading and merging the JSON hook configs of Codex, Gemini CLI, Cursor and Copilot: the same three-level
// `{ hooks: { Event: [ { matcher?, hooks: [entry] } ] } }` shape (Cursor and Copilot: one level less,
// `{ hooks: { event: [entry] } }`). agent-sre's entries are found by their command, replaced, and put last;
// every other hook and key is kept as it was. A file whose parts we touch have another shape is refused,
// not rewritten: the agent would skip a config it cannot load, and the guard with it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Agent, ourHookAgent } from './command.ts';

export type Json = Record<string, unknown>;

export class WiringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WiringError';
  }
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ConfigFile {
  path: string;
  /** Where to write: a symlinked file is updated at its target. */
  realPath: string;
  raw: string;
  value: Json;
}

/** The file parsed, undefined when absent; invalid JSON or a non-object throws (left untouched). */
export function readJsonConfig(file: string): ConfigFile | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WiringError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  const text = raw.replace(/^\uFEFF/, '');
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new WiringError(
        `${file} is not valid JSON (${(err as Error).message}). agent-sre left it untouched; fix it and run init again.`,
      );
    }
  }
  if (!isObject(value))
    throw new WiringError(`${file} holds ${describe(value)}, not a JSON object; fix it by hand.`);
  return { path: file, realPath: fs.realpathSync(file), raw, value };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** One event's wanted entry: its matcher group (three-level files) and the entry itself. */
export interface WantedHook {
  event: string;
  matcher?: string;
  entry: Json;
}

/** The `hooks` object, checked where we touch it. */
function hooksOf(doc: Json, file: string): Json {
  const hooks = doc.hooks ?? {};
  if (!isObject(hooks))
    throw new WiringError(`${file}: "hooks" is ${describe(hooks)}, expected an object; fix it by hand.`);
  return hooks;
}

const isOurs = (entry: unknown, agent: Agent) =>
  isObject(entry) && (ourHookAgent(entry.command) === agent || ourHookAgent(entry.bash) === agent);

/**
 * Codex and Gemini: `hooks.<Event>` is a list of matcher groups, each with `hooks: [entry]`. Our entries
 * are removed wherever they are (a group left empty goes with them) and one group per wanted event is
 * appended.
 */
export function mergeGrouped(doc: Json, file: string, agent: Agent, wanted: WantedHook[]): Json {
  const hooks = { ...hooksOf(doc, file) };
  for (const [event, groups] of Object.entries(hooks)) {
    if (!Array.isArray(groups)) {
      if (wanted.some((w) => w.event === event))
        throw new WiringError(
          `${file}: "hooks.${event}" is ${describe(groups)}, expected an array; fix it by hand.`,
        );
      continue;
    }
    const kept: unknown[] = [];
    for (const g of groups) {
      if (!isObject(g) || !Array.isArray(g.hooks)) {
        kept.push(g);
        continue;
      }
      const others = g.hooks.filter((e) => !isOurs(e, agent));
      if (others.length === g.hooks.length) kept.push(g);
      else if (others.length > 0) kept.push({ ...g, hooks: others });
    }
    if (kept.length > 0) hooks[event] = kept;
    else delete hooks[event];
  }
  for (const w of wanted) {
    const group: Json = { ...(w.matcher === undefined ? {} : { matcher: w.matcher }), hooks: [w.entry] };
    hooks[w.event] = [...((hooks[w.event] as unknown[] | undefined) ?? []), group];
  }
  return { ...doc, hooks };
}

/** Cursor and Copilot: `hooks.<event>` is a flat list of entries. */
export function mergeFlat(doc: Json, file: string, agent: Agent, wanted: WantedHook[]): Json {
  const hooks = { ...hooksOf(doc, file) };
  for (const [event, entries] of Object.entries(hooks)) {
    if (!Array.isArray(entries)) {
      if (wanted.some((w) => w.event === event))
        throw new WiringError(
          `${file}: "hooks.${event}" is ${describe(entries)}, expected an array; fix it by hand.`,
        );
      continue;
    }
    const kept = entries.filter((e) => !isOurs(e, agent));
    if (kept.length > 0) hooks[event] = kept;
    else delete hooks[event];
  }
  for (const w of wanted) hooks[w.event] = [...((hooks[w.event] as unknown[] | undefined) ?? []), w.entry];
  return { ...doc, hooks };
}

/** Our entries in a file of either shape, by event (doctor reads files init would refuse to touch). */
export function findOurEntries(
  doc: unknown,
  agent: Agent,
): { event: string; matcher?: unknown; entry: Json }[] {
  if (!isObject(doc) || !isObject(doc.hooks)) return [];
  const found: { event: string; matcher?: unknown; entry: Json }[] = [];
  for (const [event, list] of Object.entries(doc.hooks)) {
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (isOurs(item, agent)) found.push({ event, entry: item as Json });
      else if (isObject(item) && Array.isArray(item.hooks))
        for (const e of item.hooks)
          if (isOurs(e, agent)) found.push({ event, matcher: item.matcher, entry: e as Json });
    }
  }
  return found;
}

/** Temp file in the same directory + rename, keeping the old file's mode: the agents watch these files. */
export function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}-${Date.now()}`);
  let mode = 0o644;
  try {
    mode = fs.statSync(file).mode & 0o777;
  } catch {
    // a new file
  }
  try {
    fs.writeFileSync(tmp, content, { mode, flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** A copy of the old content next to the file, never over an earlier one. */
export function backupFile(file: string, raw: string, now: Date): string {
  const stamp = now.toISOString().replace(/:/g, '');
  for (let n = 0; ; n++) {
    const candidate = `${file}.bak-${stamp}${n === 0 ? '' : `-${n}`}`;
    try {
      fs.writeFileSync(candidate, raw, { flag: 'wx' });
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
