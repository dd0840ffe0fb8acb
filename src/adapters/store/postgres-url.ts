// The store's URL carries a password. Messages name the server by host and database only, and any text
// that reaches a message from elsewhere (a driver error) has the URL and its user:password@ part taken
// out first. Not the bare password wherever it occurs: a password that is also a word ("agent_sre")
// would blank that word out of every message, table names included.

const SCHEMES = new Set(['postgres:', 'postgresql:']);

export interface PgTarget {
  /** "host:port/database", for messages. */
  label: string;
  /** What `redact` takes out of a message: the URL, and the password as a URL writes it. */
  secrets: string[];
}

/** Throws, without quoting the input, when `url` is not a postgres:// URL. */
export function parsePgUrl(url: string): PgTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error('[agent-sre] [postgres] the store URL is not a URL (expected postgres://user@host/db)');
  }
  if (!SCHEMES.has(u.protocol))
    throw new Error(
      `[agent-sre] [postgres] the store URL must start with postgres:// or postgresql://, not ${u.protocol.slice(0, 20)}`,
    );
  const secrets = [url];
  if (u.password !== '')
    for (const pw of new Set([
      u.password,
      safeDecode(u.password),
      encodeURIComponent(safeDecode(u.password)),
    ]))
      secrets.push(`:${pw}@`);
  const host = u.hostname === '' ? 'localhost' : safeDecode(u.hostname);
  const db = safeDecode(u.pathname.replace(/^\//, '')) || '(default database)';
  return { label: `${host}${u.port ? `:${u.port}` : ''}/${db}`, secrets };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `text` without any of `secrets`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('***');
  return out;
}
