// /a/:token, where a page's signed link lands (mounted at /a by the dashboard app).
//
// GET only shows what the link would do: Slack and mail unfurlers, link scanners and browsers' prefetchers
// all fetch links, so a GET that acted would answer pages nobody read. The answer is a POST from the confirm
// page's form, by a person who typed their name, spent once: the token's nonce is recorded in the same ledger
// transaction as the answer (ServerContext.answer's `once`).
//
// The token is the capability, so it never reaches a log line or an error string; the Referer is withheld
// from every other origin. The confirm page uses `Referrer-Policy: same-origin`, not `no-referrer`: under
// no-referrer a browser sends `Origin: null` with the form's POST (Fetch, "append a request Origin header"),
// and the Origin check would then refuse every real answer.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { HumanAnswer } from '../app/answers.ts';
import { APPROVAL_KIND, type Approval } from '../app/approvals.ts';
import type { Incident } from '../core/incidents/types.ts';
import type { ServerContext } from './context.ts';
import { hostAllowed, originAllowed } from './guards.ts';
import { confirmPage, type Fact, messagePage } from './link-pages.ts';
import { type LinkClaims, type LinkRefusal, verifyLink } from './links.ts';

const MAX_BODY_BYTES = 8 * 1024;
const MAX_NAME = 80;
const MAX_REASON = 1000;

const BASE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex',
};

const html = (status: number, body: string, referrer: 'no-referrer' | 'same-origin' = 'no-referrer') =>
  new Response(body, { status, headers: { ...BASE_HEADERS, 'Referrer-Policy': referrer } });

const refused = (status: number, title: string, text: string) =>
  html(status, messagePage(title, text, 'refused'));

const REFUSAL: Record<LinkRefusal, { status: number; text: string }> = {
  malformed: { status: 400, text: 'This is not an agent-sre link. Check that it was copied whole.' },
  'bad signature': { status: 403, text: 'This link was not signed by this agent-sre: it cannot be used.' },
  'wrong project': { status: 403, text: 'This link belongs to another project than the one served here.' },
  expired: { status: 410, text: 'This link has expired. Answer from the dashboard or with the CLI instead.' },
};

const VERB: Record<LinkClaims['action'], string> = {
  ack: 'Acknowledge',
  approve: 'Approve',
  deny: 'Deny',
};

type Subject =
  | { kind: 'approval'; approval: Approval }
  | { kind: 'incident'; incident: Incident }
  | { kind: 'missing' };

export function linkRoutes(ctx: ServerContext, boundPort: () => number): Hono {
  const app = new Hono();

  const check = (token: string) =>
    verifyLink(token, { mac: ctx.mac, projectDir: ctx.projectDir, now: ctx.now() });
  const log = (claims: LinkClaims | null, what: string) =>
    ctx.log(`link${claims ? ` ${claims.action} ${claims.target}` : ''}: ${what}`);

  app.get('/:token', async (c) => {
    try {
      if (!hostAllowed(c.req.header('host'), ctx.server, boundPort()))
        return refused(403, 'Refused', 'This server does not answer to that host name.');
      const v = check(c.req.param('token'));
      if (!v.ok) {
        log(null, `GET refused (${v.reason})`);
        return refused(REFUSAL[v.reason].status, 'This link cannot be used', REFUSAL[v.reason].text);
      }
      const { claims } = v;
      const subject = await loadSubject(ctx, claims);
      const title = `${VERB[claims.action]} ${claims.target}`;
      const closed = whyClosed(subject, ctx.now());
      if (closed) return html(409, messagePage(title, closed, 'refused', factsOf(subject)));
      const page = confirmPage(title, factsOf(subject), {
        submit: title,
        danger: claims.action === 'deny',
        by: (c.req.query('by') ?? '').slice(0, MAX_NAME),
        reason: claims.action === 'deny' ? 'required' : claims.action === 'approve' ? 'optional' : 'none',
      });
      return html(200, page, 'same-origin');
    } catch {
      log(null, 'GET failed');
      return refused(500, 'Something went wrong', 'The ledger could not be read. Try again in a moment.');
    }
  });

  app.post(
    '/:token',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => refused(413, 'Refused', 'The form was larger than any answer needs.'),
    }),
    async (c) => {
      let claims: LinkClaims | null = null;
      try {
        const port = boundPort();
        if (!hostAllowed(c.req.header('host'), ctx.server, port)) {
          log(null, 'POST refused (host)');
          return refused(403, 'Refused', 'This server does not answer to that host name.');
        }
        if (!originAllowed(c.req.header('origin'), ctx.server, port)) {
          log(null, 'POST refused (origin)');
          return refused(403, 'Refused', 'Answers are taken only from the confirm page this server showed.');
        }
        const v = check(c.req.param('token'));
        if (!v.ok) {
          log(null, `POST refused (${v.reason})`);
          return refused(REFUSAL[v.reason].status, 'This link cannot be used', REFUSAL[v.reason].text);
        }
        claims = v.claims;
        const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/x-www-form-urlencoded')
          return refused(415, 'Refused', 'Send the confirm form as the page does.');
        const form = new URLSearchParams(await c.req.text());
        const by = (form.get('by') ?? '').trim();
        const reason = (form.get('reason') ?? '').trim();
        const problem = formProblem(claims, by, reason);
        if (problem) return refused(400, `${VERB[claims.action]} ${claims.target}`, problem);
        // The ledger refuses most late answers itself; a request past its deadline is not one of them.
        const closed = whyClosed(await loadSubject(ctx, claims), ctx.now());
        if (closed) {
          log(claims, 'POST refused (closed)');
          return refused(409, 'Not done', `Nothing was changed: ${closed}`);
        }
        const answer: HumanAnswer =
          claims.action === 'ack'
            ? { kind: 'incident', id: claims.target, action: 'acknowledge' }
            : {
                kind: 'approval',
                id: claims.target,
                decision: claims.action,
                ...(reason ? { reason } : {}),
              };
        const outcome = await ctx.answer(answer, { id: by, via: 'link' }, { once: claims.nonce });
        log(claims, `answered by ${by}`);
        return html(200, messagePage('Done', outcome.summary, 'done'));
      } catch (error) {
        // ctx.answer's reasons are written for people (already answered, link already used); a token never
        // appears in them, and the stack stays on the server.
        const text = error instanceof Error && error.message ? error.message : 'the answer was not recorded';
        log(claims, `POST refused (${text})`);
        return refused(409, 'Not done', `Nothing was changed: ${text}.`.replace(/\.\.$/, '.'));
      }
    },
  );

  return app;
}

