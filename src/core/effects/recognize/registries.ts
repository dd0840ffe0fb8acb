// Package registries: publishing, withdrawing, ownership and the tokens that allow it.
import {
  findVerb,
  hasFlag,
  hasShort,
  isDryRun,
  nextPositional,
  positionalAfter,
  positionals,
  valueFlags,
} from './_args.ts';
import { add, type InfraTag } from './_tags.ts';

const JS_PM_VALUES = valueFlags(
  '--registry --prefix -C --dir --userconfig --globalconfig --cache --tag --access --otp -w --workspace --loglevel --scope --auth-type --include --omit --before --cwd --filter -F --reporter --publish-branch --provenance-file',
);
// npm config keys that hold credentials (`//registry.npmjs.org/:_authToken`, `_auth`, `_password`).
const AUTH_KEY_RE = /_auth|_password|token|password|certfile|keyfile/i;

/** Tags for the npm-compatible verbs npm, pnpm and yarn v1 share, starting at `i`. */
function npmVerb(argv: readonly string[], i: number, out: InfraTag[]): InfraTag[] {
  const verb = argv[i]!;
  const sub = positionalAfter(argv, i, JS_PM_VALUES);
  const dry = isDryRun(argv, i + 1);
  switch (verb) {
    case 'publish':
      return dry ? out : add(out, 'registry.publish');
    case 'unpublish':
      return dry ? out : add(out, 'registry.destroy');
    // A deprecation message is a registry write every installer sees, but it is undone with `""`.
    case 'deprecate':
    case 'undeprecate':
      return add(out, 'registry.publish');
    case 'dist-tag':
    case 'dist-tags':
    case 'tag':
      if (sub === 'add' || sub === 'set') return add(out, 'registry.publish');
      if (sub === 'rm' || sub === 'remove' || sub === 'del') return add(out, 'registry.destroy');
      return out;
    case 'owner':
    case 'author':
      if (sub === 'add') return add(out, 'registry.publish');
      if (sub === 'rm' || sub === 'remove') return add(out, 'registry.destroy');
      return out;
    case 'access':
      if (sub === 'revoke') return add(out, 'registry.destroy');
      if (
        sub === 'grant' ||
        sub === 'set' ||
        sub === 'public' ||
        sub === 'restricted' ||
        sub.startsWith('2fa')
      ) {
        return add(out, 'registry.publish');
      }
      return out;
    case 'token':
      return sub === 'create' || sub === 'revoke' || sub === 'rm' || sub === 'delete'
        ? add(out, 'cred.manage')
        : out;
    case 'login':
    case 'adduser':
    case 'add-user':
    case 'logout':
      return add(out, 'cred.manage');
    case 'config':
    case 'c':
      return npmConfig(
        sub,
        positionalAfter(argv, nextPositional(argv, i + 1, JS_PM_VALUES), JS_PM_VALUES),
        out,
      );
    case 'get':
    case 'set':
      return npmConfig(verb, sub, out);
    default:
      return out;
  }
}

function npmConfig(action: string, key: string, out: InfraTag[]): InfraTag[] {
  if (!AUTH_KEY_RE.test(key)) return out;
  if (action === 'get') return add(out, 'cred.read');
  if (action === 'set' || action === 'delete' || action === 'rm') return add(out, 'cred.manage');
  return out;
}

/** npm, pnpm and bun: the verb is the first positional. */
export function npm(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, JS_PM_VALUES);
  return i < 0 ? [] : npmVerb(argv, i, []);
}

const YARN_VERBS = new Set([
  'publish',
  'unpublish',
  'npm',
  'tag',
  'owner',
  'login',
  'logout',
  'config',
  'deprecate',
  'dist-tag',
]);

/**
 * yarn v1 verbs, berry's `yarn npm publish|tag|login|logout`, and both through
 * `yarn workspace <name> ...` / `yarn workspaces foreach ...`.
 */
