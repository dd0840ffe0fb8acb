// What a recorded call ran, read once per event: the shell command (parsed from the stored input) and
// whether it was a test run. A long session has a hundred thousand events and several folds read them;
// parsing each input once keeps a postmortem of such a session within seconds.
import { commandOf, isTestCommand } from '../gates/evidence.ts';
import type { LedgerEvent } from '../session/types.ts';

export interface RunFacts {
  command(e: LedgerEvent): string | null;
  /** A PostToolUse or PostToolUseFailure of a test command. */
  isTestRun(e: LedgerEvent): boolean;
}

export function runFacts(
  testPatterns: readonly RegExp[] = [],
  testCommands: readonly string[] = [],
): RunFacts {
  const commands = new WeakMap<LedgerEvent, string | null>();
  const tests = new WeakMap<LedgerEvent, boolean>();
  const command = (e: LedgerEvent) => {
    if (e.tool !== 'Bash' && e.tool !== 'PowerShell') return null;
    let c = commands.get(e);
    if (c === undefined) {
      c = commandOf(e);
      commands.set(e, c);
    }
    return c;
  };
  return {
    command,
    isTestRun(e) {
      if (e.event !== 'PostToolUse' && e.event !== 'PostToolUseFailure') return false;
      let t = tests.get(e);
      if (t === undefined) {
        const c = command(e);
        t = c !== null && isTestCommand(c, testPatterns, testCommands);
        tests.set(e, t);
      }
      return t;
    },
  };
}
