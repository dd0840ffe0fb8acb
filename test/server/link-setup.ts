// A real SQLite ledger with an approval request and a plain incident in it, and a ServerContext over it, for
// the signed-link tests. The context spends `once` keys as the server's does: a ledger record written in
// the answer's own transaction (or, with `memoryOnce`, an in-memory set, the brief's fake).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/adapters/store/sqlite.ts';
import { applyHumanAnswer } from '../../src/app/answers.ts';
import { type Approval, requestApproval } from '../../src/app/approvals.ts';
import { humanMac } from '../../src/app/human-mac.ts';
import { raiseSignals } from '../../src/app/incidents.ts';
import { DEFAULT_SERVER, type ServerSettings } from '../../src/core/incidents/config.ts';
import type { Incident } from '../../src/core/incidents/types.ts';
import type { Decision } from '../../src/core/types.ts';
import type { LedgerStore } from '../../src/ports.ts';
import type { ServerContext } from '../../src/server/context.ts';
import { settings, T0 } from '../fixtures/incidents.ts';

export { T0 };
export const PROJECT = '/work/proj';
export const PORT = 47_320;
export const PUBLIC = 'https://sre.example.com';
export const mac = humanMac(Buffer.alloc(32, 7));
export const paging = { ...settings(), gate: { mode: 'wait' as const, timeoutSeconds: 300 } };

const decision: Decision = {
  tier: 3,
  verdict: 'ask',
  rule: 'git.push-protected',
  reason: 'Pushes to <b>main</b> & tags.',
  effects: [],
};

export interface LinkLedger {
  store: LedgerStore;
  approval: Approval;
  /** The incident opened for the approval request. */
  approvalIncident: Incident;
  /** A tier-4 denial's incident: ack only. */
  incident: Incident;
  close(): Promise<void>;
}

export async function linkLedger(): Promise<LinkLedger> {
  const dir = mkdtempSync(join(tmpdir(), 'agent-sre-links-'));
  const store = openSqliteStore(join(dir, 'ledger.db'));
  const approval = await store.transact(
    T0,
    (tx) =>
      requestApproval(
        tx,
        {
          project: PROJECT,
          sessionId: 's1',
          call: { tool: 'Bash', input: { command: 'git push origin main' }, cwd: PROJECT },
          decision,
          at: T0,
        },
        paging,
      ).approval,
  );
  const incident = await store.transact(T0, (tx) => {
    const r = raiseSignals(
      tx,
      [
        {
          kind: 'tier4.denied',
          project: PROJECT,
          sessionId: 's1',
          rule: 'fs.delete-outside-project',
          summary: 'Denied rm -rf ~',
          details: { Action: 'Bash: rm -rf ~' },
          key: 'rm',
          at: T0,
        },
      ],
      paging,
    );
    return r.incidents[0]!;
  });
  const approvalIncident = await store.transact(T0, (tx) => tx.incident(approval.incidentId!)!);
  return {
    store,
    approval,
    approvalIncident,
    incident,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestContext extends ServerContext {
  logs: string[];
  clock: { now: number };
}

export function serverContext(
  store: LedgerStore,
  o: { server?: Partial<ServerSettings>; memoryOnce?: boolean } = {},
): TestContext {
  const logs: string[] = [];
  const clock = { now: T0 + 1_000 };
  const spent = new Set<string>();
  return {
    projectDir: PROJECT,
    policy: {} as ServerContext['policy'],
    paging,
    server: { ...DEFAULT_SERVER, publicUrl: PUBLIC, port: PORT, ...o.server },
    store,
    now: () => clock.now,
    mac,
    env: {},
    logs,
    clock,
    log: (line) => logs.push(line),
    async answer(answer, by, opts) {
      if (o.memoryOnce && opts?.once !== undefined) {
        if (spent.has(opts.once)) throw new Error('this link was already used');
      }
      const r = await store.transact(clock.now, (tx) => {
        if (!o.memoryOnce && opts?.once !== undefined) {
          if (tx.record('link.used', opts.once)) throw new Error('this link was already used');
          tx.putRecord({ kind: 'link.used', id: opts.once, createdAt: tx.now, data: { by: by.id } });
        }
        return applyHumanAnswer(tx, answer, by, paging, mac);
      });
      if (o.memoryOnce && opts?.once !== undefined) spent.add(opts.once);
      return r;
    },
  };
}