export function yarn(argv: readonly string[]): InfraTag[] {
  let i = nextPositional(argv, 0, JS_PM_VALUES);
  if (i >= 0 && argv[i] === 'workspace')
    i = nextPositional(argv, nextPositional(argv, i + 1, JS_PM_VALUES) + 1, JS_PM_VALUES);
  else if (i >= 0 && argv[i] === 'workspaces') i = findVerb(argv, JS_PM_VALUES, YARN_VERBS, i + 1);
  if (i < 0) return [];
  if (argv[i] === 'npm') {
    const j = nextPositional(argv, i + 1, JS_PM_VALUES);
    if (j < 0) return [];
    if (argv[j] === 'tag') {
      const sub = positionalAfter(argv, j, JS_PM_VALUES);
      if (sub === 'add') return ['registry.publish'];
      if (sub === 'remove') return ['registry.destroy'];
      return [];
    }
    return npmVerb(argv, j, []);
  }
  if (argv[i] === 'config') {
    // berry: `yarn config set npmAuthToken x`; v1 shares npm's keys.
    const sub = positionalAfter(argv, i, JS_PM_VALUES);
    const key = positionalAfter(argv, nextPositional(argv, i + 1, JS_PM_VALUES), JS_PM_VALUES);
    return npmConfig(sub === 'unset' ? 'delete' : sub, key, []);
  }
  return npmVerb(argv, i, []);
}

const CARGO_VALUES = valueFlags(
  '--manifest-path -Z --config -C --color --target-dir --registry --index --token -p --package --features -F --target -j --jobs --profile --lockfile-path --vers --version',
);

export function cargo(argv: readonly string[]): InfraTag[] {
  let i = nextPositional(argv, 0, CARGO_VALUES);
  // `cargo +nightly publish`: the toolchain comes first.
  if (i >= 0 && argv[i]!.startsWith('+')) i = nextPositional(argv, i + 1, CARGO_VALUES);
  if (i < 0) return [];
  switch (argv[i]) {
    case 'publish':
      return hasFlag(argv, ['--dry-run'], i + 1) || hasShort(argv, 'n', i + 1) ? [] : ['registry.publish'];
    case 'yank':
      // --undo puts a yanked version back.
      return hasFlag(argv, ['--undo'], i + 1) ? ['registry.publish'] : ['registry.destroy'];
    case 'owner':
      if (hasFlag(argv, ['--remove'], i + 1) || hasShort(argv, 'r', i + 1)) return ['registry.destroy'];
      if (hasFlag(argv, ['--add'], i + 1) || hasShort(argv, 'a', i + 1)) return ['registry.publish'];
      return [];
    case 'login':
    case 'logout':
      return ['cred.manage'];
    default:
      return [];
  }
}

const TWINE_VALUES = valueFlags(
  '-r --repository --repository-url -u --username -p --password -c --comment --config-file --cert --client-cert -i --identity --sign-with',
);

export function twine(argv: readonly string[]): InfraTag[] {
  const cmd = positionals(argv, 0, TWINE_VALUES, 1)[0];
  return cmd === 'upload' || cmd === 'register' ? ['registry.publish'] : [];
}

const GEM_VALUES = valueFlags('--host -k --key --otp -v --version -p --platform --config-file');

export function gem(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, GEM_VALUES);
  if (i < 0) return [];
  switch (argv[i]) {
    case 'push':
      return ['registry.publish'];
    case 'yank':
      return hasFlag(argv, ['--undo'], i + 1) ? ['registry.publish'] : ['registry.destroy'];
    case 'owner':
      if (hasFlag(argv, ['--remove', '-r'], i + 1)) return ['registry.destroy'];
      if (hasFlag(argv, ['--add', '-a'], i + 1)) return ['registry.publish'];
      return [];
    case 'signin':
    case 'signout':
      return ['cred.manage'];
    default:
      return [];
  }
}

const PY_PUBLISH_VALUES = valueFlags(
  '-r --repository --repository-url --index --publish-url -u --username -p --password -t --token --trusted-publishing --check-url --keyring-provider --directory -C --project',
);

/** poetry, uv, hatch and flit publish; poetry also stores registry tokens in its config. */
export function pythonPublisher(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, PY_PUBLISH_VALUES);
  if (i < 0) return [];
  if (argv[i] === 'publish') return hasFlag(argv, ['--dry-run'], i + 1) ? [] : ['registry.publish'];
  if (argv[i] === 'config') {
    const key = positionalAfter(argv, i, PY_PUBLISH_VALUES);
    if (key.startsWith('pypi-token.') || key.startsWith('http-basic.')) return ['cred.manage'];
  }
  return [];
}

const DOTNET_VALUES = valueFlags('-k --api-key -s --source --symbol-source --symbol-api-key -t --timeout');

export function dotnet(argv: readonly string[]): InfraTag[] {
  const i = nextPositional(argv, 0, DOTNET_VALUES);
  if (i < 0 || argv[i] !== 'nuget') return [];
  const sub = positionalAfter(argv, i, DOTNET_VALUES);
  if (sub === 'push') return ['registry.publish'];
  if (sub === 'delete') return ['registry.destroy'];
  return [];
}
