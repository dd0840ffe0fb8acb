#!/usr/bin/env node
// The hook's launcher: `node agent-sre-hook.cjs hook <agent> [--event NAME] [--timeout SECONDS]`, hook JSON
// on stdin; agent is claude, codex, gemini, cursor or copilot.
// Every tool call waits for this process, so:
//   1. it checks that the guard's own code (this file, dist/*.cjs) is the code a human trusted, by a
//      record kept outside every project (~/.config/agent-sre/trusted-installs.json);
//   2. it asks the project's warm daemon (.agent-sre/hookd-*.sock), which keeps SQLite, tree-sitter
//      and the policy loaded, proving itself with the per-user secret, and prints its answer;
//   3. when no daemon answers, it judges the call itself (dist/hook.cjs, run from a V8 code cache)
//      and starts a daemon for the next call.
// A watchdog in this process answers with a refusal shortly before the agent's hook timeout, since a
// timed-out hook lets the call through (Claude Code before 2.1.295, Codex, Gemini, Copilot). Any failure
// ends in a refusal in the shape that agent honours (see refusalFor), never exit 1.
//
// Also loaded as a module (the CLI's `trust`, `doctor`, the daemon and the build): the trust record and
// the secret have exactly one implementation, here, in plain CommonJS with no dependencies.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MAX_INPUT = 8 * 1024 * 1024;
const install = path.join(__dirname, '..');
const dist = path.join(install, 'dist');
const hookFile = path.join(dist, 'hook.cjs');
const daemonFile = path.join(dist, 'hookd.cjs');
const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** Claude Code's default for tool events when the entry has no --timeout (init writes one). */
const DEFAULT_TIMEOUT_SEC = 10;
const DAEMON_WAIT_MS = 5000;
const CACHE_NAME = /^hook\.cjs\.cache-[0-9a-z]+$/;

// ---------------------------------------------------------------------------------------------------
// Private files: never through a link, owned by this user, nobody else may read them.

class Unsafe extends Error {}

const myUid = typeof process.getuid === 'function' ? process.getuid() : undefined;

/** agent-sre's per-user directory: `$XDG_CONFIG_HOME/agent-sre`, else `~/.config/agent-sre`. */
function userDir(env) {
  const base =
    typeof env.XDG_CONFIG_HOME === 'string' && env.XDG_CONFIG_HOME.startsWith('/')
      ? env.XDG_CONFIG_HOME
      : path.join(env.HOME || '/root', '.config');
  return path.join(base, 'agent-sre');
}

/** A real 0700 directory of ours, made when missing; a loose one of ours is tightened. */
function ensurePrivateDir(dir) {
  let st;
  try {
    st = fs.lstatSync(dir);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = fs.lstatSync(dir);
  }
  if (st.isSymbolicLink()) throw new Unsafe(`${dir} is a symbolic link; agent-sre will not follow it`);
  if (!st.isDirectory()) throw new Unsafe(`${dir} is not a directory`);
  if (myUid !== undefined && st.uid !== myUid)
    throw new Unsafe(`${dir} belongs to uid ${st.uid}, not to this user`);
  if ((st.mode & 0o777) !== 0o700) fs.chmodSync(dir, 0o700);
}

