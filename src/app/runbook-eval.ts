// Parse, lint and compile the runbook: Markdown parsing and the rules over it. Built as a file of its own
// (dist/runbook-eval.cjs) that the hook loads only when the runbook changed since it was last cached.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../adapters/markdown/parse.ts';
import { type CompiledRunbook, compileRunbook } from '../core/runbook/compile.ts';
import { lintRunbooks } from '../core/runbook/lint.ts';

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

export interface RunbookEvaluation {
  errors: number;
  /** The first lint error as `file:line: message`. */
  firstError: string | null;
  compiled: CompiledRunbook;
}

/** `files` are [name, text] at the project root. */
export function evaluateRunbookFiles(
  projectDir: string,
  home: string,
  files: ReadonlyArray<readonly [string, string]>,
): RunbookEvaluation {
  const docs = files.map(([name, text]) => parseRunbook(text, name, join(projectDir, name)));
  const errors = lintRunbooks(docs, { projectDir, home, exists }).filter((f) => f.severity === 'error');
  const first = errors[0];
  return {
    errors: errors.length,
    firstError: first ? `${first.file}:${first.line}: ${first.message}` : null,
    compiled: compileRunbook(docs, { projectDir }),
  };
}
