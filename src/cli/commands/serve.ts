import { runTick } from '../../app/tick.ts';
import { DEFAULT_SERVER_PORT } from '../../core/incidents/config.ts';
import { DEFAULT_PORT } from '../../server/http-hook.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { humanActor, liveTickDeps, openProject } from '../project.ts';
import { requireProjectRoot } from '../project-root.ts';

const HELP = `Usage: agent-sre serve [--interval SECONDS] [--dir DIR] [--dashboard-port N | --no-dashboard]
                        [--bind ADDRESS] [--by NAME] [--http [--port N] [--hooks-only]]
       agent-sre serve --login-link [--by NAME] [--dir DIR]
       agent-sre serve --print-token
       agent-sre serve --store postgres://USER@HOST/DB [--port N] [--bind ADDRESS] [--interval SECONDS]
                       [--dashboard-port N | --no-dashboard] [--by NAME]

Stay up, serve the dashboard and run \`agent-sre tick\` every interval: escalation, handoff notices and
delivery. Stop it with Ctrl-C or SIGTERM; a tick in progress finishes first. Running it next to cron
ticks is safe.

The dashboard (http://127.0.0.1:${DEFAULT_SERVER_PORT} unless server.port says otherwise) shows live sessions and
their decisions, approvals waiting for a human (approve or deny them there), incidents with their
timelines (acknowledge, mitigate, resolve), who is on call, cost per session and per day, golden-eval
drift, and each session's evidence and postmortem. Nobody has a password: serve prints a one-time login
link when it starts (valid 10 minutes, spent on first use); \`agent-sre serve --login-link\` mints
another while it runs. It listens on 127.0.0.1 only, unless --bind says otherwise.

From outside this machine (a phone at 3 a.m.), put it behind your own tunnel or reverse proxy and set
server.publicUrl in agent-sre.yaml: pages then carry signed, expiring, single-use Acknowledge / Approve /
Deny links, and it takes PagerDuty v3 webhooks at /hooks/pagerduty and Slack button clicks at
/hooks/slack (see docs/dashboard.md). Only a human may run it: it refuses inside a coding agent.

With --http it also answers Claude Code's \`type: "http"\` hooks (written by \`agent-sre init --http\`)
on 127.0.0.1, for every project of this user, so no process starts per tool call. The hooks
authenticate with a token Claude Code reads from $AGENT_SRE_TOKEN:
  export AGENT_SRE_TOKEN=$(agent-sre serve --print-token)
in the shell Claude Code starts from. The agent can read that variable too: the token lets it submit
hook events, nothing more (approvals and the hook daemon never accept it).

With OTEL_EXPORTER_OTLP_ENDPOINT (or a per-signal endpoint, or OTEL_LOGS_EXPORTER/OTEL_METRICS_EXPORTER=otlp)
set, it exports the project's decisions, gates, incidents and pages as OpenTelemetry log records and
metrics over OTLP/HTTP (docs/opentelemetry.md). The hook cannot: Claude Code removes OTEL_* from it.

With --store it is the team's server instead (docs/team.md): machines whose agent-sre.yaml names it in
team.url ship their events and pages to it (bearer token from $AGENT_SRE_TEAM_TOKEN), and it runs
rotation, escalation and paging once for the team, from this directory's agent-sre.yaml. It serves the
dashboard over the team store as well (every machine's sessions, each with its machine and user; the
login link signs in whoever runs serve, and it refuses inside a coding agent unless --no-dashboard);
a dashboard that cannot start is reported and the team server runs on.

Options:
  --store URL         run the team server over this store (postgres://..., or memory: to try it out)
  --interval SECONDS  time between ticks (default 15)
  --dir DIR           the project root (default: found at or above the current directory)
  --dashboard-port N  the dashboard's port (default: server.port, ${DEFAULT_SERVER_PORT}; 0 picks a free one)
  --no-dashboard      tick (and answer HTTP hooks) only
  --bind ADDRESS      listen on ADDRESS instead of 127.0.0.1 (requests must still name a loopback
                      host or server.publicUrl's host)
  --by NAME           who the printed login link signs in (default: $AGENT_SRE_USER, else your login)
  --login-link        print a fresh one-time login link for the running dashboard and exit
  --http              answer HTTP hooks on 127.0.0.1
  --port N            the HTTP hooks' port (default ${DEFAULT_PORT}; init --http --port N must match)
  --hooks-only        answer HTTP hooks, tick nothing
  --print-token       print this user's HTTP hook token and exit
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      interval: { type: 'string' },
      dir: { type: 'string' },
      http: { type: 'boolean' },
      port: { type: 'string' },
      'hooks-only': { type: 'boolean' },
      'print-token': { type: 'boolean' },
      'dashboard-port': { type: 'string' },
      'no-dashboard': { type: 'boolean' },
      bind: { type: 'string' },
      by: { type: 'string' },
      'login-link': { type: 'boolean' },
      store: { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.store) return teamServe(values, io);
  if (values['print-token']) {
    const { tokenFor } = await import('../../server/serve-hooks.ts');
    io.stdout(`${tokenFor(io.env)}\n`);
    return 0;
  }
  const dashboardPort = values['dashboard-port'] === undefined ? undefined : Number(values['dashboard-port']);
  if (
    dashboardPort !== undefined &&
    (!Number.isInteger(dashboardPort) || dashboardPort < 0 || dashboardPort > 65_535)
  )
    throw new UsageError('--dashboard-port takes a port number');
  const dashboard = !values['no-dashboard'] && !values['hooks-only'];
  if (values['login-link']) {
    const { loginLink } = await import('../dashboard.ts');
    io.stdout(`${await loginLink(io, values.dir, values.by, dashboardPort)}\n`);
    return 0;
  }
  // The dashboard answers gates: whoever runs it is the human the login link signs in.
  const user = dashboard ? humanActor(io, values.by).id : undefined;
  const interval = values.interval === undefined ? 15 : Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new UsageError('--interval takes a number of seconds');
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('--port takes a port number');
  const http = values.http || values['hooks-only'];
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  let hooks: { close(): Promise<void> } | undefined;
  let web: { close(): Promise<void> } | undefined;
  let stopped: () => void = () => undefined;
  const done = new Promise<void>((res) => {
    stopped = res;
  });
  const stop = () => {
    stopping = true;
    clearTimeout(timer);
    wake?.();
    stopped();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (http) {
    const { serveHooks } = await import('../../server/serve-hooks.ts');
    const service = await serveHooks({
      port,
      env: io.env,
      log: (line) => io.stderr(`${new Date().toISOString()} http hook ${line}\n`),
    });
    hooks = service;
    io.stdout(`agent-sre serve: answering Claude Code HTTP hooks on http://127.0.0.1:${service.port}\n`);
    if (!io.env.AGENT_SRE_TOKEN)
      io.stderr(
        'agent-sre serve: AGENT_SRE_TOKEN is not set here; Claude Code needs it in its environment: export AGENT_SRE_TOKEN=$(agent-sre serve --print-token)\n',
      );
  }
  if (dashboard && user) {
    const { startProjectDashboard } = await import('../dashboard.ts');
    web = await startProjectDashboard(io, {
      dir: values.dir,
      user,
      ...(dashboardPort !== undefined ? { port: dashboardPort } : {}),
      ...(values.bind ? { bind: values.bind } : {}),
    });
  }
  let otel: { stop(): Promise<void> } | undefined;
  try {
    if (!values['hooks-only']) otel = await startOtel(values.dir, io);
    if (values['hooks-only']) {
      await done;
      return 0;
    }
    io.stdout(`agent-sre serve: ticking every ${interval}s in ${values.dir ?? io.cwd}\n`);
    while (!stopping) {
      const p = await openProject(values.dir, io);
      try {
        const r = await runTick(liveTickDeps(p, io), {
          maxWaitMs: interval * 1000,
          deadline: Date.now() + interval * 1000,
        });
        if (r.delivered + r.failed + r.escalationPages + r.handoffPages > 0)
          io.stdout(
            `${new Date().toISOString()} escalation ${r.escalationPages}, handoffs ${r.handoffPages}, delivered ${r.delivered}, retrying ${r.retried}, failed ${r.failed}\n`,
          );
      } catch (err) {
        io.stderr(`agent-sre serve: tick failed: ${(err as Error).message}\n`);
      } finally {
        await p.store.close();
      }
      if (stopping) break;
      await new Promise<void>((res) => {
        wake = res;
        timer = setTimeout(res, interval * 1000);
      });
    }
    return 0;
  } finally {
    await otel?.stop();
    await hooks?.close();
    await web?.close();
  }
}

