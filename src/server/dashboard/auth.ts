// Who may use the dashboard. Nobody has a password: `agent-sre serve` prints a one-time login link (and
// `agent-sre serve --login-link` mints another from a second terminal). The link's token is MAC'd under the
// per-user secret, which the agent cannot read, names this project, expires in minutes and is spent on
// first use (a ledger record, so a second server process cannot accept it again). Spending it sets a
// session cookie: random, HttpOnly, SameSite=Strict, held only in this process's memory, each with its own
// CSRF token for state-changing requests.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { projectTag } from '../../adapters/fs/project-tag.ts';
import type { HumanMac } from '../../app/human-mac.ts';
import type { LedgerStore } from '../../ports.ts';

export const LOGIN_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 12 * 3_600_000;
const LOGIN_USED_KIND = 'login.used';

const b64url = (b: Buffer) => b.toString('base64url');

export interface LoginClaims {
  user: string;
  project: string;
  exp: number;
  nonce: string;
}

export function mintLoginToken(mac: HumanMac, projectDir: string, user: string, now: number): string {
  const claims: LoginClaims = {
    user,
    project: projectTag(projectDir),
    exp: now + LOGIN_TTL_MS,
    nonce: b64url(randomBytes(16)),
  };
  const body = b64url(Buffer.from(JSON.stringify(claims)));
  return `${body}.${mac.sign('login', [body])}`;
}

/** The claims of a login token, or why it is refused. Never throws. */
export function readLoginToken(
  token: unknown,
  mac: HumanMac,
  projectDir: string,
  now: number,
): { ok: true; claims: LoginClaims } | { ok: false; why: string } {
  if (typeof token !== 'string' || token.length > 2000) return { ok: false, why: 'no login token' };
  const dot = token.indexOf('.');
  if (dot <= 0) return { ok: false, why: 'the login link is malformed' };
  const body = token.slice(0, dot);
  if (!mac.verify('login', [body], token.slice(dot + 1)))
    return { ok: false, why: 'the login link is not signed by this user’s agent-sre' };
  let claims: LoginClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as LoginClaims;
  } catch {
    return { ok: false, why: 'the login link is malformed' };
  }
  if (typeof claims !== 'object' || claims === null || typeof claims.nonce !== 'string')
    return { ok: false, why: 'the login link is malformed' };
  if (claims.project !== projectTag(projectDir))
    return { ok: false, why: 'the login link is for another project' };
  if (typeof claims.exp !== 'number' || now >= claims.exp)
    return { ok: false, why: 'the login link has expired; run agent-sre serve --login-link for a new one' };
  if (typeof claims.user !== 'string' || !claims.user)
    return { ok: false, why: 'the login link names nobody' };
  return { ok: true, claims };
}

/** Spend a login token's nonce: false when it was spent before. One transaction, so two tabs cannot both win. */
export async function spendLogin(store: LedgerStore, claims: LoginClaims, now: number): Promise<boolean> {
  return store.transact(now, (tx) => {
    if (tx.record(LOGIN_USED_KIND, claims.nonce)) return false;
    tx.putRecord({ kind: LOGIN_USED_KIND, id: claims.nonce, createdAt: now, data: { exp: claims.exp } });
    return true;
  });
}

export interface WebSession {
  user: string;
  csrf: string;
  expiresAt: number;
}

/** Sessions by the hash of their cookie value: a heap dump shows no usable cookie. */
export class SessionTable {
  readonly #byHash = new Map<string, WebSession>();

  create(user: string, now: number): { cookie: string; session: WebSession } {
    const cookie = b64url(randomBytes(32));
    const session: WebSession = { user, csrf: b64url(randomBytes(24)), expiresAt: now + SESSION_TTL_MS };
    this.#byHash.set(hashOf(cookie), session);
    this.#sweep(now);
    return { cookie, session };
  }

  get(cookie: string | undefined, now: number): WebSession | undefined {
    if (typeof cookie !== 'string' || cookie.length > 200) return undefined;
    const s = this.#byHash.get(hashOf(cookie));
    if (!s) return undefined;
    if (now >= s.expiresAt) {
      this.#byHash.delete(hashOf(cookie));
      return undefined;
    }
    return s;
  }

  drop(cookie: string | undefined): void {
    if (typeof cookie === 'string') this.#byHash.delete(hashOf(cookie));
  }

  #sweep(now: number) {
    for (const [k, s] of this.#byHash) if (now >= s.expiresAt) this.#byHash.delete(k);
  }
}

const hashOf = (cookie: string) => createHash('sha256').update(cookie).digest('hex');

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(header: string | undefined, session: WebSession): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && timingSafeEqual(a, b);
}
