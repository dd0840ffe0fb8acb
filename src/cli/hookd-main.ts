// dist/hookd.cjs: started detached by the hook launcher as `node hookd.cjs SOCKET`.
import { serveHookd } from '../app/hookd.ts';

const socketPath = process.argv[2];
const idleMs = Number(process.env.AGENT_SRE_HOOKD_IDLE_MS) || 10 * 60 * 1000;
if (!socketPath) process.exit(2);
serveHookd(socketPath, idleMs).then(
  (server) => {
    if (!server) process.exit(0); // another daemon already answers there
  },
  () => process.exit(1),
);
