// A teammate clones a repository whose committed .claude/settings.json runs agent-sre from the project's
// node_modules, before running npm install: the built doctor says the hooks will refuse every call and
// what to run.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeClaudeSettings } from '../../src/adapters/agents/claude/settings.ts';
import { portableHookCommand } from '../../src/app/hook-location.ts';
import { ensureBuilt, runBin, tempProject } from './bin.ts';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = tempProject('agent-sre-doctor-install-');
  writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'x', devDependencies: { 'agent-sre': '^0.1.0' } }),
  );
  const { settings } = mergeClaudeSettings(undefined, {
    ...portableHookCommand('node_modules/agent-sre'),
    timeoutSec: 10,
    denyRules: [],
    asyncPost: true,
  });
  mkdirSync(join(dir, '.claude'), { recursive: true });
  writeFileSync(join(dir, '.claude', 'settings.json'), JSON.stringify(settings));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('doctor names the missing package and the fix', async () => {
  const r = await runBin(['doctor', '--json', '--dir', dir]);
  const checks = (JSON.parse(r.stdout) as { checks: Array<{ name: string; ok: boolean; detail: string }> })
    .checks;
  const install = checks.find((c) => c.name === 'install');
  expect(install).toMatchObject({ ok: false });
  expect(install?.detail).toContain('run npm install');
  expect(r.code).not.toBe(0);
});
