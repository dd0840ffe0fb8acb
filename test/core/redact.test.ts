import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactedJson, redactText } from '../../src/core/redact.ts';

// Made-up secrets in the shapes real ones have. None of these is a live credential.
const SECRETS: [string, string, string][] = [
  ['aws access key id', 'aws s3 ls --key AKIAQ3EGUMBFXAMPLE7Z', 'AKIAQ3EGUMBFXAMPLE7Z'],
  [
    'aws secret in env',
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYzz9exampleK',
    'wJalrXUtnFEMIK7MDENGbPxRfiCYzz9exampleK',
  ],
  [
    'github classic token',
    'git clone https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/a/b',
    'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  ],
  [
    'github fine-grained',
    'GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ',
  ],
  ['gitlab token', 'curl -H "PRIVATE-TOKEN: glpat-AbCdEfGhIjKlMnOpQrSt" x', 'glpat-AbCdEfGhIjKlMnOpQrSt'],
  [
    'slack bot token',
    'SLACK=xoxb-123456789012-1234567890123-AbCdEfGhIjKl',
    'xoxb-123456789012-1234567890123-AbCdEfGhIjKl',
  ],
  [
    'slack webhook',
    'curl https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX',
    'hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX',
  ],
  ['stripe live key', 'stripe_key: sk_live_51HabcdefGHIJKLmnopQRSTuv', 'sk_live_51HabcdefGHIJKLmnopQRSTuv'],
  [
    'anthropic key',
    'export ANTHROPIC_API_KEY=sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123',
    'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123',
  ],
  [
    'npm token',
    '//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789',
    'npm_abcdefghijklmnopqrstuvwxyz0123456789',
  ],
  [
    'google api key',
    'maps?key=AIzaSyA-abcdefghijklmnopqrstuvwxyz01234',
    'AIzaSyA-abcdefghijklmnopqrstuvwxyz01234',
  ],
  [
    'jwt',
    'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  ],
  ['bearer header', "curl -H 'Authorization: Bearer abc.def-ghi_jkl012345' api", 'abc.def-ghi_jkl012345'],
  [
    'private key',
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAA',
  ],
  ['postgres url password', 'psql postgres://admin:s3cr3tPass@db.prod:5432/app', 's3cr3tPass'],
  ['password assignment', 'DB_PASSWORD=hunter2hunter2 npm start', 'hunter2hunter2'],
  ['json secret', '{"client_secret": "Zx9-Qw8-Er7-Ty6"}', 'Zx9-Qw8-Er7-Ty6'],
  ['password flag', 'mysql --password S3cretValue -u root', 'S3cretValue'],
  [
    'sendgrid',
    'SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz012345',
    'SG.abcdefghijklmnopqrstuv.abcdefghijklmnopqrstuvwxyz012345',
  ],
  ['hugging face', 'HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH', 'hf_abcdefghijklmnopqrstuvwxyzABCDEFGH'],
];

describe('redaction', () => {
  it.each(SECRETS)('removes a %s', (_name, text, secret) => {
    const out = redactText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('leaves ordinary text alone', () => {
    for (const text of [
      'npm test -- --max_tokens 4000',
      '{"author": "dana", "description": "fix flaky test"}',
      'git commit -m "rotate the password policy doc"',
      'ls -la src',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('redacts inside JSON-escaped hook inputs', () => {
    const out = redactedJson({ command: 'curl -d \'{"password": "p4ssw0rd!"}\' https://x' });
    expect(out).not.toContain('p4ssw0rd!');
  });

  it('handles one long unbroken word (its timing is in npm run bench)', () => {
    const word = 'a'.repeat(200_000);
    expect(redactText(`${word}=value ${word}`)).toBe(`${word}=value ${word}`);
    expect(redactText(`${word}_password=hunter2hunter2`)).toBe(`${word}_password=${REDACTED}`);
  });

  it('never throws and never grows a secret-free text except by markers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => typeof redactText(s) === 'string'),
      { numRuns: 500 },
    );
  });
});
