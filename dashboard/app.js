// The agent-sre dashboard: one page over GET /api/state, the SSE stream and two POST routes; the shapes
// are in src/server/dashboard/api-types.ts. Everything the ledger holds can come from the agent, so it
// reaches the page only as textContent or attribute values we name; the one HTML insert is the
// postmortem, which the server renders and sanitises. No framework and no build step: the page ships as is.

const FEED_CAP = 100;
const SVGNS = 'http://www.w3.org/2000/svg';
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const $ = (id) => document.getElementById(id);

// Server clock minus ours, so countdowns agree with the gate's deadline even when this device's clock drifts.
let skew = 0;
const feed = [];
let project = '';
const feedKeys = new Set();

const now = () => Date.now() + skew;

// Elements from data, never from HTML: a string child becomes a text node.
const h = (tag, attrs, ...kids) => build(document.createElement(tag), attrs, kids);
const s = (tag, attrs, ...kids) => build(document.createElementNS(SVGNS, tag), attrs, kids);

function build(el, attrs, kids) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity))
    if (kid !== null && kid !== undefined && kid !== false && kid !== '') el.append(kid);
  return el;
}

/**
 * Replace a list's children, keeping the element of any item whose data did not change, so a Deny reason
 * being typed or a focused button survives the refresh that every ledger change triggers.
 */
function reconcile(list, items, key, build) {
  const old = new Map();
  for (const el of list.children) old.set(el.dataset.key, el);
  const next = items.map((item) => {
    const k = key(item);
    const json = JSON.stringify(item);
    const prev = old.get(k);
    if (prev && prev.dataset.json === json) return prev;
    const el = build(item);
    el.dataset.key = k;
    el.dataset.json = json;
    if (prev) carry(prev, el);
    return el;
  });
  list.replaceChildren(...next);
}

