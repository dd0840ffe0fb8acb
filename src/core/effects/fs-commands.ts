// File-system programs: which paths they delete, write or read.

import { decodeAnsiC } from '../shell/words.ts';
import type { Ctx, Handler } from './commands.ts';
import { emitOpaque, emitPath } from './sink.ts';

interface Operand {
  value: string;
  dynamic: boolean;
}

/** Split argv into options and operands. `withValue` options consume the next word. */
function parse(c: Ctx, withValue: Set<string> = new Set()): { flags: string[]; operands: Operand[] } {
  const flags: string[] = [];
  const operands: Operand[] = [];
  let done = false;
  c.cmd.args.forEach((w, i) => {
    const a = w.value;
    if (done || !a.startsWith('-') || a === '-') {
      operands.push({ value: a, dynamic: w.dynamic });
      return;
    }
    if (a === '--') {
      done = true;
      return;
    }
    flags.push(a);
    if (withValue.has(a) && c.cmd.args[i + 1]) c.cmd.args[i + 1] = { ...c.cmd.args[i + 1]!, value: '-' };
  });
  return { flags, operands: operands.filter((o) => o.value !== '-') };
}

/** Short flags may be bundled (`-rf`); long ones are spelled out. */
function has(flags: string[], short: string, long: string[] = []): boolean {
  return flags.some((f) =>
    f.startsWith('--') ? long.includes(f.split('=')[0]!) : f.slice(1).includes(short),
  );
}

function paths(c: Ctx, kind: 'delete' | 'write' | 'read', ops: Operand[], tags: string[]): void {
  for (const o of ops) emitPath(c.sink, c.scope, kind, o.value, tags, c.origin, o.dynamic);
}

const rm: Handler = (c) => {
  const { flags, operands } = parse(c);
  const tags: string[] = [];
  if (has(flags, 'r', ['--recursive']) || has(flags, 'R')) tags.push('recursive');
  if (has(flags, 'f', ['--force'])) tags.push('force');
  paths(c, 'delete', operands, tags);
};

const copyLike =
  (moves: boolean): Handler =>
  (c) => {
    const { flags, operands } = parse(c, new Set(['-t', '--target-directory', '-S', '--suffix']));
    const tIndex = c.argv.findIndex((a) => a === '-t' || a === '--target-directory');
    const tEq = c.argv.find((a) => a.startsWith('--target-directory='));
    const target = tIndex >= 0 ? c.argv[tIndex + 1] : tEq?.split('=')[1];
    const recursive = has(flags, 'r', ['--recursive']) || has(flags, 'R') || has(flags, 'a', ['--archive']);
    const sources = target ? operands : operands.slice(0, -1);
    const dest = target ? { value: target, dynamic: false } : operands[operands.length - 1];
    if (!dest || (sources.length === 0 && !target)) return;
    paths(c, moves ? 'delete' : 'read', sources, moves ? (recursive ? ['recursive', 'move'] : ['move']) : []);
    if (moves) paths(c, 'read', sources, []);
    paths(c, 'write', [dest], recursive || moves ? ['overwrite', 'recursive'] : ['overwrite']);
  };

const writeTargets =
  (tags: string[], withValue: string[] = [], skip = 0): Handler =>
  (c) => {
    const { flags, operands } = parse(c, new Set(withValue));
    const t = [...tags];
    if (has(flags, 'R', ['--recursive'])) t.push('recursive');
    paths(c, 'write', operands.slice(skip), t);
  };

const readTargets =
  (skipFirst: (c: Ctx, flags: string[]) => boolean, withValue: string[] = []): Handler =>
  (c) => {
    const { flags, operands } = parse(c, new Set(withValue));
    paths(c, 'read', skipFirst(c, flags) ? operands.slice(1) : operands, []);
  };

const never = () => false;

const dd: Handler = (c) => {
  for (const a of c.argv) {
    if (a.startsWith('of='))
      emitPath(c.sink, c.scope, 'write', a.slice(3), ['overwrite', 'raw-write'], c.origin);
    if (a.startsWith('if=')) emitPath(c.sink, c.scope, 'read', a.slice(3), [], c.origin);
  }
};

// What `find ROOTS EXPR` selects, as globs: root + any depth + the -name pattern, else the roots.
const FIND_WITH_VALUE = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-regex',
  '-iregex',
  '-type',
  '-user',
  '-group',
  '-uid',
  '-gid',
  '-perm',
  '-size',
  '-mtime',
  '-mmin',
  '-atime',
  '-amin',
  '-ctime',
  '-cmin',
  '-newer',
  '-maxdepth',
  '-mindepth',
  '-inum',
  '-links',
  '-fstype',
  '-samefile',
  '-printf',
  '-fprintf',
  '-fprint',
  '-context',
]);