function formProblem(claims: LinkClaims, by: string, reason: string): string | undefined {
  if (!by) return 'Give your name: the answer is recorded as yours.';
  if (by.length > MAX_NAME) return `A name of at most ${MAX_NAME} characters, please.`;
  if (/[\u0000-\u001f\u007f]/.test(by)) return 'A name on one line, please.';
  if (claims.action === 'deny' && !reason) return 'A denial needs a reason: the agent is told why.';
  if (reason.length > MAX_REASON) return `A reason of at most ${MAX_REASON} characters, please.`;
  return undefined;
}

async function loadSubject(ctx: ServerContext, claims: LinkClaims): Promise<Subject> {
  return ctx.store.transact(
    ctx.now(),
    (tx): Subject => {
      if (claims.action === 'ack') {
        const incident = tx.incident(claims.target);
        return incident ? { kind: 'incident', incident } : { kind: 'missing' };
      }
      const rec = tx.record<Approval>(APPROVAL_KIND, claims.target);
      return rec ? { kind: 'approval', approval: rec.data } : { kind: 'missing' };
    },
    { readonly: true },
  );
}

/** Why the link's subject can no longer be answered, or undefined while it can. */
function whyClosed(s: Subject, now: number): string | undefined {
  if (s.kind === 'missing') return 'This project has no such request or incident.';
  if (s.kind === 'approval') {
    const a = s.approval;
    if (a.status === 'pending' && a.expiresAt <= now) return `${a.id} timed out; the agent was denied.`;
    if (a.status !== 'pending')
      return `${a.id} was already answered: ${a.status}${a.answeredBy ? ` by ${a.answeredBy}` : ''}.`;
    return undefined;
  }
  const i = s.incident;
  return i.state === 'triggered' ? undefined : `${i.id} is already ${i.state}.`;
}

function factsOf(s: Subject): Fact[] {
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  if (s.kind === 'approval') {
    const a = s.approval;
    return [
      { label: 'Tool', value: a.tool },
      { label: 'Action', value: a.action },
      { label: 'Rule', value: a.rule },
      { label: 'Why it asks', value: a.reason },
      { label: 'Session', value: a.sessionId },
      { label: 'Waits until', value: iso(a.expiresAt) },
    ];
  }
  if (s.kind === 'incident') {
    const i = s.incident;
    return [
      { label: 'Incident', value: i.title },
      { label: 'Severity', value: i.severity },
      { label: 'State', value: i.state },
      ...(i.source.rule ? [{ label: 'Rule', value: i.source.rule }] : []),
      { label: 'Opened', value: iso(i.milestones.detectedAt) },
    ];
  }
  return [];
}
