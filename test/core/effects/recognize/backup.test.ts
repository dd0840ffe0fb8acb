import { describe, expect, it } from 'vitest';
import { type Case, sorted, tagsOf } from './_cases.ts';

const RESTIC: Case[] = [
  // reads
  ['restic snapshots', ['infra.read']],
  ['restic --repo /srv/restic snapshots', ['infra.read']],
  ['restic check', ['infra.read']],
  ['restic check --read-data', ['infra.read']],
  ['restic stats', ['infra.read']],
  ['restic ls latest', ['infra.read']],
  ['restic find snapshot:abcd1234', ['infra.read']],
  ['restic dump latest /etc/hosts', ['infra.read']],
  ['restic mount /mnt/restic', ['infra.read']],
  ['restic version', ['infra.read']],
  ['restic --version', ['infra.read']],
  ['restic key list', ['infra.read']],
  ['restic cat config', ['infra.read']],
  // additive or local only
  ['restic backup /srv/data', []],
  ['restic backup --tag forget /srv', []],
  ['restic restore latest --target /tmp/r', []],
  ['restic init', []],
  ['restic copy --from-repo /old', []],
  ['restic unlock', []],
  ['restic unlock --remove-all', []],
  // destruction
  ['restic forget bdbd3439', ['infra.destroy']],
  ['restic forget --keep-last 1 --prune', ['infra.destroy']],
  ['restic forget --keep-daily 7 --keep-weekly 4 --prune', ['infra.destroy']],
  ['restic forget --tag prod --unsafe-allow-remove-all', ['infra.destroy']],
  ['restic -r s3:s3.amazonaws.com/bkt forget --keep-last 3 --prune', ['infra.destroy']],
  ['restic prune', ['infra.destroy']],
  ['restic prune --max-unused 0', ['infra.destroy']],
  ['restic rewrite --forget --exclude *.log latest', ['infra.destroy']],
  ['restic repair snapshots --forget', ['infra.destroy']],
  // dry runs only report
  ['restic forget --keep-last 1 --prune --dry-run', ['infra.read']],
  ['restic forget -n --keep-last 1', ['infra.read']],
  ['restic prune -n', ['infra.read']],
  // changes
  ['restic rewrite --exclude *.log latest', ['infra.change']],
  ['restic repair index', ['infra.change']],
  ['restic tag --add keep latest', ['infra.change']],
  // credentials
  ['restic key add', ['cred.manage']],
  ['restic key passwd', ['cred.manage']],
  ['restic cat masterkey', ['cred.read']],
];

const BORG: Case[] = [
  // reads
  ['borg list repo', ['infra.read']],
  ['borg info repo::archive', ['infra.read']],
  ['borg diff repo::archive1 repo::archive2', ['infra.read']],
  ['borg mount repo::archive /mnt/borg', ['infra.read']],
  ['borg check repo', ['infra.read']],
  ['borg version', ['infra.read']],
  ['borg --version', ['infra.read']],
  ['borg config --list repo', ['infra.read']],
  // additive or local only
  ['borg create repo::archive /srv/data', []],
  ['borg extract --dry-run repo::archive', []],
  ['borg init -e repokey repo', []],
  ['borg break-lock repo', []],
  // destruction
  ["borg delete -a 'sh:host-*'", ['infra.destroy']],
  ['borg delete --stats repo::archive', ['infra.destroy']],
  ['borg delete ::archive-2024-01-01', ['infra.destroy']],
  ['borg delete --cache-only', ['infra.destroy']],
  ['borg -r /backups delete ::old', ['infra.destroy']],
  ['borg prune --keep-last 1 --keep-daily 7', ['infra.destroy']],
  ['borg prune --list --keep-last 3 repo', ['infra.destroy']],
  ['borg compact', ['infra.destroy']],
  ['borg --lock-wait 10 compact repo', ['infra.destroy']],
  ['borg repo-delete', ['infra.destroy']],
  ['borg rdelete', ['infra.destroy']],
  ['borg delete --dry-run repo::archive', ['infra.read']],
  ['borg prune -n --keep-daily 7 repo', ['infra.read']],
  // changes
  ["borg recreate --exclude '*.tmp' repo::archive", ['infra.change']],
  ['borg rename repo::old new', ['infra.change']],
  ['borg check --repair repo', ['infra.change']],
  ['borg config repo append_only 0', ['infra.change']],
  // credentials
  ['borg key export repo', ['cred.read']],
  ['borg key change-passphrase repo', ['cred.manage']],
];

const VELERO: Case[] = [
  ['velero backup get', ['infra.read']],
  ['velero backup describe daily-backup', ['infra.read']],
  ['velero backup logs daily-backup', ['infra.read']],
  ['velero backup download nightly', ['infra.read']],
  ['velero restore describe restore-2025-01-01', ['infra.read']],
  ['velero plugin get', ['infra.read']],
  ['velero backup-location get', ['infra.read']],
  ['velero get backups', ['infra.read']],
  ['velero version', ['infra.read']],
  ['velero backup delete daily-backup', ['infra.destroy']],
  ['velero backup delete --all --confirm', ['infra.destroy']],
  ['velero backup delete --selector env=prod --confirm', ['infra.destroy']],
  ['velero -n velero backup delete x --confirm', ['infra.destroy']],
  ['velero restore delete restore-2025-01-01', ['infra.destroy']],
  ['velero schedule delete nightly --confirm', ['infra.destroy']],
  ['velero snapshot delete --name snap-01', ['infra.destroy']],
  ['velero backup-location delete old', ['infra.destroy']],
  ['velero delete backup nightly-2024', ['infra.destroy']],
  ['velero uninstall --force', ['infra.destroy']],
  ['velero backup create manual', ['infra.change']],
  ['velero create backup manual --include-namespaces app', ['infra.change']],
  ['velero restore create --from-backup nightly', ['infra.change']],
  ['velero schedule pause nightly', ['infra.change']],
  ['velero install --provider aws --bucket b', ['infra.change']],
  ['velero install --provider aws --dry-run -o yaml', ['infra.read']],
  ['velero client config set namespace=velero', []],
];

describe('restic', () => {
  it.each(RESTIC)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('borg', () => {
  it.each(BORG)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('velero', () => {
  it.each(VELERO)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
