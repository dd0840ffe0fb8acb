// The delivery-time decorator that puts answer links on pages, against a real SQLite ledger: which channels,
// which pages, which links, what their tokens say; and that a link never reaches the file channel, an error
// string, or a page sent without a per-user secret.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answerApproval } from '../../src/app/approvals.ts';
import { linksFor, withPageLinks } from '../../src/app/page-links.ts';
import { channelsFor } from '../../src/app/tick.ts';
import { DEFAULT_SERVER, type ServerSettings } from '../../src/core/incidents/config.ts';
import type { DeliveryResult, Page } from '../../src/core/incidents/types.ts';
import type { Channel, ChannelType } from '../../src/ports.ts';
import { verifyLink } from '../../src/server/links.ts';
import { page as basePage } from '../fixtures/incidents.ts';
import { type FakeServer, startFakeWebhookReceiver } from '../helpers/fake-apis.ts';
import { type LinkLedger, linkLedger, mac, PROJECT, PUBLIC, paging, T0 } from '../server/link-setup.ts';

const NOW = T0 + 1_000;
let ledger: LinkLedger;
beforeEach(async () => {
  ledger = await linkLedger();
});
afterEach(() => ledger.close());

function recorder(type: ChannelType, result: DeliveryResult = { status: 'delivered' }) {
  const sent: Page[] = [];
  const channel: Channel = {
    name: type,
    type,
    minIntervalMs: 0,
    async send(page) {
      sent.push(page);
      return result;
    },
  };
  return { channel, sent };
}

const server = (over: Partial<ServerSettings> = {}): ServerSettings => ({
  ...DEFAULT_SERVER,
  publicUrl: PUBLIC,
  linkTtlMinutes: 30,
  ...over,
});
const deps = (over: Partial<Parameters<typeof withPageLinks>[1]> = {}) => ({
  store: ledger.store,
  projectDir: PROJECT,
  server: server(),
  now: () => NOW,
  mac: () => mac,
  ...over,
});
const pageFor = (incidentId: string, over: Partial<Page> = {}) =>
  basePage(`${incidentId}/x/trigger`, { incidentId, ...over });
const tokenOf = (url: string | null) => url!.slice(`${PUBLIC}/a/`.length);
const check = (url: string | null, now = NOW) => verifyLink(tokenOf(url), { mac, projectDir: PROJECT, now });

