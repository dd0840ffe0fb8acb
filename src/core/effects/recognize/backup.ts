// Backup tools: restic, borg (borgbackup) and velero. A backup is the copy of last resort, so what
// removes snapshots, archives or repositories is destruction. Taking a backup only adds a snapshot
// and is routine, so it gets no tag; neither does restoring into local files, which the file rules
// already judge.
import { findPathVerb, findVerb, hasFlag, hasShort, isDryRun, positionalAfter, valueFlags } from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

/** Verbs that leave the repository alone (backup, restore, init, unlock...) map to 'none'. */
type BackupCmd = Act | 'none' | 'key' | 'cat' | 'rewrite' | 'repair' | 'check' | 'config';

const RESTIC_VALUES = valueFlags(
  '-r --repo --repository-file -p --password-file --password-command --cacert --tls-client-cert --cache-dir --key-hint --limit-download --limit-upload -o --option --pack-size --compression --retry-lock --stuck-request-timeout --keep-last --keep-hourly --keep-daily --keep-weekly --keep-monthly --keep-yearly --keep-within --keep-within-hourly --keep-within-daily --keep-within-weekly --keep-within-monthly --keep-within-yearly --keep-tag --tag --host --path -g --group-by --max-unused --max-repack-size',
);

const RESTIC_CMDS: ReadonlyMap<string, BackupCmd> = new Map<string, BackupCmd>([
  // forget removes snapshots (and with --prune their data); prune deletes unreferenced data.
  ['forget', 'destroy'],
  ['prune', 'destroy'],
  ['rewrite', 'rewrite'],
  ['repair', 'repair'],
  ['tag', 'change'],
  ['migrate', 'change'],
  ['key', 'key'],
  ['cat', 'cat'],
  ...[
    'check',
    'snapshots',
    'stats',
    'ls',
    'find',
    'dump',
    'diff',
    'list',
    'mount',
    'version',
    'help',
    'features',
    'options',
  ].map((c) => [c, 'read'] as const),
  // Additive or local only: a new snapshot, files restored here, a new repository, stale locks.
  ...['backup', 'restore', 'init', 'copy', 'recover', 'unlock', 'cache', 'generate', 'self-update'].map(
    (c) => [c, 'none'] as const,
  ),
]);

function resticDryRun(argv: readonly string[], from: number): boolean {
  return isDryRun(argv, from) || hasShort(argv, 'n', from);
}

export function restic(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, RESTIC_VALUES, RESTIC_CMDS);
  if (i < 0) return hasFlag(argv, ['--version']) ? add(out, 'infra.read') : out;
  const kind = RESTIC_CMDS.get(argv[i]!)!;
  const dry = resticDryRun(argv, i + 1);
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind, dry);
    case 'rewrite':
      // Without --forget the rewritten snapshots sit beside the originals.
      return addAct(out, hasFlag(argv, ['--forget'], i + 1) ? 'destroy' : 'change', dry);
    case 'repair': {
      const sub = positionalAfter(argv, i, RESTIC_VALUES);
      if (sub === '') return out;
      return addAct(
        out,
        sub === 'snapshots' && hasFlag(argv, ['--forget'], i + 1) ? 'destroy' : 'change',
        dry,
      );
    }
    case 'key': {
      const sub = positionalAfter(argv, i, RESTIC_VALUES);
      if (sub === 'list') return add(out, 'infra.read');
      return sub === '' ? out : add(out, 'cred.manage');
    }
    case 'cat':
      // The master key decrypts every snapshot in the repository.
      return positionalAfter(argv, i, RESTIC_VALUES) === 'masterkey'
        ? add(out, 'cred.read')
        : add(out, 'infra.read');
    case 'check':
    case 'config':
    case 'none':
      return out;
  }
}

