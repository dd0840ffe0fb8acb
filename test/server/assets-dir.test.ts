// The dashboard page runs with the signed-in human's cookie, so its files come from the package only:
// a dashboard/ folder above the package (the project the agent writes in) is never served.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { findAssetsDir } from '../../src/server/dashboard/server.ts';

let base: string;
afterEach(() => rmSync(base, { recursive: true, force: true }));

function layout(files: string[]): string {
  base = mkdtempSync(join(tmpdir(), 'agent-sre-assets-'));
  for (const f of files) {
    mkdirSync(join(base, f, '..'), { recursive: true });
    writeFileSync(join(base, f), '');
  }
  return join(base, 'proj', 'node_modules', 'agent-sre');
}

it('serves dist/dashboard of the package, else its checkout dashboard/', () => {
  const root = layout([
    'proj/node_modules/agent-sre/dist/dashboard/index.html',
    'proj/node_modules/agent-sre/dashboard/index.html',
  ]);
  expect(findAssetsDir(root)).toBe(join(root, 'dist', 'dashboard'));
  rmSync(join(root, 'dist'), { recursive: true });
  expect(findAssetsDir(root)).toBe(join(root, 'dashboard'));
});

it('never a dashboard/ found above the package', () => {
  const root = layout(['proj/dashboard/index.html', 'proj/node_modules/agent-sre/package.json']);
  expect(() => findAssetsDir(root)).toThrow(/not installed/);
});
