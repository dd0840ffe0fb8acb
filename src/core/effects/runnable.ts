// A file that will be run later is judged by what it would run. Its effects carry the `deferred`
// tag so the reason can say so. The shell analyzer is passed in to keep the module graph acyclic.
import { buildFileCommands, buildFileKind } from './build-files.ts';
import { analyzeCode, type CodeLang } from './code.ts';
import type { Api } from './commands.ts';
import { remoteDependencies } from './dep-sources.ts';
import { emitNewEffects } from './edits.ts';
import { makeRecipes } from './make.ts';
import {
  composerScripts,
  denoTasks,
  justRecipes,
  noxCommands,
  pyprojectTasks,
  rustCommands,
  type Tasks,
  taskfileTasks,
  tomlEntries,
  toxCommands,
} from './manifests.ts';
import { fileNow, noteFile } from './overlay.ts';
import { emit, type Scope, type Sink } from './sink.ts';

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
  if (!fragment) noteWritten(path, content, sink);
  const deferred: Scope = { ...scope, inherited: [...scope.inherited, 'deferred'], depth: scope.depth + 1 };
  const name = path.split('/').pop() ?? '';
  const api: Api = {
    shell,
    code: (lang, code, s, k) => analyzeCode(lang, code, s, k, api),
    script: () => false,
  };
  for (const spec of remoteDependencies(name, content))
    emit(sink, deferred, {
      kind: 'exec',
      program: name,
      argv: [spec],
      tags: ['install.remote'],
      origin: `${name} declares a dependency from ${spec.length > 100 ? `${spec.slice(0, 97)}...` : spec}`,
    });
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
  if (buildFileKind(name)) {
    // Gradle, CMake, MSBuild, `//go:generate`, Terraform local-exec, Maven exec: what the build runs.
    for (const line of buildFileCommands(name, content)) shell(line, deferred, sink);
    return;
  }
  if (name === 'package.json') {
    for (const body of packageScripts(content, fragment)) shell(body, deferred, sink);
    return;
  }
  if (CI_FILE.test(path)) {
    for (const line of ciRunLines(content, fragment)) shell(line, deferred, sink);
    return;
  }
  const runTasks = (tasks: Tasks) => {
    for (const t of tasks.values()) {
      for (const line of t.lines) shell(line, deferred, sink);
      if (t.script) {
        const l = languageOf('', t.script);
        if (l === 'shell' || !l) shell(t.script, deferred, sink);
        else analyzeCode(l, t.script, deferred, sink, api);
      }
      for (const py of t.python ?? []) analyzeCode('python', py, deferred, sink, api);
    }
  };
  if (/^(\.?justfile|.*\.just)$/i.test(name)) {
    if (fragment)
      for (const l of content.split('\n')) {
        if (/^[ \t]+\S/.test(l)) shell(l.trim().replace(/^[@-]+/, ''), deferred, sink);
      }
    else runTasks(justRecipes(content));
    return;
  }
  if (/^taskfile(\.dist)?\.ya?ml$/i.test(name)) {
    if (fragment) for (const line of ciRunLines(content, true)) shell(line, deferred, sink);
    else runTasks(taskfileTasks(content, sink.ctx.parseYaml));
    return;
  }
  if (name === 'pyproject.toml') {
    for (const tasks of pyprojectTasks(content).values()) runTasks(tasks);
    const legacy = tomlEntries(content).get('tool.tox')?.get('legacy_tox_ini');
    if (typeof legacy === 'string') for (const line of toxCommands(legacy)) shell(line, deferred, sink);
    return;
  }
  if (name === 'tox.ini') {
    for (const line of toxCommands(
      fragment ? `[testenv]\ncommands =\n${content.replace(/^/gm, '  ')}` : content,
    ))
      shell(line, deferred, sink);
    return;
  }
  if (name === 'setup.py' || name === 'noxfile.py') {
    analyzeCode('python', content, deferred, sink, api);
    if (name === 'noxfile.py') for (const line of noxCommands(content)) shell(line, deferred, sink);
    return;
  }
  if (name === 'build.rs') {
    for (const line of rustCommands(content)) shell(line, deferred, sink);
    return;
  }
  if (name === 'deno.json' || name === 'deno.jsonc') return runTasks(denoTasks(content));
  if (name === 'composer.json') return runTasks(composerScripts(content));
}

/**
 * A file written on this command line (a heredoc into a justfile, say) is what a runner later on
 * the line reads. An append (`cat >> Makefile <<EOF`) adds to what the file held.
 */
function noteWritten(path: string, content: string, sink: Sink): void {
  let last = -1;
  for (let i = sink.effects.length - 1; i >= 0; i--) {
    const e = sink.effects[i]!;
    if (e.kind === 'write' && e.path === path) {
      last = i;
      break;
    }
  }
  const w = last >= 0 ? sink.effects[last]! : undefined;
  if (w?.tags.includes('append')) {
    const prior = fileNow(sink, path, last);
    const before = prior.state === 'disk' || prior.state === 'changed' ? prior.text : undefined;
    noteFile(sink, path, before === undefined ? undefined : before + content, `runnable: ${path}`);
  } else noteFile(sink, path, content, `runnable: ${path}`);
}

/**
 * A command changed `path` from `before` to `after` (`sed -i`, `npm pkg set`): judge what the file
 * would run that it did not run before. Without `before`, the whole new text.
 */
export function judgeChange(
  path: string,
  before: string | undefined,
  after: string,
  scope: Scope,
  sink: Sink,
  shell: Shell,
): void {
  if (before === undefined) return judgeRunnable(path, after, false, scope, sink, shell);
  if (before === after) return;
  emitNewEffects(before, after, scope, sink, (text, s, k) => judgeRunnable(path, text, false, s, k, shell));
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
