// Shell indirection (issue 12, class 4): what a command turns into through aliases, functions, word
// splitting, arrays and built names is judged as that command; a name nobody can resolve is opaque.
import { describe, expect, it } from 'vitest';
import { resolveNames } from '../../../src/core/effects/code-names.ts';
import { printfFormat, splitFields, type WordValue } from '../../../src/core/shell/words.ts';
import type { Effect } from '../../../src/core/types.ts';
import { bash } from '../../helpers/judge.ts';

const programs = (effects: Effect[]) =>
  effects.filter((e) => e.kind === 'exec').map((e) => (e as { program: string }).program);
const deletes = (effects: Effect[]) =>
  effects.filter((e) => e.kind === 'delete').map((e) => (e as { path: string }).path);

describe('commands resolved through indirection run as that command', () => {
  it.each([
    // [command, program that must run, path it deletes]
    ["shopt -s expand_aliases\nalias x='rm -rf'\nx ~", 'rm', '/home/dev'],
    ["alias x='rm -rf'; x /etc", 'rm', '/etc'],
    ["alias s='sudo '\nalias w='rm -rf /var/lib'\ns w", 'rm', '/var/lib'],
    ['f(){ rm -rf "$1"; }; f ~', 'rm', '/home/dev'],
    ['f(){ rm -rf "$2"; }; f a /srv', 'rm', '/srv'],
    ['f(){ local d="$1"; rm -rf "$d"; }; f /usr', 'rm', '/usr'],
    ['a(){ rm -rf "$@"; }; b(){ a "$HOME"; }; b', 'rm', '/home/dev'],
    ['n(){ rm -rf $*; }; n /opt', 'rm', '/opt'],
    ['set -- rm -rf /etc; "$@"', 'rm', '/etc'],
    ['c="rm -rf"; $c /etc', 'rm', '/etc'],
    ['IFS=,; c=rm,-rf,/etc; $c', 'rm', '/etc'],
    ["$(printf 'r%s' m) -rf /etc", 'rm', '/etc'],
    ['`echo rm` -rf /etc', 'rm', '/etc'],
    ["printf -v c 'r%s' m; $c -rf /etc", 'rm', '/etc'],
    ['"$(command -v rm)" -rf /etc', 'rm', '/etc'],
    ['a=(rm -rf /etc); "${a[@]}"', 'rm', '/etc'],
    ['t=(/etc /usr); rm -rf "${t[@]}"', 'rm', '/usr'],
    ['c=rm; r=c; ${!r} -rf /etc', 'rm', '/etc'],
    ['e=; $e rm -rf /etc', 'rm', '/etc'],
    ['{rm,-rf,/etc}', 'rm', '/etc'],
    ['a=rm; b="-rf /etc"; eval "$a $b"', 'rm', '/etc'],
    ['rm(){ echo no; }; command rm -rf /etc', 'rm', '/etc'],
  ])('%s', (command, program, path) => {
    const d = bash(command);
    expect(programs(d.effects)).toContain(program);
    expect(deletes(d.effects)).toContain(path);
  });
});

describe('names only known at run time are opaque, never tier 1', () => {
  it.each([
    '$(cat /tmp/cmd) -rf ~',
    'IFS=$(cat /tmp/s); c=x; $c',
    'read -r c < /tmp/cmd; $c ~',
    '${c:-rm} -rf ~',
    'eval "$(cat /tmp/payload)"',
    'alias x="$(cat /tmp/a)"\nx',
    'python3 -c "m = input(); __import__(m).system(\'id\')"',
    'python3 -c "import os,sys; getattr(os, sys.argv[1])(sys.argv[2])"',
    'python3 -c "exec(input())"',
    'node -e "require(process.argv[1])"',
    'node -e "globalThis[process.argv[1]](1)"',
    'node -e "process.binding(\'spawn_sync\')"',
    'node -e "new Function(process.argv[1])()"',
    'loop() { loop; }; loop',
  ])('%s', (command) => {
    expect(bash(command).tier).toBeGreaterThanOrEqual(3);
  });

  it.each([
    'python3 -c "import base64; exec(base64.b64decode(\'aWQ=\'))"',
    "node -e \"eval(Buffer.from('aWQ=', 'base64').toString())\"",
  ])('eval of decoded text is remote code execution: %s', (command) => {
    const d = bash(command);
    expect(d.tier).toBe(4);
    expect(d.effects.some((e) => e.tags.includes('rce'))).toBe(true);
  });
});

