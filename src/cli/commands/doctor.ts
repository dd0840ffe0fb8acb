import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findOurHooks,
  formatVersion,
  isVersionAtLeast,
  MIN_CLAUDE_VERSION,
  type OurHook,
  parseClaudeVersion,
} from '../../adapters/agents/claude/settings.ts';
import { describeOtlp, otlpSettings } from '../../adapters/otel/config.ts';
import { agentChecks } from '../../app/agents-wiring/doctor.ts';
import { processEnvironment } from '../../app/context.ts';
import { gateWaitCheck } from '../../app/hook-timeout.ts';
import { installProblems } from '../../app/install-check.ts';
import { hookCommand, packageRoot } from '../../app/paths.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { type LoadedRunbook, loadRunbook } from '../../app/runbook.ts';
import { CANARY_SESSION } from '../../app/signals.ts';
import { openLedger } from '../../app/store.ts';
import { trustStatus } from '../../app/trust.ts';
import type { AcceptanceCheck } from '../../core/gates/types.ts';
import type { PagingSettings } from '../../core/incidents/config.ts';
import type { Policy } from '../../core/policy/types.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';

const HELP = `Usage: agent-sre doctor [--dir DIR] [--json]

Check that agent-sre really protects this repository:
  node      Node.js is 20 or newer
  policy    agent-sre.yaml is valid (or the embedded default is used)
  paging    every channel's credential variable is set (try one with agent-sre page test)
  runbook   AGENTS.md or CLAUDE.md exists and lints clean (otherwise the agent's writes are gated)
  gate      in gate mode wait, the PreToolUse hook outlasts the gate's wait: both its "timeout" in
            .claude/settings.json (600 s when unset) and the --timeout in its command
  hooks     .claude/settings.json runs agent-sre on PreToolUse with onFailure "block"
  gates     the acceptance gates (Stop, SubagentStop, TaskCompleted) and the PostToolBatch hook are
            installed, with a timeout that outlasts the longest check
  mode      which layout init wrote: fold (the default), http (init --http) or synchronous
            (init --no-fold)
  claude    Claude Code is 2.1.295 or newer (older versions ignore onFailure and fail open)
  ledger    .agent-sre/ledger.db can be written
  trust     agent-sre's own code matches the record a human trusted (agent-sre trust)
  canary    the configured hook command, run exactly as Claude Code runs it, denies \`rm -rf ~\`
            and stays silent on \`ls\`; the canary calls are not recorded, so they never show in
            sessions, report or the dashboard
  http      (init --http) agent-sre serve answers the HTTP hook URL with this environment's
            AGENT_SRE_TOKEN the same way: a deny for \`rm -rf ~\`, nothing for \`ls\`
  codex, gemini, cursor, copilot
            for each agent init --agent wired: its config parses and names an install that exists,
            and the hook answers a canary in that agent's own shape (AGENT:canary); Codex has
            trusted the hooks at their current hash and trusts the project (codex:trust: Codex
            skips an untrusted or changed hook silently); Gemini loads a project's hooks only in
            a trusted folder (gemini:trust, a note)
  otel      whether agent-sre serve exports OpenTelemetry (OTEL_EXPORTER_OTLP_*), and where to;
            header names only, never their values (docs/opentelemetry.md)
Exit code 0 when every check passes, 1 when any fails.
`;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export async function run(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { dir: { type: 'string' }, json: { type: 'boolean' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const dir = values.dir ?? io.cwd;
  const env = processEnvironment(io.env);
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'node', ok: major >= 20, detail: `Node.js ${process.versions.node}` });

  let paging: PagingSettings | undefined;
  let policy: Policy | undefined;
  try {
    const p = await loadProjectPolicy(dir, env.home, { cache: false });
    policy = p.compiled.policy;
    checks.push({ name: 'policy', ok: true, detail: `${p.source}: ${p.compiled.rules.length} rules` });
    paging = p.compiled.policy.paging;
    checks.push(pagingCheck(paging, io.env));
  } catch (err) {
    checks.push({ name: 'policy', ok: false, detail: (err as Error).message });
  }

  let runbook: LoadedRunbook | undefined;
  try {
    runbook = await loadRunbook(dir, env.home, { cache: false });
    checks.push(runbookCheck(runbook, policy));
  } catch (err) {
    checks.push({ name: 'runbook', ok: false, detail: (err as Error).message });
  }

  const settingsPath = join(dir, '.claude', 'settings.json');
  let hook: { command: string; args: string[] } | undefined;
  let httpUrl: string | undefined;
  const others = agentChecks(dir, env.home, io.env);
  if (!existsSync(settingsPath) && others.length > 0) {
    // Wired for other agents only (init --agent codex ...): no Claude Code settings is not a failure.
  } else if (!existsSync(settingsPath)) {
    checks.push({ name: 'hooks', ok: false, detail: `${settingsPath} is missing: run agent-sre init` });
  } else {
    try {
      const ours = findOurHooks(JSON.parse(readFileSync(settingsPath, 'utf8')), hookCommand());
      const pre = ours.find((h) => h.event === 'PreToolUse');
      const entry = pre?.entry as
        | {
            type?: string;
            url?: string;
            command?: string;
            args?: string[];
            onFailure?: string;
            timeout?: number;
          }
        | undefined;
      if (!entry)
        checks.push({ name: 'hooks', ok: false, detail: 'no agent-sre PreToolUse hook: run agent-sre init' });
      else {
        if (entry.type === 'http') {
          httpUrl = entry.url;
          // The command canary still matters: SessionStart and the Stop-type gates stay commands.
          const cmd = ours.find((h) => h.entry.type !== 'http')?.entry as
            | { command?: string; args?: string[] }
            | undefined;
          if (cmd) hook = { command: cmd.command ?? '', args: cmd.args ?? [] };
        } else hook = { command: entry.command ?? '', args: entry.args ?? [] };
        const failClosed = entry.onFailure === 'block';
        checks.push({
          name: 'hooks',
          ok: failClosed,
          detail: `${ours.map((h) => h.event).join(', ')}${failClosed ? ', onFailure block' : '; onFailure is not "block": a crashing hook would let calls through'}`,
        });
        checks.push(modeCheck(ours));
        if (paging?.gate.mode === 'wait')
          checks.push(gateWaitCheck(paging.gate, entry as Record<string, unknown>));
        if (policy) checks.push(stopHooksCheck(ours, policy, runbook?.compiled?.checks ?? []));
      }
    } catch (err) {
      checks.push({ name: 'hooks', ok: false, detail: `${settingsPath}: ${(err as Error).message}` });
    }
  }
  // The settings are committed; the package may not be installed on this machine (a teammate, CI).
  const install = installProblems(dir);
  if (install.length > 0)
    checks.push({
      name: 'install',
      ok: install.every((p) => p.severity !== 'error'),
      detail: install.map((p) => `${p.severity}: ${p.message} Fix: ${p.fix}`).join('\n'),
    });

  const cv = spawnSync('claude', ['--version'], { encoding: 'utf8', timeout: 5000 });
  const version = cv.status === 0 ? parseClaudeVersion(cv.stdout) : undefined;
  checks.push(
    version
      ? {
          name: 'claude',
          ok: isVersionAtLeast(version, MIN_CLAUDE_VERSION),
          detail: `Claude Code ${formatVersion(version)} (need ${formatVersion(MIN_CLAUDE_VERSION)}+)`,
        }
      : {
          name: 'claude',
          ok: false,
          detail: 'claude not found on PATH; onFailure "block" needs Claude Code 2.1.295+',
        },
  );

  try {
    const store = openLedger(dir);
    await store.listSessions();
    await store.close();
    checks.push({ name: 'ledger', ok: true, detail: join(dir, '.agent-sre', 'ledger.db') });
  } catch (err) {
    checks.push({ name: 'ledger', ok: false, detail: (err as Error).message });
  }

  // Before the canary: a canary refused because the code changed would otherwise look like a broken hook.
  const trust = trustStatus(packageRoot(), io.env);
  checks.push({ name: 'trust', ok: trust.ok, detail: trust.detail });
  checks.push(canary(hook ?? hookCommand(), dir, io.env, hook === undefined));
  if (httpUrl) checks.push(await httpCanary(httpUrl, dir, io.env));
  checks.push(...others);
  checks.push(otelCheck(io.env));

  if (values.json) io.stdout(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2)}\n`);
  else for (const c of checks) io.stdout(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(7)} ${c.detail}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

/** AGENTS.md / CLAUDE.md present and clean: otherwise the hook gates the agent's writes. */
function runbookCheck(runbook: LoadedRunbook, policy: Policy | undefined): Check {
  const tier = policy?.runbook.missingTier ?? 3;
  const effect = tier > 1 ? `; the agent's writes are gated at tier ${tier} until it is fixed` : '';
  if (runbook.now.hash === null)
    return {
      name: 'runbook',
      ok: false,
      detail: `no AGENTS.md or CLAUDE.md${effect} (agent-sre init scaffolds one)`,
    };
  if (runbook.now.errors > 0)
    return {
      name: 'runbook',
      ok: false,
      detail: `${runbook.now.files.join(', ')}: ${runbook.now.errors} lint error(s), first ${runbook.now.firstError}${effect} (agent-sre runbook lint)`,
    };
  const compiled = runbook.compiled;
  return {
    name: 'runbook',
    ok: true,
    detail: `${runbook.now.files.join(', ')}: lints clean; ${compiled?.rules.length ?? 0} rule(s), ${compiled?.checks.length ?? 0} Stop check(s) compiled`,
  };
}

