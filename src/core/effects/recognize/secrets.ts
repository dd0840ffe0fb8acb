// Secret stores and credential tools: vault, doppler, 1Password (op), pass/gopass, macOS security,
// ssh-add, ansible-vault. Reading a value out is cred.read; writing one is cred.manage; deleting one
// is also infra.destroy, since the value may exist nowhere else.
import { hasFlag, NO_VALUES, nextPositional, positionalAfter, valueFlags } from './_args.ts';
import type { InfraTag } from './_tags.ts';

type SecretAct = 'read' | 'cred-read' | 'manage' | 'delete' | 'destroy' | 'change' | 'none';

function tagsFor(act: SecretAct | undefined): InfraTag[] {
  switch (act) {
    case 'read':
      return ['infra.read'];
    case 'cred-read':
      return ['cred.read'];
    case 'manage':
      return ['cred.manage'];
    case 'delete':
      return ['infra.destroy', 'cred.manage'];
    case 'destroy':
      return ['infra.destroy'];
    case 'change':
      return ['infra.change'];
    default:
      return [];
  }
}

function lookup(table: Readonly<Record<string, SecretAct>>, key: string): SecretAct | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

// Vault's Go flags are single-dash long names; none of them has a one-letter form worth listing.
const VAULT_VALUES = valueFlags(
  '-address -namespace -ns -format -field -mount -ca-cert -ca-path -client-cert -client-key -tls-server-name -wrap-ttl -policy -ttl -role -method -path -version -versions -cas -header -mfa -display-name -explicit-max-ttl -period -use-limit -type -description -plugin-name -accessor -id -output-policy -token-type -entity-alias -key-shares -key-threshold -pgp-keys -root-token-pgp-key',
);

const VAULT: Readonly<Record<string, Readonly<Record<string, SecretAct>>>> = {
  kv: {
    get: 'cred-read',
    list: 'read',
    put: 'manage',
    patch: 'manage',
    rollback: 'manage',
    undelete: 'manage',
    'enable-versioning': 'change',
    delete: 'delete',
    destroy: 'delete',
  },
  secrets: { list: 'read', enable: 'change', tune: 'change', move: 'change', disable: 'destroy' },
  auth: { list: 'read', help: 'read', enable: 'manage', tune: 'manage', move: 'manage', disable: 'delete' },
  token: {
    lookup: 'read',
    capabilities: 'read',
    create: 'manage',
    renew: 'manage',
    revoke: 'manage',
  },
  policy: { list: 'read', read: 'read', fmt: 'none', write: 'manage', delete: 'delete' },
  lease: { lookup: 'read', renew: 'change', revoke: 'manage' },
  audit: { list: 'read', enable: 'change', disable: 'destroy' },
};
const VAULT_TOP: Readonly<Record<string, SecretAct>> = {
  read: 'cred-read',
  unwrap: 'cred-read',
  list: 'read',
  status: 'read',
  version: 'read',
  'path-help': 'read',
  write: 'manage',
  patch: 'manage',
  delete: 'delete',
  login: 'manage',
  ssh: 'change',
};
const VAULT_OPERATOR: Readonly<Record<string, SecretAct>> = {
  seal: 'change',
  'step-down': 'change',
  unseal: 'manage',
  init: 'manage',
  rekey: 'manage',
  'generate-root': 'manage',
  members: 'read',
  'key-status': 'read',
};

export function vault(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, VAULT_VALUES);
  if (i < 0) return hasFlag(argv, ['-version', '--version']) ? ['infra.read'] : [];
  const cmd = argv[i]!;
  const sub = positionalAfter(argv, i, VAULT_VALUES);
  if (cmd === 'print' && sub === 'token') return ['cred.read'];
  if (cmd === 'kv' && sub === 'metadata') {
    const op = positionalAfter(argv, argv.indexOf('metadata', i), VAULT_VALUES);
    if (op === 'delete') return tagsFor('delete');
    if (op === 'get' || op === 'list') return tagsFor('read');
    return op === 'put' || op === 'patch' ? tagsFor('change') : [];
  }
  if (cmd === 'operator') {
    if (sub === 'raft') {
      const op = positionalAfter(argv, argv.indexOf('raft', i), VAULT_VALUES);
      if (op === 'snapshot') {
        const s = positionalAfter(argv, argv.indexOf('snapshot', i), VAULT_VALUES);
        return s === 'restore' ? tagsFor('destroy') : s === 'save' ? tagsFor('read') : [];
      }
      return op === 'list-peers' ? tagsFor('read') : op === 'remove-peer' ? tagsFor('change') : [];
    }
    return tagsFor(lookup(VAULT_OPERATOR, sub));
  }
  if (Object.hasOwn(VAULT, cmd)) return tagsFor(lookup(VAULT[cmd]!, sub));
  return tagsFor(lookup(VAULT_TOP, cmd));
}

