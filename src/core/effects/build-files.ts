// Build files that run commands: Gradle, CMake, MSBuild, `//go:generate`, Terraform local-exec and
// Maven exec-maven-plugin. Each extractor returns the shell lines the file would run later. Pure,
// linear scans with bounded regexes: the text is untrusted and may be large.

const MAX = 200_000;

/** Which build-file family `name` belongs to, if any. */
export function buildFileKind(
  name: string,
): 'gradle' | 'cmake' | 'msbuild' | 'go' | 'terraform' | 'maven' | undefined {
  if (/^(build|settings)\.gradle(\.kts)?$|\.gradle(\.kts)?$/.test(name)) return 'gradle';
  if (name === 'CMakeLists.txt' || name.endsWith('.cmake')) return 'cmake';
  if (/\.(cs|fs|vb)proj$|^Directory\.Build\.(props|targets)$|\.targets$|\.props$/.test(name))
    return 'msbuild';
  if (name.endsWith('.go')) return 'go';
  if (name.endsWith('.tf')) return 'terraform';
  if (name === 'pom.xml') return 'maven';
  return undefined;
}

/** The commands a build file of `name` would run. */
export function buildFileCommands(name: string, text: string): string[] {
  const t = text.length > MAX ? text.slice(0, MAX) : text;
  switch (buildFileKind(name)) {
    case 'gradle':
      return gradleCommands(t);
    case 'cmake':
      return cmakeCommands(t);
    case 'msbuild':
      // `$(Configuration)` is an MSBuild property, not a command substitution.
      return msbuildCommands(t).map((l) => l.replace(/\$\((\w+)\)/g, '$${$1}'));
    case 'go':
      return goGenerateCommands(t);
    case 'terraform':
      // `${self.id}` is a Terraform interpolation: a value known only at apply time.
      return terraformCommands(t).map((l) =>
        l.replace(/\$\{([^}\n]{0,200})\}/g, (_, e: string) => `\${TF_${e.replace(/\W+/g, '_')}}`),
      );
    case 'maven':
      return mavenCommands(t);
    default:
      return [];
  }
}

