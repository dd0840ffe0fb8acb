import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  INFRA_TAGS,
  RECOGNIZED_PROGRAMS,
  recognizeInfra,
} from '../../../../src/core/effects/recognize/index.ts';
import { words } from './_cases.ts';

const KNOWN = new Set<string>(INFRA_TAGS);

// Tokens that steer recognizers into their deeper branches, plus prototype names that a careless
// object lookup would find.
const TOKENS = [
  'delete',
  'get',
  'apply',
  'destroy',
  'rm',
  'ls',
  'list',
  'create',
  'set',
  'secret',
  'secrets',
  'kv',
  'config',
  'auth',
  'token',
  'api',
  'graphql',
  'pg:psql',
  'd1',
  'execute',
  'compose',
  'volume',
  'system',
  'prune',
  'run-all',
  'workspace',
  'npm',
  'publish',
  'forget',
  'stream',
  'delete_user',
  'remove-secret',
  'unregister',
  '-jar',
  'jenkins-cli.jar',
  'delete-job',
  '--alter',
  '--create',
  '--bootstrap-server',
  'localhost:9092',
  'host:/d',
  '--remove-source-files',
  '-n',
  '-h',
  '-c',
  '-e',
  '-o',
  '-X',
  '-tAc',
  '-f',
  '--',
  '-',
  '',
  '=',
  '--x=',
  '-o=yaml',
  '--eval',
  '--command',
  '--remote',
  '--recursive',
  '--delete',
  '--dry-run',
  '--dry-run=none',
  'DELETE',
  'yaml',
  's3',
  's3://b',
  'gs://b',
  'postgres://',
  'postgres://[',
  'mongodb://@',
  'redis://:@',
  '%E0%A4%A',
  "DROP TABLE t; SELECT 'x",
  "UPDATE t SET a = '",
  'DELETE FROM t WHERE (',
  'db.dropDatabase(',
  "'",
  '"',
  '\\',
  '/*',
  '$(x)',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
];

const program = fc.oneof(fc.constantFrom(...RECOGNIZED_PROGRAMS), fc.string({ maxLength: 12 }));
const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 16 }) },
);
const argv = fc.array(token, { maxLength: 10 });

describe('recognizeInfra', () => {
  it('never throws and only returns known tags, each once', () => {
    fc.assert(
      fc.property(program, argv, (p, a) => {
        const tags = recognizeInfra(p, a);
        expect(Array.isArray(tags)).toBe(true);
        for (const t of tags) expect(KNOWN.has(t)).toBe(true);
        expect(new Set(tags).size).toBe(tags.length);
      }),
      { numRuns: 5000 },
    );
  });

  it('does not mutate argv', () => {
    fc.assert(
      fc.property(fc.constantFrom(...RECOGNIZED_PROGRAMS), argv, (p, a) => {
        const copy = [...a];
        recognizeInfra(p, a);
        expect(a).toEqual(copy);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    'ls -la',
    'rm -rf dist',
    'git push --force',
    'curl -X DELETE https://api.example.com/x',
    'make deploy',
    'echo "kubectl delete ns prod"',
    'grep -r "DROP TABLE" .',
    'constructor delete',
    '__proto__ delete',
    'hasOwnProperty get',
  ])('tags nothing for programs it does not know: %s', (line) => {
    const [p = '', ...rest] = words(line);
    expect(recognizeInfra(p, rest)).toEqual([]);
  });

  it('returns a fresh array each time, so callers may push onto it', () => {
    const a = recognizeInfra('ls', []);
    const b = recognizeInfra('ls', []);
    expect(a).not.toBe(b);
    const c = recognizeInfra('kubectl', ['delete', 'pod', 'x']);
    c.push('extra');
    expect(recognizeInfra('kubectl', ['delete', 'pod', 'x'])).toEqual(['infra.destroy']);
  });

  it('exposes the closed vocabulary', () => {
    expect([...INFRA_TAGS].sort()).toEqual(
      [
        'cred.manage',
        'cred.read',
        'db.destroy',
        'db.local',
        'db.production',
        'db.remote',
        'db.reset',
        'db.test',
        'infra.change',
        'infra.destroy',
        'infra.local',
        'infra.read',
        'registry.destroy',
        'registry.publish',
        'repo.destroy',
        'repo.read',
        'repo.write',
      ].sort(),
    );
  });
});