/** What a person was doing in a card that is rebuilt: typed text, an open form, the focus. */
function carry(from, to) {
  for (const f of from.querySelectorAll('[data-keep]')) {
    const t = to.querySelector(`[data-keep="${f.dataset.keep}"]`);
    if (!t) continue;
    if ('value' in f) t.value = f.value;
    t.hidden = f.hidden;
  }
  const active = document.activeElement;
  if (active && from.contains(active) && active.dataset.keep) {
    queueMicrotask(() => to.querySelector(`[data-keep="${active.dataset.keep}"]`)?.focus());
  }
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function usd(n, digits = 2) {
  return n === null || n === undefined ? '—' : `$${n.toFixed(digits)}`;
}

function sameDay(a, b) {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

function clock(ms) {
  const d = new Date(ms);
  if (sameDay(ms, now()))
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return d.toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

const shortDay = (ms) => new Date(ms).toLocaleDateString([], { month: 'short', day: 'numeric' });

function timeEl(ms, text = clock(ms)) {
  return h('time', { datetime: new Date(ms).toISOString(), title: new Date(ms).toLocaleString() }, text);
}

function span(ms) {
  const sec = Math.max(0, Math.round(ms / 1000));
  if (sec < 60) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 60) return `${min}m ${String(sec % 60).padStart(2, '0')}s`;
  const hr = Math.floor(min / 60);
  if (hr < 48) return `${hr}h ${String(min % 60).padStart(2, '0')}m`;
  return `${Math.floor(hr / 24)}d`;
}

const ago = (ms) => `${span(now() - ms)} ago`;

const BUDGET_LABELS = {
  filesTouched: 'files',
  linesChanged: 'lines',
  externalCalls: 'external calls',
  toolCalls: 'tool calls',
  costUsd: 'cost',
};

const fmtBudget = (name, v) => (name === 'costUsd' ? usd(v) : String(Math.round(v)));

async function post(url, body) {
  let r;
  try {
    r = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Error('the server did not answer (is agent-sre serve still running?)');
  }
  let data = null;
  try {
    data = await r.json();
  } catch {
    // A proxy's HTML error page, or an empty body: the status says enough.
  }
  if (r.status === 401) throw new Error('signed out: open the login link agent-sre serve printed');
  if (!r.ok || !data?.ok) throw new Error(typeof data?.error === 'string' ? data.error : `HTTP ${r.status}`);
  return data;
}

let loading = null;
let loadAgain = false;

/** Fetch /api/state; calls while one is running coalesce into one more fetch after it. */
function load() {
  if (loading) {
    loadAgain = true;
    return loading;
  }
  loading = (async () => {
    try {
      const r = await fetch('/api/state', {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      });
      if (r.status === 401 || r.status === 403) {
        problem('Signed out. Open the one-time login link that agent-sre serve printed.');
        return;
      }
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      render(await r.json());
      problem(null);
    } catch (e) {
      problem(`Could not load the dashboard state: ${e.message}. Retrying when the stream reconnects.`);
    } finally {
      loading = null;
      if (loadAgain) {
        loadAgain = false;
        load();
      }
    }
  })();
  return loading;
}

let loadTimer = null;
function loadSoon() {
  clearTimeout(loadTimer);
  loadTimer = setTimeout(load, 800);
}

function problem(text) {
  $('problem').textContent = text ?? '';
  $('problem').hidden = !text;
}

let toastTimer = null;
function toast(text) {
  const t = $('toast');
  t.textContent = text;
  t.classList.add('on');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('on'), 6000);
}

function render(next) {
  skew = next.now - Date.now();
  project = next.project;
  $('project').textContent = next.project;
  $('user').textContent = next.user;
  renderApprovals(next.approvals);
  renderIncidents(next.incidents);
  renderSessions(next.sessions);
  addDecisions(next.decisions);
  renderOncall(next.oncall);
  renderCost(next.cost);
  renderDrift(next.drift);
  tick();
}

function renderApprovals(approvals) {
  const pending = approvals.filter((a) => a.status === 'pending');
  const answered = approvals.filter((a) => a.status !== 'pending').slice(0, 8);
  reconcile($('approvals-list'), pending, (a) => a.id, approvalCard);
  show('approvals-empty', pending.length === 0);
  $('count-approvals').textContent = pending.length ? String(pending.length) : '';
  document.title = pending.length ? `(${pending.length}) agent-sre` : 'agent-sre';
  // Waiting calls go first; with none, the section steps down below sessions.
  const col = $('col-main');
  if (pending.length) col.prepend($('approvals'));
  else col.insertBefore($('approvals'), $('sessions').nextSibling);
  $('approvals-answered').replaceChildren(
    ...answered.map((a) =>
      h(
        'li',
        { class: `answered ${a.status}` },
        h('span', { class: `badge st-${a.status}` }, a.status),
        ' ',
        h('strong', null, a.id),
        ` ${a.tool} · ${a.action}`,
        a.answeredBy ? ` — by ${a.answeredBy}${a.answeredVia ? ` (${a.answeredVia})` : ''}` : '',
        a.answeredAt ? [' ', timeEl(a.answeredAt)] : '',
        a.answerReason ? h('div', { class: 'muted' }, a.answerReason) : '',
      ),
    ),
  );
  show('approvals-answered-box', answered.length > 0);
}

/** Send an answer with the card's buttons off; a refusal shows in the card, never silently. */
async function act(card, err, send) {
  const buttons = card.querySelectorAll('button');
  err.textContent = '';
  for (const b of buttons) b.disabled = true;
  try {
    toast((await send()).summary ?? 'Recorded');
    await load();
  } catch (e) {
    err.textContent = `Not recorded: ${e.message}`;
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

function approvalCard(a) {
  const recent = a.recent.filter(isDecision);
  const err = h('p', { class: 'error', role: 'alert' });
  let card;
  const reason = h('textarea', {
    id: `deny-${a.id}`,
    name: 'reason',
    rows: 2,
    required: true,
    'data-keep': 'reason',
    'aria-describedby': `deny-help-${a.id}`,
  });
  const answer = (decision, why) =>
    act(card, err, () => post(`/api/approvals/${encodeURIComponent(a.id)}`, { decision, reason: why }));
  const form = h(
    'form',
    {
      class: 'deny-form',
      hidden: true,
      novalidate: true,
      'data-keep': 'deny-form',
      onsubmit: (e) => {
        e.preventDefault();
        const why = reason.value.trim();
        if (!why) {
          err.textContent = 'A denial needs a reason: the agent is told why.';
          reason.setAttribute('aria-invalid', 'true');
          reason.focus();
          return;
        }
        reason.removeAttribute('aria-invalid');
        answer('deny', why);
      },
    },
    h('label', { for: `deny-${a.id}` }, 'Why deny it?'),
    reason,
    h('small', { id: `deny-help-${a.id}`, class: 'muted' }, 'Required. The agent is told this reason.'),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'danger' }, 'Deny with this reason'),
      h('button', { type: 'button', class: 'ghost', onclick: () => (form.hidden = true) }, 'Cancel'),
    ),
  );
  const approve = h(
    'button',
    { type: 'button', class: 'primary', onclick: () => answer('approve') },
    'Approve',
  );
  const deny = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      onclick: () => {
        form.hidden = false;
        reason.focus();
      },
    },
    'Deny…',
  );
  card = h(
    'article',
    { class: 'card approval', 'data-id': a.id, 'aria-label': `Approval ${a.id}` },
    h(
      'header',
      null,
      h('h3', null, h('span', { class: 'tool' }, a.tool), ' · ', withoutTool(a.action, a.tool)),
      h('span', { class: 'countdown', 'data-expires': a.expiresAt }),
    ),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'badge' }, a.id),
      ' session ',
      sessionLink(a.sessionId),
      ' · asked ',
      timeEl(a.createdAt),
      a.incidentId ? ` · ${a.incidentId}` : '',
    ),
    h('p', null, 'Rule ', h('code', null, a.rule), ': ', a.reason),
    a.effects.length
      ? [
          h('h4', null, 'Effects'),
          h(
            'ul',
            { class: 'effects' },
            a.effects.map((e) => h('li', null, h('code', null, e))),
          ),
        ]
      : h('p', { class: 'muted' }, 'No effects recorded for this call.'),
    recent.length
      ? h(
          'details',
          { class: 'recent' },
          h('summary', null, `The session's last ${recent.length} decisions`),
          h('ol', { class: 'feed compact' }, recent.map(decisionItem)),
        )
      : '',
    h('div', { class: 'actions' }, approve, deny),
    form,
    err,
  );
  return card;
}