/** Shell-quote a word unless it is plain. */
function q(w: string): string {
  return /^[\w@%+=:,./~$-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one shell line; `sh -c X` / `bash -c X` means X. */
export function argvLine(argv: string[]): string {
  const prog = (argv[0] ?? '').split('/').pop() ?? '';
  if (/^(sh|bash|zsh|dash|ksh)$/.test(prog)) {
    const c = argv.findIndex((a, i) => i > 0 && /^-\w*c\w*$/.test(a));
    if (c > 0 && argv[c + 1] !== undefined) return argv[c + 1]!;
  }
  return argv
    .map((a, i) => (i === 0 ? a : q(a)))
    .join(' ')
    .trim();
}

/** String literals (single, double, triple-double) in a bit of Groovy/Kotlin/Java. */
function literals(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/"""([\s\S]*?)"""|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g))
    out.push((m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
  return out;
}

/** The text from `open` (an index of `(` or `[` or `{`) to its matching close, bounded. */
function balanced(s: string, open: number, limit = 4000): string {
  const o = s[open];
  const c = o === '(' ? ')' : o === '[' ? ']' : '}';
  let depth = 0;
  const end = Math.min(s.length, open + limit);
  for (let i = open; i < end; i++) {
    if (s[i] === o) depth++;
    else if (s[i] === c && --depth === 0) return s.slice(open + 1, i);
  }
  return s.slice(open + 1, end);
}

export function gradleCommands(text: string): string[] {
  const out: string[] = [];
  // commandLine(...) / commandLine "a", "b" / commandLine = listOf(...) / args on executable.
  for (const m of text.matchAll(/\b(commandLine|ProcessBuilder|exec|executable)\b\s*(=\s*)?(\(|\[)?/g)) {
    const at = m.index! + m[0].length;
    let body: string;
    if (m[3]) body = balanced(text, at - 1);
    else if (m[1] === 'commandLine' || m[1] === 'executable') {
      const nl = text.indexOf('\n', at);
      body = text.slice(at, nl < 0 ? at + 400 : Math.min(nl, at + 400));
    } else continue;
    if (m[1] === 'exec' && !/getRuntime\(\)\s*\.\s*$/.test(text.slice(Math.max(0, m.index! - 40), m.index!)))
      continue;
    const words = literals(body.slice(0, 4000));
    if (m[1] === 'executable') {
      // `executable "sh"` then `args "-c", "..."` / `args = listOf(...)` in the same block.
      const next = /^[\s\S]{0,400}?\bargs\b\s*(?:=\s*)?(?:listOf|arrayOf)?\s*[([]?([^\n)\]]{0,2000})/.exec(
        text.slice(at),
      );
      if (next) words.push(...literals(next[1]!));
    }
    if (words.length === 0) continue;
    if (m[1] === 'exec' && words.length === 1) out.push(words[0]!);
    else out.push(argvLine(words));
  }
  // args(...) following an executable are caught above only if literal; "cmd".execute() and ["a","b"].execute().
  for (const m of text.matchAll(
    /("""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*\.\s*execute\s*\(/g,
  ))
    out.push(literals(m[1]!)[0] ?? '');
  for (const m of text.matchAll(/\]\s*\.\s*execute\s*\(/g)) {
    const close = m.index!;
    const open = text.lastIndexOf('[', close);
    if (open >= 0 && close - open < 4000) out.push(argvLine(literals(text.slice(open + 1, close))));
  }
  return out.filter(Boolean);
}

/** CMake argument words: quoted strings or bare words; `$ENV{X}` -> `$X`. */
function cmakeWords(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/"((?:[^"\\]|\\.)*)"|\[\[([\s\S]*?)\]\]|([^\s()"]+)/g))
    out.push((m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1').replace(/\$ENV\{(\w+)\}/g, '$$$1'));
  return out;
}

const CMAKE_KEYWORDS =
  /^(COMMAND|WORKING_DIRECTORY|OUTPUT|OUTPUTS|DEPENDS|BYPRODUCTS|COMMENT|VERBATIM|USES_TERMINAL|TARGET|PRE_BUILD|PRE_LINK|POST_BUILD|MAIN_DEPENDENCY|IMPLICIT_DEPENDS|DEPFILE|JOB_POOL|SOURCES|ALL|RESULT_VARIABLE|RESULTS_VARIABLE|OUTPUT_VARIABLE|ERROR_VARIABLE|INPUT_FILE|OUTPUT_FILE|ERROR_FILE|TIMEOUT|OUTPUT_QUIET|ERROR_QUIET|COMMAND_ECHO|ECHO_OUTPUT_VARIABLE|ECHO_ERROR_VARIABLE|OUTPUT_STRIP_TRAILING_WHITESPACE|ERROR_STRIP_TRAILING_WHITESPACE|ENCODING|COMMAND_ERROR_IS_FATAL|APPEND|CODEGEN|COMMAND_EXPAND_LISTS|DEPENDS_EXPLICIT_ONLY)$/;

export function cmakeCommands(text: string): string[] {
  const out: string[] = [];
  const noComments = text.replace(/#[^\n]*/g, '');
  for (const m of noComments.matchAll(/\b(execute_process|add_custom_command|add_custom_target)\s*\(/gi)) {
    const words = cmakeWords(balanced(noComments, m.index! + m[0].length - 1, 8000));
    let cur: string[] | undefined;
    // add_custom_target(name cmd args...) also takes a command right after the name.
    if (/target/i.test(m[1]!) && words.length > 1 && !CMAKE_KEYWORDS.test(words[1]!)) cur = words.slice(1, 2);
    const start = cur ? 2 : 0;
    for (const w of words.slice(start)) {
      if (w === 'COMMAND') {
        if (cur?.length) out.push(argvLine(cur));
        cur = [];
      } else if (CMAKE_KEYWORDS.test(w)) {
        if (cur?.length) out.push(argvLine(cur));
        cur = undefined;
      } else cur?.push(w);
    }
    if (cur?.length) out.push(argvLine(cur));
  }
  return out;
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d) & 0xffff))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16) & 0xffff))
    .replace(/&amp;/g, '&');
}

export function msbuildCommands(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/<Exec\b[^>]*?\bCommand\s*=\s*("([^"]*)"|'([^']*)')/gi))
    out.push(xmlUnescape(m[2] ?? m[3] ?? ''));
  return out.filter(Boolean);
}

export function goGenerateCommands(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\/\/go:generate[ \t]+([^\n]*)/g)) out.push(m[1]!.trim());
  return out.filter(Boolean);
}

function hclString(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export function terraformCommands(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/provisioner\s+"?local-exec"?\s*\{/g)) {
    const body = balanced(text, m.index! + m[0].length - 1, 8000);
    const heredoc = /\bcommand\s*=\s*<<-?\s*(\w+)\n([\s\S]*?)\n\s*\1\b/.exec(body);
    if (heredoc) out.push(heredoc[2]!);
    const str = /\bcommand\s*=\s*"((?:[^"\\\n]|\\.)*)"/.exec(body);
    if (str) out.push(hclString(str[1]!));
  }
  return out.filter(Boolean);
}

export function mavenCommands(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/<executable>\s*([^<]*?)\s*<\/executable>/g)) {
    const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 8000);
    const stop = after.search(/<\/configuration>|<executable>/);
    const region = stop >= 0 ? after.slice(0, stop) : after;
    const before = text.slice(Math.max(0, m.index! - 4000), m.index!);
    const argsBefore = before.slice(Math.max(0, before.lastIndexOf('<configuration>')));
    const args = [...(argsBefore + region).matchAll(/<argument>([^<]*)<\/argument>/g)].map((a) =>
      xmlUnescape(a[1]!),
    );
    const cmdline = /<commandlineArgs>([^<]*)<\/commandlineArgs>/.exec(argsBefore + region);
    const prog = xmlUnescape(m[1]!);
    if (cmdline) out.push(`${argvLine([prog])} ${xmlUnescape(cmdline[1]!)}`.trim());
    else out.push(argvLine([prog, ...args]));
  }
  return out.filter(Boolean);
}

/** `composer config [opts] scripts.NAME CMD...`: the script body it sets (a JSON list with --json). */
export function composerConfigScript(argv: string[]): string[] {
  const i = argv.indexOf('config');
  if (i < 0) return [];
  const words = argv.slice(i + 1).filter((w) => !w.startsWith('-'));
  const key = words[0] ?? '';
  if (!/^scripts\.[^.]/.test(key)) return [];
  const values = words.slice(1);
  if (argv.includes('--json') && values.length === 1) {
    try {
      const v = JSON.parse(values[0]!) as unknown;
      if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
      if (typeof v === 'string') return [v];
    } catch {
      // Not JSON: judge the text as it is.
    }
  }
  return values.length ? [values.join(' ')] : [];
}

/** `mvn exec:exec -Dexec.executable=X -Dexec.args='...'`: the command Maven runs now. */
export function mavenExecCommand(argv: string[]): string | undefined {
  if (!argv.some((a) => a === 'exec:exec' || /^org\.codehaus\.mojo:exec-maven-plugin(:[^:]*)?:exec$/.test(a)))
    return undefined;
  const props = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    if (a === '-D' && argv[i + 1] !== undefined) a = `-D${argv[++i]}`;
    const m = /^-D(exec\.\w+)=([\s\S]*)$/.exec(a);
    if (m) props.set(m[1]!, m[2]!);
  }
  const exe = props.get('exec.executable');
  if (!exe) return undefined;
  const args = props.get('exec.args') ?? props.get('exec.commandlineArgs') ?? '';
  return `${q(exe)} ${args}`.trim();
}
