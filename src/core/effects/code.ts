// Interpreter code (python -c, node -e, perl, ruby, scripts): we do not run a parser per language.
// We scan for the library calls that delete, write, read, spawn shells or reach the network, and
// resolve their first argument when it is a literal. Unresolved targets become `dynamic` paths.
import { dynamicNames, execFamily, resolveNames, wholeArgument } from './code-names.ts';
import type { Api } from './commands.ts';
import { namesSecretDir } from './guard.ts';
import { netEffect } from './net.ts';
import { codeNetMethod, codeSendsEnvironment } from './secret-flow.ts';
import { emit, emitPath, originOf, type Scope, type Sink } from './sink.ts';

export type CodeLang = 'python' | 'node' | 'perl' | 'ruby' | 'php';

interface CallPattern {
  re: RegExp;
  kind: 'delete' | 'write' | 'read' | 'shell' | 'net';
  tags: string[];
}

const STR = String.raw`(?:'[^']*'|"[^"]*"|\x60[^\x60]*\x60)`;
const ARG = String.raw`\s*\(?\s*((?:[^(),;]|\([^()]*\))*)`;

const PATTERNS: Record<CodeLang, CallPattern[]> = {
  python: [
    { re: new RegExp(String.raw`shutil\.rmtree${ARG}`, 'g'), kind: 'delete', tags: ['recursive', 'force'] },
    {
      re: new RegExp(String.raw`(?:os\.(?:remove|unlink|rmdir|removedirs)|os\.path\.unlink)${ARG}`, 'g'),
      kind: 'delete',
      tags: [],
    },
    { re: /Path\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*\.\s*(?:unlink|rmdir)\s*\(/g, kind: 'delete', tags: [] },
    {
      re: /Path\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*\.\s*(?:write_text|write_bytes|touch|chmod)\s*\(/g,
      kind: 'write',
      tags: ['overwrite'],
    },
    {
      re: /Path\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*\.\s*(?:read_text|read_bytes|open)\s*\(/g,
      kind: 'read',
      tags: [],
    },
    // `(Path.home() / '.aws' / 'credentials').read_text()`: a pathlib expression in parentheses.
    {
      re: /\(\s*((?:pathlib\.)?Path(?:\.home\(\)|\([^()]*\))(?:\s*\/\s*(?:'[^']*'|"[^"]*"|\w+))+)\s*\)\s*\.\s*(?:read_text|read_bytes|open)\s*\(/g,
      kind: 'read',
      tags: [],
    },
    {
      re: /\bopen\s*\(\s*((?:[^(),]|\([^()]*\))+)\s*,\s*(?:mode\s*=\s*)?['"][^'"]*[wax+]/g,
      kind: 'write',
      tags: ['overwrite'],
    },
    { re: /\bopen\s*\(\s*((?:[^(),]|\([^()]*\))+)\s*\)/g, kind: 'read', tags: [] },
    { re: /\bopen\s*\(\s*((?:[^(),]|\([^()]*\))+)\s*,\s*['"]r/g, kind: 'read', tags: [] },
    {
      re: new RegExp(String.raw`shutil\.(?:copy|copyfile|copy2|copytree|move)\s*\(\s*(?:[^,]+),${ARG}`, 'g'),
      kind: 'write',
      tags: ['overwrite'],
    },
    {
      re: new RegExp(
        String.raw`(?:os\.(?:system|popen)|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput|pty\.spawn)${ARG}`,
        'g',
      ),
      kind: 'shell',
      tags: [],
    },
    {
      re: new RegExp(String.raw`(?:requests|httpx)\.(get|post|put|patch|delete|head|request)${ARG}`, 'g'),
      kind: 'net',
      tags: [],
    },
    { re: new RegExp(String.raw`urllib\.request\.(?:urlopen|Request)${ARG}`, 'g'), kind: 'net', tags: [] },
    // `import urllib.request as u; u.urlopen(...)` (issue 12, class 7).
    { re: new RegExp(String.raw`(?<![\w.])(?:\w+\.)?(?:urlopen)${ARG}`, 'g'), kind: 'net', tags: [] },
    { re: /os\.(?:chmod|chown)\s*\(\s*([^,]+),/g, kind: 'write', tags: ['perm'] },
    { re: /os\.truncate\s*\(\s*([^,]+),/g, kind: 'write', tags: ['truncate'] },
    {
      re: new RegExp(String.raw`(?:os\.(?:rename|replace|renames)|shutil\.move)${ARG}`, 'g'),
      kind: 'delete',
      tags: ['move'],
    },
    {
      re: /Path\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*\.\s*(?:rename|replace)\s*\(/g,
      kind: 'delete',
      tags: ['move'],
    },
  ],
  node: [
    {
      re: new RegExp(String.raw`\b(?:fs\.|fsp\.|promises\.)?(?:rmSync|rm|rmdirSync|rmdir)${ARG}`, 'g'),
      kind: 'delete',
      tags: [],
    },
    {
      re: new RegExp(String.raw`\b(?:fs\.|fsp\.|promises\.)?(?:unlinkSync|unlink)${ARG}`, 'g'),
      kind: 'delete',
      tags: [],
    },
    {
      re: new RegExp(
        String.raw`\b(?:fs\.|fsp\.|promises\.)?(?:writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|truncateSync|chmodSync|copyFileSync|cpSync|renameSync)${ARG}`,
        'g',
      ),
      kind: 'write',
      tags: ['overwrite'],
    },
    {
      re: new RegExp(
        String.raw`\b(?:fs\.|fsp\.|promises\.)?(?:readFileSync|readFile|createReadStream)${ARG}`,
        'g',
      ),
      kind: 'read',
      tags: [],
    },
    {
      re: new RegExp(String.raw`\b(?:execSync|exec|spawnSync|spawn|execFileSync|execFile|\$)${ARG}`, 'g'),
      kind: 'shell',
      tags: [],
    },
    { re: new RegExp(String.raw`\bfetch${ARG}`, 'g'), kind: 'net', tags: [] },
    { re: new RegExp(String.raw`\bhttps?\.(?:request|get)${ARG}`, 'g'), kind: 'net', tags: [] },
    // HTTP clients by their verb (issue 12, class 7): `axios.post(url, body)` is a POST.
    {
      re: new RegExp(
        String.raw`(?:\b(?:axios|got|superagent|needle|ky)|require\(\s*['"](?:axios|got|superagent|needle|ky)['"]\s*\))\.(get|post|put|patch|delete|head)${ARG}`,
        'g',
      ),
      kind: 'net',
      tags: [],
    },
  ],
  perl: [
    {
      re: new RegExp(String.raw`\b(?:rmtree|remove_tree)${ARG}`, 'g'),
      kind: 'delete',
      tags: ['recursive', 'force'],
    },
    { re: new RegExp(String.raw`\b(?:unlink|rmdir)${ARG}`, 'g'), kind: 'delete', tags: [] },
    {
      re: new RegExp(String.raw`\bopen\s*\(?\s*[^,]+,\s*['"](?:>|>>|\+<)['"]\s*,${ARG}`, 'g'),
      kind: 'write',
      tags: ['overwrite'],
    },
    { re: new RegExp(String.raw`\b(?:system|exec)${ARG}`, 'g'), kind: 'shell', tags: [] },
    { re: /\bqx\s*[{(/]([^})/]*)[})/]/g, kind: 'shell', tags: ['raw'] },
    { re: /(?<![\w$])\x60([^\x60]{1,2000})\x60/g, kind: 'shell', tags: ['raw'] },
    // Reads: `open(F, '<', p)`, `open F, "<p"`, `open F, p` (two-argument open reads).
    {
      re: /\bopen\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*(?:['"]<['"]\s*,\s*)?((?:"[^"<>|]*"|'[^'<>|]*'|[$\w{}'"]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[$\w{}'"]+))*)/g,
      kind: 'read',
      tags: [],
    },
    { re: /\bopen\s*\(?\s*(?:my\s+)?[$\w]+\s*,\s*(['"])<\s*([^'"]+)\1/g, kind: 'read', tags: [] },
    { re: new RegExp(String.raw`\brename${ARG}`, 'g'), kind: 'delete', tags: ['move'] },
    { re: new RegExp(String.raw`\btruncate${ARG}`, 'g'), kind: 'write', tags: ['truncate'] },
  ],
  ruby: [
    {
      re: new RegExp(String.raw`FileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry_secure|rmtree)${ARG}`, 'g'),
      kind: 'delete',
      tags: ['recursive', 'force'],
    },
    {
      re: new RegExp(
        String.raw`(?:FileUtils\.(?:rm|rm_f|remove)|File\.(?:delete|unlink)|Dir\.(?:rmdir|delete|unlink))${ARG}`,
        'g',
      ),
      kind: 'delete',
      tags: [],
    },
    {
      re: new RegExp(String.raw`File\.(?:write|open\s*\([^,]+,\s*['"][wa])${ARG}`, 'g'),
      kind: 'write',
      tags: ['overwrite'],
    },
    {
      re: new RegExp(
        String.raw`(?:File|IO)\.(?:read|readlines|binread|foreach|open(?!\s*\([^,)]+,\s*['"][wa]))${ARG}`,
        'g',
      ),
      kind: 'read',
      tags: [],
    },
    {
      re: /(?<![\w$])\x60([^\x60]{1,2000})\x60|%x\s*\(((?:#\{[^{}]*\}|[^)]){1,2000})\)|%x\s*\{((?:#\{[^{}]*\}|[^}]){1,2000})\}/g,
      kind: 'shell',
      tags: ['raw'],
    },
    {
      re: new RegExp(String.raw`(?:File\.rename|FileUtils\.(?:mv|move))${ARG}`, 'g'),
      kind: 'delete',
      tags: ['move'],
    },
    {
      re: new RegExp(String.raw`(?:File\.truncate|FileUtils\.touch|IO\.write)${ARG}`, 'g'),
      kind: 'write',
      tags: ['overwrite'],
    },
    {
      re: new RegExp(String.raw`\b(?:system|exec|spawn|IO\.popen|Open3\.\w+)${ARG}`, 'g'),
      kind: 'shell',
      tags: [],
    },
  ],
  php: [
    { re: new RegExp(String.raw`\b(?:unlink|rmdir)${ARG}`, 'g'), kind: 'delete', tags: [] },
    { re: new RegExp(String.raw`\bfile_put_contents${ARG}`, 'g'), kind: 'write', tags: ['overwrite'] },
    {
      re: new RegExp(
        String.raw`\b(?:file_get_contents|file|readfile|fopen|parse_ini_file)(?=\s*\()${ARG}`,
        'g',
      ),
      kind: 'read',
      tags: [],
    },
    { re: /(?<![\w$])\x60([^\x60]{1,2000})\x60/g, kind: 'shell', tags: ['raw'] },
    {
      re: new RegExp(String.raw`\b(?:system|exec|shell_exec|passthru|popen|proc_open)${ARG}`, 'g'),
      kind: 'shell',
      tags: [],
    },
  ],
};

/** The home directory as code spells it, in each language (issue 12: `$ENV{HOME}`, `Dir.home`, `getenv('HOME')`). */
const HOME_SPELLINGS = String.raw`(?:(?:os\.path\.)?expanduser\(\s*(['"])~\1\s*\)|(?:pathlib\.)?Path\.home\(\)|(?:\bos\.|\brequire\(\s*['"](?:node:)?os['"]\s*\)\.)?homedir\(\)|process\.env(?:\.HOME\b|\[\s*['"]HOME['"]\s*\])|os\.environ\s*\[\s*['"]HOME['"]\s*\]|os\.(?:getenv|environ\.get)\(\s*['"]HOME['"]\s*\)|ENV(?:\[\s*['"]HOME['"]\s*\]|\.fetch\(\s*['"]HOME['"]\s*\))|Dir\.home\b(?:\(\))?|File\.expand_path\(\s*(['"])~\2\s*\)|\$ENV\{\s*(['"]?)HOME\3\s*\}|\bgetenv\(\s*['"]HOME['"]\s*\)|\$_(?:SERVER|ENV)\[\s*['"]?HOME['"]?\s*\])`;
const HOME_EXPR = new RegExp(HOME_SPELLINGS);
const HOME_WHOLE = new RegExp(`^${HOME_SPELLINGS}$`);
/** A home spelling interpolated into a string: `"#{Dir.home}/x"`, `` `${os.homedir()}/x` ``, `f"{Path.home()}/x"`, `"$ENV{HOME}/x"`, `"{$_SERVER['HOME']}/x"`. */
const HOME_INTERPOLATED = new RegExp(
  String.raw`#\{\s*${HOME_SPELLINGS}\s*\}|\$\{\s*${HOME_SPELLINGS}\s*\}|\{\s*${HOME_SPELLINGS}\s*\}|\$\{\s*ENV\{\s*['"]?HOME['"]?\s*\}\s*\}|\$ENV\{\s*['"]?HOME['"]?\s*\}|\$_(?:SERVER|ENV)\[\s*['"]?HOME['"]?\s*\]`,
  'g',
);
/** Run-time parts left in a string literal: interpolation in each language. */
const INTERPOLATION = /\$\{|#\{|\{[A-Za-z_$]|\$[A-Za-z_{]|@[A-Za-z_{]/;
/** Methods that leave a path what it is: `Path(p).expanduser()`, `.to_s`, `.resolve()`. */
const PATH_SUFFIX =
  /\s*\.\s*(?:expanduser|resolve|absolute|as_posix|to_s|to_path|toString|normalize)\b(?:\s*\(\s*\))?\s*$/;
const MAX_PATH_DEPTH = 6;

/** Home spellings inside string literals replaced by `~` (a path then starts at the home directory). */
export function foldHomeInterpolation(text: string): string {
  HOME_INTERPOLATED.lastIndex = 0;
  return text.length > 20_000 ? text : text.replace(HOME_INTERPOLATED, '~');
}

/**
 * Best-effort value of a path or command expression: literals, `~`, home lookups, joins and string
 * concatenation (`+`; `.` in Perl and PHP; pathlib's `/`). Anything else is a run-time value.
 */
export function literalPath(
  expr: string,
  code: string,
  lang?: CodeLang,
  depth = 0,
): { value: string; dynamic: boolean } {
  let e = expr.trim();
  // Only the first argument matters for these calls.
  const firstArg = splitTopLevel(e)[0] ?? e;
  e = firstArg.trim();
  if (depth > MAX_PATH_DEPTH || e.length > 4000) return { value: '$DYNAMIC', dynamic: true };
  while (/^\((.*)\)$/s.test(e) && balanced(e.slice(1, -1))) e = e.slice(1, -1).trim();
  const rec = (x: string) => literalPath(x, code, lang, depth + 1);
  // Concatenation at the top level: every part must be known for the whole to be.
  const ops = lang === 'perl' || lang === 'php' ? ['.', '+'] : ['+'];
  for (const op of ops) {
    const parts = splitOperator(e, op);
    if (parts.length > 1) {
      const vals = parts.map(rec);
      return { value: vals.map((p) => p.value).join(''), dynamic: vals.some((p) => p.dynamic) };
    }
  }
  if (lang === undefined || lang === 'python') {
    const parts = splitOperator(e, '/');
    if (parts.length > 1 && /^(?:pathlib\.)?Path\b|Path\.home/.test(parts[0]!)) {
      const vals = parts.map(rec);
      return {
        value: vals
          .map((p) => p.value)
          .join('/')
          .replace(/\/+/g, '/'),
        dynamic: vals.some((p) => p.dynamic),
      };
    }
  }
  if (PATH_SUFFIX.test(e) && !HOME_WHOLE.test(e)) return rec(e.replace(PATH_SUFFIX, ''));
  if (e === '~' || HOME_WHOLE.test(e)) return { value: '~', dynamic: false };
  const globbed = /^glob\(\s*(['"])(.*?)\1\s*\)$/.exec(e);
  if (globbed) return { value: globbed[2]!, dynamic: false };
  const expanded = /^(?:os\.path\.)?expanduser\(\s*(.*)\)$|^File\.expand_path\(\s*(.*)\)$/s.exec(e);
  if (expanded) return rec(expanded[1] ?? expanded[2]!);
  const join =
    /^(?:os\.path\.join|path\.join|path\.resolve|File\.join|(?:pathlib\.)?Path|catfile|File::Spec->catfile)\s*\((.*)\)$/s.exec(
      e,
    );
  if (join && balanced(join[1]!)) {
    const parts = splitTopLevel(join[1]!).map(rec);
    return {
      value: parts
        .map((p) => p.value)
        .join('/')
        .replace(/\/+/g, '/'),
      dynamic: parts.some((p) => p.dynamic),
    };
  }
  const str = new RegExp(`^[rbfu]?${STR}$`, 'i').exec(e);
  if (str) {
    const interpolates =
      lang === 'python'
        ? /^f/i.test(e)
        : lang === 'node'
          ? e.startsWith('`')
          : lang === undefined
            ? /^[f`]/i.test(e)
            : /^["`]/.test(e);
    const value = e.replace(/^[rbfu]?(['"`])/i, '').slice(0, -1);
    const folded = interpolates ? foldHomeInterpolation(value) : value;
    return {
      value: folded,
      dynamic:
        interpolates &&
        (lang === 'python' || lang === 'node' || lang === undefined
          ? /\$\{|\{[a-z_]/i.test(folded) && /^[f`]/i.test(e)
          : INTERPOLATION.test(folded)),
    };
  }
  if (/^:\w+$/.test(e) && lang === 'ruby') return { value: e.slice(1), dynamic: false };
  // A variable assigned earlier in the same code: `p = '/etc'`, `my $h = $ENV{HOME};`, `$f = 'x';`.
  const name = /^\$?[A-Za-z_][A-Za-z0-9_]*$/.exec(e);
  if (name && code.length <= 200_000) {
    const esc = name[0].replace(/\$/g, '\\$');
    const assigned = new RegExp(`(?<![\\w$.])${esc}\\s*=(?![=~>])\\s*([^;\\n]{1,400})`).exec(code);
    if (assigned) {
      const v = literalPath(assigned[1]!.trim(), code, lang, depth + 1);
      if (!v.dynamic) return v;
    }
  }
  return { value: `$${e.replace(/\s+/g, '')}`, dynamic: true };
}

/** Parentheses and brackets balance in `s` outside quotes. */
function balanced(s: string): boolean {
  let depth = 0;
  let quote = '';
  for (const ch of s) {
    if (quote) {
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth < 0) return false;
  }
  return depth === 0 && !quote;
}

/** `s` split at `op` outside quotes and brackets (`.` only where it is not part of a number or name chain). */
function splitOperator(s: string, op: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      cur += ch;
      if (ch === '\\' && i + 1 < s.length) cur += s[++i];
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === op && depth === 0) {
      const prev = s.slice(0, i).trimEnd().slice(-1);
      const next = s.slice(i + 1).trimStart()[0] ?? '';
      const isConcat =
        op !== '.' ||
        ((/['"\])}]/.test(prev) || /\s/.test(s[i - 1] ?? '')) &&
          (/['"$(\w]/.test(next) || /\s/.test(s[i + 1] ?? '')));
      if (isConcat && !(op === '.' && s[i + 1] === '=')) {
        out.push(cur);
        cur = '';
        continue;
      }
    }
    cur += ch;
  }
  out.push(cur);
  const parts = out.map((x) => x.trim());
  return parts.some((x) => x === '') ? [s] : parts;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of s) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function analyzeCode(
  lang: CodeLang,
  source: string,
  scope: Scope,
  sink: Sink,
  api: Api,
  script = false,
): void {
  const origin = originOf(lang, source);
  // Names built from literals (`getattr(os, 'sys'+'tem')`) are folded back; what stays unknown is opaque.
  const code = resolveNames(lang, source);
  dynamicNames(lang, code, script, scope, sink, api, origin);
  execFamily(lang, code, scope, sink, api);
  for (const p of PATTERNS[lang]) {
    p.re.lastIndex = 0;
    for (const m of code.matchAll(p.re)) {
      const expr =
        m
          .slice(1)
          .filter((g) => g !== undefined)
          .pop() ?? '';
      if (p.kind === 'shell') {
        // The pattern stops at the first comma; an argv list needs the whole argument.
        const whole = p.tags.includes('raw')
          ? undefined
          : wholeArgument(code, m.index, m.index + m[0].length);
        shellFromCode(whole ?? expr, p.tags.includes('raw'), lang, code, scope, sink, api, origin);
        continue;
      }
      if (p.kind === 'net') {
        const target = literalPath(expr, code, lang);
        // The method from the call's name or its options (secret-flow.ts): a POST is logged as a POST.
        const verb = m.length > 2 ? m[1] : undefined;
        const method = codeNetMethod(lang, verb, code.slice((m.index ?? 0) + m[0].length - expr.length));
        emit(sink, scope, netEffect(target.dynamic ? '' : target.value, method, false, ['code'], origin));
        continue;
      }
      const tags = [...p.tags];
      if (p.kind === 'delete' && /recursive\s*[:=]\s*(true|True)|force\s*[:=]\s*(true|True)/.test(expr))
        tags.push('recursive', 'force');
      const target = literalPath(expr, code, lang);
      emitPath(sink, scope, p.kind, target.value, tags, origin, target.dynamic);
    }
  }
  guardReferences(code, scope, sink, origin);
  // The whole environment sent over the network (issue 12, class 7).
  codeSendsEnvironment(lang, code, scope, sink, origin);
}

// Any string in the code that names agent-sre's own files counts as writing them, whatever library
// opens it: `sqlite3.connect('.agent-sre/ledger.db')` could otherwise answer the agent's own pages.
const STRING_LITERAL = /(['"`])([^'"`\n]{1,600})\1/g;
const GUARD_WORDS =
  /\.agent-sre\b|agent-sre\.ya?ml|\.claude\/settings|managed-settings\.json|node_modules\/agent-sre\b|\.config\/agent-sre\b/i;
/** Perl's two-argument open puts the mode in the string: `open(F, ">agent-sre.yaml")`, `"| cmd"`. */
const OPEN_MODE = /^\s*(\+?[<>]{1,2}&?|\|)\s*|\s*\|\s*$/g;

function guardReferences(code: string, scope: Scope, sink: Sink, origin: string): void {
  const { guard } = sink.ctx;
  const dirs = [guard?.installDir, guard?.userDir]
    .filter((d): d is string => !!d)
    .map((d) => d.toLowerCase());
  for (const m of code.matchAll(STRING_LITERAL)) {
    const text = m[2]!;
    if (!GUARD_WORDS.test(text) && !dirs.some((d) => text.toLowerCase().includes(d))) continue;
    emitPath(sink, scope, 'write', text.replace(OPEN_MODE, ''), ['code-reference'], origin, false);
  }
  // The secret's directory spelled from parts (`os.environ['XDG_CONFIG_HOME'] + '/agent-sre/secret'`).
  if (guard?.userDir && namesSecretDir(code, scope.cwd, sink.ctx))
    emitPath(sink, scope, 'read', guard.userDir, ['code-reference'], origin, false);
}

function shellFromCode(
  expr: string,
  raw: boolean,
  lang: CodeLang,
  code: string,
  scope: Scope,
  sink: Sink,
  api: Api,
  origin: string,
): void {
  const depthScope = { ...scope, depth: scope.depth + 1 };
  if (raw) {
    const text = foldHomeInterpolation(expr);
    if (lang === 'ruby' && text.includes('#{')) {
      runTimeCommand(lang, scope, sink, origin);
      return;
    }
    api.shell(text, depthScope, sink);
    return;
  }
  let args = splitTopLevel(expr.trim());
  // Ruby's leading environment hash (`system({'X' => '1'}, 'rm', ...)`) and trailing options.
  if (lang === 'ruby') args = args.filter((a) => !/^\{|^\w+:\s|^:\w+\s*=>/.test(a));
  const first = (args[0] ?? '').trim();
  // An argv in several arguments: Ruby and Perl `system('rm', '-rf', p)`, Node `spawn('rm', ['-rf', p])`.
  const rest =
    lang === 'ruby' || lang === 'perl'
      ? args.slice(1)
      : lang === 'node' && /^\[/.test(args[1] ?? '')
        ? splitTopLevel(args[1]!.trim().slice(1, -1))
        : [];
  if (rest.length > 0 && !/^\[/.test(first)) {
    const items = [first, ...rest].slice(0, 64).map((x) => literalPath(x, code, lang));
    api.shell(
      items.map((i) => (i.dynamic ? '"$DYNAMIC"' : `'${i.value.replace(/'/g, `'\\''`)}'`)).join(' '),
      depthScope,
      sink,
    );
    return;
  }
  const list = /^\[(.*)\]$/s.exec(first);
  if (list) {
    // subprocess.run(['rm', '-rf', path]): an argv list, each item a literal or not.
    const items = splitTopLevel(list[1]!).map((x) => literalPath(x, code, lang));
    const line = items
      .map((i) => (i.dynamic ? '"$DYNAMIC"' : `'${i.value.replace(/'/g, `'\\''`)}'`))
      .join(' ');
    api.shell(line, depthScope, sink);
    return;
  }
  const value = literalPath(first, code, lang);
  if (value.dynamic) {
    runTimeCommand(lang, scope, sink, origin);
    return;
  }
  api.shell(value.value, depthScope, sink);
}

function runTimeCommand(lang: CodeLang, scope: Scope, sink: Sink, origin: string): void {
  emit(sink, scope, {
    kind: 'opaque',
    why: `${lang} runs a command only known at run time`,
    tags: ['dynamic-command'],
    origin,
  });
}
