import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactedJson, redactText } from '../../src/core/redact.ts';
import {
  isSecretAssignment,
  looksLikeSecretValue,
  looksRandom,
  SECRET_RULE_NAMES,
  secretNameKind,
  urlCarriesSecret,
} from '../../src/core/secrets.ts';

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

describe('what stays around a secret', () => {
  it.each([
    ['DB_PASSWORD=hunter2hunter2 npm start', `DB_PASSWORD=${REDACTED} npm start`],
    [
      'psql postgres://admin:s3cr3tPass@db.prod:5432/app',
      `psql postgres://admin:${REDACTED}@db.prod:5432/app`,
    ],
    ['redis-cli -u redis://:s3cr3tPass@cache:6379', `redis-cli -u redis://:${REDACTED}@cache:6379`],
    [
      "curl -H 'Authorization: Bearer abc.def-ghi_jkl012345' x",
      `curl -H 'Authorization: Bearer ${REDACTED}' x`,
    ],
    ['{"client_secret": "Zx9-Qw8-Er7-Ty6"}', `{"client_secret": "${REDACTED}"}`],
    ["mysql -u root -p'S3cret!' app", `mysql -u root -p'${REDACTED}' app`],
    ['curl -u admin:S3cretValue https://x', `curl -u admin:${REDACTED} https://x`],
    [
      '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBvPjJnWHjiBWFm1kAJcG6Lkq5ucn4xgQ\n-----END EC PRIVATE KEY-----',
      `-----BEGIN EC PRIVATE KEY-----${REDACTED}-----END EC PRIVATE KEY-----`,
    ],
    [
      'SLACK=https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX',
      `SLACK=https://hooks.slack.com/services/${REDACTED}`,
    ],
  ])('%s', (text, want) => {
    expect(redactText(text)).toBe(want);
  });

  it('names the rule behind every finding, with offsets into the original text', () => {
    const text = 'GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345 make release';
    const { findings } = redact(text);
    expect(findings.map((f) => f.rule).sort()).toEqual(['assignment', 'github-token']);
    for (const f of findings) {
      expect(text.slice(f.start, f.end)).toBe('ghp_0123456789abcdefghijABCDEFGHIJ012345');
      expect(SECRET_RULE_NAMES).toContain(f.rule);
    }
  });

  it('joins touching findings into one marker and leaves an unchanged text as the same string', () => {
    expect(redactText('AKIAQ3EGUMBFXAMPLE7Z ghp_0123456789abcdefghijABCDEFGHIJ012345')).toBe(
      `${REDACTED} ${REDACTED}`,
    );
    const plain = 'ls -la src';
    expect(redact(plain)).toEqual({ text: plain, findings: [] });
  });
});

describe('secret-like names', () => {
  it.each([
    ['DB_PASSWORD', 'strong'],
    ['PGPASSWORD', 'strong'],
    ['clientSecret', 'strong'],
    ['x-api-key', 'strong'],
    ['AccountKey', 'strong'],
    ['aws_secret_access_key', 'strong'],
    ['_authToken', 'strong'],
    ['client-key-data', 'strong'],
    ['tls.key', 'strong'],
    ['HEROKU_API_KEY', 'strong'],
    ['MY_SERVICE_KEY', 'weak'],
    ['sig', 'weak'],
    ['ENCRYPTION_SALT', 'weak'],
    ['session_id', 'weak'],
    ['token_type', undefined],
    ['password_file', undefined],
    ['max_tokens', undefined],
    ['access_key_id', undefined],
    ['public_key', undefined],
    ['partition_key', undefined],
    ['tokenizer', undefined],
    ['passport', undefined],
    ['SECRET_KEY_RE', undefined],
  ])('%s is %s', (name, kind) => {
    expect(secretNameKind(name)).toBe(kind);
  });

  it('treats --ask-pass style switches as switches', () => {
    expect(secretNameKind('ask-vault-pass', { flag: true })).toBeUndefined();
    expect(redactText('ansible-playbook --ask-vault-pass site.yml')).toBe(
      'ansible-playbook --ask-vault-pass site.yml',
    );
  });

  it('hides a value next to a weak name only when it looks random', () => {
    expect(redactText('MY_SERVICE_KEY=Zx8qT4mW9pLr2VbN7cYe3KdH')).toBe(`MY_SERVICE_KEY=${REDACTED}`);
    for (const text of [
      'MY_SERVICE_KEY=billing-service-v2',
      'cacheKey: "v2-build-linux-node20-deps"',
      'session_id=3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c',
      '- key: app.kubernetes.io/name',
    ])
      expect(redactText(text)).toBe(text);
    // A UUID next to a strong name is a secret (Heroku API keys are UUIDs).
    expect(redactText('HEROKU_API_KEY=3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c')).toBe(
      `HEROKU_API_KEY=${REDACTED}`,
    );
  });

  it.each([
    ['Zx8qT4mW9pLr2VbN7cYe3KdH', true],
    ['643544b5e14469376274df6ae9b5d9c9', true],
    ['dXNlcm5hbWU6cGFzc3dvcmQxMjM0', true],
    ['camelCaseIdentifierName', false],
    ['release-2024-candidate-7', false],
    ['3f2a9c1e-7b4d-4e8a-9f0c-1d2e3f4a5b6c', false],
    ['short1A', false],
    ['aaaaaaaaaaaaaaaaaaaaaaaa', false],
  ])('looksRandom(%s) is %s', (v, want) => {
    expect(looksRandom(v)).toBe(want);
  });
});

