// `patch` and `git apply|am`: the files a diff names are written. The diff is read where it can be
// (stdin text, or a file through readScript); a diff nobody can read could touch any file below the
// directory it is applied in.
import { resolvePath } from '../paths.ts';
import type { Ctx } from './commands.ts';
import { emitPath } from './sink.ts';

/** Paths a unified or git diff changes, with `strip` leading components removed (-pN). */
export function diffTargets(diff: string, strip: number): string[] {
  const out = new Set<string>();
  const add = (raw: string) => {
    const p = raw.trim().replace(/^"|"$/g, '').split('\t')[0]!;
    if (p === '/dev/null' || p === '') return;
    const parts = p.split('/');
    out.add(parts.length > strip ? parts.slice(strip).join('/') : parts[parts.length - 1]!);
  };
  for (const line of diff.split('\n')) {
    const head = /^(?:\+\+\+|---) (.+)$/.exec(line);
    if (head) add(head[1]!);
    const git = /^diff --git (\S+) (\S+)$/.exec(line);
    if (git) {
      add(git[1]!);
      add(git[2]!);
    }
    // Renames and copies name their paths without the a/ b/ prefix.
    const moved = /^(?:rename|copy) (?:from|to) (.+)$/.exec(line);
    if (moved) out.add(moved[1]!.trim());
  }
  return [...out];
}

function readDiff(c: Ctx, file: string | undefined): string | undefined {
  if (file === undefined || file === '-') {
    const stdin = c.cmd.stdin;
    if (stdin?.kind === 'text') return stdin.text;
    if (stdin?.kind === 'file')
      return c.sink.ctx.readScript?.(resolvePath(stdin.path, c.scope.cwd, c.sink.ctx.home));
    return undefined;
  }
  return c.sink.ctx.readScript?.(resolvePath(file, c.scope.cwd, c.sink.ctx.home));
}

function applied(c: Ctx, dir: string, diffs: (string | undefined)[], strip: number): void {
  const base = dir.replace(/\/+$/, '') || '/';
  for (const diff of diffs) {
    if (diff === undefined) {
      emitPath(c.sink, c.scope, 'write', base, ['patch', 'overwrite', 'recursive'], c.origin);
      continue;
    }
    for (const t of diffTargets(diff, strip))
      emitPath(
        c.sink,
        c.scope,
        'write',
        t.startsWith('/') ? t : `${base}/${t}`,
        ['patch', 'overwrite'],
        c.origin,
      );
  }
}

/** patch [-pN] [-d DIR] [-i PATCH] [ORIGINAL [PATCH]]; the diff comes from stdin otherwise. */
export function patch(c: Ctx): void {
  let strip = -1;
  let dir = '.';
  let input: string | undefined;
  let dryRun = false;
  const operands: string[] = [];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    const p = /^(?:-p|--strip=)(\d+)$/.exec(a);
    if (p) strip = Number(p[1]);
    else if (a === '-p' || a === '--strip') strip = Number(c.argv[++i] ?? 0);
    else if (a === '-d' || a === '--directory') dir = c.argv[++i] ?? dir;
    else if (a.startsWith('--directory=')) dir = a.slice(12);
    else if (a === '-i' || a === '--input') input = c.argv[++i];
    else if (a.startsWith('--input=')) input = a.slice(8);
    else if (a === '--dry-run' || a === '-C' || a === '--check') dryRun = true;
    else if (/^-[oDrBVYzFgs]$|^--(output|reject-file|prefix|suffix|basename-prefix|fuzz|get)$/.test(a)) i++;
    else if (!a.startsWith('-')) operands.push(a);
  }
  if (dryRun) return;
  if (operands[1]) input ??= operands[1];
  if (operands[0]) {
    emitPath(c.sink, c.scope, 'write', operands[0], ['patch', 'overwrite'], c.origin);
    return;
  }
  // Without -p, patch takes the base name of each path: keep both readings.
  const diff = readDiff(c, input);
  applied(c, dir, [diff], Math.max(strip, 0));
  if (strip < 0 && diff !== undefined) applied(c, dir, [diff], 99);
}

/** git apply|am [-pN] [--directory=D] [PATCH...]; --check, --stat and --cached leave the work tree alone. */
export function gitApply(c: Ctx, rest: string[], cwd: string): void {
  if (rest.some((a) => /^--(check|stat|numstat|summary|cached)$/.test(a))) return;
  let strip = 1;
  let dir = cwd;
  const files: string[] = [];
  for (const a of rest) {
    const p = /^-p(\d+)$/.exec(a);
    if (p) strip = Number(p[1]);
    else if (a.startsWith('--directory=')) dir = resolvePath(a.slice(12), cwd, c.sink.ctx.home);
    else if (!a.startsWith('-')) files.push(resolvePath(a, cwd, c.sink.ctx.home));
  }
  const diffs = files.length > 0 ? files.map((f) => readDiff(c, f)) : [readDiff(c, undefined)];
  applied(c, dir, diffs, strip);
}
