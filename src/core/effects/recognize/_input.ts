// What reaches a database or key-value client beyond its argv: the program text on its stdin and the
// script files it is told to run. Recognizers that run statements (psql, mysql, redis-cli, mongosh)
// read them through this, so `psql -h prod <<< 'DROP DATABASE app'` is judged like `psql -c`.
import type { ExecInfo } from './_tags.ts';

/** How many files a script may pull in through include directives (`\i`, `source`, `load()`). */
const MAX_INCLUDES = 16;

/**
 * stdin as program text: the text; null when something reaches stdin that nobody can read (a
 * download, a variable, a file that cannot be read); undefined when nothing is redirected. Only ask
 * when the client reads its program from stdin: text with run-time parts is reported as unseen.
 */
export function stdinProgram(info: ExecInfo | undefined): string | null | undefined {
  const s = info?.stdin;
  if (!s) return undefined;
  if (s.kind === 'text') {
    if (s.dynamic) info.unseen?.('statements on stdin with parts only known at run time');
    return s.text ?? '';
  }
  if (s.kind === 'file' && s.path !== undefined) return info.read?.(s.path) ?? null;
  return null;
}

/**
 * The program text a client runs from `files` (`-` is stdin) and, when `readsStdin`, from stdin; files
 * named by `include` directives inside it are read too (one level). Anything unreadable is reported
 * as unseen. Parts are joined by `sep` so statements never run together across files. Without `info`
 * (a caller that only has argv) there is nothing to read.
 */
export function scriptText(
  info: ExecInfo | undefined,
  files: readonly string[],
  readsStdin: boolean,
  include?: RegExp,
  sep = '\n;\n',
): string {
  if (!info) return '';
  const parts: string[] = [];
  const fromStdin = (): void => {
    const s = stdinProgram(info);
    if (s === null) info.unseen?.('statements on stdin that cannot be read');
    else if (s !== undefined) parts.push(s);
  };
  for (const f of files) {
    if (f === '-' || f === '/dev/stdin') fromStdin();
    else readInto(info, f, parts);
  }
  if (readsStdin) fromStdin();
  if (include) {
    let n = 0;
    for (const text of [...parts]) {
      include.lastIndex = 0;
      for (let m = include.exec(text); m !== null; m = include.exec(text)) {
        if (++n > MAX_INCLUDES) {
          info.unseen?.('more included scripts than agent-sre follows');
          break;
        }
        readInto(info, m[1]!.replace(/^['"]|['";]+$/g, ''), parts);
      }
    }
  }
  return parts.join(sep);
}

function readInto(info: ExecInfo, path: string, parts: string[]): void {
  const text = path.includes('$') || path.includes('`') ? undefined : info.read?.(path);
  if (text === undefined) info.unseen?.(`${path}, which could not be read`);
  else parts.push(text);
}

const WHOLLY_RUN_TIME_RE = /^\s*(?:\$\{?[A-Za-z_]\w*\}?|\$\([\s\S]*\)|`[\s\S]*`)\s*$/;

/**
 * Is a word the client runs (`-c "$SQL"`, `--eval "$(cat x.js)"`) wholly made at run time? Quoted
 * literal text that only looks like an expansion (`-c '``'`) is not: the client gets it as written.
 */
export function wholeRunTime(info: ExecInfo | undefined, value: string): boolean {
  if (!WHOLLY_RUN_TIME_RE.test(value)) return false;
  return info?.dynamicWords ? info.dynamicWords.has(value) : true;
}