const NEXT_ACTIONS = {
  triggered: ['acknowledge', 'mitigate', 'resolve'],
  acknowledged: ['mitigate', 'resolve'],
  mitigated: ['resolve'],
};
const ACTION_LABELS = { acknowledge: 'Acknowledge', mitigate: 'Mitigate', resolve: 'Resolve' };
const OPEN = new Set(Object.keys(NEXT_ACTIONS));

function renderIncidents(incidents) {
  const sorted = [...incidents].sort(
    (a, b) => OPEN.has(b.state) - OPEN.has(a.state) || b.createdAt - a.createdAt,
  );
  reconcile($('incidents-list'), sorted, (i) => i.id, incidentCard);
  show('incidents-empty', incidents.length === 0);
  const open = incidents.filter((i) => OPEN.has(i.state)).length;
  $('count-incidents').textContent = open ? String(open) : '';
}

function incidentCard(i) {
  const err = h('p', { class: 'error', role: 'alert' });
  const actions = NEXT_ACTIONS[i.state] ?? [];
  const note = h('input', {
    id: `note-${i.id}`,
    name: 'note',
    type: 'text',
    'data-keep': 'note',
    autocomplete: 'off',
  });
  let card;
  const buttons = actions.map((action) =>
    h(
      'button',
      {
        type: 'button',
        class: action === 'acknowledge' ? 'primary' : null,
        onclick: () =>
          act(card, err, () =>
            post(`/api/incidents/${encodeURIComponent(i.id)}`, {
              action,
              note: note.value.trim() || undefined,
            }).then((r) => {
              // The rebuilt card would carry the note over from this one.
              note.value = '';
              return r;
            }),
          ),
      },
      ACTION_LABELS[action],
    ),
  );
  card = h(
    'article',
    { class: `card incident is-${i.state}`, 'data-id': i.id, 'aria-label': `Incident ${i.id}` },
    h(
      'header',
      null,
      h('h3', null, i.title),
      h('span', { class: `badge sev sev-${i.severity}` }, i.severity),
      h('span', { class: `badge st-${i.state}` }, i.state),
    ),
    h(
      'p',
      { class: 'meta' },
      h('span', { class: 'badge' }, i.id),
      ' opened ',
      timeEl(i.createdAt),
      i.sessionId ? [' · session ', sessionLink(i.sessionId)] : '',
      i.acknowledgedBy ? ` · acknowledged by ${i.acknowledgedBy}` : '',
      i.acknowledgedAt ? [' ', timeEl(i.acknowledgedAt)] : '',
      i.alertCount > 1 ? ` · ${i.alertCount} alerts` : '',
    ),
    i.timeline.length
      ? h(
          'ol',
          { class: 'timeline' },
          i.timeline.map((t) =>
            h(
              'li',
              null,
              timeEl(t.at),
              ' ',
              h('span', { class: 'kind' }, t.kind),
              ' ',
              h('span', { class: 'actor' }, t.actor, t.via ? ` via ${t.via}` : ''),
              t.text ? h('div', null, t.text) : '',
            ),
          ),
        )
      : '',
    buttons.length
      ? [
          h('div', { class: 'note-row' }, h('label', { for: `note-${i.id}` }, 'Note (optional)'), note),
          h('div', { class: 'actions' }, buttons),
        ]
      : '',
    err,
  );
  return card;
}

