// Validate a value against a JSON Schema for the `schema` acceptance check. zod is the validator; built as
// a file of its own (dist/json-schema.cjs) so the hook loads it only when such a check runs.
import { z } from 'zod';

export type SchemaResult = { ok: true } | { ok: false; issues: string[]; total: number };

/** Throws when the schema itself cannot be used (a keyword zod's JSON Schema import does not know). */
export function validateJsonSchema(schema: unknown, value: unknown, max = 8): SchemaResult {
  const validator = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  const r = validator.safeParse(value);
  if (r.success) return { ok: true };
  return {
    ok: false,
    total: r.error.issues.length,
    issues: r.error.issues
      .slice(0, max)
      .map((i) => `${i.path.length ? `$.${i.path.join('.')}` : '$'}: ${i.message}`),
  };
}
