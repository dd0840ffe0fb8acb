// Redis and MongoDB clients: where the server is, and whether the command wipes data.
import {
  flagValues,
  hasFlag,
  isDynamic,
  isLocalHost,
  nextPositional,
  positionals,
  stripPort,
  uriHosts,
  valueFlags,
} from './_args.ts';
import { scriptText, stdinProgram, wholeRunTime } from './_input.ts';
import { add, type ExecInfo, type InfraTag } from './_tags.ts';
import { addLocality } from './sql.ts';

const REDIS_VALUES = valueFlags(
  '-h -p -s -a -u -n -r -i -d -D --user --pass --uri --cacert --cacertdir --cert --key --tls-ciphers --tls-ciphersuites --sni --rdb --functions-rdb --pattern --count --quoted-pattern --memkeys-samples --eval --pipe-timeout --intrinsic-latency --lru-test',
);
const REDIS_WIPE = new Set(['FLUSHALL', 'FLUSHDB']);

function hostsRemote(hosts: readonly string[]): boolean {
  return hosts.some((h) => !isLocalHost(h));
}

/**
 * No -h, -u or a local one means this machine (redis-cli defaults to 127.0.0.1). The command is the
 * argv's, or, without one, each line of stdin (`echo FLUSHALL | redis-cli`, `--pipe < cmds.txt`);
 * `EVAL` scripts and `--eval FILE` are Lua, searched for the calls that wipe.
 */
export function redisCli(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  let remote = hostsRemote(flagValues(argv, ['-h'], REDIS_VALUES));
  for (const u of flagValues(argv, ['-u', '--uri'], REDIS_VALUES)) {
    if (isDynamic(u) || hostsRemote(uriHosts(u) ?? [u])) remote = true;
  }
  const out = addLocality([], remote);
  const i = nextPositional(argv, 0, REDIS_VALUES);
  if (i >= 0 && redisWipes(argv.slice(i))) add(out, 'db.destroy');
  if (!info) return out;
  if (i >= 0 && /^EVAL(_RO)?$/i.test(argv[i]!) && wholeRunTime(info, argv[i + 1] ?? ''))
    info.unseen?.('a Lua script only known at run time');
  const lua = flagValues(argv, ['--eval'], REDIS_VALUES);
  if (lua.length > 0 && luaWipes(scriptText(info, lua, false))) add(out, 'db.destroy');
  // -x: stdin is the last argument's value, data; with a command on the line stdin is not read.
  if (i < 0 && lua.length === 0 && !hasFlag(argv, ['-x', '--version', '--help'])) {
    const text = stdinProgram(info);
    if (text === null) info.unseen?.('commands on stdin that cannot be read');
    else if (text !== undefined && redisLinesWipe(text)) add(out, 'db.destroy');
  }
  return out;
}

