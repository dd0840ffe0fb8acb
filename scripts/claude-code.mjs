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
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as pinned from './pinned-agent.mjs';

export const CLAUDE_CODE_VERSION = '2.1.332';
const PACKAGE = '@anthropic-ai/claude-code';

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

/** @type {import('./pinned-agent.mjs').PinnedAgent} */
const CLAUDE_CODE = {
  name: 'claude-code',
  pkg: PACKAGE,
  version: CLAUDE_CODE_VERSION,
  cacheEnv: 'AGENT_SRE_CLAUDE_CACHE',
  command: (dir) => [executablePath(dir)],
  parseVersion: (out) => /^(\d+\.\d+\.\d+)/.exec(out.trim())?.[1],
};

const withVersion = (version) => ({ ...CLAUDE_CODE, version });

export const cacheDir = (version = CLAUDE_CODE_VERSION) => pinned.cacheDir(withVersion(version));

export function executablePath(dir = cacheDir()) {
  const exe = process.platform === 'win32' ? 'claude.exe' : 'claude';
  return join(dir, 'node_modules', `${PACKAGE}-${platformKey()}`, exe);
}

export const installed = (version = CLAUDE_CODE_VERSION) => pinned.installed(withVersion(version))?.[0];

export const install = (version = CLAUDE_CODE_VERSION, log = undefined) =>
  pinned.install(withVersion(version), log)[0];

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) pinned.main(CLAUDE_CODE, 'scripts/claude-code.mjs');
