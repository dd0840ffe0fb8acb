// The hook never waits on the network: after it queues pages it starts this detached, short-lived
// `agent-sre tick --deliver-only` and answers the agent at once. If the flusher dies, the pages stay in
// the outbox for the next flusher, `tick` from cron, or `serve`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from './paths.ts';

export function startFlusher(projectDir: string): void {
  try {
    const child = spawn(
      process.execPath,
      [join(packageRoot(), 'bin', 'agent-sre.js'), 'tick', '--deliver-only', '--quiet', '--dir', projectDir],
      { detached: true, stdio: 'ignore', cwd: projectDir, env: { ...process.env, AGENT_SRE_FLUSHER: '1' } },
    );
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Best effort: the pages are safe in the outbox whatever happens here.
  }
}
