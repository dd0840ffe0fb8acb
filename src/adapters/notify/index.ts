// Build a paging channel from its agent-sre.yaml entry. Factories never throw for a missing credential:
// the channel reports it on every send as a failed delivery naming the variable to set.
import type { ChannelConfig } from '../../core/incidents/config.ts';
import type { Channel } from '../../ports.ts';
import { createFileChannel } from './file.ts';
import { createGitHubChannel } from './github.ts';
import type { ChannelDeps } from './http.ts';
import { createPagerDutyChannel } from './pagerduty.ts';
import { createSlackChannel } from './slack.ts';
import { createWebhookChannel } from './webhook.ts';

export type { ChannelDeps } from './http.ts';
export { verifyWebhookSignature } from './webhook.ts';

export function createChannel(name: string, config: ChannelConfig, deps: ChannelDeps): Channel {
  switch (config.type) {
    case 'pagerduty':
      return createPagerDutyChannel(name, config, deps);
    case 'slack':
      return createSlackChannel(name, config, deps);
    case 'github':
      return createGitHubChannel(name, config, deps);
    case 'webhook':
      return createWebhookChannel(name, config, deps);
    case 'file':
      return createFileChannel(name, config, deps);
  }
}
