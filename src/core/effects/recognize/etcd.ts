// etcdctl: where the cluster is (`--endpoints`, ETCDCTL_ENDPOINTS; default 127.0.0.1:2379) and
// whether the command wipes keys. A ranged delete (`del K --prefix`, `--from-key`, `del K END`), the v2
// recursive `rm -r` / `rmdir`, and `member remove` destroy data (`db.destroy`, tier 4 off this
// machine, logged on it like `redis-cli FLUSHALL`); compaction, lease revocation, auth and role
// changes alter the cluster (`infra.change`). One-key `get` / `put` / `del` are ordinary use.
import {
  flagValues,
  hasFlag,
  isDynamic,
  isLocalHost,
  positionals,
  stripPort,
  uriHosts,
  valueFlags,
} from './_args.ts';
import { add, type ExecInfo, type InfraTag } from './_tags.ts';
import { addLocality } from './sql.ts';

const ETCD_VALUES = valueFlags(
  '--endpoints --cacert --cert --key --user --password --command-timeout --dial-timeout --keepalive-time --keepalive-timeout --discovery-srv --discovery-srv-name -w --write-out --hex --limit --rev --range-end --lease --sort-by --order --from-key-value --peer-urls --data-dir --name --initial-cluster --initial-cluster-token --initial-advertise-peer-urls --wal-dir --schema',
);

/** An endpoint list (`https://h1:2379,h2:2379`) reaches another machine, or may. */
function endpointsRemote(list: string): boolean {
  if (isDynamic(list)) return true;
  for (const e of list.split(',')) {
    const t = e.trim();
    if (t === '') continue;
    const hosts = uriHosts(t) ?? [stripPort(t)];
    if (hosts.some((h) => !isLocalHost(h))) return true;
  }
  return false;
}

function etcdRemote(argv: readonly string[], info?: ExecInfo): boolean {
  const flags = flagValues(argv, ['--endpoints'], ETCD_VALUES);
  if (flags.length > 0) return flags.some(endpointsRemote);
  if (hasFlag(argv, ['--discovery-srv'])) return true;
  const env = info?.env;
  for (const k of ['ETCDCTL_ENDPOINTS', 'ETCDCTL_PEERS', 'ETCDCTL_DISCOVERY_SRV']) {
    if (!env?.has(k)) continue;
    const v = env.get(k);
    if (v === null || v === undefined || endpointsRemote(v)) return true;
  }
  return false;
}

const CHANGE = new Set(['compaction', 'compact', 'move-leader', 'defrag']);

export function etcdctl(argv: readonly string[], info?: ExecInfo): InfraTag[] {
  const pos = positionals(argv, 0, ETCD_VALUES, 8);
  const verb = pos[0];
  if (verb === undefined) return [];
  const out = addLocality([], etcdRemote(argv, info));
  const destroy = (): InfraTag[] => add(out, 'db.destroy');
  switch (verb) {
    case 'del':
    case 'delete':
      // A range: every key under a prefix, from a key on, or between two keys.
      if (hasFlag(argv, ['--prefix', '--from-key']) || pos.length > 2) return destroy();
      if (flagValues(argv, ['--range-end'], ETCD_VALUES).length > 0) return destroy();
      return out;
    case 'rm':
    case 'rmdir':
      // v2 API: `rm -r /` / `rm --recursive`, `rmdir` of a directory.
      if (verb === 'rmdir' || hasFlag(argv, ['-r', '--recursive'])) return destroy();
      return out;
    case 'member':
      if (pos[1] === 'remove') return destroy();
      return pos[1] === 'add' || pos[1] === 'update' ? add(out, 'infra.change') : out;
    case 'snapshot':
      // Restoring writes a new data directory from a snapshot; the cluster built on it loses later writes.
      return pos[1] === 'restore' ? add(out, 'infra.change') : out;
    case 'lease':
      return pos[1] === 'revoke' ? add(out, 'infra.change') : out;
    case 'auth':
    case 'user':
    case 'role':
      return pos[1] === 'disable' ||
        pos[1] === 'delete' ||
        pos[1] === 'revoke' ||
        pos[1] === 'revoke-permission'
        ? add(out, 'infra.change')
        : out;
    case 'txn':
      // A transaction's operations come on stdin; a ranged delete there is as bad as on the line.
      return info && txnWipes(info) ? destroy() : out;
    default:
      return CHANGE.has(verb) ? add(out, 'infra.change') : out;
  }
}

/** `del KEY --prefix` / `--from-key` / `del K END` inside `etcdctl txn` stdin text. */
function txnWipes(info: ExecInfo): boolean {
  const s = info.stdin;
  const text = s?.kind === 'text' ? s.text : s?.kind === 'file' && s.path ? info.read?.(s.path) : undefined;
  if (text === undefined) return false;
  for (const line of text.slice(0, 64 * 1024).split('\n')) {
    const w = line.trim().split(/\s+/);
    if (w[0] !== 'del' && w[0] !== 'delete') continue;
    if (w.includes('--prefix') || w.includes('--from-key') || w.filter((x) => !x.startsWith('-')).length > 2)
      return true;
  }
  return false;
}
