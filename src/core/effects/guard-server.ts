// agent-sre's own servers answer Claude Code (hook events) and humans (the dashboard, signed links,
// webhooks), never the agent: a call from the agent to one of them could forge hook events or use a link
// or a cookie it came across to approve its own gated call. They are recognised by address: a loopback
// host on one of their ports, or the public host their links point at.
import type { JudgeContext, NetEffect } from '../types.ts';
import { isLocalHost } from './hosts.ts';

/** `agent-sre serve --http` (hook events) and the dashboard, when nothing else is configured. */
export const DEFAULT_SERVER_PORTS: readonly number[] = [47_319, 47_320];

function portOf(url: string): number | null {
  const m = /^[a-z][\w+.-]*:\/\/(?:[^/@\s]*@)?(?:\[[^\]]*\]|[^/:?#\s]+):(\d{1,5})(?:[/?#]|$)/i.exec(url);
  return m ? Number(m[1]) : null;
}

export function reachesGuardServer(e: NetEffect, ctx: JudgeContext): boolean {
  const host = e.host.toLowerCase();
  if (ctx.guard?.serverHosts?.includes(host)) return true;
  if (!isLocalHost(host) || host === '' || !e.url) return false;
  const port = portOf(e.url);
  if (port === null) return false;
  return DEFAULT_SERVER_PORTS.includes(port) || (ctx.guard?.serverPorts ?? []).includes(port);
}
