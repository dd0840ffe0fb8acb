// The file channel: one JSON line per page, appended to a file in the project (default
// .agent-sre/pages.jsonl). Useful as a zero-setup default, for tests, and as a record beside real pagers.
// Pages carry what the agent tried, so the file is private (0600) and never written through a link: the
// guard often runs as root, where following a planted link would append to any file on the system.
import { lstatSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Page } from '../../core/incidents/types.ts';
import type { Channel } from '../../ports.ts';
import { appendPrivate, ensurePrivateDir, UnsafePathError } from '../fs/private.ts';
import { type ChannelDeps, type ConfigOf, neverThrows, pageContent, redactPage, scrub } from './http.ts';

export const FILE_MIN_INTERVAL_MS = 0;

// Errors no retry will fix: the path is wrong or not ours. Anything else (ENOSPC, EIO, EMFILE) may pass.
// EEXIST comes from a recursive mkdir only when a file sits where a directory should be.
const PERMANENT = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'EEXIST']);

/**
 * `append` is the one write; tests swap it to meet a full disk, which can no longer be faked with a link to
 * /dev/full now that links are refused.
 */
export function createFileChannel(
  name: string,
  config: ConfigOf<'file'>,
  deps: ChannelDeps,
  append: (path: string, line: string) => void = appendPrivate,
): Channel {
  const path = resolve(deps.projectDir, config.path);
  const now = deps.now ?? Date.now;
  return {
    name,
    type: 'file',
    minIntervalMs: config.minIntervalMs ?? FILE_MIN_INTERVAL_MS,
    send: neverThrows(async (page) => {
      const line = `${JSON.stringify(fileRecord(name, redactPage(page), now()))}\n`;
      try {
        preparePageDir(dirname(path), deps.projectDir);
        // One write per line with O_APPEND: the kernel places each write at the end of the file, so lines
        // from concurrent writers (several hook processes) never interleave.
        append(path, line);
        return { status: 'delivered' };
      } catch (error) {
        if (error instanceof UnsafePathError)
          return { status: 'failed', error: `cannot append to ${config.path}: ${error.message}` };
        const code = (error as NodeJS.ErrnoException)?.code ?? '';
        const message = scrub(`cannot append to ${config.path}: ${(error as Error)?.message ?? error}`, {
          secrets: [],
        });
        return PERMANENT.has(code)
          ? { status: 'failed', error: message }
          : { status: 'retry', error: message };
      }
    }),
  };
}

/**
 * A directory we make, and the project's state directory, are private (0700, ours, no link). A directory
 * the user named that already exists is theirs: left as it is, though the file in it is still private.
 */
function preparePageDir(dir: string, projectDir: string): void {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st || resolve(dir) === resolve(projectDir, '.agent-sre')) ensurePrivateDir(dir);
  else if (st.isSymbolicLink())
    throw new UnsafePathError(`${dir} is a symbolic link; agent-sre will not follow it`);
}

export function fileRecord(channel: string, page: Page, atMs: number) {
  return {
    at: new Date(atMs).toISOString(),
    channel,
    action: page.action,
    key: page.key,
    incidentId: page.incidentId,
    dedupKey: page.dedupKey,
    severity: page.severity,
    title: page.title,
    ...pageContent(page),
  };
}
