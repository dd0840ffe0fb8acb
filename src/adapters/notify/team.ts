// Team mode's one channel: every page a project queues goes to the team server instead of the project's
// own channels. The server folds pages for the same problem from every machine into one team incident
// and pages the real channels itself (src/server/team/pages.ts), so rotation and escalation run once.
import type { TeamSettings } from '../../core/incidents/config.ts';
import type { Page, SignalKind } from '../../core/incidents/types.ts';
import type { Channel, Origin } from '../../ports.ts';
import { classify, neverThrows, post, readSecretEnv, redactPage } from './http.ts';

export const TEAM_PAGES_PATH = '/team/v1/pages';

/** The body of POST /team/v1/pages. */
export interface TeamPageBody {
  version: 1;
  origin: Origin;
  /** The signal behind the page, read off its dedup key: the server's team-wide key is built from it. */
  kind: SignalKind | null;
  key: string;
  page: Page;
}

/**
 * The signal kind and key in a dedup key built by core/incidents/raise.ts:
 * `agent-sre/<project>~<hash>/<kind>/<session>/<key>`. Null kind for anything else (a handoff notice).
 */
export function signalOfDedupKey(dedupKey: string): { kind: string | null; key: string } {
  const parts = dedupKey.split('/');
  if (parts[0] !== 'agent-sre' || parts.length < 5) return { kind: null, key: '' };
  const key = parts.slice(4).join('/');
  return { kind: parts[2] ?? null, key: key === '-' ? '' : key };
}

export function createTeamChannel(
  name: string,
  team: TeamSettings,
  deps: {
    env: Record<string, string | undefined>;
    origin: () => Origin | Promise<Origin>;
    now?: () => number;
    timeoutMs?: number;
  },
): Channel {
  const now = deps.now ?? Date.now;
  return {
    name,
    // The wire is a webhook to the team server; the port's type list names the paging services.
    type: 'webhook',
    minIntervalMs: 0,
    send: neverThrows(
      async (page) => {
        const token = readSecretEnv(deps.env, team.tokenEnv, 'team token');
        if (!token.ok) return token.result;
        const signal = signalOfDedupKey(page.dedupKey);
        const body: TeamPageBody = {
          version: 1,
          origin: await deps.origin(),
          kind: page.action === 'test' ? 'page.test' : (signal.kind as SignalKind | null),
          key: signal.key,
          page: redactPage({ ...page, links: [] }),
        };
        const outcome = await post(
          `${team.url}${TEAM_PAGES_PATH}`,
          JSON.stringify(body),
          {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${token.value}`,
            'X-Agent-SRE-Delivery': page.key,
          },
          deps.timeoutMs,
        );
        return classify(outcome, { nowMs: now(), secrets: [token.value] });
      },
      () => [deps.env[team.tokenEnv] ?? ''],
    ),
  };
}
