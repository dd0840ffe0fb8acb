// What the team-scale bench ships: hook-shaped ledger events (PreToolUse/PostToolUse pairs with the
// effects the engine records, one denial in fifty calls), built once and stamped per use, and the team
// code bundled from src/ with esbuild like the other in-process benches.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const ENTRY = `
export { openSqliteStore } from './src/adapters/store/sqlite.ts';
export { openPostgresStore } from './src/adapters/store/postgres.ts';
export { sqliteEventSource } from './src/app/team/local-events.ts';
export { shipOnce } from './src/app/team/ship.ts';
export { pullStatus } from './src/app/team/status.ts';
export { projectTag } from './src/adapters/fs/project-tag.ts';
export { newSession } from './src/core/session/rules.ts';
export { makeReport, reportEvents } from './src/app/report.ts';
export { originOf } from './src/app/team/origin.ts';
export { loadPolicy } from './src/config/load.ts';
`;

/** Bundle the team code into `dir` (with the PostgreSQL worker beside it) and return the bundle's path. */
export async function buildTeamLib(dir) {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'team-lib.mjs');
  await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'pg', 'tree-sitter', 'tree-sitter-bash'],
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  // The bridge starts its connection worker from beside the module that holds it.
  copyFileSync(join(ROOT, 'src', 'adapters', 'store', 'pg-worker.mjs'), join(dir, 'pg-worker.mjs'));
  return outfile;
}

export const importLib = (file) => import(pathToFileURL(file).href);

const PROJECT = '/home/dev/acme';
const exec = (command, program, argv) => ({
  tool: 'Bash',
  input: { command, description: `run ${program}` },
  effects: [{ kind: 'exec', tags: [], origin: `bash: ${command}`, program, argv }],
});
const path = (tool, kind, file, extra = {}) => ({
  tool,
  input: { file_path: file, ...extra },
  effects: [{ kind, tags: [], origin: `${tool.toLowerCase()}: ${file}`, path: file, zone: 'project' }],
});

// One tool call each; the bench cycles through them.
const CALLS = [
  exec('npm test -- --run test/app', 'npm', ['npm', 'test', '--', '--run', 'test/app']),
  path('Read', 'read', `${PROJECT}/src/app/report.ts`),
  path('Edit', 'write', `${PROJECT}/src/app/report.ts`, {
    old_string: 'const all = await store.listSessions();',
    new_string: 'const all = await store.listSessions(); // fleet',
  }),
  exec('git status --porcelain', 'git', ['git', 'status', '--porcelain']),
  path('Write', 'write', `${PROJECT}/src/app/notes.ts`, { content: 'export const notes = [];\n'.repeat(8) }),
  {
    tool: 'WebFetch',
    input: { url: 'https://docs.example.com/api', prompt: 'summarise the API' },
    effects: [
      {
        kind: 'net',
        tags: [],
        origin: 'webfetch: https://docs.example.com/api',
        host: 'docs.example.com',
        method: 'GET',
        credentialed: false,
        url: 'https://docs.example.com/api',
      },
    ],
  },
  exec('rg -n "listSessions" src', 'rg', ['rg', '-n', 'listSessions', 'src']),
];
const DENIED = {
  ...exec('rm -rf ~/.ssh', 'rm', ['rm', '-rf', '/home/dev/.ssh']),
  effects: [
    {
      kind: 'delete',
      tags: ['recursive', 'credential'],
      origin: 'bash: rm -rf ~/.ssh',
      path: '/home/dev/.ssh',
      zone: 'home',
    },
  ],
};
const RETRY = exec('ls -la ~/.ssh', 'ls', ['ls', '-la', '/home/dev/.ssh']);
const DENY_EVERY = 50;

/**
 * The n-th event of a session (n from 0): a PreToolUse then its PostToolUse, every 50th call a tier-4
 * denial with no PostToolUse. Returns the event and how the session's state moves.
 */
export function sessionEvent(sessionId, n, ts) {
  const call = Math.floor(n / 2);
  const second = n % 2 === 1;
  const denial = call % DENY_EVERY === DENY_EVERY - 1;
  // After a denial the agent tries something else: a second PreToolUse instead of a PostToolUse.
  const denied = denial && !second;
  const post = second && !denial;
  const spec = denied ? DENIED : denial ? RETRY : CALLS[call % CALLS.length];
  const event = {
    v: 1,
    ts,
    sessionId,
    event: post ? 'PostToolUse' : 'PreToolUse',
    tool: spec.tool,
    toolUseId: `toolu_${sessionId}_${call}${denial && second ? 'b' : ''}`,
    agentId: null,
    tier: denied ? 4 : spec.tool === 'Bash' ? 2 : 1,
    verdict: post ? null : denied ? 'deny' : 'allow',
    rule: post ? null : denied ? 'fs.delete.home' : 'default',
    reason: denied ? 'recursive delete of a credential directory in the home directory' : null,
    effects: post ? [] : spec.effects,
    durationMs: post ? 840 : 2.4,
    // What the hook records: the call's tool_input as JSON (transitions.ts).
    input: JSON.stringify(spec.input),
  };
  return { event, denied, pre: !post };
}

/** The session's state after `event` (the hook's bookkeeping, enough for a labelled team session). */
export function nextState(state, { event, denied, pre }) {
  return {
    ...state,
    consecutiveDenials: denied ? state.consecutiveDenials + 1 : pre ? 0 : state.consecutiveDenials,
    totalDenials: state.totalDenials + (denied ? 1 : 0),
    usage: {
      ...state.usage,
      toolCalls: state.usage.toolCalls + (pre ? 1 : 0),
      filesTouched: state.usage.filesTouched + (event.effects[0]?.kind === 'write' ? 1 : 0),
      externalCalls: state.usage.externalCalls + (event.effects[0]?.kind === 'net' ? 1 : 0),
    },
  };
}

export const BENCH_PROJECT = PROJECT;
