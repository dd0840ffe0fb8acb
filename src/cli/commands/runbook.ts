import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseRunbook } from '../../adapters/markdown/parse.ts';
import type { RuleMatch } from '../../core/policy/types.ts';
import { type CompiledRunbook, compileRunbook, DIGEST_MAX } from '../../core/runbook/compile.ts';
import {
  DEFAULT_MAX_LINES,
  DEFAULT_WARN_LINES,
  lintRunbooks,
  missingRunbookFinding,
  RUNBOOK_FILES,
} from '../../core/runbook/lint.ts';
import type { Finding, RunbookDoc } from '../../core/runbook/types.ts';
import { TIER_NAMES } from '../../core/types.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { clean, type Paint } from '../style.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre runbook lint [FILE...] [--json] [--dir DIR] [--max-lines N] [--warn-lines N]
       agent-sre runbook explain [FILE...] [--json] [--dir DIR]

Lint AGENTS.md and CLAUDE.md as the agent's on-call runbook: what it checks before it starts, when
it stops and asks, how it proves it is done, and where it may work. With no FILE, both are read from
the project directory (--dir, default: the current directory); FILE arguments replace them.

Checks (rule id: what, and why):
  runbook.missing-section
      The four sections, found by heading text at any level, case-insensitive:
        Preconditions ("Prerequisites", "Before you start"): what must hold before the agent starts.
        Escalation criteria ("Escalation", "When to escalate", "Ask a human when"): when to stop and
          hand over to a human instead of pushing on.
        Postconditions ("Definition of done", "Done when", "Verification", "Acceptance criteria"):
          how the agent proves the work is done.
        Scope boundary ("Scope", "Boundaries", "Allowed paths", "Out of scope"): where it may work
          and what it must leave alone.
  runbook.empty-section
      One of those headings with nothing under it says nothing.
  runbook.line-budget
      Warning above 60 lines, error above 100: every line is loaded on every session, and a long
      runbook buries the rules that matter.
  runbook.never-list
      An explicit "Never" list: a "Never" / "Don'ts" / "Do not" heading, or list items starting with
      "Never". Hard limits are followed best when stated as hard limits.
  runbook.unverified-postcondition
      Every postcondition (a list item under Postconditions) carries a command to run, in backticks
      or a code block, starting with a program (npm, pnpm, yarn, make, pytest, go, cargo, ./script,
      bash...). Instructions without verification commands are suggestions, not rules. A parent
      item's command covers its children; a section with no items needs one command somewhere.
  runbook.scope-path-missing
      Writable scope paths (code spans, or bare list items starting with a path) exist in the
      project; for a glob, the part before the first * ? [ or {.
  runbook.scope-outside-project
      The writable scope stays inside the project: the policy gates or refuses writes outside it,
      so the runbook would grant what the guard refuses.
  runbook.scope-guard
      Error when the writable scope names agent-sre's own files (agent-sre.yaml, .agent-sre/,
      .claude/settings*.json): every write to them is denied. Warning when a broad entry (\`**\`,
      \`.claude/\`) covers them and the runbook does not put them off limits anywhere.
  runbook.missing
      Neither AGENTS.md nor CLAUDE.md exists.

Limits: a path is off limits rather than writable under an "Out of scope" / "Never" / "Do not" style
heading, under an item such as "Never edit:", or after a negation in its own item ("never edit \`x\`";
"do not edit outside \`src/\`" keeps src/ writable). Off-limits paths are not checked for existence
or place. Scope paths resolve against the project directory, not the runbook's. A runbook that
imports another with \`@AGENTS.md\` (Claude Code's syntax) gets its sections and Never list when both
are linted. The scope is compared with agent-sre's built-in guard files and zones, not with the
rules in agent-sre.yaml.

Exit status: 0 when there is no error (warnings alone still exit 0), 1 when there is at least one
error, 2 on a usage error (an unknown flag or subcommand, a FILE that does not exist).

explain: what the runbook compiles to, so that what the agent reads and what the guard enforces come
from one file. It shows the rules, Stop checks and session digest agent-sre derives, and every line it
could not compile with the reason; it changes nothing.
  Scope boundary   Writable paths become runbook.scope: a write or delete inside the project but
                   outside them is tier 3 (a human approves); build output and targets only known at
                   run time are left to the default rules. Off-limits paths become runbook.off-limits:
                   every write or delete there is tier 4. \`src/\` covers everything under src/.
  Never list       Recognised items become runbook.never.<slug> rules, tier 4:
                     force pushes (-f, --force, --force-with-lease, +refspec; "to \`main\`" narrows it
                     to that branch), "never push" (to a branch), skipping hooks or tests
                     (--no-verify, commit -n, HUSKY=0, SKIP=), deleting tests or files "to make errors
                     go away" (deletes of test files and test directories), "Never run \`cmd\`" (that
                     program with those first arguments), and paths in backticks (off limits; "never
                     read \`x\`" refuses reads instead). "Never edit outside the scope" makes
                     runbook.scope tier 4. An item with a condition (unless, without, before, until,
                     if, except) compiles to tier 3: the guard cannot check it, so a human does.
  Postconditions   Each command becomes a Stop check runbook.post.<slug> for the main agent (600 s
                   timeout); a \`\`\`sh block runs its lines joined with &&; "\`cmd\` prints nothing"
                   checks that it prints nothing. An item without a command is not compiled.
  Digest           Escalation criteria, the Never list and the scope, in at most ${DIGEST_MAX} characters of
                   plain text for the agent's session context.
  Exit status: 0 when it explains (lines that do not compile are listed, not errors), 1 when there is
  no runbook, 2 on a usage error.

Options:
  --json          lint: one JSON object: {"ok", "files": [{"file", "lines"}], "findings": [{"file",
                  "line", "severity", "rule", "message", "fix"}]}; ok is false on any error.
                  explain: {"ok", "files", "rules", "checks", "notCompiled": [{"file", "line",
                  "text", "why"}], "digest", "scope": {"writable", "offLimits"}, "sources"}
  --dir DIR       the project root (default: found at or above the current directory)
  --max-lines N   lint: error above N lines (default ${DEFAULT_MAX_LINES})
  --warn-lines N  lint: warning above N lines (default ${DEFAULT_WARN_LINES})

Examples:
  agent-sre runbook lint
  agent-sre runbook lint docs/AGENTS.md --json | jq '.findings[] | select(.severity == "error")'
  agent-sre runbook explain
  agent-sre runbook explain --json | jq -r '.notCompiled[] | "\\(.file):\\(.line) \\(.why)"'
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      json: { type: 'boolean' },
      dir: { type: 'string' },
      'max-lines': { type: 'string' },
      'warn-lines': { type: 'string' },
    },
    HELP,
  );
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const [sub, ...files] = positionals;
  if (sub === undefined) {
    io.stdout(HELP);
    return 0;
  }
  if (sub !== 'lint' && sub !== 'explain')
    throw new UsageError(`unknown subcommand "${sub}" (expected: lint or explain)`);
  if (sub === 'explain') {
    for (const flag of ['max-lines', 'warn-lines'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} is for \`runbook lint\`, not explain`);
    return explain(files, values.dir, values.json === true, io);
  }

  const maxLines = count(values['max-lines'], '--max-lines', DEFAULT_MAX_LINES);
  const warnLines = count(values['warn-lines'], '--warn-lines', Math.min(DEFAULT_WARN_LINES, maxLines));
  if (warnLines > maxLines)
    throw new UsageError(`--warn-lines (${warnLines}) must not be above --max-lines (${maxLines})`);
  const dir = resolve(io.cwd, values.dir ?? '.');
  if (!isDirectory(dir)) throw new UsageError(`--dir ${dir} is not a directory`);

  const docs = files.length > 0 ? named(files, io.cwd) : discovered(dir);
  const findings: Finding[] =
    docs.length === 0
      ? [missingRunbookFinding(dir)]
      : lintRunbooks(docs, {
          projectDir: dir,
          home: io.env.HOME || homedir(),
          maxLines,
          warnLines,
          exists,
        });
  const ok = !findings.some((f) => f.severity === 'error');

  if (values.json) {
    const out = { ok, files: docs.map((d) => ({ file: d.file, lines: d.lineCount })), findings };
    io.stdout(`${JSON.stringify(out)}\n`);
  } else io.stdout(human(docs, findings, terminalOf(io).paint));
  return ok ? 0 : 1;
}

