// The process-facing half of judging: where home, temp and the project are, and reading scripts.
import { readFileSync, statSync } from 'node:fs';
import { parseBash } from '../adapters/shell/tree-sitter.ts';
import type { JudgeContext } from '../core/types.ts';

/** Scripts larger than this are not read; the call is judged without their content. */
export const MAX_SCRIPT_BYTES = 512 * 1024;

export interface Environment {
  home: string;
  tempDirs: string[];
}

export function processEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const home = env.HOME || env.USERPROFILE || '/root';
  const temps = new Set(['/tmp', '/var/tmp', '/private/tmp']);
  if (env.TMPDIR) temps.add(env.TMPDIR.replace(/\/+$/, ''));
  return { home: home.replace(/\/+$/, '') || '/', tempDirs: [...temps] };
}

export function readScriptFromDisk(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_SCRIPT_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function createJudgeContext(
  projectDir: string,
  environment: Environment,
  protectedBranches: readonly string[],
  readScript: ((p: string) => string | undefined) | undefined = readScriptFromDisk,
): JudgeContext {
  return {
    projectDir: projectDir.replace(/\/+$/, '') || '/',
    home: environment.home,
    tempDirs: environment.tempDirs,
    readScript,
    parseShell: parseBash,
    protectedBranches,
  };
}
