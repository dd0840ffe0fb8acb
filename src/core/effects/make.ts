// Makefile recipes, enough to judge what `make target` would run.
/** Recipe lines of the given targets (and the targets they depend on), or of the first target. */
export function makeRecipes(text: string, targets: string[], all = false): string[] {
  const rules = new Map<string, { deps: string[]; lines: string[] }>();
  let current: { deps: string[]; lines: string[] }[] = [];
  let first: string | undefined;
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    if (line.startsWith('\t')) {
      const cmd = line
        .slice(1)
        .replace(/^[@+-]+/, '')
        .replace(/\$\$/g, '$');
      for (const r of current) r.lines.push(cmd);
      continue;
    }
    const m = /^([^:=#\s][^:=#]*?)\s*::?\s*([^=].*)?$/.exec(line);
    if (m && !line.includes(':=')) {
      const names = m[1]!.split(/\s+/).filter(Boolean);
      const deps = (m[2] ?? '').split(';')[0]!.split(/\s+/).filter(Boolean);
      current = names.map((n) => {
        const r = rules.get(n) ?? { deps: [], lines: [] };
        r.deps.push(...deps);
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
  return out;
}
