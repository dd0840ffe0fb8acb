// Thin wrapper over node:util parseArgs that turns its errors into usage errors.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './io.ts';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  help: string,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${help}`);
  }
}
