// The dashboard's web app (Hono): the page, its JSON API and live stream, the login link, and the
// sub-apps that answer from elsewhere (signed links, Slack and PagerDuty webhooks). Every request must
// name this server in Host; every page and API call needs the session cookie a login link set; every
// state-changing browser request needs our Origin and the session's CSRF token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import { markdownToSafeHtml } from '../../adapters/markdown/to-html.ts';
import type { HumanAnswer } from '../../app/answers.ts';
import type { CostOf } from '../../app/cost-seam.ts';
import { resolveSession } from '../../app/evidence.ts';
import { draftPostmortem } from '../../app/postmortem.ts';
import type { ServerContext } from '../context.ts';
import { hostAllowed, originAllowed } from '../guards.ts';
import { escapeHtml } from '../link-pages.ts';
import { type RateLimitSpec, rateLimit, tokenBucketLimiter } from '../rate-limit.ts';
import type { SessionDetail } from './api-types.ts';
import { csrfMatches, readLoginToken, SessionTable, spendLogin, type WebSession } from './auth.ts';
import { dashboardState, decisionView, labelled, sessionView } from './state.ts';
import { LedgerWatcher } from './watch.ts';

export interface DashboardAppOptions {
  ctx: ServerContext;
  /** The port the server is bound to (Host and Origin must name it); known only after listen. */
  boundPort: () => number;
  /** Where index.html, app.js and style.css are. */
  assetsDir: string;
  /** Token use per session for the postmortem view; absent: "not available". */
  costOf?: CostOf;
  /** Sub-apps mounted when present: signed action links at /a, webhooks at /hooks. */
  links?: Hono;
  webhooks?: Hono;
  /** Rate limits for the routes reachable without a session (/login, /a); tests lower them. */
  openRoutesLimit?: RateLimitSpec;
  watchIntervalMs?: number;
}

/** 10 a minute per address, 60 in all: a person signs in or follows a link a few times an hour. */
export const OPEN_ROUTES_LIMIT: RateLimitSpec = {
  perAddress: { capacity: 10, perMinute: 10 },
  global: { capacity: 60, perMinute: 60 },
};

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const ASSETS: Record<string, string> = {
  '/app.js': 'text/javascript; charset=utf-8',
  '/style.css': 'text/css; charset=utf-8',
};

const LOGIN_HELP =
  'Open the login link agent-sre serve printed when it started, or run `agent-sre serve --login-link` in the project for a new one.';

