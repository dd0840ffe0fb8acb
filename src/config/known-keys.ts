// The keys a strict object of a zod schema accepts at a path of the parsed value: what an unknown key in
// agent-sre.yaml is compared with to suggest the one that was meant. zod's unrecognized_keys issue names
// the unknown keys only.
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
  values?: unknown[];
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

/**
 * What a wrapper schema stands for (optional, default, lazy...; a pipe's input, which is the keys a user
 * writes), or null when `def` wraps nothing; undefined for a wrapper whose inner schema is missing.
 */
function unwrapped(def: Def): z.ZodType | undefined | null {
  if (WRAPPERS.has(def.type)) return def.innerType;
  if (def.type === 'pipe') return def.in;
  if (def.type === 'lazy') return def.getter?.();
  return null;
}

/** The object schemas `schema` can be for `value` (several for a union that does not discriminate). */
function objectsOf(schema: z.ZodType, value: unknown, depth = 0): Def[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  const inner = unwrapped(def);
  if (inner !== null) return inner ? objectsOf(inner, value, depth + 1) : [];
  switch (def.type) {
    case 'object':
      return [def];
    case 'intersection':
      return [def.left, def.right].flatMap((s) => (s ? objectsOf(s, value, depth + 1) : []));
    case 'union': {
      const all = (def.options ?? []).flatMap((s) => objectsOf(s, value, depth + 1));
      const tag = def.discriminator;
      const given = tag && isRecord(value) ? value[tag] : undefined;
      if (given === undefined) return all;
      // A discriminated union: the keys of the variant the value names, not of all of them.
      const chosen = all.filter((o) => {
        const t = o.shape?.[tag!];
        return t !== undefined && (defOf(t).values ?? []).includes(given);
      });
      return chosen.length > 0 ? chosen : all;
    }
    default:
      return [];
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema of the value at `key` under what `schema` is for `value`: its field, element or entry. */
function childSchemas(schema: z.ZodType, value: unknown, key: string | number, depth = 0): z.ZodType[] {
  if (depth > 20) return [];
  const def = defOf(schema);
  const inner = unwrapped(def);
  if (inner !== null) return inner ? childSchemas(inner, value, key, depth + 1) : [];
  switch (def.type) {
    case 'array':
      return def.element ? [def.element] : [];
    case 'record':
      return def.valueType ? [def.valueType] : [];
    case 'object':
      return def.shape && Object.hasOwn(def.shape, key) ? [def.shape[key]!] : [];
    case 'intersection':
    case 'union':
      return objectsOf(schema, value, depth + 1).flatMap((o) =>
        o.shape && Object.hasOwn(o.shape, key) ? [o.shape[key]!] : [],
      );
    default:
      return [];
  }
}

/** The keys accepted at `path` of `root` (the raw parsed YAML), or none when the path leads nowhere known. */
export function knownKeysAt(schema: z.ZodType, root: unknown, path: (string | number)[]): string[] {
  let schemas = [schema];
  let value = root;
  for (const key of path) {
    schemas = schemas.flatMap((s) => childSchemas(s, value, key));
    value =
      isRecord(value) || Array.isArray(value) ? (value as Record<string | number, unknown>)[key] : undefined;
  }
  const keys = schemas.flatMap((s) => objectsOf(s, value)).flatMap((o) => Object.keys(o.shape ?? {}));
  return [...new Set(keys)];
}
