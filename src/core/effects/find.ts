// `find ROOTS EXPR`: what it selects, as globs (`ROOT/**/NAME` per -name, `ROOT/**` with no name), what
// its `-prune` and negated tests leave out, and the effects of -delete, -exec cmd {} and -fprint FILE.
import { globToRegExp } from '../glob.ts';
import { isUnder, resolvePath } from '../paths.ts';
import type { Ctx, Handler } from './commands.ts';
import { emitPath, type Scope, type Sink } from './sink.ts';

const WITH_VALUE = new Set([
  '-name',
  '-iname',
  '-path',
  '-ipath',
  '-wholename',
  '-iwholename',
  '-regex',
  '-iregex',
  '-lname',
  '-ilname',
  '-type',
  '-xtype',
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
  '-anewer',
  '-cnewer',
  '-maxdepth',
  '-mindepth',
  '-inum',
  '-links',
  '-fstype',
  '-samefile',
  '-printf',
  '-fprintf',
  '-fprint',
  '-fprint0',
  '-fls',
  '-context',
  '-used',
  '-regextype',
]);
const EXEC = /^-(exec|execdir|ok|okdir)$/;
const isEnd = (x: string) => x === ';' || x === '+' || x === '\\;';

interface Test {
  kind: 'name' | 'path';
  pattern: string;
  icase: boolean;
}

export interface FindPlan {
  roots: string[];
  /** Globs for what the expression selects (relative ones resolve against the cwd). */
  targets: string[];
  /** The expression without option values, with -exec bodies kept. */
  rest: string[];
  deletes: boolean;
  /** Tests that leave paths out: pruned directories and negated -name/-path. */
  pruned: Test[];
  negated: Test[];
  /** Files -fprint, -fprintf and -fls write. */
  writes: string[];
}

export function findTargets(argv: string[]): FindPlan {
  const roots: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('-') || a === '!' || a === '(') break;
    roots.push(a);
  }
  if (roots.length === 0) roots.push('.');
  const all = argv.slice(i);
  const rest: string[] = [];
  let deletes = false;
  const writes: string[] = [];
  // The expression as OR-branches: a branch holding -prune leaves its tests' matches out.
  type Branch = { tests: Test[]; negated: Test[]; prune: boolean; wide: boolean };
  const branches: Branch[] = [{ tests: [], negated: [], prune: false, wide: false }];
  let negate = false;
  for (let j = 0; j < all.length; j++) {
    const a = all[j]!;
    const branch = branches[branches.length - 1]!;
    if (EXEC.test(a)) {
      // Kept whole, so `-exec echo -delete ;` is not a delete.
      const end = all.findIndex((x, k) => k > j && isEnd(x));
      rest.push(...all.slice(j, end < 0 ? undefined : end + 1));
      j = end < 0 ? all.length : end;
      negate = false;
      continue;
    }
    rest.push(a);
    if (a === '!' || a === '-not') {
      negate = !negate;
      continue;
    }
    if (a === '-o' || a === '-or') branches.push({ tests: [], negated: [], prune: false, wide: false });
    if (a === '-delete') deletes = true;
    if (a === '-prune') branch.prune = true;
    if (WITH_VALUE.has(a)) {
      const value = all[++j] ?? '';
      rest.push(`=${value}`);
      if (/^-(fprint0?|fprintf|fls)$/.test(a)) writes.push(value);
      const kind: Test['kind'] | undefined =
        /name$/.test(a) && !/wholename$/.test(a) ? 'name' : /path$|wholename$/.test(a) ? 'path' : undefined;
      const test = kind ? { kind, pattern: value, icase: /^-i/.test(a) } : undefined;
      if (test) (negate ? branch.negated : branch.tests).push(test);
      // A regex selects what we cannot turn into a glob: anything under the root.
      if (/regex$/.test(a) && !negate) branch.wide = true;
    }
    negate = false;
  }
  const pruned = branches.filter((b) => b.prune).flatMap((b) => b.tests);
  const negated = branches.flatMap((b) => b.negated);
  const selecting = branches.filter((b) => !b.prune);
  const base = (r: string) => r.replace(/\/+$/, '') || '/';
  const targets = new Set<string>();
  for (const r of roots) {
    for (const b of selecting) {
      const tests = b.tests.filter((t) => t.pattern !== '');
      // The root itself is found too (and deleted by -delete when it empties).
      if (b.wide || tests.length === 0) targets.add(r).add(`${base(r)}/**`);
      for (const t of tests) {
        if (t.kind === 'name') targets.add(`${base(r)}/**/${t.pattern}`);
        // -path matches the whole path as find prints it (root included); its `*` crosses `/`.
        else
          targets.add(t.pattern.startsWith('*') ? `${base(r)}/${anyDepth(t.pattern)}` : anyDepth(t.pattern));
      }
    }
  }
  return { roots, targets: [...targets], rest, deletes, pruned, negated, writes };
}

