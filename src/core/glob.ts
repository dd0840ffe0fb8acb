// Globs over absolute paths: `*` stays within a path segment, `**` crosses segments, `~/` is home.
export function globToRegExp(glob: string, home: string): RegExp {
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
    else re += /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
  }
  return new RegExp(`^${re}$`);
}

export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}
