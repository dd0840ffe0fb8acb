// Reading the team store through the built CLI: two machines ship into one team server on PostgreSQL,
// then `sessions --store`, `report --store` and the dashboard `serve --store` serves list both sessions
// with their machine and user. A machine whose ledger is replaced (integrity recovery: ids start at 1
// again) ships its new events as a new stream instead of having them dropped as duplicates.
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeWebhookReceiver } from '../helpers/fake-apis.ts';
import { describePg, usePgDatabase } from '../helpers/postgres.ts';
import { bashPre, ensureBuilt, runBin, runHook, tempProject } from './bin.ts';
import {
  HOOK_SECRET,
  localMeta,
  machine,
  startTeamServerProcess,
  type TeamServerProcess,
  teamServerDir,
  until,
} from './team-helpers.ts';

describePg('team store reads end to end', () => {
  const db = usePgDatabase();
  let receiver: FakeServer;
  let server: TeamServerProcess;
  let root: string;
  const made: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    receiver = await startFakeWebhookReceiver(HOOK_SECRET);
    const serverDir = teamServerDir(receiver.url);
    made.push(serverDir);
    server = await startTeamServerProcess(serverDir, db.url(), 0, [
      '--dashboard-port',
      '0',
      '--by',
      'oncall',
    ]);
    root = tempProject('agent-sre-team-reads-');
    made.push(root);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    for (const dir of made) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 300 });
  });

  interface SessionLine {
    session_id: string;
    machine: string;
    user: string;
    events: number;
  }
  const teamSessions = async (dir: string): Promise<SessionLine[]> => {
    const r = await runBin(['sessions', '--json', '--dir', dir], {
      env: { AGENT_SRE_TEAM_STORE: db.url(), CLAUDECODE: '' },
    });
    expect(r.stderr).toBe('');
    return r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SessionLine);
  };
  const call = (m: ReturnType<typeof machine>, session: string, command: string) =>
    runHook(bashPre(m.dir, session, command), m.dir, { env: m.env });

  it('sessions, report and the dashboard list both machines with their machine and user', async () => {
    const a = machine(root, 'laptop-a', server.url);
    const b = machine(root, 'laptop-b', server.url);
    expect((await call(a, 'sess-a', 'ls -la')).code).toBe(0);
    expect((await call(b, 'sess-b', 'ls -la')).code).toBe(0);
    const listed = await until('both sessions in the team store', async () => {
      const s = await teamSessions(a.dir);
      return s.length >= 2 ? s : undefined;
    });
    expect(listed.map((s) => [s.session_id, s.machine, s.user]).sort()).toEqual([
      ['sess-a', 'laptop-a', expect.any(String)],
      ['sess-b', 'laptop-b', expect.any(String)],
    ]);

    // The flag, too, and the table: MACHINE and USER columns.
    const table = await runBin(['sessions', '--store', db.url(), '--dir', a.dir], {
      env: { CLAUDECODE: '' },
    });
    expect(table.stdout).toMatch(/session\s+machine\s+user\s+status/);
    expect(table.stdout).toMatch(/sess-b\s+laptop-b\s/);

    const report = await runBin(['report', '--json', '--store', db.url(), '--dir', a.dir], {
      env: { CLAUDECODE: '' },
    });
    expect(report.code).toBe(0);
    const list = (JSON.parse(report.stdout) as { sessions: { list: Array<{ id: string; machine: string }> } })
      .sessions.list;
    expect(list.map((s) => `${s.id}@${s.machine}`).sort()).toEqual(['sess-a@laptop-a', 'sess-b@laptop-b']);

    const evidence = await runBin(['evidence', 'sess-b', '--store', db.url(), '--dir', a.dir], {
      env: { CLAUDECODE: '' },
    });
    expect(evidence.stdout.split('\n')[0]).toMatch(/^Session sess-b \(active\) on laptop-b as /);

    // The team server's dashboard: the same sessions, labelled.
    const link = /sign in as oncall[^:]*: (\S+)/.exec(server.output())?.[1];
    expect(link, server.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?t=/);
    const signed = await fetch(link!, { redirect: 'manual' });
    const cookie = (signed.headers.get('set-cookie') ?? '').split(';')[0]!;
    const state = await fetch(new URL('/api/state', link!), { headers: { cookie } });
    const views = ((await state.json()) as { sessions: Array<{ id: string; machine: string }> }).sessions;
    expect(views.map((s) => `${s.id}@${s.machine}`).sort()).toEqual(['sess-a@laptop-a', 'sess-b@laptop-b']);
  }, 120_000);

  it('a machine whose ledger was replaced ships its new events as a new stream', async () => {
    const c = machine(root, 'laptop-c', server.url);
    // Enough events that the new ledger's first ids are all at or below the old stream's high-water mark.
    for (let i = 0; i < 4; i++) expect((await call(c, 'sess-old', `ls ${i}`)).code).toBe(0);
    await until('the old ledger shipped', async () =>
      (await teamSessions(c.dir)).some((s) => s.session_id === 'sess-old' && s.events >= 4)
        ? true
        : undefined,
    );
    const shippedBefore = Number(await localMeta(c.dir, 'team.shipped'));
    expect(shippedBefore).toBeGreaterThanOrEqual(4);
    // Integrity recovery moves the truncated ledger aside and starts a fresh one, held until accepted.
    truncateSync(join(c.dir, '.agent-sre', 'ledger.db'), 0);
    await call(c, 'sess-held', 'ls held');
    const accept = await runBin(['ledger', 'accept', '--dir', c.dir], { env: { ...c.env, CLAUDECODE: '' } });
    expect(accept.code, accept.stderr).toBe(0);
    expect((await call(c, 'sess-new', 'ls new')).code).toBe(0);
    const fresh = await until('the new ledger ships into the team store', async () =>
      (await teamSessions(c.dir)).find((s) => s.session_id === 'sess-new'),
    );
    expect(fresh.machine).toBe('laptop-c');
    // The new ledger's cursor restarted: what it shipped were ids the old stream had already used.
    expect(Number(await localMeta(c.dir, 'team.shipped'))).toBeLessThanOrEqual(shippedBefore);
  }, 120_000);
});

describe('a team store that cannot be opened', () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it('is one line that names the server without the password, for the flag and the variable', async () => {
    const dir = tempProject('agent-sre-team-reads-bad-');
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
    try {
      const url = 'postgres://reader:s3cret-pw@127.0.0.1:1/agent_sre';
      for (const [args, env] of [
        [['sessions', '--store', url], {}],
        [['report', '--json'], { AGENT_SRE_TEAM_STORE: url }],
      ] as const) {
        const r = await runBin([...args, '--dir', dir], { env: { ...env, CLAUDECODE: '' } });
        expect(r.code).toBe(2);
        expect(r.stderr).toMatch(/cannot open the team store: .*127\.0\.0\.1:1\/agent_sre/);
        expect(r.stderr + r.stdout).not.toContain('s3cret-pw');
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      const other = await runBin(['sessions', '--store', 'mysql://u:s3cret-pw@h/db', '--dir', dir]);
      expect(other.stderr).toMatch(/--store takes postgres:/);
      expect(other.stderr).not.toContain('s3cret-pw');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