/** A private file's content, or undefined when it does not exist. A link or a readable-by-others file throws. */
function readPrivate(file, max) {
  let fd;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ELOOP') throw new Unsafe(`${file} is a symbolic link; agent-sre will not follow it`);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new Unsafe(`${file} is not a regular file`);
    if (myUid !== undefined && st.uid !== myUid)
      throw new Unsafe(`${file} belongs to uid ${st.uid}, not to this user`);
    if ((st.mode & 0o077) !== 0)
      throw new Unsafe(`${file} is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
    const buf = Buffer.allocUnsafe(Math.min(st.size, max));
    let off = 0;
    while (off < buf.length) {
      const n = fs.readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    fs.closeSync(fd);
  }
}

/** Replace a private file atomically: a fresh 0600 file (O_EXCL, so never a planted link) renamed over it. */
function writePrivateAtomic(file, data) {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, data);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  // rename replaces a link at `file` itself; it never writes through it.
  fs.renameSync(tmp, file);
}

// ---------------------------------------------------------------------------------------------------
// The per-user secret (the same file and format as src/adapters/fs/user-secret.ts).

function loadSecret(env, opts = {}) {
  const dir = userDir(env);
  const file = path.join(dir, 'secret');
  ensurePrivateDir(dir);
  let buf = readPrivate(file, 4096);
  if (!buf && opts.create !== false) {
    // /dev/urandom instead of node:crypto, which costs the hook ~7 ms to load.
    const raw = Buffer.alloc(32);
    const rfd = fs.openSync('/dev/urandom', O_RDONLY);
    try {
      if (fs.readSync(rfd, raw, 0, 32, null) !== 32) throw new Error('short read from /dev/urandom');
    } finally {
      fs.closeSync(rfd);
    }
    try {
      const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600);
      try {
        fs.writeSync(fd, `${raw.toString('hex')}\n`);
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      // O_EXCL: two processes making it at once agree on whichever landed first.
      if (err.code !== 'EEXIST') throw err;
    }
    buf = readPrivate(file, 4096);
  }
  if (!buf) return undefined;
  const hex = buf.toString('latin1').trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Unsafe(`${file} is not an agent-sre secret`);
  return hex;
}

// ---------------------------------------------------------------------------------------------------
// Install integrity: which code a human trusted, per install directory.

const RECORD_FILE = 'trusted-installs.json';
/** Without these in the record an install is not considered recorded at all. */
const CORE_FILES = ['bin/agent-sre-hook.cjs', 'dist/hook.cjs', 'dist/hookd.cjs'];

function recordPath(env) {
  return path.join(userDir(env), RECORD_FILE);
}

function readRecord(env) {
  const file = recordPath(env);
  ensurePrivateDir(userDir(env));
  const buf = readPrivate(file, 4 * 1024 * 1024);
  if (!buf) return { v: 1, installs: {} };
  let rec;
  try {
    rec = JSON.parse(buf.toString('utf8'));
  } catch (err) {
    throw new Unsafe(`${file} is not valid JSON (${err.message})`);
  }
  if (rec?.v !== 1 || typeof rec.installs !== 'object' || rec.installs === null)
    throw new Unsafe(`${file} is not an agent-sre trust record`);
  return rec;
}

function writeRecord(env, rec) {
  ensurePrivateDir(userDir(env));
  writePrivateAtomic(recordPath(env), `${JSON.stringify(rec, null, 1)}\n`);
}

// ctime too: mtime can be set back with `touch -d`, ctime cannot be set by a user at all.
const statOf = (st) => ({
  size: st.size,
  mtimeMs: st.mtimeMs,
  ctimeMs: st.ctimeMs,
  ino: st.ino,
  dev: st.dev,
});
const sameStat = (f, st) =>
  !!f &&
  f.size === st.size &&
  f.mtimeMs === st.mtimeMs &&
  f.ctimeMs === st.ctimeMs &&
  f.ino === st.ino &&
  f.dev === st.dev;

function sha256(file) {
  return require('node:crypto').createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The code an install runs: this launcher and every CommonJS file in dist/ (the hook, the daemon, side files). */
function codeFiles(dir) {
  const files = fs
    .readdirSync(path.join(dir, 'dist'))
    .filter((f) => f.endsWith('.cjs'))
    .sort()
    .map((f) => `dist/${f}`);
  return ['bin/agent-sre-hook.cjs', ...files];
}

/** Hash the install's code now and record it as trusted (`by`: init, trust, build, first use). */
function trustInstall(dir, env, by, now = Date.now()) {
  const files = {};
  for (const rel of codeFiles(dir)) {
    const abs = path.join(dir, rel);
    const sha = sha256(abs);
    files[rel] = { sha256: sha, ...statOf(fs.statSync(abs)) };
  }
  for (const rel of CORE_FILES)
    if (!files[rel]) throw new Unsafe(`${path.join(dir, rel)} is missing; run npm run build`);
  const rec = readRecord(env);
  const entry = { trustedAt: new Date(now).toISOString(), by, files };
  rec.installs[dir] = entry;
  writeRecord(env, rec);
  return entry;
}

function changedReason(dir, rel, entry, what) {
  return (
    `agent-sre's own code at ${path.join(dir, rel)} ${what} since it was trusted on ${entry.trustedAt}; ` +
    'if you upgraded or rebuilt agent-sre, a human runs `agent-sre trust`'
  );
}

