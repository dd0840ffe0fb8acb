// Issue 12, class 6: the parsers of untrusted text behind database resets and MCP-carried SQL never
// throw, and what they add can only raise a tier: a destructive statement stays destructive whatever
// comes before it, and naming production never makes a reset less gated.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeMcpSql } from '../../src/core/effects/mcp-sql.ts';
import { recognizeInfra } from '../../src/core/effects/recognize/index.ts';
import { classifySql, namesProduction, sqlReadOnly } from '../../src/core/effects/recognize/sql.ts';
import { mcpEffect } from '../../src/core/effects/tools.ts';
import { bash, decide } from '../helpers/judge.ts';

// SQL without quotes, comments, backslashes or dollar quoting: nothing in it can swallow what follows.
const plainSql = fc.stringMatching(/^[A-Za-z0-9 _,=<>()*.\n]{0,60}$/);
const word = fc.stringMatching(/^[a-z0-9]{1,8}$/).filter((w) => !/test|prod|prd/.test(w));

const RESETS = [
  'npx prisma migrate reset --force',
  'bin/rails db:drop',
  'bundle exec rake db:reset',
  'python manage.py flush --noinput',
  'alembic downgrade base',
  'npx knex migrate:rollback --all',
  'mix ecto.reset',
  'php artisan migrate:fresh',
  'dotnet ef database drop -f',
  'dbmate drop',
  'flyway clean',
];

describe('database destruction (property)', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200 }),
        fc.array(fc.string({ maxLength: 30 }), { maxLength: 8 }),
        (s, argv) => {
          classifySql(s);
          sqlReadOnly(s);
          namesProduction(s);
          for (const p of [
            'prisma',
            'rails',
            'python',
            'npm',
            'heroku',
            'docker',
            'kubectl',
            'env',
            'goose',
            'flyway',
          ])
            recognizeInfra(p, [s, ...argv], {
              env: new Map([['DATABASE_URL', s]]),
              stdin: { kind: 'text', text: s },
            });
          judgeMcpSql(mcpEffect('mcp__postgres__query'), { sql: s, params: { sql: argv } });
        },
      ),
    );
  });

  it('a destructive statement after any plain SQL is refused through an MCP tool', () => {
    fc.assert(
      fc.property(
        plainSql,
        fc.constantFrom('DROP TABLE t', 'TRUNCATE t', 'DELETE FROM t', 'UPDATE t SET a = 1'),
        (pre, bad) => {
          const d = decide('mcp__db__read_query', { query: `${pre};\n${bad}` });
          expect(d.tier).toBe(4);
        },
      ),
    );
  });

  it('a framework reset is at least gated, whatever words follow it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RESETS), fc.array(word, { maxLength: 4 }), (cmd, more) => {
        const d = bash(`${cmd} ${more.join(' ')}`.trim());
        expect(d.tier).toBeGreaterThanOrEqual(3);
      }),
    );
  });

  it('naming production never lowers the tier of a reset', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RESETS),
        fc.constantFrom('RAILS_ENV', 'NODE_ENV', 'MIX_ENV', 'APP_ENV', 'DATABASE_URL'),
        fc.constantFrom('production', 'prod', 'postgres://u@localhost/app_prod'),
        (cmd, key, value) => {
          const plain = bash(cmd).tier;
          const prod = bash(`${key}=${value} ${cmd}`).tier;
          expect(prod).toBeGreaterThanOrEqual(plain);
          expect(prod).toBe(4);
        },
      ),
    );
  });
});
