// HashiCorp Nomad and Consul. Both use Go single-dash long flags (`-address=...`, `-purge`).
import { hasFlag, nextPositional, positionalAfter, valueFlags } from './_args.ts';
import { type Act, addAct, type InfraTag } from './_tags.ts';

type OrchAct = Act | 'cred-read' | 'manage' | 'delete';

function tagsFor(act: OrchAct | undefined): InfraTag[] {
  switch (act) {
    case 'cred-read':
      return ['cred.read'];
    case 'manage':
      return ['cred.manage'];
    case 'delete':
      return ['infra.destroy', 'cred.manage'];
    case undefined:
      return [];
    default:
      return addAct([], act);
  }
}

type Table = Readonly<Record<string, Readonly<Record<string, OrchAct>>>>;

function lookup(table: Table, group: string, verb: string): OrchAct | undefined {
  if (!Object.hasOwn(table, group)) return undefined;
  const verbs = table[group]!;
  return Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
}

const NOMAD_VALUES = valueFlags(
  '-address -region -namespace -ca-cert -ca-path -client-cert -client-key -tls-server-name -token -var -var-file -job -type -meta -deadline -task -group -name -description -policy -output -consul-token -vault-token -eval-priority -filter -per-page -page-token',
);

const NOMAD: Table = {
  job: {
    run: 'change',
    dispatch: 'change',
    revert: 'change',
    promote: 'change',
    scale: 'change',
    restart: 'change',
    eval: 'change',
    stop: 'change',
    status: 'read',
    inspect: 'read',
    history: 'read',
    plan: 'read',
    validate: 'read',
    deployments: 'read',
    allocs: 'read',
    periodic: 'change',
  },
  alloc: {
    exec: 'change',
    stop: 'change',
    restart: 'change',
    signal: 'change',
    logs: 'read',
    status: 'read',
    fs: 'read',
    checks: 'read',
  },
  node: { drain: 'change', eligibility: 'change', meta: 'change', status: 'read', config: 'read' },
  deployment: {
    fail: 'change',
    pause: 'change',
    promote: 'change',
    resume: 'change',
    unblock: 'change',
    list: 'read',
    status: 'read',
  },
  namespace: { apply: 'change', delete: 'destroy', list: 'read', status: 'read', inspect: 'read' },
  volume: {
    create: 'change',
    register: 'change',
    detach: 'change',
    snapshot: 'change',
    delete: 'destroy',
    deregister: 'destroy',
    status: 'read',
    init: 'read',
  },
  quota: { apply: 'change', delete: 'destroy', list: 'read', status: 'read', inspect: 'read' },
  // Nomad variables hold the secrets jobs are given.
  var: { get: 'cred-read', list: 'read', put: 'manage', lock: 'change', purge: 'delete', init: 'read' },
  acl: {
    bootstrap: 'manage',
    token: 'manage',
    policy: 'manage',
    role: 'manage',
    'auth-method': 'manage',
    'binding-rule': 'manage',
  },
  system: { gc: 'change', reconcile: 'change' },
  server: { members: 'read', 'force-leave': 'change', join: 'change' },
  service: { list: 'read', info: 'read', delete: 'destroy' },
  operator: {
    snapshot: 'read',
    raft: 'read',
    autopilot: 'read',
    scheduler: 'read',
    keyring: 'manage',
    gossip: 'manage',
    root: 'manage',
  },
};
// Pre-1.0 top-level aliases.
const NOMAD_TOP: Readonly<Record<string, OrchAct>> = {
  run: 'change',
  stop: 'change',
  plan: 'read',
  status: 'read',
  validate: 'read',
  inspect: 'read',
  version: 'read',
  'agent-info': 'read',
  logs: 'read',
  exec: 'change',
};

export function nomad(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, NOMAD_VALUES);
  if (i < 0) return [];
  const group = argv[i]!;
  const verb = positionalAfter(argv, i, NOMAD_VALUES);
  const stop = (group === 'job' && verb === 'stop') || group === 'stop';
  // -purge also removes the job from state, with its history.
  if (stop && hasFlag(argv, ['-purge', '--purge'], i + 1)) return ['infra.destroy'];
  if (group === 'acl') {
    const op = positionalAfter(argv, argv.indexOf(verb, i + 1), NOMAD_VALUES);
    if (op === 'list' || op === 'info' || op === 'self') return ['infra.read'];
    return op === 'delete' ? tagsFor('delete') : tagsFor('manage');
  }
  if (group === 'operator' && verb === 'snapshot') {
    const op = positionalAfter(argv, argv.indexOf(verb, i + 1), NOMAD_VALUES);
    return op === 'restore' ? ['infra.destroy'] : op === 'save' || op === 'inspect' ? ['infra.read'] : [];
  }
  if (Object.hasOwn(NOMAD, group)) return tagsFor(lookup(NOMAD, group, verb));
  return tagsFor(Object.hasOwn(NOMAD_TOP, group) ? NOMAD_TOP[group] : undefined);
}

const CONSUL_VALUES = valueFlags(
  '-http-addr -ca-file -ca-path -client-cert -client-key -tls-server-name -token -token-file -datacenter -namespace -partition -separator -format -policy-name -policy-id -description -id -name -rules -accessor -secret',
);

const CONSUL: Table = {
  kv: { get: 'read', export: 'read', put: 'change', import: 'change', delete: 'destroy' },
  snapshot: { save: 'read', inspect: 'read', restore: 'destroy', agent: 'read' },
  services: { register: 'change', deregister: 'change', export: 'read' },
  catalog: { datacenters: 'read', nodes: 'read', services: 'read' },
  intention: { create: 'change', delete: 'destroy', get: 'read', list: 'read', check: 'read', match: 'read' },
  config: { write: 'change', delete: 'destroy', read: 'read', list: 'read' },
  keyring: { '': 'read', install: 'manage', use: 'manage', remove: 'manage', list: 'read' },
  members: { '': 'read' },
  info: { '': 'read' },
  version: { '': 'read' },
  monitor: { '': 'read' },
  leave: { '': 'change' },
  'force-leave': { '': 'change' },
  reload: { '': 'change' },
  maint: { '': 'change' },
  login: { '': 'manage' },
  logout: { '': 'manage' },
};

const CONSUL_READ_OP_RE = /^(?:get|list|state|read|health)/;

export function consul(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, CONSUL_VALUES);
  if (i < 0) return [];
  const group = argv[i]!;
  const verb = positionalAfter(argv, i, CONSUL_VALUES);
  if (group === 'acl') {
    if (verb === 'bootstrap' || verb === 'set-agent-token') return tagsFor('manage');
    const op = positionalAfter(argv, argv.indexOf(verb, i + 1), CONSUL_VALUES);
    if (op === 'list' || op === 'read') return ['infra.read'];
    return op === 'delete' ? tagsFor('delete') : op === '' ? [] : tagsFor('manage');
  }
  if (group === 'connect' && verb === 'ca') {
    const op = positionalAfter(argv, argv.indexOf(verb, i + 1), CONSUL_VALUES);
    return op === 'set-config' ? tagsFor('manage') : op === 'get-config' ? ['infra.read'] : [];
  }
  if (group === 'operator') {
    const op = positionalAfter(argv, argv.indexOf(verb, i + 1), CONSUL_VALUES);
    if (op === '') return [];
    return addAct([], CONSUL_READ_OP_RE.test(op) ? 'read' : 'change');
  }
  return tagsFor(lookup(CONSUL, group, verb));
}
