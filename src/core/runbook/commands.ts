// What in a runbook looks like a command to run, and what looks like a path. Both are read from the text
// of one code span, code block or list item, never from the Markdown around it.

/** Programs a verification command commonly starts with. A path to a script (`./x`, `scripts/x.sh`) also counts. */
export const PROGRAMS: ReadonlySet<string> = new Set([
  // JavaScript and TypeScript
  'npm',
  'npx',
  'pnpm',
  'pnpx',
  'yarn',
  'bun',
  'bunx',
  'deno',
  'node',
  'tsx',
  'tsc',
  'vitest',
  'jest',
  'mocha',
  'ava',
  'playwright',
  'cypress',
  'eslint',
  'biome',
  'prettier',
  'stylelint',
  'nx',
  'turbo',
  'lerna',
  // task runners and builds
  'make',
  'just',
  'task',
  'mise',
  'cmake',
  'ctest',
  'ninja',
  'meson',
  'bazel',
  'bazelisk',
  'gradle',
  'mvn',
  'ant',
  'sbt',
  // Python
  'python',
  'python3',
  'py',
  'pytest',
  'uv',
  'uvx',
  'poetry',
  'pipenv',
  'pdm',
  'hatch',
  'tox',
  'nox',
  'pip',
  'mypy',
  'pyright',
  'ruff',
  'black',
  'flake8',
  'pylint',
  'isort',
  // other languages
  'go',
  'gofmt',
  'golangci-lint',
  'cargo',
  'rustc',
  'dotnet',
  'ruby',
  'bundle',
  'rake',
  'rspec',
  'rubocop',
  'rails',
  'php',
  'composer',
  'phpunit',
  'mix',
  'swift',
  'xcodebuild',
  'flutter',
  'dart',
  'stack',
  'cabal',
  'dune',
  'zig',
  'gleam',
  'lein',
  'clojure',
  // shells and tools
  'bash',
  'sh',
  'zsh',
  'fish',
  'pwsh',
  'git',
  'gh',
  'docker',
  'podman',
  'kubectl',
  'helm',
  'terraform',
  'tflint',
  'shellcheck',
  'shfmt',
  'hadolint',
  'actionlint',
  'pre-commit',
  'lefthook',
  'nix',
  'curl',
  'test',
  'grep',
  'rg',
  'diff',
  'jq',
  'agent-sre',
]);

const SHELL_LANGS = new Set([
  'sh',
  'bash',
  'shell',
  'zsh',
  'fish',
  'console',
  'shell-session',
  'shellsession',
  'sh-session',
  'terminal',
  'powershell',
  'ps1',
  'pwsh',
  'bat',
  'cmd',
]);

const SCRIPT = /^(\.{1,2}\/|~\/|\/)?([\w.-]+\/)*[\w.-]+\.(sh|bash|zsh|ps1)$/;
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** `npm test`, `$ make check`, `CI=1 pytest -q`, `./scripts/verify`, `scripts/check.sh`. */
export function looksLikeCommand(text: string): boolean {
  const words = text
    .trim()
    .replace(/^[$%>]\s+/, '')
    .split(/\s+/);
  let i = 0;
  while (i < words.length && ASSIGNMENT.test(words[i]!)) i++;
  if (words[i] === 'sudo' || words[i] === 'env' || words[i] === 'time') i++;
  const program = words[i];
  if (!program) return false;
  if (/^\.{1,2}\/[\w.-]/.test(program) || SCRIPT.test(program)) return true;
  if (/^(bin|scripts?|tools)\/[\w./-]+$/.test(program)) return true;
  return PROGRAMS.has(program) || PROGRAMS.has(program.slice(program.lastIndexOf('/') + 1));
}

/** A shell block runs whatever it holds; any other block counts when a line starts with a known program. */
export function codeBlockHasCommand(lang: string | null, value: string): boolean {
  const lines = value
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const shell = lang !== null && SHELL_LANGS.has(lang.toLowerCase());
  return lines.some((l) => (shell && !/^[$%>]?\s*$/.test(l)) || looksLikeCommand(l));
}

/**
 * A code span or list item naming a path or glob: `src/`, `docs/**`, `*.md`, `.env`, `~/x`, `../x`,
 * `package.json`. One word, no URL, and a slash, a glob character, a leading dot or tilde, or a file
 * extension.
 */
export function looksLikePath(text: string): boolean {
  const t = text.trim();
  if (t === '' || /\s/.test(t) || t.includes('://') || t.startsWith('@') || t.startsWith('-')) return false;
  if (/^[^\w.~/*?[{$]/.test(t)) return false;
  return (
    t.includes('/') ||
    /[*?[{]/.test(t) ||
    t.startsWith('.') ||
    t.startsWith('~') ||
    /^[\w-]+(\.[\w-]+)*\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(t)
  );
}

/** The part of a glob before its first glob character, cut back to a whole segment: `src/**\/*.ts` -> `src`. */
export function globPrefix(path: string): string {
  const i = path.search(/[*?[{]/);
  if (i < 0) return path;
  const cut = path.slice(0, i);
  const slash = cut.lastIndexOf('/');
  if (slash < 0) return '';
  return slash === 0 ? '/' : cut.slice(0, slash);
}

export function isGlob(path: string): boolean {
  return /[*?[{]/.test(path);
}
