// The policy engine for in-process benches: src/core's judge and test/helpers/judge.ts (the corpus's
// world, the embedded default policy) bundled with esbuild, so the benches run from src/ whether or
// not dist/ is current.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bundle into `dir` and import it. */
export async function loadEngine(dir) {
  const { build } = await import('esbuild');
  const outfile = join(dir, 'judge.mjs');
  await build({
    stdin: {
      contents: "export { judge } from './src/core/judge.ts';\nexport * from './test/helpers/judge.ts';\n",
      resolveDir: ROOT,
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3', 'tree-sitter', 'tree-sitter-bash'],
    // yaml is CommonJS: give its require() calls something to call inside the ESM bundle.
    banner: {
      js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  return import(pathToFileURL(outfile).href);
}
