// A Slack interactivity request: `application/x-www-form-urlencoded` with one field, `payload`, holding the
// JSON of a `block_actions` interaction (docs.slack.dev/reference/interaction-payloads/block_actions-payload):
// the `user` who clicked (`id`, `username`, `name`, `team_id`), the `actions` (`action_id`, `value`), the
// `response_url` to answer through and, for a message, the `message` with its `blocks`. Only our own
// buttons count: `agent-sre:ack` with an incident id, `agent-sre:approve` / `agent-sre:deny` with an
// approval id, as the Slack channel renders them.
import type { HumanAnswer } from '../../app/answers.ts';
import { displayName, field, type Json, objectField, parseJson, stringField } from './json-fields.ts';

export const SLACK_ACTIONS = ['agent-sre:ack', 'agent-sre:approve', 'agent-sre:deny'] as const;
export type SlackActionId = (typeof SLACK_ACTIONS)[number];

export interface SlackClick {
  action: SlackActionId;
  /** `INC-3` or `APR-2`. */
  target: string;
  /** The projectTag of the project whose page carried the button. */
  project: string;
  userId: string;
  /** `username`, else `name`, else the id; cleaned for the ledger. */
  userName: string;
  responseUrl: string | null;
  /** The message the buttons were on, to keep its content when replacing it. */
  messageBlocks: Json[] | null;
}

export type SlackParse =
  | { ok: true; click: SlackClick }
  /** `responseUrl` when the payload was readable enough to tell the person why nothing happened. */
  | { ok: false; why: string; responseUrl: string | null };

/** `INC-3@<projectTag>`: the id, and the project whose page the button was on. */
const TARGET: Record<SlackActionId, RegExp> = {
  'agent-sre:ack': /^(INC-[1-9]\d{0,8})@([0-9a-f]{16})$/,
  'agent-sre:approve': /^(APR-[1-9]\d{0,8})@([0-9a-f]{16})$/,
  'agent-sre:deny': /^(APR-[1-9]\d{0,8})@([0-9a-f]{16})$/,
};

export function parseSlackInteraction(body: Uint8Array): SlackParse {
  let form: URLSearchParams;
  try {
    form = new URLSearchParams(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    return { ok: false, why: 'the body is not a form', responseUrl: null };
  }
  const raw = form.get('payload');
  if (raw === null) return { ok: false, why: 'no payload field', responseUrl: null };
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, why: 'the payload is not JSON', responseUrl: null };
  const p = json.value;
  const responseUrl = stringField(p, 'response_url', 2000) ?? null;
  const refuse = (why: string): SlackParse => ({ ok: false, why, responseUrl });
  if (field(p, 'type') !== 'block_actions') return refuse('not a block_actions payload');
  const user = objectField(p, 'user');
  const userId = stringField(user, 'id', 64);
  if (!userId || !/^[A-Z0-9]+$/.test(userId)) return refuse('the payload names no Slack user');
  const rawName = stringField(user, 'username', 200) ?? stringField(user, 'name', 200);
  const userName = (rawName ? displayName(rawName) : '') || userId;
  const actions = field(p, 'actions');
  if (!Array.isArray(actions) || actions.length === 0) return refuse('the payload has no actions');
  const ours = actions.find((a) =>
    (SLACK_ACTIONS as readonly Json[]).includes(field(a, 'action_id') ?? null),
  );
  if (!ours) {
    // A link button (`agent-sre:link:ack`) opens the signed link in the browser, and Slack still reports
    // the click here: that click is answered by the link, so nothing is said back (no response_url).
    const link = actions.some((a) => String(field(a, 'action_id') ?? '').startsWith('agent-sre:link:'));
    if (link) return { ok: false, why: 'a link button: the signed link answers it', responseUrl: null };
    return refuse('not an agent-sre button');
  }
  const action = field(ours, 'action_id') as SlackActionId;
  const value = stringField(ours, 'value', 64);
  const m = value ? TARGET[action].exec(value) : null;
  if (!m) return refuse(`the button's value does not name what ${action} answers`);
  const target = m[1]!;
  const project = m[2]!;
  const blocks = field(objectField(p, 'message'), 'blocks');
  return {
    ok: true,
    click: {
      action,
      target,
      project,
      userId,
      userName,
      responseUrl,
      messageBlocks: Array.isArray(blocks) ? blocks : null,
    },
  };
}

/** The answer a click gives; a denial's reason says who denied it where, since Slack asks for none. */
export function answerOf(click: SlackClick): HumanAnswer {
  switch (click.action) {
    case 'agent-sre:ack':
      return { kind: 'incident', id: click.target, action: 'acknowledge', note: 'in Slack' };
    case 'agent-sre:approve':
      return { kind: 'approval', id: click.target, decision: 'approve' };
    case 'agent-sre:deny':
      return {
        kind: 'approval',
        id: click.target,
        decision: 'deny',
        reason: `denied in Slack by ${click.userName}`,
      };
  }
}

/** Who answered, as the ledger records them: the Slack name with the user id, which cannot be renamed. */
export function slackActorId(click: SlackClick): string {
  return click.userName === click.userId ? click.userId : `${click.userName} (${click.userId})`;
}