/** The acceptance gates are installed, with a timeout that outlasts the longest check. */
function stopHooksCheck(ours: OurHook[], policy: Policy, runbookChecks: readonly AcceptanceCheck[]): Check {
  // No PostToolUse(Failure) hook is needed: the hook records each call's result from the transcript.
  const wanted = ['Stop', 'SubagentStop', 'TaskCompleted', 'PostToolBatch'];
  const missing = wanted.filter((e) => !ours.some((h) => h.event === e));
  if (missing.length > 0)
    return {
      name: 'gates',
      ok: false,
      detail: `no agent-sre hook on ${missing.join(', ')}: run agent-sre init again to install the acceptance gates`,
    };
  const checks = [...policy.acceptance.checks, ...(policy.acceptance.runbookChecks ? runbookChecks : [])];
  const longest = Math.max(0, ...checks.map((c) => c.timeoutSeconds));
  const short = ours.filter(
    (h) =>
      ['Stop', 'SubagentStop', 'TaskCompleted'].includes(h.event) &&
      Number(h.entry.timeout ?? 600) < longest + 30,
  );
  if (short.length > 0)
    return {
      name: 'gates',
      ok: false,
      detail: `the ${short.map((h) => h.event).join(', ')} hook timeout is under the longest check (${longest} s) + 30 s: Claude Code would let the agent stop unchecked; run agent-sre init again`,
    };
  return {
    name: 'gates',
    ok: true,
    detail: `${checks.length} acceptance check(s)${checks.length ? `, longest ${longest} s` : ''}; burst throttle ${policy.burst.enabled ? 'on' : 'off'}`,
  };
}

