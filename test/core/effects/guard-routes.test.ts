// The recognisers behind guard-routes.jsonl, effect by effect: in-place editors, archives and
// compressors, find, git's work-tree paths, copies into directories, package managers, signals and
// the per-user secret. The corpus checks verdicts; these check what each recogniser says it does.
import { describe, expect, it } from 'vitest';
import { exShell } from '../../../src/core/effects/editors.ts';
import { findExclusion, findTargets } from '../../../src/core/effects/find.ts';
import { namesSecretDir } from '../../../src/core/effects/guard.ts';
import { effectsOf } from '../../../src/core/effects/tools.ts';
import type { Effect, GuardLocations, JudgeContext } from '../../../src/core/types.ts';
import { context, WORLD } from '../../helpers/judge.ts';

const P = WORLD.projectDir;
const LOCAL: GuardLocations = {
  installDir: `${P}/node_modules/agent-sre`,
  userDir: '/home/dev/.config/agent-sre',
};
const ctx = (guard: GuardLocations | null = LOCAL): JudgeContext => ({
  ...context(),
  ...(guard ? { guard } : {}),
});

const effects = (command: string, guard?: GuardLocations): Effect[] =>
  effectsOf({ tool: 'Bash', input: { command }, cwd: P }, ctx(guard ?? LOCAL));
/** `kind path [tags]` for the path effects of a command, exec effects left out. */
const paths = (command: string, guard?: GuardLocations) =>
  effects(command, guard).flatMap((e) =>
    e.kind === 'read' || e.kind === 'write' || e.kind === 'delete' ? [`${e.kind} ${e.path}`] : [],
  );
const execTags = (command: string, guard?: GuardLocations) =>
  effects(command, guard).flatMap((e) => (e.kind === 'exec' ? e.tags : []));
const tagsOn = (command: string, path: string) =>
  effects(command).flatMap((e) => ('path' in e && e.path === path ? e.tags : []));

describe('perl and ruby in place', () => {
  it.each([
    ["perl -i -pe 's/a/b/' a.txt b.txt", ['write /work/proj/a.txt', 'write /work/proj/b.txt']],
    ["perl -pi.bak -e 's/a/b/' a.txt", ['write /work/proj/a.txt']],
    ["perl -0pi -e 's/^/x/' a.txt", ['write /work/proj/a.txt']],
    ["perl -Mstrict -ne 'print' a.txt", ['read /work/proj/a.txt']],
    ['perl -I lib -pe 1 a.txt', ['read /work/proj/a.txt']],
    ['perl script.pl a.txt', []],
    ["ruby -rjson -i -pe 'x' a.rb", ['write /work/proj/a.rb']],
    ["ruby -i.orig -pe 'x' -- a.rb", ['write /work/proj/a.rb']],
  ])('%s', (command, expected) => {
    expect(paths(command).filter((p) => !p.endsWith('.pl'))).toEqual(expected);
  });
});

describe('awk, editors and other in-place writers', () => {
  it.each([
    ["gawk -i inplace '{print}' f.txt", ['write /work/proj/f.txt']],
    ["awk --include=inplace '1' f.txt", ['write /work/proj/f.txt']],
    ['awk -f prog.awk f.txt', ['read /work/proj/f.txt']],
    ["awk -v n=1 '{print n}' f.txt", ['read /work/proj/f.txt']],
    ["ex -sc '%s/a/b/|x' f.txt", ['write /work/proj/f.txt']],
    ["vim -es -c 'wq' f.txt", ['write /work/proj/f.txt']],
    ['view f.txt', ['read /work/proj/f.txt']],
    ['vim -R f.txt', ['read /work/proj/f.txt']],
    ['nano -T 4 f.txt', ['write /work/proj/4', 'write /work/proj/f.txt']],
    ['jq . a.json | sponge a.json', ['read /work/proj/a.json', 'write /work/proj/a.json']],
    ['sd foo bar a.txt b.txt', ['write /work/proj/a.txt', 'write /work/proj/b.txt']],
    ["yq -i '.a = 1' c.yaml", ['write /work/proj/c.yaml']],
    ["yq '.a' c.yaml", ['read /work/proj/c.yaml']],
    ['sort -o out.txt in.txt', ['read /work/proj/in.txt', 'write /work/proj/out.txt']],
    ['uniq in.txt out.txt', ['read /work/proj/in.txt', 'write /work/proj/out.txt']],
    ["rename 's/a/b/' a.txt", ['write /work/proj/a.txt']],
  ])('%s', (command, expected) => {
    expect(paths(command)).toEqual(expected);
  });

  it('runs the shell commands an editor is given', () => {
    expect(exShell(':!rm -rf ~')).toBe('rm -rf ~');
    expect(exShell('silent !make')).toBe('make');
    expect(exShell('r !date')).toBe('date');
    expect(exShell('call system("id")')).toBe('id');
    expect(exShell('%s/a/b/g')).toBeUndefined();
    expect(paths("vim -c ':!rm -rf /tmp/x' -c q f.txt")).toContain('delete /tmp/x');
    expect(paths('emacs --batch --eval \'(shell-command "rm -rf /tmp/y")\'')).toContain('delete /tmp/y');
    expect(paths("printf '!rm /tmp/z\\nq\\n' | ed -s f.txt")).toContain('delete /tmp/z');
  });
});

