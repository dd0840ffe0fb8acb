// A file that will be run later is judged by what it would run. Its effects carry the `deferred`
// tag so the reason can say so. The shell analyzer is passed in to keep the module graph acyclic.
import { analyzeCode, type CodeLang } from './code.ts';
import type { Api } from './commands.ts';
import { makeRecipes } from './make.ts';
import type { Scope, Sink } from './sink.ts';

type Shell = Api['shell'];

/** The interpreter a shebang names: `#!/usr/bin/env -S python3 -u` -> `python3`. */
export function shebangInterpreter(text: string): string | undefined {
  const m = /^#!\s*(\S+)((?:[ \t]+\S+)*)/.exec(text);
  if (!m) return undefined;
  const prog = m[1]!.split('/').pop() ?? '';
  if (prog !== 'env') return prog;
  const next = (m[2] ?? '')
    .trim()
    .split(/\s+/)
    .find((w) => !w.startsWith('-') && !w.includes('='));
  return next?.split('/').pop();
}

export function languageOf(path: string, text: string): CodeLang | 'shell' | undefined {
  const interp = shebangInterpreter(text) ?? '';
  if (/^python/.test(interp) || (!interp && path.endsWith('.py'))) return 'python';
  if (/^(node|nodejs|deno|bun|tsx|ts-node)$/.test(interp) || (!interp && /\.(m|c)?[jt]s$/.test(path)))
    return 'node';
  if (interp === 'perl' || (!interp && path.endsWith('.pl'))) return 'perl';
  if (interp === 'ruby' || (!interp && path.endsWith('.rb'))) return 'ruby';
  if (interp === 'php' || (!interp && path.endsWith('.php'))) return 'php';
  if (/^(sh|bash|zsh|dash|ksh|mksh|ash|fish)$/.test(interp) || /\.(sh|bash|zsh|ksh|command)$/.test(path))
    return 'shell';
  return interp ? undefined : undefined;
}

const CI_FILE =
  /\/\.github\/workflows\/|\/\.github\/actions\/|\.gitlab-ci\.ya?ml$|\/\.gitlab\/ci\/|\/\.circleci\/|azure-pipelines\.ya?ml$|\/\.buildkite\/|\/\.travis\.ya?ml$|bitbucket-pipelines\.yml$/;
const HOOK_FILE =
  /\/\.git\/hooks\/|\/\.husky\/|\/(\.bashrc|\.zshrc|\.profile|\.bash_profile|\.zprofile|\.zshenv)$/;

/**
 * Judge `content` about to be written to `path` by what it would run, if it is something that runs:
 * a shebang script, a shell file, a git hook or rc file, a Makefile, package.json scripts, CI steps.
 * `fragment` is true for an Edit's new text, which may be only part of the file.
 */
export function judgeRunnable(
  path: string,
  content: string,
  fragment: boolean,
  scope: Scope,
  sink: Sink,
  shell: Shell,
): void {
  if (!content) return;
  const deferred: Scope = { ...scope, inherited: [...scope.inherited, 'deferred'], depth: scope.depth + 1 };
  const name = path.split('/').pop() ?? '';
  const api: Api = {
    shell,
    code: (lang, code, s, k) => analyzeCode(lang, code, s, k, api),
    script: () => false,
  };
  const lang = languageOf(path, content);
  if (lang === 'shell' || (!lang && HOOK_FILE.test(path))) return shell(content, deferred, sink);
  if (lang && shebangInterpreter(content)) return analyzeCode(lang, content, deferred, sink, api);
  if (/^(GNU)?[Mm]akefile$|\.mk$/.test(name)) {
    const lines = fragment
      ? content
          .split('\n')
          .filter((l) => l.startsWith('\t'))
          .map((l) => l.slice(1))
      : makeRecipes(content, [], true);
    for (const line of lines) shell(line.replace(/^[@+-]+/, '').replace(/\$\$/g, '$'), deferred, sink);
    return;
  }
  if (name === 'package.json') {
    for (const body of packageScripts(content, fragment)) shell(body, deferred, sink);
    return;
  }
  if (CI_FILE.test(path)) for (const line of ciRunLines(content, fragment)) shell(line, deferred, sink);
}

function packageScripts(content: string, fragment: boolean): string[] {
  if (!fragment) {
    try {
      const pkg = JSON.parse(content) as { scripts?: Record<string, unknown> };
      return Object.values(pkg.scripts ?? {}).filter((b): b is string => typeof b === 'string');
    } catch {
      // Not valid JSON yet: fall through to the fragment scan.
    }
  }
  const out: string[] = [];
  for (const m of content.matchAll(/"[^"]+"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
    try {
      out.push(JSON.parse(`"${m[1]}"`) as string);
    } catch {
      out.push(m[1]!);
    }
  }
  return out;
}

/** Shell steps of a CI file: `run:`/`script:` values and blocks; for an edit fragment, every list item. */
export function ciRunLines(yaml: string, fragment = false): string[] {
  const out: string[] = [];
  const lines = yaml.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)(?:-\s+)?(?:run|script|command|before_script|after_script|entrypoint)\s*:\s*(.*)$/.exec(
      lines[i]!,
    );
    if (!m) {
      const item = /^\s*-\s+(?!\w[\w-]*\s*:)(.+)$/.exec(lines[i]!);
      if (fragment && item) out.push(unquote(item[1]!));
      continue;
    }
    const indent = m[1]!.length;
    const rest = m[2]!.trim();
    if (rest && !/^[|>][+-]?$/.test(rest)) {
      out.push(unquote(rest));
      continue;
    }
    const block: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const l = lines[j]!;
      if (l.trim() !== '' && l.search(/\S/) <= indent && !/^\s*-\s/.test(l)) break;
      if (l.trim() !== '' && l.search(/\S/) < indent) break;
      block.push(l.trim().replace(/^-\s+/, ''));
      i = j;
    }
    out.push(...block.map(unquote));
  }
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(['"]).*\1$/.test(t) ? t.slice(1, -1) : t;
}
