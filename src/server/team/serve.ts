// `agent-sre serve --store postgres://...`: the team server. It answers the team API (machines ship their
// events and pages to it), and its tick loop runs escalation, rotation and delivery once for the team,
// from the paging settings of the agent-sre.yaml in the directory it runs in. It may serve the dashboard
// over the team store too, each session labelled with its machine and user.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { processEnvironment } from '../../app/context.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { teamEventSource } from '../../app/team/local-events.ts';
import { runTick } from '../../app/tick.ts';
import type { PagingSettings } from '../../core/incidents/config.ts';
import type { Origin, TeamStore } from '../../ports.ts';
import { createTeamApp } from './app.ts';
import { openTeamStore } from './open-store.ts';

export const DEFAULT_TEAM_PORT = 47_321;
export const DEFAULT_TEAM_TOKEN_ENV = 'AGENT_SRE_TEAM_TOKEN';

export interface TeamServeOptions {
  dir: string;
  store: string;
  port: number;
  bind: string;
  intervalSeconds: number;
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Resolves when the server should stop (SIGINT/SIGTERM). */
  stopped: Promise<void>;
  /**
   * Start the dashboard over the team store (the CLI's, which signs its human in). `deliver` wakes the
   * tick loop for pages an answer queued. A dashboard that cannot start is reported and left out: the
   * team API and paging go on.
   */
  dashboard?: (team: {
    store: TeamStore;
    deliver: () => void;
    origins: () => Promise<ReadonlyMap<string, Origin | null>>;
  }) => Promise<{ close(): Promise<void> }>;
}

/**
 * The team store exported over OTLP when an OTEL_* variable asks for it: every machine's decisions, and the
 * team's incidents and pages, from one place. Telemetry never stops the team server: an exporter that
 * cannot start is reported and left out.
 */
async function startTeamOtel(
  store: TeamStore,
  settings: PagingSettings,
  o: TeamServeOptions,
): Promise<{ stop(): Promise<void> } | undefined> {
  const { otlpSettings } = await import('../../adapters/otel/config.ts');
  if (!otlpSettings(o.env)) return undefined;
  const started = await import('../../app/otel-export.ts')
    .then(({ startOtelExport }) =>
      startOtelExport({
        env: o.env,
        projectDir: o.dir,
        store,
        events: teamEventSource(store),
        channels: settings.channels,
        log: (line) => o.err(`${new Date().toISOString()} ${line}\n`),
      }),
    )
    .catch((err: Error) => {
      o.err(`agent-sre serve: OpenTelemetry export could not start: ${err.message}\n`);
      return null;
    });
  if (!started) return undefined;
  o.out(`agent-sre serve: exporting OpenTelemetry ${started.where}\n`);
  for (const w of started.warnings) o.err(`agent-sre serve: ${w}\n`);
  return started;
}

export async function runTeamServe(o: TeamServeOptions): Promise<number> {
  const loaded = await loadProjectPolicy(o.dir, processEnvironment(o.env as NodeJS.ProcessEnv).home, {
    cache: false,
  });
  // The server pages the real channels itself: a team section in its own file must not send them to itself.
  const { team, ...settings }: PagingSettings = loaded.compiled.policy.paging;
  const tokenEnv = team?.tokenEnv ?? DEFAULT_TEAM_TOKEN_ENV;
  const token = o.env[tokenEnv]?.trim();
  if (!token || token.length < 16) {
    o.err(
      `agent-sre serve: set ${tokenEnv} to the team token (at least 16 characters) before starting the team server\n`,
    );
    return 2;
  }
  let store: TeamStore;
  try {
    store = await openTeamStore(o.store);
  } catch (err) {
    o.err(`agent-sre serve: cannot open the team store: ${(err as Error).message}\n`);
    return 2;
  }
  let wake: (() => void) | undefined;
  // A page queued while a tick runs must not wait a whole interval for the next one.
  let pending = false;
  const log = (line: string) => o.err(`${new Date().toISOString()} ${line}\n`);
  const queued = () => {
    pending = true;
    wake?.();
  };
  const app = createTeamApp({ store, token, settings, now: Date.now, onQueued: queued, log });
  const server = serve({ fetch: app.fetch, port: o.port, hostname: o.bind });
  await new Promise<void>((res, rej) => {
    server.once('listening', () => res());
    server.once('error', rej);
  });
  const { port } = server.address() as AddressInfo;
  o.out(
    `agent-sre serve: team server on http://${o.bind}:${port} (store ${store.name}), ticking every ${o.intervalSeconds}s\n`,
  );
  const web = await o
    .dashboard?.({
      store,
      deliver: queued,
      origins: async () => new Map((await store.teamSessions()).map((s) => [s.state.sessionId, s.origin])),
    })
    .catch((err: Error) => {
      o.err(`agent-sre serve: the dashboard could not start (the team server runs on): ${err.message}\n`);
      return undefined;
    });
  const otel = await startTeamOtel(store, settings, o);
  let stopping = false;
  void o.stopped.then(() => {
    stopping = true;
    wake?.();
  });
  try {
    while (!stopping) {
      pending = false;
      try {
        const r = await runTick(
          {
            store,
            settings,
            projectDir: o.dir,
            env: o.env,
            now: Date.now,
            sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
            random: Math.random,
          },
          { maxWaitMs: 0, deadline: Date.now() + o.intervalSeconds * 1000 },
        );
        if (r.delivered + r.failed + r.escalationPages + r.handoffPages > 0)
          o.out(
            `${new Date().toISOString()} escalation ${r.escalationPages}, handoffs ${r.handoffPages}, delivered ${r.delivered}, retrying ${r.retried}, failed ${r.failed}\n`,
          );
      } catch (err) {
        log(`team tick failed: ${(err as Error).message}`);
      }
      if (stopping) break;
      if (pending) continue;
      await new Promise<void>((res) => {
        const timer = setTimeout(res, o.intervalSeconds * 1000);
        wake = () => {
          clearTimeout(timer);
          res();
        };
      });
    }
    return 0;
  } finally {
    await otel?.stop();
    await web?.close();
    await new Promise<void>((res) => server.close(() => res()));
    await store.close();
  }
}
