// A suite file (evals/<name>.yaml) -> a validated suite, or its problems with file, line and key.
import { LineCounter, parseDocument } from 'yaml';
import type { GoldenSuite } from '../core/drift/types.ts';
import { goldenSuiteFileSchema } from './golden-schema.ts';
import type { PolicyProblem } from './load.ts';

/** The line of the deepest node on `path` that exists. */
function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: Array<string | number>) {
  for (let n = path.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as { range?: number[] } | null;
    if (node?.range) {
      const pos = lc.linePos(node.range[0]!);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

export function parseSuiteFile(
  text: string,
  file: string,
  defaultId: string,
): { ok: true; suite: GoldenSuite } | { ok: false; problems: PolicyProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          key: '',
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    };
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (err) {
    // An alias to an anchor that is not there is no syntax error to the parser, but toJS refuses it.
    return { ok: false, problems: [{ file, line: 1, column: 1, key: '', message: (err as Error).message }] };
  }
  const parsed = goldenSuiteFileSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        if (issue.code === 'unrecognized_keys' && issue.keys[0]) path.push(issue.keys[0]);
        return { file, ...lineOf(doc, lc, path), key: path.join('.'), message: issue.message };
      }),
    };
  const id = parsed.data.id ?? defaultId;
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
  return { ok: true, suite: { ...parsed.data, id } };
}
