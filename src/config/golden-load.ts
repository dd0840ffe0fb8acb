// A suite file (evals/<name>.yaml) -> a validated suite, or its problems with file, line and key.
import type { GoldenSuite } from '../core/drift/types.ts';
import { goldenSuiteFileSchema } from './golden-schema.ts';
import { type PolicyProblem, parseYamlWith } from './load.ts';

export function parseSuiteFile(
  text: string,
  file: string,
  defaultId: string,
): { ok: true; suite: GoldenSuite } | { ok: false; problems: PolicyProblem[] } {
  const parsed = parseYamlWith(goldenSuiteFileSchema, text, file);
  if (!parsed.ok) return parsed;
  const id = parsed.value.id ?? defaultId;
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(id))
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          column: 1,
          key: 'id',
          message: `the file name "${defaultId}" is not a suite id (lower-case words joined by . _ or -): give the suite an id`,
        },
      ],
    };
  return { ok: true, suite: { ...parsed.value, id } };
}
