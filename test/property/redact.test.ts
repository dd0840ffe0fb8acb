// Properties of the one redactor (src/core/redact.ts) over generated input: it never throws, redacting twice
// is redacting once, a corpus secret never survives whatever surrounds it (plain text, JSON, a shell command,
// YAML), and developer text without secrets comes out unchanged. How fast it runs is measured by
// `npm run bench` (longInputs), not here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactedJson, redactText } from '../../src/core/redact.ts';

const RUNS = 400;

interface SecretCase {
  format: string;
  text: string;
  secret: string;
}
const SECRETS: SecretCase[] = readFileSync(
  join(import.meta.dirname, '..', 'corpus', 'secrets', 'redaction.jsonl'),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as SecretCase & { clean?: true })
  .filter((c) => !c.clean);

const jsonEscape = (s: string) => JSON.stringify(s).slice(1, -1);
/** Inside a double-quoted shell string. */
const shellEscape = (s: string) => s.replace(/[\\"$`]/g, '\\$&');
const indent = (s: string, by: string) =>
  s
    .split('\n')
    .map((l) => by + l)
    .join('\n');

/** Pieces that make the rules work hard: names, separators, quotes, escapes, prefixes, the marker. */
const FRAGMENTS = [
  'password',
  'PASSWORD',
  'token',
  'api_key',
  'client_secret',
  'MY_SERVICE_KEY',
  'sig',
  'auth',
  'session_id',
  '=',
  ':',
  ': ',
  ' = ',
  ':=',
  '=>',
  '"',
  "'",
  '`',
  '\\"',
  '\\',
  '\\n',
  '\n',
  ' ',
  '\t',
  '&',
  '?',
  ';',
  ',',
  '}',
  ']',
  ')',
  '[',
  REDACTED,
  'ghp_',
  'AKIA',
  'eyJ',
  '.',
  '-',
  '--',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----END RSA PRIVATE KEY-----',
  'PRIVATE KEY',
  '://',
  'https://',
  '@',
  'user:',
  'mysql ',
  ' -p',
  ' -u ',
  'machine ',
  'login ',
  ' password ',
  'Bearer ',
  'Basic ',
  '--token ',
  'config set ',
  '<password>',
  '</password>',
  '- name: ',
  'value: ',
  '${',
  '$(',
  '{{',
  'Zx8qT4mW9pLr2VbN7cYe3KdH',
  '0123456789abcdef0123456789abcdef',
  'A1b2C3d4E5f6G7h8I9j0K1l2',
  'sha256:',
  'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVk',
  'curl ',
  'a:b',
  'xoxb-',
  'sk-',
  'SG.',
  'hooks.slack.com/services/',
  'variable "db_password" {',
  'default = ',
  'jdbc:oracle:thin:',
  '@tcp(',
  '%',
  'pass:',
  'Q~',
  '12345678:',
];

const fragmentText = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 12 })), { maxLength: 40 })
  .map((parts) => parts.join(''));

const anyText = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({ maxLength: 200, unit: 'binary' }),
  fragmentText,
);

