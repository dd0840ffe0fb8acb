// The bearer token Claude Code's `type: "http"` hooks present to `agent-sre serve`. It is derived from the
// per-user secret, never the secret itself: Claude Code must hold the token in its environment (the header
// is interpolated from $AGENT_SRE_TOKEN), and every Bash call the agent makes inherits that environment.
// So the agent can read the token. A one-way derivation keeps what it learns to "may submit hook events":
// the secret stays the MAC key for human approvals and the daemon's credential, and neither accepts this.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_ENV = 'AGENT_SRE_TOKEN';
/** Bumping the label retires every token issued so far without touching the secret. */
const LABEL = 'agent-sre http-hook v1';

export function httpHookToken(secret: Buffer): string {
  return createHmac('sha256', secret).update(LABEL).digest('hex');
}

/** `Authorization: Bearer <64 hex>`, compared in constant time. Anything else is false. */
export function bearerMatches(header: string | undefined, token: Buffer): boolean {
  if (typeof header !== 'string') return false;
  const m = /^Bearer ([0-9a-f]{64})$/.exec(header.trim());
  if (!m) return false;
  return timingSafeEqual(Buffer.from(m[1]!, 'hex'), token);
}
