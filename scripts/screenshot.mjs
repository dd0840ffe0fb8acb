#!/usr/bin/env node
// docs/dashboard.png for the README: the real dashboard server over a scratch project with two weeks of
// history (scripts/screenshot-scene.ts: sessions through the real hook, cost, golden-eval drift, answered
// incidents) and a tier-3 call waiting at the gate in a real hook process, signed in with a one-time login
// link and photographed by Debian's Chromium.
//
//   node scripts/screenshot.mjs [--out docs/dashboard.png] [--width 1280] [--height 900] [--full]
//
// The scene is bundled with esbuild, so it runs from src/ as it is; the waiting hook is the built bin
// (npm run build first when dist/ is missing).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'docs', 'dashboard.png') },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '900' },
    full: { type: 'boolean', default: false },
  },
});

const bin = join(ROOT, 'bin', 'agent-sre.js');
if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
  console.error('dist/ is missing: run npm run build first (the waiting gate is the built hook).');
  process.exit(1);
}
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`no Chromium at ${chromiumPath}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  process.exit(1);
}

const tmp = join(ROOT, 'node_modules', '.cache', 'agent-sre-screenshot');
mkdirSync(tmp, { recursive: true });
await build({
  entryPoints: [join(ROOT, 'scripts', 'screenshot-scene.ts')],
  outfile: join(tmp, 'scene.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // The hook requires node builtins on first use (requireBuiltin): give the ESM bundle a require().
  banner: {
    js: "import { createRequire as __screenshotRequire } from 'node:module'; const require = __screenshotRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const { buildDemo } = await import(pathToFileURL(join(tmp, 'scene.mjs')).href);

const started = Date.now();
const demo = await buildDemo({
  bin,
  fakeRunner: join(ROOT, 'test', 'fixtures', 'golden', 'fake-runner.awk'),
});
console.log(`scene ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${demo.scene.dir}`);

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({
    viewport: { width: Number(values.width), height: Number(values.height) },
    colorScheme: 'light',
    deviceScaleFactor: 1,
  });
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(demo.page.service.loginUrl('ana'));
  await page.locator('#live:not(.off)').waitFor({ timeout: 15_000 });
  await page.locator('#approvals-list article').first().waitFor();
  await page.waitForTimeout(500);
  mkdirSync(join(values.out, '..'), { recursive: true });
  await page.screenshot({ path: values.out, fullPage: values.full });
  if (problems.length) throw new Error(`the page complained:\n${problems.join('\n')}`);
  console.log(`wrote ${values.out}`);
} finally {
  await browser.close();
  demo.gate.child.kill('SIGTERM');
  await demo.scene.close();
}
