import { createJudgeContext, processEnvironment } from '../../app/context.ts';
import { loadEffectivePolicy } from '../../app/effective-policy.ts';
import { judge } from '../../core/judge.ts';
import { gateByRunbook, runbookStatus } from '../../core/runbook/binding.ts';
import { parse, usageOf } from '../args.ts';
import { decisionJson, explain } from '../format.ts';
import { type Io, UsageError } from '../io.ts';
import { findProjectRoot } from '../project-root.ts';

const HELP = `Usage: agent-sre check [options] ['<shell command>']

Explain one decision: the tier, the rule, the effects and why. Nothing runs and nothing is recorded.

Examples:
  agent-sre check 'git push -f origin main'
  agent-sre check --tool Write --path .env --content 'TOKEN=x'
  agent-sre check --tool Read --path ~/.aws/credentials
  agent-sre check --tool WebFetch --url 'https://example.com/?token=ghp_...'
  agent-sre check --tool mcp__github__delete_repository --input '{"repo":"x"}'

Options:
  --tool NAME      Claude Code tool name (default Bash)
  --path P         file_path for Write/Edit/Read (relative to --cwd)
  --content TEXT   content for Write (new_string for Edit)
  --url URL        url for WebFetch
  --input JSON     the whole tool_input as JSON (overrides the above)
  --cwd DIR        working directory of the call (default: current directory)
  --project DIR    project root (default: the nearest directory at or above --cwd with
                   agent-sre.yaml or .agent-sre/; outside a project, the embedded default policy)
  --json           print the decision as JSON
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      tool: { type: 'string' },
      path: { type: 'string' },
      content: { type: 'string' },
      url: { type: 'string' },
      input: { type: 'string' },
      cwd: { type: 'string' },
      project: { type: 'string' },
      json: { type: 'boolean' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const env = processEnvironment(io.env);
  const cwd = values.cwd ? resolveDir(values.cwd, io.cwd) : io.cwd;
  // The project the call would run in: the nearest one at or above its working directory. Outside any
  // project, the embedded default policy (check writes nothing, so it needs no project of its own).
  const projectDir = values.project ? resolveDir(values.project, io.cwd) : (findProjectRoot(cwd) ?? cwd);
  const tool = values.tool ?? 'Bash';
  let input: unknown;
  if (values.input !== undefined) {
    try {
      input = JSON.parse(values.input);
    } catch (err) {
      throw new UsageError(`--input is not JSON: ${(err as Error).message}`);
    }
  } else if (tool === 'Bash' || tool === 'PowerShell') {
    if (positionals.length === 0)
      throw new UsageError(`give the command to check, e.g. agent-sre check 'rm -rf ~'\n${usageOf(HELP)}`);
    input = { command: positionals.join(' ') };
  } else {
    const path = values.path ? expandPath(values.path, cwd, env.home) : undefined;
    input = {
      ...(path ? { file_path: path } : {}),
      ...(tool === 'Write' ? { content: values.content ?? '' } : {}),
      ...(tool === 'Edit' ? { old_string: '', new_string: values.content ?? '' } : {}),
      ...(values.url ? { url: values.url, prompt: '' } : {}),
    };
  }
  const { policy, runbook } = await loadEffectivePolicy(projectDir, projectDir, env.home, { cache: false });
  const ctx = createJudgeContext(projectDir, env, policy.compiled.policy);
  // As a new session's first call: judged against the runbook as it stands (missing or failing gates writes).
  const decision = gateByRunbook(
    judge({ tool, input, cwd }, ctx, policy.compiled),
    runbookStatus(runbook!.now, undefined),
    policy.compiled.policy.runbook,
    'check',
  );
  if (values.json)
    io.stdout(`${JSON.stringify({ tool, input, ...decisionJson(decision), policy: policy.source })}\n`);
  else io.stdout(`${explain(decision)}\npolicy:  ${policy.source}\n`);
  return 0;
}

function resolveDir(p: string, cwd: string): string {
  return p.startsWith('/') ? p : `${cwd}/${p}`;
}

function expandPath(p: string, cwd: string, home: string): string {
  if (p === '~' || p.startsWith('~/')) return home + p.slice(1);
  return p.startsWith('/') ? p : `${cwd}/${p}`;
}
