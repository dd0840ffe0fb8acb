// The package as a user gets it: `npm pack`, installed into a scratch project (`npm i -D ./agent-sre-*.tgz`)
// and globally (`npm i -g --prefix`), then `npx agent-sre init --yes` and `npx agent-sre doctor`, with no
// clone. The tarball carries dist/, so nothing is built on the consumer's side (`prepare` runs only for
// `npm pack` here, never on install: the tarball has no scripts/ to run it with).
//
// Native modules: a real install compiles better-sqlite3 and tree-sitter from source here (their prebuilt
// binaries come from GitHub, which is unreachable; about 5.5 min on 2 cores, docs/install.md), too slow for
// `npm test`. So by default the install runs with --ignore-scripts and the native builds are taken from
// this checkout's node_modules when the versions match (rebuilt otherwise). AGENT_SRE_PACK_FULL=1 (.ci/run)
// runs the project install's scripts as a user's npm would, compiling the native modules from the tarball's
// dependencies; the global install then takes those builds.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT, tempProject } from './bin.ts';

const FULL = process.env.AGENT_SRE_PACK_FULL === '1';
const NATIVE = ['better-sqlite3', 'tree-sitter', 'tree-sitter-bash'];

let base: string;
let tarball: string;
let env: NodeJS.ProcessEnv;