// Claude Code's session ids are UUIDs: the first block tells them apart on a screen.
const shortId = (id) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

function sessionLink(id) {
  return h(
    'button',
    { type: 'button', class: 'link', title: id, onclick: () => openSession(id) },
    shortId(id),
  );
}

/** The ledger marks a session's end with endedAt and keeps its status; the page says ended. */
const statusOf = (x) => (x.endedAt !== null && x.status === 'active' ? 'ended' : x.status);
const SESSIONS_SHOWN = 8;
let allSessions = false;

function budgetList(budgets) {
  return h(
    'ul',
    { class: 'budgets' },
    budgets.map((b) => {
      const label = BUDGET_LABELS[b.name] ?? b.name;
      const text = `${fmtBudget(b.name, b.used)}${b.limit === null ? '' : ` / ${fmtBudget(b.name, b.limit)}`}`;
      return h(
        'li',
        null,
        h('span', { class: 'bl' }, label),
        b.limit === null
          ? h('span', { class: 'nolimit' }, 'no limit')
          : h('meter', {
              min: 0,
              max: b.limit,
              value: Math.min(b.used, b.limit),
              low: b.limit * 0.6,
              high: b.limit * 0.85,
              optimum: 0,
              'aria-label': `${label} ${text}`,
            }),
        h('span', { class: 'bv' }, text),
      );
    }),
  );
}

const LIVE_STATUSES = new Set(['active', 'escalated']);

function renderSessions(sessions) {
  const sorted = [...sessions].sort(
    (a, b) =>
      LIVE_STATUSES.has(statusOf(b)) - LIVE_STATUSES.has(statusOf(a)) ||
      (b.lastAt ?? b.startedAt) - (a.lastAt ?? a.startedAt),
  );
  const shown = allSessions ? sorted : sorted.slice(0, SESSIONS_SHOWN);
  reconcile($('sessions-body'), shown, (x) => x.id, sessionRow);
  show('sessions-wrap', sessions.length > 0);
  show('sessions-empty', sessions.length === 0);
  const more = $('sessions-more');
  more.textContent = allSessions ? 'Show fewer' : `Show all ${sorted.length} sessions`;
  more.hidden = sorted.length <= SESSIONS_SHOWN;
  more.onclick = () => {
    allSessions = !allSessions;
    renderSessions(sessions);
  };
}

/** Over a team store: the machine and user a session ran as, as text (the agent may have named either). */
const ranOn = (x) =>
  x.machine ? h('div', { class: 'muted small origin' }, `on ${x.machine} as ${x.user}`) : '';

function sessionRow(x) {
  const last = x.lastAt ?? x.startedAt;
  return h(
    'tr',
    null,
    h(
      'td',
      { 'data-label': 'Session' },
      sessionLink(x.id),
      ranOn(x),
      x.cwd !== project ? h('div', { class: 'muted small' }, x.cwd) : '',
      h('div', { class: 'muted small' }, `${x.events} events · ${x.denials} denied`),
    ),
    h('td', { 'data-label': 'Status' }, h('span', { class: `badge st-${statusOf(x)}` }, statusOf(x))),
    h('td', { 'data-label': 'Budgets' }, budgetList(x.budgets)),
    h('td', { 'data-label': 'Cost', class: 'num' }, usd(x.costUsd)),
    h('td', { 'data-label': 'Last activity' }, h('span', { 'data-ago': last }, ago(last))),
  );
}