describe('archives and compressors', () => {
  it.each([
    ['tar xzf a.tgz -C out', ['write /work/proj/out']],
    ['tar -xf a.tar m1 dir/m2', ['write /work/proj/m1', 'write /work/proj/dir/m2']],
    ['tar --extract --file=a.tar --directory=/tmp/x', ['write /tmp/x']],
    ['tar -xOf a.tar m1', []],
    ['tar tzf a.tgz', []],
    ['tar xzf a.tgz -C /tmp', ['write /tmp/*']],
    ['tar cf out.tar -C src m', ['read /work/proj/src/m', 'write /work/proj/out.tar']],
    ['unzip -o a.zip -d dist', ['write /work/proj/dist']],
    ['unzip -j a.zip x/y/m.txt', ['write /work/proj/m.txt']],
    ['unzip -l a.zip', []],
    ['cpio -idmv < a.cpio', ['write /work/proj']],
    ['7z x a.7z -oout', ['write /work/proj/out']],
    ['gzip f.txt', ['write /work/proj/f.txt.gz', 'delete /work/proj/f.txt']],
    ['gzip -k f.txt', ['write /work/proj/f.txt.gz']],
    ['gzip -c f.txt', []],
    ['gunzip f.txt.gz', ['write /work/proj/f.txt', 'delete /work/proj/f.txt.gz']],
    ['zstd f.txt', ['write /work/proj/f.txt.zst']],
    ['zstd --rm f.txt', ['write /work/proj/f.txt.zst', 'delete /work/proj/f.txt']],
  ])('%s', (command, expected) => {
    expect(paths(command).filter((p) => !p.startsWith('read /work/proj/a.'))).toEqual(expected);
  });

  it('an extraction with no members named writes the whole directory', () => {
    expect(tagsOn('tar xzf /tmp/a.tgz', P)).toEqual(['extract', 'overwrite', 'recursive', 'guard-ancestor']);
  });
});

