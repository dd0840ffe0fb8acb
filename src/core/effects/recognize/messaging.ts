// Message brokers: the Kafka admin scripts (with or without `.sh`), rabbitmqctl, rabbitmqadmin and
// the NATS CLI. Deleting or purging topics, queues, streams and buckets loses the messages they hold;
// users and permissions are credential management.
import {
  findPathVerb,
  findVerb,
  flagValues,
  hasFlag,
  isDynamic,
  isLocalHost,
  nextPositional,
  positionalAfter,
  stripPort,
  valueFlags,
} from './_args.ts';
import { type Act, add, addAct, type InfraTag } from './_tags.ts';

// ---- Kafka ----------------------------------------------------------------------------------
// Each script picks its action with a flag (`--list`, `--delete`...), not a subcommand.

const KAFKA_VALUES = valueFlags(
  '--bootstrap-server --bootstrap-controller --zookeeper --broker-list --command-config --admin.config --topic --group --partitions --replication-factor --config --replica-assignment --entity-type --entity-name --entity-default --add-config --add-config-file --delete-config --offset-json-file --operation --allow-principal --deny-principal --allow-host --deny-host --principal --resource-pattern-type --cluster --transactional-id --user --client --broker --to-offset --to-datetime --by-duration --shift-by --from-file --timeout',
);

/** Every broker the command names is this machine. No broker named is not local. */
function localBroker(argv: readonly string[]): boolean {
  const lists = flagValues(
    argv,
    ['--bootstrap-server', '--bootstrap-controller', '--zookeeper', '--broker-list'],
    KAFKA_VALUES,
  );
  if (lists.length === 0) return false;
  for (const list of lists) {
    if (isDynamic(list)) return false;
    for (const h of list.split(',')) if (!isLocalHost(stripPort(h.trim()))) return false;
  }
  return true;
}

function kafkaRead(argv: readonly string[], out: InfraTag[]): InfraTag[] {
  return hasFlag(argv, ['--list', '--describe', '--version', '--help']) ? add(out, 'infra.read') : out;
}

export function kafkaTopics(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  if (hasFlag(argv, ['--delete'])) return add(out, 'infra.destroy');
  if (hasFlag(argv, ['--alter'])) return add(out, 'infra.change');
  // A new, empty topic on a broker on this machine is development; elsewhere a human approves it.
  if (hasFlag(argv, ['--create'])) return localBroker(argv) ? out : add(out, 'infra.change');
  return kafkaRead(argv, out);
}

export function kafkaConsumerGroups(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  // Deleting a group or its committed offsets loses where each consumer had got to.
  if (hasFlag(argv, ['--delete', '--delete-offsets'])) return add(out, 'infra.destroy');
  // --reset-offsets only reports the new offsets unless --execute is given.
  if (hasFlag(argv, ['--reset-offsets']))
    return addAct(out, hasFlag(argv, ['--execute']) ? 'change' : 'read');
  return kafkaRead(argv, out);
}

/** kafka-delete-records has one action: deleting every record below the given offsets. */
export function kafkaDeleteRecords(argv: readonly string[]): InfraTag[] {
  if (argv.length === 0) return [];
  return hasFlag(argv, ['--help', '--version']) ? ['infra.read'] : ['infra.destroy'];
}

const SCRAM_RE = /SCRAM-SHA-/i;

export function kafkaConfigs(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  if (hasFlag(argv, ['--alter'])) {
    add(out, 'infra.change');
    // SCRAM settings on a user entity are its password.
    const configs = flagValues(argv, ['--add-config', '--delete-config'], KAFKA_VALUES);
    if (configs.some((c) => SCRAM_RE.test(c))) add(out, 'cred.manage');
    return out;
  }
  return kafkaRead(argv, out);
}

export function kafkaAcls(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  if (hasFlag(argv, ['--remove'])) return add(add(out, 'infra.destroy'), 'cred.manage');
  if (hasFlag(argv, ['--add'])) return add(add(out, 'infra.change'), 'cred.manage');
  return kafkaRead(argv, out);
}

// ---- RabbitMQ -------------------------------------------------------------------------------

const RABBITMQCTL_VALUES = valueFlags('-n --node -t --timeout -p --vhost --formatter');

