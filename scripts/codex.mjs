#!/usr/bin/env node
// Installs the pinned Codex CLI into a cache directory outside node_modules and prints the path of its
// native `codex` executable. Used by the real-client tests (test/real/agents, `npm run test:real`); it is
// not a dependency of agent-sre.
//
//   node scripts/codex.mjs            install if needed, print the executable's path
//   node scripts/codex.mjs --check    print the path if installed and working, else exit 1
//   node scripts/codex.mjs --version  print the pinned version
//
// Where: $AGENT_SRE_CODEX_CACHE/codex-<version>, else $XDG_CACHE_HOME/agent-sre/codex-<version>, else
// ~/.cache/agent-sre/codex-<version>.
//
// How: `npm install --ignore-scripts --include=optional @openai/codex@<version>`. The package's bin/codex.js
// only finds and execs the native binary of the platform package (`@openai/codex-linux-x64`, an alias of
// `@openai/codex@<version>-linux-x64`, about 315 MB, no install scripts); the tests run that binary itself.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from './pinned-agent.mjs';

export const CODEX_VERSION = '0.171.0';

/** The Rust target triple the npm package ships a binary for on this platform. */
function targetTriple() {
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch];
  const os = { linux: 'unknown-linux-musl', darwin: 'apple-darwin', win32: 'pc-windows-msvc' }[
    process.platform
  ];
  if (!arch || !os) throw new Error(`Codex ships no binary for ${process.platform}-${process.arch}`);
  return `${arch}-${os}`;
}

/** @type {import('./pinned-agent.mjs').PinnedAgent} */
export const CODEX = {
  name: 'codex',
  pkg: '@openai/codex',
  version: CODEX_VERSION,
  cacheEnv: 'AGENT_SRE_CODEX_CACHE',
  command: (dir) => [
    join(
      dir,
      'node_modules',
      '@openai',
      `codex-${process.platform}-${process.arch}`,
      'vendor',
      targetTriple(),
      'bin',
      process.platform === 'win32' ? 'codex.exe' : 'codex',
    ),
  ],
  // `codex-cli 0.171.0`
  parseVersion: (out) => /^codex-cli (\d+\.\d+\.\d+\S*)/m.exec(out)?.[1],
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) main(CODEX, 'scripts/codex.mjs');
