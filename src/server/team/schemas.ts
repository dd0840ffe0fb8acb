// Every body the team server takes is untrusted: a machine of the team holds the token, and so does the
// agent on it. Each is checked here field by field before anything reaches the store.
import { z } from 'zod';
import { SEVERITIES, SIGNAL_KINDS } from '../../core/incidents/types.ts';

const MAX_TEXT = 64 * 1024;
const id = z.string().min(1).max(200);
const text = z.string().max(MAX_TEXT);
const ms = z.number().int().min(0).max(8.64e15);
const count = z.number().int().min(0).max(1e12);

export const originSchema = z.strictObject({
  machine: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  user: z.string().min(1).max(64),
  project: z.string().regex(/^[0-9a-f]{16}$/),
  // Printable ASCII without spaces: a remote's host and path, or team.project.
  projectId: z
    .string()
    .regex(/^[\x21-\x7e]{1,300}$/)
    .optional(),
  ledger: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .optional(),
});

const tier = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

export const eventSchema = z.strictObject({
  v: z.literal(1),
  ts: ms,
  sessionId: id,
  event: z.string().min(1).max(100),
  tool: text.nullable(),
  toolUseId: text.nullable(),
  agentId: text.nullable(),
  tier: tier.nullable(),
  verdict: z.string().max(40).nullable(),
  rule: z.string().max(200).nullable(),
  reason: text.nullable(),
  // Effects are the core's own records; their shape is checked where they are read, not re-declared here.
  effects: z
    .array(z.looseObject({ kind: z.enum(['exec', 'delete', 'write', 'read', 'net', 'mcp', 'opaque']) }))
    .max(1000),
  durationMs: z.number().min(0).max(1e9).nullable(),
  input: text.nullable(),
});

export const stateSchema = z.strictObject({
  sessionId: id,
  startedAt: ms,
  endedAt: ms.nullable(),
  cwd: z.string().max(4096),
  status: z.enum(['active', 'escalated', 'terminated', 'ended']),
  consecutiveDenials: count,
  totalDenials: count,
  usage: z.strictObject({
    toolCalls: count,
    filesTouched: count,
    linesAdded: count,
    linesRemoved: count,
    externalCalls: count,
    subagents: count,
  }),
});

export const shipBatchSchema = z.strictObject({
  origin: originSchema,
  items: z
    .array(
      z
        .strictObject({
          seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
          event: eventSchema,
          state: stateSchema,
        })
        .refine((i) => i.event.sessionId === i.state.sessionId, 'event and state name different sessions'),
    )
    .max(1000)
    .refine(
      (items) => items.every((it, i) => i === 0 || it.seq > items[i - 1]!.seq),
      'items must be in increasing seq',
    ),
  spend: z
    .array(z.strictObject({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), usd: z.number().min(0).max(1e9) }))
    .max(31)
    .optional(),
});

const signalKind = z.enum(SIGNAL_KINDS);

export const pageSchema = z.strictObject({
  key: id,
  channel: z.string().min(1).max(200),
  action: z.enum(['trigger', 'repeat', 'escalate', 'acknowledge', 'resolve', 'handoff', 'test']),
  incidentId: z.string().max(100).nullable(),
  dedupKey: z.string().min(1).max(300),
  severity: z.enum(SEVERITIES as ['SEV1', ...string[]]),
  title: z.string().max(2000),
  body: text,
  fields: z.array(z.strictObject({ label: z.string().max(200), value: z.string().max(4000) })).max(100),
  instructions: z.array(z.string().max(2000)).max(50),
  recipient: z.string().max(200).nullable(),
  project: z.string().max(4096),
  sessionId: z.string().max(200).nullable(),
  createdAt: ms,
  links: z.array(z.unknown()).max(0).optional(),
});

export const teamPageSchema = z.strictObject({
  version: z.literal(1),
  origin: originSchema,
  kind: signalKind.nullable(),
  key: z.string().max(300),
  page: pageSchema,
});

export const dayParam = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