function checkEntry(dir, entry) {
  if (!entry || typeof entry.files !== 'object' || entry.files === null)
    return { ok: false, reason: `the trust record for ${dir} is damaged; a human runs \`agent-sre trust\`` };
  for (const rel of CORE_FILES)
    if (!entry.files[rel])
      return {
        ok: false,
        reason: `the trust record for ${dir} does not cover ${rel}; a human runs \`agent-sre trust\``,
      };
  const refreshed = [];
  for (const [rel, f] of Object.entries(entry.files)) {
    let st;
    try {
      st = fs.statSync(path.join(dir, rel));
    } catch {
      return { ok: false, reason: changedReason(dir, rel, entry, 'is missing') };
    }
    if (sameStat(f, st)) continue;
    // Touched, copied or moved: only the content decides (never read from a FIFO or a device).
    if (!st.isFile() || f.size !== st.size || sha256(path.join(dir, rel)) !== f.sha256)
      return { ok: false, reason: changedReason(dir, rel, entry, 'changed') };
    refreshed.push([rel, statOf(st)]);
  }
  return { ok: true, refreshed };
}

/**
 * Is the install at `dir` the code a human trusted? Stats only, unless one differs from the record;
 * then the file is hashed. No record for `dir` yet: trusted on first use (like ssh), when `tofu`.
 */
function verifyInstall(dir, env, opts = {}) {
  let rec = readRecord(env);
  let entry = rec.installs[dir];
  if (!entry) {
    if (opts.tofu === false)
      return { ok: false, reason: `no trust record for ${dir}; run \`agent-sre trust\`` };
    return { ok: true, entry: trustInstall(dir, env, 'first use'), firstUse: true };
  }
  let r = checkEntry(dir, entry);
  if (!r.ok) {
    // A build or `trust` may have re-recorded it a moment ago.
    rec = readRecord(env);
    entry = rec.installs[dir];
    r = checkEntry(dir, entry);
    if (!r.ok) return r;
  }
  if (r.refreshed.length > 0) {
    for (const [rel, st] of r.refreshed) entry.files[rel] = { ...entry.files[rel], ...st };
    try {
      writeRecord(env, rec);
    } catch {
      // Only the fast path is lost: the next call hashes again.
    }
  }
  return { ok: true, entry };
}

// ---------------------------------------------------------------------------------------------------
// The hook.

let event = null;
let agent = 'claude';
let answered = false;
let watchdog;

/** The agents `hook <agent>` speaks (src/adapters/agents/index.ts; a test keeps the two lists equal). */
const AGENTS = ['claude', 'codex', 'gemini', 'cursor', 'copilot'];

/** The event as the agent names it: in the input, or `--event` for Copilot's camelCase hooks. */
function sniffEvent(input, argv) {
  const m = /"hook_event_name"\s*:\s*"([A-Za-z_]+)"/.exec(input.slice(0, 64 * 1024));
  if (m) return m[1];
  const i = argv.indexOf('--event');
  if (i >= 0 && argv[i + 1]) return argv[i + 1];
  // Copilot's camelCase input names no event: a tool call is the case that must never run unjudged.
  if (agent === 'copilot' && /"toolName"\s*:/.test(input.slice(0, 64 * 1024))) return 'preToolUse';
  return null;
}