/** Every channel's credential variable is set (values are never shown). */
function pagingCheck(paging: PagingSettings, env: NodeJS.ProcessEnv): Check {
  const missing: string[] = [];
  for (const [name, c] of Object.entries(paging.channels)) {
    const vars = Object.entries(c)
      .filter(([k, v]) => k.endsWith('Env') && typeof v === 'string')
      .map(([, v]) => v as string);
    for (const v of vars) if (!env[v]) missing.push(`${name} needs $${v}`);
  }
  const names = Object.entries(paging.channels).map(([n, c]) => `${n} (${c.type})`);
  return missing.length === 0
    ? { name: 'paging', ok: true, detail: `channels: ${names.join(', ')}; gate mode ${paging.gate.mode}` }
    : {
        name: 'paging',
        ok: false,
        detail: `${missing.join('; ')} in this environment (and in the one the hook, tick and serve run in). Try: agent-sre page test --channel NAME`,
      };
}

/** POST the canaries to the HTTP hook URL the way Claude Code would, with the token from this environment. */
async function httpCanary(url: string, dir: string, env: NodeJS.ProcessEnv): Promise<Check> {
  const token = env.AGENT_SRE_TOKEN;
  if (!token)
    return {
      name: 'http',
      ok: false,
      detail:
        'AGENT_SRE_TOKEN is not set: Claude Code sends it to agent-sre serve, and every tool call is refused without it. export AGENT_SRE_TOKEN=$(agent-sre serve --print-token)',
    };
  const post = async (command: string) => {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: canaryInput(dir, command, 'toolu_doctor_http'),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: r.status, body: await r.text() };
  };
  try {
    const t0 = performance.now();
    const bad = await post('rm -rf ~');
    const ms = Math.round(performance.now() - t0);
    const good = await post('ls');
    if (/not present the agent-sre token/.test(bad.body))
      return {
        name: 'http',
        ok: false,
        detail: `${url}: the server refused AGENT_SRE_TOKEN; set it from \`agent-sre serve --print-token\` (as the user the server runs as)`,
      };
    const denied = bad.status === 200 && /"permissionDecision":"deny"/.test(bad.body);
    const quiet = good.status === 200 && good.body.trim() === '';
    if (denied && quiet)
      return {
        name: 'http',
        ok: true,
        detail: `agent-sre serve denied rm -rf ~ and allowed ls; ${ms} ms per call`,
      };
    return {
      name: 'http',
      ok: false,
      detail: `agent-sre serve did not behave: rm -rf ~ -> ${bad.status} ${JSON.stringify(bad.body.slice(0, 200))}; ls -> ${good.status} ${JSON.stringify(good.body.slice(0, 200))}`,
    };
  } catch (err) {
    return {
      name: 'http',
      ok: false,
      detail: `${url} does not answer (${(err as Error).message}): start agent-sre serve --http; until then every tool call is refused`,
    };
  }
}

