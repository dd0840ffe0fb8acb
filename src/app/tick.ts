// `agent-sre tick`: everything that is due, once. Escalation steps and handoff notices are queued in
// one transaction; then the outbox is drained. Safe to run from cron every minute, next to the hook's
// own flushers and `serve`: the ledger's claims keep every page to one sender.
import { hostname } from 'node:os';
import { createChannel } from '../adapters/notify/index.ts';
import { handoffNotices } from '../core/escalation/handoff.ts';
import { DEFAULT_SERVER, type PagingSettings } from '../core/incidents/config.ts';
import type { Page, Severity } from '../core/incidents/types.ts';
import type { Channel, LedgerStore, LedgerTx } from '../ports.ts';
import { expireStaleApprovals } from './approvals.ts';
import { type DrainReport, drain } from './deliver.ts';
import type { HumanMac } from './human-mac.ts';
import { escalateAll, overridesOf } from './incidents.ts';
import { lazyHumanMac, withPageLinks } from './page-links.ts';
import { teamChannels } from './team/channels.ts';
import { STATUS_EVERY_MS, type TeamRoundReport, teamRound } from './team/round.ts';

export interface TickDeps {
  store: LedgerStore;
  settings: PagingSettings;
  projectDir: string;
  env: Record<string, string | undefined>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Channels by name; built from the settings when absent (tests inject their own). */
  channel?: (name: string) => Channel | undefined;
}

export interface TickReport extends DrainReport {
  escalationPages: number;
  handoffPages: number;
  /** Team mode: what was shipped to the team server this tick. */
  team?: TeamRoundReport;
}

const HANDOFF_META = 'handoff.last_run';
// A first tick (or one after a long pause) looks back this far for handoffs it should have announced.
const HANDOFF_LOOKBACK_MS = 15 * 60_000;

export function queueHandoffs(tx: LedgerTx, settings: PagingSettings): number {
  const last = Number(tx.meta(HANDOFF_META) ?? Number.NaN);
  const from = Number.isFinite(last)
    ? Math.max(last, tx.now - HANDOFF_LOOKBACK_MS)
    : tx.now - HANDOFF_LOOKBACK_MS;
  tx.setMeta(HANDOFF_META, String(tx.now));
  const pages: Array<{ page: Page; notBefore: number }> = [];
  for (const n of handoffNotices(settings.oncall, overridesOf(tx), from, tx.now)) {
    for (const channel of n.channels) {
      if (!settings.channels[channel]) continue;
      const severity: Severity = 'SEV4';
      pages.push({
        notBefore: tx.now,
        page: {
          key: `${n.key}/${channel}`,
          channel,
          action: 'handoff',
          incidentId: null,
          dedupKey: n.key,
          severity,
          title: n.text,
          body: n.text,
          fields: [
            { label: 'Schedule', value: n.schedule },
            { label: 'Layer', value: n.layer ?? 'final' },
            { label: 'Starts', value: new Date(n.at).toISOString() },
            { label: 'Takes over from', value: n.outgoing ?? 'nobody (coverage gap)' },
          ],
          instructions: ['agent-sre oncall', 'agent-sre incidents --open'],
          recipient: n.incoming,
          project: '',
          sessionId: null,
          createdAt: tx.now,
        },
      });
    }
  }
  return tx.enqueue(pages);
}

/**
 * Channels by name. With `links` (the ledger to look answers up in), pages to network channels carry signed
 * answer links and Slack buttons (page-links.ts); without, pages go out as queued.
 */
export function channelsFor(
  settings: PagingSettings,
  projectDir: string,
  env: Record<string, string | undefined>,
  links?: { store: LedgerStore; now: () => number; mac?: () => HumanMac | undefined },
) {
  const server = settings.server ?? DEFAULT_SERVER;
  const mac = links?.mac ?? lazyHumanMac(env);
  const built = new Map<string, Channel>();
  return (name: string): Channel | undefined => {
    const cfg = settings.channels[name];
    if (!cfg) return undefined;
    let c = built.get(name);
    if (!c) {
      c = createChannel(name, cfg, {
        env,
        projectDir,
        slackInteractive: server.slackSigningSecretEnv !== null,
      });
      if (links)
        c = withPageLinks(c, {
          store: links.store,
          now: links.now,
          projectDir,
          server,
          mac,
          ...(cfg.answerLinks !== undefined ? { answerLinks: cfg.answerLinks } : {}),
        });
      built.set(name, c);
    }
    return c;
  };
}

export const workerId = (pid: number, random: number) =>
  `${hostname()}:${pid}:${Math.floor(random * 1e9).toString(36)}`;

export async function runTick(
  deps: TickDeps,
  opts: { deliverOnly?: boolean; maxWaitMs: number; deadline?: number },
): Promise<TickReport> {
  let escalationPages = 0;
  let handoffPages = 0;
  // Team mode: escalation, handoffs and real paging run once, on the team server; here pages go to it.
  const team = deps.settings.team;
  if (!opts.deliverOnly) {
    await deps.store.transact(deps.now(), (tx) => {
      expireStaleApprovals(tx, deps.settings);
      if (team) return;
      escalationPages = escalateAll(tx, deps.settings);
      handoffPages = queueHandoffs(tx, deps.settings);
    });
  }
  const shipped = team
    ? await teamRound(
        { ...deps, team },
        opts.deadline ?? deps.now() + opts.maxWaitMs,
        // A tick someone ran (cron, a human) always pulls; the flusher's half-second rounds every 10 s.
        opts.deliverOnly ? STATUS_EVERY_MS : 0,
      )
    : undefined;
  const report = await drain(
    {
      store: deps.store,
      channel:
        deps.channel ??
        (team
          ? teamChannels(team, deps.projectDir, deps.env)
          : channelsFor(deps.settings, deps.projectDir, deps.env, { store: deps.store, now: deps.now })),
      now: deps.now,
      sleep: deps.sleep,
      random: deps.random,
      worker: workerId(process.pid, deps.random()),
    },
    { maxWaitMs: opts.maxWaitMs, ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}) },
  );
  return { ...report, escalationPages, handoffPages, ...(shipped ? { team: shipped } : {}) };
}
