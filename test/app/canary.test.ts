// doctor's canary calls are judged like any call but leave nothing in the ledger, where a canary session
// would count in `sessions`, `report` and the evidence. A ledger the hook could not write still refuses
// them, as it refuses real calls: the canary must keep proving that.
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type HookDeps, runClaudeHook } from '../../src/app/hook.ts';
import { CANARY_SESSION } from '../../src/app/signals.ts';
import { openLedger } from '../../src/app/store.ts';
import type { LedgerStore } from '../../src/ports.ts';
import { withRunbook } from '../e2e/bin.ts';
import { WORLD } from '../helpers/judge.ts';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const dir = withRunbook(realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-canary-'))));
  made.push(dir);
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  return dir;
}

let clock = Date.UTC(2026, 10, 26, 12);
const deps = (dir: string, openStore: HookDeps['openStore'] = (d) => openLedger(d)): HookDeps => ({
  env: { home: WORLD.home, tempDirs: WORLD.tempDirs },
  projectDir: dir,
  now: () => clock++,
  openStore,
});

const pre = (dir: string, sessionId: string, command: string) =>
  JSON.stringify({
    session_id: sessionId,
    transcript_path: '',
    cwd: dir,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command },
    tool_use_id: `toolu_${clock}`,
  });

const decision = (stdout: string) =>
  stdout === ''
    ? 'quiet'
    : (JSON.parse(stdout) as { hookSpecificOutput: { permissionDecision: string } }).hookSpecificOutput
        .permissionDecision;

async function ledger(dir: string) {
  const store = openLedger(dir, { readonly: true });
  try {
    return {
      sessions: (await store.listSessions()).map((s) => s.state.sessionId),
      events: await store.events(),
    };
  } finally {
    await store.close();
  }
}

describe("doctor's canary in the hook", () => {
  it('denies rm -rf ~ and lets ls pass, and writes nothing; a real session is recorded as before', async () => {
    const dir = project();
    const bad = await runClaudeHook(pre(dir, CANARY_SESSION, 'rm -rf ~'), deps(dir));
    const good = await runClaudeHook(pre(dir, CANARY_SESSION, 'ls'), deps(dir));
    expect([decision(bad.stdout), decision(good.stdout)]).toEqual(['deny', 'quiet']);
    expect(await ledger(dir)).toEqual({ sessions: [], events: [] });

    await runClaudeHook(pre(dir, 'sess-real', 'rm -rf ~'), deps(dir));
    const after = await ledger(dir);
    expect(after.sessions).toEqual(['sess-real']);
    expect(after.events.map((e) => [e.sessionId, e.verdict])).toEqual([['sess-real', 'deny']]);
  });

  it('is refused like a real call when the ledger cannot be written', async () => {
    const dir = project();
    const broken = (d: string): LedgerStore => {
      const store = openLedger(d);
      return new Proxy(store, {
        get(target, key, receiver) {
          if (key === 'commit') return () => Promise.reject(new Error('disk I/O error'));
          const v = Reflect.get(target, key, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
    };
    const good = await runClaudeHook(pre(dir, CANARY_SESSION, 'ls'), deps(dir, broken));
    expect(decision(good.stdout)).toBe('deny');
    expect(good.stdout).toContain('ledger.unavailable');
  });
});
