// Answer links on pages, added as a page leaves for a network channel. A link is a capability (whoever holds
// it may acknowledge or approve), so links are minted at send time and never stored: the outbox and the
// ledger hold none, and the file channel never gets one, since .agent-sre/pages.jsonl sits where the agent
// can read it. GitHub issues get none either: an agent with `gh` reads the project's issues as easily as a
// file, and an approve link there would let it approve its own request; a team that pages GitHub only can
// switch them on with `answerLinks: true` on the channel.
//
// What a page offers is decided from the ledger at send time, not from when the page was queued: ack while
// the incident is still triggered, approve/deny while its approval is still pending and unexpired.

import type { ServerSettings } from '../core/incidents/config.ts';
import type { Incident, Page, PageAction, PageLink } from '../core/incidents/types.ts';
import { REDACTED } from '../core/redact.ts';
import type { Channel, ChannelType, LedgerStore, LedgerTx } from '../ports.ts';
import { type LinkAction, linkUrl, mintLink } from '../server/links.ts';
import { APPROVAL_KIND, type Approval } from './approvals.ts';
import { type HumanMac, humanMacForHook } from './human-mac.ts';

/** Channels whose pages carry answer links by default. Not `file` (local, agent-readable, never), not `github` (see above). */
export const LINK_CHANNELS: ReadonlySet<ChannelType> = new Set(['pagerduty', 'slack', 'webhook']);
const LINK_PAGES: ReadonlySet<PageAction> = new Set(['trigger', 'escalate', 'repeat']);

export interface PageLinkDeps {
  store: LedgerStore;
  projectDir: string;
  server: ServerSettings;
  now: () => number;
  /** The per-user MAC key, or undefined when there is no secret (then no links). Called per page. */
  mac: () => HumanMac | undefined;
  /** The channel's `answerLinks` setting, when it has one. */
  answerLinks?: boolean;
}

/**
 * `channel` with answer links added to the pages that should carry them. Links are never let through from
 * the page as queued: only the ones minted here reach the channel.
 */
export function withPageLinks(channel: Channel, deps: PageLinkDeps): Channel {
  const linked = channel.type !== 'file' && (deps.answerLinks ?? LINK_CHANNELS.has(channel.type));
  return {
    name: channel.name,
    type: channel.type,
    minIntervalMs: channel.minIntervalMs,
    async send(page, ref) {
      const { links: _queued, ...bare } = page;
      const links = linked ? await linksFor(bare, deps) : [];
      if (links.length === 0) return channel.send(bare, ref);
      const result = await channel.send({ ...bare, links }, ref);
      return hideTokens(result, links);
    },
  };
}

/** The links `page` should carry now; [] on any doubt (no key, a ledger error): a page without links still pages. */
export async function linksFor(page: Page, deps: PageLinkDeps): Promise<PageLink[]> {
  if (!LINK_PAGES.has(page.action) || !page.incidentId) return [];
  try {
    const mac = deps.mac();
    if (!mac) return [];
    const now = deps.now();
    const incidentId = page.incidentId;
    const found = await deps.store.transact(
      now,
      (tx) => {
        const incident = tx.incident(incidentId);
        return incident ? { incident, approval: pendingApproval(tx, incident, now) } : undefined;
      },
      { readonly: true },
    );
    if (!found) return [];
    const { incident, approval } = found;
    if (incident.state === 'resolved' || incident.state === 'cancelled') return [];
    const make = (action: LinkAction, target: string, label: string, expiresAt: number): PageLink => ({
      action,
      target,
      label,
      url: deps.server.publicUrl
        ? linkUrl(
            deps.server.publicUrl,
            mintLink(mac, { action, target, projectDir: deps.projectDir, expiresAt }),
          )
        : null,
    });
    const links: PageLink[] = [];
    if (approval) {
      links.push(make('approve', approval.id, `Approve ${approval.id}`, approval.expiresAt));
      links.push(make('deny', approval.id, `Deny ${approval.id}`, approval.expiresAt));
    }
    if (incident.state === 'triggered')
      links.push(
        make('ack', incident.id, `Acknowledge ${incident.id}`, now + deps.server.linkTtlMinutes * 60_000),
      );
    return links;
  } catch {
    return [];
  }
}

/** The approval this incident was opened for, while it can still be answered. */
function pendingApproval(tx: LedgerTx, incident: Incident, now: number): Approval | undefined {
  if (incident.source.kind !== 'approval.requested') return undefined;
  const named = incident.details.Approval;
  const candidates =
    typeof named === 'string'
      ? [tx.record<Approval>(APPROVAL_KIND, named)]
      : tx.records<Approval>(APPROVAL_KIND);
  const hit = candidates.find((r) => r?.data.incidentId === incident.id);
  const a = hit?.data;
  return a && a.status === 'pending' && a.expiresAt > now ? a : undefined;
}

/** An API that echoes what it was sent into an error must not put a link into the ledger or a log. */
function hideTokens<R extends { error?: string; detail?: string }>(result: R, links: PageLink[]): R {
  const secrets = links
    .map((l) => l.url)
    .filter((u): u is string => !!u)
    .flatMap((u) => {
      const token = u.slice(u.lastIndexOf('/') + 1);
      // The halves too: an error cut short may hold the claims and part of the MAC.
      return [u, token, ...token.split('.')];
    })
    .sort((a, b) => b.length - a.length);
  if (secrets.length === 0) return result;
  const hide = (s: string) => secrets.reduce((out, x) => out.split(x).join(REDACTED), s);
  const out = { ...result };
  if (typeof out.error === 'string') out.error = hide(out.error);
  if (typeof out.detail === 'string') out.detail = hide(out.detail);
  return out;
}

/** The per-user key, read once and only when a page first needs it; a secret that cannot be read means no links. */
export function lazyHumanMac(env: Record<string, string | undefined>): () => HumanMac | undefined {
  let loaded = false;
  let mac: HumanMac | undefined;
  return () => {
    if (!loaded) {
      loaded = true;
      try {
        mac = humanMacForHook(env);
      } catch {
        mac = undefined;
      }
    }
    return mac;
  };
}