const BORG_VALUES = valueFlags(
  '-r --repo --remote-path --upload-ratelimit --upload-buffer --lock-wait --rsh --umask --debug-topic --debug-profile -a --match-archives --glob-archives -P --prefix --sort-by --first --last --keep-within --keep-last --keep-secondly --keep-minutely -H --keep-hourly -d --keep-daily -w --keep-weekly -m --keep-monthly -y --keep-yearly --format --checkpoint-interval',
);

const BORG_CMDS: ReadonlyMap<string, BackupCmd> = new Map<string, BackupCmd>([
  ...['delete', 'prune', 'repo-delete', 'rdelete'].map((c) => [c, 'destroy'] as const),
  // Borg 2 only marks deleted archives (undelete brings them back); compact frees their space for good.
  ['compact', 'destroy'],
  ...['rename', 'recreate', 'upgrade', 'tag', 'undelete'].map((c) => [c, 'change'] as const),
  ['key', 'key'],
  ['check', 'check'],
  ['config', 'config'],
  ...[
    'list',
    'info',
    'diff',
    'mount',
    'version',
    'help',
    'rlist',
    'rinfo',
    'repo-list',
    'repo-info',
    'repo-space',
    'export-tar',
    'analyze',
  ].map((c) => [c, 'read'] as const),
  ...[
    'create',
    'extract',
    'init',
    'rcreate',
    'repo-create',
    'import-tar',
    'transfer',
    'break-lock',
    'with-lock',
    'umount',
    'serve',
    'benchmark',
    'debug',
  ].map((c) => [c, 'none'] as const),
]);

export function borg(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, BORG_VALUES, BORG_CMDS);
  if (i < 0) return hasFlag(argv, ['--version', '-V']) ? add(out, 'infra.read') : out;
  const kind = BORG_CMDS.get(argv[i]!)!;
  const dry = isDryRun(argv, i + 1) || hasShort(argv, 'n', i + 1);
  switch (kind) {
    case 'read':
    case 'change':
    case 'destroy':
      return addAct(out, kind, dry);
    case 'check':
      return addAct(out, hasFlag(argv, ['--repair'], i + 1) ? 'change' : 'read');
    case 'config':
      return addAct(out, hasFlag(argv, ['--list'], i + 1) || hasShort(argv, 'l', i + 1) ? 'read' : 'change');
    case 'key': {
      const sub = positionalAfter(argv, i, BORG_VALUES);
      // An exported key plus the passphrase opens every archive.
      if (sub === 'export') return add(out, 'cred.read');
      return sub === '' ? out : add(out, 'cred.manage');
    }
    case 'rewrite':
    case 'repair':
    case 'cat':
    case 'none':
      return out;
  }
}

const VELERO_VALUES = valueFlags(
  '-n --namespace --kubeconfig --kubecontext --features -o --output -l --selector --name',
);

type VeleroVerb = Act | 'none';

// Groups are nouns (backup, restore, schedule, backup-location...); verbs may also come first
// (`velero get backups`, `velero delete backup x`).
const VELERO_VERBS: ReadonlyMap<string, VeleroVerb> = new Map<string, VeleroVerb>([
  ['delete', 'destroy'],
  // Removes the Velero namespace, its CRDs and every backup, restore and schedule object.
  ['uninstall', 'destroy'],
  ...['create', 'set', 'add', 'remove', 'pause', 'unpause', 'install'].map((c) => [c, 'change'] as const),
  ...['get', 'describe', 'logs', 'download', 'version'].map((c) => [c, 'read'] as const),
  ...['completion', 'bug', 'debug', 'client'].map((c) => [c, 'none'] as const),
]);

export function velero(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const cmd = findPathVerb(argv, 0, VELERO_VALUES, VELERO_VERBS, 0);
  if (cmd === undefined) return out;
  // `velero client config set` edits the local client settings only.
  if (cmd.path[0] === 'client' || cmd.value === 'none') return out;
  return addAct(out, cmd.value, isDryRun(argv, cmd.index + 1));
}
