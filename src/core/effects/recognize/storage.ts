// Object-storage and sync CLIs: gsutil, s3cmd, rclone, rsync.
import { findVerb, hasFlag, hasShort, positionalAfter, positionals, valueFlags } from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

const REMOTE_URL_RE = /^(?:gs|s3):\/\//;

const GSUTIL_VALUES = valueFlags('-u -o -h -i -x -L -z -j -s -a');

const GSUTIL_CMDS: ReadonlyMap<string, Act | 'transfer' | 'rsync' | 'getset' | 'hmac' | 'cred'> = new Map<
  string,
  Act | 'transfer' | 'rsync' | 'getset' | 'hmac' | 'cred'
>([
  ...['ls', 'cat', 'du', 'stat', 'hash', 'version', 'ver', 'help', 'signurl', 'perfdiag', 'test'].map(
    (c) => [c, 'read'] as const,
  ),
  ...['mb', 'setmeta', 'compose', 'rewrite', 'notification', 'kms', 'update'].map(
    (c) => [c, 'change'] as const,
  ),
  ...['rm', 'rb', 'del'].map((c) => [c, 'destroy'] as const),
  ...['cp', 'mv'].map((c) => [c, 'transfer'] as const),
  ['rsync', 'rsync'],
  ...[
    'iam',
    'acl',
    'defacl',
    'lifecycle',
    'versioning',
    'cors',
    'label',
    'logging',
    'web',
    'retention',
    'autoclass',
    'pap',
    'ubla',
    'bucketpolicyonly',
    'requesterpays',
    'rpo',
    'defstorageclass',
  ].map((c) => [c, 'getset'] as const),
  ['hmac', 'hmac'],
  ['config', 'cred'],
]);

export function gsutil(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, GSUTIL_VALUES, GSUTIL_CMDS);
  if (i < 0) return hasFlag(argv, ['--version', '-v']) ? add(out, 'infra.read') : out;
  const cmd = argv[i]!;
  const kind = GSUTIL_CMDS.get(cmd)!;
  const dry = hasShort(argv, 'n', i + 1);
  const args = positionals(argv, i + 1, GSUTIL_VALUES);
  const dest = args[args.length - 1] ?? '';
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind);
    case 'transfer':
      return addAct(out, cmd === 'mv' || REMOTE_URL_RE.test(dest) ? 'change' : 'read');
    case 'rsync':
      // -d deletes destination objects that are missing from the source.
      if (hasShort(argv, 'd', i + 1)) return addAct(out, 'destroy', dry);
      return addAct(out, REMOTE_URL_RE.test(dest) ? 'change' : 'read', dry);
    case 'getset': {
      const sub = args[0] ?? '';
      if (sub === 'get') return add(out, 'infra.read');
      addAct(out, 'change');
      if (cmd === 'iam' || cmd === 'acl' || cmd === 'defacl') add(out, 'cred.manage');
      return out;
    }
    case 'hmac': {
      const sub = args[0] ?? '';
      if (sub === 'list' || sub === 'get') return add(out, 'infra.read');
      return add(addAct(out, sub === 'delete' ? 'destroy' : 'change'), 'cred.manage');
    }
    case 'cred':
      // `gsutil config` writes a .boto file holding credentials.
      return add(out, 'cred.manage');
  }
}

const S3CMD_VALUES = valueFlags(
  '-c --config --access_key --secret_key --access_token --exclude --include --rexclude --rinclude --exclude-from --include-from --rexclude-from --rinclude-from --bucket-location --region --host --host-bucket --acl-grant --acl-revoke -m --mime-type --add-header --remove-header --encoding --storage-class --expiry-date --expiry-days --expiry-prefix --max-delete --limit-rate --cache-file --files-from --ssl-client-cert-file --ssl-client-key-file --ca-certs --kms-key --server-side-encryption-kms-id --website-index --website-error --restore-days --restore-priority --lifecycle-configuration --policy',
);

const S3CMD_CMDS: ReadonlyMap<string, Act | 'transfer' | 'sync'> = new Map<string, Act | 'transfer' | 'sync'>(
  [
    ...[
      'ls',
      'la',
      'get',
      'info',
      'du',
      'listmp',
      'cflist',
      'cfinfo',
      'getlifecycle',
      'getpolicy',
      'ws-info',
      'signurl',
      'sign',
      'getnotification',
    ].map((c) => [c, 'read'] as const),
    ...[
      'mb',
      'modify',
      'setacl',
      'setversioning',
      'setpolicy',
      'delpolicy',
      'setcors',
      'delcors',
      'payer',
      'abortmp',
      'accesslog',
      'setlifecycle',
      'dellifecycle',
      'ws-create',
      'expire',
      'fixbucket',
      'restore',
      'cfcreate',
      'cfmodify',
      'cfinval',
      'setownership',
      'setobjectlock',
      'setnotification',
      'delnotification',
    ].map((c) => [c, 'change'] as const),
    ...['rb', 'del', 'rm', 'ws-delete', 'cfdelete'].map((c) => [c, 'destroy'] as const),
    ...['put', 'cp', 'mv'].map((c) => [c, 'transfer'] as const),
    ['sync', 'sync'],
  ],
);

