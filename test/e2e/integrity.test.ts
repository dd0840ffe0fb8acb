// Install integrity end to end, on a copy of the built install with its own per-user config dir: the
// launcher runs only the code a human trusted (trust on first use, `agent-sre trust` after a change),
// refuses every call when its own code changed, and never follows a link planted at the record.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trustOnInit } from '../../src/app/trust.ts';
import { bashPre, ensureBuilt, postToolUse, tempProject } from './bin.ts';
import {
  copyInstall,
  launch,
  pidsWith,
  reasonOf,
  removeProjects,
  tempConfig,
  verdictOf,
  waitFor,
} from './launcher.ts';

const made: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => removeProjects(made));

function setup() {
  const install = copyInstall();
  const config = tempConfig();
  const project = tempProject();
  mkdirSync(join(project, '.agent-sre'));
  made.push(install, config, project);
  const launcher = join(install, 'bin', 'agent-sre-hook.cjs');
  const call = (input: unknown, env: NodeJS.ProcessEnv = {}) =>
    launch(input, { projectDir: project, config, launcher, env });
  const record = join(config, 'agent-sre', 'trusted-installs.json');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(install, 'bin', 'agent-sre.js'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: config, CLAUDECODE: '', ...env },
    });
  return { install, config, project, call, record, cli };
}