const LUA_WIPE_RE = /\bredis\s*\.\s*p?call\s*\(\s*(['"])\s*(?:flushall|flushdb)\s*\1/i;
// A loop deleting every key the script lists: `for _,k in ipairs(redis.call('keys','*')) do redis.call('del',k)`.
const LUA_ALL_KEYS_RE = /\bredis\s*\.\s*p?call\s*\(\s*(['"])keys\1\s*,\s*(['"])\*\2/i;
const LUA_DEL_RE = /\bredis\s*\.\s*p?call\s*\(\s*(['"])(?:del|unlink)\1/i;

/** Lua run by EVAL or --eval that flushes, or deletes every key it lists. */
export function luaWipes(lua: string): boolean {
  return LUA_WIPE_RE.test(lua) || (LUA_ALL_KEYS_RE.test(lua) && LUA_DEL_RE.test(lua));
}

/** One redis command as words: FLUSHALL/FLUSHDB, or EVAL/EVAL_RO of a script that wipes. */
function redisWipes(words: readonly string[]): boolean {
  const cmd = (words[0] ?? '').toUpperCase();
  if (REDIS_WIPE.has(cmd)) return true;
  return (cmd === 'EVAL' || cmd === 'EVAL_RO') && luaWipes(words[1] ?? '');
}

/** Commands one per line, as redis-cli reads them from stdin (quotes around words are dropped). */
function redisLinesWipe(text: string): boolean {
  const lines = text.split('\n');
  for (const line of lines) {
    const words = line.trim().match(/"(?:[^"\\]|\\.)*"|'[^']*'|\S+/g) ?? [];
    if (redisWipes(words.map((w) => w.replace(/^(["'])([\s\S]*)\1$/, '$2')))) return true;
  }
  return false;
}

const MONGO_VALUES = valueFlags(
  '--host --port -u --username -p --password --authenticationDatabase --authenticationMechanism --eval -f --file --tlsCAFile --tlsCertificateKeyFile --tlsCertificateKeyFilePassword --tlsCRLFile --apiVersion --awsAccessKeyId --awsSecretAccessKey --awsSessionToken --gssapiServiceName --keyVaultNamespace --kmsURL --db -d --uri --nsInclude --nsExclude --nsFrom --nsTo --archive --dir -o --out -c --collection -q --query --readPreference --numParallelCollections -j',
);

/** `--host rs0/h1:27017,h2`, `h:27017/db`, `mongodb+srv://cluster`, or just a database name. */
function mongoTargetRemote(t: string): boolean {
  if (isDynamic(t)) return true;
  const uri = uriHosts(t);
  if (uri) return hostsRemote(uri);
  if (t.endsWith('.js')) return false;
  const slash = t.indexOf('/');
  const hostPart = slash >= 0 ? t.slice(0, slash) : t.includes(':') ? t : '';
  return hostsRemote(hostPart.split(',').map(stripPort));
}

/** `shell`: the first positional is the shell's target; for the tools it is a dump directory unless a URI. */
function mongoRemote(argv: readonly string[], shell: boolean): boolean {
  for (const h of flagValues(argv, ['--host'], MONGO_VALUES)) {
    // A replica-set host list is `set/h1,h2`.
    const slash = h.indexOf('/');
    const list = slash >= 0 && !h.includes('://') ? h.slice(slash + 1) : h;
    if (isDynamic(list) || hostsRemote(uriHosts(list) ?? list.split(',').map(stripPort))) return true;
  }
  for (const u of flagValues(argv, ['--uri'], MONGO_VALUES)) if (mongoTargetRemote(u)) return true;
  const first = positionals(argv, 0, MONGO_VALUES, 1)[0];
  if (first === undefined || (!shell && !first.includes('://'))) return false;
  return mongoTargetRemote(first);
}

const MONGO_WIPE_RE =
  /\.\s*(?:dropDatabase|dropAllUsers|dropAllRoles)\s*\(|\.\s*drop\s*\(|\.\s*(?:deleteMany|remove)\s*\(\s*(?:\{\s*\})?\s*[,)]|\.\s*updateMany\s*\(\s*\{\s*\}\s*,|\bdeleteMany\s*:\s*\{\s*filter\s*:\s*\{\s*\}/;
// Command documents are matched on the raw text: their keys are often quoted.
const MONGO_COMMAND_WIPE_RE =
  /\b(?:runCommand|adminCommand)\s*\(\s*\{\s*["']?(?:drop|dropDatabase|delete)["']?\s*:/;

/** Empties string literals and drops comments, in one linear pass (a regex backtracks on `'\\'\\...`). */
function maskJs(js: string): string {
  let out = '';
  let start = 0;
  const n = js.length;
  let i = 0;
  while (i < n) {
    const c = js.charCodeAt(i);
    if (c === 39 || c === 34 || c === 96) {
      let j = i + 1;
      while (j < n && js.charCodeAt(j) !== c) j += js.charCodeAt(j) === 92 ? 2 : 1;
      out += js.slice(start, i + 1) + js[i];
      i = j + 1;
      start = i;
    } else if (c === 47 && (js.charCodeAt(i + 1) === 47 || js.charCodeAt(i + 1) === 42)) {
      const line = js.charCodeAt(i + 1) === 47;
      const end = line ? js.indexOf('\n', i) : js.indexOf('*/', i + 2);
      out += `${js.slice(start, i)} `;
      i = end < 0 ? n : line ? end : end + 2;
      start = i;
    } else i++;
  }
  return start < n ? out + js.slice(start) : out;
}

/** Whether a mongo shell script drops databases or collections, or deletes/updates with an empty filter. */
export function mongoWipes(js: string): boolean {
  if (MONGO_COMMAND_WIPE_RE.test(js)) return true;
  return MONGO_WIPE_RE.test(maskJs(js));
}

const MONGO_LOAD_RE = /\bload\s*\(\s*(['"])([^'"]+)\1\s*\)/g;

/**
 * The scripts mongosh runs: `--eval`, `-f`/`--file` and `.js` files on the line, or its stdin when it
 * has none of those (`mongosh prod <<< 'db.dropDatabase()'`); `load('x.js')` pulls in more.
 */
export function mongoShell(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const out = addLocality([], mongoRemote(argv, true));
  const evals = flagValues(argv, ['--eval'], MONGO_VALUES);
  for (const js of evals) {
    if (mongoWipes(js)) return add(out, 'db.destroy');
  }
  if (!info) return out;
  if (evals.some((js) => wholeRunTime(info, js))) info.unseen?.('a script only known at run time');
  const files = [
    ...flagValues(argv, ['-f', '--file'], MONGO_VALUES),
    ...positionals(argv, 0, MONGO_VALUES).filter((p) => /\.(c|m)?js$/i.test(p)),
  ];
  const loads = evals.flatMap((js) => [...js.matchAll(MONGO_LOAD_RE)].map((m) => m[2]!));
  const readsStdin =
    evals.length === 0 && files.length === 0 && !hasFlag(argv, ['--version', '--help', '-h']);
  const script = scriptText(info, [...files, ...loads], readsStdin, /\bload\s*\(\s*['"]([^'"]+)['"]\s*\)/g);
  if (mongoWipes(script)) add(out, 'db.destroy');
  return out;
}

/** mongorestore --drop drops each collection before restoring it. */
export function mongorestore(argv: readonly string[]): InfraTag[] {
  const remote = mongoRemote(argv, false);
  const out = addLocality([], remote);
  if (hasFlag(argv, ['--drop'])) add(out, 'db.destroy');
  else if (remote) add(out, 'infra.change');
  return out;
}

export function mongodump(argv: readonly string[]): InfraTag[] {
  return add(addLocality([], mongoRemote(argv, false)), 'infra.read');
}
