// Judge tool calls in-process against the embedded default policy, in the corpus's fixed world:
// project /work/proj, home /home/dev, temp /tmp and /var/tmp.
import { parseBash } from '../../src/adapters/shell/tree-sitter.ts';
import { parseYaml } from '../../src/adapters/yaml.ts';
import { defaultPolicyFile, loadPolicy } from '../../src/config/load.ts';
import { judge } from '../../src/core/judge.ts';
import { compilePolicy } from '../../src/core/policy/evaluate.ts';
import type { Decision, GuardLocations, JudgeContext } from '../../src/core/types.ts';

export const WORLD = { projectDir: '/work/proj', home: '/home/dev', tempDirs: ['/tmp', '/var/tmp'] };

const base = loadPolicy(undefined, '<default>');
if (!base.ok) throw new Error('default policy invalid');
defaultPolicyFile();
export const COMPILED = compilePolicy(base.policy, WORLD.home);

export function context(files: Record<string, string> = {}): JudgeContext {
  return { ...WORLD, readScript: (p) => files[p], parseShell: parseBash, parseYaml, protectedBranches: [] };
}

/**
 * Where the guard is installed in the corpus's world: in the project's node_modules (the default),
 * globally, or as a clone in the home directory. A corpus case picks one with `guard`.
 */
export const GUARD_INSTALLS: Record<'project' | 'global' | 'clone', GuardLocations> = {
  project: { installDir: '/work/proj/node_modules/agent-sre', userDir: '/home/dev/.config/agent-sre' },
  global: { installDir: '/usr/local/lib/node_modules/agent-sre', userDir: '/home/dev/.config/agent-sre' },
  clone: { installDir: '/home/dev/src/agent-sre', userDir: '/home/dev/.config/agent-sre' },
};

/** The context a corpus case is judged in: its files on disk and its guard install. */
export function caseContext(c: { files?: Record<string, string>; guard?: string }): JudgeContext {
  const guard = GUARD_INSTALLS[(c.guard ?? 'project') as keyof typeof GUARD_INSTALLS];
  if (!guard) throw new Error(`unknown guard install "${c.guard}"`);
  return { ...context(c.files), guard };
}

export function decide(
  tool: string,
  input: unknown,
  opts: { cwd?: string; files?: Record<string, string> } = {},
): Decision {
  return judge({ tool, input, cwd: opts.cwd ?? WORLD.projectDir }, context(opts.files), COMPILED);
}

export function bash(command: string, opts: { cwd?: string; files?: Record<string, string> } = {}): Decision {
  return decide('Bash', { command }, opts);
}

// The bench times redaction of long inputs through this module too.
export { redactedJson } from '../../src/core/redact.ts';
