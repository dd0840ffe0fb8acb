#!/usr/bin/env node
// Installs the pinned Claude Code client into a cache directory outside node_modules and prints the
// path of its `claude` executable. Used by the real-client tests (test/real, `npm run test:real`); it
// is not a dependency of agent-sre.
//
//   node scripts/claude-code.mjs            install if needed, print the executable's path
//   node scripts/claude-code.mjs --check    print the path if installed and working, else exit 1
//   node scripts/claude-code.mjs --version  print the pinned version
//
// Where: $AGENT_SRE_CLAUDE_CACHE/claude-code-<version>, else $XDG_CACHE_HOME/agent-sre/claude-code-<version>,
// else ~/.cache/agent-sre/claude-code-<version>. Idempotent: an install that answers `--version` with the
// pinned version is kept.
//
// How: `npm install --prefix <dir> --no-save --no-audit --no-fund --ignore-scripts --include=optional
// @anthropic-ai/claude-code@<version>`. The package's own bin/claude.exe is a 500-byte stub that its
// postinstall (install.cjs) replaces by the native binary from the optional platform package
// (@anthropic-ai/claude-code-linux-x64 and siblings). npm 11.19 still runs that postinstall, with a
// warning that it is "not yet covered by allowScripts"; a stricter npm would skip it and leave the stub.
// So scripts are never run here, and the executable printed is the platform package's native binary
// itself: everything comes from the npm registry, nothing is downloaded from anywhere else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CLAUDE_CODE_VERSION = '2.1.332';
const PACKAGE = '@anthropic-ai/claude-code';

export function cacheDir(version = CLAUDE_CODE_VERSION) {
  const base =
    process.env.AGENT_SRE_CLAUDE_CACHE ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'agent-sre');
  return join(base, `claude-code-${version}`);
}

function platformKey() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    // glibc reports its version; musl (Alpine) does not.
    const glibc = process.report?.getReport?.().header?.glibcVersionRuntime;
    return `linux-${arch}${glibc ? '' : '-musl'}`;
  }
  if (platform === 'win32') return `win32-${arch}`;
  return `${platform}-${arch}`;
}

export function executablePath(dir = cacheDir()) {
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  return join(dir, 'node_modules', `${PACKAGE}-${platformKey()}`, exe);
}

/** The version the binary reports, or undefined when it does not run. */
function reportedVersion(exe) {
  if (!existsSync(exe)) return undefined;
  const r = spawnSync(exe, ['--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return undefined;
  return /^(\d+\.\d+\.\d+)/.exec(r.stdout.trim())?.[1];
}

export function installed(version = CLAUDE_CODE_VERSION) {
  const exe = executablePath(cacheDir(version));
  return reportedVersion(exe) === version ? exe : undefined;
}

export function install(version = CLAUDE_CODE_VERSION, log = (m) => process.stderr.write(`${m}\n`)) {
  const have = installed(version);
  if (have) return have;
  const dir = cacheDir(version);
  // Install beside the final directory and rename at the end: a half-finished install is never
  // mistaken for a working one, and two concurrent installs do not write into each other.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const started = Date.now();
  log(`installing ${PACKAGE}@${version} into ${dir} ...`);
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
    `${PACKAGE}@${version}`,
  ];
  const r = spawnSync('npm', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`npm ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  const tmpExe = executablePath(tmp);
  const got = reportedVersion(tmpExe);
  if (got !== version) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      existsSync(tmpExe)
        ? `${tmpExe} --version did not report ${version} (got ${got ?? 'an error'})`
        : `the native package ${PACKAGE}-${platformKey()} did not land (${tmpExe} missing): is this platform shipped, or are optional dependencies omitted?`,
    );
  }
  mkdirSync(dirname(dir), { recursive: true });
  try {
    // Another process may have finished first: keep its working install rather than swap it away.
    if (installed(version)) rmSync(tmp, { recursive: true, force: true });
    else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } catch (err) {
    // Another process finished first: keep its install if it works.
    rmSync(tmp, { recursive: true, force: true });
    if (!installed(version)) throw err;
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const exe = installed(version);
  if (!exe) throw new Error(`${executablePath(dir)} does not run after the install`);
  return exe;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const arg = process.argv[2];
  try {
    if (arg === '--version') {
      process.stdout.write(`${CLAUDE_CODE_VERSION}\n`);
    } else if (arg === '--check') {
      const exe = installed();
      if (!exe) {
        process.stderr.write(`Claude Code ${CLAUDE_CODE_VERSION} is not installed in ${cacheDir()}\n`);
        process.exit(1);
      }
      process.stdout.write(`${exe}\n`);
    } else if (arg === undefined) {
      process.stdout.write(`${install()}\n`);
    } else {
      process.stderr.write('usage: node scripts/claude-code.mjs [--check | --version]\n');
      process.exit(2);
    }
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
