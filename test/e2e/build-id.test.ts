// The policy and runbook caches key on the build id (a hash of what went into the build), not only on
// the version string: two builds with different code and the same version never share a cache entry.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.ts';
import { bashPre, ensureBuilt, ROOT, tempProject, withRunbook } from './bin.ts';
import { copyInstall, launch, tempConfig, verdictOf } from './launcher.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

type Cache = { version: string; build: string; marker?: string };

describe('build id', () => {
  it('is compiled into the hook and written by the build', () => {
    const id = readFileSync(join(ROOT, 'dist', 'build-id'), 'utf8').trim();
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(readFileSync(join(ROOT, 'dist', 'hook.cjs'), 'utf8')).toContain(JSON.stringify(id));
  });

  it('a rebuild with the same version string does not reuse the cached policy or runbook', async () => {
    const install = copyInstall();
    const config = tempConfig();
    const project = withRunbook(tempProject());
    made.push(install, join(config, '..'), project);
    mkdirSync(join(project, '.agent-sre'));
    const call = () =>
      launch(bashPre(project, 's', 'ls'), {
        projectDir: project,
        config,
        launcher: join(install, 'bin', 'agent-sre-hook.cjs'),
        env: { AGENT_SRE_HOOKD: '0' },
      });
    const cacheFile = (name: string) => join(project, '.agent-sre', 'cache', name);
    const read = (name: string) => JSON.parse(readFileSync(cacheFile(name), 'utf8')) as Cache;
    const mark = (name: string) =>
      writeFileSync(cacheFile(name), JSON.stringify({ ...read(name), marker: 'old' }));

    expect(verdictOf(await call())).toBe('allow');
    const oldId = readFileSync(join(install, 'dist', 'build-id'), 'utf8').trim();
    for (const name of ['policy.json', 'runbook.json']) {
      expect(read(name)).toMatchObject({ version: VERSION, build: oldId });
      mark(name);
    }
    // The same build reuses its entries (the marker survives a call).
    await call();
    expect(read('policy.json').marker).toBe('old');

    // Another build of the same version: different code, so a different id.
    const newId = oldId.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    for (const f of ['hook.cjs', 'hookd.cjs']) {
      const file = join(install, 'dist', f);
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replaceAll(JSON.stringify(oldId), JSON.stringify(newId)),
      );
    }
    const trust = spawnSync(process.execPath, [join(install, 'bin', 'agent-sre.js'), 'trust'], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: config, CLAUDECODE: '' },
    });
    expect(trust.status, trust.stderr).toBe(0);
    expect(verdictOf(await call())).toBe('allow');
    for (const name of ['policy.json', 'runbook.json']) {
      expect(read(name)).toMatchObject({ version: VERSION, build: newId });
      expect(read(name).marker).toBeUndefined();
    }
  });
});
