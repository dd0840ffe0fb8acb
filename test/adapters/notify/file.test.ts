// The JSONL file channel: the record shape, where the file goes, which errors retry, and whole lines when
// several processes append at once (each hook invocation is its own process).
import { spawn } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileChannel } from '../../../src/adapters/notify/file.ts';
import { leakyPage, makePage, SECRET_KEY_ID, SECRET_PASSWORD, T0 } from '../../contracts/channel.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;
const make = (path = '.agent-sre/pages.jsonl') =>
  createFileChannel('log', { type: 'file', path }, { env: {}, projectDir: dir, now: () => T0 + 5_000 });
const lines = (path = join(dir, '.agent-sre', 'pages.jsonl')) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-sre-file-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('file channel', () => {
  it('appends one JSON object per page with every documented field', async () => {
    const page = makePage('trigger', { recipient: 'alice' });
    expect(await make().send(page, undefined)).toEqual({ status: 'delivered' });
    expect(await make().send(makePage('resolve'), undefined)).toEqual({ status: 'delivered' });
    const text = readFileSync(join(dir, '.agent-sre', 'pages.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const [first, second] = lines();
    expect(first).toEqual({
      at: '2026-05-12T02:14:12.000Z',
      channel: 'log',
      action: 'trigger',
      key: 'INC-7/test-channel/trigger',
      incidentId: 'INC-7',
      dedupKey: 'tier4.denied/acme-api/sess-42/git.force-push',
      severity: 'SEV2',
      title: page.title,
      body: page.body,
      fields: page.fields,
      instructions: page.instructions,
      recipient: 'alice',
      project: '/work/acme-api',
      sessionId: 'sess-42',
      createdAt: '2026-05-12T02:14:07.000Z',
    });
    expect(second).toMatchObject({ action: 'resolve', key: 'INC-7/test-channel/resolve' });
  });

  it('resolves a relative path against the project and honours an absolute one', async () => {
    await make('logs/deep/pages.jsonl').send(makePage('trigger'), undefined);
    expect(lines(join(dir, 'logs', 'deep', 'pages.jsonl'))).toHaveLength(1);
    const abs = join(dir, 'elsewhere', 'p.jsonl');
    await make(abs).send(makePage('trigger'), undefined);
    expect(lines(abs)).toHaveLength(1);
  });

  it('redacts secret-looking text before it reaches the disk', async () => {
    await make().send(leakyPage('trigger'), undefined);
    const text = readFileSync(join(dir, '.agent-sre', 'pages.jsonl'), 'utf8');
    expect(text).not.toContain(SECRET_KEY_ID);
    expect(text).not.toContain(SECRET_PASSWORD);
  });

  it('writes pages 0600 in a 0700 state directory, and tightens an old 0644 file', async () => {
    await make().send(makePage('trigger'), undefined);
    const file = join(dir, '.agent-sre', 'pages.jsonl');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.agent-sre')).mode & 0o777).toBe(0o700);
    chmodSync(file, 0o644);
    chmodSync(join(dir, '.agent-sre'), 0o755);
    await make().send(makePage('resolve'), undefined);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.agent-sre')).mode & 0o777).toBe(0o700);
  });

  it('refuses a link at pages.jsonl or at .agent-sre, and leaves the target alone', async () => {
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'precious');
    mkdirSync(join(dir, '.agent-sre'));
    symlinkSync(target, join(dir, '.agent-sre', 'pages.jsonl'));
    const linked = await make().send(makePage('trigger'), undefined);
    expect(linked).toMatchObject({ status: 'failed', error: expect.stringContaining('symbolic link') });
    expect(readFileSync(target, 'utf8')).toBe('precious');
    rmSync(join(dir, '.agent-sre'), { recursive: true });
    const elsewhere = mkdtempSync(join(tmpdir(), 'agent-sre-elsewhere-'));
    try {
      symlinkSync(elsewhere, join(dir, '.agent-sre'));
      const r = await make().send(makePage('trigger'), undefined);
      expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('symbolic link') });
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('retries a full disk, fails a path that is a directory or under a file', async () => {
    mkdirSync(join(dir, 'a'));
    const enospc = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const fullDisk = createFileChannel(
      'log',
      { type: 'file', path: 'a/full.jsonl' },
      { env: {}, projectDir: dir },
      enospc,
    );
    const full = await fullDisk.send(makePage('trigger'), undefined);
    expect(full).toEqual({ status: 'retry', error: expect.stringContaining('ENOSPC') });
    mkdirSync(join(dir, 'a', 'dir.jsonl'));
    expect(await make('a/dir.jsonl').send(makePage('trigger'), undefined)).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('EISDIR'),
    });
    writeFileSync(join(dir, 'plain'), '');
    expect((await make('plain/pages.jsonl').send(makePage('trigger'), undefined)).status).toBe('failed');
  });
});

// Each writer is a separate node process running the bundled adapter; lines are ~20 KB, well past PIPE_BUF,
// so only the single O_APPEND write per line keeps them whole.
const WRITERS = 4;
const PER_WRITER = 60;
const WRITER = `
import { createFileChannel } from './file.mjs';
const [dir, id, count] = process.argv.slice(2);
const channel = createFileChannel('log', { type: 'file', path: 'pages.jsonl' }, { env: {}, projectDir: dir });
for (let i = 0; i < Number(count); i++) {
  const r = await channel.send({
    key: id + '/' + i, channel: 'log', action: 'trigger', incidentId: 'INC-' + id, dedupKey: 'd' + id,
    severity: 'SEV3', title: 'writer ' + id + ' page ' + i, body: String(id).repeat(20000), fields: [],
    instructions: [], recipient: null, project: dir, sessionId: null, createdAt: 0,
  }, undefined);
  if (r.status !== 'delivered') throw new Error(JSON.stringify(r));
}
`;

it('keeps every line whole when several processes append at once', { timeout: 60_000 }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'agent-sre-file-mp-'));
  try {
    await build({
      entryPoints: [join(ROOT, 'src/adapters/notify/file.ts')],
      outfile: join(work, 'file.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
    });
    writeFileSync(join(work, 'writer.mjs'), WRITER);
    const runs = Array.from({ length: WRITERS }, (_, id) => {
      const child = spawn(process.execPath, [join(work, 'writer.mjs'), dir, String(id), String(PER_WRITER)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (c: Buffer) => {
        err += c;
      });
      return new Promise<void>((resolve, reject) =>
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${id}: ${err}`)))),
      );
    });
    await Promise.all(runs);
    const records = lines(join(dir, 'pages.jsonl')); // throws on a torn line
    expect(records).toHaveLength(WRITERS * PER_WRITER);
    for (let id = 0; id < WRITERS; id++) {
      const mine = records.filter((r) => r.incidentId === `INC-${id}`);
      expect(mine.map((r) => r.key)).toEqual(Array.from({ length: PER_WRITER }, (_, i) => `${id}/${i}`));
      expect(mine.every((r) => r.body === String(id).repeat(20000))).toBe(true);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
