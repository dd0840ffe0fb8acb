// Approvals come only from humans (issue 10, finding 4a): an answer carries a MAC under the per-user
// secret, and the waiting gate obeys only answers whose MAC fits the request it made. Raw SQL against the
// SQLite ledger plays the agent that found a way to write ledger.db.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqlite.ts';
import {
  type Approval,
  answerApproval,
  awaitHumanAnswer,
  type GateDeps,
  requestApproval,
  verifyApproval,
} from '../../src/app/approvals.ts';
import { humanMac, humanMacForCli, humanMacForHook } from '../../src/app/human-mac.ts';
import type { Decision } from '../../src/core/types.ts';
import type { LedgerStore } from '../../src/ports.ts';
import { settings, T0 } from '../fixtures/incidents.ts';

const paging = { ...settings(), gate: { mode: 'wait' as const, timeoutSeconds: 30 } };
const human = { kind: 'human' as const, id: 'alice' };
const decision: Decision = {
  tier: 3,
  verdict: 'ask',
  rule: 'git.push-protected',
  reason: 'Pushes to main.',
  effects: [],
};
const ctx = (at: number) => ({
  project: '/work/proj',
  sessionId: 's1',
  call: { tool: 'Bash', input: { command: 'git push origin main' }, cwd: '/work/proj' },
  decision,
  at,
});

let dir: string;
let file: string;
let store: LedgerStore;
const mac = humanMac(Buffer.alloc(32, 7));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agent-sre-apr-mac-'));
  file = join(dir, 'ledger.db');
  store = openSqliteStore(file);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The agent's move: a write straight into ledger.db, past agent-sre. */
