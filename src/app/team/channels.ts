// Team mode: every channel name a project's routing uses resolves to the team channel, so its pages go
// to the team server whatever channels the project's own agent-sre.yaml lists.
import { createTeamChannel } from '../../adapters/notify/team.ts';
import type { TeamSettings } from '../../core/incidents/config.ts';
import type { Channel, Origin } from '../../ports.ts';
import { originOf } from './origin.ts';

export function teamChannels(
  team: TeamSettings,
  projectDir: string,
  env: Record<string, string | undefined>,
): (name: string) => Channel {
  let origin: Promise<Origin> | undefined;
  const originNow = () => {
    origin ??= originOf(projectDir, team, env);
    return origin;
  };
  const built = new Map<string, Channel>();
  return (name) => {
    let c = built.get(name);
    if (!c) {
      c = createTeamChannel(name, team, { env, origin: originNow });
      built.set(name, c);
    }
    return c;
  };
}
