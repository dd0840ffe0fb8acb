// What `agent-sre init` writes for a project that has no runbook yet: an AGENTS.md tailored to the project
// (its test command, the directories it has) that passes `agent-sre runbook lint` with no finding, and a
// postmortem template for agent incidents. Pure: the project comes in as a ProjectShape, probed by the caller.

/** What the caller found at the project root. */
export interface ProjectShape {
  /** Names of the files at the root (`package.json`, `pnpm-lock.yaml`, `Makefile`, `.git` in a worktree). */
  files: readonly string[];
  /** Names of the directories at the root (`src`, `.git`). */
  dirs: readonly string[];
  /** `scripts` from package.json; undefined without a package.json that parses. */
  packageScripts?: Readonly<Record<string, string>> | undefined;
  /** The Makefile's text, for its targets. */
  makefile?: string | undefined;
}

export interface RunbookScaffold {
  text: string;
  /** The test command the postconditions name; undefined when none was found and a placeholder stands in. */
  testCommand: string | undefined;
  /** The writable scope as written: existing directories (`src/`), or `./` for the whole project. */
  scope: string[];
}

/** Checked in this order; only those that exist are listed. */
export const SCOPE_DIRS = ['src', 'lib', 'test', 'tests', 'app', 'packages', 'docs'] as const;
/** Without one of these, listing docs/ alone would fence the agent out of the code, so the scope is `./`. */
const CODE_DIRS = new Set<string>(['src', 'lib', 'test', 'tests', 'app', 'packages']);

type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';

/** `npm init` writes this test script; running it always fails, so it is no test command. */
const NPM_PLACEHOLDER_TEST = /no test specified/;

/** The command that runs the project's tests, or undefined when nothing says how. */
export function testCommand(shape: ProjectShape): string | undefined {
  const has = (name: string) => shape.files.includes(name);
  const test = shape.packageScripts?.test;
  if (typeof test === 'string' && test.trim() !== '' && !NPM_PLACEHOLDER_TEST.test(test)) {
    const pm = packageManager(shape);
    // `bun test` is bun's own runner, not the script.
    return pm === 'bun' ? 'bun run test' : `${pm} test`;
  }
  if (shape.makefile !== undefined && hasMakeTarget(shape.makefile, 'test')) return 'make test';
  if (has('pyproject.toml') || has('pytest.ini')) {
    if (has('uv.lock')) return 'uv run pytest';
    if (has('poetry.lock')) return 'poetry run pytest';
    return 'pytest';
  }
  if (has('go.mod')) return 'go test ./...';
  if (has('Cargo.toml')) return 'cargo test';
  return undefined;
}

/** The writable scope: the usual source, test and docs directories that exist, else the whole project. */
export function scopePaths(shape: ProjectShape): string[] {
  const found = SCOPE_DIRS.filter((d) => shape.dirs.includes(d));
  return found.some((d) => CODE_DIRS.has(d)) ? found.map((d) => `${d}/`) : ['./'];
}

