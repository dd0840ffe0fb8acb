// The shipper's and the team channel's HTTP: bearer token, a short timeout, no redirects (they would
// carry the token elsewhere), and never a throw. The token never appears in what comes back.
import { scrub } from '../../adapters/notify/http.ts';
import type { TeamSettings } from '../../core/incidents/config.ts';

export const TEAM_API = '/team/v1';
export const TEAM_TIMEOUT_MS = 5_000;

export type TeamReply =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number | null; error: string };

export function teamToken(team: TeamSettings, env: Record<string, string | undefined>): string | undefined {
  const token = env[team.tokenEnv]?.trim();
  return token ? token : undefined;
}

export async function teamRequest(
  team: TeamSettings,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  timeoutMs = TEAM_TIMEOUT_MS,
): Promise<TeamReply> {
  const secrets = { secrets: [token] };
  try {
    const res = await fetch(`${team.url}${TEAM_API}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, body: parsed };
    return {
      ok: false,
      status: res.status,
      error: scrub(`HTTP ${res.status}: ${text.slice(0, 200)}`, secrets),
    };
  } catch (err) {
    const e = err as Error & { cause?: Error };
    const why = e.name === 'TimeoutError' ? 'timed out' : (e.cause?.message ?? e.message);
    return { ok: false, status: null, error: scrub(`team server unreachable: ${why}`, secrets) };
  }
}