type RabbitAct = Act | 'cred' | 'delete-cred';

const RABBITMQCTL_CMDS: ReadonlyMap<string, RabbitAct> = new Map<string, RabbitAct>([
  ['delete_user', 'delete-cred'],
  ...[
    'add_user',
    'change_password',
    'clear_password',
    'set_permissions',
    'set_permissions_globally',
    'clear_permissions',
    'set_topic_permissions',
    'clear_topic_permissions',
    'set_user_tags',
  ].map((c) => [c, 'cred'] as const),
  // reset and force_reset wipe the node's data: every queue, message, user and vhost on it.
  ...['purge_queue', 'reset', 'force_reset', 'forget_cluster_node'].map((c) => [c, 'destroy'] as const),
  ...[
    'add_vhost',
    'start_app',
    'stop_app',
    'stop',
    'shutdown',
    'join_cluster',
    'change_cluster_node_type',
    'update_cluster_nodes',
    'rename_cluster_node',
    'rotate_logs',
    'close_connection',
    'close_all_connections',
    'close_all_user_connections',
    'enable_feature_flag',
    'sync_queue',
    'cancel_sync_queue',
    'restart_vhost',
    'force_boot',
    'trace_on',
    'trace_off',
    'eval',
    'eval_file',
    'update_vhost_metadata',
  ].map((c) => [c, 'change'] as const),
  ...[
    'status',
    'cluster_status',
    'environment',
    'report',
    'ping',
    'node_health_check',
    'version',
    'help',
    'await_startup',
    'await_online_nodes',
    'wait',
  ].map((c) => [c, 'read'] as const),
]);

/** Exact entries first, then the families the naming convention makes plain. */
function rabbitmqctlAct(cmd: string): RabbitAct | undefined {
  const exact = RABBITMQCTL_CMDS.get(cmd);
  if (exact !== undefined) return exact;
  if (cmd.startsWith('list_')) return 'read';
  if (cmd.startsWith('delete_')) return 'destroy';
  if (cmd.startsWith('set_') || cmd.startsWith('clear_')) return 'change';
  return undefined;
}

function rabbitTags(out: InfraTag[], act: RabbitAct | undefined): InfraTag[] {
  if (act === 'cred') return add(out, 'cred.manage');
  if (act === 'delete-cred') return add(add(out, 'infra.destroy'), 'cred.manage');
  return addAct(out, act);
}

export function rabbitmqctl(argv: readonly string[]): InfraTag[] {
  // Unknown words are stepped over, as findVerb does, so an unlisted option value cannot hide the command.
  for (
    let i = nextPositional(argv, 0, RABBITMQCTL_VALUES);
    i >= 0;
    i = nextPositional(argv, i + 1, RABBITMQCTL_VALUES)
  ) {
    // Commands are snake_case; accept the kebab-case spelling too.
    const act = rabbitmqctlAct(argv[i]!.replaceAll('-', '_'));
    if (act !== undefined) return rabbitTags([], act);
  }
  return [];
}

const RABBITMQADMIN_VALUES = valueFlags(
  '-c --config -N --node -H --host -P --port -U --base-uri --path-prefix -V --vhost -u --username -p --password -f --format -S --sort -d --depth --ssl-key-file --ssl-cert-file --ssl-ca-cert-file --table-style --tls-key-file --tls-cert-file --tls-ca-cert-file --timeout',
);

type AdminVerb = Act | 'get';

const RABBITMQADMIN_VERBS: ReadonlyMap<string, AdminVerb> = new Map<string, AdminVerb>([
  ['delete', 'destroy'],
  ['purge', 'destroy'],
  ...['declare', 'close', 'publish', 'import', 'rebalance'].map((c) => [c, 'change'] as const),
  ...['list', 'show', 'help', 'export'].map((c) => [c, 'read'] as const),
  ['get', 'get'],
]);

const RABBIT_CRED_OBJECTS = new Set([
  'user',
  'users',
  'permission',
  'permissions',
  'topic_permission',
  'topic_permissions',
  'user_limit',
  'user_limits',
]);

// Without one of these ack modes, `get` puts the messages back.
const CONSUMING_ACK_RE = /(?:ack|reject)_requeue_false/;

