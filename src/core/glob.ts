// Globs over absolute paths: `*` stays within a path segment, `**` crosses segments, `~/` is home,
// `[...]` is a class as in bash (`[!x]` and `[^x]` negate; an unclosed `[` is a literal).
export function globToRegExp(glob: string, home: string, flags = ''): RegExp {
  const g = glob.startsWith('~/') ? home + glob.slice(1) : glob === '~' ? home : glob;
  let re = '';
  for (let i = 0; i < g.length; i++) {
    const ch = g[i]!;
    if (ch === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (ch === '?') re += '[^/]';
    else if (ch === '[' && bracketEnd(g, i) > 0) {
      const end = bracketEnd(g, i);
      let body = g.slice(i + 1, end);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, (c) => `\\${c}`)}]`;
      i = end;
    } else re += /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^${re}$`, flags);
}

/** Index of the `]` closing the class that opens at `start`, or -1 (a `]` first in the class is literal). */
function bracketEnd(g: string, start: number): number {
  let i = start + 1;
  if (g[i] === '!' || g[i] === '^') i++;
  if (g[i] === ']') i++;
  for (; i < g.length; i++) {
    if (g[i] === '/') return -1;
    if (g[i] === ']') return i;
  }
  return -1;
}

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}
