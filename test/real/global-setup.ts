// `npm run test:real`: one directory for the whole run's projects and scratch homes, removed at the end
// together with any process still running from it (a hook's warm daemon, a page flusher, a client a
// failed test left behind), so a run leaves nothing behind even when a test died before its afterAll.
// Kept with AGENT_SRE_REAL_KEEP=1. The Claude Code client's install cache is kept: it is a cache.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { reapProcesses } from './harness.ts';

export default function setup(): () => void {
  const parent = process.env.AGENT_SRE_REAL_DIR || join(homedir(), '.cache', 'agent-sre', 'real');
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, 'suite-'));
  // The test workers are forked after this runs, with this environment.
  process.env.AGENT_SRE_REAL_DIR = dir;
  return () => {
    reapProcesses(dir);
    if (process.env.AGENT_SRE_REAL_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  };
}
