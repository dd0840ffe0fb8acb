import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findOurHooks,
  formatVersion,
  isVersionAtLeast,
  MIN_CLAUDE_VERSION,
  parseClaudeVersion,
} from '../../adapters/agents/claude/settings.ts';
import { processEnvironment } from '../../app/context.ts';
import { hookCommand } from '../../app/paths.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { openLedger } from '../../app/store.ts';
import { parse } from '../args.ts';
import type { Io } from '../io.ts';

const HELP = `Usage: agent-sre doctor [--dir DIR] [--json]

Check that agent-sre really protects this repository:
  node      Node.js is 20 or newer
  policy    agent-sre.yaml is valid (or the embedded default is used)
  hooks     .claude/settings.json runs agent-sre on PreToolUse with onFailure "block"
  claude    Claude Code is 2.1.295 or newer (older versions ignore onFailure and fail open)
  ledger    .agent-sre/ledger.db can be written
  canary    the configured hook command, run exactly as Claude Code runs it, denies \`rm -rf ~\`
            and stays silent on \`ls\`
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

  try {
    const p = await loadProjectPolicy(dir, env.home, { cache: false });
    checks.push({ name: 'policy', ok: true, detail: `${p.source}: ${p.compiled.rules.length} rules` });
  } catch (err) {
    checks.push({ name: 'policy', ok: false, detail: (err as Error).message });
  }

  const settingsPath = join(dir, '.claude', 'settings.json');
  let hook: { command: string; args: string[] } | undefined;
  if (!existsSync(settingsPath)) {
    checks.push({ name: 'hooks', ok: false, detail: `${settingsPath} is missing: run agent-sre init` });
  } else {
    try {
      const ours = findOurHooks(JSON.parse(readFileSync(settingsPath, 'utf8')), hookCommand());
      const pre = ours.find((h) => h.event === 'PreToolUse');
      const entry = pre?.entry as { command?: string; args?: string[]; onFailure?: string } | undefined;
      if (!entry)
        checks.push({ name: 'hooks', ok: false, detail: 'no agent-sre PreToolUse hook: run agent-sre init' });
      else {
        hook = { command: entry.command ?? '', args: entry.args ?? [] };
        const failClosed = entry.onFailure === 'block';
        checks.push({
          name: 'hooks',
          ok: failClosed,
          detail: `${ours.map((h) => h.event).join(', ')}${failClosed ? ', onFailure block' : '; onFailure is not "block": a crashing hook would let calls through'}`,
        });
      }
    } catch (err) {
      checks.push({ name: 'hooks', ok: false, detail: `${settingsPath}: ${(err as Error).message}` });
    }
  }

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

  checks.push(canary(hook ?? hookCommand(), dir, io.env, hook === undefined));

  if (values.json) io.stdout(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks }, null, 2)}\n`);
  else for (const c of checks) io.stdout(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(7)} ${c.detail}\n`);
  return checks.every((c) => c.ok) ? 0 : 1;
}

/** Run the hook the way Claude Code would: exec form, JSON on stdin, the project dir in the env. */
function canary(
  hook: { command: string; args: string[] },
  dir: string,
  env: NodeJS.ProcessEnv,
  fallback: boolean,
): Check {
  const input = (command: string) =>
    JSON.stringify({
      session_id: 'agent-sre-doctor-canary',
      transcript_path: '',
      cwd: dir,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command },
      tool_use_id: 'toolu_doctor',
    });
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