describe('find', () => {
  it('selects ROOT/**/NAME per -name and ROOT/** without one', () => {
    expect(findTargets(['.', '-name', 'ledger.db', '-delete']).targets).toEqual(['./**/ledger.db']);
    expect(findTargets(['src', 'lib/', '-name', '*.js']).targets).toEqual(['src/**/*.js', 'lib/**/*.js']);
    expect(findTargets(['.', '-type', 'f', '-delete']).targets).toEqual(['.', './**']);
    expect(findTargets(['.', '-path', './build/*']).targets).toEqual(['./build/**']);
    expect(findTargets(['/x', '-path', '*/cache/*']).targets).toEqual(['/x/**/cache/**']);
    expect(findTargets(['.', '-regex', '.*db']).targets).toEqual(['.', './**']);
  });

  it('leaves out negated and pruned tests instead of selecting them', () => {
    const plan = findTargets(['.', '-name', 'node_modules', '-prune', '-o', '-name', '*.js', '-print']);
    expect(plan.targets).toEqual(['./**/*.js']);
    const ex = findExclusion(plan, P, WORLD.home)!;
    expect(ex(`${P}/node_modules/agent-sre/bin/agent-sre.js`)).toBe(true);
    expect(ex(`${P}/src/a.js`)).toBe(false);
    const neg = findTargets(['.', '-name', '*.js', '-not', '-path', './node_modules/*']);
    expect(neg.targets).toEqual(['./**/*.js']);
    expect(findExclusion(neg, P, WORLD.home)!(`${P}/node_modules/agent-sre/dist/cli.js`)).toBe(true);
    expect(findTargets(['.', '!', '-name', '*.keep', '-delete']).targets).toEqual(['.', './**']);
  });

  it('reads -name values, not the internal =value markers (every find -delete missed its name)', () => {
    expect(paths('find . -name ledger.db -delete')).toContain('delete /work/proj/**/ledger.db');
    expect(tagsOn('find . -name ledger.db -delete', `${P}/**/ledger.db`)).toContain('guard');
    expect(tagsOn("find . -name '*.js' -not -path './node_modules/*' -delete", `${P}/**/*.js`)).not.toContain(
      'guard',
    );
  });

  it('-fprint writes its file; -exec runs per target with {} inside words too', () => {
    expect(paths('find src -fprint out.txt')).toContain('write /work/proj/out.txt');
    expect(paths("find . -name x.tmp -exec sh -c 'rm {}' \\;")).toContain('delete /work/proj/**/x.tmp');
  });
});

describe("git's work-tree paths", () => {
  it.each([
    ['git rm a.txt', ['delete /work/proj/a.txt']],
    ['git rm --cached a.txt', []],
    ['git -C sub rm a.txt', ['delete /work/proj/sub/a.txt']],
    ['git mv a.txt b.txt', ['delete /work/proj/a.txt', 'write /work/proj/b.txt']],
    ['git checkout -- a.txt', ['write /work/proj/a.txt']],
    ['git checkout HEAD~1 a.txt', ['write /work/proj/a.txt']],
    ['git checkout main', []],
    ['git checkout agent-sre.yaml', ['write /work/proj/agent-sre.yaml']],
    ['git restore a.txt', ['write /work/proj/a.txt']],
    ['git restore --staged a.txt', []],
    ['git clean -fd', ['delete /work/proj/**']],
    ['git clean -d', []],
    ['git clean -nf', []],
    ['git stash', []],
    ['git stash -u', ['delete /work/proj/**']],
    ['git stash push -u -- src', ['delete /work/proj/src']],
    ['git stash pop', []],
  ])('%s', (command, expected) => {
    expect(paths(command)).toEqual(expected);
  });
});

describe('copies, moves and links into a directory', () => {
  it.each([
    ['cp /tmp/a.txt .', ['read /tmp/a.txt', 'write /work/proj/a.txt']],
    ['cp /tmp/a.txt dir/', ['read /tmp/a.txt', 'write /work/proj/dir/a.txt']],
    [
      'cp -t .claude /tmp/settings.json',
      ['read /tmp/settings.json', 'write /work/proj/.claude/settings.json'],
    ],
    ['cp /tmp/a.txt b.txt', ['read /tmp/a.txt', 'write /work/proj/b.txt']],
    ['cp -r /tmp/t/. .', ['read /tmp/t', 'write /work/proj']],
    ['ln -s /x/y.js', ['write /work/proj/y.js']],
  ])('%s', (command, expected) => {
    expect(paths(command)).toEqual(expected);
  });

  it('a link to a guard file is a write of it (later writes through the link would change it)', () => {
    expect(paths('ln -s ../agent-sre.yaml docs/p.yaml')).toContain('write /work/proj/agent-sre.yaml');
    expect(paths('ln -s ../README.md docs/r.md')).not.toContain('write /work/proj/README.md');
  });
});

