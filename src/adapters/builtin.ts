// Node built-ins the hook needs only now and then (child_process to start a flusher, crypto when the
// runbook changed), loaded on first use: each costs the hook milliseconds at start-up. In the hook's
// CommonJS bundle `require` is already there; `import()` of a built-in is not, because the launcher runs
// the bundle in a vm.Script that has no dynamic-import callback.
import { createRequire } from 'node:module';

export const requireBuiltin: NodeJS.Require =
  typeof require === 'function' ? require : createRequire(import.meta.url);
