// Dependencies declared from a git remote or a URL in a manifest: the next install fetches and runs
// code no registry vetted (install scripts, build scripts, setup.py). Declaring one is judged like
// installing it by hand (`pip install git+https://...`), when the manifest is written.

const MAX_TEXT = 512 * 1024;
const REMOTE = /^(git\+|git:\/\/|git@|github:|gitlab:|bitbucket:|https?:\/\/)/;
// npm's `user/repo` and `user/repo#ref` shorthand (not a scoped name, not a path).
const NPM_SHORTHAND = /^[A-Za-z0-9][\w.-]*\/[\w.-]+(#.*)?$/;

/** The remote sources a manifest declares, by file name; [] for files that are not manifests. */
export function remoteDependencies(name: string, text: string): string[] {
  if (text.length > MAX_TEXT) return [];
  if (name === 'package.json' || name === 'composer.json') return jsonSources(text);
  if (name === 'Gemfile' || name.endsWith('.gemspec'))
    return matches(
      text,
      /\b(?:git|github|gist)\s*:\s*['"]([^'"]+)['"]|^\s*source\s+['"](https?:\/\/(?!rubygems\.org)[^'"]+)['"]/gm,
    );
  if (name === 'pyproject.toml' || name === 'Pipfile' || name === 'Cargo.toml')
    return matches(
      text,
      /\b(?:git|url)\s*=\s*["']([^"']+)["']|["'][\w.-]+\s*@\s*((?:git\+|https?:\/\/)[^"'\s]+)["']/g,
    );
  if (/^requirements.*\.(txt|in)$|^constraints.*\.txt$/.test(name))
    return matches(text, /^\s*(?:-e\s+)?(?:[\w.-]+\s*@\s*)?((?:git\+|https?:\/\/)\S+)/gm);
  return [];
}

function matches(text: string, re: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(re)) {
    const v = m.slice(1).find((x) => x !== undefined);
    if (v) out.push(v);
  }
  return out;
}

/** package.json / composer.json dependency values that are URLs, git remotes or GitHub shorthand. */
function jsonSources(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/"[@\w./-]+"\s*:\s*"([^"\\]*)"/g)) {
    const spec = m[1] ?? '';
    if ((REMOTE.test(spec) || NPM_SHORTHAND.test(spec)) && inDependencies(text, m.index ?? 0)) out.push(spec);
  }
  return out;
}

/** Is the pair at `at` inside a dependencies-like object? (the nearest enclosing key names one) */
function inDependencies(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 4000), at);
  return /"(\w*[Dd]ependencies|require(?:-dev)?|overrides|resolutions)"\s*:\s*\{[^{}]*$/.test(before);
}
