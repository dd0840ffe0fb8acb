// A project as the dashboard sees it after real work, for the browser tests and scripts/screenshot.mjs:
// tool calls go through the real hook pipeline (runClaudeHook: policy, session rules, incidents, cost from
// a transcript) on a clock the caller sets, human answers through applyHumanAnswer, and the dashboard is
// the real server (startDashboard) over the project's SQLite ledger. The per-user secret lives in a scratch
// config directory, shared with any hook process started here, so a gate obeys the dashboard's answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HookAnswer } from '../../src/adapters/agents/claude/hook.ts';
import { type AnsweredBy, applyHumanAnswer, type HumanAnswer } from '../../src/app/answers.ts';
import { APPROVAL_KIND, type Approval } from '../../src/app/approvals.ts';
import type { Environment } from '../../src/app/context.ts';
import { runClaudeHook } from '../../src/app/hook.ts';
import { humanMacForCli } from '../../src/app/human-mac.ts';
import { loadProjectPolicy } from '../../src/app/policy.ts';
import { openLedger } from '../../src/app/store.ts';
import type { Policy } from '../../src/core/policy/types.ts';
import { scaffoldRunbook } from '../../src/core/runbook/scaffold.ts';
import type { LedgerStore } from '../../src/ports.ts';
import type { ServerContext } from '../../src/server/context.ts';
import { type DashboardService, projectContext, startDashboard } from '../../src/server/dashboard/server.ts';

/** The agent's home as the judge sees it; nothing is written there. */
export const SCENE_HOME = '/home/dev';
const ENV: Environment = { home: SCENE_HOME, tempDirs: ['/tmp', '/var/tmp'] };
/** Priced at $10 per million output tokens (src/core/cost/prices.ts), so 100 000 tokens are $1. */
const MODEL = 'claude-sonnet-5-5';

/** Real time unless set: history is written at chosen instants, the live part as it happens. */
export class SceneClock {
  t: number | undefined;
  readonly now = () => this.t ?? Date.now();
}

export interface CallOptions {
  /** What the model spent before this call, appended to the session's transcript (USD). */
  usd?: number;
  /** Time from the call to its PostToolUse. */
  afterMs?: number;
  response?: unknown;
}

export interface ScenePage {
  service: DashboardService;
  ctx: ServerContext;
  store: LedgerStore;
  logs: string[];
}

