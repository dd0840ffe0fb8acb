// etcdctl argv and `txn` stdin are untrusted text: the recognizer never throws, and pointing the same
// command at a remote endpoint never drops the destroy tag nor turns remote into local.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recognizeInfra } from '../../src/core/effects/recognize/index.ts';

const word = fc.oneof(
  fc.constantFrom(
    'del',
    'delete',
    'rm',
    'rmdir',
    'member',
    'remove',
    'txn',
    '--prefix',
    '--from-key',
    '-r',
    '""',
    '/',
    'a',
    'z',
    '--endpoints',
    '--range-end=z',
    '--',
    '-',
  ),
  fc.string({ maxLength: 12 }),
);

describe('etcdctl recognizer (property)', () => {
  it('never throws and a remote endpoint never lowers the tags', () => {
    fc.assert(
      fc.property(fc.array(word, { maxLength: 10 }), fc.string({ maxLength: 200 }), (argv, stdin) => {
        const info = { stdin: { kind: 'text', text: stdin } };
        const local = recognizeInfra('etcdctl', argv, info);
        const remote = recognizeInfra(
          'etcdctl',
          ['--endpoints=https://etcd.example.com:2379', ...argv],
          info,
        );
        if (local.includes('db.destroy')) expect(remote).toContain('db.destroy');
        if (argv.length > 0 && local.length > 0) expect(remote).not.toContain('db.local');
      }),
      { numRuns: 300 },
    );
  });
});
