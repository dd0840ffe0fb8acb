// `agent-sre postmortem`: a blameless postmortem drafted from the ledger, and `postmortem lint` for the
// blameless-language check on any Markdown.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { processEnvironment } from '../../app/context.ts';
import { EvidenceError, toJson } from '../../app/evidence.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import { draftPostmortem } from '../../app/postmortem.ts';
import { type BlamelessFinding, formatFindings, lintBlameless } from '../../core/postmortem/blameless.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { withProgress } from '../progress.ts';
import { openEvidenceSource, STORE_HELP } from '../team-store.ts';

const HELP = `Usage: agent-sre postmortem INCIDENT|SESSION [--out FILE] [--template FILE] [--file-issues [--channel NAME]]
                                                [--json] [--dir DIR] [--store URL]
       agent-sre postmortem lint FILE... [--json] [--dir DIR]

Draft a blameless postmortem in Markdown, following Google's SRE template: summary, impact, root
causes, trigger, detection, resolution, action items, lessons learned (what went well, what went
wrong, where we got lucky), timeline and supporting information. It is filled from the evidence pack
(agent-sre evidence): the timeline of the session and its incidents, the blast radius against the
budgets, the token cost, the agent's commits, the last test run, and TTD, TTA, TTC and TTR with the
targets from agent-sre.yaml. What the ledger cannot know (why the agent did it) is left as questions
for the review.

INCIDENT is an id (INC-4): the postmortem is about it, and the rest of its session is context.
SESSION is a session id or a unique prefix: the postmortem is about its most severe incident, or, with
none, about a problem nobody's detector caught.

Action items come from the detection gaps the evidence shows, each with a type (prevent, mitigate,
process), an owner (the on-call of the week, from oncall.schedules) and a priority:
  - no rule matched the harmful action before it ran (the change, or a commit later reverted or
    followed by a red suite)
  - the acceptance gate was exhausted (the agent stopped with checks failing)
  - a page was not acknowledged within report.targets.acknowledgeMinutes (15 by default), or never
    reached anyone
  - a person found it, not a detector

The template is docs/postmortem-template.md when the project has one (agent-sre init writes it), else
the built-in one; its {{...}} placeholders are filled (docs/postmortem.md lists them). A section the
template has a heading for but no placeholder gets the generated text under that heading.

Blameless-language check: wording that blames a person ("X caused", "X's mistake", "should have
known", "careless", a name followed by "failed to" / "forgot") is reported with its line, in the
template and in the generated document, on stderr. \`postmortem lint\` runs the same check on any
Markdown and exits 1 when it finds something. Code spans and code blocks are not read.

Options:
  --out FILE       write the postmortem there (default: print it)
  --template FILE  use this template instead
  --file-issues    file each action item as a GitHub issue through the GitHub channel in
                   agent-sre.yaml (its repo, tokenEnv and labels); a second run finds them again
                   instead of filing twice. The Tracking column links them
  --channel NAME   the GitHub channel to use when several are configured
  --json           {"markdown","title","incidentId","sessionId","actionItems","gaps","metrics",
                   "findings","template","issues"}
  --dir DIR        the project root (default: found at or above the current directory)
${STORE_HELP}
                 (the summary then names the machine and user the session ran as)
`;

