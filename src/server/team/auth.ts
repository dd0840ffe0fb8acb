// The team token, compared in constant time. It proves a machine of the team, not a human: the agent on
// that machine can read it too (docs/team.md), so nothing behind it answers a page or an approval.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

// Hashing both sides first makes the comparison constant-time whatever the lengths.
const digest = (s: string) => createHash('sha256').update(s).digest();

export function bearerAuth(token: string): MiddlewareHandler {
  if (token.length < 16) throw new Error('the team token must be at least 16 characters');
  const want = digest(token);
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
    if (!m || !timingSafeEqual(digest(m[1]!), want)) return c.json({ error: 'unauthorized' }, 401);
    return next();
  };
}