function rawSql(sql: string, ...params: unknown[]): void {
  const db = new Database(file);
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

const request = (at = T0) => store.transact(at, (tx) => requestApproval(tx, ctx(at), paging).approval);
const record = (id: string) => store.transact(0, (tx) => tx.record<Approval>('approval', id));
const approve = (id: string, at: number, key = mac) =>
  store.transact(at, (tx) => answerApproval(tx, id, 'approved', human, paging, 'release day', key));

describe('the approval MAC', () => {
  it('an answer signed on the CLI path verifies against the request the gate holds', async () => {
    const req = await request();
    expect(req.nonce).toMatch(/^[0-9a-f]{32}$/);
    await approve(req.id, T0 + 5);
    const rec = await record(req.id);
    expect(rec?.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyApproval(mac, req, rec!)).toBe(true);
    // Another user's key, or the same secret under another purpose, does not.
    expect(verifyApproval(humanMac(Buffer.alloc(32, 8)), req, rec!)).toBe(false);
  });

  // The request's fields, then the answer's.
  const fields: Array<[string, string, unknown, 'request' | 'answer']> = [
    ['id', '$.id', 'APR-9', 'request'],
    ['session', '$.sessionId', 's2', 'request'],
    ['project', '$.project', '/work/other', 'request'],
    ['tool', '$.tool', 'Write', 'request'],
    ['action', '$.action', 'Bash: ls', 'request'],
    ['rule', '$.rule', 'fs.read', 'request'],
    ['created_at', '$.createdAt', T0 + 1, 'request'],
    ['expires_at', '$.expiresAt', T0 + 999_999, 'request'],
    ['nonce', '$.nonce', '00'.repeat(16), 'request'],
    ['status', '$.status', 'denied', 'answer'],
    ['answered_by', '$.answeredBy', 'mallory', 'answer'],
    ['answered_at', '$.answeredAt', T0 + 6, 'answer'],
    ['answer_reason', '$.answerReason', 'sure', 'answer'],
  ];
  it.each(fields)('a raw UPDATE of %s after signing breaks it', async (_name, path, value, part) => {
    const req = await request();
    await approve(req.id, T0 + 5);
    rawSql(
      "UPDATE records SET data = json_set(data, ?, ?) WHERE kind = 'approval' AND id = ?",
      path,
      value,
      req.id,
    );
    const rec = await record(req.id);
    // Whoever reads the row finds it does not hold together.
    expect(verifyApproval(mac, rec!.data, rec!)).toBe(false);
    // The gate checks against its own copy of the request: a changed answer fails; a request rewritten
    // after the human signed still has the human's answer to the real request, which the gate may obey.
    expect(verifyApproval(mac, req, rec!)).toBe(part === 'request');
  });

  it.each(fields.filter((f) => f[3] === 'request'))(
    'a raw UPDATE of %s before the human signs makes the gate refuse the answer',
    async (_name, path, value) => {
      const req = await request();
      rawSql(
        "UPDATE records SET data = json_set(data, ?, ?) WHERE kind = 'approval' AND id = 'APR-1'",
        path,
        value,
      );
      // The human signs whatever the row now says (an id rewritten away leaves nothing to approve).
      const id = path === '$.id' ? 'APR-1' : req.id;
      await approve(id, T0 + 5);
      const rec = await record(req.id);
      expect(rec?.data.status).toBe('approved');
      expect(verifyApproval(mac, req, rec!)).toBe(false);
    },
  );

  it('a MAC copied from another approval does not fit', async () => {
    const first = await request(T0);
    const second = await request(T0);
    await approve(first.id, T0 + 5);
    // The forger copies the signed answer and its MAC onto the pending request, keeping its id and nonce.
    rawSql(
      `UPDATE records SET
         mac = (SELECT mac FROM records WHERE kind = 'approval' AND id = ?),
         data = json_set(data, '$.status', 'approved', '$.answeredBy', 'alice', '$.answeredAt', ?, '$.answerReason', 'release day')
       WHERE kind = 'approval' AND id = ?`,
      first.id,
      T0 + 5,
      second.id,
    );
    const rec = await record(second.id);
    expect(rec?.mac).toBe((await record(first.id))?.mac);
    expect(verifyApproval(mac, second, rec!)).toBe(false);
  });

  it('the hook cannot sign a yes: approve and deny need a human actor and a key', async () => {
    const req = await request();
    const gate = { kind: 'system' as const, id: 'gate' };
    await expect(
      store.transact(T0 + 1, (tx) => answerApproval(tx, req.id, 'approved', gate, paging, undefined, mac)),
    ).rejects.toThrow(/only a human/);
    await expect(
      store.transact(T0 + 1, (tx) => answerApproval(tx, req.id, 'approved', human, paging)),
    ).rejects.toThrow(/must be signed/);
  });
});

describe('the waiting gate', () => {
  let clock: number;
  let forge: (() => void) | undefined;
  let answerAt: ((t: number) => Promise<void>) | undefined;
  const deps = (over: Partial<GateDeps> = {}): GateDeps => ({
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      forge?.();
      forge = undefined;
      await answerAt?.(clock);
    },
    pollMs: 1000,
    paging,
    mac: () => mac,
    secretPath: '/home/u/.config/agent-sre/secret',
    ...over,
  });
  beforeEach(() => {
    clock = T0;
    forge = undefined;
    answerAt = undefined;
  });
  const forgeApproval = (id: string) => () =>
    rawSql(
      `UPDATE records SET data = json_set(data, '$.status', 'approved', '$.answeredBy', 'alice', '$.answeredAt', ${T0 + 1000}) WHERE kind = 'approval' AND id = ?`,
      id,
    );
  const incidents = () => store.transact(0, (tx) => tx.incidents());

  it('obeys a signed approval', async () => {
    const req = await request();
    answerAt = async (t) => {
      if (t === T0 + 3000) await approve(req.id, t);
    };
    const d = await awaitHumanAnswer(req, decision, store, deps());
    expect(d).toMatchObject({ verdict: 'allow', rule: 'gate.approved' });
  });

  it('ignores a forged approval, pages approval.forged (SEV1) once, and denies at the timeout', async () => {
    const req = await request();
    forge = forgeApproval(req.id);
    const d = await awaitHumanAnswer(req, decision, store, deps());
    expect(clock).toBe(req.expiresAt);
    expect(d).toMatchObject({ verdict: 'deny', tier: 4, rule: 'gate.forged' });
    expect(d.reason).toMatch(/forged answer to APR-1 was detected/);
    const forged = (await incidents()).filter((i) => i.source.kind === 'approval.forged');
    expect(forged).toHaveLength(1);
    expect(forged[0]).toMatchObject({ severity: 'SEV1', alertCount: 1, sessionId: 's1' });
    // The gate's expiry replaced the forgery, signed: the record now says what the agent was told.
    const rec = await record(req.id);
    expect(rec?.data).toMatchObject({ status: 'expired', answeredBy: 'gate' });
    expect(verifyApproval(mac, req, rec!)).toBe(true);
  });

  it('a human can still answer over a forgery while the gate waits', async () => {
    const req = await request();
    forge = forgeApproval(req.id);
    let replaced: unknown;
    answerAt = async (t) => {
      if (t === T0 + 5000) replaced = (await approve(req.id, t)).replaced;
    };
    const d = await awaitHumanAnswer(req, decision, store, deps());
    expect(replaced).toMatchObject({ status: 'approved', answeredBy: 'alice' });
    expect(d).toMatchObject({ verdict: 'allow', rule: 'gate.approved' });
    expect((await incidents()).map((i) => i.source.kind)).toContain('approval.forged');
  });

  it('without a secret it cannot verify: an answer is not obeyed, and the deny says why', async () => {
    const req = await request();
    answerAt = async (t) => {
      if (t === T0 + 2000) await approve(req.id, t);
    };
    const d = await awaitHumanAnswer(req, decision, store, deps({ mac: () => undefined }));
    expect(d).toMatchObject({ verdict: 'deny', rule: 'gate.unverified' });
    expect(d.reason).toContain('there is no per-user secret at /home/u/.config/agent-sre/secret');
  });

  it('an unusable secret is a deny too, and its message carries no secret', async () => {
    const req = await request();
    answerAt = async (t) => {
      if (t === T0 + 2000) await approve(req.id, t);
    };
    const d = await awaitHumanAnswer(
      req,
      decision,
      store,
      deps({
        mac: () => {
          throw new Error('/home/u/.config/agent-sre/secret is open to other users (mode 644)');
        },
      }),
    );
    expect(d).toMatchObject({ verdict: 'deny', rule: 'gate.unverified' });
    expect(d.reason).toMatch(/secret is unusable \(.*mode 644\)/);
  });
});

describe('the per-user secret', () => {
  it('the CLI makes it, the hook only reads it, and both derive the same key', () => {
    const env = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: join(dir, 'home') };
    expect(humanMacForHook(env)).toBeUndefined();
    const cli = humanMacForCli(env);
    const hook = humanMacForHook(env);
    const sig = cli.sign('approval', ['APR-1', 1]);
    expect(hook?.verify('approval', ['APR-1', 1], sig)).toBe(true);
    expect(hook?.verify('approval', ['APR-1', 2], sig)).toBe(false);
  });
});
