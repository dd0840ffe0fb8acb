#!/usr/bin/env node
// Installs the pinned Gemini CLI into a cache directory outside node_modules and prints how to run it:
// this Node, then the package's bundled entry (one line each). Used by the real-client tests
// (test/real/agents, `npm run test:real`); it is not a dependency of agent-sre.
//
//   node scripts/gemini.mjs            install if needed, print the command
//   node scripts/gemini.mjs --check    print the command if installed and working, else exit 1
//   node scripts/gemini.mjs --version  print the pinned version
//
// Where: $AGENT_SRE_GEMINI_CACHE/gemini-<version>, else $XDG_CACHE_HOME/agent-sre/gemini-<version>, else
// ~/.cache/agent-sre/gemini-<version>.
//
// How: `npm install --ignore-scripts --include=optional @google/gemini-cli@<version>` (about 100 MB). The
// CLI is one bundled script (bundle/gemini.js); its optional native modules (node-pty, keytar) are not
// built, which the headless runs the tests make do not need.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from './pinned-agent.mjs';

export const GEMINI_VERSION = '0.61.0';

/** @type {import('./pinned-agent.mjs').PinnedAgent} */
export const GEMINI = {
  name: 'gemini',
  pkg: '@google/gemini-cli',
  version: GEMINI_VERSION,
  cacheEnv: 'AGENT_SRE_GEMINI_CACHE',
  command: (dir) => [
    process.execPath,
    join(dir, 'node_modules', '@google', 'gemini-cli', 'bundle', 'gemini.js'),
  ],
  // `0.61.0`
  parseVersion: (out) => /^(\d+\.\d+\.\d+\S*)\s*$/m.exec(out)?.[1],
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) main(GEMINI, 'scripts/gemini.mjs');
