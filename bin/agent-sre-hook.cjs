#!/usr/bin/env node
// The hook's launcher: `node agent-sre-hook.cjs hook claude`, hook JSON on stdin.
// Every tool call waits for this process, so:
//   1. it asks the project's warm daemon (.agent-sre/hookd-*.sock), which keeps SQLite, tree-sitter
//      and the policy loaded, and prints its answer;
//   2. when no daemon answers, it judges the call itself (dist/hook.cjs, run from a V8 code cache)
//      and starts a daemon for the next call.
// Any failure ends in a refusal (exit 2 or a JSON deny), never exit 1.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MAX_INPUT = 8 * 1024 * 1024;
const dist = path.join(__dirname, '..', 'dist');
const hookFile = path.join(dist, 'hook.cjs');

function refuse(why) {
  process.stderr.write(`agent-sre could not run its hook (${why}); the call is refused.\n`);
  process.exit(2);
}

function readStdinSync() {
  const chunks = [];
  let size = 0;
  const buf = Buffer.allocUnsafe(64 * 1024);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let waits = 0;
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (err) {
      if (err.code === 'EOF') break;
      if (err.code !== 'EAGAIN') throw err;
      // A non-blocking stdin with nothing yet: nothing read means the in-process path can read it all.
      if (chunks.length === 0 && ++waits > 400) return undefined;
      Atomics.wait(pause, 0, 0, 5);
      continue;
    }
    if (n === 0) break;
    size += n;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    // Oversized input goes to the in-process path, which refuses it with a reason.
    if (size > MAX_INPUT) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Run dist/hook.cjs in this process, from a code cache V8 rejects by itself if it is stale. */
function inProcess(preread) {
  const vm = require('node:vm');
  const Module = require('node:module');
  const cacheFile = `${hookFile}.cache`;
  const resolvedFile = `${hookFile}.resolved.json`;
  let source;
  try {
    source = fs.readFileSync(hookFile, 'utf8');
  } catch (err) {
    refuse(`${err.message}; run npm run build`);
  }
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  let script;
  try {
    script = new vm.Script(Module.wrap(source), { filename: hookFile, cachedData });
  } catch (err) {
    refuse(`dist/hook.cjs does not compile: ${err.message}`);
  }
  const mod = new Module(hookFile, module);
  mod.filename = hookFile;
  mod.paths = Module._nodeModulePaths(dist);
  // Where the native packages resolved last time: walking node_modules for them costs ~8 ms.
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
    // Both caches only save time; a read-only install runs without them.
    try {
      if (cachedData === undefined || script.cachedDataRejected) {
        fs.writeFileSync(`${cacheFile}.${process.pid}`, script.createCachedData());
        fs.renameSync(`${cacheFile}.${process.pid}`, cacheFile);
      }
      if (resolvedChanged) {
        fs.writeFileSync(`${resolvedFile}.${process.pid}`, JSON.stringify(resolved));
        fs.renameSync(`${resolvedFile}.${process.pid}`, resolvedFile);
      }
    } catch {}
  });
  try {
    script.runInThisContext().call(mod.exports, mod.exports, req, mod, hookFile, dist);
    mod.exports.main(preread);
  } catch (err) {
    refuse(`dist/hook.cjs failed to start: ${err.message}`);
  }
}

/** Start a daemon for later calls, at most once per 30 s per socket so a broken one is not respawned in a loop. */
function startDaemon(sock) {
  try {
    const marker = `${sock}.started`;
    try {
      if (Date.now() - fs.statSync(marker).mtimeMs < 30_000) return;
    } catch {}
    fs.writeFileSync(marker, '');
    const { spawn } = require('node:child_process');
    spawn(process.execPath, [path.join(dist, 'hookd.cjs'), sock], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  } catch {}
}

function viaDaemon(input) {
  let projectDir = process.env.CLAUDE_PROJECT_DIR;
  if (!projectDir) {
    try {
      projectDir = JSON.parse(input).cwd;
    } catch {
      projectDir = undefined;
    }
  }
  const stateDir =
    typeof projectDir === 'string' && projectDir ? path.join(projectDir, '.agent-sre') : undefined;
  let build;
  try {
    build = fs.statSync(hookFile).mtimeMs.toString(36).replace('.', '');
  } catch {
    build = undefined;
  }
  // Unix socket paths are limited to ~107 bytes; a deeper project simply runs in-process.
  const sock = stateDir && build ? path.join(stateDir, `hookd-${build}.sock`) : undefined;
  if (!sock || sock.length > 100 || input.length > MAX_INPUT || !fs.existsSync(stateDir))
    return inProcess(input);
  const net = require('node:net');
  const c = net.connect(sock);
  let reply = '';
  let done = false;
  let held = false;
  const deniedWhileHeld = () => {
    done = true;
    // A stop held for its acceptance checks is blocked (exit 2); a tool call is denied in JSON.
    if (!/"hook_event_name"\s*:\s*"PreToolUse"/.test(input.slice(0, 64 * 1024))) {
      process.stderr.write(
        'agent-sre lost its daemon while running acceptance checks; not done yet: finish again.\n',
      );
      process.exitCode = 2;
      return;
    }
    process.stdout.write(
      JSON.stringify({
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason:
            'agent-sre lost its daemon while waiting for a human approval; the call is refused.',
        },
      }),
    );
  };
  let timer;
  const fallback = (start) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    c.destroy();
    if (start) startDaemon(sock);
    inProcess(input);
  };
  timer = setTimeout(() => fallback(false), 5000);
  c.setEncoding('utf8');
  c.on('connect', () =>
    c.end(JSON.stringify({ v: 1, stdin: input, claudeProjectDir: process.env.CLAUDE_PROJECT_DIR })),
  );
  c.on('data', (d) => {
    reply += d;
    // The daemon is waiting for a human (tier-3 gate in wait mode): the call must not be judged a
    // second time here, so the fallback timer stops; Claude Code's own hook timeout still applies.
    if (!held && reply.startsWith('{"hold":true}\n')) {
      held = true;
      clearTimeout(timer);
    }
  });
  c.on('end', () => {
    if (done) return;
    let answer;
    try {
      answer = JSON.parse(reply.slice(reply.lastIndexOf('\n', reply.length - 2) + 1));
    } catch {
      answer = undefined;
    }
    if (!answer || typeof answer.stdout !== 'string' || (answer.exitCode !== 0 && answer.exitCode !== 2))
      return held ? deniedWhileHeld() : fallback(false);
    done = true;
    clearTimeout(timer);
    if (answer.stdout) process.stdout.write(answer.stdout);
    if (answer.stderr) process.stderr.write(`${answer.stderr}\n`);
    process.exitCode = answer.exitCode;
  });
  c.on('error', (err) => {
    clearTimeout(timer);
    if (held) {
      if (!done) deniedWhileHeld();
      return;
    }
    fallback(err.code === 'ENOENT' || err.code === 'ECONNREFUSED');
  });
}

try {
  if (process.argv[3] !== 'claude' || process.env.AGENT_SRE_HOOKD === '0') inProcess(undefined);
  else {
    const input = readStdinSync();
    if (input === undefined) inProcess(undefined);
    else viaDaemon(input);
  }
} catch (err) {
  refuse(err.message);
}