describe('the classifier helpers keep their meaning', () => {
  it('isSecretAssignment', () => {
    expect(isSecretAssignment('DB_PASSWORD', 'x1')).toBe(true);
    expect(isSecretAssignment('--api-key', 'abc')).toBe(true);
    expect(isSecretAssignment('max_tokens', '4000')).toBe(false);
    expect(isSecretAssignment('author', 'dana')).toBe(false);
  });

  it('looksLikeSecretValue and urlCarriesSecret', () => {
    expect(looksLikeSecretValue('ghp_0123456789abcdefghijABCDEFGHIJ012345')).toBe(true);
    expect(looksLikeSecretValue('dckr_pat_abcdefghijklmnopqrstuvwxyz0')).toBe(true);
    expect(looksLikeSecretValue('git checkout 3f2a9c1e7b4d4e8a9f0c1d2e3f4a5b6c7d8e9f01')).toBe(false);
    expect(urlCarriesSecret('https://user:pw123456@example.com/x')).toBe(true);
    expect(urlCarriesSecret('https://example.com/x?access_token=abcdef123')).toBe(true);
    expect(
      urlCarriesSecret('https://api.telegram.org/bot1234567890:AAabcdefghijklmnopqrstuvwxyz0123456/getMe'),
    ).toBe(true);
    expect(urlCarriesSecret('https://example.com/docs?page=2')).toBe(false);
  });
});

describe('redactedJson', () => {
  it('stays valid JSON when a rule would read across two strings, and still hides named secrets', () => {
    const value = { password: 'x1y2z3', note: '<password>abc', end: '</password>' };
    const out = redactedJson(value);
    expect(JSON.parse(out)).toEqual({ password: REDACTED, note: '<password>abc', end: '</password>' });
    expect(
      JSON.parse(redactedJson({ env: [{ name: 'DB_PASSWORD', value: 'hunter2' }], note: value })).env,
    ).toEqual([{ name: 'DB_PASSWORD', value: REDACTED }]);
  });

  it('cuts long output and says so', () => {
    const out = redactedJson({ content: 'x'.repeat(200) }, 50);
    expect(out).toHaveLength(50 + '…[truncated 164 chars]'.length);
    expect(out.endsWith('…[truncated 164 chars]')).toBe(true);
  });
});

describe('pathological inputs (their timing is in npm run bench)', () => {
  it.each([
    'a1',
    'a-',
    'a.',
    '\\n',
    'password="',
    'a://b:c@',
    'eyJaaaaaaaa.',
    'ghp_',
    'mysql -u ',
    'machine x ',
    '-----BEGIN PRIVATE KEY-----',
    'MY_SERVICE_KEY=Zx8qT4mW9pLr2VbN7cYe3KdH',
    'jdbc:oracle:thin:a/',
  ])('redacts 100k characters of %j', (unit) => {
    const text = unit.repeat(Math.ceil(100_000 / unit.length));
    const out = redactText(text);
    expect(redactText(out)).toBe(out);
  });
});
