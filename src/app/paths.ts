// Where this installation of agent-sre lives, so init can point Claude Code at it by absolute path.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'bin', 'agent-sre.js')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the agent-sre package root above ${from}`);
}

/** Exec form for Claude Code: node + the hook launcher, no shell and no npx start-up in between. */
export function hookCommand(): { command: string; args: string[] } {
  return {
    command: process.execPath,
    args: [join(packageRoot(), 'bin', 'agent-sre-hook.cjs'), 'hook', 'claude'],
  };
}
