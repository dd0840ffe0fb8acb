// File-system programs: which paths they delete, write or read.

import { guardRelation, resolvePath } from '../paths.ts';
import { decodeAnsiC } from '../shell/words.ts';
import { ARCHIVE_COMMANDS } from './archives.ts';
import type { Ctx, Handler } from './commands.ts';
import { EDITOR_COMMANDS } from './editors.ts';
import { find } from './find.ts';
import { patch } from './patches.ts';
import { emitOpaque, emitPath } from './sink.ts';

export interface Operand {
  value: string;
  dynamic: boolean;
}

/** Split argv into options and operands. `withValue` options consume the next word. */
export function parse(c: Ctx, withValue: Set<string> = new Set()): { flags: string[]; operands: Operand[] } {
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
export function has(flags: string[], short: string, long: string[] = []): boolean {
  return flags.some((f) =>
    f.startsWith('--') ? long.includes(f.split('=')[0]!) : f.slice(1).includes(short),
  );
}

export function paths(c: Ctx, kind: 'delete' | 'write' | 'read', ops: Operand[], tags: string[]): void {
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
    const { flags, operands } = parse(
      c,
      new Set([
        '-t',
        '--target-directory',
        '-S',
        '--suffix',
        '-m',
        '--mode',
        '-o',
        '--owner',
        '-g',
        '--group',
      ]),
    );
    const tIndex = c.argv.findIndex((a) => a === '-t' || a === '--target-directory');
    const tEq = c.argv.find((a) => a.startsWith('--target-directory='));
    const target = tIndex >= 0 ? c.argv[tIndex + 1] : tEq?.split('=')[1];
    const recursive = has(flags, 'r', ['--recursive']) || has(flags, 'R') || has(flags, 'a', ['--archive']);
    if (c.program === 'install' && has(flags, 'd', ['--directory'])) {
      paths(c, 'write', operands, ['create']);
      return;
    }
    const sources = target ? operands : operands.slice(0, -1);
    const dest = target ? { value: target, dynamic: false } : operands[operands.length - 1];
    if (!dest || (sources.length === 0 && !target)) return;
    paths(
      c,
      moves ? 'delete' : 'read',
      sources,
      moves ? (recursive ? ['recursive', 'move'] : ['move']) : recursive ? ['recursive'] : [],
    );
    if (moves) paths(c, 'read', sources, []);
    // `mv ~/projects /dev/null`: what is moved onto a sink is destroyed, a whole tree for a directory.
    if (moves && /^\/dev\/(null|zero|full)$/.test(dest.value))
      paths(c, 'delete', sources, ['recursive', 'force', 'move']);
    const tags = recursive || moves ? ['overwrite', 'recursive'] : ['overwrite'];
    paths(c, 'write', landing(c, sources, dest, target !== undefined), tags);
    if (has(flags, 'l', ['--link']) || has(flags, 's', ['--symbolic-link'])) aliasGuard(c, sources, dest);
  };

/**
 * Where copying or linking `sources` to `dest` lands: inside `dest` when it is a directory (named with
 * -t or a trailing slash, or one that holds guard files), so `mv /tmp/agent-sre.yaml .` writes the policy.
 * A source only known at run time could land on any name there: the directory itself is written.
 */
function landing(c: Ctx, sources: Operand[], dest: Operand, intoDir: boolean): Operand[] {
  const abs = resolvePath(dest.value, c.scope.cwd, c.sink.ctx.home);
  const isDir =
    intoDir || dest.value.endsWith('/') || (!dest.dynamic && guardRelation(abs, c.sink.ctx) === 'ancestor');
  if (!isDir || sources.length === 0) return [dest];
  const dir = dest.value.replace(/\/+$/, '') || '/';
  return sources.map((s) => {
    const name = s.value.replace(/\/+$/, '').split('/').pop() ?? '';
    if (s.dynamic || name === '' || name === '.' || name === '..')
      return { value: dir, dynamic: dest.dynamic };
    return { value: `${dir}/${name}`, dynamic: dest.dynamic };
  });
}

/** A link to a guard file is a second name for it: writes through the link change the guard. */
function aliasGuard(c: Ctx, sources: Operand[], dest: Operand): void {
  const linkDir = resolvePath(
    dest.value.endsWith('/') ? dest.value : `${dest.value}/..`,
    c.scope.cwd,
    c.sink.ctx.home,
  );
  for (const s of sources) {
    if (s.dynamic) continue;
    for (const from of [c.scope.cwd, linkDir]) {
      const abs = resolvePath(s.value, from, c.sink.ctx.home);
      if (guardRelation(abs, c.sink.ctx) === 'inside') {
        emitPath(c.sink, c.scope, 'write', abs, ['link-target'], c.origin);
        break;
      }
    }
  }
}

const writeTargets =
  (tags: string[], withValue: string[] = [], skip = 0): Handler =>
  (c) => {
    const { flags, operands } = parse(c, new Set(withValue));
    const t = [...tags];
    if (has(flags, 'R', ['--recursive'])) t.push('recursive');
    paths(c, 'write', operands.slice(skip), t);
  };

const readTargets =
  (
    skipFirst: (c: Ctx, flags: string[]) => boolean,
    withValue: string[] = [],
    recursive: (flags: string[]) => boolean = () => false,
  ): Handler =>
  (c) => {
    const { flags, operands } = parse(c, new Set(withValue));
    paths(
      c,
      'read',
      skipFirst(c, flags) ? operands.slice(1) : operands,
      recursive(flags) ? ['recursive'] : [],
    );
  };

/** Whole trees are read: `grep -r`, `zip -r`; rg and ag search directories by default. */
const recursiveFlag = (flags: string[]) => has(flags, 'r', ['--recursive']) || has(flags, 'R');
const always = () => true;

const never = () => false;

const dd: Handler = (c) => {
  for (const a of c.argv) {
    if (a.startsWith('of='))
      emitPath(c.sink, c.scope, 'write', a.slice(3), ['overwrite', 'raw-write'], c.origin);
    if (a.startsWith('if=')) emitPath(c.sink, c.scope, 'read', a.slice(3), [], c.origin);
  }
};

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
  const tree = has(flags, 'r', ['--recursive']) || has(flags, 'a', ['--archive']);
  paths(c, 'read', sources.filter(local), tree ? ['recursive'] : []);
  if (!local(dest)) return;
  // --delete removes what the destination holds beyond the sources; --remove-source-files removes
  // every file it sent, a whole tree for a directory source.
  if (flags.some((f) => /^--del(ete(-[a-z]+)?)?$/.test(f)))
    paths(c, 'delete', [dest], ['recursive', 'force']);
  if (flags.includes('--remove-source-files'))
    paths(c, 'delete', sources.filter(local), tree ? ['recursive', 'move'] : ['move']);
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
    const { operands } = parse(c, new Set(['-t', '--target-directory', '-S', '--suffix']));
    const ti = c.argv.findIndex((a) => a === '-t' || a === '--target-directory');
    const dir = ti >= 0 ? c.argv[ti + 1] : undefined;
    // `ln TARGET` makes a link named like TARGET in the current directory.
    const dest = dir
      ? { value: dir, dynamic: false }
      : operands.length === 1
        ? { value: '.', dynamic: false }
        : operands[operands.length - 1];
    const sources = dir || operands.length === 1 ? operands : operands.slice(0, -1);
    if (!dest || sources.length === 0) return;
    paths(c, 'write', landing(c, sources, dest, dir !== undefined || operands.length === 1), [
      'overwrite',
      'link',
    ]);
    aliasGuard(c, sources, dest);
  },
  tee: writeTargets(['overwrite']),
  sponge: writeTargets(['overwrite']),
  dos2unix: writeTargets(['edit']),
  unix2dos: writeTargets(['edit']),
  rename: writeTargets(['move'], [], 1),
  prename: writeTargets(['move'], [], 1),
  'perl-rename': writeTargets(['move'], [], 1),
  'file-rename': writeTargets(['move'], [], 1),
  sd: (c) =>
    paths(c, 'write', parse(c, new Set(['-f', '--flags', '-n', '--max-replacements'])).operands.slice(2), [
      'edit',
    ]),
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
  patch,
  ...ARCHIVE_COMMANDS,
  ...EDITOR_COMMANDS,
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
  sort: (c) => {
    readTargets(never, ['-o', '-k', '-t', '-S', '-T', '--output'])(c);
    const o = c.argv.findIndex((a) => a === '-o' || a === '--output');
    const out = o >= 0 ? c.argv[o + 1] : c.argv.find((a) => a.startsWith('--output='))?.slice(9);
    if (out) emitPath(c.sink, c.scope, 'write', out, ['overwrite'], c.origin);
  },
  uniq: (c) => {
    // `uniq INPUT OUTPUT` writes OUTPUT.
    const { operands } = parse(c, new Set(['-f', '-s', '-w']));
    paths(c, 'read', operands.slice(0, 1), []);
    paths(c, 'write', operands.slice(1, 2), ['overwrite']);
  },
  diff: readTargets(never),
  cmp: readTargets(never),
  md5sum: readTargets(never),
  sha256sum: readTargets(never),
  file: readTargets(never),
  stat: readTargets(never),
  source: readTargets(never),
  zip: readTargets(never, [], recursiveFlag),

  grep: readTargets(grepLike, ['-e', '-f', '-m', '-A', '-B', '-C', '--include', '--exclude'], recursiveFlag),
  egrep: readTargets(grepLike, ['-e', '-f', '-m', '-A', '-B', '-C'], recursiveFlag),
  rg: readTargets(
    grepLike,
    ['-e', '-f', '-g', '-t', '-T', '-m', '-A', '-B', '-C', '--glob', '--type'],
    always,
  ),
  ag: readTargets(grepLike, ['-G', '-m', '-A', '-B', '-C'], always),
  awk: (c) => {
    const withValue = ['-F', '-v', '-f', '-i', '--include', '-l', '--load', '-E', '--exec', '-e', '--source'];
    const fromFlag = c.argv.some(
      (a) => /^(-f|-E|-e|--source|--exec)$/.test(a) || /^--(source|exec)=/.test(a),
    );
    // gawk -i inplace (or --include=inplace) rewrites each input file.
    const inplace = c.argv.some(
      (a, i) =>
        (/^(-i|--include)$/.test(a) && /^inplace(\.awk)?$/.test(c.argv[i + 1] ?? '')) ||
        /^(-i|--include=)inplace/.test(a),
    );
    const { operands } = parse(c, new Set(withValue));
    const files = fromFlag ? operands : operands.slice(1);
    paths(
      c,
      inplace ? 'write' : 'read',
      files.filter((o) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(o.value)),
      inplace ? ['edit'] : [],
    );
    // system("cmd"), print | "cmd" and "cmd" | getline run shell commands; awk strings take \x and octal escapes.
    const program =
      c.argv.find((a, i) => !a.startsWith('-') && !withValue.includes(c.argv[i - 1] ?? '')) ?? '';
    const literal = /\|\s*"((?:[^"\\]|\\.)*)"|"((?:[^"\\]|\\.)*)"\s*\|\s*getline/g;
    const inner = { ...c.scope, depth: c.scope.depth + 1 };
    for (const m of program.matchAll(literal)) c.api.shell(decodeAnsiC(m[1] ?? m[2] ?? ''), inner, c.sink);
    // system(ARG): ARG is string literals and ENVIRON["X"] put side by side (awk concatenates them);
    // anything else in it is only known at run time.
    for (const m of program.matchAll(/system\s*\(([^()]*)\)/g)) {
      const command = awkConcat(m[1]!);
      if (command === undefined)
        emitOpaque(c.sink, c.scope, 'awk runs a command built at run time', ['dynamic-command'], c.origin);
      else c.api.shell(command, inner, c.sink);
    }
  },
  gawk: (c) => FILE_COMMANDS.awk!(c),
  mawk: (c) => FILE_COMMANDS.awk!(c),
  nawk: (c) => FILE_COMMANDS.awk!(c),
  jq: readTargets(
    (_c, flags) => !flags.includes('-f') && !flags.includes('--from-file'),
    ['--arg', '--argjson', '-f', '--from-file', '--slurpfile', '--rawfile'],
  ),
  yq: (c) => {
    const { flags, operands } = parse(c);
    const inplace = flags.some((f) => f === '-i' || f === '--inplace' || /^-[a-zA-Z]*i$/.test(f));
    paths(c, inplace ? 'write' : 'read', operands.slice(1), inplace ? ['edit'] : []);
  },
  openssl: (c) => {
    const i = c.argv.indexOf('-in');
    if (i >= 0 && c.argv[i + 1]) emitPath(c.sink, c.scope, 'read', c.argv[i + 1]!, [], c.origin);
    const o = c.argv.indexOf('-out');
    if (o >= 0 && c.argv[o + 1]) emitPath(c.sink, c.scope, 'write', c.argv[o + 1]!, ['overwrite'], c.origin);
  },
};

/** `"rm -rf " ENVIRON["HOME"] "/x"` as the text it makes (`rm -rf ${HOME}/x`), or undefined. */
function awkConcat(arg: string): string | undefined {
  const parts: string[] = [];
  const token = /\s*(?:"((?:[^"\\]|\\.)*)"|ENVIRON\s*\[\s*"([A-Za-z_]\w*)"\s*\])\s*/y;
  let at = 0;
  while (at < arg.length) {
    token.lastIndex = at;
    const m = token.exec(arg);
    if (!m) return undefined;
    parts.push(m[1] !== undefined ? decodeAnsiC(m[1]) : `\${${m[2]}}`);
    at = token.lastIndex;
  }
  return parts.length > 0 ? parts.join('') : undefined;
}
