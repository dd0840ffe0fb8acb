// The per-user secret: 32 random bytes in agent-sre's own directory under the user's config dir
// (~/.config/agent-sre/secret, 0600 in a 0700 directory), outside every project. It authenticates the
// launcher to the hook daemon and the HTTP server, and MACs a human's answers in the ledger. The policy
// refuses every tool call that touches this directory, so the agent can use the guard but never speak
// for it.
import { join } from 'node:path';
import { requireBuiltin } from '../builtin.ts';
import { createPrivateExclusive, ensurePrivateDir, readPrivate, UnsafePathError } from './private.ts';

export const SECRET_FILE = 'secret';

/** agent-sre's per-user directory: `$XDG_CONFIG_HOME/agent-sre`, else `~/.config/agent-sre`. */
export function userDir(env: { XDG_CONFIG_HOME?: string | undefined; HOME?: string | undefined }): string {
  const base = env.XDG_CONFIG_HOME?.startsWith('/')
    ? env.XDG_CONFIG_HOME
    : join(env.HOME || '/root', '.config');
  return join(base, 'agent-sre');
}

function parse(path: string, buf: Buffer): Buffer {
  const hex = buf.toString('utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new UnsafePathError(`${path} is not an agent-sre secret`);
  return Buffer.from(hex, 'hex');
}

/** The user's secret, made on first use. Throws (never returns a weak default) when it is unusable. */
export function loadUserSecret(dir: string, opts: { create?: boolean } = {}): Buffer | undefined {
  const path = join(dir, SECRET_FILE);
  if (opts.create) ensurePrivateDir(dir);
  const existing = readPrivate(path, 4096);
  if (existing) return parse(path, existing);
  if (!opts.create) return undefined;
  const { randomBytes } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  // O_EXCL: two processes making it at once agree on whichever landed first.
  createPrivateExclusive(path, `${randomBytes(32).toString('hex')}\n`);
  const made = readPrivate(path, 4096);
  if (!made) throw new UnsafePathError(`${path} vanished right after it was created`);
  return parse(path, made);
}
