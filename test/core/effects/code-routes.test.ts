// Issue 12, round 2: shell calls whose command is built from parts, Ruby/PHP/Perl dynamic dispatch,
// and home-directory spellings in interpreter code (src/core/effects/code.ts, code-names.ts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { literalPath } from '../../../src/core/effects/code.ts';
import { resolveNames } from '../../../src/core/effects/code-names.ts';
import { bash } from '../../helpers/judge.ts';

describe('literalPath folds commands and paths built from parts', () => {
  const cases: [string, Parameters<typeof literalPath>[2], string, boolean][] = [
    [`'rm -rf ' + os.path.expanduser('~/.aws')`, 'python', 'rm -rf ~/.aws', false],
    [`'rm -rf ' + os.environ['HOME'] + '/.ssh'`, 'python', 'rm -rf ~/.ssh', false],
    [`Path.home() / '.aws' / 'credentials'`, 'python', '~/.aws/credentials', false],
    [`f"{Path.home()}/.netrc"`, 'python', '~/.netrc', false],
    [`'ls ' + sys.argv[1]`, 'python', '', true],
    ['`rm -rf ${process.env.HOME}/.docker`', 'node', 'rm -rf ~/.docker', false],
    [`require('os').homedir() + '/.npmrc'`, 'node', '~/.npmrc', false],
    ['`ls ${dir}`', 'node', '', true],
    [`File.join(Dir.home, ".kube")`, 'ruby', '~/.kube', false],
    [`"#{ENV['HOME']}/.kube/config"`, 'ruby', '~/.kube/config', false],
    [`File.expand_path("~/.ssh")`, 'ruby', '~/.ssh', false],
    [`"#{name}/x"`, 'ruby', '', true],
    [`"$ENV{HOME}/.pgpass"`, 'perl', '~/.pgpass', false],
    [`$ENV{'HOME'} . "/.pgpass"`, 'perl', '~/.pgpass', false],
    [`"$dir/x"`, 'perl', '', true],
    [`getenv('HOME') . '/.pgpass'`, 'php', '~/.pgpass', false],
    [`$_SERVER['HOME'].'/.netrc'`, 'php', '~/.netrc', false],
    [`'a+b.txt'`, 'python', 'a+b.txt', false],
  ];
  test.each(cases)('%s (%s)', (expr, lang, value, dynamic) => {
    const r = literalPath(expr, '', lang);
    expect(r.dynamic).toBe(dynamic);
    if (!dynamic) expect(r.value).toBe(value);
  });
});

describe('resolveNames folds dispatch by a literal name', () => {
  const cases: [Parameters<typeof resolveNames>[0], string, RegExp][] = [
    ['ruby', `FileUtils.send("rm_" + "rf", x)`, /FileUtils\.rm_rf\(x\)/],
    ['ruby', `FileUtils.public_send(:rm_r, x)`, /FileUtils\.rm_r\(x\)/],
    ['ruby', `FileUtils.method(:rm_rf).call(x)`, /FileUtils\.rm_rf\(x\)/],
    ['ruby', `send(:system, "id")`, /^system\("id"\)/],
    ['php', `$f = 'sys'.'tem'; $f('id');`, /system\('id'\)/],
    ['php', `call_user_func('passthru', 'id');`, /passthru\('id'\)/],
    ['perl', `&{"sys"."tem"}("id")`, /system\("id"\)/],
  ];
  test.each(cases)('%s: %s', (lang, code, re) => {
    expect(resolveNames(lang, code)).toMatch(re);
  });
});

describe('judged end to end', () => {
  const cases: [string, number][] = [
    [`python3 -c "__import__('o'+'s').system('rm -rf ' + __import__('os').path.expanduser('~/.aws'))"`, 4],
    [`ruby -e 'require "fileutils"; FileUtils.send("rm_" + "rf", File.join(Dir.home, ".kube"))'`, 4],
    [`perl -e 'open F, "$ENV{HOME}/.pgpass"; print <F>'`, 4],
    [`python3 -c "import os, sys; os.system('make ' + sys.argv[1])"`, 3],
    [`ruby -e 'FileUtils.send(ARGV[0], "x")'`, 3],
    [`php -r '$f = $argv[1]; $f("x");'`, 3],
    [`perl -e '&$cmd("x")'`, 3],
    [`python3 -c "import os; os.system('git ' + 'status')"`, 1],
    [`ruby -e 'FileUtils.send(:mkdir_p, "out")'`, 1],
    [`perl -e 'open F, "README.md"; print <F>'`, 1],
    [`php -r 'echo file_get_contents("composer.json");'`, 1],
  ];
  test.each(cases)('%s -> tier %d', (cmd, tier) => {
    expect(bash(cmd).tier).toBe(tier);
  });
});

describe('property: literalPath never throws and unknown text stays unknown', () => {
  test('arbitrary expressions', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.constantFrom('python', 'node', 'ruby', 'perl', 'php' as const),
        (s, lang) => {
          const r = literalPath(s, s, lang);
          expect(typeof r.value).toBe('string');
          // A bare run-time variable is never folded into a known value.
          expect(literalPath(`'rm -rf ' + ${'x'}${s.replace(/\W/g, '')}`, '', lang).dynamic).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
