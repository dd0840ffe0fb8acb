// The URL of a git remote, as configured (no network): `git config --get remote.<name>.url`.
import { runGit } from './log.ts';

export async function gitRemoteUrl(dir: string, name = 'origin', timeoutMs = 5_000): Promise<string | null> {
  const r = await runGit(dir, ['config', '--get', `remote.${name}.url`], { timeoutMs });
  const url = r.stdout.trim();
  return r.code === 0 && url !== '' ? url : null;
}