/** Whether a Makefile defines `target` as a rule (`test:`, `lint test::`), not as a variable (`test := x`). */
export function hasMakeTarget(makefile: string, target: string): boolean {
  return makefile.split(/\r?\n/).some((line) => {
    const m = /^([^\s:#=][^:#=]*?)\s*::?(?!=)/.exec(line);
    return m !== null && m[1]!.split(/\s+/).includes(target);
  });
}

function packageManager(shape: ProjectShape): PackageManager {
  const has = (name: string) => shape.files.includes(name);
  if (has('pnpm-lock.yaml')) return 'pnpm';
  if (has('yarn.lock')) return 'yarn';
  if (has('bun.lock') || has('bun.lockb')) return 'bun';
  return 'npm';
}

function installCommand(shape: ProjectShape): string {
  const pm = packageManager(shape);
  if (pm === 'npm')
    return shape.files.includes('package-lock.json') || shape.files.includes('npm-shrinkwrap.json')
      ? 'npm ci'
      : 'npm install';
  return `${pm} install`;
}

/** `src/`, `` `a` and `b` ``, `` `a`, `b` and `c` ``. */
function codeList(paths: readonly string[]): string {
  const spans = paths.map((p) => `\`${p}\``);
  return spans.length <= 1 ? spans.join('') : `${spans.slice(0, -1).join(', ')} and ${spans.at(-1)}`;
}

/**
 * The AGENTS.md for a project without one. Every section the linter wants is there, every postcondition
 * carries a command, every writable scope path exists in `shape`, and it stays well under 60 lines.
 */
export function scaffoldRunbook(shape: ProjectShape): RunbookScaffold {
  const git = shape.files.includes('.git') || shape.dirs.includes('.git');
  const node = shape.packageScripts !== undefined || shape.files.includes('package.json');
  const test = testCommand(shape);
  const scope = scopePaths(shape);
  const pm = packageManager(shape);
  const script = (name: string) => (pm === 'npm' ? `npm run ${name}` : `${pm} run ${name}`);
  const scripts = shape.packageScripts ?? {};

  const pre = ['- Read the whole task, and the files it names, before you change anything.'];
  if (git) pre.push('- The tree is clean, or you know why it is not: `git status --porcelain`');
  if (node) pre.push(`- Dependencies are installed: \`${installCommand(shape)}\``);
  // Knowing the baseline is what lets the agent tell its own breakage from what was already broken.
  if (test) pre.push(`- The tests pass before you start, so a later failure is yours: \`${test}\``);

  const post: string[] = [];
  if (test) post.push(`- Tests pass: \`${test}\``);
  else
    post.push(
      '<!-- TODO: agent-sre init found no test command (package.json script, Makefile target, pytest, go,',
      'cargo). Replace the item below with the one that runs your tests, e.g. "- Tests pass: `make test`". -->',
      '',
      '- No whitespace errors or conflict markers in the change: `git diff --check`. There is no test',
      '  command yet: say in your summary that nothing was tested.',
    );
  if (typeof scripts.lint === 'string') post.push(`- Lint is clean: \`${script('lint')}\``);
  const typecheck = ['typecheck', 'type-check'].find((s) => typeof scripts[s] === 'string');
  if (typecheck) post.push(`- Types check: \`${script(typecheck)}\``);
  if (git) post.push('- Only the files the task needs have changed: `git status --short`');

  const writable =
    scope[0] === './'
      ? '- You may edit files anywhere in this project: `./`.'
      : `- You may edit ${codeList(scope)}.`;

  const lines = [
    '# AGENTS.md',
    '',
    'The runbook for coding agents in this repository: what to check before you start, when to stop and',
    'ask, how to prove the work is done, and where you may work. agent-sre guards every tool call with the',
    'rules in `agent-sre.yaml`; `agent-sre runbook lint` checks this file. Keep it under 60 lines.',
    '',
    '## Preconditions',
    '',
    ...pre,
    '',
    '## Escalation criteria',
    '',
    'Stop, say what you found, and ask a human when:',
    '',
    '- the same action is denied twice (by agent-sre or a permission prompt); do not look for a way around it;',
    '- a check still fails after 3 attempts to fix it;',
    '- the change would touch production, deploys, credentials or secrets, or database migrations;',
    '- the requirements are ambiguous, or contradict this file, the code or the tests;',
    '- the task needs a new dependency or a path outside the scope boundary.',
    '',
    '## Postconditions',
    '',
    'Before you say the work is done, run each of these and report the result:',
    '',
    ...post,
    '',
    '## Scope boundary',
    '',
    '<!-- agent-sre init guessed this from the directories it found; widen or narrow it to fit. -->',
    '',
    writable,
    '- Never edit `agent-sre.yaml`, `.agent-sre/` or `.claude/settings.json`: the guard refuses every write to them.',
    '',
    '## Never',
    '',
    '- Never force-push (`git push --force`) or rewrite history that others may have pulled.',
    '- Never pass `--no-verify` or otherwise skip hooks and checks.',
    '- Never delete, skip or weaken a test to make it pass.',
    '- Never edit outside the scope boundary above.',
    '- Never commit secrets: `.env` files, keys, tokens, passwords.',
  ];
  return { text: `${lines.join('\n')}\n`, testCommand: test, scope };
}

/**
 * A blameless postmortem for an incident a coding agent caused: the sections of Google's SRE example
 * postmortem plus what is particular to agents (session, model, blast radius against budgets, token cost,
 * the guard rule that fired). `agent-sre postmortem` fills the `{{...}}` placeholders (scalars such as
 * `{{incident.id}}`, whole sections such as `{{postmortem.summary}}`; docs/postmortem.md lists them); the
 * guidance for each section stays in HTML comments, invisible once rendered.
 */
export const POSTMORTEM_TEMPLATE = `# Postmortem: {{incident.title}} ({{incident.id}})

> A blameless postmortem of an incident caused by a coding agent. \`agent-sre postmortem\` fills the
> \`{{...}}\` placeholders from the incident, the session ledger and git; edit this file to change what
> every generated postmortem looks like (docs/postmortem.md in agent-sre lists the placeholders).
>
> Blameless: the agent, whoever started it and whoever reviewed its work acted on what they knew.
> Ask what in the system let this happen (the task, the runbook, the policy, the checks, the review),
> not who is at fault. People and models are not fixed by a postmortem; systems are.

| | |
|---|---|
| Incident | {{incident.id}} |
| Date | {{postmortem.date}} |
| Status | Draft (Draft, In review, Reviewed, Closed) |
| Severity | {{incident.severity}} |
| Authors | {{postmortem.authors}} |
| Session | {{incident.sessionId}} |
| Agent and model | {{session.agent}}, {{session.model}} |
| Raised by | {{incident.source.kind}} \`{{incident.source.rule}}\` |

## Summary

<!-- Two or three sentences: what the agent was asked to do, what it did instead, and how it was stopped. -->

{{postmortem.summary}}

## Impact

<!-- What was affected and for how long: code, data, environments, people. Say whether anything left the
machine (a push, a deploy, an API call, a message) and whether any data was lost or exposed. -->

{{postmortem.impact}}

## Blast radius

What the session used against what \`agent-sre.yaml\` allowed.

| Measure | Used | Budget |
|---|---|---|
| Files touched | {{session.usage.filesTouched}} | {{policy.budgets.filesTouched}} |
| Lines changed (added / removed) | {{session.usage.linesAdded}} / {{session.usage.linesRemoved}} | {{policy.budgets.linesChanged}} |
| External calls | {{session.usage.externalCalls}} | {{policy.budgets.externalCalls}} |
| Tool calls | {{session.usage.toolCalls}} | {{policy.budgets.toolCalls}} |
| Subagents | {{session.usage.subagents}} | {{policy.budgets.subagents}} |
| Denials (in a row / in total) | {{session.consecutiveDenials}} / {{session.totalDenials}} | {{policy.denials.escalateAfter}} / {{policy.denials.terminateAfter}} |
| Token cost | {{session.tokenCost}} | |

Files and systems touched outside the project, if any: {{session.outsideProject}}

## Root causes

<!-- Keep asking why until the answer is about the system, not the agent: a task that was ambiguous, a
runbook that did not cover the case, a policy rule that allowed the action, a check that did not run. -->

{{postmortem.rootCauses}}

## Trigger

<!-- The action that set it off: the tool call, its (redacted) input, and when it ran. -->

{{postmortem.trigger}}

## Detection

<!-- Who or what noticed first (an agent-sre rule, a check, a reviewer, a user) and how long after the
trigger; what would have caught it earlier (the guard rule, runbook postcondition or CI check that was
missing or too weak); the AGENTS.md / CLAUDE.md line that applied, or the line to add. -->

{{postmortem.detection}}

## Resolution

<!-- How it was contained (agent halted, session ended, change reverted) and then fixed. -->

{{postmortem.resolution}}

## Time to detect, acknowledge, contain and resolve

Every metric comes from a recorded milestone; one nobody recorded says so instead of showing 0. Started
is the first offending agent action, which is usually earlier than anyone noticed.

| Metric | Definition | This incident |
|---|---|---|
| TTD, time to detect | detected − started | {{metrics.ttd}} |
| TTA, time to acknowledge | acknowledged − first page sent | {{metrics.tta}} |
| TTC, time to contain | mitigated − detected (agent halted, change reverted, blast radius stopped) | {{metrics.ttc}} |
| TTR, time to resolve | resolved − started | {{metrics.ttr}} |

{{postmortem.targets}}

MTTD, MTTA, MTTC and MTTR are these per-incident times aggregated over incidents; \`agent-sre report\`
shows the median and p90 next to each other, since one long incident dominates a mean.

## Action items

| Action item | Type | Owner | Priority | Tracking |
|---|---|---|---|---|
{{postmortem.actionItemRows}}

Type is one of: mitigate (less impact next time), prevent (it cannot recur), process (detection, paging, review).
Every item has an owner and a tracking issue (\`agent-sre postmortem --file-issues\` files them); a guard
rule or runbook line to add counts as an item.

## Lessons learned

### What went well

{{postmortem.wentWell}}

### What went wrong

{{postmortem.wentWrong}}

### Where we got lucky

{{postmortem.gotLucky}}

## Timeline

All times UTC.

| Time (UTC) | Event |
|---|---|
{{postmortem.timelineRows}}

## Supporting information

{{postmortem.supporting}}
`;