// The ledger describes a call as `Bash: git push`; under a heading that names the tool, once is enough.
const withoutTool = (action, tool) =>
  action.startsWith(`${tool}: `) ? action.slice(tool.length + 2) : action;

/** A judged call (PreToolUse and the gates), not the bookkeeping events around it. */
const isDecision = (d) => d.verdict !== null;

function decisionKey(d) {
  return `${d.ts}|${d.sessionId}|${d.event}|${d.tool}|${d.summary}`;
}

function addDecisions(list) {
  let added = false;
  for (const d of list.filter(isDecision)) {
    const k = decisionKey(d);
    if (feedKeys.has(k)) continue;
    feedKeys.add(k);
    feed.push(d);
    added = true;
  }
  if (!added && feed.length) return;
  feed.sort((a, b) => b.ts - a.ts);
  for (const d of feed.splice(FEED_CAP)) feedKeys.delete(decisionKey(d));
  reconcile($('feed-list'), feed, decisionKey, decisionItem);
  show('feed-empty', feed.length === 0);
}

function decisionItem(d) {
  const tier = d.tier ?? 0;
  return h(
    'li',
    { class: `decision tier-${tier}` },
    h(
      'div',
      { class: 'line' },
      h('span', { class: 'tier', title: `tier ${tier || '—'}` }, tier ? `T${tier}` : d.event),
      ' ',
      d.verdict ? [h('span', { class: `verdict v-${d.verdict}` }, d.verdict), ' '] : '',
      h('strong', null, d.tool ?? ''),
      d.rule ? [' ', h('code', { class: 'rule' }, d.rule)] : '',
      h('span', { class: 'when' }, timeEl(d.ts)),
    ),
    d.summary && d.summary !== d.tool ? h('div', { class: 'summary' }, d.summary) : '',
    d.reason ? h('div', { class: 'muted small reason' }, d.reason) : '',
    h('div', { class: 'muted small' }, shortId(d.sessionId)),
  );
}

function renderOncall(oncall) {
  $('oncall-list').replaceChildren(
    ...oncall.map((o) =>
      h(
        'li',
        null,
        h('strong', null, o.schedule),
        h(
          'div',
          null,
          'Now: ',
          o.now ? h('span', { class: 'person', title: o.now.person }, o.now.name) : h('em', null, 'nobody'),
          o.now?.until ? [' until ', timeEl(o.now.until)] : '',
        ),
        h(
          'div',
          { class: 'muted' },
          'Next: ',
          o.next ? [h('span', { title: o.next.person }, o.next.name), ' from ', timeEl(o.next.from)] : '—',
        ),
      ),
    ),
  );
  show('oncall-empty', oncall.length === 0);
}

/** Round ticks from lo to hi: steps of 1, 2 or 5 times a power of ten; whole numbers when counting. */
function ticks(lo, hi, whole, want = 4) {
  if (!(hi > lo)) hi = lo + (whole ? 1 : Math.abs(lo) || 1);
  const raw = (hi - lo) / want;
  const p = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw) ?? 10 * p;
  if (whole) step = Math.max(1, Math.round(step));
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const digits = whole ? 0 : Math.max(0, -Math.floor(Math.log10(step)));
  const out = [];
  for (let i = 0; start + i * step <= end + step / 1e6; i++)
    out.push(Number((start + i * step).toFixed(digits)));
  return { values: out, digits };
}

const label = (x, y, text, anchor = 'end', cls = 'tick') =>
  s('text', { x, y, class: cls, 'text-anchor': anchor }, text);
const rule = (x1, x2, y, cls) => s('line', { x1, x2, y1: y, y2: y, class: cls });

function axis(svg, t, y, x0, x1, fmt) {
  for (const v of t.values) svg.append(rule(x0, x1, y(v), 'grid'), label(x0 - 4, y(v) + 3, fmt(v)));
}

