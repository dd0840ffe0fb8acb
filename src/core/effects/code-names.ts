// Interpreter code that builds the names it calls at run time. Names built from literals are folded
// back (`getattr(os, 'sys'+'tem')` is `os.system`, `require(['child','process'].join('_'))` is
// `require('child_process')`) so the call scanners in code.ts judge what runs. What stays unknown (an
// import, attribute or eval whose text is only known at run time) is opaque code; eval of decoded
// text is remote code execution. Every scan is linear or bounded: the hook runs on every call.

import type { CodeLang } from './code.ts';
import type { Api } from './commands.ts';
import { emitOpaque, MAX_DEPTH, type Scope, type Sink } from './sink.ts';

const MAX_FOLD_ROUNDS = 8;
const MAX_ARG = 4000;
/** Code longer than this is not folded (a huge script): the scanners still run on the raw text. */
const MAX_NORMALIZE = 200_000;

const Q = String.raw`(['"])([^'"\\\n]{0,400})\1`;
const CONCAT = new RegExp(String.raw`${Q}\s*\+\s*(['"])([^'"\\\n]{0,400})\3`, 'g');
const PY_ADJACENT = new RegExp(String.raw`${Q}[ \t]+(['"])([^'"\\\n]{0,400})\3`, 'g');
const JS_JOIN =
  /[[(]\s*((?:(['"])[^'"\\\n]{0,200}\2\s*,?\s*){1,32})[\])]\s*\.\s*join\s*\(\s*(?:(['"])([^'"\\\n]{0,8})\3)?\s*\)/g;
const PY_JOIN =
  /(['"])([^'"\\\n]{0,8})\1\s*\.\s*join\s*\(\s*[[(]\s*((?:(['"])[^'"\\\n]{0,200}\4\s*,?\s*){1,32})[\])]\s*\)/g;
const PY_REVERSE = new RegExp(String.raw`${Q}\s*\[\s*::\s*-1\s*\]`, 'g');
const JS_REVERSE = new RegExp(
  String.raw`${Q}\s*\.split\(\s*(['"])\3\s*\)\s*\.reverse\(\s*\)\s*\.join\(\s*(['"])\4\s*\)`,
  'g',
);
const PY_CHR = /\bchr\(\s*(\d{1,6})\s*\)/g;
const JS_FROM_CHAR = /String\.fromCharCode\(\s*(\d{1,6}(?:\s*,\s*\d{1,6}){0,64})\s*\)/g;

function items(list: string): string[] {
  return [...list.matchAll(/(['"])([^'"\\\n]*)\1/g)].map((m) => m[2]!);
}

const lit = (s: string) => `'${s.replace(/'/g, '')}'`;

/** Literal string building folded into the string it builds. */
function foldStrings(lang: CodeLang, code: string): string {
  let s = code;
  for (let round = 0; round < MAX_FOLD_ROUNDS; round++) {
    const before = s;
    if (lang === 'python') {
      s = s.replace(PY_CHR, (_m, n: string) => lit(String.fromCodePoint(Math.min(Number(n), 0x10ffff))));
      s = s.replace(PY_REVERSE, (_m, _q, v: string) => lit([...v].reverse().join('')));
      s = s.replace(PY_JOIN, (_m, _q, sep: string, list: string) => lit(items(list).join(sep)));
      s = s.replace(PY_ADJACENT, (_m, _q1, a: string, _q2, b: string) => lit(a + b));
    } else if (lang === 'node') {
      s = s.replace(JS_FROM_CHAR, (_m, ns: string) =>
        lit(String.fromCodePoint(...ns.split(',').map((n) => Math.min(Number(n.trim()), 0x10ffff)))),
      );
      s = s.replace(JS_REVERSE, (_m, _q, v: string) => lit([...v].reverse().join('')));
      s = s.replace(JS_JOIN, (_m, list: string, _q, _q2, sep: string | undefined) =>
        lit(items(list).join(sep ?? ',')),
      );
      s = s.replace(/`([^`$\\\n]{0,400})`/g, (_m, v: string) => lit(v));
    }
    s = s.replace(CONCAT, (_m, _q1, a: string, _q2, b: string) => lit(a + b));
    if (s === before) break;
  }
  return s;
}

const PY_SHELL_MODULES = /^(os|subprocess|shutil|pty|posix|commands|requests|httpx|urllib\.request)$/;

/** Python names resolved: dynamic imports of literals, getattr of literals, import aliases. */
function pythonNames(code: string): string {
  let s = code;
  for (let round = 0; round < MAX_FOLD_ROUNDS; round++) {
    const before = s;
    s = s.replace(
      /(?:\bimportlib\s*\.\s*import_module|\bimport_module|(?:\b__builtins__\s*\.\s*|\bbuiltins\s*\.\s*)?(?<![\w.])__import__)\s*\(\s*'([\w.]+)'\s*\)/g,
      (_m, mod: string) => mod,
    );
    s = s.replace(
      /\bgetattr\s*\(\s*([A-Za-z_][\w.]*)\s*,\s*'([A-Za-z_]\w*)'\s*\)/g,
      (_m, obj: string, attr: string) => `${obj}.${attr}`,
    );
    s = s.replace(/\bvars\s*\(\s*([A-Za-z_][\w.]*)\s*\)\s*\[\s*'(\w+)'\s*\]/g, '$1.$2');
    s = s.replace(/\b([A-Za-z_][\w.]*)\s*\.\s*__dict__\s*\[\s*'(\w+)'\s*\]/g, '$1.$2');
    s = s.replace(/\b(?:__builtins__|builtins)\s*(?:\.\s*(\w+)\b|\[\s*'(\w+)'\s*\])/g, (_m, a, b) => a ?? b);
    s = s.replace(/\bglobals\s*\(\s*\)\s*\[\s*'(\w+)'\s*\]/g, '$1');
    if (s === before) break;
  }
  // `import os as o`, `import subprocess as sp`, `m = subprocess` (after folding an import): the alias is the module.
  const aliases = [
    ...s.matchAll(/\bimport\s+([\w.]+)\s+as\s+([A-Za-z_]\w*)/g),
    ...[...s.matchAll(/(?<![\w.])([A-Za-z_]\w*)\s*=\s*([\w.]+)\s*(?=[;\n]|$)/g)].map((m) => [
      m[0],
      m[2],
      m[1],
    ]),
  ];
  for (const m of aliases.slice(0, 32)) {
    if (m[1] === m[2] || !/^(os|subprocess|shutil|pty|posix|importlib|builtins|sys)$/.test(m[1]!)) continue;
    s = s.replace(new RegExp(String.raw`(?<![\w.])${m[2]}\s*\.`, 'g'), `${m[1]}.`);
  }
  // `from os import system as s`, `from shutil import rmtree`: bare calls are the module's.
  for (const m of [...s.matchAll(/\bfrom\s+([\w.]+)\s+import\s+\(?([\w\s,]+)\)?/g)].slice(0, 32)) {
    if (!PY_SHELL_MODULES.test(m[1]!)) continue;
    for (const part of m[2]!.split(',').slice(0, 32)) {
      const [name, alias] = part.trim().split(/\s+as\s+/);
      if (!name || !/^\w+$/.test(name)) continue;
      const local = alias?.trim() || name;
      if (!/^\w+$/.test(local)) continue;
      s = s.replace(new RegExp(String.raw`(?<![\w.])${local}\s*\(`, 'g'), `${m[1]}.${name}(`);
    }
  }
  return s;
}

/** Node names resolved: `x['name']` member access and renamed child_process/fs functions. */
function nodeNames(code: string): string {
  let s = code.replace(/([\w$)\]])\s*\[\s*'([A-Za-z_$][\w$]*)'\s*\]/g, '$1.$2');
  const renames: [string, string][] = [];
  for (const m of s.matchAll(/\{([^{}]{0,400})\}\s*=\s*(?:await\s+)?(?:require|import)\s*\(/g))
    for (const part of m[1]!.split(',')) {
      const r = /^\s*([\w$]+)\s*:\s*([\w$]+)\s*$/.exec(part);
      if (r) renames.push([r[1]!, r[2]!]);
    }
  for (const m of s.matchAll(
    /\b(?:const|let|var)\s+([\w$]+)\s*=\s*require\s*\([^()]{0,200}\)\s*\.\s*([\w$]+)/g,
  ))
    renames.push([m[2]!, m[1]!]);
  for (const [real, local] of renames.slice(0, 32)) {
    if (real === local) continue;
    s = s.replace(new RegExp(String.raw`(?<![\w$.])${local.replace(/\$/g, '\\$')}\s*\(`, 'g'), `${real}(`);
  }
  return s;
}

/** Perl and PHP join strings with `.`: `'sys'.'tem'`. */
const DOT_CONCAT = new RegExp(String.raw`${Q}\s*\.\s*(['"])([^'"\\\n]{0,400})\3`, 'g');
const RUBY_SEND =
  /\.\s*(?:public_send|__send__|send)\s*(\(?)\s*(?::(\w+[!?]?)|(['"])(\w+[!?]?)\3)\s*(?:,\s*|(?=\)))/g;
const RUBY_BARE_SEND =
  /(?<![\w.:])(?:public_send|__send__|send)\s*(\(?)\s*(?::(\w+[!?]?)|(['"])(\w+[!?]?)\3)\s*(?:,\s*|(?=\)))/g;
const RUBY_METHOD_CALL =
  /(\.\s*|(?<![\w.:]))method\s*\(\s*(?::(\w+[!?]?)|(['"])(\w+[!?]?)\3)\s*\)\s*\.\s*(?:call|\(\)|\[)\s*\(?/g;

/**
 * Ruby names called through `send`/`public_send`/`__send__`/`method(:x).call` with a literal name:
 * `FileUtils.send('rm_' + 'rf', p)` is `FileUtils.rm_rf(p)`.
 */
function rubyNames(code: string): string {
  return code
    .replace(
      RUBY_SEND,
      (_m, paren: string, sym?: string, _q?: string, str?: string) => `.${sym ?? str}${paren || ' '}`,
    )
    .replace(
      RUBY_BARE_SEND,
      (_m, paren: string, sym?: string, _q?: string, str?: string) => `${sym ?? str}${paren || ' '}`,
    )
    .replace(
      RUBY_METHOD_CALL,
      (_m, dot: string, sym?: string, _q?: string, str?: string) => `${dot.trim()}${sym ?? str}(`,
    );
}

/**
 * PHP functions called by name: `$f = 'system'; $f('id')`, `call_user_func('system', 'id')`,
 * `call_user_func_array('system', ['id'])`: the call is the named function.
 */
function phpNames(code: string): string {
  let s = code.replace(
    /\bcall_user_func(?:_array)?\s*\(\s*(['"])(\w+)\1\s*(?:,\s*(?:\[|array\s*\()?\s*|(?=\)))/gi,
    (_m, _q, fn: string) => `${fn}(`,
  );
  const vars = [...s.matchAll(/(\$\w+)\s*=\s*(['"])(\w+)\2\s*;/g)].slice(0, 32);
  for (const m of vars) {
    const v = m[1]!.replace(/\$/g, '\\$');
    s = s.replace(new RegExp(String.raw`(?<![\w$>])${v}\s*\(`, 'g'), `${m[3]}(`);
  }
  return s;
}

/** Perl subroutines called by a literal name: `&{"sys"."tem"}(...)`, `&{'CORE::system'}(...)`. */
function perlNames(code: string): string {
  return code.replace(
    /&\s*\{\s*(['"])(?:(?:main|CORE(?:::GLOBAL)?)::)?(\w+)\1\s*\}\s*/g,
    (_m, _q, fn: string) => fn,
  );
}

/** Code with name building folded away; the scanners in code.ts read this text. */
export function resolveNames(lang: CodeLang, code: string): string {
  if (code.length > MAX_NORMALIZE) return code;
  if (lang === 'perl' || lang === 'php' || lang === 'ruby') {
    let s = code;
    for (let round = 0; round < MAX_FOLD_ROUNDS; round++) {
      const before = s;
      s = s.replace(lang === 'ruby' ? CONCAT : DOT_CONCAT, (_m, _q1, a: string, _q2, b: string) =>
        lit(a + b),
      );
      if (s === before) break;
    }
    return lang === 'ruby' ? rubyNames(s) : lang === 'php' ? phpNames(s) : perlNames(s);
  }
  const folded = foldStrings(lang, code);
  return lang === 'python' ? pythonNames(folded) : nodeNames(folded);
}

/**
 * The text with every string literal's contents and every comment blanked (same length), so words in
 * data never match. One pass, linear.
 */
function blankStrings(code: string, lang: CodeLang): string {
  const out = code.split('');
  let quote = '';
  let comment = '';
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (comment) {
      if ((comment === '\n' && ch === '\n') || (comment === '*/' && ch === '*' && code[i + 1] === '/')) {
        if (comment === '*/') out[i] = ' ';
        comment = '';
      } else if (ch !== '\n') out[i] = ' ';
      continue;
    }
    if (quote) {
      if (ch === '\\') {
        out[i] = ' ';
        if (code[i + 1] !== '\n') out[++i] = ' ';
      } else if (ch === quote) quote = '';
      else if (ch === '\n' && quote !== '`') quote = '';
      else out[i] = ' ';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ((lang === 'python' || lang === 'ruby' || lang === 'perl') && ch === '#') {
      comment = '\n';
      out[i] = ' ';
    } else if (
      (lang === 'node' || lang === 'php') &&
      ch === '/' &&
      (code[i + 1] === '/' || code[i + 1] === '*')
    ) {
      comment = code[i + 1] === '/' ? '\n' : '*/';
      out[i] = ' ';
    }
  }
  return out.join('');
}

/** The whole argument list of the call whose match starts at `from` (`subprocess.run(['rm', '-rf', p])`). */
export function wholeArgument(code: string, from: number, end: number): string | undefined {
  const open = code.indexOf('(', from);
  if (open < 0 || open > end) return undefined;
  return callArgument(code, open);
}

/** The text between the parenthesis at `open` and its match, quotes respected; bounded. */
function callArgument(code: string, open: number): string | undefined {
  let depth = 0;
  let quote = '';
  for (let i = open; i < code.length && i - open < MAX_ARG; i++) {
    const ch = code[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return code.slice(open + 1, i);
  }
  return undefined;
}

const DECODED =
  /b64decode|b32decode|b16decode|a85decode|b85decode|decodebytes|decodestring|fromhex|unhexlify|decompress|codecs\s*\.\s*decode|rot_?13|marshal\s*\.\s*loads|Buffer\s*\.\s*from\s*\([^)]*['"](?:base64|hex|base64url)['"]|\batob\s*\(|inflateSync|gunzipSync|brotliDecompressSync/;
const SINGLE_LITERAL = /^\s*[rbu]?(['"])((?:\\.|(?!\1)[^\\]){0,4000})\1\s*$|^\s*`([^`$]{0,4000})`\s*$/i;

interface Finding {
  why: string;
  tags: string[];
}

/** A name or module that is only known at run time. In a script file only name *building* counts. */
function building(arg: string): boolean {
  return /\+|\bjoin\b|\bchr\b|fromCharCode|reverse|\[::-1\]|\bformat\b|%|\$\{|\batob\b|Buffer|decode|replace|split/.test(
    arg,
  );
}

/**
 * Opaque effects for what stays unknown after `resolveNames`, and the code inside eval/exec of a
 * literal judged as code. `script` is true for a file being run, where plugin loaders
 * (`importlib.import_module(name)`, `require(path.join(...))`) are ordinary.
 */
export function dynamicNames(
  lang: CodeLang,
  code: string,
  script: boolean,
  scope: Scope,
  sink: Sink,
  api: Api,
  origin: string,
): void {
  if (code.length > MAX_NORMALIZE) return;
  const bare = blankStrings(code, lang);
  const findings: Finding[] = [];
  const opaque = (why: string) => findings.push({ why, tags: ['dynamic-code'] });
  const evalCall = (re: RegExp, who: string) => {
    for (const m of bare.matchAll(re)) {
      const open = m.index! + m[0].length - 1;
      const arg = callArgument(code, open);
      if (arg === undefined) {
        opaque(`${lang} ${who} of text only known at run time`);
        continue;
      }
      const first = splitFirst(arg);
      const literal = SINGLE_LITERAL.exec(first);
      if (literal) {
        const text = literal[2] ?? literal[3] ?? '';
        if (scope.depth > MAX_DEPTH) opaque(`${lang} ${who} nested too deep`);
        else api.code(lang, unescapeLiteral(text), { ...scope, depth: scope.depth + 1 }, sink);
        continue;
      }
      const file = /^\s*open\s*\(\s*(['"])([^'"]+)\1\s*\)\s*\.\s*read\s*\(\s*\)\s*$/.exec(first);
      if (file && lang === 'python') {
        if (
          !api.script(file[2]!.startsWith('/') ? file[2]! : `${scope.cwd}/${file[2]}`, scope, sink, 'python')
        )
          opaque(`${lang} ${who} of ${file[2]}, which could not be read`);
        continue;
      }
      if (DECODED.test(first))
        findings.push({ why: `${lang} ${who} of decoded text`, tags: ['rce', 'obfuscated'] });
      else opaque(`${lang} ${who} of text only known at run time`);
    }
  };
  if (lang === 'python') {
    for (const m of bare.matchAll(/(?<![\w.])(?:__import__|import_module)\s*\(/g)) {
      const arg = callArgument(code, m.index! + m[0].length - 1) ?? '';
      if (!script || building(arg)) opaque('python imports a module whose name is only known at run time');
    }
    if (
      /\bgetattr\s*\(\s*(?:os|subprocess|shutil|pty|posix|nt|builtins|__builtins__|sys|importlib|ctypes|__import__)\b/.test(
        bare,
      )
    )
      opaque('python looks up a function of os, subprocess or builtins by a name only known at run time');
    evalCall(/(?<![\w.])(?:eval|exec|execfile|compile)\s*\(/g, 'eval');
    if (/(?<![\w.])(?:eval|exec)\b(?!\s*\()/.test(bare.replace(/\bdef\s+\w+|\bimport\b[^\n;]*/g, '')))
      opaque('python passes eval or exec around as a value');
    if (/\bctypes\b[\s\S]*\.\s*system\s*\(/.test(bare)) opaque('python calls libc system through ctypes');
  } else if (lang === 'node') {
    for (const m of bare.matchAll(/(?<![\w$.])(?:require|import)\s*\(/g)) {
      const arg = callArgument(code, m.index! + m[0].length - 1) ?? '';
      if (SINGLE_LITERAL.test(arg)) continue;
      if (
        !script ||
        (building(arg) && !/^\s*(?:path\s*\.|__dirname|process\s*\.\s*cwd|['"`]\.\.?\/)/.test(arg))
      )
        opaque('node loads a module whose name is only known at run time');
    }
    evalCall(
      /(?<![\w$.])(?:(?:globalThis|global|window|self)\s*\.\s*)?eval\s*\(|\bnew\s+Function\s*\(|(?<![\w$.])Function\s*\(|\bvm\s*\.\s*(?:runInThisContext|runInNewContext|runInContext|compileFunction)\s*\(|\bnew\s+vm\s*\.\s*Script\s*\(/g,
      'eval',
    );
    if (/(?<![\w$.])eval\b(?!\s*\()/.test(bare)) opaque('node passes eval around as a value');
    if (/\b(?:globalThis|global|window|self|process|module|require\s*\([^()]*\))\s*\[/.test(bare))
      opaque('node reaches a global or process member by a name only known at run time');
    if (
      /\bprocess\s*\.\s*(?:binding|_linkedBinding|dlopen)\s*\(|\b(?:Module|module\s*\.\s*constructor)\s*\.\s*_load\s*\(/.test(
        bare,
      )
    )
      opaque("node reaches the runtime's internals (process.binding, Module._load)");
  } else {
    // Perl, Ruby, PHP: eval of anything but a literal.
    evalCall(/(?<![\w$.>:])eval\s*\(/g, 'eval');
    // A method or function named only at run time (what rubyNames/phpNames/perlNames could not fold).
    if (
      lang === 'ruby' &&
      (/(?:\.|(?<![\w.:]))\s*(?:public_send|__send__|send)\s*(?:\(\s*|[ \t]+)(?![)\s])/.test(bare) ||
        /(?:\.|(?<![\w.:]))\s*(?:method|instance_method|const_get)\s*\(\s*(?!:\w+[!?]?\s*\)|(['"])\s*\1\s*\))/.test(
          bare,
        ))
    )
      opaque('ruby calls a method whose name is only known at run time');
    if (lang === 'ruby' && /\b(?:instance_eval|class_eval|module_eval)\s*\(/.test(bare))
      opaque('ruby evaluates text only known at run time');
    if (
      lang === 'php' &&
      /(?<![\w$>:])\$\w+\s*\(|\bcall_user_func(?:_array)?\s*\(|\bcreate_function\s*\(/.test(bare)
    )
      opaque('php calls a function whose name is only known at run time');
    if (lang === 'perl' && /&\s*(?:\{|\$)/.test(bare))
      opaque('perl calls a subroutine whose name is only known at run time');
  }
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.why)) continue;
    seen.add(f.why);
    emitOpaque(sink, scope, f.why, f.tags, origin);
  }
}

function splitFirst(arg: string): string {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < arg.length; i++) {
    const ch = arg[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) return arg.slice(0, i);
  }
  return arg;
}

function unescapeLiteral(text: string): string {
  return text.replace(/\\(['"\\n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

/**
 * Python's exec and spawn family (`os.execvp('rm', ['rm', '-rf', '/'])`, `os.execl('/bin/sh', 'sh',
 * '-c', cmd)`, `os.spawnlp(os.P_WAIT, 'rm', 'rm', ...)`, `os.posix_spawn(path, argv, env)`): the
 * program and its argv as a command line. Words only known at run time stay run-time values.
 */
export function execFamily(lang: CodeLang, code: string, scope: Scope, sink: Sink, api: Api): void {
  if (lang !== 'python' || code.length > MAX_NORMALIZE) return;
  const bare = blankStrings(code, lang);
  for (const m of bare.matchAll(/\bos\s*\.\s*(exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)\s*\(/g)) {
    const arg = callArgument(code, m.index! + m[0].length - 1);
    if (arg === undefined) continue;
    const args = topLevel(arg);
    const fn = m[1]!;
    if (fn.startsWith('spawn')) args.shift();
    const path = args.shift();
    if (path === undefined) continue;
    const words: string[] = [];
    const rest = fn.startsWith('posix') ? args.slice(0, 1) : fn.endsWith('e') ? args.slice(0, -1) : args;
    for (const a of rest) {
      const list = /^\s*[[(]([\s\S]*)[\])]\s*$/.exec(a);
      for (const item of list ? topLevel(list[1]!) : [a]) words.push(shellWord(item));
    }
    const line = [shellWord(path), ...words.slice(1)].join(' ');
    if (scope.depth > MAX_DEPTH) emitOpaque(sink, scope, 'python exec nested too deep', ['too-deep'], line);
    else api.shell(line, { ...scope, depth: scope.depth + 1 }, sink);
  }
}

function topLevel(arg: string): string[] {
  const out: string[] = [];
  let rest = arg;
  for (let k = 0; k < 64 && rest.trim() !== ''; k++) {
    const first = splitFirst(rest);
    out.push(first.trim());
    rest = rest.slice(first.length + 1);
  }
  return out;
}

function shellWord(expr: string): string {
  const literal = SINGLE_LITERAL.exec(expr);
  if (!literal) return '"$DYNAMIC"';
  const v = unescapeLiteral(literal[2] ?? literal[3] ?? '');
  return `'${v.replace(/'/g, `'\\''`)}'`;
}
