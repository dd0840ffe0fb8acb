// The team channel passes the Channel contract against the real team API (in-process, loopback).
import { createTeamChannel } from '../../../src/adapters/notify/team.ts';
import { ORIGIN_A } from '../../app/team/local.ts';
import { testChannelContract } from '../../contracts/channel.ts';
import { startTeamHarness, TEAM_TOKEN } from './harness.ts';

testChannelContract('team', async () => {
  const server = await startTeamHarness();
  const team = { url: server.url, tokenEnv: 'AGENT_SRE_TEAM_TOKEN', machine: null };
  const make = (env: Record<string, string | undefined>) =>
    createTeamChannel('team', team, { env, origin: () => ORIGIN_A, timeoutMs: 2_000 });
  let closed = false;
  return {
    channel: make({ AGENT_SRE_TEAM_TOKEN: TEAM_TOKEN }),
    received: () =>
      server.bodies.map((b) => {
        const body = JSON.parse(b) as {
          origin: { machine: string };
          page: { action: never; incidentId: string };
        };
        return { action: body.page.action, incident: `${body.origin.machine}/${body.page.incidentId}` };
      }),
    wire: () => server.bodies.join('\n'),
    failNext: () => server.fail('500'),
    async breakEndpoint() {
      closed = true;
      await server.close();
    },
    unreachable: 'retry',
    withoutCredential: { channel: make({}), envName: 'AGENT_SRE_TEAM_TOKEN' },
    async cleanup() {
      if (!closed) await server.close();
    },
  };
});
