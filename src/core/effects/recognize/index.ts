// Semantic tags for infrastructure and data CLIs. One table keyed by program basename; each family
// lives in its own file. Called for every exec effect, so an unknown program costs one Map lookup.
import type { ExecInfo, Recognizer } from './_tags.ts';
import { aws } from './aws.ts';
import { borg, restic, velero } from './backup.ts';
import { circleci, gitlabRunner, java } from './cicd.ts';
import { az, doctl, eksctl, gcloud } from './cloud.ts';
import { compose, docker } from './containers.ts';
import { etcdctl } from './etcd.ts';
import { ansible, ansiblePlaybook, cdk, pulumi, serverless, terraform, terragrunt } from './iac.ts';
import { helm, kubectl } from './kubernetes.ts';
import { mongodump, mongorestore, mongoShell, redisCli } from './kv-stores.ts';
import {
  kafkaAcls,
  kafkaConfigs,
  kafkaConsumerGroups,
  kafkaDeleteRecords,
  kafkaTopics,
  nats,
  rabbitmqadmin,
  rabbitmqctl,
} from './messaging.ts';
import { consul, nomad } from './orchestrators.ts';
import { ORM_PROGRAMS, recognizeOrm } from './orm.ts';
import { firebase, fly, heroku, netlify, railway, supabase, vercel, wrangler } from './paas.ts';
import { cargo, dotnet, gem, npm, pythonPublisher, twine, yarn } from './registries.ts';
import { gh, glab } from './repo-hosting.ts';
import { ansibleVault, doppler, op, pass, security, sshAdd, vault } from './secrets.ts';
import { dropdb, mysql, mysqladmin, mysqldump, pgCreate, pgDump, pgRestore, psql, sqlite3 } from './sql.ts';
import { SQL_CLIENTS } from './sql-clients.ts';
import { gsutil, rclone, rsync, s3cmd } from './storage.ts';

export { type ExecInfo, INFRA_TAGS, type InfraTag } from './_tags.ts';

const RECOGNIZERS: ReadonlyMap<string, Recognizer> = new Map<string, Recognizer>([
  // Kubernetes and orchestrators
  ['kubectl', kubectl],
  ['oc', kubectl],
  ['helm', helm],
  ['nomad', nomad],
  ['consul', consul],
  // Infrastructure as code
  ['terraform', terraform],
  ['tofu', terraform],
  ['terragrunt', terragrunt],
  ['pulumi', pulumi],
  ['cdk', cdk],
  ['serverless', serverless],
  ['sls', serverless],
  ['ansible', ansible],
  ['ansible-playbook', ansiblePlaybook],
  // Clouds and object storage
  ['aws', aws],
  ['gcloud', gcloud],
  ['az', az],
  ['eksctl', eksctl],
  ['doctl', doctl],
  ['gsutil', gsutil],
  ['s3cmd', s3cmd],
  ['rclone', rclone],
  ['rsync', rsync],
  // SQL
  ['psql', psql],
  ['pg_dump', pgDump],
  ['pg_dumpall', pgDump],
  ['pg_restore', pgRestore],
  ['dropdb', dropdb],
  ['dropuser', dropdb],
  ['createdb', pgCreate],
  ['createuser', pgCreate],
  ['mysql', mysql],
  ['mariadb', mysql],
  ['mysqldump', mysqldump],
  ['mariadb-dump', mysqldump],
  ['mysqladmin', mysqladmin],
  ['mariadb-admin', mysqladmin],
  ['sqlite3', sqlite3],
  ['sqlite', sqlite3],
  // ClickHouse, cqlsh, sqlcmd, snowsql, bq, trino, beeline, impala, cockroach, usql, duckdb
  ...SQL_CLIENTS,
  // Key-value and document stores
  ['redis-cli', redisCli],
  ['valkey-cli', redisCli],
  ['keydb-cli', redisCli],
  ['mongosh', mongoShell],
  ['mongo', mongoShell],
  ['mongorestore', mongorestore],
  ['mongodump', mongodump],
  ['etcdctl', etcdctl],
  // Containers
  ['docker', docker],
  ['podman', docker],
  ['nerdctl', docker],
  ['docker-compose', compose],
  ['podman-compose', compose],
  // Hosting platforms
  ['heroku', heroku],
  ['fly', fly],
  ['flyctl', fly],
  ['vercel', vercel],
  ['netlify', netlify],
  ['railway', railway],
  ['firebase', firebase],
  ['supabase', supabase],
  ['wrangler', wrangler],
  // Package registries
  ['npm', npm],
  ['pnpm', npm],
  ['bun', npm],
  ['yarn', yarn],
  ['cargo', cargo],
  ['twine', twine],
  ['gem', gem],
  ['poetry', pythonPublisher],
  ['uv', pythonPublisher],
  ['hatch', pythonPublisher],
  ['flit', pythonPublisher],
  ['dotnet', dotnet],
  // Repository hosting
  ['gh', gh],
  ['glab', glab],
  // Secrets and credentials
  ['vault', vault],
  ['doppler', doppler],
  ['op', op],
  ['pass', pass],
  ['gopass', pass],
  ['security', security],
  ['ssh-add', sshAdd],
  ['ansible-vault', ansibleVault],
  // Backups
  ['restic', restic],
  ['borg', borg],
  ['velero', velero],
  // Message brokers
  ['kafka-topics', kafkaTopics],
  ['kafka-topics.sh', kafkaTopics],
  ['kafka-consumer-groups', kafkaConsumerGroups],
  ['kafka-consumer-groups.sh', kafkaConsumerGroups],
  ['kafka-delete-records', kafkaDeleteRecords],
  ['kafka-delete-records.sh', kafkaDeleteRecords],
  ['kafka-configs', kafkaConfigs],
  ['kafka-configs.sh', kafkaConfigs],
  ['kafka-acls', kafkaAcls],
  ['kafka-acls.sh', kafkaAcls],
  ['rabbitmqctl', rabbitmqctl],
  ['rabbitmqadmin', rabbitmqadmin],
  ['nats', nats],
  // CI/CD
  ['circleci', circleci],
  ['gitlab-runner', gitlabRunner],
  // Only `java -jar jenkins-cli*.jar ...` gets a tag.
  ['java', java],
]);

