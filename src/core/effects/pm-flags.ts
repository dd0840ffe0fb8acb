// Options of npm, pnpm, yarn and bun that take a value: the word after them is that value, never the
// package, script or subcommand a judge is looking for.
export const PM_WITH_VALUE: Set<string> = new Set([
  '--prefix',
  '-C',
  '--dir',
  '--cwd',
  '-w',
  '--workspace',
  '--filter',
  '-F',
  '--registry',
  '--cache',
  '--userconfig',
  '--tag',
  '--loglevel',
  '--omit',
  '--include',
  '--network-timeout',
  '--modules-folder',
]);