const DOPPLER_VALUES = valueFlags(
  '-p --project -c --config -t --token --scope --api-host --configuration --format --name-transformer',
);

const DOPPLER: Readonly<Record<string, Readonly<Record<string, SecretAct>>>> = {
  // `doppler secrets` with no verb prints every value.
  secrets: {
    '': 'cred-read',
    get: 'cred-read',
    download: 'cred-read',
    substitute: 'cred-read',
    names: 'read',
    set: 'manage',
    upload: 'manage',
    delete: 'delete',
  },
  configs: {
    '': 'read',
    list: 'read',
    get: 'read',
    create: 'change',
    update: 'change',
    clone: 'change',
    lock: 'change',
    unlock: 'change',
    delete: 'destroy',
  },
  projects: { '': 'read', list: 'read', get: 'read', create: 'change', update: 'change', delete: 'destroy' },
  environments: {
    '': 'read',
    list: 'read',
    get: 'read',
    create: 'change',
    rename: 'change',
    delete: 'destroy',
  },
  me: { '': 'read' },
  activity: { '': 'read' },
  login: { '': 'manage' },
  logout: { '': 'manage' },
};

export function doppler(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, DOPPLER_VALUES);
  if (i < 0) return [];
  const group = argv[i]!;
  const sub = positionalAfter(argv, i, DOPPLER_VALUES);
  if (group === 'configs' && sub === 'tokens') {
    const op = positionalAfter(argv, argv.indexOf('tokens', i), DOPPLER_VALUES);
    return op === 'create' || op === 'revoke'
      ? ['cred.manage']
      : op === '' || op === 'get'
        ? ['infra.read']
        : [];
  }
  if (group === 'configure') {
    if (sub === 'set' || sub === 'unset' || sub === 'reset') return ['cred.manage'];
    return [];
  }
  if (!Object.hasOwn(DOPPLER, group)) return [];
  // `''` is the group used alone (`doppler secrets`, `doppler login`).
  return tagsFor(lookup(DOPPLER[group]!, sub));
}

const OP_VALUES = valueFlags(
  '--account --vault --format --session --config --encoding --categories --tags --fields --out-file -o --file-name --title --url --template',
);

const OP: Readonly<Record<string, Readonly<Record<string, SecretAct>>>> = {
  item: {
    get: 'cred-read',
    share: 'cred-read',
    list: 'read',
    create: 'manage',
    edit: 'manage',
    move: 'manage',
    delete: 'delete',
  },
  document: { get: 'cred-read', list: 'read', create: 'manage', edit: 'manage', delete: 'delete' },
  vault: {
    list: 'read',
    get: 'read',
    create: 'manage',
    edit: 'manage',
    user: 'manage',
    group: 'manage',
    delete: 'delete',
  },
  user: {
    list: 'read',
    get: 'read',
    provision: 'manage',
    confirm: 'manage',
    edit: 'manage',
    suspend: 'manage',
    reactivate: 'manage',
    delete: 'delete',
  },
  group: { list: 'read', get: 'read', create: 'manage', edit: 'manage', user: 'manage', delete: 'delete' },
  account: { list: 'read', get: 'read', add: 'manage', forget: 'manage' },
  'service-account': { create: 'manage', ratelimit: 'read' },
  connect: { server: 'manage', token: 'manage', vault: 'manage', group: 'manage' },
  events: { '': 'manage' },
};
const OP_TOP: Readonly<Record<string, SecretAct>> = {
  read: 'cred-read',
  inject: 'cred-read',
  signin: 'manage',
  signout: 'manage',
  whoami: 'read',
  run: 'none',
};