/**
 * This launcher's own refusal (no trust, no build, the watchdog), in the shape each agent honours: the same
 * shapes as each protocol's `failure` in src/adapters/agents/ (test/app/hook-agents-e2e.test.ts).
 */
function refusalFor(who, ev, why) {
  const json = (o) => ({ stdout: JSON.stringify(o), stderr: '', code: 0 });
  const stop = `agent-sre could not run its acceptance checks, so this stop is blocked: ${why}. Do not report the work as done; tell the human that agent-sre needs attention (agent-sre doctor).`;
  const call = `agent-sre refused this call: ${why}.`;
  const preToolUse = {
    hookSpecificOutput: {
      hookEventName: 'PreToolUse',
      permissionDecision: 'deny',
      permissionDecisionReason: call,
    },
  };
  if (who === 'claude' && ev === 'PreToolUse') return json(preToolUse);
  if (who === 'codex') {
    if (ev === 'PreToolUse' || ev === 'PermissionRequest') return json(preToolUse);
    if (ev === 'Stop' || ev === 'SubagentStop') return json({ decision: 'block', reason: stop });
    if (ev === 'PostToolUse' || ev === 'UserPromptSubmit') return json({ decision: 'block', reason: call });
  }
  if (who === 'gemini' && ev === 'AfterAgent') return { stdout: '', stderr: stop, code: 2 };
  if (who === 'cursor') {
    if (/^(before|preToolUse$)/.test(ev || ''))
      return json({ permission: 'deny', user_message: call, agent_message: call });
    if (ev === 'stop' || ev === 'subagentStop') return json({ followup_message: stop });
  }
  if (who === 'copilot') {
    if (ev === 'preToolUse' || ev === 'PreToolUse')
      return json({ permissionDecision: 'deny', permissionDecisionReason: call });
    if (/^(agentStop|subagentStop|Stop|SubagentStop)$/.test(ev || ''))
      return json({ decision: 'block', reason: stop });
  }
  // Exit 2 with the reason blocks wherever each agent can block (Gemini: every event).
  return { stdout: '', stderr: `agent-sre refused: ${why}.`, code: 2 };
}

/** The refusal for this event, in this agent's shape. */
function refuse(why) {
  if (answered) return;
  answered = true;
  clearTimeout(watchdog);
  const r = refusalFor(agent, event, why);
  try {
    if (r.stdout) fs.writeSync(1, r.stdout);
    if (r.stderr) fs.writeSync(2, `${r.stderr}\n`);
  } catch {}
  process.exit(r.code);
}

/** Without --timeout (entries written before it existed): Claude Code's timeouts init wrote then. */
const STOP_EVENTS = new Set([
  'Stop',
  'SubagentStop',
  'TaskCompleted',
  'AfterAgent',
  'agentStop',
  'subagentStop',
  'stop',
]);
const GATE_TIMEOUT_SEC = 3660;
let explicitTimeout = false;

/** Claude Code's deadline for this call, less a margin for the answer to travel back. */
function deadlineFrom(argv) {
  const i = argv.indexOf('--timeout');
  const n = i >= 0 ? Number(argv[i + 1]) : Number.NaN;
  explicitTimeout = Number.isFinite(n) && n > 0;
  const fallback = STOP_EVENTS.has(event) ? GATE_TIMEOUT_SEC : DEFAULT_TIMEOUT_SEC;
  const timeoutMs = (explicitTimeout ? n : fallback) * 1000;
  const margin = Math.min(1500, timeoutMs / 4);
  // Claude Code's clock started when it spawned this process.
  return Date.now() - process.uptime() * 1000 + timeoutMs - margin;
}