describe('redactText on any input', () => {
  it('never throws, and redacting twice changes nothing', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const once = redactText(s);
        expect(typeof once).toBe('string');
        expect(redactText(once)).toBe(once);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('replaces exactly the reported findings, merged, and nothing else', () => {
    fc.assert(
      fc.property(fragmentText, (s) => {
        const { text, findings } = redact(s);
        const merged: { start: number; end: number }[] = [];
        for (const f of findings) {
          expect(0 <= f.start && f.start < f.end && f.end <= s.length).toBe(true);
          const last = merged.at(-1);
          if (last && f.start <= last.end) last.end = Math.max(last.end, f.end);
          else merged.push({ start: f.start, end: f.end });
        }
        let expected = '';
        let pos = 0;
        for (const m of merged) {
          expected += s.slice(pos, m.start) + REDACTED;
          pos = m.end;
        }
        expect(text).toBe(expected + s.slice(pos));
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps redactedJson valid JSON of the same shape', () => {
    // The JSON text with every string emptied: the structure, which redaction must not touch.
    const shape = (json: string) => json.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.dictionary(fc.constantFrom(...FRAGMENTS), anyText),
          fc.array(fc.dictionary(fc.constantFrom('name', 'key', 'value', 'password', 'note'), fragmentText)),
        ),
        (v) => {
          const out = redactedJson(v);
          expect(() => JSON.parse(out)).not.toThrow();
          expect(shape(out)).toBe(shape(JSON.stringify(v)));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('a corpus secret in any surroundings', () => {
  const surrounding = fc.oneof(fc.string({ maxLength: 40 }), fragmentText, fc.constant(''));
  const contexts = ['plain', 'json', 'shell', 'yaml-block', 'yaml-quoted'] as const;

  it('never survives redaction', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SECRETS),
        surrounding,
        surrounding,
        fc.constantFrom(...contexts),
        (c, pre, post, context) => {
          let text: string;
          let forms: string[];
          switch (context) {
            case 'plain':
              text = `${pre}\n${c.text}\n${post}`;
              forms = [c.secret];
              break;
            case 'json':
              text = JSON.stringify({ pre, tool_input: { command: c.text }, post });
              forms = [c.secret, jsonEscape(c.secret)];
              break;
            case 'shell':
              text = `${pre} && printf '%s\\n' "${shellEscape(c.text)}" | tee /tmp/out.txt && ${post}`;
              forms = [c.secret, shellEscape(c.secret)];
              break;
            case 'yaml-block':
              text = `steps:\n  - run: |\n${indent(c.text, '      ')}\n    note: ${JSON.stringify(post)}`;
              forms = [c.secret];
              break;
            case 'yaml-quoted':
              text = `${JSON.stringify(pre)}: ${JSON.stringify(c.text)}\nafter: ${JSON.stringify(post)}`;
              forms = [c.secret, jsonEscape(c.secret)];
              break;
          }
          const out = redactText(text);
          for (const f of forms) expect(out, `${c.format} in ${context}`).not.toContain(f);
          const json = redactedJson({ input: text });
          for (const f of [...forms, ...forms.map(jsonEscape)]) expect(json).not.toContain(f);
          expect(redactText(out)).toBe(out);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });
});

describe('developer text without secrets', () => {
  const hex = (n: number) =>
    fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
  const uuid = fc.uuid();
  const word = fc.constantFrom(
    'fix',
    'the',
    'flaky',
    'test',
    'password',
    'passwords',
    'token',
    'tokens',
    'secret',
    'secrets',
    'key',
    'keys',
    'auth',
    'Authorization',
    'api_key',
    'session_id',
    'credentials',
    'rotate',
    'policy',
    'deploy',
    'build',
    'src/index.ts',
    'README.md',
    'npm',
    'run',
    'git',
    'commit',
    'push',
    'origin',
    'main',
    'kubectl',
    'apply',
    '-f',
    '-la',
    '--verbose',
    '--dry-run',
    '&&',
    '|',
    '#',
    'TODO:',
    'e.g.',
    '(see',
    'docs)',
  );
  const path = fc
    .array(
      fc.constantFrom('usr', 'local', 'bin', 'src', 'core', 'home', 'dev', '.ssh', 'id_ed25519.pub', 'app'),
      {
        minLength: 1,
        maxLength: 5,
      },
    )
    .map((p) => `/${p.join('/')}`);
  const piece = fc.oneof(
    { weight: 6, arbitrary: word },
    { weight: 1, arbitrary: path },
    { weight: 1, arbitrary: hex(40).map((sha) => `git checkout ${sha}`) },
    { weight: 1, arbitrary: hex(7) },
    { weight: 1, arbitrary: hex(64).map((d) => `sha256:${d}`) },
    { weight: 1, arbitrary: uuid },
    { weight: 1, arbitrary: fc.integer().map(String) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map((v) => `v${v.join('.')}`) },
  );
  const devText = fc
    .array(fc.tuple(piece, fc.constantFrom(' ', ' ', '\n', ', ', '. ')), { maxLength: 30 })
    .map((parts) => parts.map(([p, sep]) => p + sep).join(''));

  it('comes out unchanged', () => {
    fc.assert(
      fc.property(devText, (s) => {
        expect(redact(s).findings).toEqual([]);
        expect(redactedJson({ command: s })).toBe(JSON.stringify({ command: s }));
      }),
      { numRuns: RUNS },
    );
  });
});
