// The HTML a signed link shows: one self-contained page (inline style, no script, no external asset), every
// value escaped. Text comes from the ledger, and parts of it from what the agent typed, so nothing is
// trusted to be markup.

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Fact {
  label: string;
  value: string;
}

export interface ConfirmForm {
  /** The button: `Approve APR-2`. */
  submit: string;
  danger: boolean;
  /** Prefilled name (from `?by=`), or empty. */
  by: string;
  /** A reason field: required for deny, offered for approve, absent for ack. */
  reason: 'required' | 'optional' | 'none';
}

const STYLE = `
body{font:16px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
main{max-width:36rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d8dce3;border-radius:8px}
h1{font-size:1.25rem;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:0 0 1.25rem}
dt{color:#5b6475}dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.45rem;border:1px solid #b9c0cc;border-radius:6px}
button{margin-top:1rem;font:inherit;font-weight:600;padding:.55rem 1.1rem;border:0;border-radius:6px;background:#1f6feb;color:#fff}
button.danger{background:#cf222e}
p.note{color:#5b6475;font-size:.9rem}
.refused{border-color:#cf222e}.done{border-color:#1a7f37}
`;

function layout(title: string, inner: string, kind: '' | 'refused' | 'done' = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main${kind ? ` class="${kind}"` : ''}><h1>${escapeHtml(title)}</h1>
${inner}
</main></body></html>
`;
}

const facts = (list: Fact[]): string =>
  list.length === 0
    ? ''
    : `<dl>${list.map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`).join('')}</dl>`;

/** The confirm page: what the link does, and a form that does it. Posting goes to this same URL. */
export function confirmPage(title: string, list: Fact[], form: ConfirmForm): string {
  const reason =
    form.reason === 'none'
      ? ''
      : `<label for="reason">${form.reason === 'required' ? 'Reason (the agent is told)' : 'Reason (optional)'}</label>
<textarea id="reason" name="reason" rows="3" maxlength="1000"${form.reason === 'required' ? ' required' : ''}></textarea>`;
  const body = `${facts(list)}
<form method="post">
<label for="by">Your name</label>
<input id="by" name="by" value="${escapeHtml(form.by)}" maxlength="80" required autocomplete="name">
${reason}
<button type="submit"${form.danger ? ' class="danger"' : ''}>${escapeHtml(form.submit)}</button>
</form>
<p class="note">Nothing happens until you press the button. The link works once.</p>`;
  return layout(title, body);
}

/** A refusal or a result: a title, one line of explanation, and facts when there are any. */
export function messagePage(
  title: string,
  text: string,
  kind: 'refused' | 'done',
  list: Fact[] = [],
): string {
  return layout(title, `<p>${escapeHtml(text)}</p>${facts(list)}`, kind);
}
