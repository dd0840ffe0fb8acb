// The verifiers and payload readers take whatever a client sends. Whatever that is, they return (never
// throw) and never accept a header made without the secret; with it, they always accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePagerDutyWebhook } from '../../../src/server/webhooks/pagerduty-payload.ts';
import {
  pagerDutySignature,
  slackSignature,
  verifyPagerDutySignature,
  verifySlackSignature,
} from '../../../src/server/webhooks/signatures.ts';
import { parseSlackInteraction } from '../../../src/server/webhooks/slack-payload.ts';

const SECRET = 'the-real-secret';
const NOW = 1_764_064_800_000;
const bytes = fc.uint8Array({ maxLength: 512 });
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
/** Headers shaped like the real thing as well as junk, so the property reaches the HMAC comparison. */
const pdHeader = fc.oneof(
  fc.string({ maxLength: 300 }),
  hex64.map((h) => `v1=${h}`),
  fc
    .array(
      hex64.map((h) => `v1=${h}`),
      { minLength: 1, maxLength: 6 },
    )
    .map((a) => a.join(',')),
  fc.constantFrom('', ',', 'v1=', 'v1=,v1=', `v1=${'0'.repeat(64)}`, 'v1=zz'),
);
const slackSig = fc.oneof(
  fc.string({ maxLength: 100 }),
  hex64.map((h) => `v0=${h}`),
);
const slackTs = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer({ min: NOW / 1000 - 400, max: NOW / 1000 + 400 }).map(String),
);
const anything = fc.oneof(fc.anything(), fc.string(), fc.constant(undefined));

describe('signature verifiers (property)', () => {
  it('PagerDuty: never throws and never accepts a header not made with the secret', () => {
    fc.assert(
      fc.property(bytes, fc.oneof(pdHeader, anything), (body, header) => {
        expect(verifyPagerDutySignature(body, header, SECRET)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('PagerDuty: accepts the real signature among any others, for any body', () => {
    fc.assert(
      fc.property(bytes, fc.array(hex64, { maxLength: 3 }), fc.nat(3), (body, others, at) => {
        const list = others.map((h) => `v1=${h}`);
        list.splice(Math.min(at, list.length), 0, pagerDutySignature(body, SECRET));
        expect(verifyPagerDutySignature(body, list.join(','), SECRET)).toBe(true);
      }),
    );
  });

  it('Slack: never throws and never accepts a signature not made with the secret', () => {
    fc.assert(
      fc.property(bytes, fc.oneof(slackTs, anything), fc.oneof(slackSig, anything), (body, ts, sig) => {
        expect(verifySlackSignature(body, ts, sig, SECRET, NOW).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('Slack: accepts the real signature exactly while the timestamp is within 300 s', () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: -600, max: 600 }), (body, skew) => {
        const ts = Math.floor(NOW / 1000) + skew;
        const r = verifySlackSignature(body, String(ts), slackSignature(body, ts, SECRET), SECRET, NOW);
        expect(r.ok).toBe(Math.abs(skew) <= 300);
      }),
    );
  });

  it('a signature made with another secret is refused', () => {
    fc.assert(
      fc.property(bytes, fc.string({ minLength: 1, maxLength: 40 }), (body, other) => {
        fc.pre(other !== SECRET);
        expect(verifyPagerDutySignature(body, pagerDutySignature(body, other), SECRET)).toBe(false);
        const ts = Math.floor(NOW / 1000);
        expect(verifySlackSignature(body, String(ts), slackSignature(body, ts, other), SECRET, NOW).ok).toBe(
          false,
        );
      }),
    );
  });
});

describe('payload readers (property)', () => {
  const enc = new TextEncoder();
  const jsonish = fc.oneof(
    fc.json().map((j) => enc.encode(j)),
    fc.anything().map((v) => enc.encode(JSON.stringify({ event: v }) ?? '')),
    fc
      .anything()
      .map((v) =>
        enc.encode(
          JSON.stringify({ event: { id: 'e', event_type: 'incident.resolved', data: v, agent: v } }) ?? '',
        ),
      ),
    bytes,
  );

  it('the PagerDuty reader never throws, and what it returns is well-typed', () => {
    fc.assert(
      fc.property(jsonish, (body) => {
        const r = parsePagerDutyWebhook(body);
        if (r.ok) {
          expect(typeof r.event.id).toBe('string');
          expect(typeof r.event.type).toBe('string');
          expect(Array.isArray(r.event.incident?.assignees ?? [])).toBe(true);
        } else expect(typeof r.why).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('the Slack reader never throws and only yields our three buttons with well-formed ids', () => {
    const form = fc.oneof(
      fc.string().map((s) => enc.encode(s)),
      fc.anything().map((v) => enc.encode(`payload=${encodeURIComponent(JSON.stringify(v) ?? '')}`)),
      fc
        .record({
          type: fc.constantFrom('block_actions', 'view_submission', 7),
          user: fc.anything(),
          actions: fc.array(
            fc.record({
              action_id: fc.oneof(
                fc.constantFrom('agent-sre:ack', 'agent-sre:approve', 'agent-sre:deny'),
                fc.string(),
              ),
              value: fc.oneof(fc.string(), fc.anything()),
            }),
          ),
          response_url: fc.anything(),
        })
        .map((p) => enc.encode(`payload=${encodeURIComponent(JSON.stringify(p))}`)),
      bytes,
    );
    fc.assert(
      fc.property(form, (body) => {
        const r = parseSlackInteraction(body);
        if (!r.ok) return;
        expect(['agent-sre:ack', 'agent-sre:approve', 'agent-sre:deny']).toContain(r.click.action);
        expect(r.click.target).toMatch(r.click.action === 'agent-sre:ack' ? /^INC-\d+$/ : /^APR-\d+$/);
        expect(r.click.userName).not.toMatch(/[\u0000-\u001f\u007f]/);
      }),
      { numRuns: 2000 },
    );
  });
});