function renderCost(cost) {
  const days = cost.perDay;
  const box = $('cost-chart');
  if (!days.length) {
    box.replaceChildren(
      h('p', { class: 'empty' }, 'No spend recorded yet. Cost comes from the agents’ transcripts.'),
    );
    $('cost-note').textContent = '';
    return;
  }
  // Width, height and the margins left, right, top and bottom, in viewBox units.
  const [W, H, L, R, T, B] = [360, 180, 46, 8, 18, 22];
  const max = Math.max(...days.map((d) => d.usd), cost.dayLimitUsd ?? 0);
  const t = ticks(0, max, false);
  const top = t.values.at(-1);
  const y = (v) => T + (H - T - B) * (1 - v / top);
  const slot = (W - L - R) / days.length;
  const today = days.at(-1);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'cost-title' },
    s(
      'title',
      { id: 'cost-title' },
      `Cost per day, last ${days.length} days; ${today.day}: ${usd(today.usd)}${cost.dayLimitUsd === null ? '' : ` of ${usd(cost.dayLimitUsd)}`}`,
    ),
  );
  axis(svg, t, y, L, W - R, (v) => `$${v.toFixed(t.digits)}`);
  const every = Math.ceil(days.length / 7);
  days.forEach((d, i) => {
    const x = L + i * slot + slot * 0.15;
    const over = cost.dayLimitUsd !== null && d.usd > cost.dayLimitUsd;
    svg.append(
      s(
        'rect',
        {
          x,
          y: y(d.usd),
          width: slot * 0.7,
          height: Math.max(0, y(0) - y(d.usd)),
          class: over ? 'bar over' : 'bar',
        },
        s('title', null, `${d.day}: ${usd(d.usd)}`),
      ),
    );
    if ((days.length - 1 - i) % every === 0)
      svg.append(label(x + slot * 0.35, H - 6, d.day.slice(5), 'middle'));
  });
  if (cost.dayLimitUsd !== null) {
    const ly = y(cost.dayLimitUsd);
    svg.append(
      rule(L, W - R, ly, 'limit'),
      label(W - R, ly - 3, `day limit ${usd(cost.dayLimitUsd)}`, 'end', 'tick limit-label'),
    );
  }
  box.replaceChildren(svg);
  const total = days.reduce((sum, d) => sum + d.usd, 0);
  $('cost-note').textContent =
    `Today ${usd(today.usd)}${cost.dayLimitUsd === null ? ' (no day limit set)' : ` of ${usd(cost.dayLimitUsd)}`} · ${days.length} days ${usd(total)}`;
}

function renderDrift(drift) {
  $('drift-alarms').replaceChildren(
    ...drift.alarms.map((a) =>
      h(
        'li',
        { class: 'alarm' },
        h('span', { class: 'badge sev' }, a.incidentId),
        ' ',
        a.title,
        ' ',
        timeEl(a.at),
      ),
    ),
  );
  $('drift-charts').replaceChildren(...drift.series.map(driftChart));
  show('drift-empty', drift.series.length === 0 && drift.alarms.length === 0);
}