function plainPage(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`;
}

type Env = { Variables: { session: WebSession; cookie: string } };

export interface DashboardApp {
  app: Hono<Env>;
  sessions: SessionTable;
  watcher: LedgerWatcher;
}

export function dashboardApp(opts: DashboardAppOptions): DashboardApp {
  const { ctx } = opts;
  const sessions = new SessionTable();
  const watcher = new LedgerWatcher(ctx.store, ctx.now, opts.watchIntervalMs);
  const cookieName = () => `agent_sre_${opts.boundPort()}`;
  const secureCookie = (c: Context) => {
    const pub = ctx.server.publicUrl;
    return !!pub && pub.startsWith('https:') && c.req.header('host') === new URL(pub).host;
  };
  const app = new Hono<Env>();

  app.use('*', async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', 'no-store');
    if (!hostAllowed(c.req.header('host'), ctx.server, opts.boundPort())) {
      ctx.log(
        `refused: Host ${JSON.stringify((c.req.header('host') ?? '').slice(0, 80))} is not this server`,
      );
      return c.text('This server answers only to its own address (DNS rebinding protection).', 421);
    }
    await next();
    return undefined;
  });

  // Login tokens and link tokens are guessed at nowhere near fast enough to matter, but every try costs a
  // MAC and a ledger read: a budget per address and in all keeps a flood from becoming the server's work.
  const open = rateLimit(tokenBucketLimiter(opts.openRoutesLimit ?? OPEN_ROUTES_LIMIT), {
    now: ctx.now,
    log: ctx.log,
    name: 'login/links',
  });
  app.use('/login', open);
  app.use('/a/*', open);
  if (opts.webhooks) app.route('/hooks', opts.webhooks);
  if (opts.links) app.route('/a', opts.links);

  app.get('/login', async (c) => {
    const r = readLoginToken(c.req.query('t'), ctx.mac, ctx.projectDir, ctx.now());
    if (!r.ok) {
      ctx.log(`refused login: ${r.why}`);
      return c.html(plainPage('Login refused', `${r.why}. ${LOGIN_HELP}`), 401);
    }
    if (!(await spendLogin(ctx.store, r.claims, ctx.now()))) {
      ctx.log('refused login: a used login link');
      return c.html(plainPage('Login refused', `This login link was already used. ${LOGIN_HELP}`), 401);
    }
    const { cookie, session } = sessions.create(r.claims.user, ctx.now());
    setCookie(c, cookieName(), cookie, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: secureCookie(c),
      maxAge: Math.floor((session.expiresAt - ctx.now()) / 1000),
    });
    ctx.log(`login: ${r.claims.user}`);
    return c.redirect('/', 303);
  });

  for (const [path, type] of Object.entries(ASSETS))
    app.get(path, (c) => {
      c.header('Content-Type', type);
      return c.body(readFileSync(join(opts.assetsDir, path.slice(1)), 'utf8'));
    });

  // Everything below needs a signed-in session.
  const authed = new Hono<Env>();
  authed.use('*', async (c, next) => {
    const cookie = getCookie(c, cookieName());
    const session = sessions.get(cookie, ctx.now());
    if (!session || !cookie) {
      if (c.req.path.startsWith('/api/')) return c.json({ error: `not signed in. ${LOGIN_HELP}` }, 401);
      return c.html(plainPage('Sign in to agent-sre', LOGIN_HELP), 401);
    }
    if (c.req.method !== 'GET') {
      if (!originAllowed(c.req.header('origin'), ctx.server, opts.boundPort())) {
        ctx.log(
          `refused: ${c.req.method} ${c.req.path} from origin ${JSON.stringify(c.req.header('origin') ?? null)}`,
        );
        return c.json({ error: 'this request did not come from the dashboard (Origin check)' }, 403);
      }
      if (!csrfMatches(c.req.header('x-csrf-token'), session)) {
        ctx.log(`refused: ${c.req.method} ${c.req.path} without the CSRF token`);
        return c.json({ error: 'missing or wrong CSRF token; reload the page' }, 403);
      }
    }
    c.set('session', session);
    c.set('cookie', cookie);
    await next();
    return undefined;
  });

  authed.get('/', (c) => {
    const html = readFileSync(join(opts.assetsDir, 'index.html'), 'utf8').replace(
      '__CSRF__',
      escapeHtml(c.get('session').csrf),
    );
    c.header('Content-Security-Policy', PAGE_CSP);
    return c.html(html);
  });

  authed.post('/logout', (c) => {
    sessions.drop(c.get('cookie'));
    deleteCookie(c, cookieName(), { path: '/' });
    return c.json({ ok: true });
  });

  authed.get('/api/state', async (c) =>
    c.json(
      await dashboardState({
        store: ctx.store,
        ...(ctx.origins ? { origins: await ctx.origins() } : {}),
        policy: ctx.policy,
        projectDir: ctx.projectDir,
        now: ctx.now(),
        user: c.get('session').user,
      }),
    ),
  );

  authed.get('/api/sessions/:id', async (c) => {
    const id = c.req.param('id');
    let state: Awaited<ReturnType<typeof resolveSession>>;
    try {
      state = await resolveSession(ctx.store, id);
    } catch (err) {
      return c.json({ error: (err as Error).message }, 404);
    }
    const events = await ctx.store.events({ sessionId: state.sessionId, limit: 500 });
    const summary = (await ctx.store.listSessions()).find((s) => s.state.sessionId === state.sessionId);
    const origins = await ctx.origins?.();
    const view = await ctx.store.transact(
      ctx.now(),
      (tx) => sessionView(tx, state, summary?.events ?? events.length, events[0]?.ts ?? null, ctx.policy),
      { readonly: true },
    );
    const session = origins ? labelled(view, origins) : view;
    let markdown: string;
    try {
      const pm = await draftPostmortem(
        { subject: state.sessionId },
        {
          store: ctx.store,
          projectDir: ctx.projectDir,
          policy: ctx.policy,
          now: ctx.now(),
          env: {},
          ...(opts.costOf ? { costOf: opts.costOf } : {}),
          ...(origins ? { origins } : {}),
        },
      );
      markdown = pm.markdown;
    } catch (err) {
      markdown = `The postmortem could not be drafted: ${(err as Error).message}`;
    }
    const detail: SessionDetail = {
      session,
      decisions: events.map(decisionView),
      postmortemMarkdown: markdown,
      postmortemHtml: markdownToSafeHtml(markdown),
    };
    return c.json(detail);
  });

  authed.get('/api/stream', (c) =>
    streamSSE(c, async (stream) => {
      const queue: Array<{ event: string; data: string }> = [];
      let wake: (() => void) | undefined;
      const unsubscribe = watcher.subscribe((m) => {
        queue.push(
          m.kind === 'decision'
            ? { event: 'decision', data: JSON.stringify(m.decision) }
            : { event: 'changed', data: '{}' },
        );
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      try {
        await stream.writeSSE({ event: 'ready', data: '{}', retry: 3000 });
        while (open) {
          const m = queue.shift();
          if (m) {
            await stream.writeSSE(m);
            continue;
          }
          // A comment line every 15 s keeps proxies from closing an idle stream.
          let idle: NodeJS.Timeout | undefined;
          await new Promise<void>((res) => {
            wake = res;
            idle = setTimeout(res, 15_000);
          });
          clearTimeout(idle);
          wake = undefined;
          if (open && queue.length === 0) await stream.write(': keepalive\n\n');
        }
      } finally {
        unsubscribe();
      }
    }),
  );

  const answerRoute =
    (parse: (id: string, body: Record<string, unknown>) => HumanAnswer | string) =>
    async (c: Context<Env>) => {
      let body: Record<string, unknown>;
      try {
        body = (await c.req.json()) as Record<string, unknown>;
        if (typeof body !== 'object' || body === null) throw new Error('not an object');
      } catch {
        return c.json({ ok: false, error: 'the request body must be a JSON object' }, 400);
      }
      const answer = parse(c.req.param('id') ?? '', body);
      if (typeof answer === 'string') return c.json({ ok: false, error: answer }, 400);
      try {
        const r = await ctx.answer(answer, { id: c.get('session').user, via: 'dashboard' });
        ctx.log(r.summary);
        return c.json({ ok: true, summary: r.summary });
      } catch (err) {
        return c.json({ ok: false, error: (err as Error).message }, 409);
      }
    };

  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.slice(0, 2000) : undefined);

  authed.post(
    '/api/approvals/:id',
    answerRoute((id, b) => {
      if (b.decision !== 'approve' && b.decision !== 'deny') return 'decision must be "approve" or "deny"';
      const reason = text(b.reason);
      return { kind: 'approval', id, decision: b.decision, ...(reason ? { reason } : {}) };
    }),
  );

  authed.post(
    '/api/incidents/:id',
    answerRoute((id, b) => {
      if (b.action !== 'acknowledge' && b.action !== 'mitigate' && b.action !== 'resolve')
        return 'action must be "acknowledge", "mitigate" or "resolve"';
      const note = text(b.note);
      return { kind: 'incident', id, action: b.action, ...(note ? { note } : {}) };
    }),
  );

  app.route('/', authed);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    ctx.log(`error: ${err.message}`);
    return c.json({ error: 'internal error; see the server log' }, 500);
  });
  return { app, sessions, watcher };
}