function count(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`${flag} takes a positive whole number`);
  return Number(raw);
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function read(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** FILE arguments: each must be there. Reported as typed. */
function named(files: string[], cwd: string): RunbookDoc[] {
  return files.map((f) => {
    const path = resolve(cwd, f);
    const text = read(path);
    if (text === undefined) throw new UsageError(`${f}: no such file`);
    return parseRunbook(text, f, path);
  });
}

/** AGENTS.md and CLAUDE.md in the project directory, whichever exist. Reported relative to it. */
function discovered(dir: string): RunbookDoc[] {
  return RUNBOOK_FILES.flatMap((name) => {
    const path = resolve(dir, name);
    const text = read(path);
    if (text === undefined) return [];
    const rel = relative(dir, path);
    return [parseRunbook(text, isAbsolute(rel) ? path : rel, path)];
  });
}

function human(docs: RunbookDoc[], findings: Finding[], p: Paint): string {
  // Messages quote the runbook: cleaned, so a control character in it cannot reach the terminal.
  const lines = findings.map(
    (f) =>
      `${p.bold(`${clean(f.file, true)}:${f.line}:`)} ${f.severity === 'error' ? p.red('error') : p.yellow(f.severity)} ${p.dim(`${f.rule}:`)} ${clean(f.message, true)}\n  ${p.dim('fix:')} ${clean(f.fix, true)}\n`,
  );
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const names = docs.map((d) => clean(d.file, true)).join(', ') || 'no runbook';
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const summary =
    findings.length === 0
      ? `${names}: ${p.green('no problems.')}\n`
      : `${names}: ${errors ? p.red(plural(errors, 'error')) : plural(errors, 'error')}, ${warnings ? p.yellow(plural(warnings, 'warning')) : plural(warnings, 'warning')}.\n`;
  return `${lines.join('')}${lines.length > 0 ? '\n' : ''}${summary}`;
}

// --- explain ---------------------------------------------------------------------------------------

function explain(files: string[], dirFlag: string | undefined, json: boolean, io: Io): number {
  const dir = resolve(io.cwd, dirFlag ?? '.');
  if (!isDirectory(dir)) throw new UsageError(`--dir ${dir} is not a directory`);
  const docs = files.length > 0 ? named(files, io.cwd) : discovered(dir);
  if (docs.length === 0) {
    const message = `No ${RUNBOOK_FILES.join(' or ')} in ${dir}: there is no runbook to explain. Write one with Preconditions, Escalation criteria, Postconditions, Scope boundary and a Never list (see \`agent-sre runbook lint --help\`).`;
    io.stdout(json ? `${JSON.stringify({ ok: false, files: [], message })}\n` : `${message}\n`);
    return 1;
  }
  const compiled = compileRunbook(docs, { projectDir: dir });
  if (json) {
    const files = docs.map((d) => ({ file: d.file, lines: d.lineCount }));
    io.stdout(`${JSON.stringify({ ok: true, files, ...compiled })}\n`);
  } else io.stdout(explained(docs, compiled, dir, terminalOf(io).paint));
  return 0;
}

function explained(docs: RunbookDoc[], c: CompiledRunbook, dir: string, p: Paint): string {
  // Ids, reasons, commands and the digest come from the runbook: cleaned of control characters before
  // any styling is added.
  const t = (text: string) => clean(text, true);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const from = (id: string) => t((c.sources[id] ?? []).map((s) => `${s.file}:${s.line}`).join(', '));
  const out: string[] = [
    `${t(docs.map((d) => d.file).join(', '))}: ${plural(c.rules.length, 'rule')}, ${plural(c.checks.length, 'Stop check')}, ${plural(c.notCompiled.length, 'line')} not compiled.`,
    '',
    p.bold('Rules'),
  ];
  if (c.rules.length === 0) out.push('  (none)');
  for (const r of c.rules)
    out.push(
      `  ${p.bold(t(r.id))}  ${r.tier >= 4 ? p.red(`tier ${r.tier}`) : p.yellow(`tier ${r.tier}`)} (${TIER_NAMES[r.tier]})`,
      `    matches  ${t(describeMatch(r.match, dir))}`,
      `    reason   ${t(r.reason)}`,
      `    from     ${from(r.id)}`,
    );
  out.push('', p.bold('Stop checks'));
  if (c.checks.length === 0) out.push('  (none)');
  for (const x of c.checks) out.push(`  ${t(x.id)}  ${t(x.run)}`, `    from     ${from(x.id)}`);
  out.push(
    '',
    `${p.bold('Digest')} (${c.digest.length} of at most ${DIGEST_MAX} characters, for the session's context)`,
  );
  out.push(...c.digest.split('\n').map((l) => `  ${t(l)}`));
  out.push('', p.bold('Not compiled'));
  if (c.notCompiled.length === 0) out.push('  (nothing: every item compiled)');
  for (const n of c.notCompiled) out.push(`  ${t(n.file)}:${n.line}: "${t(n.text)}"`, `    why: ${t(n.why)}`);
  return `${out.join('\n')}\n`;
}

/** A rule's match in words, with project paths shown relative to the project. */
function describeMatch(m: RuleMatch, dir: string): string {
  const rel = (g: string) => (g === dir ? '.' : g.startsWith(`${dir}/`) ? g.slice(dir.length + 1) : g);
  // `x` with `x/**` is how a plain entry compiles (the path and everything under it): show it once.
  const list = (globs: string[], max = 8) => {
    const shown = globs.filter((g) => !(g.endsWith('/**') && globs.includes(g.slice(0, -3)))).map(rel);
    return shown.length > max
      ? `${shown.slice(0, max).join(', ')} and ${shown.length - max} more`
      : shown.join(', ');
  };
  const parts: string[] = [m.kind ? m.kind.join(' or ') : 'any effect'];
  if (m.zone) parts.push(`in the ${m.zone.join(' or ')} zone`);
  if (m.path) parts.push(`of ${list(m.path)}`);
  if (m.notPath) parts.push(`outside ${list(m.notPath)}`);
  if (m.program) parts.push(`running ${m.program.join(' or ')}`);
  if (m.args !== undefined) parts.push(`with arguments matching /${m.args}/`);
  if (m.tags) parts.push(`tagged ${m.tags.join(' and ')}`);
  if (m.anyTags) parts.push(`tagged ${m.anyTags.join(' or ')}`);
  if (m.notTags) parts.push(`not tagged ${m.notTags.join(' or ')}`);
  return parts.join(' ');
}
