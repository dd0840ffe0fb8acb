// The Channel contract. Every paging adapter runs this suite against a fake of its service (or a temp file):
// lifecycle order and identity, secrets kept off the wire, transient failures reported as `retry`, and a
// `send` that never throws, whatever the endpoint does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelRef, DeliveryResult, Page, PageAction } from '../../src/core/incidents/types.ts';
import type { Channel } from '../../src/ports.ts';

/** A delivery as the service saw it, reduced to what every channel shares. */
export interface ReceivedPage {
  action: PageAction;
  /** How the service tells incidents apart: a dedup key, an issue number. */
  incident: string;
}

export interface ChannelFixture {
  channel: Channel;
  /** Deliveries the service accepted, in arrival order. */
  received(): ReceivedPage[];
  /** Every byte that left for the service (bodies, headers, file contents), for secret scans. */
  wire(): string;
  /** The next delivery meets a transient failure (HTTP 503, a full disk). */
  failNext(kind: 'unavailable'): void;
  /** Undo a failNext that does not undo itself (HTTP fakes fail exactly one request and need none). */
  heal?(): void;
  /** Make the endpoint unreachable for good: the server is closed, the file path is a directory. */
  breakEndpoint(): Promise<void>;
  /** What an unreachable endpoint must give: `retry` for a refused connection. */
  unreachable: 'retry' | 'failed';
  /** The same channel with its credential's environment variable unset, and that variable's name. */
  withoutCredential?: { channel: Channel; envName: string };
  cleanup(): Promise<void>;
}

export const T0 = Date.UTC(2026, 4, 12, 2, 14, 7);

// Made-up secrets in real shapes (AWS's documented example key id). Never live credentials.
export const SECRET_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET_PASSWORD = 'hunter2hunter2';

/** A page as core/incidents/pages.ts builds it, for the given action. */
export function makePage(action: PageAction, over: Partial<Page> = {}): Page {
  const incidentId = over.incidentId === undefined ? 'INC-7' : over.incidentId;
  return {
    key: `${incidentId ?? 'none'}/test-channel/${action}`,
    channel: 'test-channel',
    action,
    incidentId,
    dedupKey: 'tier4.denied/acme-api/sess-42/git.force-push',
    severity: 'SEV2',
    title: `[SEV2] ${incidentId}: Force push to main blocked`,
    body: `Triggered ${incidentId}\nThe agent tried to force-push to a protected branch.`,
    fields: [
      { label: 'Severity', value: 'SEV2' },
      { label: 'State', value: action === 'resolve' ? 'resolved' : 'triggered' },
      { label: 'Source', value: 'tier4.denied' },
      { label: 'Rule', value: 'git.force-push' },
      { label: 'Session', value: 'sess-42' },
      { label: 'Command', value: 'git push --force origin main' },
    ],
    instructions: [
      `agent-sre ack ${incidentId} --dir /work/acme-api`,
      `agent-sre resolve ${incidentId} --dir /work/acme-api`,
    ],
    recipient: null,
    project: '/work/acme-api',
    sessionId: 'sess-42',
    createdAt: T0,
    ...over,
  };
}

/** A page whose every text field carries a secret an agent might have typed. */
export function leakyPage(action: PageAction): Page {
  const page = makePage(action);
  return {
    ...page,
    title: `${page.title} (key ${SECRET_KEY_ID})`,
    body: `${page.body}\nThe command was: mysql password=${SECRET_PASSWORD} -h db`,
    fields: [
      ...page.fields,
      { label: 'Env', value: `AWS_ACCESS_KEY_ID=${SECRET_KEY_ID} password=${SECRET_PASSWORD}` },
    ],
    instructions: [...page.instructions, `export DB_PASSWORD=${SECRET_PASSWORD}`],
  };
}

const ALL_ACTIONS: PageAction[] = [
  'trigger',
  'repeat',
  'escalate',
  'acknowledge',
  'resolve',
  'handoff',
  'test',
];

const refOf = (r: DeliveryResult, prev?: ChannelRef) => (r.status === 'delivered' && r.ref ? r.ref : prev);