export function op(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, OP_VALUES);
  if (i < 0) return [];
  const group = argv[i]!;
  if (Object.hasOwn(OP, group)) return tagsFor(lookup(OP[group]!, positionalAfter(argv, i, OP_VALUES)));
  return tagsFor(lookup(OP_TOP, group));
}

const PASS_CMDS: Readonly<Record<string, SecretAct>> = {
  show: 'cred-read',
  cat: 'cred-read',
  grep: 'cred-read',
  otp: 'cred-read',
  ls: 'read',
  list: 'read',
  find: 'read',
  search: 'read',
  version: 'read',
  help: 'read',
  insert: 'manage',
  add: 'manage',
  generate: 'manage',
  edit: 'manage',
  mv: 'manage',
  rename: 'manage',
  cp: 'manage',
  copy: 'manage',
  init: 'manage',
  rm: 'delete',
  remove: 'delete',
  delete: 'delete',
  git: 'none',
  sync: 'none',
};
/** pass / gopass: any other first word is an entry name, which `pass NAME` shows. */
export function pass(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, NO_VALUES);
  // Bare `pass` lists entry names only.
  if (i < 0) return [];
  const cmd = argv[i]!;
  if (cmd === 'otp' && positionalAfter(argv, i, NO_VALUES) === 'insert') return ['cred.manage'];
  const act = lookup(PASS_CMDS, cmd) ?? 'cred-read';
  return act === 'read' ? [] : tagsFor(act);
}

const SECURITY_READ_SECRET = new Set([
  'find-generic-password',
  'find-internet-password',
  'dump-keychain',
  'export',
  'export-identities',
]);
const SECURITY_MANAGE = new Set([
  'add-generic-password',
  'add-internet-password',
  'delete-generic-password',
  'delete-internet-password',
  'set-generic-password-partition-list',
  'set-internet-password-partition-list',
  'set-key-partition-list',
  'import',
  'unlock-keychain',
  'create-keychain',
  'delete-keychain',
  'default-keychain',
  'login-keychain',
  'set-keychain-password',
  'set-keychain-settings',
  'add-trusted-cert',
  'remove-trusted-cert',
  'delete-certificate',
  'delete-identity',
  'add-certificates',
  'authorizationdb',
  'set-identity-preference',
]);
const SECURITY_READ = new Set([
  'list-keychains',
  'show-keychain-info',
  'find-identity',
  'find-certificate',
  'verify-cert',
  'dump-trust-settings',
  'get-identity-preference',
]);

/** macOS `security`: the keychain holds every saved password. */
export function security(argv: readonly string[]): InfraTag[] {
  const cmd = argv[nextPositional(argv, 0, NO_VALUES)] ?? '';
  if (SECURITY_READ_SECRET.has(cmd)) return ['cred.read'];
  if (SECURITY_MANAGE.has(cmd)) return ['cred.manage'];
  if (SECURITY_READ.has(cmd)) return ['infra.read'];
  return [];
}

/** Listing the agent's keys (-l, -L) or testing them (-T) changes nothing; anything else adds or drops keys. */
export function sshAdd(argv: readonly string[]): InfraTag[] {
  for (const a of argv) if (a === '-l' || a === '-L' || a === '-T' || a === '-h') return [];
  return ['cred.manage'];
}

const ANSIBLE_VAULT_VALUES = valueFlags(
  '--vault-id --vault-password-file --output --encrypt-vault-id -n --name',
);

export function ansibleVault(argv: readonly string[]): InfraTag[] {
  const cmd = argv[nextPositional(argv, 0, ANSIBLE_VAULT_VALUES)] ?? '';
  if (cmd === 'view' || cmd === 'decrypt') return ['cred.read'];
  if (cmd === 'encrypt' || cmd === 'encrypt_string' || cmd === 'create' || cmd === 'edit' || cmd === 'rekey')
    return ['cred.manage'];
  return [];
}
