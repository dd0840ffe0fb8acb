// Signed action links: a page carries `${publicUrl}/a/<token>`, and whoever holds the link may acknowledge the
// incident or answer the approval it names, once, before it expires. The token is a capability, so it is
// MAC'd under the per-user secret (which the agent cannot read), names one project (a link minted for one
// repository never answers in another served by the same user) and carries a random nonce that the answer
// spends in the ledger. Nothing here touches the ledger: minting happens at send time, spending in the route.
//
// Format: base64url(JSON [1, action, target, projectTag, expiresAtMs, nonce]) "." base64url(HMAC-SHA256)
// where the MAC is HumanMac.sign('link', that same array). Both halves must be canonical base64url, so no
// second spelling of a token verifies.
import { randomBytes } from 'node:crypto';
import { projectTag } from '../adapters/fs/project-tag.ts';
import type { HumanMac, MacField } from '../app/human-mac.ts';

export type LinkAction = 'ack' | 'approve' | 'deny';
export const LINK_ACTIONS: readonly LinkAction[] = ['ack', 'approve', 'deny'];

export interface LinkClaims {
  action: LinkAction;
  /** `INC-3` for ack, `APR-2` for approve and deny. */
  target: string;
  /** projectTag(projectDir) of the project the link was minted for. */
  project: string;
  expiresAt: number;
  /** Single-use key, spent by ServerContext.answer({ once }). */
  nonce: string;
}

export type LinkRefusal = 'malformed' | 'bad signature' | 'wrong project' | 'expired';
export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: LinkRefusal };

const VERSION = 1;
/** Far above a real token (about 170 characters): anything longer is refused before decoding. */
const MAX_TOKEN_CHARS = 512;
const MAC_B64_CHARS = 43; // 32 bytes
const TARGET = { ack: /^INC-[1-9]\d{0,9}$/, approve: /^APR-[1-9]\d{0,9}$/, deny: /^APR-[1-9]\d{0,9}$/ };
const B64URL = /^[A-Za-z0-9_-]+$/;

/** A project named by a hash: the path itself never travels in a URL. Same derivation as the login token. */

export function newLinkNonce(): string {
  return randomBytes(16).toString('base64url');
}

const macFields = (c: LinkClaims): MacField[] => [
  VERSION,
  c.action,
  c.target,
  c.project,
  c.expiresAt,
  c.nonce,
];

export interface MintOptions {
  action: LinkAction;
  target: string;
  projectDir: string;
  expiresAt: number;
  /** Tests pin it; otherwise 16 random bytes. */
  nonce?: string;
}

export function mintLink(mac: HumanMac, o: MintOptions): string {
  const claims: LinkClaims = {
    action: o.action,
    target: o.target,
    project: projectTag(o.projectDir),
    expiresAt: o.expiresAt,
    nonce: o.nonce ?? newLinkNonce(),
  };
  if (!validClaims(claims)) throw new Error(`cannot mint a ${o.action} link for ${o.target}`);
  const fields = macFields(claims);
  const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
  const sig = Buffer.from(mac.sign('link', fields), 'hex').toString('base64url');
  return `${body}.${sig}`;
}

/** `${publicUrl}/a/${token}`; publicUrl may come with a trailing slash. */
export function linkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/a/${token}`;
}

/**
 * The claims of a token minted for `projectDir` and still valid at `now`, or why not. Never throws. The
 * MAC is checked before anything the claims say is believed, so a forged token only ever learns "bad
 * signature".
 */
export function verifyLink(token: unknown, o: { mac: HumanMac; projectDir: string; now: number }): LinkCheck {
  try {
    const claims = parseToken(token);
    if (!claims) return { ok: false, reason: 'malformed' };
    if (!o.mac.verify('link', macFields(claims.claims), claims.macHex))
      return { ok: false, reason: 'bad signature' };
    if (claims.claims.project !== projectTag(o.projectDir)) return { ok: false, reason: 'wrong project' };
    if (!(o.now < claims.claims.expiresAt)) return { ok: false, reason: 'expired' };
    return { ok: true, claims: claims.claims };
  } catch {
    // A MAC implementation that throws (a missing key) is a refusal like any other.
    return { ok: false, reason: 'bad signature' };
  }
}

function parseToken(token: unknown): { claims: LinkClaims; macHex: string } | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return undefined;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
  const body = token.slice(0, dot);
  const sig = token.slice(dot + 1);
  if (!B64URL.test(body) || sig.length !== MAC_B64_CHARS || !B64URL.test(sig)) return undefined;
  const bodyBytes = Buffer.from(body, 'base64url');
  const macBytes = Buffer.from(sig, 'base64url');
  // Node decodes leniently (spare bits are ignored): only the canonical spelling counts.
  if (bodyBytes.toString('base64url') !== body || macBytes.toString('base64url') !== sig) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(bodyBytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 6 || fields[0] !== VERSION) return undefined;
  const [, action, target, project, expiresAt, nonce] = fields as unknown[];
  const claims = { action, target, project, expiresAt, nonce } as LinkClaims;
  if (!validClaims(claims)) return undefined;
  return { claims, macHex: macBytes.toString('hex') };
}

function validClaims(c: LinkClaims): boolean {
  return (
    typeof c.action === 'string' &&
    (LINK_ACTIONS as readonly string[]).includes(c.action) &&
    typeof c.target === 'string' &&
    TARGET[c.action].test(c.target) &&
    typeof c.project === 'string' &&
    /^[0-9a-f]{16}$/.test(c.project) &&
    Number.isSafeInteger(c.expiresAt) &&
    c.expiresAt > 0 &&
    typeof c.nonce === 'string' &&
    /^[A-Za-z0-9_-]{16,64}$/.test(c.nonce)
  );
}

export { projectTag };