const anyDepth = (p: string) => p.replace(/\*+/g, '**');

/** Which absolute paths a find leaves out (for the guard check of the globs it produced). */
export function findExclusion(
  plan: FindPlan,
  cwd: string,
  home: string,
): ((p: string) => boolean) | undefined {
  if (plan.pruned.length === 0 && plan.negated.length === 0) return undefined;
  const roots = plan.roots.map((r) => ({
    typed: r.replace(/\/+$/, '') || '/',
    abs: resolvePath(r, cwd, home),
  }));
  const re = (t: Test) =>
    t.kind === 'name'
      ? globToRegExp(t.pattern, home, t.icase ? 'i' : '')
      : globToRegExp(anyDepth(t.pattern), home, t.icase ? 'i' : '');
  const pruned = plan.pruned.map((t) => ({ t, re: re(t) }));
  const negated = plan.negated.map((t) => ({ t, re: re(t) }));
  return (p) =>
    roots.some(({ typed, abs }) => {
      if (!isUnder(p, abs)) return false;
      const printed = (x: string) =>
        x === abs ? typed : `${typed === '/' ? '' : typed}${x.slice(abs.length)}`;
      const segments = p.slice(abs.length).split('/').filter(Boolean);
      const prefixes = segments.map((_s, k) => `${abs}/${segments.slice(0, k + 1).join('/')}`);
      // A pruned directory is skipped with everything under it.
      const prunedHit = pruned.some(({ t, re }) =>
        prefixes.some((x) => re.test(t.kind === 'name' ? x.slice(x.lastIndexOf('/') + 1) : printed(x))),
      );
      const negatedHit = negated.some(({ t, re }) =>
        re.test(t.kind === 'name' ? p.slice(p.lastIndexOf('/') + 1) : printed(p)),
      );
      return prunedHit || negatedHit;
    });
}

/** Remember what a find leaves out of each glob it produced, keyed by the glob's absolute form. */
export function registerExclusions(plan: FindPlan, scope: Scope, sink: Sink): void {
  const exclude = findExclusion(plan, scope.cwd, sink.ctx.home);
  if (!exclude) return;
  sink.excluded ??= new Map();
  for (const t of plan.targets) sink.excluded.set(resolvePath(t, scope.cwd, sink.ctx.home), exclude);
}

export const find: Handler = (c: Ctx) => {
  const plan = findTargets(c.argv);
  const { roots, targets, rest, deletes } = plan;
  registerExclusions(plan, c.scope, c.sink);
  if (deletes) {
    for (const t of targets)
      emitPath(c.sink, c.scope, 'delete', t, ['recursive', 'force'], c.origin, /[$`]/.test(t));
  }
  for (const w of plan.writes) emitPath(c.sink, c.scope, 'write', w, ['overwrite'], c.origin);
  for (let j = 0; j < rest.length; j++) {
    if (!EXEC.test(rest[j]!)) continue;
    const end = rest.findIndex((x, k) => k > j && isEnd(x));
    const words = rest.slice(j + 1, end < 0 ? undefined : end);
    // `{}` stands for every file found.
    for (const t of targets) {
      const line = words
        .map((w) => w.replaceAll('{}', t))
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