/** The project's ledger exported over OTLP when an OTEL_* variable asks for it; nothing loaded otherwise. */
async function startOtel(dir: string | undefined, io: Io): Promise<{ stop(): Promise<void> } | undefined> {
  const { otlpSettings } = await import('../../adapters/otel/config.ts');
  if (!otlpSettings(io.env)) return undefined;
  const p = await openProject(dir, io);
  // Telemetry must never stop serve from paging: an exporter that cannot start is reported and left out.
  const started = await import('../../app/otel-export.ts')
    .then(({ startOtelExport }) =>
      startOtelExport({
        env: io.env,
        projectDir: p.dir,
        store: p.store,
        channels: p.settings.channels,
        log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
      }),
    )
    .catch((err: Error) => {
      io.stderr(`agent-sre serve: OpenTelemetry export could not start: ${err.message}\n`);
      return null;
    });
  if (!started) {
    await p.store.close();
    return undefined;
  }
  io.stdout(`agent-sre serve: exporting OpenTelemetry ${started.where}\n`);
  for (const w of started.warnings) io.stderr(`agent-sre serve: ${w}\n`);
  return {
    stop: async () => {
      await started.stop();
      await p.store.close();
    },
  };
}

/** `--store`: the team server (src/server/team/serve.ts), loaded only when asked for. */
async function teamServe(
  values: {
    store?: string;
    dir?: string;
    port?: string;
    bind?: string;
    interval?: string;
    'dashboard-port'?: string;
    'no-dashboard'?: boolean;
    by?: string;
  },
  io: Io,
): Promise<number> {
  const dashboardPort = values['dashboard-port'] === undefined ? undefined : Number(values['dashboard-port']);
  if (
    dashboardPort !== undefined &&
    (!Number.isInteger(dashboardPort) || dashboardPort < 0 || dashboardPort > 65_535)
  )
    throw new UsageError('--dashboard-port takes a port number');
  // The dashboard answers pages: whoever runs it is the human its login link signs in.
  const user = values['no-dashboard'] ? undefined : humanActor(io, values.by).id;
  const { runTeamServe, DEFAULT_TEAM_PORT } = await import('../../server/team/serve.ts');
  const port = values.port === undefined ? DEFAULT_TEAM_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError('--port takes a port number');
  const interval = values.interval === undefined ? 15 : Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new UsageError('--interval takes a number of seconds');
  const stopped = new Promise<void>((res) => {
    process.once('SIGINT', () => res());
    process.once('SIGTERM', () => res());
  });
  const dir = requireProjectRoot(values.dir, io.cwd);
  return runTeamServe({
    dir,
    store: values.store ?? '',
    port,
    bind: values.bind ?? '127.0.0.1',
    intervalSeconds: interval,
    env: io.env,
    out: io.stdout,
    err: io.stderr,
    stopped,
    ...(user
      ? {
          dashboard: async (team) => {
            const { startProjectDashboard } = await import('../dashboard.ts');
            return startProjectDashboard(io, {
              dir,
              user,
              team,
              ...(dashboardPort !== undefined ? { port: dashboardPort } : {}),
              ...(values.bind ? { bind: values.bind } : {}),
            });
          },
        }
      : {}),
  });
}
