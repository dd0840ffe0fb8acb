// Which paths are the guard: the project's policy, state and Claude Code settings, the user's and the
// managed settings, the installed package and the per-user secret; globs that reach them; and the
// ancestors whose deletion would take them along.
import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../../src/core/glob.ts';
import { guardMatch, pathTags } from '../../../src/core/paths.ts';
import type { GuardLocations } from '../../../src/core/types.ts';

const P = '/work/proj';
const H = '/home/dev';
const USER = `${H}/.config/agent-sre`;
const at = (guard?: GuardLocations) => ({ projectDir: P, home: H, ...(guard ? { guard } : {}) });
const LOCAL = at({ installDir: `${P}/node_modules/agent-sre`, userDir: USER });
const rel = (p: string, ctx = LOCAL) => {
  const m = guardMatch(p, ctx);
  return m.relation ? `${m.relation}${m.secret ? '+secret' : ''}` : undefined;
};

describe('guard paths', () => {
  it.each([
    [`${P}/agent-sre.yaml`, 'inside'],
    [`${P}/AGENT-SRE.YAML`, 'inside'],
    [`${P}/.agent-sre/ledger.db-wal`, 'inside'],
    [`${P}/.claude/settings.local.json`, 'inside'],
    [`${H}/.claude/settings.json`, 'inside'],
    ['/etc/claude-code/managed-settings.json', 'inside'],
    [`${P}/node_modules/agent-sre/dist/hook.cjs`, 'inside'],
    [`${P}/node_modules/agent-sre`, 'inside'],
    [`${USER}/secret`, 'inside+secret'],
    [USER, 'inside+secret'],
    [`${P}/.claude`, 'ancestor'],
    [P, 'ancestor'],
    [`${H}/.config`, 'ancestor'],
    ['/', 'ancestor'],
    // A reinstall restores the package from the lockfile; the hook fails closed in between.
    [`${P}/node_modules`, undefined],
    [`${P}/node_modules/left-pad`, undefined],
    [`${P}/src/agent-sre.yaml`, undefined],
    [`${P}/agent-sre.yaml.bak`, undefined],
    [`${H}/.config/agent-sre-other`, undefined],
  ])('%s: %s', (path, expected) => {
    expect(rel(path)).toBe(expected);
  });

  it.each([
    [`${P}/**/ledger.db`, 'inside'],
    [`${P}/**/*.db`, 'inside'],
    [`${P}/**/agent-sre.y*ml`, 'inside'],
    [`${P}/[a]gent-sre.yaml`, 'inside'],
    [`${P}/.agent-s?e/*`, 'inside'],
    [`${P}/**/*.js`, 'inside'],
    [`${H}/.config/*/secret`, 'inside+secret'],
    [`${P}/**`, 'inside'],
    [`${P}/**/*.pyc`, undefined],
    [`${P}/**/*.log`, undefined],
    [`${P}/src/*`, undefined],
    [`${P}/.clau*`, 'ancestor'],
  ])('glob %s: %s', (glob, expected) => {
    expect(rel(glob)).toBe(expected);
  });

  it('without ctx.guard the install and user dirs are ordinary paths', () => {
    expect(rel(`${P}/node_modules/agent-sre/dist/hook.cjs`, at())).toBeUndefined();
    expect(rel(`${USER}/secret`, at())).toBeUndefined();
    expect(rel(`${P}/agent-sre.yaml`, at())).toBe('inside');
  });

  it('working on agent-sre itself protects what runs (bin, dist), not the sources', () => {
    const self = at({ installDir: P, userDir: USER });
    expect(rel(`${P}/dist/hook.cjs`, self)).toBe('inside');
    expect(rel(`${P}/bin/agent-sre-hook.cjs`, self)).toBe('inside');
    expect(rel(`${P}/src/core/paths.ts`, self)).toBeUndefined();
  });

  it('a find exclusion drops the guard files it leaves out', () => {
    const skip = (p: string) => p.startsWith(`${P}/node_modules/`);
    expect(guardMatch(`${P}/**/*.js`, LOCAL, skip).relation).toBeUndefined();
    expect(guardMatch(`${P}/**/*.db`, LOCAL, skip).relation).toBe('inside');
  });

  it('tags: guard and guard-secret', () => {
    expect(pathTags(`${USER}/secret`, LOCAL)).toEqual(['guard', 'guard-secret']);
    expect(pathTags(`${P}/.claude`, LOCAL)).toEqual(['guard-ancestor']);
  });
});

describe('glob classes', () => {
  it.each([
    ['/a/[a]gent', '/a/agent', true],
    ['/a/[!b]x', '/a/ax', true],
    ['/a/[!b]x', '/a/bx', false],
    ['/a/[^b]x', '/a/bx', false],
    ['/a/[a-c]x', '/a/bx', true],
    ['/a/[]]x', '/a/]x', true],
    ['/a/[x', '/a/[x', true],
    ['/a/[!b]x', '/a//x', false],
  ])('%s ~ %s: %s', (glob, path, ok) => {
    expect(globToRegExp(glob, H).test(path)).toBe(ok);
  });
});