export function rabbitmqadmin(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const cmd = findPathVerb(argv, 0, RABBITMQADMIN_VALUES, RABBITMQADMIN_VERBS, 0);
  if (cmd === undefined) return out;
  if (cmd.value === 'get') {
    const consumes = argv.slice(cmd.index + 1).some((a) => CONSUMING_ACK_RE.test(a));
    return addAct(out, consumes ? 'change' : 'read');
  }
  addAct(out, cmd.value);
  const object = cmd.path[0] ?? positionalAfter(argv, cmd.index, RABBITMQADMIN_VALUES);
  if (cmd.value !== 'read' && RABBIT_CRED_OBJECTS.has(object)) add(out, 'cred.manage');
  return out;
}

// ---- NATS -----------------------------------------------------------------------------------

const NATS_VALUES = valueFlags(
  '-s --server --user --password --creds --nkey --jwt --tlscert --tlskey --tlsca --timeout --context --js-domain --js-api-prefix --js-event-prefix --inbox-prefix --connection-name --socks-proxy --colors',
);

type Table = Readonly<Record<string, Readonly<Record<string, Act>>>>;

const STREAM: Readonly<Record<string, Act>> = {
  rm: 'destroy',
  del: 'destroy',
  delete: 'destroy',
  purge: 'destroy',
  // Removes one message by sequence number.
  rmm: 'destroy',
  add: 'change',
  create: 'change',
  new: 'change',
  edit: 'change',
  update: 'change',
  copy: 'change',
  cp: 'change',
  restore: 'change',
  // Sealing is permanent: the stream can never be written to or purged again.
  seal: 'change',
  cluster: 'change',
  ls: 'read',
  list: 'read',
  info: 'read',
  report: 'read',
  get: 'read',
  view: 'read',
  subjects: 'read',
  find: 'read',
  state: 'read',
  backup: 'read',
  graph: 'read',
};

const CONSUMER: Readonly<Record<string, Act>> = {
  rm: 'destroy',
  del: 'destroy',
  delete: 'destroy',
  add: 'change',
  create: 'change',
  new: 'change',
  edit: 'change',
  copy: 'change',
  cp: 'change',
  // Pulling with `next` acknowledges the messages it is given.
  next: 'change',
  pause: 'change',
  resume: 'change',
  unpin: 'change',
  cluster: 'change',
  ls: 'read',
  list: 'read',
  info: 'read',
  report: 'read',
  graph: 'read',
};

const BUCKET: Readonly<Record<string, Act>> = {
  rm: 'destroy',
  del: 'destroy',
  delete: 'destroy',
  purge: 'destroy',
  // Drops the markers and history left by deleted keys, for good.
  compact: 'destroy',
  add: 'change',
  create: 'change',
  new: 'change',
  put: 'change',
  update: 'change',
  edit: 'change',
  revert: 'change',
  upgrade: 'change',
  seal: 'change',
  ls: 'read',
  list: 'read',
  info: 'read',
  status: 'read',
  get: 'read',
  history: 'read',
  keys: 'read',
  watch: 'read',
};

const NATS: Table = {
  stream: STREAM,
  str: STREAM,
  consumer: CONSUMER,
  con: CONSUMER,
  kv: BUCKET,
  object: BUCKET,
  obj: BUCKET,
  bucket: BUCKET,
  account: { restore: 'change', info: 'read', report: 'read', tls: 'read', backup: 'read' },
  server: { ls: 'read', list: 'read', info: 'read', ping: 'read', report: 'read', check: 'read' },
  // Contexts are local connection settings: only the reads are worth a tag.
  context: { ls: 'read', list: 'read', info: 'read', show: 'read', validate: 'read' },
};

const NATS_GROUPS: ReadonlySet<string> = new Set(Object.keys(NATS));

export function nats(argv: readonly string[]): InfraTag[] {
  const out: InfraTag[] = [];
  const i = findVerb(argv, NATS_VALUES, NATS_GROUPS);
  if (i < 0) return out;
  const verbs = NATS[argv[i]!]!;
  const verb = positionalAfter(argv, i, NATS_VALUES);
  return addAct(out, Object.hasOwn(verbs, verb) ? verbs[verb] : undefined);
}
