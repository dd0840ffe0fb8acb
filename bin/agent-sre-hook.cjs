#!/usr/bin/env node
// The hook's launcher. Every tool call waits for this process, so it runs dist/hook.cjs from a V8
// code cache (dist/hook.cjs.cache, written on first use and rejected by V8 itself if it does not
// match the file or the Node version). Node 20 has no built-in module compile cache.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

const filename = path.join(__dirname, '..', 'dist', 'hook.cjs');
const cacheFile = `${filename}.cache`;
let source;
try {
  source = fs.readFileSync(filename, 'utf8');
} catch (err) {
  // Not built or half-installed: refuse (exit 2 blocks), never "go ahead".
  process.stderr.write(
    `agent-sre cannot load its hook (${err.message}); the call is refused. Run npm run build.\n`,
  );
  process.exit(2);
}
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
let script;
try {
  script = new vm.Script(Module.wrap(source), { filename, cachedData });
} catch (err) {
  process.stderr.write(`agent-sre's hook does not compile (${err.message}); the call is refused.\n`);
  process.exit(2);
}
const mod = new Module(filename, module);
mod.filename = filename;
mod.paths = Module._nodeModulePaths(path.dirname(filename));
// Where the hook's native packages resolved last time: walking node_modules for them costs ~8 ms.
// A path that no longer exists is resolved afresh.
const resolvedFile = `${filename}.resolved.json`;
let resolved = {};
try {
  resolved = JSON.parse(fs.readFileSync(resolvedFile, 'utf8'));
} catch {
  resolved = {};
}
let resolvedChanged = false;
const req = (id) => {
  if (id.startsWith('node:') || id.startsWith('.')) return mod.require(id);
  const known = resolved[id];
  if (known && fs.existsSync(known)) return mod.require(known);
  resolved[id] = Module._resolveFilename(id, mod);
  resolvedChanged = true;
  return mod.require(resolved[id]);
};
req.resolve = (request) => Module._resolveFilename(request, mod);
process.on('exit', () => {
  if (!resolvedChanged) return;
  try {
    fs.writeFileSync(`${resolvedFile}.${process.pid}`, JSON.stringify(resolved));
    fs.renameSync(`${resolvedFile}.${process.pid}`, resolvedFile);
  } catch {
    // Read-only install: resolve every time.
  }
});
if (cachedData === undefined || script.cachedDataRejected) {
  // Written at exit, when the functions this run needed have been compiled too.
  process.on('exit', () => {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A read-only install runs without the cache.
    }
  });
}
try {
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename));
} catch (err) {
  process.stderr.write(`agent-sre's hook failed to start (${err.message}); the call is refused.\n`);
  process.exit(2);
}