/**
 * The call is waiting for a human or running acceptance checks, on purpose. With --timeout the watchdog
 * stays: init sized that timeout to outlast the wait. An older entry without it may have a longer timeout
 * than the default, so its wait is left to Claude Code's own timeout, as before.
 */
function onHold() {
  if (!explicitTimeout) clearTimeout(watchdog);
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

/**
 * Run dist/hook.cjs in this process, from a code cache V8 rejects by itself if it is stale. The cache and
 * the module paths are trusted only as recorded by this launcher in the trust record: V8 checks little
 * more than the source length, and a planted path would load any code.
 */
function inProcess(preread, deadline, trust) {
  const vm = require('node:vm');
  const Module = require('node:module');
  let source;
  try {
    const fd = fs.openSync(hookFile, O_RDONLY | O_NONBLOCK);
    try {
      // The file read is the file verified: a swap since then is refused, not run.
      if (trust && !sameStat(trust.entry.files['dist/hook.cjs'], fs.fstatSync(fd)))
        return refuse(`agent-sre's own code at ${hookFile} changed while the hook was starting`);
      source = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    return refuse(`agent-sre could not run its hook (${err.message}; run npm run build)`);
  }
  const runtime = trust ? trust.entry.runtime || {} : {};
  let cachedData;
  try {
    // Each writer makes a cache file of its own name and records that name with its stat, so processes
    // racing to refresh it never leave the record describing another process's file.
    const name = runtime.cache?.name;
    if (typeof name === 'string' && CACHE_NAME.test(name)) {
      const file = path.join(dist, name);
      if (sameStat(runtime.cache, fs.statSync(file))) cachedData = fs.readFileSync(file);
    }
  } catch {
    cachedData = undefined;
  }
  let script;
  try {
    script = new vm.Script(Module.wrap(source), { filename: hookFile, cachedData });
  } catch (err) {
    return refuse(`agent-sre could not run its hook (dist/hook.cjs does not compile: ${err.message})`);
  }
  const mod = new Module(hookFile, module);
  mod.filename = hookFile;
  mod.paths = Module._nodeModulePaths(dist);
  // Where the native packages resolved last time: walking node_modules for them costs ~8 ms.
  const resolved = { ...(runtime.resolved || {}) };
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
    // Both only save time; a read-only install or user dir runs without them.
    if (!trust) return;
    try {
      const next = { ...runtime };
      if (cachedData === undefined || script.cachedDataRejected) {
        const name = `hook.cjs.cache-${process.pid.toString(36)}${Date.now().toString(36)}`;
        const fd = fs.openSync(path.join(dist, name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
        try {
          fs.writeSync(fd, script.createCachedData());
          next.cache = { name, ...statOf(fs.fstatSync(fd)) };
        } finally {
          fs.closeSync(fd);
        }
        // Older caches (another process's from a moment ago is left alone: it may be recording it).
        for (const f of fs.readdirSync(dist)) {
          if (f === name || !f.startsWith('hook.cjs.cache')) continue;
          const old = path.join(dist, f);
          if (Date.now() - fs.lstatSync(old).mtimeMs > 10_000) fs.rmSync(old, { force: true });
        }
      } else if (!resolvedChanged) return;
      if (resolvedChanged) next.resolved = resolved;
      const rec = readRecord(process.env);
      const entry = rec.installs[install];
      if (!entry || entry.trustedAt !== trust.entry.trustedAt) return;
      entry.runtime = next;
      writeRecord(process.env, rec);
    } catch {}
  });
  try {
    script.runInThisContext().call(mod.exports, mod.exports, req, mod, hookFile, dist);
    mod.exports.main(preread, {
      deadline,
      onHold,
      // The answer is going out: the watchdog must not write a second one.
      onAnswer: () => {
        answered = true;
        clearTimeout(watchdog);
      },
    });
  } catch (err) {
    refuse(`agent-sre could not run its hook (dist/hook.cjs failed to start: ${err.message})`);
  }
}

/** Start a daemon for later calls, at most once per 30 s per socket so a broken one is not respawned in a loop. */
function startDaemon(sock, projectDir) {
  try {
    // The marker is never followed through a link (O_EXCL, then O_NOFOLLOW), never truncated, and its
    // time is set through our own fd. O_NONBLOCK: a FIFO planted there must not hang the hook.
    const marker = `${sock}.started`;
    let fd;
    try {
      fd = fs.openSync(marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, 0o600);
    } catch (err) {
      if (err.code !== 'EEXIST') return;
      fd = fs.openSync(marker, O_WRONLY | O_NOFOLLOW | O_NONBLOCK);
      try {
        const st = fs.fstatSync(fd);
        if (!st.isFile() || Date.now() - st.mtimeMs < 30_000) return;
        const now = new Date();
        fs.futimesSync(fd, now, now);
      } finally {
        fs.closeSync(fd);
      }
      fd = undefined;
    }
    if (fd !== undefined) fs.closeSync(fd);
    const { spawn } = require('node:child_process');
    spawn(process.execPath, [daemonFile, sock, projectDir], {
      detached: true,
      stdio: 'ignore',
    }).unref();
  } catch {}
}

/** A short, stable name for this build of the daemon's code, from the stat the trust check already did. */
function buildTag(entry) {
  const f = entry.files['dist/hookd.cjs'];
  return `${f.ino.toString(36)}${Math.round(f.mtimeMs).toString(36)}${f.size.toString(36)}`;
}

/** The project directory the agent's environment names (src/adapters/agents/*: projectDirEnv). */
const PROJECT_ENV = {
  claude: ['CLAUDE_PROJECT_DIR'],
  codex: [],
  gemini: ['GEMINI_PROJECT_DIR', 'CLAUDE_PROJECT_DIR'],
  cursor: ['CURSOR_PROJECT_DIR'],
  copilot: [],
};

function agentProjectDir() {
  for (const name of PROJECT_ENV[agent] || []) if (process.env[name]) return process.env[name];
  return undefined;
}

/** The nearest directory at or above `dir` holding agent-sre.yaml or .agent-sre/, else `dir` (src/app/project-root.ts). */
function projectRootOf(dir) {
  let d = path.resolve(dir);
  for (;;) {
    for (const marker of ['agent-sre.yaml', '.agent-sre']) {
      try {
        fs.lstatSync(path.join(d, marker));
        return d;
      } catch {}
    }
    const up = path.dirname(d);
    if (up === d) return dir;
    d = up;
  }
}

function viaDaemon(input, deadline, trust, argv) {
  const envProject = agentProjectDir();
  let projectDir = envProject;
  if (!projectDir) {
    // An agent that names no project (Codex, Copilot): the project its session's cwd is in, as runHook finds it.
    try {
      const cwd = JSON.parse(input).cwd;
      projectDir = typeof cwd === 'string' && cwd.startsWith('/') ? projectRootOf(cwd) : undefined;
    } catch {
      projectDir = undefined;
    }
  }
  if (typeof projectDir !== 'string' || !projectDir.startsWith('/') || input.length > MAX_INPUT)
    return inProcess(input, deadline, trust);
  const stateDir = path.join(projectDir, '.agent-sre');
  const sock = path.join(stateDir, `hookd-${buildTag(trust.entry)}.sock`);
  // Unix socket paths are limited to ~107 bytes; a deeper project simply runs in-process.
  if (sock.length > 100) return inProcess(input, deadline, trust);
  let secret;
  try {
    // Only an initialised project gets a daemon; its state dir holds the socket, so nobody else may enter.
    const st = fs.lstatSync(stateDir);
    if (!st.isDirectory()) return inProcess(input, deadline, trust);
    ensurePrivateDir(stateDir);
    secret = loadSecret(process.env);
  } catch {
    // No daemon without a private socket dir and the secret; judging here is always correct.
    return inProcess(input, deadline, trust);
  }
  const net = require('node:net');
  const c = net.connect(sock);
  let reply = '';
  let done = false;
  let held = false;
  const deniedWhileHeld = () => {
    done = true;
    refuse(
      STOP_EVENTS.has(event)
        ? 'agent-sre lost its daemon while running acceptance checks; not done yet: finish again'
        : 'agent-sre lost its daemon while waiting for a human approval',
    );
  };
  let timer;
  const fallback = (start) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    c.destroy();
    if (start) startDaemon(sock, projectDir);
    inProcess(input, deadline, trust);
  };
  // Leave the in-process path at least half of what is left.
  timer = setTimeout(() => fallback(false), Math.min(DAEMON_WAIT_MS, (deadline - Date.now()) / 2));
  c.setEncoding('utf8');
  c.on('connect', () =>
    c.end(
      JSON.stringify({
        v: 2,
        secret,
        projectDir,
        deadline,
        stdin: input,
        // The root found above for an agent that names none: the daemon and runHook need not look again.
        claudeProjectDir: envProject || projectDir,
        agent,
        event: eventArg(argv),
      }),
    ),
  );
  c.on('data', (d) => {
    reply += d;
    // The daemon is waiting for a human (tier-3 gate in wait mode) or running acceptance checks: the call
    // must not be judged a second time here, so the fallback timer stops. The watchdog still runs at the
    // configured timeout, which init sizes to outlast the gate's wait.
    if (!held && reply.startsWith('{"hold":true}\n')) {
      held = true;
      clearTimeout(timer);
      onHold();
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
      // A refusal (wrong secret, another project, too late) or a broken reply: judge it here.
      return held ? deniedWhileHeld() : fallback(false);
    done = true;
    if (answered) return;
    answered = true;
    clearTimeout(timer);
    clearTimeout(watchdog);
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

function eventArg(argv) {
  const i = argv.indexOf('--event');
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : undefined;
}

function main() {
  const argv = process.argv.slice(2);
  const isHook = AGENTS.includes(argv[1]);
  if (isHook) agent = argv[1];
  // Reading stdin is synchronous, so nothing could fire before it ends anyway; the deadline still
  // counts from the start of this process, and the event decides the default timeout.
  const input = isHook ? readStdinSync() : undefined;
  if (input !== undefined) event = sniffEvent(input, argv);
  const deadline = deadlineFrom(argv);
  // Not unref'd: a hook that would otherwise end without a word (exit 0, "go ahead") ends in the refusal.
  watchdog = setTimeout(
    () =>
      refuse(
        'agent-sre could not answer within its hook timeout (the ledger may be locked by another process, or the machine is overloaded), so nothing runs unjudged',
      ),
    Math.max(0, deadline - Date.now()),
  );
  let trust;
  try {
    trust = verifyInstall(install, process.env);
  } catch (err) {
    return refuse(`agent-sre cannot check its own code against the trust record (${err.message})`);
  }
  if (!trust.ok) return refuse(trust.reason);
  if (input === undefined || process.env.AGENT_SRE_HOOKD === '0') return inProcess(input, deadline, trust);
  viaDaemon(input, deadline, trust, argv);
}

module.exports = {
  AGENTS,
  CORE_FILES,
  RECORD_FILE,
  Unsafe,
  codeFiles,
  ensurePrivateDir,
  loadSecret,
  readRecord,
  recordPath,
  sameStat,
  statOf,
  trustInstall,
  refusalFor,
  userDir,
  verifyInstall,
};

// Run as the hook (by Claude Code, or through bin/agent-sre.js hook); as a module it only exports.
if (require.main === module || process.argv[2] === 'hook') {
  try {
    main();
  } catch (err) {
    refuse(`agent-sre could not run its hook (${err.message})`);
  }
}