const OPTIONS = {
  out: { type: 'string' },
  template: { type: 'string' },
  'file-issues': { type: 'boolean' },
  channel: { type: 'string' },
  json: { type: 'boolean' },
  dir: { type: 'string' },
  store: { type: 'string' },
} as const;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, OPTIONS, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const dir = resolve(io.cwd, values.dir ?? '.');
  const env = processEnvironment(io.env);
  if (positionals[0] === 'lint') return lint(positionals.slice(1), io, dir, env.home, values.json === true);
  const subject = positionals[0];
  if (!subject || positionals.length > 1)
    throw new UsageError('expected: agent-sre postmortem INCIDENT|SESSION');
  if (values.channel && !values['file-issues']) throw new UsageError('--channel goes with --file-issues');
  const { policy: p, store, costOf, origins } = await openEvidenceSource(dir, values.store, io);
  try {
    const r = await withProgress(io, 'drafting the postmortem from the evidence', { json: values.json }, () =>
      draftPostmortem(
        {
          subject,
          ...(values.template ? { templateFile: resolve(io.cwd, values.template) } : {}),
          ...(values['file-issues'] ? { fileIssues: true } : {}),
          ...(values.channel ? { channel: values.channel } : {}),
        },
        {
          store,
          projectDir: dir,
          policy: p,
          now: Date.now(),
          costOf,
          env: io.env,
          ...(origins ? { origins } : {}),
        },
      ),
    ).catch((err: Error) => {
      throw err instanceof EvidenceError ? new UsageError(err.message) : err;
    });
    const out = values.out ? resolve(io.cwd, values.out) : null;
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, r.markdown);
    }
    const shown = out ? relative(io.cwd, out) || out : '<postmortem>';
    if (values.json) {
      const { pack: _pack, ...rest } = r;
      io.stdout(`${toJson(rest)}\n`);
    } else if (out)
      io.stdout(
        `wrote ${shown}: ${r.incidentId ?? 'no incident'}, ${r.actionItems.length} action item${r.actionItems.length === 1 ? '' : 's'}, ${r.gaps.length} detection gap${r.gaps.length === 1 ? '' : 's'}\n`,
      );
    else io.stdout(r.markdown);
    report(io, r.template.source, r.template.findings, 'template');
    report(io, shown, r.findings, 'postmortem');
    if (r.template.unknown.length)
      io.stderr(
        `template ${r.template.source}: no value for ${r.template.unknown.map((u) => `{{${u}}}`).join(', ')} (left as written)\n`,
      );
    if (r.template.inserted.length)
      io.stderr(
        `template ${r.template.source}: no placeholder for ${r.template.inserted.join(', ')}; the generated text went under the matching heading\n`,
      );
    if (r.issues) {
      for (const f of r.issues.filed)
        io.stderr(`${f.created ? 'filed' : 'already filed'} ${r.issues.repo}#${f.number} ${f.url}\n`);
      if (r.issues.error) {
        io.stderr(`filing issues through ${r.issues.channel} stopped: ${r.issues.error}\n`);
        return 1;
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

function report(io: Io, file: string, findings: readonly BlamelessFinding[], what: string): void {
  if (findings.length === 0) return;
  io.stderr(
    `blameless check, ${what}: ${findings.length} finding${findings.length === 1 ? '' : 's'}\n${formatFindings(file, findings)}\n`,
  );
}

async function lint(files: string[], io: Io, dir: string, home: string, json: boolean): Promise<number> {
  if (files.length === 0) throw new UsageError('expected: agent-sre postmortem lint FILE...');
  // The on-call roster, when the project has one, makes names exact rather than guessed.
  let people: string[] = [];
  try {
    const oncall = (await loadProjectPolicy(dir, home, { cache: false })).compiled.policy.paging.oncall;
    people = [...Object.keys(oncall.people), ...Object.values(oncall.people).map((p) => p.name)];
  } catch {
    // No usable agent-sre.yaml: names are guessed.
  }
  let found = 0;
  for (const f of files) {
    const path = resolve(io.cwd, f);
    if (!existsSync(path)) throw new UsageError(`no such file: ${f}`);
    const findings = lintBlameless(readFileSync(path, 'utf8'), { people });
    found += findings.length;
    if (json) io.stdout(`${JSON.stringify({ file: f, findings })}\n`);
    else if (findings.length) io.stdout(`${formatFindings(f, findings)}\n`);
  }
  if (!json)
    io.stdout(
      found
        ? `${found} finding${found === 1 ? '' : 's'} in ${files.length} file${files.length === 1 ? '' : 's'}\n`
        : 'no blaming language found\n',
    );
  return found > 0 ? 1 : 0;
}