function driftChart(series) {
  const [W, H, L, R, T, B] = [300, 120, 40, 8, 8, 18];
  const pts = series.points.filter((p) => p.value !== null);
  const values = pts.map((p) => p.value);
  if (series.baselineValue !== null) values.push(series.baselineValue);
  const whole = values.every(Number.isInteger);
  const t = ticks(values.length ? Math.min(...values) : 0, values.length ? Math.max(...values) : 1, whole, 3);
  const lo = t.values[0];
  const hi = t.values.at(-1);
  const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo || 1));
  const times = series.points.map((p) => p.at);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (at) => (t1 === t0 ? (L + W - R) / 2 : L + ((W - L - R) * (at - t0)) / (t1 - t0));
  const name = `${series.suite} · ${series.metric}`;
  const alarms = series.points.filter((p) => p.alarm).length;
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${name}: ${pts.length} runs, ${alarms} alarms` },
    s('title', null, name),
  );
  axis(svg, t, y, L, W - R, (v) => v.toFixed(t.digits));
  if (series.baselineValue !== null) {
    const by = y(series.baselineValue);
    svg.append(rule(L, W - R, by, 'baseline'), label(W - R, by - 3, 'baseline'));
  }
  // A run without a value breaks the line instead of being drawn as zero.
  let d = '';
  let pen = 'M';
  for (const p of series.points) {
    if (p.value === null) {
      pen = 'M';
      continue;
    }
    d += `${pen}${x(p.at).toFixed(1)} ${y(p.value).toFixed(1)} `;
    pen = 'L';
  }
  if (d) svg.append(s('path', { d, class: 'series' }));
  for (const p of pts) {
    svg.append(
      s(
        'circle',
        { cx: x(p.at), cy: y(p.value), r: p.alarm ? 4.5 : 2, class: p.alarm ? 'pt alarm' : 'pt' },
        s('title', null, `${new Date(p.at).toLocaleString()}: ${p.value}${p.alarm ? ' (drift alarm)' : ''}`),
      ),
    );
  }
  if (times.length) {
    svg.append(label(L, H - 4, shortDay(t0), 'start'), label(W - R, H - 4, shortDay(t1)));
  }
  return h(
    'figure',
    { class: 'drift' },
    svg,
    h(
      'figcaption',
      null,
      name,
      alarms ? h('span', { class: 'alarm-count' }, ` · ${alarms} alarm${alarms > 1 ? 's' : ''}`) : '',
    ),
  );
}

async function openSession(id) {
  const dialog = $('detail');
  $('detail-title').textContent = `Session ${id}`;
  $('detail-body').replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  if (!dialog.open) dialog.showModal();
  try {
    const r = await fetch(`/api/sessions/${encodeURIComponent(id)}`, { credentials: 'same-origin' });
    if (!r.ok) throw new Error(r.status === 404 ? 'no such session in the ledger' : `HTTP ${r.status}`);
    const detail = await r.json();
    const x = detail.session;
    const decisions = detail.decisions.filter(isDecision);
    const pm = h('div', { class: 'postmortem' });
    // The server renders the Markdown and escapes what the agent wrote; this is the page's one HTML insert.
    pm.innerHTML = detail.postmortemHtml;
    $('detail-body').replaceChildren(
      h(
        'p',
        { class: 'meta' },
        h('span', { class: `badge st-${statusOf(x)}` }, statusOf(x)),
        ' started ',
        timeEl(x.startedAt),
        x.endedAt ? [' · ended ', timeEl(x.endedAt)] : '',
        ` · ${x.events} events · ${x.denials} denied · cost ${usd(x.costUsd)}`,
      ),
      ranOn(x),
      h('p', { class: 'muted small' }, x.cwd),
      budgetList(x.budgets),
      h('h3', null, `Decisions (${decisions.length})`),
      decisions.length
        ? h('ol', { class: 'feed compact' }, decisions.map(decisionItem))
        : h('p', { class: 'empty' }, 'No decisions in this session yet.'),
      h('h3', null, 'Postmortem and evidence'),
      pm,
      h(
        'details',
        null,
        h('summary', null, 'Markdown'),
        h('pre', { class: 'md' }, detail.postmortemMarkdown),
      ),
    );
  } catch (e) {
    $('detail-body').replaceChildren(
      h('p', { class: 'error', role: 'alert' }, `Could not load the session: ${e.message}`),
    );
  }
}

$('detail-close').addEventListener('click', () => $('detail').close());
$('detail').addEventListener('click', (e) => {
  if (e.target === e.currentTarget) e.currentTarget.close();
});

function tick() {
  for (const el of document.querySelectorAll('[data-expires]')) {
    const left = Number(el.dataset.expires) - now();
    el.textContent = left > 0 ? `times out in ${span(left)}` : 'timed out: the gate denies it';
    el.classList.toggle('urgent', left < 60_000);
  }
  for (const el of document.querySelectorAll('[data-ago]')) el.textContent = ago(Number(el.dataset.ago));
}
setInterval(tick, 1000);

let retry = 1000;

function setLive(on, text) {
  $('live').textContent = text;
  $('live').classList.toggle('off', !on);
}

/** EventSource retries by itself after a dropped connection but gives up on an HTTP error; we never do. */
function connect() {
  const es = new EventSource('/api/stream');
  es.addEventListener('open', () => {
    retry = 1000;
    setLive(true, 'live');
    // Whatever happened while we were away.
    load();
  });
  es.addEventListener('decision', (e) => {
    try {
      addDecisions([JSON.parse(e.data)]);
    } catch {
      return;
    }
    // Budgets, counts and last activity moved too.
    loadSoon();
  });
  es.addEventListener('changed', () => load());
  es.addEventListener('error', () => {
    setLive(false, 'reconnecting…');
    if (es.readyState === EventSource.CLOSED) {
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30_000);
    }
  });
}

load();
connect();
