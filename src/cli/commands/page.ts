import { channelsFor } from '../../app/tick.ts';
import type { Page } from '../../core/incidents/types.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { openProject } from '../project.ts';

const HELP = `Usage: agent-sre page test --channel NAME [--json] [--dir DIR]

Send a real test page through one configured channel, now, and report what the channel answered.
Use it after adding a channel to agent-sre.yaml (PagerDuty, Slack, GitHub, webhook, file) to prove
the credentials in its environment variable work. Nothing is queued; no incident is opened.

Options:
  --channel NAME  a channel name from the channels: section of agent-sre.yaml
  --json          print the channel's answer as JSON
  --dir DIR       the project root (default: found at or above the current directory)
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { channel: { type: 'string' }, json: { type: 'boolean' }, dir: { type: 'string' } },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals[0] !== 'test') throw new UsageError('expected: agent-sre page test --channel NAME');
  const p = await openProject(values.dir, io);
  await p.store.close();
  const names = Object.keys(p.settings.channels);
  if (!values.channel)
    throw new UsageError(`--channel is required; configured: ${names.join(', ') || '(none)'}`);
  const channel = channelsFor(p.settings, p.dir, io.env)(values.channel);
  if (!channel)
    throw new UsageError(`no channel "${values.channel}"; configured: ${names.join(', ') || '(none)'}`);
  const now = Date.now();
  const page: Page = {
    key: `test/${values.channel}/${now}`,
    channel: values.channel,
    action: 'test',
    incidentId: null,
    dedupKey: `agent-sre/test/${values.channel}/${now}`,
    severity: 'SEV4',
    title: `agent-sre test page for channel ${values.channel}`,
    body: 'This is a test page from `agent-sre page test`. No action is needed.',
    fields: [{ label: 'Project', value: p.dir }],
    instructions: [],
    recipient: null,
    project: p.dir,
    sessionId: null,
    createdAt: now,
  };
  const result = await channel.send(page, undefined);
  if (values.json)
    io.stdout(`${JSON.stringify({ channel: values.channel, type: channel.type, ...result })}\n`);
  else if (result.status === 'delivered')
    io.stdout(
      `delivered to ${values.channel} (${channel.type})${result.detail ? `: ${result.detail}` : ''}\n`,
    );
  else io.stdout(`NOT delivered to ${values.channel} (${channel.type}): ${result.status}: ${result.error}\n`);
  return result.status === 'delivered' ? 0 : 1;
}
