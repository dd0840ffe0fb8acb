// Installs a pinned coding-agent client from the npm registry into a cache directory outside
// node_modules, for the real-client tests (test/real). Shared by scripts/codex.mjs and scripts/gemini.mjs;
// the agent's own script says which package, which version, where its executable lands and how it
// reports its version. Nothing here is a dependency of agent-sre.
//
// Where: $<cacheEnv>/<name>-<version>, else $XDG_CACHE_HOME/agent-sre/<name>-<version>, else
// ~/.cache/agent-sre/<name>-<version>. Idempotent: an install whose executable reports the pinned version
// is kept. Install scripts are never run (`--ignore-scripts`): everything comes from the registry.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * @typedef {object} PinnedAgent
 * @property {string} name        directory prefix in the cache, e.g. `codex`
 * @property {string} pkg         npm package, e.g. `@openai/codex`
 * @property {string} version     the pinned version
 * @property {string} cacheEnv    environment variable naming the cache's parent directory
 * @property {(dir: string) => string[]} command  argv that runs the client installed in `dir`
 * @property {(stdout: string) => string | undefined} parseVersion  the version in `--version`'s output
 */

/** @param {PinnedAgent} agent */
export function cacheDir(agent) {
  const base =
    process.env[agent.cacheEnv] || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'agent-sre');
  return join(base, `${agent.name}-${agent.version}`);
}

/** The version the client installed in `dir` reports, or undefined when it does not run. */
function reportedVersion(agent, dir) {
  const [exe, ...pre] = agent.command(dir);
  if (!existsSync(pre[0] ?? exe)) return undefined;
  const r = spawnSync(exe, [...pre, '--version'], {
    encoding: 'utf8',
    timeout: 60_000,
    // No update checks or telemetry while it only prints its version.
    env: { ...process.env, NO_UPDATE_NOTIFIER: '1', CI: '1' },
  });
  if (r.status !== 0) return undefined;
  return agent.parseVersion(r.stdout);
}

/** The argv that runs the pinned client, or undefined when it is not installed and working. */
export function installed(agent) {
  const dir = cacheDir(agent);
  return reportedVersion(agent, dir) === agent.version ? agent.command(dir) : undefined;
}

/** Install the pinned client if needed; the argv that runs it. */
export function install(agent, log = (m) => process.stderr.write(`${m}\n`)) {
  const have = installed(agent);
  if (have) return have;
  const dir = cacheDir(agent);
  // Install beside the final directory and rename at the end: a half-finished install is never taken
  // for a working one, and two concurrent installs do not write into each other.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  log(`installing ${agent.pkg}@${agent.version} into ${dir} ...`);
  const args = [
    'install',
    '--prefix',
    tmp,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--include=optional',
    '--engine-strict=false',
    '--loglevel=error',
    `${agent.pkg}@${agent.version}`,
  ];
  const r = spawnSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const got = reportedVersion(agent, tmp);
  if (got !== agent.version) {
    const argv = agent.command(tmp).join(' ');
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `${argv} --version did not report ${agent.version} (got ${got ?? 'an error or nothing'}): is this platform shipped, or were optional dependencies omitted?`,
    );
  }
  mkdirSync(dirname(dir), { recursive: true });
  try {
    // Another process may have finished first: keep its working install rather than swap it away.
    if (installed(agent)) rmSync(tmp, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!installed(agent)) throw err;
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const argv = installed(agent);
  if (!argv) throw new Error(`${agent.command(dir).join(' ')} does not run after the install`);
  return argv;
}

/**
 * The command-line entry shared by the agents' scripts: no argument installs if needed and prints the
 * argv (one element a line); `--check` prints it if installed, else exits 1; `--version` prints the pin.
 */
export function main(agent, script, argv = process.argv.slice(2)) {
  const arg = argv[0];
  try {
    if (arg === '--version') {
      process.stdout.write(`${agent.version}\n`);
    } else if (arg === '--check') {
      const have = installed(agent);
      if (!have) {
        process.stderr.write(`${agent.pkg} ${agent.version} is not installed in ${cacheDir(agent)}\n`);
        process.exit(1);
      }
      process.stdout.write(`${have.join('\n')}\n`);
    } else if (arg === undefined) {
      process.stdout.write(`${install(agent).join('\n')}\n`);
    } else {
      process.stderr.write(`usage: node ${script} [--check | --version]\n`);
      process.exit(2);
    }
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
