// Hook latency of three ways to name the hook in .claude/settings.json, side by side, on one project.
// node bench/hook-location-latency.mjs PROJECT [RUNS], in a project where `npx agent-sre init` wrote the
// portable hooks (agent-sre in its node_modules). Prints a Markdown table: median, p90, max in ms.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const project = process.argv[2];
const runs = Number(process.argv[3] ?? 30);
const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
const portable = settings.hooks.PreToolUse[0].hooks[0];
const launcher = join(project, 'node_modules', 'agent-sre', 'bin', 'agent-sre-hook.cjs');
const ways = {
  'portable (sh -c, $CLAUDE_PROJECT_DIR)': [portable.command, portable.args],
  'absolute (node /abs/agent-sre-hook.cjs)': [
    process.execPath,
    [launcher, 'hook', 'claude', '--timeout', '10'],
  ],
  'npx agent-sre hook claude': ['npx', ['--no-install', 'agent-sre', 'hook', 'claude', '--timeout', '10']],
};
const env = { ...process.env, CLAUDE_PROJECT_DIR: project, npm_config_update_notifier: 'false' };
let n = 0;
const input = () =>
  JSON.stringify({
    session_id: 'bench-latency',
    transcript_path: '',
    cwd: project,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'ls' },
    tool_use_id: `toolu_bench_${process.pid}_${++n}`,
  });
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
for (const [name, [cmd, args]] of Object.entries(ways)) {
  for (let i = 0; i < 3; i++) spawnSync(cmd, args, { cwd: project, env, input: input() });
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: project, env, input: input(), encoding: 'utf8' });
    ms.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status} ${r.stderr}`);
  }
  ms.sort((a, b) => a - b);
  console.log(
    `| ${name} | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 90).toFixed(1)} | ${ms.at(-1).toFixed(1)} |`,
  );
}