describe('the agent-sre package', () => {
  it.each([
    ['npm uninstall agent-sre', true],
    ['npm rm -g agent-sre', true],
    ['pnpm remove agent-sre', true],
    ['yarn global remove agent-sre', true],
    ['bun remove agent-sre', true],
    ['npm i -g agent-sre@0.0.1', true],
    ['npm install github:x/agent-sre', true],
    ['npm i git+https://example.com/x/agent-sre.git#v1', true],
    ['npm i ./agent-sre-0.1.0.tgz', true],
    ['npm link ../agent-sre', true],
    ['npm --prefix . uninstall agent-sre', true],
    ['npm uninstall left-pad', false],
    ['npm i agent-sre-plugin', false],
    ['npm i', false],
    ['npm ci', false],
    ['npm view agent-sre', false],
  ])('%s: %s', (command, guard) => {
    expect(execTags(command).includes('guard')).toBe(guard);
  });
});

describe('signals', () => {
  it.each([
    ['pkill -f hookd', 'guard'],
    ['pkill -f agent-sre', 'guard'],
    ['pkill -f "node.*hookd"', 'guard'],
    ['kill $(pgrep -f agent-sre)', 'guard'],
    ['kill -TERM `pidof hookd`', 'guard'],
    ['pgrep -f hookd | xargs kill', 'guard'],
    ['ps aux | grep hookd | awk "{print \\$2}" | xargs kill -9', 'guard'],
    ['kill $(cat .agent-sre/hookd.pid)', 'guard'],
    ['pkill -F .agent-sre/hookd.pid', 'guard'],
    ['fuser -k .agent-sre/hookd-1.sock', 'guard'],
    ['killall agent-sre-hook', 'guard'],
    ['killall node', 'guard-signal-broad'],
    ['killall -9 -r "^no"', 'guard-signal-broad'],
    ['pkill node', 'guard-signal-broad'],
    ['pkill -x node', 'guard-signal-broad'],
    ['pkill -f node', 'guard-signal-broad'],
    ['pkill -f .', 'guard-signal-broad'],
    ['kill -9 -1', 'guard-signal-broad'],
    ['kill -- -1', 'guard-signal-broad'],
    ['kill $(pidof node)', 'guard-signal-broad'],
    ['pkill -u dev', 'guard-signal-broad'],
    ['killall -u dev', 'guard-signal-broad'],
    ['killall5', 'guard-signal-broad'],
    ['kill -1 4242', undefined],
    ['kill 4242', undefined],
    ['kill -l', undefined],
    ['pkill -f vite', undefined],
    ['pkill -x nodemon', undefined],
    ['killall webpack', undefined],
    ['kill $(pgrep jest)', undefined],
    ['lsof -ti :3000 | xargs kill', undefined],
    ['fuser -k 3000/tcp', undefined],
  ])('%s: %s', (command, tag) => {
    const tags = execTags(command);
    const got = tags.includes('guard')
      ? 'guard'
      : tags.includes('guard-signal-broad')
        ? 'guard-signal-broad'
        : undefined;
    expect(got).toBe(tag);
  });
});

describe('the per-user secret', () => {
  const c = ctx();
  it.each([
    ['~/.config/agent-sre', false],
    ['/home/dev/.config/agent-sre/secret', true],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell text, not a template
    ['${XDG_CONFIG_HOME:-$HOME/.config}/agent-sre/secret', true],
    ["os.environ['XDG_CONFIG_HOME'] + '/agent-sre/secret'", true],
    ['prefix/.config/agent-sre/', true],
    ['/home/dev/.config/agent-sre-other', false],
    ['/home/dev/.config', false],
    ['agent-sre.yaml', false],
  ])('%s: %s', (text, named) => {
    // `~` is expanded by the shell before this test sees a word; unexpanded it still names the dir.
    expect(namesSecretDir(text, P, c)).toBe(named || text.startsWith('~/.config/agent-sre'));
  });

  it('an exec naming the dir is tagged, and without ctx.guard nothing changes', () => {
    expect(execTags('ls ~/.config/agent-sre')).toContain('guard-secret');
    expect(execTags('ls ~/.config')).not.toContain('guard-secret');
    expect(namesSecretDir('/home/dev/.config/agent-sre/secret', P, ctx(null))).toBe(false);
    expect(tagsOn('cat ~/.config/agent-sre/secret', '/home/dev/.config/agent-sre/secret')).toEqual([
      'guard',
      'guard-secret',
    ]);
  });
});