describe('ordinary indirection stays quiet', () => {
  it.each([
    "alias ll='ls -la'\nll",
    "alias ls='ls --color=auto'\nls -la",
    'f(){ echo "$1"; }; f hi',
    'countdown(){ [ "$1" -gt 0 ] && countdown $(( $1 - 1 )); }; countdown 3',
    'git(){ command git -C sub "$@"; }; git status',
    'cmd=ls; $cmd -la',
    'set -euo pipefail; ls',
    "$(printf 'l%s' s) -la",
    'eval "$(pyenv init -)"',
    'eval "$(direnv export bash)"',
    'a=(ls -la); "${a[@]}"',
    'python3 -c "print(eval(\'2**10\'))"',
    'python3 -c "import importlib; print(importlib.import_module(\'json\'))"',
    'python3 -c "import platform; print(platform.system())"',
    'python3 -c "import re; print(re.compile(\'a\').pattern)  # eval"',
    'node -e "console.log(eval(\'1+2\'))"',
    "node -e \"console.log(['a','b'].join('_'))\"",
  ])('%s', (command) => {
    expect(bash(command).tier).toBeLessThanOrEqual(2);
  });
});

const word = (value: string, extra: Partial<WordValue> = {}): WordValue => ({
  value,
  dynamic: false,
  quoted: false,
  substitutions: [],
  ...extra,
});

describe('splitFields', () => {
  it.each([
    // [word, ifs, fields]
    [word('rm -rf', { splits: [[0, 6]] }), undefined, ['rm', '-rf']],
    [word('rm,-rf,/', { splits: [[0, 8]] }), ',', ['rm', '-rf', '/']],
    [word('a b', {}), undefined, ['a b']],
    [word('x a b', { splits: [[1, 5]] }), undefined, ['x', 'a', 'b']],
    [word('x a b', { splits: [[2, 5]] }), undefined, ['x a', 'b']],
    [word('', { splits: [[0, 0]] }), undefined, []],
    [word('', { quoted: true, splits: [[0, 0]] }), undefined, ['']],
    [word('a b', { breaks: [1] }), ',', ['a', 'b']],
  ] as const)('%o with IFS %o', (w, ifs, fields) => {
    expect(splitFields(w as WordValue, ifs).map((f) => f.value)).toEqual(fields);
  });

  it('an unknown IFS makes a word that would be split a run-time value', () => {
    const [f] = splitFields(word('rm -rf', { splits: [[0, 6]] }), null);
    expect(f!.dynamic).toBe(true);
  });
});

describe('printfFormat', () => {
  it.each([
    ['r%s', ['m'], 'rm'],
    ['%s-%s\\n', ['a', 'b', 'c'], 'a-b\nc-\n'],
    ['%b', ['\\x72m'], 'rm'],
    ['%c%c', ['rx', 'my'], 'rm'],
    ['%03d|%-3s|', ['7', 'a'], '007|a  |'],
    ['\\x72\\155 %%', [], 'rm %'],
  ])('printf %s %o', (fmt, args, out) => {
    expect(printfFormat(fmt, args)).toBe(out);
  });

  it('gives up on conversions it does not model', () => {
    expect(printfFormat('%q', ['x'])).toBeUndefined();
  });
});

describe('resolveNames folds names built from literals', () => {
  it.each([
    ['python', "getattr(os, 'sys'+'tem')('x')", "os.system('x')"],
    ['python', "__import__('o' 's').popen('x')", "os.popen('x')"],
    ['python', "importlib.import_module('subprocess').run(a)", 'subprocess.run(a)'],
    ['python', "getattr(__import__('os'), 'metsys'[::-1])('x')", "os.system('x')"],
    ['python', "getattr(os, ''.join(['sys', 'tem']))('x')", "os.system('x')"],
    ['python', "getattr(os, chr(115)+'ystem')('x')", "os.system('x')"],
    ['python', "import os as o; o.system('x')", "import os as o; os.system('x')"],
    ['python', "from os import system as s; s('x')", "from os import system as s; os.system('x')"],
    [
      'node',
      "require(['child','process'].join('_'))['exec'+'Sync']('x')",
      "require('child_process').execSync('x')",
    ],
    ['node', 'require(String.fromCharCode(102,115))', "require('fs')"],
    [
      'node',
      "const { execSync: run } = require('child_process'); run('x')",
      "const { execSync: run } = require('child_process'); execSync('x')",
    ],
  ] as const)('%s: %s', (lang, code, out) => {
    expect(resolveNames(lang, code)).toBe(out);
  });
});
