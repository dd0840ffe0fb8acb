// dist/hookd.cjs: started detached by the hook launcher as `node hookd.cjs SOCKET PROJECT_DIR`.
import { dirname, join } from 'node:path';
import { serveHookd } from '../app/hookd.ts';

const [, codeFile, socketPath, projectDir] = process.argv;
const idleMs = Number(process.env.AGENT_SRE_HOOKD_IDLE_MS) || 10 * 60 * 1000;
// Started by an older launcher (no project dir): that launcher judges every call itself.
if (!codeFile || !socketPath || !projectDir) process.exit(2);
serveHookd(socketPath, {
  projectDir,
  installDir: join(dirname(codeFile), '..'),
  codeFile,
  idleMs,
}).then(
  (server) => {
    if (!server) process.exit(0); // another daemon already answers there
  },
  () => process.exit(1),
);
