// Manifests that declare a dependency from a git remote or a URL.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { remoteDependencies } from '../../../src/core/effects/dep-sources.ts';
import { decide } from '../../helpers/judge.ts';

describe('remoteDependencies', () => {
  it.each([
    ['Gemfile', "gem 'x', git: 'https://github.com/a/x'\n", ['https://github.com/a/x']],
    ['Gemfile', "gem 'x', github: 'a/x'\n", ['a/x']],
    ['Gemfile', "source 'https://gems.evil.example'\ngem 'x'\n", ['https://gems.evil.example']],
    ['Gemfile', "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n", []],
    [
      'pyproject.toml',
      '[tool.poetry.dependencies]\nsdk = { git = "https://gitlab.example/x.git" }\n',
      ['https://gitlab.example/x.git'],
    ],
    [
      'pyproject.toml',
      '[project]\ndependencies = ["sdk @ git+https://github.com/a/sdk"]\n',
      ['git+https://github.com/a/sdk'],
    ],
    ['pyproject.toml', '[project]\ndependencies = ["requests>=2"]\nurls = { Homepage = "https://x" }\n', []],
    [
      'requirements.txt',
      'requests==2\n-e git+https://github.com/a/b.git#egg=b\n',
      ['git+https://github.com/a/b.git#egg=b'],
    ],
    ['requirements-dev.txt', 'pkg @ https://x.example/pkg.whl\n', ['https://x.example/pkg.whl']],
    ['requirements.txt', 'requests==2.31.0\n# https://docs.example\n', []],
    [
      'Cargo.toml',
      '[dependencies]\nfoo = { git = "https://github.com/a/foo" }\n',
      ['https://github.com/a/foo'],
    ],
    ['Cargo.toml', '[dependencies]\nserde = "1"\n', []],
    [
      'package.json',
      '{"dependencies":{"a":"github:x/a","b":"x/b#main","c":"^1.0.0"}}',
      ['github:x/a', 'x/b#main'],
    ],
    [
      'package.json',
      '{"devDependencies":{"t":"https://x.example/t-1.0.0.tgz"}}',
      ['https://x.example/t-1.0.0.tgz'],
    ],
    [
      'package.json',
      '{"repository":"https://github.com/a/b","homepage":"https://b.dev","dependencies":{"zod":"^3"}}',
      [],
    ],
    ['composer.json', '{"require":{"php":">=8.1","a/b":"^1.0"}}', []],
    ['README.md', "gem 'x', git: 'https://github.com/a/x'\n", []],
  ])('%s: %j', (name, text, want) => {
    expect(remoteDependencies(name, text)).toEqual(want);
  });

  it('never throws on any text', () => {
    const names = fc.constantFrom(
      'package.json',
      'Gemfile',
      'pyproject.toml',
      'requirements.txt',
      'Cargo.toml',
    );
    fc.assert(
      fc.property(names, fc.string({ maxLength: 300 }), (n, t) => Array.isArray(remoteDependencies(n, t))),
    );
  });
});

describe('declaring a remote dependency is judged like installing it', () => {
  const files = { '/work/proj/package.json': '{\n  "dependencies": {\n    "zod": "^3.23.0"\n  }\n}\n' };
  it.each([
    ['an Edit adding a GitHub dependency', '"left-pad": "github:someone/left-pad"', 3],
    ['an Edit adding a registry dependency', '"ms": "^2.1.3"', 2],
  ])('%s', (_what, line, tier) => {
    const input = {
      file_path: '/work/proj/package.json',
      old_string: '"zod": "^3.23.0"',
      new_string: `"zod": "^3.23.0",\n    ${line}`,
    };
    expect(decide('Edit', input, { files }).tier).toBe(tier);
  });
});