export function findTargets(argv: string[]): {
  roots: string[];
  targets: string[];
  rest: string[];
  deletes: boolean;
} {
  const roots: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') || a === '!' || a === '(') break;
    roots.push(a);
  }
  if (roots.length === 0) roots.push('.');
  const all = argv.slice(i);
  // Drop option values and -exec bodies, so `-gid -delete` or `-exec echo -delete ;` are not deletes.
  const rest: string[] = [];
  let deletes = false;
  for (let j = 0; j < all.length; j++) {
    const a = all[j]!;
    if (/^-(exec|execdir|ok|okdir)$/.test(a)) {
      const end = all.findIndex((x, k) => k > j && (x === ';' || x === '+' || x === '\\;'));
      rest.push(...all.slice(j, end < 0 ? undefined : end + 1));
      j = end < 0 ? all.length : end;
      continue;
    }
    rest.push(a);
    if (a === '-delete') deletes = true;
    if (FIND_WITH_VALUE.has(a)) rest.push(`=${all[++j] ?? ''}`);
  }
  const names: string[] = [];
  for (let j = 0; j < rest.length; j++)
    if (/^-i?name$/.test(rest[j]!) && rest[j + 1]) names.push(rest[j + 1]!);
  const base = (r: string) => r.replace(/\/+$/, '') || '/';
  const targets = roots.flatMap((r) => (names.length > 0 ? names.map((n) => `${base(r)}/**/${n}`) : [r]));
  return { roots, targets, rest, deletes };
}

