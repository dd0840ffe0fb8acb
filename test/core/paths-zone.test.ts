// Zones when the roots nest: the most specific root wins.
import { describe, expect, it } from 'vitest';
import { zoneOf } from '../../src/core/paths.ts';

const ctx = (home: string, projectDir = '/work/proj') => ({
  projectDir,
  home,
  tempDirs: ['/tmp', '/var/tmp'],
});

describe('zoneOf with nested roots', () => {
  it.each([
    // HOME under a temp dir (some containers): ~/x is home, not a temp file (issue 11).
    ['/tmp/home/dev', '/tmp/home/dev/important', 'home'],
    ['/tmp/home/dev', '/tmp/home/dev', 'home'],
    ['/tmp/home/dev', '/tmp/build/x', 'temp'],
    ['/tmp/home/dev', '/tmp', 'system'],
    // HOME=/tmp makes the two one place: a file there is a temp file, the root itself is not.
    ['/tmp', '/tmp/x', 'temp'],
    ['/tmp', '/tmp', 'system'],
    // The usual layout is unchanged.
    ['/home/dev', '/home/dev/x', 'home'],
    ['/home/dev', '/tmp/x', 'temp'],
  ])('HOME=%s: %s is %s', (home, path, zone) => {
    expect(zoneOf(path, ctx(home))).toBe(zone);
  });

  it('a project inside a temp home is still the project', () => {
    expect(zoneOf('/tmp/home/dev/proj/src/a.ts', ctx('/tmp/home/dev', '/tmp/home/dev/proj'))).toBe('project');
  });
});
