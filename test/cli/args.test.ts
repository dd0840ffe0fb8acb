import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, usageOf } from '../../src/cli/args.ts';
import { UsageError } from '../../src/cli/io.ts';

const HELP = `Usage: agent-sre thing [--json] [--dir DIR] [--deliver-only]

What it does.

Options:
  --json
`;
const OPTIONS = {
  json: { type: 'boolean' },
  dir: { type: 'string' },
  'deliver-only': { type: 'boolean' },
} as const;

function failure(args: string[]): string {
  try {
    parse(args, OPTIONS, HELP);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`parsed: ${args.join(' ')}`);
}

describe('parse', () => {
  it.each([
    [['--jsno'], "Unknown option '--jsno'. Did you mean --json?"],
    [['--JSON'], "Unknown option '--JSON'. Did you mean --json?"],
    [['--deliver-onyl'], "Unknown option '--deliver-onyl'. Did you mean --deliver-only?"],
    [['--dri', 'x'], "Unknown option '--dri'. Did you mean --dir?"],
    [['--hepl'], "Unknown option '--hepl'. Did you mean --help?"],
    [['--nothing-like-it'], "Unknown option '--nothing-like-it'."],
    [['-q'], "Unknown option '-q'."],
    [['-hq'], "Unknown option '-q'."],
    [['--constructor'], "Unknown option '--constructor'."],
    [['--a\u001b[2Jb'], "Unknown option '--a?[2Jb'."],
    [['--json=1'], '--json takes no value.'],
    [['--dir'], '--dir needs a value.'],
    [['x', '--dir', '--json'], '--dir needs a value (one that starts with a dash goes as --dir=VALUE).'],
  ])('%j', (args, message) => {
    expect(failure(args)).toBe(`${message}\nUsage: agent-sre thing [--json] [--dir DIR] [--deliver-only]`);
  });

  it('still parses what is right, options anywhere and after --', () => {
    const r = parse(['a', '--dir=-x', '--json', '--', '--jsno'], OPTIONS, HELP);
    expect(r.values).toMatchObject({ dir: '-x', json: true });
    expect(r.positionals).toEqual(['a', '--jsno']);
  });

  it('fails only with a usage error whose first line names the problem', () => {
    const arg = fc.oneof(
      fc.constantFrom(
        '--json',
        '--dir',
        '--dir=x',
        '-h',
        '--',
        '-',
        '--=',
        '---',
        '-hx',
        '--deliver-only=no',
      ),
      fc.string({ maxLength: 8 }),
      fc.string({ maxLength: 8 }).map((s) => `--${s}`),
      fc.string({ maxLength: 3 }).map((s) => `-${s}`),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (args) => {
        try {
          parse(args, OPTIONS, HELP);
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          const [first, usage, ...rest] = (err as Error).message.split('\n');
          expect(first).toMatch(/\.$|\?$/);
          expect(usage).toMatch(/^Usage: agent-sre thing/);
          expect(rest).toEqual([]);
        }
      }),
    );
  });
});

describe('usageOf', () => {
  it.each([
    ['Usage: a b\n\nmore', 'Usage: a b'],
    ['Usage: a b\n       a c\n\nmore', 'Usage: a b\n       a c'],
    ['Usage: a b\n   [x]\n       a c\n       a d\n\nmore', 'Usage: a b'],
    ['no usage here', ''],
  ])('%j', (help, usage) => {
    expect(usageOf(help)).toBe(usage);
  });
});