/** Run the hook the way Claude Code would: exec form, JSON on stdin, the project dir in the env. */
function canary(
  hook: { command: string; args: string[] },
  dir: string,
  env: NodeJS.ProcessEnv,
  fallback: boolean,
): Check {
  const input = (command: string) => canaryInput(dir, command, 'toolu_doctor');
  const opts = { encoding: 'utf8' as const, timeout: 10_000, env: { ...env, CLAUDE_PROJECT_DIR: dir } };
  const t0 = performance.now();
  const bad = spawnSync(hook.command, hook.args, { ...opts, input: input('rm -rf ~') });
  const ms = Math.round(performance.now() - t0);
  const good = spawnSync(hook.command, hook.args, { ...opts, input: input('ls') });
  const denied = bad.status === 0 && /"permissionDecision":"deny"/.test(bad.stdout ?? '');
  const quiet = good.status === 0 && (good.stdout ?? '').trim() === '';
  const via = fallback ? ' (installed hook not found; ran this installation)' : '';
  if (denied && quiet)
    return {
      name: 'canary',
      ok: true,
      detail: `hook denied rm -rf ~ and allowed ls; ${ms} ms per call${via}`,
    };
  return {
    name: 'canary',
    ok: false,
    detail: `hook did not behave: rm -rf ~ -> exit ${bad.status} ${JSON.stringify((bad.stdout || bad.stderr || '').slice(0, 200))}; ls -> exit ${good.status} ${JSON.stringify((good.stdout || good.stderr || '').slice(0, 200))}${via}`,
  };
}

/**
 * Which path the tool-call hooks take: HTTP to agent-sre serve, folded commands (the after-the-call hooks
 * async, caught up from the transcript), or synchronous commands (`init --no-fold`).
 */
function modeCheck(ours: readonly { event: string; entry: Record<string, unknown> }[]): Check {
  const on = (event: string) => ours.filter((h) => h.event === event);
  const record = [...on('PostToolUse'), ...on('PostToolUseFailure')];
  const batch = on('PostToolBatch');
  const batchAsync = batch.length > 0 && batch.every((h) => h.entry.async === true);
  const rerun = (how: string) => `; the older layout with PostToolUse hooks (${how} rewrites it)`;
  if (ours.some((h) => h.event === 'PreToolUse' && h.entry.type === 'http'))
    return {
      name: 'mode',
      ok: true,
      detail: `http: PreToolUse goes to agent-sre serve --http (no process per call; it must be running)${
        record.length > 0 || !batchAsync
          ? rerun('agent-sre init --http')
          : ", PostToolBatch runs in the background, each call's PostToolUse is recorded from the transcript"
      }`,
    };
  if (record.length === 0 && batchAsync)
    return {
      name: 'mode',
      ok: true,
      detail:
        "fold: one blocking hook process per tool call; PostToolBatch runs in the background (a burst is refused at the next call), each call's PostToolUse is recorded from the transcript",
    };
  const post = [...record, ...batch];
  const async = post.filter((h) => h.entry.async === true).map((h) => h.event);
  if (post.length > 0 && async.length === post.length)
    return { name: 'mode', ok: true, detail: `fold${rerun('agent-sre init')}` };
  if (async.length === 0 && record.length > 0)
    return {
      name: 'mode',
      ok: true,
      detail: 'synchronous (init --no-fold): three hook processes per tool call',
    };
  return {
    name: 'mode',
    ok: true,
    detail: `mixed: ${async.join(', ') || 'none'} async, ${
      post
        .filter((h) => h.entry.async !== true)
        .map((h) => h.event)
        .join(', ') || 'no other after-the-call hook'
    } synchronous (agent-sre init rewrites them)`,
  };
}

/** The canary's PreToolUse: a Bash call under the canary session, which the hook judges but never records. */
function canaryInput(dir: string, command: string, toolUseId: string): string {
  return JSON.stringify({
    session_id: CANARY_SESSION,
    transcript_path: '',
    cwd: dir,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command },
    tool_use_id: toolUseId,
  });
}

/** Off is not a failure; a protocol the exporters cannot speak is, since nothing would arrive. */
function otelCheck(env: Record<string, string | undefined>): Check {
  const s = otlpSettings(env);
  if (!s) {
    const stripped =
      env.CLAUDECODE === '1'
        ? ' (Claude Code removes OTEL_* from what it runs: run doctor in the shell that starts serve)'
        : '';
    return { name: 'otel', ok: true, detail: `off: no OTEL_EXPORTER_OTLP_* endpoint set${stripped}` };
  }
  const detail = `agent-sre serve exports ${describeOtlp(s)}`;
  return { name: 'otel', ok: s.warnings.length === 0, detail: [detail, ...s.warnings].join('; ') };
}
