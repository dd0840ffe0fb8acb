// Issue 12, round 2: the SQL client table (sql-clients.ts) and the ORM mass-write detector (orm.ts) read
// untrusted argv and code. They must never throw, and extra words around a destructive statement or a
// mass delete must never hide it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recognizeInfra } from '../../src/core/effects/recognize/index.ts';
import { codeDestroys } from '../../src/core/effects/recognize/orm.ts';

const RUNS = 200;
const PROGRAMS = [
  'clickhouse-client',
  'cqlsh',
  'sqlcmd',
  'snowsql',
  'trino',
  'beeline',
  'impala-shell',
  'usql',
  'duckdb',
  'hive',
];
const SQL_FLAG: Record<string, string> = {
  'clickhouse-client': '--query',
  cqlsh: '-e',
  sqlcmd: '-Q',
  snowsql: '-q',
  trino: '--execute',
  beeline: '-e',
  'impala-shell': '-q',
  usql: '-c',
  duckdb: '-c',
  hive: '-e',
};

const word = fc.oneof(
  fc.string({ maxLength: 14 }),
  fc.constantFrom(
    '-h',
    '--host',
    '-S',
    '-u',
    '-i',
    '-d',
    'localhost',
    'db.corp',
    'jdbc:hive2://',
    '-',
    '--',
    ',',
    '\\',
    'GO',
    '$X',
  ),
);

describe('SQL client family on arbitrary argv', () => {
  it('never throws', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROGRAMS, 'clickhouse', 'cockroach', 'bq', 'snow'),
        fc.array(word, { maxLength: 10 }),
        (p, argv) => {
          expect(Array.isArray(recognizeInfra(p, argv))).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
  it('options before a DROP never hide it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROGRAMS), fc.array(word, { maxLength: 6 }), (p, before) => {
        // Every word is complete (an option and its value, or a lone positional) so none swallows the flag.
        const argv = [...before.filter((w) => !w.startsWith('-') && w !== ''), SQL_FLAG[p]!, 'DROP TABLE t'];
        expect(recognizeInfra(p, argv)).toContain('db.destroy');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('codeDestroys on arbitrary code', () => {
  const code = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom('x = 1;', 'puts 1', '(', ')', "'", '"', '->', '::', '|>'),
  );
  it('never throws, and text around a mass delete never hides it', () => {
    fc.assert(
      fc.property(
        code,
        code,
        fc.constantFrom(
          'User.where(nil).delete_all',
          'Order.objects.all().delete()',
          'User::query()->delete()',
          'Repo.delete_all(User)',
        ),
        (a, b, hit) => {
          codeDestroys(a + b);
          expect(codeDestroys(`${a}\n${hit}\n${b}`)).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
