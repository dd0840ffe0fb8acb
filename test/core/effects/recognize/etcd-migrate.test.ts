import { describe, expect, it } from 'vitest';
import { recognizeInfra } from '../../../../src/core/effects/recognize/index.ts';
import { type Case, sorted, tagsOf, words } from './_cases.ts';

const ETCD: Case[] = [
  ['etcdctl get /config/a', ['db.local']],
  ['etcdctl put /config/a 1', ['db.local']],
  ['etcdctl del /config/a', ['db.local']],
  ['etcdctl del /config --prefix', ['db.destroy', 'db.local']],
  ['etcdctl --endpoints=https://etcd-prod-0:2379 del "" --from-key=true', ['db.destroy', 'db.remote']],
  [
    'etcdctl --endpoints https://10.0.0.4:2379,https://10.0.0.5:2379 del / --prefix',
    ['db.destroy', 'db.remote'],
  ],
  ['etcdctl --endpoints=http://127.0.0.1:2379 del "" --from-key', ['db.destroy', 'db.local']],
  ['etcdctl --endpoints=localhost:2379,[::1]:2379 del a z', ['db.destroy', 'db.local']],
  ['etcdctl --endpoints=https://etcd-1:2379 del a z', ['db.destroy', 'db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 del a --range-end=z', ['db.destroy', 'db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 get "" --prefix --keys-only', ['db.remote']],
  ['etcdctl --endpoints="$ETCD_EP" del /x --prefix', ['db.destroy', 'db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 rm -r /services', ['db.destroy', 'db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 rmdir /services', ['db.destroy', 'db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 rm /services/a', ['db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 member remove 8e9e05c52164694d', ['db.destroy', 'db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 member list', ['db.remote']],
  ['etcdctl --endpoints=https://etcd-1:2379 compaction 12345', ['db.remote', 'infra.change']],
  ['etcdctl --endpoints=https://etcd-1:2379 lease revoke 694d5765fc71500b', ['db.remote', 'infra.change']],
  ['etcdctl --endpoints=https://etcd-1:2379 auth disable', ['db.remote', 'infra.change']],
  ['etcdctl snapshot restore backup.db --data-dir /var/lib/etcd-new', ['db.local', 'infra.change']],
  ['etcdctl --endpoints=https://etcd-1:2379 snapshot save backup.db', ['db.remote']],
  ['etcdctl endpoint health', ['db.local']],
];

describe('etcdctl', () => {
  it.each(ETCD)('%s', (line, tags) => {
    expect(tagsOf(line)).toEqual(sorted(tags));
  });

  const envCases: [Record<string, string | null>, string, readonly string[]][] = [
    [
      { ETCDCTL_ENDPOINTS: 'https://etcd-prod-0:2379' },
      'etcdctl del "" --from-key',
      ['db.destroy', 'db.remote'],
    ],
    [{ ETCDCTL_ENDPOINTS: 'http://127.0.0.1:2379' }, 'etcdctl del "" --from-key', ['db.destroy', 'db.local']],
    [{ ETCDCTL_ENDPOINTS: null }, 'etcdctl del /a --prefix', ['db.destroy', 'db.remote']],
    // The flag wins over the environment.
    [
      { ETCDCTL_ENDPOINTS: 'https://etcd-prod-0:2379' },
      'etcdctl --endpoints=localhost:2379 del /a --prefix',
      ['db.destroy', 'db.local'],
    ],
  ];
  it.each(envCases)('env %j: %s', (env, line, tags) => {
    const [, ...argv] = words(line);
    const got = recognizeInfra('etcdctl', argv, { env: new Map(Object.entries(env)) });
    expect(sorted(got)).toEqual(sorted(tags));
  });

  it('reads a ranged delete inside txn stdin', () => {
    const info = { stdin: { kind: 'text', text: 'mod("a") > "0"\n\ndel /registry --prefix\n\n' } };
    expect(recognizeInfra('etcdctl', ['txn'], info)).toContain('db.destroy');
    const one = { stdin: { kind: 'text', text: 'value("a") = "1"\n\nput a 2\n\ndel b\n' } };
    expect(recognizeInfra('etcdctl', ['txn'], one)).not.toContain('db.destroy');
  });
});

const MIGRATE: Case[] = [
  ['migrate -path db/migrations -database "$DATABASE_URL_PROD" down -all', ['db.production', 'db.reset']],
  ['migrate -path db/migrations -database "$DATABASE_URL_PROD" down', ['db.production', 'db.reset']],
  ['migrate -path db/migrations -database "$DATABASE_URL_PROD" down 0', ['db.production', 'db.reset']],
  ['migrate -path db/migrations -database "$DATABASE_URL_PROD" up', []],
  ['migrate -path db/migrations -database "$DATABASE_URL_PROD" down 1', []],
  ['migrate -path db/migrations -database "$DATABASE_URL_PROD" force 20240101', []],
  ['migrate -source file://m -database postgres://u@db.example.com/app drop -f', ['db.remote', 'db.reset']],
  ['migrate --path=m --database=postgres://u@localhost/app_dev down --all', ['db.reset']],
  ['migrate -path m -database postgres://u@localhost/app_test drop -f', ['db.reset', 'db.test']],
  ['migrate -path m -database "mysql://u:p@tcp(prod-mysql:3306)/app" drop', ['db.production', 'db.reset']],
  ['migrate -version', []],
];

describe('golang-migrate', () => {
  it.each(MIGRATE)('%s', (line, tags) => {
    expect(tagsOf(line)).toEqual(sorted(tags));
  });
});
