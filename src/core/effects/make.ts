// Makefile recipes, enough to judge what `make target` would run.
/**
 * Recipe lines of the given targets (and the targets they depend on), or of the first target.
 * `$(VAR)` and `${VAR}` are expanded from `overrides` (command-line `VAR=value`) and from the
 * Makefile's own literal assignments; anything else is left for the shell to see as it is.
 */
export function makeRecipes(
  text: string,
  targets: string[],
  all = false,
  overrides: ReadonlyMap<string, string> = new Map(),
): string[] {
  const rules = new Map<string, { deps: string[]; lines: string[] }>();
  const vars = new Map<string, string>();
  let current: { deps: string[]; lines: string[] }[] = [];
  let first: string | undefined;
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (line.startsWith('\t')) {
      for (const r of current) r.lines.push(recipeLine(line.slice(1)));
      continue;
    }
    const assign = /^(?:export\s+|override\s+)?([A-Za-z_][\w.]*)\s*(:::?=|\?=|\+=|=|!=)\s*(.*)$/.exec(line);
    if (assign) {
      const [, name, op, value] = assign as unknown as [string, string, string, string];
      if (op === '!=') vars.delete(name);
      else if (op === '+=') vars.set(name, `${vars.get(name) ?? ''} ${value}`.trim());
      else if (op !== '?=' || !vars.has(name)) vars.set(name, value.replace(/\s+#.*$/, ''));
      current = [];
      continue;
    }
    const m = /^([^:=#\s][^:=#]*?)\s*::?\s*([^=].*)?$/.exec(line);
    if (m && !line.includes(':=')) {
      const names = m[1]!.split(/\s+/).filter(Boolean);
      // `target: deps ; recipe` puts the first recipe line on the rule's own line.
      const [depText = '', ...inline] = (m[2] ?? '').split(';');
      const deps = depText.split(/\s+/).filter(Boolean);
      const recipe = inline.join(';').trim();
      current = names.map((n) => {
        const r = rules.get(n) ?? { deps: [], lines: [] };
        r.deps.push(...deps);
        if (recipe !== '') r.lines.push(recipeLine(recipe));
        rules.set(n, r);
        if (!first && !n.startsWith('.')) first = n;
        return r;
      });
      continue;
    }
    if (line.trim() !== '' && !line.startsWith('#')) current = [];
  }
  const want = all ? [...rules.keys()] : targets.length > 0 ? targets : first ? [first] : [];
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (t: string, depth: number) => {
    if (seen.has(t) || depth > 32) return;
    seen.add(t);
    const r = rules.get(t);
    if (!r) return;
    for (const d of r.deps) walk(d, depth + 1);
    out.push(...r.lines);
  };
  for (const t of want) walk(t, 0);
  return out.map((l) => expand(l, overrides, vars, 0));
}

function expand(
  line: string,
  overrides: ReadonlyMap<string, string>,
  vars: Map<string, string>,
  depth: number,
): string {
  if (depth > 4 || !line.includes('$')) return line;
  return line
    .replace(/\$[({]([A-Za-z_][\w.]*)[)}]/g, (_m, name: string) => {
      const v = overrides.get(name) ?? vars.get(name);
      // A name the Makefile does not set comes from the environment, which is what the shell's
      // `${NAME}` reads too: `rm -rf $(HOME)` deletes the home directory.
      return v === undefined ? `\${${name}}` : expand(v, overrides, vars, depth + 1);
    })
    .replace(/\$\(shell\s+([^()]*)\)/g, (_m, cmd: string) => `$(${cmd})`);
}

/** A recipe line as the shell gets it: echo and error prefixes dropped, `$$` is a literal `$`. */
function recipeLine(text: string): string {
  return text.replace(/^\s*[@+-]+/, '').replace(/\$\$/g, '$');
}
