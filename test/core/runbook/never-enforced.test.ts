// Issue 12: a runbook Never item that names a command, a flag or what git would lose compiles into a rule
// that is enforced, and `runbook lint` warns about one that names nothing enforceable. Each runbook text
// is compiled with the real Markdown adapter, then the rules are merged into the default policy and judge
// real tool calls: what the item forbids is refused by its rule, however it is spelled, and a look-alike
// that is ordinary work is left to the default rules.
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../../src/adapters/markdown/parse.ts';
import { loadPolicy } from '../../../src/config/load.ts';
import { judge } from '../../../src/core/judge.ts';
import { compilePolicy } from '../../../src/core/policy/evaluate.ts';
import { argsPattern, compileRunbook } from '../../../src/core/runbook/compile.ts';
import { lintRunbooks } from '../../../src/core/runbook/lint.ts';
import { context, WORLD } from '../../helpers/judge.ts';

const P = WORLD.projectDir;
const base = loadPolicy(undefined, '<default>');
if (!base.ok) throw new Error('default policy invalid');
const basePolicy = base.policy;

const compileText = (text: string) =>
  compileRunbook([parseRunbook(text, 'AGENTS.md', `${P}/AGENTS.md`)], { projectDir: P });

/**
 * Judge commands with the compiled rules: `alone` with only them (so a match names a runbook rule even
 * where a default rule refuses the same call), `merged` in the default policy, as the hook runs them.
 */
function judgeWith(text: string, alone: boolean) {
  const c = compileText(text);
  const rules = alone ? c.rules : [...basePolicy.rules, ...c.rules];
  const policy = compilePolicy({ ...basePolicy, rules }, WORLD.home);
  return (command: string) => judge({ tool: 'Bash', input: { command }, cwd: P }, context(), policy);
}

interface Case {
  /** The Never item, under a "## Never" heading unless it is a whole runbook. */
  item: string;
  /** Rule ids (with tier) it compiles to. */
  rules: string[];
  /** Commands its rules must refuse: a runbook rule matches them, and the merged policy denies them. */
  refused: string[];
  /** Look-alikes no runbook rule may touch. */
  allowed: string[];
}

const CASES: Case[] = [
  {
    item: 'never run `git push --force`',
    rules: ['runbook.never.force-push 4'],
    refused: ['git push --force origin feat', 'git push -f origin feat', 'git push origin +feat'],
    allowed: ['git push origin feat', 'git commit -m "never git push --force"'],
  },
  {
    item: 'Never use --no-verify',
    rules: ['runbook.never.skip-hooks 4'],
    refused: [
      'git commit --no-verify -m x',
      'git commit -nm x',
      'HUSKY=0 git commit -m x',
      'git push --no-verify',
    ],
    allowed: ['git commit -m "--no-verify"', 'git push -n origin feat', 'git log -n 3'],
  },
  {
    item: 'Do not run `terraform apply`',
    rules: ['runbook.never.run-terraform-apply 4'],
    refused: ['terraform apply', 'terraform -chdir=infra apply -auto-approve', 'sudo terraform apply'],
    allowed: ['terraform plan', 'terraform applyx', 'echo terraform apply'],
  },
  {
    item: 'never delete the .git directory',
    rules: ['runbook.never.delete-git-history 4'],
    refused: [
      'rm -rf .git',
      'rm -r ./.git/',
      'find .git -delete',
      'python3 -c "import shutil; shutil.rmtree(\'.git\')"',
    ],
    allowed: ['rm -f .git/index.lock', 'rm -rf .git-rewrite', 'rm -rf /tmp/tpl/.git'],
  },
  {
    item: 'Never remove the `.git` folder.',
    rules: ['runbook.never.delete-git-history 4'],
    refused: ['rm -rf /work/proj/.git/objects'],
    allowed: ['cat .git/HEAD'],
  },
  {
    item: 'Never run `git reset --hard`.',
    rules: ['runbook.never.run-git-reset-hard 4'],
    refused: ['git reset --hard', 'git reset -q --hard origin/main', 'git -C . reset HEAD~1 --hard'],
    allowed: ['git reset --soft HEAD~1', 'git reset HEAD file.ts'],
  },
  {
    item: 'Never run `git branch -D`.',
    rules: ['runbook.never.run-git-branch-d 4'],
    refused: ['git branch -D spike', 'git branch -df spike', 'git branch --delete --force spike'],
    allowed: ['git branch -d merged', 'git branch -m a b'],
  },
  {
    item: 'Never `git clean -fdx`.',
    rules: ['runbook.never.run-git-clean-fdx 4'],
    refused: ['git clean -xdf', 'git clean -f'],
    allowed: ['git clean -n', 'git clean -fdx --dry-run'],
  },
  {
    item: 'Never use `--force`.',
    rules: ['runbook.never.flag-force 4'],
    refused: ['npm install --force', 'git push --force origin feat', 'rm --force a.txt'],
    allowed: ['npm install', 'git push --force-with-lease origin feat', 'echo --forced'],
  },
  {
    item: 'Never pass --force to git.',
    rules: ['runbook.never.flag-git-force 4'],
    refused: ['git checkout --force main', 'git checkout -f main', 'git clean -fd'],
    allowed: ['npm install --force', 'git checkout -bfeature', 'git switch -c fix'],
  },
  {
    item: 'Never rewrite history.',
    rules: ['runbook.never.delete-git-history 4', 'runbook.never.rewrite-history 4'],
    refused: ['git filter-branch --tree-filter x HEAD', 'git push --force origin feat', 'rm -rf .git'],
    allowed: ['git rebase origin/main', 'git commit --amend --no-edit'],
  },
  {
    item: 'Never discard uncommitted changes.',
    rules: ['runbook.never.discard-work 4'],
    refused: ['git checkout -- .', 'git stash drop', 'git restore src/a.ts'],
    allowed: ['git stash', 'git stash pop', 'git restore --staged src/a.ts'],
  },
  {
    item: 'Never delete branches.',
    rules: ['runbook.never.delete-branches 4'],
    refused: ['git branch -D spike', 'git push origin --delete feat'],
    allowed: ['git branch -d merged', 'git branch feat'],
  },
  {
    item: 'Never run `rm -rf`.',
    rules: ['runbook.never.run-rm-rf 4'],
    refused: ['rm -rf build', 'rm -fr build', 'rm -r -f build'],
    allowed: ['rm build.log', 'rm -r empty-dir'],
  },
  {
    item: 'Never run `kubectl delete`.',
    rules: ['runbook.never.run-kubectl-delete 4'],
    refused: ['kubectl -n prod delete pod x', 'kubectl delete -f x.yaml'],
    allowed: ['kubectl get pods', 'kubectl describe pod delete-me'],
  },
];

