// The layering, checked on the source text. src/core is pure: it imports only other core files and touches
// no process, clock, randomness or file system. src/adapters never reaches up into src/app or src/cli, and
// src/app never into src/cli. Failures list every offending file:line.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/**
 * The source with comments and the insides of string, template and regex literals blanked out (same length,
 * newlines kept), so a token search only sees code: `'fs.delete'` or `// reads process.env` do not count.
 * Template `${...}` expressions stay code. Regex literals are told from division by the token before them.
 */
function codeOnly(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Stack of open template literals; each entry counts `{` depth inside its current `${`.
  const templates: number[] = [];
  let i = 0;
  let last = ''; // last significant code character, for regex detection
  let lastWord = '';
  const n = src.length;

  const readTemplateChunk = () => {
    // At a position inside template text: blank until `${` (enter expression) or the closing backtick.
    const start = i;
    while (i < n) {
      const c = src[i]!;
      if (c === '\\') {
        i += 2;
        continue;
      }
      if (c === '`') {
        blank(start, i);
        i++;
        templates.pop();
        last = '`';
        lastWord = '';
        return;
      }
      if (c === '$' && src[i + 1] === '{') {
        blank(start, i);
        i += 2;
        templates[templates.length - 1] = 0;
        last = '{';
        lastWord = '';
        return;
      }
      i++;
    }
    blank(start, n);
  };

  while (i < n) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === "'" || c === '"') {
      const start = i + 1;
      i++;
      while (i < n && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      blank(start, Math.min(i, n));
      i++;
      last = c;
      lastWord = '';
      continue;
    }
    if (c === '`') {
      templates.push(-1);
      i++;
      readTemplateChunk();
      continue;
    }
    if (templates.length > 0 && templates[templates.length - 1]! >= 0) {
      if (c === '{') templates[templates.length - 1]!++;
      if (c === '}') {
        if (templates[templates.length - 1] === 0) {
          templates[templates.length - 1] = -1;
          i++;
          readTemplateChunk();
          continue;
        }
        templates[templates.length - 1]!--;
      }
    }
    if (c === '/') {
      const regexAllowed =
        last === '' ||
        '(,=:[!&|?{};+-*%<>~^'.includes(last) ||
        [
          'return',
          'typeof',
          'case',
          'in',
          'of',
          'new',
          'delete',
          'void',
          'throw',
          'else',
          'do',
          'yield',
          'await',
        ].includes(lastWord);
      if (regexAllowed) {
        const start = i + 1;
        i++;
        let inClass = false;
        while (i < n && src[i] !== '\n') {
          const ch = src[i]!;
          if (ch === '\\') {
            i += 2;
            continue;
          }
          if (ch === '[') inClass = true;
          else if (ch === ']') inClass = false;
          else if (ch === '/' && !inClass) break;
          i++;
        }
        blank(start, i);
        i++;
        while (i < n && /[a-z]/i.test(src[i]!)) i++; // flags
        last = '/';
        lastWord = '';
        continue;
      }
    }
    if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < n && /[\w$]/.test(src[j]!)) j++;
      lastWord = src.slice(i, j);
      last = 'a';
      i = j;
      continue;
    }
    if (!/\s/.test(c)) {
      last = c;
      lastWord = '';
    }
    i++;
  }
  return out.join('');
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

interface Import {
  file: string;
  line: number;
  specifier: string;
}

