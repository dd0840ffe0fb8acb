// What a command may touch of the process. Passed in so commands are testable in-process.
export interface Io {
  argv: string[];
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: (limit: number) => Promise<string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Terminal facts for colour, tables and progress (src/cli/terminal.ts); absent = not a terminal. */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  columns?: number;
}

/** A usage error: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandModule {
  run(args: string[], io: Io): Promise<number>;
}