const find: Handler = (c) => {
  const { roots, targets, rest, deletes } = findTargets(c.argv);
  if (deletes) {
    for (const t of targets)
      emitPath(c.sink, c.scope, 'delete', t, ['recursive', 'force'], c.origin, /[$`]/.test(t));
  }
  for (let j = 0; j < rest.length; j++) {
    if (!/^-(exec|execdir|ok|okdir)$/.test(rest[j]!)) continue;
    const end = rest.findIndex((x, k) => k > j && (x === ';' || x === '+' || x === '\\;'));
    const words = rest.slice(j + 1, end < 0 ? undefined : end);
    // `{}` stands for every file found.
    for (const t of targets) {
      const line = words
        .map((w) => (w === '{}' ? (t === roots.find((r) => r === t) ? `${t.replace(/\/$/, '')}/*` : t) : w))
        .map(quote)
        .join(' ');
      c.api.shell(line, { ...c.scope, depth: c.scope.depth + 1 }, c.sink);
    }
  }
  for (const r of roots) emitPath(c.sink, c.scope, 'read', r, [], c.origin);
};

function quote(w: string): string {
  if (/^[A-Za-z0-9_@%+=:,./*~-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}

const inPlace: Handler = (c) => {
  const { flags, operands } = parse(c, new Set(['-e', '-f', '--expression', '--file']));
  const inplace = flags.some((f) => /^-[a-zA-Z]*i/.test(f) || f.startsWith('--in-place'));
  const hasScriptFlag = flags.some(
    (f) => f === '-e' || f === '-f' || f.startsWith('--expression') || f.startsWith('--file'),
  );
  const files = hasScriptFlag ? operands : operands.slice(1);
  paths(c, inplace ? 'write' : 'read', files, inplace ? ['edit'] : []);
};

const perm: Handler = (c) => {
  const { flags, operands } = parse(c, new Set(['--reference']));
  const recursive = has(flags, 'R', ['--recursive']);
  // The first operand is the mode or owner, except with --reference.
  const targets = c.argv.some((a) => a.startsWith('--reference')) ? operands : operands.slice(1);
  paths(c, 'write', targets, recursive ? ['perm', 'recursive'] : ['perm']);
};

const shred: Handler = (c) => {
  const { operands } = parse(c, new Set(['-n', '-s', '--iterations', '--size']));
  paths(c, 'delete', operands, ['force', 'wipe']);
};

const rsync: Handler = (c) => {
  const { flags, operands } = parse(c, new Set(['-e', '--rsh', '--exclude', '--include', '--filter', '-f']));
  if (operands.length < 2) return;
  const dest = operands[operands.length - 1]!;
  const sources = operands.slice(0, -1);
  const local = (o: Operand) => !/^[^/]*:/.test(o.value);
  paths(c, 'read', sources.filter(local), []);
  if (!local(dest)) return;
  const deletes = flags.some((f) => /^--del(ete(-[a-z]+)?)?$/.test(f) || f === '--remove-source-files');
  if (deletes) paths(c, 'delete', [dest], ['recursive', 'force']);
  paths(c, 'write', [dest], ['overwrite', 'recursive']);
};

const grepLike = (_c: Ctx, flags: string[]) =>
  !flags.some((f) => f === '-e' || f === '-f' || f.startsWith('--regexp') || f.startsWith('--file'));

export const FILE_COMMANDS: Record<string, Handler> = {
  rm,
  unlink: rm,
  rmdir: (c) => paths(c, 'delete', parse(c).operands, []),
  srm: rm,
  trash: rm,
  'trash-put': rm,
  shred,
  mv: copyLike(true),
  cp: copyLike(false),
  install: copyLike(false),
  ln: (c) => {
    const { operands } = parse(c, new Set(['-t', '-S']));
    const link = operands[operands.length - 1];
    if (operands.length >= 2 && link) paths(c, 'write', [link], ['overwrite', 'link']);
  },
  tee: writeTargets(['overwrite']),
  truncate: writeTargets(['overwrite', 'truncate'], ['-s', '--size', '-r', '--reference']),
  touch: writeTargets(['create'], ['-d', '-t', '-r', '--date', '--reference']),
  mkdir: writeTargets(['create'], ['-m', '--mode']),
  dd,
  find,
  sed: inPlace,
  gsed: inPlace,
  chmod: perm,
  chown: perm,
  chgrp: perm,
  chattr: perm,
  setfacl: perm,
  rsync,
  cat: readTargets(never),
  tac: readTargets(never),
  less: readTargets(never),
  more: readTargets(never),
  head: readTargets(never, ['-n', '-c']),
  tail: readTargets(never, ['-n', '-c']),
  bat: readTargets(never),
  nl: readTargets(never),
  strings: readTargets(never),
  xxd: readTargets(never),
  od: readTargets(never),
  hexdump: readTargets(never),
  base64: readTargets(never),
  base32: readTargets(never),
  wc: readTargets(never),
  sort: readTargets(never, ['-o', '-k', '-t']),
  uniq: readTargets(never),
  diff: readTargets(never),
  cmp: readTargets(never),
  md5sum: readTargets(never),
  sha256sum: readTargets(never),
  file: readTargets(never),
  stat: readTargets(never),
  source: readTargets(never),
  zip: readTargets(never),
  tar: (c) => {
    const create = c.argv.some((a) => /^-?[a-zA-Z]*c/.test(a) && !a.startsWith('--'));
    const { operands } = parse(c, new Set(['-f', '-C', '--file', '--directory', '-T', '--exclude']));
    if (create) paths(c, 'read', operands, []);
  },
  grep: readTargets(grepLike, ['-e', '-f', '-m', '-A', '-B', '-C', '--include', '--exclude']),
  egrep: readTargets(grepLike, ['-e', '-f', '-m', '-A', '-B', '-C']),
  rg: readTargets(grepLike, ['-e', '-f', '-g', '-t', '-T', '-m', '-A', '-B', '-C', '--glob', '--type']),
  ag: readTargets(grepLike, ['-G', '-m', '-A', '-B', '-C']),
  awk: (c) => {
    readTargets((_c, flags) => !flags.includes('-f'), ['-F', '-v', '-f'])(c);
    // system("cmd"), print | "cmd" and "cmd" | getline run shell commands; awk strings take \x and octal escapes.
    const program =
      c.argv.find((a, i) => !a.startsWith('-') && !['-F', '-v', '-f'].includes(c.argv[i - 1] ?? '')) ?? '';
    const literal =
      /system\s*\(\s*"((?:[^"\\]|\\.)*)"|\|\s*"((?:[^"\\]|\\.)*)"|"((?:[^"\\]|\\.)*)"\s*\|\s*getline/g;
    for (const m of program.matchAll(literal)) {
      c.api.shell(decodeAnsiC(m[1] ?? m[2] ?? m[3] ?? ''), { ...c.scope, depth: c.scope.depth + 1 }, c.sink);
    }
    if (/system\s*\(\s*[^"\s)]/.test(program)) {
      emitOpaque(c.sink, c.scope, 'awk runs a command built at run time', ['dynamic-command'], c.origin);
    }
  },
  gawk: (c) => FILE_COMMANDS.awk!(c),
  mawk: (c) => FILE_COMMANDS.awk!(c),
  nawk: (c) => FILE_COMMANDS.awk!(c),
  jq: readTargets(
    (_c, flags) => !flags.includes('-f') && !flags.includes('--from-file'),
    ['--arg', '--argjson', '-f', '--from-file', '--slurpfile', '--rawfile'],
  ),
  yq: readTargets(() => true, []),
  openssl: (c) => {
    const i = c.argv.indexOf('-in');
    if (i >= 0 && c.argv[i + 1]) emitPath(c.sink, c.scope, 'read', c.argv[i + 1]!, [], c.origin);
    const o = c.argv.indexOf('-out');
    if (o >= 0 && c.argv[o + 1]) emitPath(c.sink, c.scope, 'write', c.argv[o + 1]!, ['overwrite'], c.origin);
  },
};
