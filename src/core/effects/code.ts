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
    { re: new RegExp(String.raw`File\.read${ARG}`, 'g'), kind: 'read', tags: [] },
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
    { re: new RegExp(String.raw`\bfile_get_contents${ARG}`, 'g'), kind: 'read', tags: [] },
    {
      re: new RegExp(String.raw`\b(?:system|exec|shell_exec|passthru|popen|proc_open)${ARG}`, 'g'),
      kind: 'shell',
      tags: [],
    },
  ],
};

const HOME_EXPR =
  /os\.path\.expanduser\(\s*['"]~['"]\s*\)|Path\.home\(\)|\.homedir\(\)|process\.env\.HOME|os\.environ\[['"]HOME['"]\]|os\.getenv\(['"]HOME['"]\)|os\.environ\.get\(['"]HOME['"]\)|ENV\[['"]HOME['"]\]|Dir\.home|\$ENV\{HOME\}|getenv\(['"]HOME['"]\)/;

/** Best-effort value of a path expression: literals, `~`, home lookups and simple joins. */
export function literalPath(expr: string, code: string): { value: string; dynamic: boolean } {
  let e = expr.trim();
  // Only the first argument matters for these calls.
  const firstArg = splitTopLevel(e)[0] ?? e;
  e = firstArg.trim();
  const globbed = /^glob\(\s*(['"])(.*?)\1\s*\)$/.exec(e);
  if (globbed) return { value: globbed[2]!, dynamic: false };
  const expanded = /os\.path\.expanduser\(\s*(['"])(.*?)\1\s*\)/.exec(e);
  if (expanded) return { value: expanded[2]!, dynamic: false };
  const join =
    /(?:os\.path\.join|path\.join|path\.resolve|File\.join)\s*\((.*)\)\s*$/.exec(e) ??
    /^Path\((.*)\)$/.exec(e);
  if (join) {
    const parts = splitTopLevel(join[1]!).map((p) => literalPath(p, code));
    return {
      value: parts
        .map((p) => p.value)
        .join('/')
        .replace(/\/+/g, '/'),
      dynamic: parts.some((p) => p.dynamic),
    };
  }
  if (HOME_EXPR.test(e) && e.replace(HOME_EXPR, '').replace(/[\s+]/g, '') === '')
    return { value: '~', dynamic: false };
  const concat = e.split(/\s*\+\s*/);
  if (concat.length > 1) {
    const parts = concat.map((p) => literalPath(p, code));
    return { value: parts.map((p) => p.value).join(''), dynamic: parts.some((p) => p.dynamic) };
  }
  const str = new RegExp(`^[rbfu]?${STR}$`, 'i').exec(e);
  if (str)
    return {
      value: e.replace(/^[rbfu]?(['"`])/i, '').slice(0, -1),
      dynamic: /\$\{|\{[a-z_]/i.test(e) && /^[f`]/i.test(e),
    };
  if (HOME_EXPR.test(e)) return { value: '~', dynamic: false };
  // A variable assigned a literal earlier in the same code: `p = '/etc'`.
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.exec(e);
  if (name) {
    const assigned = new RegExp(
      `\\b${name[0]}\\s*=\\s*(${STR}|os\\.path\\.expanduser\\([^)]*\\)|Path\\.home\\(\\)|os\\.homedir\\(\\))`,
    ).exec(code);
    if (assigned) return literalPath(assigned[1]!, '');
  }
  return { value: `$${e.replace(/\s+/g, '')}`, dynamic: true };
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
      const expr = m[m.length - 1] ?? '';
      if (p.kind === 'shell') {
        // The pattern stops at the first comma; an argv list needs the whole argument.
        const whole = p.tags.includes('raw')
          ? undefined
          : wholeArgument(code, m.index, m.index + m[0].length);
        shellFromCode(whole ?? expr, p.tags.includes('raw'), lang, code, scope, sink, api, origin);
        continue;
      }
      if (p.kind === 'net') {
        const target = literalPath(expr, code);
        // The method from the call's name or its options (secret-flow.ts): a POST is logged as a POST.
        const verb = m.length > 2 ? m[1] : undefined;
        const method = codeNetMethod(lang, verb, code.slice((m.index ?? 0) + m[0].length - expr.length));
        emit(sink, scope, netEffect(target.dynamic ? '' : target.value, method, false, ['code'], origin));
        continue;
      }
      const tags = [...p.tags];
      if (p.kind === 'delete' && /recursive\s*[:=]\s*(true|True)|force\s*[:=]\s*(true|True)/.test(expr))
        tags.push('recursive', 'force');
      const target = literalPath(expr, code);
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
    api.shell(expr, depthScope, sink);
    return;
  }
  const first = (splitTopLevel(expr.trim())[0] ?? '').trim();
  const list = /^\[(.*)\]$/s.exec(first);
  if (list) {
    // subprocess.run(['rm', '-rf', path]): an argv list, each item a literal or not.
    const items = splitTopLevel(list[1]!).map((x) => literalPath(x, code));
    const line = items
      .map((i) => (i.dynamic ? '"$DYNAMIC"' : `'${i.value.replace(/'/g, `'\\''`)}'`))
      .join(' ');
    api.shell(line, depthScope, sink);
    return;
  }
  const value = literalPath(first, code);
  if (value.dynamic) {
    emit(sink, scope, {
      kind: 'opaque',
      why: `${lang} runs a command only known at run time`,
      tags: ['dynamic-command'],
      origin,
    });
    return;
  }
  api.shell(value.value, depthScope, sink);
}