describe('which links a page gets', () => {
  it('an approval request: approve and deny until the approval times out, and ack for 30 minutes', async () => {
    const links = await linksFor(pageFor(ledger.approvalIncident.id), deps());
    expect(links.map((l) => [l.action, l.target, l.label])).toEqual([
      ['approve', 'APR-1', 'Approve APR-1'],
      ['deny', 'APR-1', 'Deny APR-1'],
      ['ack', ledger.approvalIncident.id, `Acknowledge ${ledger.approvalIncident.id}`],
    ]);
    for (const l of links) expect(l.url!.startsWith(`${PUBLIC}/a/`)).toBe(true);
    const [approve, deny, ack] = links.map((l) => check(l.url));
    expect(approve).toMatchObject({
      ok: true,
      claims: { action: 'approve', target: 'APR-1', expiresAt: ledger.approval.expiresAt },
    });
    expect(deny).toMatchObject({
      ok: true,
      claims: { action: 'deny', expiresAt: ledger.approval.expiresAt },
    });
    expect(ack).toMatchObject({ ok: true, claims: { action: 'ack', expiresAt: NOW + 30 * 60_000 } });
    // Every link has its own nonce, so spending one leaves the others usable.
    const nonces = [approve, deny, ack].map((c) => (c as { claims: { nonce: string } }).claims.nonce);
    expect(new Set(nonces).size).toBe(3);
  });

  it('a plain incident: ack only', async () => {
    const links = await linksFor(pageFor(ledger.incident.id), deps());
    expect(links.map((l) => l.action)).toEqual(['ack']);
  });

  it.each(['escalate', 'repeat'] as const)('a %s page gets them too', async (action) => {
    expect(await linksFor(pageFor(ledger.incident.id, { action }), deps())).toHaveLength(1);
  });

  it.each(['acknowledge', 'resolve', 'handoff', 'test'] as const)('a %s page gets none', async (action) => {
    expect(await linksFor(pageFor(ledger.incident.id, { action }), deps())).toEqual([]);
  });

  it('a page without an incident, or for an incident the ledger does not have, gets none', async () => {
    expect(await linksFor(pageFor('INC-99'), deps())).toEqual([]);
    expect(await linksFor(basePage('h', { incidentId: null }), deps())).toEqual([]);
  });

  it('an answered approval offers no approve/deny; an acknowledged incident no ack; a closed one nothing', async () => {
    await ledger.store.transact(NOW, (tx) =>
      answerApproval(tx, 'APR-1', 'approved', { kind: 'human', id: 'ana' }, paging, undefined, mac),
    );
    // Approving resolves the request's incident: nothing left to answer.
    expect(await linksFor(pageFor(ledger.approvalIncident.id), deps())).toEqual([]);
    await ledger.store.transact(NOW, (tx) => {
      const i = tx.incident(ledger.incident.id)!;
      tx.saveIncident({ ...i, state: 'acknowledged' });
    });
    expect(await linksFor(pageFor(ledger.incident.id), deps())).toEqual([]);
  });

  it('an approval past its deadline offers ack only', async () => {
    const late = () => ledger.approval.expiresAt;
    const links = await linksFor(pageFor(ledger.approvalIncident.id), deps({ now: late }));
    expect(links.map((l) => l.action)).toEqual(['ack']);
  });

  it('without a public URL the links are there (for Slack buttons) but carry no URL', async () => {
    const links = await linksFor(
      pageFor(ledger.approvalIncident.id),
      deps({ server: server({ publicUrl: null }) }),
    );
    expect(links.map((l) => [l.action, l.url])).toEqual([
      ['approve', null],
      ['deny', null],
      ['ack', null],
    ]);
  });

  it('without a per-user secret there are none', async () => {
    expect(await linksFor(pageFor(ledger.incident.id), deps({ mac: () => undefined }))).toEqual([]);
  });

  it('a ledger that fails means no links, not a failed page', async () => {
    const broken = { ...ledger.store, transact: () => Promise.reject(new Error('SQLITE_BUSY')) };
    const { channel, sent } = recorder('pagerduty');
    const r = await withPageLinks(channel, deps({ store: broken })).send(
      pageFor(ledger.incident.id),
      undefined,
    );
    expect(r).toEqual({ status: 'delivered' });
    expect(sent[0]).not.toHaveProperty('links');
  });
});

describe('which channels get them', () => {
  it.each(['pagerduty', 'slack', 'webhook'] as const)('%s does', async (type) => {
    const { channel, sent } = recorder(type);
    await withPageLinks(channel, deps()).send(pageFor(ledger.incident.id), undefined);
    expect(sent[0]!.links?.map((l) => l.action)).toEqual(['ack']);
  });

  it.each(['file', 'github'] as const)(
    '%s never does, and links on the queued page are dropped',
    async (type) => {
      const { channel, sent } = recorder(type);
      const planted = pageFor(ledger.incident.id, {
        links: [{ action: 'ack', target: 'INC-2', label: 'x', url: 'https://evil.example/' }],
      });
      await withPageLinks(channel, deps()).send(planted, undefined);
      expect(sent[0]).not.toHaveProperty('links');
    },
  );

  it('answerLinks switches them on for GitHub, off for Slack, and never on for the file channel', async () => {
    const on = recorder('github');
    await withPageLinks(on.channel, { ...deps(), answerLinks: true }).send(
      pageFor(ledger.incident.id),
      undefined,
    );
    expect(on.sent[0]!.links?.map((l) => l.action)).toEqual(['ack']);
    const off = recorder('slack');
    await withPageLinks(off.channel, { ...deps(), answerLinks: false }).send(
      pageFor(ledger.incident.id),
      undefined,
    );
    expect(off.sent[0]).not.toHaveProperty('links');
    const file = recorder('file');
    await withPageLinks(file.channel, { ...deps(), answerLinks: true }).send(
      pageFor(ledger.incident.id),
      undefined,
    );
    expect(file.sent[0]).not.toHaveProperty('links');
  });

  it('a network channel gets only the links minted now, never ones that came with the queued page', async () => {
    const { channel, sent } = recorder('webhook');
    const planted = pageFor('INC-99', {
      links: [{ action: 'ack', target: 'INC-2', label: 'x', url: 'https://evil.example/' }],
    });
    await withPageLinks(channel, deps()).send(planted, undefined);
    expect(sent[0]).not.toHaveProperty('links');
  });

  it('keeps the name, type and rate limit of the channel it wraps', () => {
    const { channel } = recorder('slack');
    const w = withPageLinks({ ...channel, minIntervalMs: 1000 }, deps());
    expect([w.name, w.type, w.minIntervalMs]).toEqual(['slack', 'slack', 1000]);
  });
});

