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
import { add, type InfraTag } from './_tags.ts';
import { addLocality } from './sql.ts';

const REDIS_VALUES = valueFlags(
  '-h -p -s -a -u -n -r -i -d -D --user --pass --uri --cacert --cacertdir --cert --key --tls-ciphers --tls-ciphersuites --sni --rdb --functions-rdb --pattern --count --quoted-pattern --memkeys-samples --eval --pipe-timeout --intrinsic-latency --lru-test',
);
const REDIS_WIPE = new Set(['FLUSHALL', 'FLUSHDB']);

function hostsRemote(hosts: readonly string[]): boolean {
  return hosts.some((h) => !isLocalHost(h));
}

/** No -h, -u or a local one means this machine (redis-cli defaults to 127.0.0.1). */
export function redisCli(argv: readonly string[]): InfraTag[] {
  let remote = hostsRemote(flagValues(argv, ['-h'], REDIS_VALUES));
  for (const u of flagValues(argv, ['-u', '--uri'], REDIS_VALUES)) {
    if (isDynamic(u) || hostsRemote(uriHosts(u) ?? [u])) remote = true;
  }
  const out = addLocality([], remote);
  const i = nextPositional(argv, 0, REDIS_VALUES);
  if (i >= 0 && REDIS_WIPE.has(argv[i]!.toUpperCase())) add(out, 'db.destroy');
  return out;
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

export function mongoShell(argv: readonly string[]): InfraTag[] {
  const out = addLocality([], mongoRemote(argv, true));
  for (const js of flagValues(argv, ['--eval'], MONGO_VALUES)) {
    if (mongoWipes(js)) return add(out, 'db.destroy');
  }
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