export interface GateProcess {
  child: ChildProcess;
  /** The hook's exit and what it printed: the decision Claude Code would get. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

let seq = 0;

export class Scene {
  readonly clock = new SceneClock();
  #servers: ScenePage[] = [];
  #children: ChildProcess[] = [];

  private constructor(
    /** What close() removes: the project directory, or the scratch directory around it. */
    private readonly scratch: string,
    readonly dir: string,
    /** XDG_CONFIG_HOME for everything here: the per-user secret that signs answers is under it. */
    readonly userConfig: string,
  ) {}

  /** `name`: the project directory's own name (the dashboard shows its path); a scratch name otherwise. */
  static create(yaml = 'version: 1\ngate: { mode: wait, timeoutSeconds: 600 }\n', name?: string): Scene {
    const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-scene-')));
    const dir = name ? join(scratch, name) : scratch;
    if (name) mkdirSync(dir);
    const userConfig = realpathSync(mkdtempSync(join(tmpdir(), 'agent-sre-scene-xdg-')));
    writeFileSync(join(dir, 'agent-sre.yaml'), yaml);
    // Without a runbook every write waits at tier 3.
    writeFileSync(join(dir, 'AGENTS.md'), scaffoldRunbook({ files: [], dirs: [] }).text);
    mkdirSync(join(dir, 'transcripts'));
    return new Scene(scratch, dir, userConfig);
  }

  transcript(sessionId: string): string {
    return join(this.dir, 'transcripts', `${sessionId}.jsonl`);
  }

  async policy(): Promise<Policy> {
    return (await loadProjectPolicy(this.dir, SCENE_HOME, { cache: false })).compiled.policy;
  }

  /** One hook event through the real pipeline, on the scene's clock. A waiting gate's sleeps pass on it. */
  async hook(input: Record<string, unknown>): Promise<HookAnswer> {
    const a = await runClaudeHook(JSON.stringify(input), {
      env: ENV,
      projectDir: this.dir,
      now: this.clock.now,
      openStore: (d) => openLedger(d),
      sleep: async (ms) => {
        if (this.clock.t === undefined) await new Promise((r) => setTimeout(r, ms));
        else this.clock.t += ms;
      },
      gatePollMs: 1000,
    });
    if (a.exitCode !== 0) throw new Error(`the hook failed (${a.exitCode}): ${a.stderr}`);
    // The hook fails closed with a deny; a scene built on such denials would show nothing real.
    if (a.stdout.includes('could not judge')) throw new Error(`the hook could not judge: ${a.stdout}`);
    return a;
  }

  hookInput(sessionId: string, event: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      session_id: sessionId,
      transcript_path: this.transcript(sessionId),
      cwd: this.dir,
      permission_mode: 'default',
      hook_event_name: event,
      ...extra,
    };
  }

  /** What the model said before a call, as Claude Code writes it: one assistant message with its usage. */
  spend(sessionId: string, usd: number): void {
    const n = ++seq;
    const line = {
      type: 'assistant',
      uuid: `u${n}`,
      sessionId,
      timestamp: new Date(this.clock.now()).toISOString(),
      requestId: `req_scene_${n}`,
      message: {
        model: MODEL,
        id: `msg_scene_${n}`,
        type: 'message',
        role: 'assistant',
        content: [{ type: 'text', text: 'Working on it.' }],
        usage: {
          input_tokens: 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: Math.round(usd * 100_000),
        },
      },
    };
    appendFileSync(this.transcript(sessionId), `${JSON.stringify(line)}\n`);
  }

  /** PreToolUse, then (when it was allowed) PostToolUse. Returns the hook's answer to PreToolUse. */
  async call(sessionId: string, tool: string, input: unknown, o: CallOptions = {}): Promise<string> {
    if (o.usd) this.spend(sessionId, o.usd);
    else appendFileSync(this.transcript(sessionId), '');
    const pre = this.hookInput(sessionId, 'PreToolUse', {
      tool_name: tool,
      tool_input: input,
      tool_use_id: `toolu_scene_${++seq}`,
    });
    const out = (await this.hook(pre)).stdout;
    if (/"permissionDecision":"(deny|ask)"/.test(out)) return out;
    if (this.clock.t !== undefined) this.clock.t += o.afterMs ?? 4000;
    await this.hook({
      ...pre,
      hook_event_name: 'PostToolUse',
      tool_response: o.response ?? { stdout: '', stderr: '', interrupted: false },
      duration_ms: o.afterMs ?? 4000,
    });
    return out;
  }

  /** A human's answer, as any route gives it (signed with the scene's key). */
  async answer(answer: HumanAnswer, by: AnsweredBy): Promise<void> {
    const policy = await this.policy();
    const mac = humanMacForCli({ XDG_CONFIG_HOME: this.userConfig });
    const store = openLedger(this.dir);
    try {
      await store.transact(this.clock.now(), (tx) => applyHumanAnswer(tx, answer, by, policy.paging, mac));
    } finally {
      await store.close();
    }
  }

  /** The real dashboard server over this project, signed with the scene's per-user secret. */
  async serve(o: { watchIntervalMs?: number; port?: number } = {}): Promise<ScenePage> {
    const policy = await this.policy();
    const store = openLedger(this.dir);
    const logs: string[] = [];
    const ctx = projectContext({
      projectDir: this.dir,
      policy,
      store,
      mac: humanMacForCli({ XDG_CONFIG_HOME: this.userConfig }),
      env: {},
      now: this.clock.now,
      log: (l) => logs.push(l),
    });
    const service = await startDashboard({
      ctx,
      port: o.port ?? 0,
      watchIntervalMs: o.watchIntervalMs ?? 200,
    });
    const page = { service, ctx, store, logs };
    this.#servers.push(page);
    return page;
  }

  /**
   * A tier-3 call through the built hook in its own process, as Claude Code runs it: in wait mode it holds
   * the call until a human answers in the ledger. The hook reads the scene's secret to check the answer.
   */
  gateInAnotherProcess(bin: string, sessionId: string, command: string): GateProcess {
    const input = this.hookInput(sessionId, 'PreToolUse', {
      tool_name: 'Bash',
      tool_input: { command, description: 'push the release' },
      tool_use_id: `toolu_scene_${++seq}`,
    });
    const child = spawn(process.execPath, [bin, 'hook', 'claude'], {
      env: {
        ...process.env,
        CLAUDECODE: '',
        CLAUDE_PROJECT_DIR: this.dir,
        XDG_CONFIG_HOME: this.userConfig,
        AGENT_SRE_HOOKD: '0',
        AGENT_SRE_DELIVERY: 'off',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.stdin!.end(JSON.stringify(input));
    const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    return { child, done };
  }

  /** The approvals in the ledger, newest first. */
  async approvals(): Promise<Approval[]> {
    const store = openLedger(this.dir, { readonly: true });
    try {
      return await store.transact(
        Date.now(),
        (tx) =>
          tx
            .records<Approval>(APPROVAL_KIND)
            .map((r) => r.data)
            .sort((a, b) => b.createdAt - a.createdAt),
        { readonly: true },
      );
    } finally {
      await store.close();
    }
  }

  /** Wait until a pending approval is in the ledger (a gate process is waiting on it). */
  async pendingApproval(timeoutMs = 20_000): Promise<Approval> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const pending = (await this.approvals().catch(() => [])).find((a) => a.status === 'pending');
      if (pending) return pending;
      if (Date.now() > end) throw new Error('no approval request appeared in the ledger');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    for (const c of this.#children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
    for (const s of this.#servers) {
      await s.service.close();
      await s.store.close();
    }
    rmSync(this.scratch, { recursive: true, force: true });
    rmSync(this.userConfig, { recursive: true, force: true });
  }
}