export function testChannelContract(
  label: string,
  make: () => Promise<ChannelFixture>,
  opts: { credentialed: boolean } = { credentialed: true },
): void {
  describe(`Channel contract: ${label}`, () => {
    let fx: ChannelFixture;
    beforeEach(async () => {
      fx = await make();
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    /** Send like the delivery worker: pass on the ref each delivery returned. */
    async function lifecycle(pages: Page[]): Promise<DeliveryResult[]> {
      const results: DeliveryResult[] = [];
      let ref: ChannelRef | undefined;
      for (const page of pages) {
        const result = await fx.channel.send(page, ref);
        ref = refOf(result, ref);
        results.push(result);
      }
      return results;
    }

    it('describes itself: name, type and a non-negative rate limit', () => {
      expect(fx.channel.name).toMatch(/\S/);
      expect(['pagerduty', 'slack', 'github', 'webhook', 'file']).toContain(fx.channel.type);
      expect(fx.channel.minIntervalMs).toBeGreaterThanOrEqual(0);
    });

    it('delivers trigger, acknowledge and resolve in order, for one incident', async () => {
      const results = await lifecycle([makePage('trigger'), makePage('acknowledge'), makePage('resolve')]);
      expect(results.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
      const got = fx.received();
      expect(got.map((g) => g.action)).toEqual(['trigger', 'acknowledge', 'resolve']);
      expect(new Set(got.map((g) => g.incident)).size).toBe(1);
      expect(got[0]!.incident).not.toBe('');
    });

    it('delivers every page action without throwing', async () => {
      const results = await lifecycle(ALL_ACTIONS.map((a) => makePage(a)));
      expect(results.map((r) => r.status)).toEqual(ALL_ACTIONS.map(() => 'delivered'));
    });

    it('never puts secret-looking page text on the wire', async () => {
      const results = await lifecycle(ALL_ACTIONS.map(leakyPage));
      expect(results.every((r) => r.status === 'delivered')).toBe(true);
      const wire = fx.wire();
      expect(wire.length).toBeGreaterThan(0);
      expect(wire).not.toContain(SECRET_KEY_ID);
      expect(wire).not.toContain(SECRET_PASSWORD);
      expect(wire).toContain('[REDACTED]');
    });

    it('reports a transient failure as retry, and delivers once it passes', async () => {
      fx.failNext('unavailable');
      const failed = await fx.channel.send(makePage('trigger'), undefined);
      expect(failed.status).toBe('retry');
      expect(failed.status === 'retry' && failed.error).toMatch(/\S/);
      fx.heal?.();
      expect((await fx.channel.send(makePage('trigger'), undefined)).status).toBe('delivered');
    });

    it('never throws when the endpoint is gone', async () => {
      await fx.breakEndpoint();
      for (const action of ALL_ACTIONS) {
        const result = await fx.channel.send(makePage(action), undefined);
        if (fx.channel.type === 'pagerduty' && action === 'handoff') continue; // never sent
        expect(result.status, action).toBe(fx.unreachable);
      }
    });

    it('resolves, never rejects, for a malformed page (a bug upstream is not a crash here)', async () => {
      const badTime = { ...makePage('trigger'), createdAt: Number.NaN };
      const noFields = { ...makePage('trigger'), fields: null } as unknown as Page;
      for (const page of [badTime, noFields]) {
        const result = await fx.channel.send(page, undefined);
        expect(['delivered', 'failed']).toContain(result.status);
      }
    });

    // The file channel has no credential: skipped there, and shown as skipped.
    it.skipIf(!opts.credentialed)(
      'leaves the page for a worker that has the credential, naming the variable',
      async () => {
        expect(
          fx.withoutCredential,
          'a credentialed channel fixture must provide withoutCredential',
        ).toBeDefined();
        const { channel, envName } = fx.withoutCredential!;
        const result = await channel.send(makePage('trigger'), undefined);
        expect(result).toEqual({
          status: 'retry',
          error: expect.stringContaining(envName),
          retryAfterMs: 60_000,
        });
        expect(fx.received()).toEqual([]);
      },
    );
  });
}