describe('install integrity', () => {
  it('trusts on first use, refuses every call once dist/hook.cjs changed, and `trust` accepts it again', async () => {
    const { install, project, call, record, cli } = setup();
    const first = await call(bashPre(project, 's', 'ls'));
    expect(verdictOf(first), first.stderr).toBe('allow');
    // The record: 0600 in a 0700 dir, for this install, covering the launcher and every dist/*.cjs.
    expect(statSync(record).mode & 0o777).toBe(0o600);
    expect(statSync(join(record, '..')).mode & 0o777).toBe(0o700);
    const rec = JSON.parse(readFileSync(record, 'utf8')) as {
      installs: Record<string, { by: string; files: Record<string, unknown> }>;
    };
    expect(rec.installs[install]?.by).toBe('first use');
    expect(Object.keys(rec.installs[install]?.files ?? {})).toEqual(
      expect.arrayContaining([
        'bin/agent-sre-hook.cjs',
        'dist/hook.cjs',
        'dist/hookd.cjs',
        'dist/config-load.cjs',
      ]),
    );

    // What an agent's Edit or `sed -i` does: the next call, whatever its path, is refused.
    appendFileSync(join(install, 'dist', 'hook.cjs'), '\n// edited\n');
    for (const env of [{}, { AGENT_SRE_HOOKD: '0' }]) {
      const pre = await call(bashPre(project, 's', 'ls'), env);
      expect(verdictOf(pre)).toBe('deny');
      expect(reasonOf(pre)).toContain(`agent-sre's own code at ${join(install, 'dist', 'hook.cjs')} changed`);
      expect(reasonOf(pre)).toContain('agent-sre trust');
      const post = await call(postToolUse(project, 's', 'Bash', { command: 'ls' }, { stdout: '' }), env);
      expect(verdictOf(post)).toBe('exit2');
      expect(post.stderr).toContain('changed since it was trusted');
    }

    // Not from inside a coding agent.
    const refused = cli(['trust'], { CLAUDECODE: '1' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('CLAUDECODE=1');
    expect(verdictOf(await call(bashPre(project, 's', 'ls')))).toBe('deny');

    const trusted = cli(['trust', '--json']);
    expect(trusted.status, trusted.stderr).toBe(0);
    expect((JSON.parse(trusted.stdout) as { changed: string[] }).changed).toEqual(['dist/hook.cjs']);
    expect(verdictOf(await call(bashPre(project, 's', 'ls')))).toBe('allow');
    expect(verdictOf(await call(bashPre(project, 's', 'rm -rf ~')))).toBe('deny');
  });

  it('a change to the launcher itself or to a side file is refused too; a touch without a change is not', async () => {
    const { install, project, call, cli } = setup();
    expect(verdictOf(await call(bashPre(project, 's', 'ls')))).toBe('allow');
    // Same content, new times: hashed once, accepted, and the fast path refreshed.
    const side = join(install, 'dist', 'runbook-eval.cjs');
    utimesSync(side, new Date(), new Date(Date.now() + 5000));
    expect(verdictOf(await call(bashPre(project, 's', 'ls')))).toBe('allow');

    writeFileSync(side, readFileSync(side, 'utf8').replace('function', 'function '));
    const r = await call(bashPre(project, 's', 'ls'));
    expect(verdictOf(r)).toBe('deny');
    expect(reasonOf(r)).toContain('runbook-eval.cjs changed');
    expect(cli(['trust']).status).toBe(0);

    appendFileSync(join(install, 'bin', 'agent-sre-hook.cjs'), '\n// edited\n');
    const r2 = await call(bashPre(project, 's', 'ls'));
    expect(verdictOf(r2)).toBe('deny');
    expect(reasonOf(r2)).toContain('agent-sre-hook.cjs changed');
  });

  it('refuses a symlink planted at the record, and a record others can read', async () => {
    const { project, call, record, config, cli } = setup();
    mkdirSync(join(config, 'agent-sre'), { mode: 0o700 });
    const elsewhere = join(config, 'elsewhere.json');
    writeFileSync(elsewhere, '{"v":1,"installs":{}}');
    chmodSync(elsewhere, 0o600);
    symlinkSync(elsewhere, record);
    const r = await call(bashPre(project, 's', 'ls'));
    expect(verdictOf(r)).toBe('deny');
    expect(reasonOf(r)).toContain('symbolic link');
    const post = await call(postToolUse(project, 's', 'Bash', { command: 'ls' }, { stdout: '' }));
    expect(verdictOf(post)).toBe('exit2');
    // `trust` does not write through it either.
    expect(cli(['trust']).status).not.toBe(0);
    expect(lstatSync(record).isSymbolicLink()).toBe(true);
    expect(readFileSync(elsewhere, 'utf8')).toBe('{"v":1,"installs":{}}');

    rmSync(record);
    expect(verdictOf(await call(bashPre(project, 's', 'ls')))).toBe('allow');
    chmodSync(record, 0o644);
    const loose = await call(bashPre(project, 's', 'ls'));
    expect(verdictOf(loose)).toBe('deny');
    expect(reasonOf(loose)).toContain('open to other users');
  });

  it('doctor reports it, and init records an install that has no record yet', async () => {
    const { install, config, cli } = setup();
    const env = { XDG_CONFIG_HOME: config };
    const first = trustOnInit(install, env);
    expect(first).toMatchObject({ action: 'created' });
    expect(trustOnInit(install, env)).toMatchObject({ action: 'unchanged' });
    appendFileSync(join(install, 'dist', 'hookd.cjs'), '\n// edited\n');
    // init never re-records changed code: that takes a human's `trust`.
    expect(trustOnInit(install, env)).toMatchObject({
      warning: expect.stringContaining('hookd.cjs changed'),
    });
    // doctor runs in a project (a folder that is none is refused before any check).
    const dir = tempProject();
    writeFileSync(join(dir, 'agent-sre.yaml'), 'version: 1\n');
    const doctor = cli(['doctor', '--json', '--dir', dir]);
    const trust = (
      JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean; detail: string }[] }
    ).checks.find((c) => c.name === 'trust');
    expect(trust).toMatchObject({ ok: false, detail: expect.stringContaining('hookd.cjs changed') });
  });

  it('the daemon of a changed install steps down', async () => {
    const { install, project, call, cli } = setup();
    await call(bashPre(project, 's', 'ls'));
    const daemon = join(install, 'dist', 'hookd.cjs');
    await waitFor(() => pidsWith(daemon).length === 1);
    appendFileSync(daemon, '\n// edited\n');
    // Its own watch notices within a few seconds, without any call.
    await waitFor(() => pidsWith(daemon).length === 0, 10_000);
    expect(cli(['trust']).status).toBe(0);
  });
});