describe('Never items that name a command, a flag or what git would lose', () => {
  it.each(CASES.map((c) => [c.item, c] as const))('%s', (_item, c) => {
    const compiled = compileText(`## Never\n- ${c.item}\n`);
    expect(compiled.rules.map((r) => `${r.id} ${r.tier}`)).toEqual(c.rules);
    expect(compiled.notCompiled).toEqual([]);
    const alone = judgeWith(`## Never\n- ${c.item}\n`, true);
    const merged = judgeWith(`## Never\n- ${c.item}\n`, false);
    for (const cmd of c.refused) {
      const d = alone(cmd);
      expect(`${d.tier} ${d.rule.replace(/^(runbook)\..*/, '$1')}`, cmd).toBe('4 runbook');
      expect(merged(cmd).verdict, cmd).toBe('deny');
    }
    for (const cmd of c.allowed) expect(alone(cmd).rule, cmd).not.toMatch(/^runbook\./);
  });

  it('the same item as a sentence in prose, after "Never" with a bare command, or nested under "Never run:"', () => {
    expect(compileText('Never delete the `.git` directory.\n').rules.map((r) => r.id)).toEqual([
      'runbook.never.delete-git-history',
    ]);
    expect(compileText('# Rules\n- Never `git stash clear`.\n').rules.map((r) => r.id)).toEqual([
      'runbook.never.run-git-stash-clear',
    ]);
    expect(
      compileText('## Rules\n- Never run:\n  - `git gc --prune=now`\n  - `npm publish`\n').rules.map(
        (r) => r.id,
      ),
    ).toEqual(['runbook.never.run-git-gc-prune-now', 'runbook.never.run-npm-publish']);
  });

  it('a condition makes the rule tier 3: a human judges it', () => {
    const c = compileText('## Never\n- Never run `git branch -D` unless the human asks.\n');
    expect(c.rules.map((r) => `${r.id} ${r.tier}`)).toEqual(['runbook.never.run-git-branch-d 3']);
  });
});

describe('argsPattern', () => {
  it.each([
    [['apply'], 'apply', true],
    [['apply'], '-chdir=infra apply -auto-approve', true],
    [['apply'], '-chdir infra apply', true],
    [['apply'], 'plan apply', false],
    [['apply'], 'applyx', false],
    [['run', 'deploy'], 'run deploy', true],
    [['run', 'deploy'], 'run --silent deploy', true],
    [['run', 'deploy'], 'run build deploy', false],
    [['-rf'], '-fr x', true],
    [['-rf'], '-r -f x', true],
    [['-rf'], '-r x', false],
    [['install', '--force'], 'install x --force', true],
    [['install', '--force'], 'install --force=true', true],
    [['install', '--force'], 'install x', false],
  ])('%j ~ %s -> %s', (args, argv, expected) => {
    expect(new RegExp(argsPattern(args)).test(argv)).toBe(expected);
  });
});

describe('runbook lint: Never items that name nothing enforceable', () => {
  const lint = (text: string) =>
    lintRunbooks([parseRunbook(text, 'AGENTS.md', `${P}/AGENTS.md`)], {
      projectDir: P,
      home: WORLD.home,
      exists: () => true,
    }).filter((f) => f.rule === 'runbook.never-unenforced');

  it.each([
    ['Never commit secrets.', true],
    ['Never be rude in commit messages.', true],
    ['Never run `npm test` in watch mode.', true],
    ['Never run `git push --force`.', false],
    ['Never use --no-verify.', false],
    ['Never delete the .git directory.', false],
    ['Never use `--force`.', false],
    ['Never edit `src/generated/`.', false],
  ])('%s -> warned: %s', (item, warned) => {
    const found = lint(`## Never\n- ${item}\n`);
    expect(found.length > 0).toBe(warned);
    for (const f of found) {
      expect(f).toMatchObject({ severity: 'warning', line: 2 });
      expect(f.message).toContain(item.replace(/\.$/, ''));
      expect(f.fix).toMatch(/backticks/);
    }
  });
});
