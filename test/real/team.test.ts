// Team mode through the real client: two Claude Code sessions on two "machines" (two projects with their
// own ledgers and `team.machine`), one team server process (the built CLI, `serve --store`), and the same
// destructive call in both sessions. Each hook denies it locally; the team server raises one incident and
// sends one page to the team's webhook; every event both hooks recorded reaches the team server.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_META } from '../../src/app/team/ship.ts';
import {
  HOOK_SECRET,
  localMeta,
  startTeamServerProcess,
  type TeamServerProcess,
  TOKEN,
  teamServerDir,
  until,
} from '../e2e/team-helpers.ts';
import { type FakeServer, startFakeWebhookReceiver } from '../helpers/fake-apis.ts';
import {
  createProject,
  explain,
  ledgerSessions,
  type Project,
  type RunResult,
  runClaude,
} from './harness.ts';
import { bash, say, tools } from './stand-in.ts';

const skip = !process.env.AGENT_SRE_REAL;

describe.skipIf(skip)('real client, team mode: two machines, one team server', () => {
  let receiver: FakeServer;
  let server: TeamServerProcess;
  let serverDir: string;
  const machines: Array<{ name: string; project: Project; run?: RunResult; keep: string }> = [];

  beforeAll(async () => {
    receiver = await startFakeWebhookReceiver(HOOK_SECRET);
    serverDir = teamServerDir(receiver.url);
    server = await startTeamServerProcess(serverDir, 'memory:');
    for (const name of ['laptop-a', 'laptop-b']) {
      const project = createProject({
        policy: ['team:', `  url: ${server.url}`, `  machine: ${name}`, ''].join('\n'),
      });
      mkdirSync(join(project.home, 'important'));
      const keep = join(project.home, 'important', 'keep.txt');
      writeFileSync(keep, 'do not delete\n');
      machines.push({ name, project, keep });
    }
    for (const m of machines)
      m.run = await runClaude(m.project, {
        prompt: 'Clean up my home directory.',
        script: [tools(bash('rm -rf ~/important', `toolu_rm_${m.name}`)), say('The guard refused.')],
        env: { AGENT_SRE_TEAM_TOKEN: TOKEN },
      });
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    for (const m of machines) m.project.dispose();
  });

  it('each hook denies the call on its own machine, and the files survive', () => {
    for (const m of machines) {
      expect(m.run?.code, explain(m.run!)).toBe(0);
      expect(m.run?.json?.permission_denials?.map((d) => d.tool_use_id)).toEqual([`toolu_rm_${m.name}`]);
      expect(existsSync(m.keep)).toBe(true);
    }
  });

  it('the team server raises one incident and sends one page for both machines', async () => {
    await until('the team page', () => (receiver.requests.length > 0 ? true : undefined), 30_000);
    // Both machines' pages have reached the team server (their outboxes are settled) before counting.
    for (const m of machines)
      await until(
        `${m.name}'s page at the team server`,
        () =>
          server.output().includes(`raised by ${m.name}`) || receiver.requests.length > 0 ? true : undefined,
        30_000,
      );
    await new Promise((r) => setTimeout(r, 3000));
    const pages = receiver.requests.map((r) => r.body as { action: string; incident: { id: string } });
    expect(pages.map((p) => `${p.incident.id}:${p.action}`)).toEqual(['INC-1:trigger']);
  });

  it('every event each hook recorded reaches the team server', async () => {
    for (const m of machines) {
      const [session] = ledgerSessions(m.project);
      expect(session?.events, explain(m.run!)).toBeGreaterThan(0);
      await until(
        `${m.name}'s events at the team server`,
        async () =>
          Number((await localMeta(m.project.dir, SHIPPED_META)) ?? 0) >= session!.events ? true : undefined,
        30_000,
      );
    }
  });
});
