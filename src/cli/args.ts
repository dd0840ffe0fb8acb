// Thin wrapper over node:util parseArgs that turns its errors into short usage errors: what was wrong,
// the nearest known option when it looks like a typo, and the command's usage line.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { nearest, orList } from '../core/nearest.ts';
import { UsageError } from './io.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<T extends Options>(args: string[], options: T, help: string) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as const;
  try {
    return parseArgs({ args, options: all, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${whatWentWrong(args, all, err as Error)}\n${usageOf(help)}`);
  }
}

/**
 * One sentence about the first bad option. Found from parseArgs' own tokens (a lenient parse of the same
 * arguments), not by reading its error text, which is worded for developers and differs between Node versions.
 */
function whatWentWrong(args: string[], options: Options, err: Error): string {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const known = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!known) {
      const near = t.rawName.startsWith('--') ? nearest(t.name, Object.keys(options)) : [];
      const hint = near.length > 0 ? ` Did you mean ${orList(near, (n) => `--${n}`)}?` : '';
      return `Unknown option '${printable(t.rawName)}'.${hint}`;
    }
    if (known.type === 'string' && t.value === undefined) return `${t.rawName} needs a value.`;
    if (known.type === 'string' && t.inlineValue === false && t.value.startsWith('-'))
      return `${t.rawName} needs a value (one that starts with a dash goes as ${t.rawName}=VALUE).`;
    if (known.type === 'boolean' && t.inlineValue) return `${t.rawName} takes no value.`;
  }
  // Not one of the above: parseArgs' first sentence is the best there is.
  return (err.message.split(/\.\s/)[0] ?? err.message).replace(/\.?$/, '.');
}

/** What was typed, safe to echo: control characters (a terminal escape, a newline) shown as `?`. */
export function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** The "Usage:" lines at the top of a command's help: at most two, else the first. */
export function usageOf(help: string): string {
  const at = help.indexOf('Usage:');
  if (at === -1) return '';
  const block = help
    .slice(at)
    .split(/\n\s*\n/)[0]!
    .trimEnd()
    .split('\n');
  return (block.length <= 2 ? block : block.slice(0, 1)).join('\n');
}