describe('sqlite3 and interpreter code', () => {
  it.each([
    ["sqlite3 dev.db 'select 1'", 'read'],
    ["sqlite3 dev.db 'select 1; delete from t'", 'write'],
    ["sqlite3 -cmd 'delete from t' dev.db 'select 1'", 'write'],
    ['sqlite3 -readonly dev.db', 'read'],
    ['sqlite3 dev.db', 'write'],
    ["sqlite3 dev.db '.tables'", 'read'],
    ["sqlite3 dev.db 'with x as (select 1) select * from x'", 'read'],
  ])('%s: %s', (command, kind) => {
    expect(paths(command)).toEqual([`${kind} /work/proj/dev.db`]);
  });

  it('.shell runs a command; .output writes a file', () => {
    expect(paths("sqlite3 dev.db '.shell rm -rf /tmp/q'")).toContain('delete /tmp/q');
    expect(paths("sqlite3 dev.db '.output /tmp/o.txt'")).toContain('write /tmp/o.txt');
  });

  it('string literals naming the install or user dir are guard writes', () => {
    expect(paths(`node -e "require('${P}/node_modules/agent-sre/dist/x.js')"`)).toContain(
      `write ${P}/node_modules/agent-sre/dist/x.js`,
    );
    expect(paths(`perl -e 'open(F, ">>agent-sre.yaml")'`)).toContain(`write ${P}/agent-sre.yaml`);
    expect(paths(`python3 -c "p=os.environ['XDG_CONFIG_HOME'] + '/agent-sre/secret'"`)).toContain(
      'read /home/dev/.config/agent-sre',
    );
  });
});

describe('patch and git apply', () => {
  const DIFF = '--- a/agent-sre.yaml\n+++ b/agent-sre.yaml\n@@ -1 +1 @@\n-a\n+b\n';
  const GIT_DIFF = 'diff --git a/src/x.ts b/src/y.ts\nrename from src/x.ts\nrename to src/y.ts\n';
  const withFiles = (command: string, files: Record<string, string>) =>
    effectsOf({ tool: 'Bash', input: { command }, cwd: P }, { ...context(files), guard: LOCAL }).flatMap(
      (e) => (e.kind === 'write' ? [e.path] : []),
    );

  it('writes the files a readable diff names', () => {
    expect(withFiles('patch -p1 < /tmp/x.diff', { '/tmp/x.diff': DIFF })).toEqual([`${P}/agent-sre.yaml`]);
    expect(withFiles(`patch -p1 <<'EOF'\n${DIFF}EOF`, {})).toEqual([`${P}/agent-sre.yaml`]);
    expect(withFiles('git apply /tmp/x.patch', { '/tmp/x.patch': DIFF })).toEqual([`${P}/agent-sre.yaml`]);
    expect(withFiles('git apply /tmp/r.patch', { '/tmp/r.patch': GIT_DIFF })).toEqual([
      `${P}/src/x.ts`,
      `${P}/src/y.ts`,
    ]);
    expect(withFiles('patch src/a.c /tmp/x.diff', {})).toEqual([`${P}/src/a.c`]);
  });

  it('an unreadable diff may touch anything below where it is applied; --check touches nothing', () => {
    expect(withFiles('git apply /tmp/missing.patch', {})).toEqual([P]);
    expect(withFiles('git apply --check /tmp/x.patch', { '/tmp/x.patch': DIFF })).toEqual([]);
    expect(withFiles('patch --dry-run -p1 < /tmp/x.diff', { '/tmp/x.diff': DIFF })).toEqual([]);
  });
});

describe('reading a whole tree above the secret', () => {
  it.each([
    ['grep -r token ~/.config', true],
    ['rg -uu . ~', true],
    ['tar czf /tmp/h.tgz ~', true],
    ['zip -r /tmp/c.zip ~/.config', true],
    ['cp -r ~/.config /tmp/c', true],
    ['rsync -a ~/ /tmp/home/', true],
    ['grep token ~/.config/git/config', false],
    ['grep -rn TODO .', false],
    ['cat ~/.config/git/config', false],
  ])('%s: %s', (command, secret) => {
    const tagged = effects(command).some((e) => e.kind === 'read' && e.tags.includes('guard-secret'));
    expect(tagged).toBe(secret);
  });
});
