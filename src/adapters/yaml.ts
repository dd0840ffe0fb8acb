// YAML for the core's judges (Taskfiles), behind the JudgeContext seam so src/core imports no library.
import { parse } from 'yaml';

/** Parse untrusted YAML with alias expansion bounded (a billion-laughs file stays small). */
export function parseYaml(text: string): unknown {
  return parse(text, { maxAliasCount: 100 });
}
