// The rewriters and manifest readers behind package-tool judging: each computes what a command leaves
// in a file, or gives up (undefined) rather than guess.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../../src/adapters/yaml.ts';
import {
  justRecipes,
  noxCommands,
  pyprojectTasks,
  taskfileTasks,
  toxCommands,
} from '../../../src/core/effects/manifests.ts';
import { echoOutput, jqEdit, jsonToolEdit, npmPkgEdit, sedEdit } from '../../../src/core/effects/rewrites.ts';

const PKG = JSON.stringify({ name: 'p', scripts: { test: 'vitest run' } });
const scripts = (t: string | undefined) => (t === undefined ? undefined : JSON.parse(t).scripts);

describe('npm pkg set / set-script', () => {
  it.each<[string, (string | null)[], boolean, Record<string, string> | undefined]>([
    ['set', ['scripts.test=jest'], false, { test: 'jest' }],
    ['set', ['scripts[pre-x]=a=b'], false, { test: 'vitest run', 'pre-x': 'a=b' }],
    ['set', ['scripts={"a":"b"}'], true, { a: 'b' }],
    ['delete', ['scripts.test'], false, {}],
    ['set-script', ['x', 'rm -rf ~'], false, { test: 'vitest run', x: 'rm -rf ~' }],
    ['set', [null], false, undefined],
    ['set', ['__proto__.x=1'], false, undefined],
    ['set', ['noequals'], false, undefined],
  ])('%s %j', (verb, words, json, want) => {
    expect(scripts(npmPkgEdit(PKG, verb, words, json))).toEqual(want);
  });
});

describe('json -I and jq', () => {
  it.each<[string, Record<string, string> | undefined]>([
    [`this.scripts.test = "jest"`, { test: 'jest' }],
    [`this.scripts["x"] = 'a'; delete this.scripts.test`, { x: 'a' }],
    [`this.scripts.test = require("fs")`, undefined],
    [`this.scripts.test = \`\${x}\``, undefined],
  ])('json -e %s', (code, want) => {
    expect(scripts(jsonToolEdit(PKG, code))).toEqual(want);
  });
  it.each<[string, Record<string, string> | undefined]>([
    [`.scripts.test = "jest"`, { test: 'jest' }],
    [`.scripts["pre-x"] = "a" | .version = "2"`, { test: 'vitest run', 'pre-x': 'a' }],
    [`.scripts.test += " --ci"`, { test: 'vitest run --ci' }],
    [`.scripts.test |= $c`, { test: 'rm -rf ~' }],
    [`del(.scripts.test)`, {}],
    [`.scripts |= with_entries(.)`, undefined],
    [`.scripts.test = $unknown`, undefined],
  ])('jq %s', (filter, want) => {
    expect(scripts(jqEdit(PKG, filter, new Map([['c', 'rm -rf ~']])))).toEqual(want);
  });
});

describe('sed', () => {
  it.each<[string, string[], boolean, string | undefined]>([
    ['a b\n', ['s/a/x/'], false, 'x b\n'],
    ['aa\n', ['s/a/x/g'], false, 'xx\n'],
    ['a/b\n', ['s|a/b|c|'], false, 'c\n'],
    ['a|b\n', ['s|a\\|b|c|'], false, 'c\n'],
    ['ab\n', ['s/\\(a\\)\\(b\\)/\\2\\1/'], false, 'ba\n'],
    ['ab\n', ['s/(a)(b)/\\2&/'], true, 'bab\n'],
    ['x\ny\n', ['2d'], false, 'x\n'],
    ['x\ny\n', ['/x/s/x/z/;$d'], false, 'z\n'],
    ['a\n', ['s/a/b/e'], false, undefined],
    ['a\n', ['s/a/b/w out'], false, undefined],
    ['a\n', ['y/a/b/'], false, undefined],
    ['aaaa\n', ['s/\\(a*\\)*b/x/'], false, undefined],
    ['  \n', ['s/[[:space:]]*$//'], false, '\n'],
  ])('%j %j', (before, script, ere, want) => {
    expect(sedEdit(before, script, ere)).toBe(want);
  });
});