/** Static imports, re-exports, side-effect imports, `import(...)` and `require(...)` with a literal name. */
function importsOf(file: string): Import[] {
  const src = readFileSync(file, 'utf8');
  const code = codeOnly(src);
  const found: Import[] = [];
  // Find the statements in the blanked code (so commented-out imports do not count), then read the name
  // from the original text at the same offsets: blanking keeps the quotes and every position.
  const patterns = [
    /\b(?:import|export)\b[^'";]*?\bfrom\s*(['"])/g,
    /\bimport\s*(['"])/g,
    /\bimport\s*\(\s*(['"])/g,
    /\brequire\s*\(\s*(['"])/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) {
      const open = m.index + m[0].length;
      const close = src.indexOf(m[1]!, open);
      found.push({ file, line: lineAt(src, m.index), specifier: src.slice(open, close) });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}

const rel = (p: string) => relative(ROOT, p).split(sep).join('/');
const where = (i: { file: string; line: number }) => `${rel(i.file)}:${i.line}`;
const inside = (dir: string, p: string) => p === dir || p.startsWith(dir + sep);
const target = (i: Import) => resolve(dirname(i.file), i.specifier);
const isRelative = (s: string) => s.startsWith('./') || s.startsWith('../');

describe('codeOnly (the scanner the checks below rely on)', () => {
  it('blanks comments, strings, templates and regex literals but keeps code and positions', () => {
    const src = [
      "import { a } from './a.ts'; // process.exit()",
      'const s = \'fs.readFileSync\'; const d = "Date.now()";',
      '/* Math.random() */ const re = /["\'`]process\\./g; const q = x / 2 / y;',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text fed to the scanner
      'const t = `${process.env.HOME} new Date( ${`nested ${fs.x}`} `;',
      "if (ok) return /require\\(/.test(s) ? 'x' : `y`;",
    ].join('\n');
    const code = codeOnly(src);
    expect(code).toHaveLength(src.length);
    expect(code.split('\n')).toHaveLength(5);
    expect(code).toContain("from '      '");
    expect(code).not.toContain('fs.readFileSync');
    expect(code).not.toContain('Date.now');
    expect(code).not.toContain('Math.random');
    expect(code).not.toContain('require\\(');
    expect(code).not.toContain('new Date(');
    expect(code).toContain('x / 2 / y');
    // Template expressions are code.
    expect(code).toContain('process.env.HOME');
    expect(code).toContain('fs.x');
    expect(code.match(/process\./g)).toHaveLength(1);
  });

  it('finds imports of every form, with their lines, and skips commented ones', () => {
    const probe = join(ROOT, 'test', 'architecture.test.ts');
    const specs = importsOf(probe).map((i) => i.specifier);
    expect(specs).toEqual(expect.arrayContaining(['node:fs', 'node:path', 'vitest']));
    expect(specs).not.toContain('./a.ts'); // only inside a string above
  });
});

/** Imports in src/core that are not relative paths to another file inside src/core. */
function coreImportViolations(src: string): string[] {
  const coreDir = join(src, 'core');
  return tsFiles(coreDir)
    .flatMap(importsOf)
    .filter((i) => !isRelative(i.specifier) || !inside(coreDir, target(i)))
    .map((i) => `${where(i)}  imports '${i.specifier}'`);
}

const FORBIDDEN: [string, RegExp][] = [
  ['process.', /(?<![\w$.])process\s*(\.|\[)/g],
  ['Date.now(', /(?<![\w$.])Date\s*\.\s*now\s*\(/g],
  ['new Date(', /\bnew\s+Date\b/g],
  ['Math.random(', /(?<![\w$.])Math\s*\.\s*random\s*\(/g],
  ['require(', /(?<![\w$.])require\s*\(/g],
  ['fs.', /(?<![\w$.])fs\s*\./g],
  ['globalThis.process', /\bglobalThis\s*\.\s*(process|require)\b/g],
];

/** Uses of the process, the clock, randomness, require or fs in src/core code (not comments or strings). */
function coreTokenViolations(src: string): string[] {
  const bad: string[] = [];
  for (const file of tsFiles(join(src, 'core'))) {
    const text = readFileSync(file, 'utf8');
    const code = codeOnly(text);
    for (const [name, re] of FORBIDDEN)
      for (const m of code.matchAll(re)) {
        const line = lineAt(code, m.index);
        bad.push(`${rel(file)}:${line}  uses ${name}: ${text.split('\n')[line - 1]!.trim()}`);
      }
  }
  return bad.sort();
}

/** Relative imports from `from` into any of `into`. */
function layerViolations(from: string, ...into: string[]): string[] {
  return tsFiles(from)
    .flatMap(importsOf)
    .filter((i) => isRelative(i.specifier) && into.some((d) => inside(d, target(i))))
    .map((i) => `${where(i)}  imports '${i.specifier}'`);
}

describe('architecture', () => {
  it('finds the source tree', () => {
    const core = tsFiles(join(SRC, 'core'));
    expect(core.length).toBeGreaterThan(10);
    expect(core.flatMap(importsOf).length).toBeGreaterThan(core.length);
    expect(tsFiles(join(SRC, 'adapters')).length).toBeGreaterThan(0);
    expect(tsFiles(join(SRC, 'app')).length).toBeGreaterThan(0);
  });

  it('src/core imports only relative paths inside src/core', () => {
    const bad = coreImportViolations(SRC);
    expect(bad, `src/core must stay pure:\n${bad.join('\n')}`).toEqual([]);
  });

  it('src/core uses no process, clock, randomness, require or fs', () => {
    const bad = coreTokenViolations(SRC);
    expect(bad, `src/core must stay pure:\n${bad.join('\n')}`).toEqual([]);
  });

  it('src/adapters does not import from src/app or src/cli', () => {
    const bad = layerViolations(join(SRC, 'adapters'), join(SRC, 'app'), join(SRC, 'cli'));
    expect(bad, `adapters reach up a layer:\n${bad.join('\n')}`).toEqual([]);
  });

  it('src/app does not import from src/cli', () => {
    const bad = layerViolations(join(SRC, 'app'), join(SRC, 'cli'));
    expect(bad, `app reaches into the CLI:\n${bad.join('\n')}`).toEqual([]);
  });
});

describe('the checks catch violations (a fixture tree)', () => {
  let src: string;
  beforeAll(() => {
    src = join(mkdtempSync(join(tmpdir(), 'agent-sre-arch-')), 'src');
    const put = (path: string, text: string) => {
      mkdirSync(dirname(join(src, path)), { recursive: true });
      writeFileSync(join(src, path), text);
    };
    put(
      'core/bad.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import type { X } from '../ports.ts';",
        "import { z } from 'zod';",
        "import { ok } from './ok.ts';",
        'export const a = () => process.env.HOME;',
        'export const b = Date.now();',
        'export const c = new Date(0);',
        'export const d = Math.random();',
        "const m = require('x');",
        'export const e = (fs: { x: number }) => fs.x;',
        "export const lazy = () => import('../app/hook.ts');",
        "// process.exit() in a comment and 'Date.now()' in a string are fine",
        "export const rule = 'fs.delete-outside-project';",
      ].join('\n'),
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a fixture file
    put('core/ok.ts', "import { b } from './bad.ts';\nexport const ok = `${b}`;\n");
    put('adapters/x.ts', "import { run } from '../app/hook.ts';\nimport type { Io } from '../cli/io.ts';\n");
    put('app/y.ts', "export { main } from '../cli/index.ts';\nimport '../core/ok.ts';\n");
  });
  afterAll(() => rmSync(dirname(src), { recursive: true, force: true }));

  it('reports every bad core import with file:line', () => {
    expect(coreImportViolations(src).map((l) => l.replace(/^.*?core\//, 'core/'))).toEqual([
      "core/bad.ts:1  imports 'node:fs'",
      "core/bad.ts:2  imports '../ports.ts'",
      "core/bad.ts:3  imports 'zod'",
      "core/bad.ts:9  imports 'x'",
      "core/bad.ts:11  imports '../app/hook.ts'",
    ]);
  });

  it('reports every forbidden token in core code, and none in comments or strings', () => {
    const lines = coreTokenViolations(src).map((l) => /:(\d+) {2}uses (.+?): /.exec(l)!.slice(1).join(' '));
    expect(lines.sort()).toEqual(
      ['5 process.', '6 Date.now(', '7 new Date(', '8 Math.random(', '9 require(', '10 fs.'].sort(),
    );
  });

  it('reports adapters and app reaching up a layer', () => {
    const strip = (l: string) => l.replace(/^.*?src\//, '');
    expect(layerViolations(join(src, 'adapters'), join(src, 'app'), join(src, 'cli')).map(strip)).toEqual([
      "adapters/x.ts:1  imports '../app/hook.ts'",
      "adapters/x.ts:2  imports '../cli/io.ts'",
    ]);
    expect(layerViolations(join(src, 'app'), join(src, 'cli')).map(strip)).toEqual([
      "app/y.ts:1  imports '../cli/index.ts'",
    ]);
  });
});
