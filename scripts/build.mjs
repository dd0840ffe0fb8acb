// Bundle the CLI into dist/ (one entry, lazily loaded chunks: the hook path never loads yaml or zod
// unless the policy changed) and regenerate the policy JSON Schema.
import { createHash } from 'node:crypto';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const external = ['better-sqlite3', 'tree-sitter', 'tree-sitter-bash'];

// The build id: a hash of everything that goes into the bundles (sources, this script, the locked
// dependency versions). Caches of compiled policy and runbooks key on it, so a rebuild under the same
// version string never reuses what an older build compiled.
function buildId() {
  const h = createHash('sha256');
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of [
    ...files,
    join(root, 'scripts/build.mjs'),
    join(root, 'package.json'),
    join(root, 'package-lock.json'),
  ]) {
    let text;
    try {
      text = readFileSync(f);
    } catch {
      continue;
    }
    h.update(`${relative(root, f)}\0${text.length}\0`);
    h.update(text);
  }
  return h.digest('hex').slice(0, 16);
}
const BUILD_ID = buildId();

// The embedded default policy's value, parsed from its YAML here once (src/config/default-policy-raw.ts)
// and embedded as JSON: every command that loads a policy would otherwise parse the YAML first.
async function defaultPolicyJson() {
  const dir = mkdtempSync(join(tmpdir(), 'agent-sre-build-'));
  const file = join(dir, 'default-policy.mjs');
  try {
    await build({
      stdin: {
        contents: "export { defaultPolicyRaw } from './src/config/default-policy-raw.ts';",
        resolveDir: root,
        loader: 'ts',
      },
      outfile: file,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'warning',
      banner: {
        js: "import { createRequire as __agentSreCreateRequire } from 'node:module'; const require = __agentSreCreateRequire(import.meta.url);",
      },
    });
    const { defaultPolicyRaw } = await import(pathToFileURL(file).href);
    return JSON.stringify(defaultPolicyRaw());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const define = { __AGENT_SRE_BUILD_ID__: JSON.stringify(BUILD_ID) };
// Only the CLI gets it: the hook keeps its bundle as small as it was (it caches the compiled policy, and
// its daemon parses once for many calls).
const cliDefine = { ...define, __AGENT_SRE_DEFAULT_POLICY__: await defaultPolicyJson() };

// Build beside dist/ and swap it in at the end, so an installed hook never sees a half-built dist/
// (a missing file would be exit 1: "go ahead" on Claude Code without onFailure "block").
const out = join(root, `dist.next-${process.pid}`);
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: { cli: join(root, 'src/cli/run.ts') },
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: 'linked',
  chunkNames: 'chunks/[name]-[hash]',
  define: cliDefine,
  // yaml is CommonJS: give its require() calls something to call inside our ESM chunks.
  banner: {
    js: "import { createRequire as __agentSreCreateRequire } from 'node:module'; const require = __agentSreCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The PostgreSQL store's connection worker (src/adapters/store/pg-sync.ts): a worker thread loads it by
// path, so it is a file of its own at the top of dist/, with pg bundled in.
await build({
  entryPoints: [join(root, 'src/adapters/store/pg-worker.mjs')],
  outfile: join(out, 'pg-worker.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // pg is CommonJS: its require() calls need a require inside the ESM file.
  banner: {
    js: "import { createRequire as __agentSreCreateRequire } from 'node:module'; const require = __agentSreCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

// The hook: one CommonJS file, no chunks to resolve at start-up. Parts of the hook that are big and rarely needed get a file of their own, loaded on first use: policy
// validation (yaml, zod) when agent-sre.yaml changed, the Markdown parser when the runbook changed, zod's
// JSON Schema import when a schema check runs. The hook's own file stays small, so it starts fast.
const SIDE_FILES = [
  ['src/config/load.ts', 'config-load.cjs', /config\/load\.ts$/],
  ['src/app/runbook-eval.ts', 'runbook-eval.cjs', /\/runbook-eval\.ts$/],
  ['src/app/json-schema.ts', 'json-schema.cjs', /\/json-schema\.ts$/],
];
/** One CommonJS file for Node 20, everything bundled but what `extra` says. */
const cjs = (entry, outName, extra = {}) =>
  build({
    entryPoints: [join(root, entry)],
    outfile: join(out, outName),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    ...extra,
    define: { ...define, ...extra.define },
  });
for (const [entry, outName] of SIDE_FILES) await cjs(entry, outName);
const sideFilesExternal = {
  name: 'side-files-external',
  setup(b) {
    for (const [, outName, filter] of SIDE_FILES)
      b.onResolve({ filter }, () => ({ path: `./${outName}`, external: true }));
  },
};
// The hook's in-process path and the warm daemon the launcher starts: one CommonJS file each, the
// natives external, the side files loaded from their own files.
for (const [entry, outName] of [
  ['src/cli/hook-main.ts', 'hook.cjs'],
  ['src/cli/hookd-main.ts', 'hookd.cjs'],
]) {
  await cjs(entry, outName, {
    plugins: [sideFilesExternal],
    external,
    define: { 'import.meta.url': '__agentSreMetaUrl' },
    banner: { js: "const __agentSreMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
}

// The hook runs under a code-cache loader (bin/agent-sre-hook.cjs) that has no ESM import callback:
// load the side files with require instead.
for (const name of ['hook.cjs', 'hookd.cjs']) {
  const file = join(out, name);
  let text = readFileSync(file, 'utf8');
  for (const [, outName] of SIDE_FILES) {
    const lazy = `import("./${outName}")`;
    if (!text.includes(lazy)) throw new Error(`build: expected ${name} to load ./${outName} lazily`);
    text = text.replaceAll(lazy, `Promise.resolve().then(() => require("./${outName}"))`);
  }
  writeFileSync(file, text);
}

// The dashboard's page ships inside dist/, beside the code that serves it: no build step of its own, and an
// install that has dist/ has the page.
cpSync(join(root, 'dashboard'), join(out, 'dashboard'), { recursive: true });

const old = join(root, `dist.old-${process.pid}`);
try {
  renameSync(join(root, 'dist'), old);
} catch {
  // First build: there is no dist/ yet.
}
renameSync(out, join(root, 'dist'));
rmSync(old, { recursive: true, force: true });
writeFileSync(join(root, 'dist', 'build-id'), `${BUILD_ID}\n`);

// Whoever builds the guard vouches for the code it runs: record it as trusted for this install, so the
// hook does not refuse its own fresh build. Not from inside a coding agent: there a human runs
// `agent-sre trust` after looking at what changed.
if (process.env.CLAUDECODE === '1') {
  process.stderr.write(
    'build: running inside a coding agent (CLAUDECODE=1), so this build is not trusted; a human runs `agent-sre trust`\n',
  );
} else {
  const { trustInstall } = createRequire(import.meta.url)(join(root, 'bin', 'agent-sre-hook.cjs'));
  trustInstall(root, process.env, 'build');
}

// The JSON Schema for editors comes from the same zod schema that validates the file.
const tmp = join(root, 'node_modules', '.cache', 'agent-sre-build');
mkdirSync(tmp, { recursive: true });
await build({
  entryPoints: [join(root, 'scripts/schema-entry.ts')],
  outfile: join(tmp, 'schema.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { policyJsonSchema } = await import(pathToFileURL(join(tmp, 'schema.mjs')).href);
mkdirSync(join(root, 'schema'), { recursive: true });
writeFileSync(
  join(root, 'schema', 'agent-sre.schema.json'),
  `${JSON.stringify(policyJsonSchema(), null, 2)}\n`,
);
