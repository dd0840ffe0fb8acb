import { describe, expect, it } from 'vitest';
import { type Case, sorted, tagsOf } from './_cases.ts';

const GH: Case[] = [
  ['gh pr list', ['repo.read']],
  ['gh pr view 12 --comments', ['repo.read']],
  ['gh pr diff 12', ['repo.read']],
  ['gh pr checks', ['repo.read']],
  ['gh pr checkout 12', ['repo.read']],
  ['gh issue list --label bug', ['repo.read']],
  ['gh issue view 7', ['repo.read']],
  ['gh run list', ['repo.read']],
  ['gh run view 123 --log', ['repo.read']],
  ['gh repo view', ['repo.read']],
  ['gh repo clone owner/repo', ['repo.read']],
  ['gh release list', ['repo.read']],
  ['gh search issues "delete repo"', ['repo.read']],
  ['gh status', ['repo.read']],
  // ordinary collaboration: a write, never a destroy
  ['gh pr create --title "delete old code" --body "x"', ['repo.write']],
  ['gh pr comment 12 --body "please delete this"', ['repo.write']],
  ['gh issue create --title "gh repo delete is scary"', ['repo.write']],
  ['gh issue close 7', ['repo.write']],
  // gated writes
  ['gh pr merge 12 --squash', ['repo.write']],
  ['gh -R owner/repo pr merge 12', ['repo.write']],
  ['gh pr merge --repo owner/repo 12 --admin', ['repo.write']],
  ['gh release create v1.0.0 --notes x', ['repo.write']],
  ['gh repo edit --default-branch main', ['repo.write']],
  ['gh repo archive owner/repo', ['repo.write']],
  ['gh secret set NPM_TOKEN --body x', ['repo.write']],
  ['gh variable set ENV --body prod', ['repo.write']],
  ['gh workflow run deploy.yml -f env=prod', ['repo.write']],
  ['gh run rerun 123', ['repo.write']],
  // destruction
  ['gh repo delete owner/repo', ['repo.destroy']],
  ['gh repo delete owner/repo --yes', ['repo.destroy']],
  ['gh release delete v1.0.0 -y', ['repo.destroy']],
  ['gh release delete-asset v1 app.zip', ['repo.destroy']],
  ['gh issue delete 123', ['repo.destroy']],
  ['gh gist delete 12345', ['repo.destroy']],
  ['gh secret delete NPM_TOKEN', ['repo.destroy']],
  ['gh run delete 123', ['repo.destroy']],
  ['gh label delete bug', ['repo.destroy']],
  // gh api
  ['gh api repos/o/r', ['repo.read']],
  ['gh api -X GET repos/o/r/pulls -f state=open', ['repo.read']],
  ['gh api repos/o/r/issues -f title=x', ['repo.write']],
  ['gh api -X POST repos/o/r/dispatches --input payload.json', ['repo.write']],
  ['gh api --method PATCH repos/o/r -f private=true', ['repo.write']],
  ['gh api -X DELETE /repos/owner/repo', ['repo.destroy']],
  ['gh api --method=DELETE repos/o/r/git/refs/heads/main', ['repo.destroy']],
  ['gh api -XDELETE repos/o/r/releases/1', ['repo.destroy']],
  ["gh api graphql -f query='query { viewer { login } }'", ['repo.read']],
  ["gh api graphql -f query='mutation { deleteRepository(input: {}) { clientMutationId } }'", ['repo.write']],
  ['gh api -X POST user/keys -f key=ssh-ed25519', ['cred.manage', 'repo.write']],
  // credentials
  ['gh auth token', ['cred.read']],
  ['gh auth status', ['repo.read']],
  ['gh auth status --show-token', ['cred.read']],
  ['gh auth login --with-token', ['cred.manage']],
  ['gh auth logout', ['cred.manage']],
  ['gh auth refresh -s delete_repo', ['cred.manage']],
  ['gh auth setup-git', ['cred.manage']],
  ['gh ssh-key add ~/.ssh/id_ed25519.pub', ['cred.manage']],
  ['gh ssh-key delete 1', ['cred.manage']],
  ['gh repo deploy-key add key.pub', ['cred.manage']],
  // nothing to say
  ['gh extension install owner/gh-ext', []],
  ['gh alias set co "pr checkout"', []],
  ['gh config get editor', []],
  ['gh constructor', []],
  ['gh repo constructor', []],
];

const GLAB: Case[] = [
  ['glab mr list', ['repo.read']],
  ['glab mr view 5', ['repo.read']],
  ['glab mr create --title x', ['repo.write']],
  ['glab mr merge 5', ['repo.write']],
  ['glab repo delete group/project', ['repo.destroy']],
  ['glab release create v1', ['repo.write']],
  ['glab release delete v1', ['repo.destroy']],
  ['glab ci list', ['repo.read']],
  ['glab ci run', ['repo.write']],
  ['glab ci delete 1001', ['repo.destroy']],
  ['glab variable get DB_PASSWORD', ['cred.read']],
  ['glab variable set ENV prod', ['repo.write']],
  ['glab variable delete ENV', ['repo.destroy']],
  ['glab api projects/42/pipelines', ['repo.read']],
  ['glab api -X DELETE projects/42/pipelines/1001', ['repo.destroy']],
  ['glab api --method POST projects/42/pipeline', ['repo.write']],
  ['glab auth login', ['cred.manage']],
  ['glab auth status', ['repo.read']],
  ['glab token create --name ci', ['cred.manage']],
];

describe('gh', () => {
  it.each(GH)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});

describe('glab', () => {
  it.each(GLAB)('%s', (line, expected) => expect(tagsOf(line)).toEqual(sorted(expected)));
});
