// MACs on the answers only a human may give. The ledger is a file the agent must never write, but should
// it find a way (a route the policy missed), an UPDATE must not be able to speak for a human: every answer
// that changes what the guard does carries an HMAC-SHA256 under a key derived from the per-user secret
// (src/adapters/fs/user-secret.ts), which the policy keeps the agent from reading. Each use gets its own
// key, HMAC(secret, "agent-sre <purpose> v1"), so one MAC can never be passed off as another kind, and the
// same secret keeps serving the daemon and the server.
//
// node:crypto costs the hook several milliseconds to load, so it is required on first use: only the gate's
// wait path and the CLI's answers get here, never an ordinary tool call.
import { requireBuiltin } from '../adapters/builtin.ts';
import { loadUserSecret, SECRET_FILE, userDir } from '../adapters/fs/user-secret.ts';

export type MacPurpose = 'approval' | 'link' | 'login';

/** A value a MAC covers. Encoded as one JSON array, so no two field lists encode alike. */
export type MacField = string | number | null;

export interface HumanMac {
  sign(purpose: MacPurpose, fields: readonly MacField[]): string;
  /** Constant-time; false for a missing or malformed MAC. */
  verify(purpose: MacPurpose, fields: readonly MacField[], mac: string | null | undefined): boolean;
}

const crypto = () => requireBuiltin('node:crypto') as typeof import('node:crypto');

export function humanMac(secret: Buffer): HumanMac {
  const keys = new Map<MacPurpose, Buffer>();
  const key = (purpose: MacPurpose): Buffer => {
    let k = keys.get(purpose);
    if (!k) {
      k = crypto().createHmac('sha256', secret).update(`agent-sre ${purpose} v1`).digest();
      keys.set(purpose, k);
    }
    return k;
  };
  const sign = (purpose: MacPurpose, fields: readonly MacField[]): string =>
    crypto().createHmac('sha256', key(purpose)).update(JSON.stringify(fields)).digest('hex');
  return {
    sign,
    verify(purpose, fields, mac) {
      if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
      return crypto().timingSafeEqual(Buffer.from(sign(purpose, fields), 'hex'), Buffer.from(mac, 'hex'));
    },
  };
}

/** A random nonce bound into a request's MAC, so a MAC copied from another request never fits. */
export function newNonce(): string {
  return crypto().randomBytes(16).toString('hex');
}

type UserEnv = { XDG_CONFIG_HOME?: string | undefined; HOME?: string | undefined };

/** Where the secret lives, for messages (never its content). */
export function secretPath(env: UserEnv): string {
  return `${userDir(env)}/${SECRET_FILE}`;
}

/**
 * For a human's command: the MAC key, making the per-user secret on first use. Any problem with the
 * secret (a link, another owner, loose permissions) is a refusal to answer, never an unsigned answer.
 */
export function humanMacForCli(env: UserEnv): HumanMac {
  const secret = loadUserSecret(userDir(env), { create: true });
  if (!secret) throw new Error(`cannot create the per-user secret ${secretPath(env)}`);
  return humanMac(secret);
}

/**
 * For the hook: the MAC key when the secret exists. The hook only reads it; making it is a human's
 * command's job, so a missing secret leaves the gate unable to verify anything (it then denies).
 */
export function humanMacForHook(env: UserEnv): HumanMac | undefined {
  const secret = loadUserSecret(userDir(env));
  return secret ? humanMac(secret) : undefined;
}
