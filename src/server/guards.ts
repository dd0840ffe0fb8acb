// DNS rebinding and cross-site requests. A page on evil.example that resolves its own name to 127.0.0.1
// reaches this server with its own Host; a page anywhere can POST a form here, and the browser sends our
// cookie along. So every request must name us in Host, and every state-changing request from a browser
// must come from one of our own origins.
import type { ServerSettings } from '../core/incidents/config.ts';

/** The names a request to this machine's loopback may carry in Host (IPv6 in brackets, as in a URL). */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

function publicOrigin(server: ServerSettings): URL | null {
  if (!server.publicUrl) return null;
  try {
    return new URL(server.publicUrl);
  } catch {
    return null;
  }
}

/** Host header values this server answers to: loopback names with the bound port, and the public host. */
export function allowedHosts(server: ServerSettings, boundPort: number): Set<string> {
  const hosts = new Set(LOOPBACK_NAMES.map((n) => `${n}:${boundPort}`));
  const pub = publicOrigin(server);
  if (pub) hosts.add(pub.host.toLowerCase());
  return hosts;
}

/** Origins a browser form or fetch may come from: our loopback origins and the public URL's origin. */
export function allowedOrigins(server: ServerSettings, boundPort: number): Set<string> {
  const origins = new Set(LOOPBACK_NAMES.map((n) => `http://${n}:${boundPort}`));
  const pub = publicOrigin(server);
  if (pub) origins.add(pub.origin.toLowerCase());
  return origins;
}

export function hostAllowed(host: string | undefined, server: ServerSettings, boundPort: number): boolean {
  return typeof host === 'string' && allowedHosts(server, boundPort).has(host.trim().toLowerCase());
}

/** A missing Origin is refused too: every browser sends one on POST, and scripts have no cookie to use. */
export function originAllowed(
  origin: string | undefined,
  server: ServerSettings,
  boundPort: number,
): boolean {
  return typeof origin === 'string' && allowedOrigins(server, boundPort).has(origin.trim().toLowerCase());
}
