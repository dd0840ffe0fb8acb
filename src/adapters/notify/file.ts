// The file channel: one JSON line per page, appended to a file in the project (default
// .agent-sre/pages.jsonl). Useful as a zero-setup default, for tests, and as a record beside real pagers.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Page } from '../../core/incidents/types.ts';
import type { Channel } from '../../ports.ts';
import { type ChannelDeps, type ConfigOf, neverThrows, pageContent, redactPage, scrub } from './http.ts';

export const FILE_MIN_INTERVAL_MS = 0;

// Errors no retry will fix: the path is wrong or not ours. Anything else (ENOSPC, EIO, EMFILE) may pass.
// EEXIST comes from a recursive mkdir only when a file sits where a directory should be.
const PERMANENT = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'EEXIST']);

export function createFileChannel(name: string, config: ConfigOf<'file'>, deps: ChannelDeps): Channel {
  const path = resolve(deps.projectDir, config.path);
  const now = deps.now ?? Date.now;
  return {
    name,
    type: 'file',
    minIntervalMs: config.minIntervalMs ?? FILE_MIN_INTERVAL_MS,
    send: neverThrows(async (page) => {
      const line = `${JSON.stringify(fileRecord(name, redactPage(page), now()))}\n`;
      try {
        mkdirSync(dirname(path), { recursive: true });
        // One write per line with O_APPEND: the kernel places each write at the end of the file, so lines
        // from concurrent writers (several hook processes) never interleave.
        appendFileSync(path, line, { encoding: 'utf8' });
        return { status: 'delivered' };
      } catch (error) {
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