export function s3cmd(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, S3CMD_VALUES, S3CMD_CMDS);
  if (i < 0) return out;
  const cmd = argv[i]!;
  const kind = S3CMD_CMDS.get(cmd)!;
  const dry = hasFlag(argv, ['--dry-run']) || hasShort(argv, 'n');
  const args = positionals(argv, i + 1, S3CMD_VALUES);
  const toRemote = REMOTE_URL_RE.test(args[args.length - 1] ?? '');
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind, dry);
    case 'transfer':
      return addAct(out, cmd === 'mv' || toRemote ? 'change' : 'read', dry);
    case 'sync':
      if (hasFlag(argv, ['--delete-removed', '--delete-after'])) return addAct(out, 'destroy', dry);
      return addAct(out, toRemote ? 'change' : 'read', dry);
  }
}

const RCLONE_VALUES = valueFlags(
  '--config --transfers --checkers --include --exclude --filter --filter-from --include-from --exclude-from --files-from --min-age --max-age --min-size --max-size --bwlimit --log-file --log-level --backup-dir --suffix --stats --max-delete --max-transfer --max-depth --order-by --tpslimit --user-agent --retries --low-level-retries --timeout --contimeout --compare-dest --copy-dest --password-command --cache-dir --temp-dir --dedupe-mode --conflict-resolve --workdir --track-renames-strategy --stats-log-level --exclude-if-present --header --header-upload --header-download -o --output',
);

type RcloneCmd = Act | 'config' | 'cred-read' | 'cred-manage' | 'none';

const RCLONE_CMDS: ReadonlyMap<string, RcloneCmd> = new Map<string, RcloneCmd>([
  // sync and bisync make the destination match, deleting whatever the source lacks.
  ...['purge', 'delete', 'deletefile', 'rmdir', 'rmdirs', 'cleanup', 'dedupe', 'sync', 'bisync'].map(
    (c) => [c, 'destroy'] as const,
  ),
  ...[
    'move',
    'moveto',
    'copy',
    'copyto',
    'mkdir',
    'touch',
    'rcat',
    'copyurl',
    'settier',
    'link',
    'backend',
  ].map((c) => [c, 'change'] as const),
  ...[
    'ls',
    'lsd',
    'lsl',
    'lsf',
    'lsjson',
    'cat',
    'size',
    'about',
    'check',
    'checksum',
    'cryptcheck',
    'md5sum',
    'sha1sum',
    'hashsum',
    'tree',
    'ncdu',
    'version',
    'listremotes',
    'help',
  ].map((c) => [c, 'read'] as const),
  ['config', 'config'],
  ['reveal', 'cred-read'],
  ['authorize', 'cred-manage'],
  ...[
    'mount',
    'nfsmount',
    'serve',
    'selfupdate',
    'gendocs',
    'rc',
    'rcd',
    'obscure',
    'genautocomplete',
    'completion',
    'test',
  ].map((c) => [c, 'none'] as const),
]);

export function rclone(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, RCLONE_VALUES, RCLONE_CMDS);
  if (i < 0) return out;
  const kind = RCLONE_CMDS.get(argv[i]!)!;
  const dry = hasFlag(argv, ['--dry-run']) || hasShort(argv, 'n');
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind, dry);
    case 'config': {
      const sub = positionalAfter(argv, i, RCLONE_VALUES);
      // `show` and `dump` print tokens and keys; bare `config` is the interactive editor.
      if (sub === 'show' || sub === 'dump') return add(out, 'cred.read');
      if (sub === 'file' || sub === 'paths' || sub === 'providers' || sub === 'redacted')
        return add(out, 'infra.read');
      return add(out, 'cred.manage');
    }
    case 'cred-read':
      return add(out, 'cred.read');
    case 'cred-manage':
      return add(out, 'cred.manage');
    case 'none':
      return out;
  }
}

const RSYNC_VALUES = valueFlags(
  '-e --rsh --rsync-path -f --filter --exclude --include --exclude-from --include-from --files-from -T --temp-dir --partial-dir --compare-dest --copy-dest --link-dest --backup-dir --suffix --chmod --chown --usermap --groupmap --max-size --min-size --max-delete --max-alloc --bwlimit --timeout --contimeout --port --password-file --out-format --log-file --log-file-format --info --debug --iconv --sockopts --address -B --block-size --checksum-choice --cc --compress-choice --zc --compress-level --zl --skip-compress --modify-window -@ --outbuf -M --remote-option --stop-after --stop-at --write-batch --read-batch --only-write-batch --protocol --checksum-seed',
);

// `host:path`, `user@host:path`, `host::module` and `rsync://host/module` name another machine.
const RSYNC_REMOTE_RE = /^(?:rsync:\/\/|[^/]*:)/;

const RSYNC_DELETES = [
  '--del',
  '--delete',
  '--delete-before',
  '--delete-during',
  '--delete-delay',
  '--delete-after',
  '--delete-excluded',
  '--delete-missing-args',
];

/**
 * Only transfers that touch another machine get a tag here: local sources and destinations are
 * judged as file reads, writes and deletes by the file rules.
 */
export function rsync(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const args = positionals(argv, 0, RSYNC_VALUES);
  if (args.length < 2) return out;
  const dest = args[args.length - 1]!;
  const remoteDest = RSYNC_REMOTE_RE.test(dest);
  const remoteSource = args.slice(0, -1).some((a) => RSYNC_REMOTE_RE.test(a));
  const dry = hasFlag(argv, ['--dry-run', '--list-only']) || hasShort(argv, 'n');
  // The --delete family removes whatever the source lacks from the destination.
  if (remoteDest && hasFlag(argv, RSYNC_DELETES)) return addAct(out, 'destroy', dry);
  // The copy survives at the destination, so this is a move rather than a loss.
  if ((remoteDest || remoteSource) && hasFlag(argv, ['--remove-source-files']))
    return addAct(out, 'change', dry);
  return out;
}