describe('echo and printf', () => {
  it.each<[string, string[], string | undefined]>([
    ['echo', ['a', 'b'], 'a b\n'],
    ['echo', ['-n', 'a'], 'a'],
    ['echo', ['-e', 'x:\\n\\ty'], 'x:\n\ty\n'],
    ['printf', ['%s:\\n\\t%s\\n', 'x', 'y'], 'x:\n\ty\n'],
    ['printf', ['-v', 'v', 'x'], undefined],
  ])('%s %j', (p, args, want) => {
    expect(echoOutput(p, args)).toBe(want);
  });
});

describe('manifest readers', () => {
  it('justfile: recipes, dependencies, variables, shebangs', () => {
    const r = justRecipes(
      'set shell := ["bash", "-c"]\nd := "out"\n\n[private]\nb: a\n    @rm -rf {{d}}\na:\n    -echo hi\n\npy:\n    #!/usr/bin/env python3\n    print(1)\n',
    );
    expect(r.get('b')).toEqual({ lines: ['rm -rf out'], refs: ['a'] });
    expect(r.get('a')?.lines).toEqual(['echo hi']);
    expect(r.get('py')?.script).toContain('print(1)');
  });
  it('Taskfile: cmds, cmd, short forms, deps, task calls, vars', () => {
    const t = taskfileTasks(
      'version: "3"\nvars:\n  D: out\ntasks:\n  a: rm -rf {{.D}}\n  b: [echo 1, echo 2]\n  c:\n    deps: [a, {task: b}]\n    cmds:\n      - cmd: echo c\n      - task: a\n      - defer: echo bye\n',
      parseYaml,
    );
    expect(t.get('a')?.lines).toEqual(['rm -rf out']);
    expect(t.get('b')?.lines).toEqual(['echo 1', 'echo 2']);
    expect(t.get('c')).toEqual({ lines: ['echo c', 'echo bye'], refs: ['a', 'a', 'b'] });
    expect(taskfileTasks('tasks: [unclosed', parseYaml).size).toBe(0);
    expect(taskfileTasks('tasks:\n  a: rm -rf out\n', undefined).size).toBe(0);
  });
  it('pyproject: pdm, hatch, taskipy, poe, rye tables', () => {
    const t = pyprojectTasks(
      [
        '[tool.pdm.scripts]',
        'a = "echo a"',
        "b = {cmd = ['echo', 'b c']}",
        'c = {composite = ["a", "b"]}',
        '[tool.pdm.scripts.d]',
        'shell = """',
        'echo d',
        '"""',
        '[tool.hatch.envs.test.scripts]',
        'e = [',
        '  "echo e1",  # comment',
        "  'echo e2',",
        ']',
        '[tool.taskipy.tasks]',
        'f = { cmd = "echo f", help = "rm -rf ~" }',
        '[tool.poe.tasks]',
        'g = ["a", { shell = "echo g" }]',
      ].join('\n'),
    );
    expect(t.get('pdm')?.get('b')?.lines).toEqual(["echo 'b c'"]);
    expect(t.get('pdm')?.get('c')?.refs).toEqual(['a', 'b']);
    expect(t.get('pdm')?.get('d')?.lines).toEqual(['echo d\n']);
    expect(t.get('hatch:test')?.get('e')?.lines).toEqual(['echo e1', 'echo e2']);
    expect(t.get('taskipy')?.get('f')?.lines).toEqual(['echo f']);
    expect(t.get('poe')?.get('g')?.lines).toEqual(['a', 'echo g']);
  });
  it('tox.ini and noxfile.py', () => {
    expect(
      toxCommands(
        '[tox]\nenvlist=a\n[testenv:a]\ncommands_pre = echo pre\ncommands =\n  - pytest {posargs:-x}\n  rm -rf {envtmpdir} \\\n    {homedir}\n',
      ),
    ).toEqual(['echo pre', 'pytest -x', 'rm -rf .tox/env ~']);
    expect(
      noxCommands(
        'session.run("rm", "-rf", path)\nsession.run_always(\'pip\', "install", "-e", ".", external=True)',
      ),
    ).toEqual(['rm -rf "$NOX_VALUE"', 'pip install -e .']);
  });
});