function sh(cmd: string, args: string[], cwd: string, timeout = 600_000) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function mustRun(cmd: string, args: string[], cwd: string, timeout?: number): string {
  const r = sh(cmd, args, cwd, timeout);
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code} ${r.error ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const version = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

/** Compiled native modules, per version and Node ABI: the first run compiles, later runs copy. */
function nativeCache(name: string, v: string): string {
  const root = process.env.XDG_CACHE_HOME || join(process.env.HOME ?? '/root', '.cache');
  const key = `${name}@${v}-abi${process.versions.modules}-${process.platform}-${process.arch}`;
  return join(root, 'agent-sre', 'native-builds', key);
}

/**
 * Compiled native modules from `source` (by default the checkout's), or a cached build of the version the
 * install resolved.
 */
function reuseNativeBuilds(modules: string, cwd: string, source = join(ROOT, 'node_modules')): void {
  const stale: string[] = [];
  for (const name of NATIVE) {
    const theirs = join(modules, name);
    if (!existsSync(theirs)) continue;
    const mine = join(source, name);
    const cached = nativeCache(name, version(theirs));
    if (version(mine) === version(theirs) && existsSync(join(mine, 'build')))
      cpSync(join(mine, 'build'), join(theirs, 'build'), { recursive: true });
    else if (existsSync(join(cached, 'build')))
      cpSync(join(cached, 'build'), join(theirs, 'build'), { recursive: true });
    else stale.push(name);
  }
  if (stale.length === 0) return;
  mustRun('npm', ['rebuild', ...stale, '--foreground-scripts'], cwd);
  for (const name of stale) {
    const build = join(modules, name, 'build');
    if (existsSync(build))
      cpSync(build, join(nativeCache(name, version(join(modules, name))), 'build'), { recursive: true });
  }
}

function npmInstall(args: string[], cwd: string, scripts: boolean): void {
  mustRun(
    'npm',
    ['install', ...args, '--no-audit', '--no-fund', ...(scripts ? [] : ['--ignore-scripts'])],
    cwd,
  );
}

function scratchProject(name: string): string {
  const dir = join(base, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name, version: '1.0.0', private: true, scripts: { test: 'node -e 0' } }, null, 2)}\n`,
  );
  mustRun('git', ['init', '-q'], dir);
  return dir;
}

interface Doctor {
  ok: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** Every check passes but `claude` when the client is not on PATH (this test does not install it). */
function expectHealthy(doctor: Doctor): void {
  const failed = doctor.checks.filter((c) => !c.ok && c.name !== 'claude');
  expect(failed).toEqual([]);
  expect(doctor.checks.find((c) => c.name === 'canary')?.detail).toMatch(
    /hook denied rm -rf ~ and allowed ls/,
  );
}

/** The PreToolUse hook command from the project's settings, run as Claude Code runs it. */
function runSettingsHook(project: string, command: string) {
  const settings = JSON.parse(readFileSync(join(project, '.claude', 'settings.json'), 'utf8'));
  const entry = settings.hooks.PreToolUse[0].hooks[0];
  const input = JSON.stringify({
    session_id: 'pack-test',
    transcript_path: '',
    cwd: project,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command },
    tool_use_id: `toolu_pack_${Date.now()}`,
  });
  return spawnSync(entry.command, entry.args, {
    cwd: project,
    env: { ...env, CLAUDE_PROJECT_DIR: project },
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

beforeAll(() => {
  ensureBuilt();
  base = tempProject('agent-sre-pack-');
  const home = join(base, 'home');
  mkdirSync(join(home, '.config'), { recursive: true });
  env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    // The user's npm cache (filled by npm ci) keeps this quick; only the npm registry is ever asked.
    npm_config_cache: process.env.npm_config_cache ?? join(process.env.HOME ?? '/root', '.npm'),
    npm_config_update_notifier: 'false',
    npm_config_prefer_offline: 'true',
    AGENT_SRE_HOOKD_IDLE_MS: '2000',
  };
  delete env.CLAUDE_PROJECT_DIR;
  delete env.npm_config_prefix;
  if (!env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
  // --ignore-scripts: dist/ was just built by `npm test`; `npm pack` alone would rebuild it (prepare).
  const out = mustRun('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', base], ROOT);
  tarball = join(base, JSON.parse(out)[0].filename);
}, 120_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
}, 120_000);

describe('npm pack', () => {
  it('ships the built CLI, hook, dashboard, schema, examples and the plugin; no sources, tests or caches', () => {
    const list = mustRun('tar', ['-tzf', tarball], base)
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'package.json',
      'bin/agent-sre.js',
      'bin/agent-sre-hook.cjs',
      'dist/cli.js',
      'dist/hook.cjs',
      'dist/hookd.cjs',
      'schema/agent-sre.schema.json',
      '.claude-plugin/plugin.json',
      '.claude-plugin/marketplace.json',
      'hooks/hooks.json',
    ])
      expect(list).toContain(f);
    expect(list.some((f) => f.startsWith('dist/dashboard/'))).toBe(true);
    expect(
      list.filter((f) => /^(src|test|scripts|bench|\.ci)\//.test(f) || f.includes('hook.cjs.cache')),
    ).toEqual([]);
  });
});

/** The project install's node_modules, compiled by its own install scripts under AGENT_SRE_PACK_FULL=1. */
let consumerModules: string | undefined;

describe('installed into a project', () => {
  let project: string;
  beforeAll(() => {
    project = scratchProject('consumer');
    npmInstall(['--save-dev', tarball], project, FULL);
    if (FULL) consumerModules = join(project, 'node_modules');
    else reuseNativeBuilds(join(project, 'node_modules'), project);
  }, 900_000);

  it('npx agent-sre init --yes writes settings a teammate can use, and doctor is green', () => {
    const init = mustRun('npx', ['--no-install', 'agent-sre', 'init', '--yes'], project, 120_000);
    expect(init).toContain('the hooks run node_modules/agent-sre through $CLAUDE_PROJECT_DIR');
    const raw = readFileSync(join(project, '.claude', 'settings.json'), 'utf8');
    // Nothing of this machine: no node path, no project or home path.
    expect(raw).not.toContain(process.execPath);
    expect(raw).not.toContain(base);
    expect(
      JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).devDependencies['agent-sre'],
    ).toMatch(/agent-sre-0\.1\.0\.tgz$/);
    const doctor = sh('npx', ['--no-install', 'agent-sre', 'doctor', '--json'], project, 120_000);
    expectHealthy(JSON.parse(doctor.stdout) as Doctor);
  }, 240_000);

  it("the settings' hook judges a call, and refuses every call once the package is gone", () => {
    const denied = runSettingsHook(project, 'rm -rf ~');
    expect(denied.status).toBe(0);
    expect(denied.stdout).toContain('"permissionDecision":"deny"');
    const moved = join(base, 'moved-away');
    cpSync(join(project, 'node_modules', 'agent-sre'), moved, { recursive: true });
    rmSync(join(project, 'node_modules', 'agent-sre'), { recursive: true });
    try {
      const r = runSettingsHook(project, 'ls');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('agent-sre is not installed in this project');
    } finally {
      cpSync(moved, join(project, 'node_modules', 'agent-sre'), { recursive: true });
    }
  }, 120_000);
});

describe('installed globally', () => {
  let prefix: string;
  let project: string;
  beforeAll(() => {
    prefix = join(base, 'global');
    npmInstall(['--global', '--prefix', prefix, tarball], base, false);
    reuseNativeBuilds(
      join(prefix, 'lib', 'node_modules', 'agent-sre', 'node_modules'),
      join(prefix, 'lib', 'node_modules', 'agent-sre'),
      consumerModules,
    );
    project = scratchProject('global-user');
  }, 900_000);

  it('agent-sre init names this machine and says not to commit the settings; doctor is green', () => {
    const bin = join(prefix, 'bin', 'agent-sre');
    const init = mustRun(bin, ['init', '--yes'], project, 120_000);
    expect(init).toContain('teammates and CI do not have, so do not commit that file as it is');
    expect(readdirSync(project)).toContain('agent-sre.yaml');
    const doctor = sh(bin, ['doctor', '--json'], project, 120_000);
    expectHealthy(JSON.parse(doctor.stdout) as Doctor);
  }, 240_000);
});
