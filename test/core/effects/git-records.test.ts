// Issue 12, round 2: `git add`/`git stage`/`git commit` paths (and `commit -F` message files) are reads,
// so a credential staged into history meets the credential rules (gitRecords in src/core/effects/git.ts).
import { describe, expect, it } from 'vitest';
import { bash } from '../../helpers/judge.ts';

describe('files recorded into git history', () => {
  // [command, tier]
  const cases: [string, number][] = [
    ['git add -f .env && git commit -m x && git push', 4],
    ['git add .env', 4],
    ['git add -- .env.production', 4],
    ['git stage .env.local', 4],
    ['git add --force config/master.key', 4],
    ['git add id_rsa', 4],
    ['git add ~/.ssh/id_ed25519', 4],
    ['git -C /work/proj add .env', 4],
    ['git commit -m "add" -- .env', 4],
    ['git commit -am wip .env', 4],
    ['git commit -F ~/.aws/credentials', 4],
    ['git commit -F/home/dev/.netrc', 4],
    ['git commit --file=/home/dev/.netrc', 4],
    // ordinary staging and commits
    ['git add src/x.ts && git commit -m x && git push', 1],
    ['git add .env.example', 1],
    ['git add -A && git commit -m x', 1],
    ['git add . && git commit -m "wip"', 1],
    ['git add -p', 1],
    ['git add -u', 1],
    ['git commit -m "fix: x" -- src/a.ts src/b.ts', 1],
    ['git commit -m .env', 1],
    ['git commit -F .git/COMMIT_EDITMSG', 1],
    ['git add -n .env', 1],
    ["git add ':!.env' .", 1],
    ['git commit -a -m "x"', 1],
    ['git add --chmod=+x scripts/run.sh', 1],
  ];
  it.each(cases)('%s -> tier %i', (cmd, tier) => {
    expect(bash(cmd).tier).toBe(tier);
  });

  it('a staged path is a read tagged git-add', () => {
    const read = bash('git add docs/a.md').effects.find((e) => e.kind === 'read');
    expect(read).toMatchObject({ path: '/work/proj/docs/a.md', tags: expect.arrayContaining(['git-add']) });
  });
});
