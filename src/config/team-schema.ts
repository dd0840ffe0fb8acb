// The `team:` section of agent-sre.yaml: where the team server is and which variable holds its token.
import { z } from 'zod';
import type { TeamSettings } from '../core/incidents/config.ts';
import { endpoint, envName } from './channels-schema.ts';

export const teamSchema = z
  .strictObject({
    url: endpoint
      .transform((u) => u.replace(/\/+$/, ''))
      .describe(
        'The team server (agent-sre serve --store postgres://...), like https://agent-sre.team.example:47321.',
      ),
    tokenEnv: envName('AGENT_SRE_TEAM_TOKEN')
      .default('AGENT_SRE_TEAM_TOKEN')
      .describe('The environment variable holding the team token the server checks.'),
    machine: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ and -, at most 64')
      .nullable()
      .default(null)
      .describe("This machine's name on the team; default: a random id kept in ~/.agent-sre."),
    project: z
      .string()
      .regex(/^[\x21-\x7e]{1,300}$/, 'printable characters without spaces, at most 300')
      .nullable()
      .default(null)
      .describe(
        "The project's name across the team (team incidents are keyed by it); default: the origin remote's URL without credentials, scheme and .git, else the folder's name.",
      ),
  })
  .describe(
    'Team mode: events, incidents and pages go to the team server; the hook still decides on this machine.',
  ) satisfies z.ZodType<TeamSettings, unknown>;
