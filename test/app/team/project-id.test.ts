import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTeamChannel } from '../../../src/adapters/notify/team.ts';
import { originOf } from '../../../src/app/team/origin.ts';
import { normalizeRemote, teamProjectId } from '../../../src/app/team/project-id.ts';
import type { Page } from '../../../src/core/incidents/types.ts';
import { makePage } from '../../contracts/channel.ts';
import { startTeamHarness, TEAM_TOKEN, type TeamHarness } from '../../server/team/harness.ts';

describe('normalizeRemote', () => {
  it.each([
    ['https://github.com/acme/app.git', 'github.com/acme/app'],
    ['https://x-access-token:ghp_secret@GitHub.COM/acme/app.git/', 'github.com/acme/app'],
    ['git@github.com:acme/app.git', 'github.com/acme/app'],
    ['GIT@GitHub.com:acme/app', 'github.com/acme/app'],
    ['ssh://git@github.com:22/acme/app.git', 'github.com/acme/app'],
    ['http://user:p%40ss@gitlab.example:8080/group/sub/app', 'gitlab.example/group/sub/app'],
    ['file:///srv/git/app.git', 'srv/git/app'],
    ['/srv/git/app.git', 'srv/git/app'],
    // Case in the path is the server's business (GitHub ignores it, others do not): kept.
    ['https://github.com/Acme/App', 'github.com/Acme/App'],
  ])('%s is %s', (url, id) => {
    expect(normalizeRemote(url)).toBe(id);
  });

  it('is null for what names no repository', () => {
    for (const url of ['', '   ', 'https://', 'a path/with space'])
      expect(normalizeRemote(url), url).toBeNull();
  });

  it('never keeps a credential', () => {
    expect(normalizeRemote('https://alice:hunter2@example.com/r.git')).not.toContain('hunter2');
    expect(normalizeRemote('https://tok3n@example.com/r')).not.toContain('tok3n');
  });
});

let root: string;
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
function repo(path: string, remote: string | null): string {
  const dir = join(root, path);
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q');
  if (remote) git(dir, 'remote', 'add', 'origin', remote);
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'agent-sre-project-id-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TEAM = { url: 'http://127.0.0.1:1', tokenEnv: 'TEAM_TOKEN', machine: 'm-test' };

describe('teamProjectId', () => {
  it('is team.project when set, else the origin remote, else the folder name', async () => {
    const withRemote = repo('one/app', 'https://tok@github.com/acme/app.git');
    expect(await teamProjectId(withRemote, { ...TEAM, project: 'acme-app' })).toBe('acme-app');
    expect(await teamProjectId(withRemote, TEAM)).toBe('github.com/acme/app');
    expect(await teamProjectId(repo('two/lonely', null), TEAM)).toBe('lonely');
    const plain = join(root, 'not-a-repo');
    mkdirSync(plain);
    expect(await teamProjectId(plain, TEAM)).toBe('not-a-repo');
  });

  it('falls back to the folder when git cannot say', async () => {
    expect(await teamProjectId('/x/y/app', TEAM, async () => Promise.reject(new Error('no git')))).toBe(
      'app',
    );
  });
});

describe('team incidents across clones', () => {
  let server: TeamHarness;
  const T0 = Date.parse('2026-05-12T10:00:00Z');
  beforeEach(async () => {
    server = await startTeamHarness({ now: () => T0 });
  });
  afterEach(() => server.close());

  // The same denial, as each checkout's own ledger names it (its path is in the dedup key's hash).
  const pageFrom = (dir: string, n: number): Page =>
    makePage('trigger', {
      incidentId: `INC-${n}`,
      channel: 'file',
      key: `INC-${n}/file/trigger`,
      dedupKey: `agent-sre/app~${n}/tier4.denied/s-${n}/git.force-push`,
      project: dir,
      sessionId: `s-${n}`,
    });

  async function send(dir: string, machine: string, n: number) {
    const team = { ...TEAM, url: server.url, machine };
    const origin = () => originOf(dir, team, {});
    const channel = createTeamChannel('file', team, { env: { TEAM_TOKEN }, origin });
    expect((await channel.send(pageFrom(dir, n), undefined)).status).toBe('delivered');
  }
  const incidents = () => server.store.transact(T0, (tx) => tx.incidents());

  it('two clones of one repository at different paths are one team incident', async () => {
    await send(repo('alice/work/app', 'https://github.com/acme/app.git'), 'laptop-a', 1);
    await send(repo('bob/src/checkout', 'git@GitHub.com:acme/app'), 'laptop-b', 2);
    const list = await incidents();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ alertCount: 2, project: 'github.com/acme/app' });
  });

  it('two repositories with the same folder name and different remotes stay apart', async () => {
    await send(repo('carol/app', 'https://github.com/acme/app.git'), 'laptop-c', 1);
    await send(repo('dave/app', 'https://github.com/other/app.git'), 'laptop-d', 2);
    expect((await incidents()).map((i) => i.project).sort()).toEqual([
      'github.com/acme/app',
      'github.com/other/app',
    ]);
  });
});