/** Programs with an infra recognizer, for coverage reports and docs. */
export const RECOGNIZED_PROGRAMS: readonly string[] = [...new Set([...RECOGNIZERS.keys(), ...ORM_PROGRAMS])];

/**
 * Tags (from INFRA_TAGS) for one exec: `program` is the basename, `argv` excludes it. Unknown
 * programs and unknown subcommands give no tag. Nothing is caught here: a recognizer that threw
 * would otherwise hide a destructive command, and the engine fails closed on errors. `info` carries
 * what else reaches the program (its environment, stdin, the script files it is told to run); without
 * it a recognizer judges the argv alone.
 */
export function recognizeInfra(program: string, argv: readonly string[], info?: ExecInfo): string[] {
  const recognize = RECOGNIZERS.get(program);
  const tags: string[] = recognize === undefined ? [] : recognize(argv, info);
  // ORM and migration-tool resets (orm.ts) sit beside them: `dotnet ef`, `supabase db reset`, runners.
  const orm = recognizeOrm(program, argv, info);
  const all = orm.length === 0 ? tags : [...new Set([...tags, ...orm])];
  if (all.some((t) => t.startsWith('infra.')) && localTarget(program, argv)) all.push('infra.local');
  return all;
}

const LOCAL_URL = /^(https?:\/\/)?(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|localstack)(:\d+)?(\/|$)/;
// Context names the local cluster tools give themselves.
const LOCAL_CONTEXT = /^(kind-.+|minikube|docker-desktop|k3d-.+|rancher-desktop|colima|orbstack)$/;

/** An emulator or a cluster on this machine: `aws --endpoint-url http://localhost:4566`, `kubectl --context kind-dev`. */
function localTarget(program: string, argv: readonly string[]): boolean {
  const value = (names: string[]) => {
    const out: string[] = [];
    argv.forEach((a, i) => {
      for (const n of names) {
        if (a === n && argv[i + 1] !== undefined) out.push(argv[i + 1]!);
        else if (a.startsWith(`${n}=`)) out.push(a.slice(n.length + 1));
      }
    });
    return out;
  };
  if (program === 'awslocal' || program === 'tflocal') return true;
  if (program === 'aws') {
    const urls = value(['--endpoint-url']);
    return urls.length > 0 && urls.every((u) => LOCAL_URL.test(u));
  }
  if (program === 'kubectl' || program === 'helm' || program === 'k9s') {
    const contexts = value(['--context', '--kube-context']);
    const servers = value(['--server', '-s', '--kube-apiserver']);
    if (contexts.length === 0 && servers.length === 0) return false;
    return contexts.every((c) => LOCAL_CONTEXT.test(c)) && servers.every((u) => LOCAL_URL.test(u));
  }
  return false;
}
