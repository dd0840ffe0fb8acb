// Lookups by names that come from the agent's input: a command, a subcommand or a script called
// `__proto__`, `constructor` or `toString` must find nothing, not Object.prototype's members (one
// such lookup made `nsenter __proto__` throw).

/** `table[key]` when the table itself has that key, else undefined. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