describe('tokens stay out of error strings', () => {
  it('an API that echoes the request into its error gets the link replaced', async () => {
    let echoed = '';
    const channel: Channel = {
      name: 'pd',
      type: 'pagerduty',
      minIntervalMs: 0,
      async send(page) {
        const url = page.links![0]!.url!;
        const token = tokenOf(url);
        echoed = url;
        return {
          status: 'failed',
          error: `HTTP 400: bad link ${url}; token ${token}; cut ${token.slice(0, token.indexOf('.') + 10)}`,
        };
      },
    };
    const r = await withPageLinks(channel, deps()).send(pageFor(ledger.incident.id), undefined);
    const token = tokenOf(echoed);
    const [body, sig] = token.split('.');
    expect(r.status).toBe('failed');
    const error = (r as { error: string }).error;
    expect(error).not.toContain(token);
    expect(error).not.toContain(body!);
    expect(error).not.toContain(sig!);
    expect(error).toContain('[REDACTED]');
  });
});

describe('channelsFor wiring', () => {
  let dir: string;
  let receiver: FakeServer;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-sre-page-links-'));
    // channelsFor's channels sign with the real clock.
    receiver = await startFakeWebhookReceiver('whsec-wire');
  });
  afterEach(async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('with a ledger: the webhook gets signed links, the file channel none', async () => {
    const settings = {
      ...paging,
      server: server(),
      channels: {
        hook: { type: 'webhook' as const, url: `${receiver.url}/in`, secretEnv: 'S' },
        file: { type: 'file' as const, path: 'pages.jsonl' },
      },
    };
    const channel = channelsFor(
      settings,
      PROJECT,
      { S: 'whsec-wire' },
      {
        store: ledger.store,
        now: () => NOW,
        mac: () => mac,
      },
    );
    // The file channel resolves its path against the project; point it at the temp dir.
    const fileChannel = channelsFor(
      { ...settings, channels: { file: { type: 'file', path: join(dir, 'pages.jsonl') } } },
      PROJECT,
      {},
      {
        store: ledger.store,
        now: () => NOW,
        mac: () => mac,
      },
    )('file')!;
    const p = pageFor(ledger.approvalIncident.id);
    expect(await channel('hook')!.send({ ...p, channel: 'hook' }, undefined)).toEqual({
      status: 'delivered',
    });
    const body = receiver.requests.at(-1)!.body as { links: Array<{ action: string; url: string }> };
    expect(body.links.map((l) => l.action)).toEqual(['approve', 'deny', 'ack']);
    expect(check(body.links[0]!.url).ok).toBe(true);

    expect(await fileChannel.send({ ...p, channel: 'file' }, undefined)).toEqual({ status: 'delivered' });
    const written = readFileSync(join(dir, 'pages.jsonl'), 'utf8');
    expect(written).toContain(ledger.approvalIncident.id);
    expect(written).not.toContain('/a/');
    expect(written).not.toContain('links');
  });

  it('without a ledger (page test, old callers) pages go out as queued', async () => {
    const settings = {
      ...paging,
      server: server(),
      channels: { hook: { type: 'webhook' as const, url: `${receiver.url}/in`, secretEnv: 'S' } },
    };
    await channelsFor(settings, PROJECT, { S: 'whsec-wire' })('hook')!.send(
      pageFor(ledger.incident.id),
      undefined,
    );
    expect(receiver.requests.at(-1)!.body).not.toHaveProperty('links');
  });
});
