// Where effects are collected while a tool call is taken apart, with the bounds that keep analysis
// finite whatever the input: nesting depth and a budget of effects, never wall-clock time.
import { globBase, guardMatch, pathTags, resolvePath, zoneOf } from '../paths.ts';
import type { WordValue } from '../shell/words.ts';
import type { Effect, JudgeContext, PathEffect, ShellNode } from '../types.ts';
import { reachesGuardServer } from './guard-server.ts';

export const MAX_DEPTH = 8;
export const MAX_EFFECTS = 2000;
export const MAX_SHELL_SOURCE = 256 * 1024;

export interface Scope {
  cwd: string;
  vars: Map<string, string | null>;
  depth: number;
  /** Tags every effect in this scope inherits (`privileged` under sudo, `remote` under ssh). */
  inherited: string[];
  /** Shell functions defined so far in this command line; they run when called. */
  functions?: Map<string, ShellNode>;
  /** `$@` inside a function body: the words it was called with. */
  positional?: WordValue[];
}

export interface Sink {
  ctx: JudgeContext;
  effects: Effect[];
  /** Globs a `find` produced, with the paths its `-prune` and `-not -path` leave out. */
  excluded?: Map<string, (p: string) => boolean>;
}

export function createSink(ctx: JudgeContext): Sink {
  return { ctx, effects: [] };
}

export function childScope(scope: Scope, extra: Partial<Scope> = {}): Scope {
  return { ...scope, vars: new Map(scope.vars), depth: scope.depth + 1, ...extra };
}

function push(sink: Sink, e: Effect): void {
  if (e.kind === 'net' && !e.tags.includes('guard') && reachesGuardServer(e, sink.ctx))
    e.tags = [...e.tags, 'guard'];
  if (sink.effects.length < MAX_EFFECTS) {
    sink.effects.push(e);
    return;
  }
  if (sink.effects.length === MAX_EFFECTS) {
    sink.effects.push({
      kind: 'opaque',
      why: `more than ${MAX_EFFECTS} effects`,
      tags: ['too-large'],
      origin: e.origin,
    });
  }
}

export function emit(sink: Sink, scope: Scope, e: Effect): void {
  if (scope.inherited.length > 0) e.tags = [...new Set([...e.tags, ...scope.inherited])];
  push(sink, e);
}

export function emitOpaque(sink: Sink, scope: Scope, why: string, tags: string[], origin: string): void {
  emit(sink, scope, { kind: 'opaque', why, tags, origin });
}

/**
 * A path effect. `raw` is the path as the shell would see it; `dynamic` marks a path with run-time
 * parts, which we resolve through its static prefix (`$X/y` has none: its zone is unknown).
 */
export function emitPath(
  sink: Sink,
  scope: Scope,
  kind: PathEffect['kind'],
  raw: string,
  tags: string[],
  origin: string,
  dynamic = false,
): void {
  const { ctx } = sink;
  let path: string;
  const allTags = [...tags];
  if (dynamic) {
    const cut = raw.search(/[$`]/);
    const prefix = cut < 0 ? raw : raw.slice(0, cut);
    allTags.push('dynamic');
    if (prefix === '') {
      // Nothing static to anchor on (`$DIR`, `"$X"/y`): the target is unknown.
      emit(sink, scope, { kind, path: raw, zone: 'outside', tags: [...allTags, 'unknown-path'], origin });
      return;
    }
    const dir = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    path = `${resolvePath(dir === '' ? '.' : dir, scope.cwd, ctx.home)}/*`.replace('//*', '/*');
  } else {
    path = resolvePath(raw, scope.cwd, ctx.home);
  }
  const zone = zoneOf(path, ctx);
  for (const t of pathTags(path, ctx, sink.excluded?.get(path))) if (!allTags.includes(t)) allTags.push(t);
  // Searching or archiving a whole tree above agent-sre's per-user dir reads its secret too.
  if (kind === 'read' && allTags.includes('recursive') && !allTags.includes('guard-secret')) {
    if (guardMatch(path, ctx).holdsSecret) allTags.push('guard-secret');
  }
  if (globBase(path) !== path) allTags.push('glob');
  emit(sink, scope, { kind, path, zone, tags: allTags, origin });
}

/** Shorten a command for `origin` fields: enough to recognise, never a whole heredoc. */
export function originOf(prefix: string, text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `${prefix}: ${oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine}`;
}
