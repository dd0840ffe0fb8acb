// `agent-sre postmortem`: draft a blameless postmortem for an incident or a session from its evidence pack,
// fill the project's template (docs/postmortem-template.md) or the built-in one, check the language, and
// optionally file the action items as GitHub issues through the configured GitHub channel.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileResult, IssueToFile } from '../adapters/notify/github-issues.ts';
import { fnv1a } from '../core/hash.ts';
import type { ChannelConfig } from '../core/incidents/config.ts';
import type { IncidentTimes } from '../core/metrics/incident.ts';
import { resolveTargets } from '../core/metrics/targets.ts';
import { onCallAt, resolveSchedule } from '../core/oncall/schedule.ts';
import type { OncallConfig, Override } from '../core/oncall/types.ts';
import { type BlamelessFinding, lintBlameless } from '../core/postmortem/blameless.ts';
import { code, noMention, table } from '../core/postmortem/markdown.ts';
import type { EvidencePack } from '../core/postmortem/pack.ts';
import { type ActionItem, buildPostmortem, type DetectionGap } from '../core/postmortem/postmortem.ts';
import { fillTemplate } from '../core/postmortem/template.ts';
import { POSTMORTEM_TEMPLATE } from '../core/runbook/scaffold.ts';
import { type EvidenceDeps, EvidenceError, loadEvidence, resolveSession } from './evidence.ts';
import { overridesOf } from './incidents.ts';
import { POSTMORTEM_TEMPLATE_PATH } from './scaffold.ts';

export interface PostmortemDeps extends EvidenceDeps {
  /** Where `tokenEnv` of the GitHub channel is looked up. */
  env: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
}

export interface PostmortemOptions {
  /** `INC-<n>`, a session id, or a prefix only one session has. */
  subject: string;
  /** A template file instead of the project's or the built-in one. */
  templateFile?: string;
  fileIssues?: boolean;
  /** The GitHub channel to file through, when several are configured. */
  channel?: string;
}

export interface PostmortemResult {
  markdown: string;
  title: string;
  incidentId: string | null;
  sessionId: string;
  template: { source: string; findings: BlamelessFinding[]; unknown: string[]; inserted: string[] };
  /** Blameless findings in the generated document. */
  findings: BlamelessFinding[];
  actionItems: ActionItem[];
  gaps: DetectionGap[];
  metrics: IncidentTimes | null;
  issues: (FileResult & { channel: string; repo: string }) | null;
  pack: EvidencePack;
}

export class PostmortemError extends EvidenceError {
  override name = 'PostmortemError';
}

/** The on-call of the week: whoever the first schedule has on call at `at`. */
export function onCallOwner(oncall: OncallConfig, overrides: Override[], at: number): string | null {
  for (const name of Object.keys(oncall.schedules)) {
    const s = resolveSchedule(oncall, name);
    const who = s ? onCallAt(s, overrides, at) : null;
    if (who) return oncall.people[who.person]?.name ?? who.person;
  }
  return null;
}

function loadTemplate(projectDir: string, file: string | undefined): { text: string; source: string } {
  if (file) {
    try {
      return { text: readFileSync(file, 'utf8'), source: file };
    } catch (err) {
      throw new PostmortemError(`cannot read the template ${file}: ${(err as Error).message}`);
    }
  }
  const own = join(projectDir, POSTMORTEM_TEMPLATE_PATH);
  if (existsSync(own)) return { text: readFileSync(own, 'utf8'), source: own };
  return { text: POSTMORTEM_TEMPLATE, source: '<built-in template>' };
}

function githubChannel(
  channels: Record<string, ChannelConfig>,
  wanted: string | undefined,
): { name: string; config: Extract<ChannelConfig, { type: 'github' }> } {
  const github = Object.entries(channels).filter(
    (e): e is [string, Extract<ChannelConfig, { type: 'github' }>] => e[1].type === 'github',
  );
  if (wanted) {
    const hit = github.find(([n]) => n === wanted);
    if (!hit)
      throw new PostmortemError(
        `no GitHub channel "${wanted}" in agent-sre.yaml${github.length ? `; GitHub channels: ${github.map(([n]) => n).join(', ')}` : ''}`,
      );
    return { name: hit[0], config: hit[1] };
  }
  if (github.length === 0)
    throw new PostmortemError(
      '--file-issues needs a GitHub channel in agent-sre.yaml (channels: { gh: { type: github, repo: owner/name, tokenEnv: GITHUB_TOKEN } })',
    );
  if (github.length > 1)
    throw new PostmortemError(
      `several GitHub channels are configured (${github.map(([n]) => n).join(', ')}): pick one with --channel`,
    );
  return { name: github[0]![0], config: github[0]![1] };
}

/** At most `max` characters, cut between words. */
function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

function issueOf(
  subject: string,
  item: ActionItem,
  result: { title: string; sessionId: string; severity: string },
): IssueToFile {
  const headline = (item.text.split(/(?<=[.;])\s/)[0] ?? item.text).replace(/[.;]$/, '');
  return {
    key: `${subject}/${item.gap ?? 'item'}/${fnv1a(item.text)}`,
    title: `[postmortem ${subject}] ${shorten(headline.replace(/`/g, ''), 200)}`,
    labels: [`action:${item.type}`],
    body: [
      `Action item ${item.id} from the postmortem of ${subject} (${result.severity}): ${noMention(result.title)}.`,
      '',
      table(
        ['', ''],
        [
          ['Type', item.type],
          ['Owner', item.owner],
          ['Priority', item.priority],
          ['Closes the gap', item.gap ?? '-'],
          ['Session', code(result.sessionId)],
        ],
      ),
      '',
      noMention(item.text),
      '',
      `Drafted by \`agent-sre postmortem ${subject}\`; the postmortem has the timeline and the evidence.`,
    ].join('\n'),
  };
}

export async function draftPostmortem(
  opts: PostmortemOptions,
  deps: PostmortemDeps,
): Promise<PostmortemResult> {
  let incidentId: string | null = null;
  let sessionRef = opts.subject;
  if (/^INC-\d+$/i.test(opts.subject)) {
    incidentId = opts.subject.toUpperCase();
    const incident = await deps.store.transact(deps.now, (tx) => tx.incident(incidentId as string), {
      readonly: true,
    });
    if (!incident) throw new PostmortemError(`no incident "${opts.subject}"; see agent-sre incidents`);
    if (!incident.sessionId)
      throw new PostmortemError(
        `${incident.id} is not tied to an agent session (${incident.source.kind}); a postmortem is drafted from a session's ledger`,
      );
    sessionRef = incident.sessionId;
  }
  const session = await resolveSession(deps.store, sessionRef);
  const pack = await loadEvidence(session, deps);
  const overrides = await deps.store.transact(deps.now, (tx) => overridesOf(tx), { readonly: true });
  const paging = deps.policy.paging;
  const owner = onCallOwner(paging.oncall, overrides, deps.now);
  const targets = resolveTargets(deps.policy.report?.targets);
  const template = loadTemplate(deps.projectDir, opts.templateFile);
  const people = [
    ...Object.keys(paging.oncall.people),
    ...Object.values(paging.oncall.people).map((p) => p.name),
    ...pack.incidents
      .flatMap((r) => [r.incident.acknowledgedBy, r.incident.resolvedBy])
      .filter((x): x is string => !!x),
  ];
  const base = {
    pack,
    incidentId,
    now: deps.now,
    owner,
    targets,
    budgets: deps.policy.budgets,
    denials: deps.policy.denials,
  };
  let pm = buildPostmortem(base);
  const subject = pm.primary?.incident.id ?? session.sessionId;

  let issues: PostmortemResult['issues'] = null;
  if (opts.fileIssues && pm.actionItems.length > 0) {
    const gh = githubChannel(paging.channels, opts.channel);
    const meta = {
      title: pm.title,
      sessionId: session.sessionId,
      severity: pm.primary?.incident.severity ?? 'no incident',
    };
    // Octokit loads only when issues are filed.
    const { fileIssues } = await import('../adapters/notify/github-issues.ts');
    const r = await fileIssues(
      gh.config,
      { env: deps.env, projectDir: deps.projectDir, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
      subject,
      pm.actionItems.map((a) => issueOf(subject, a, meta)),
    );
    issues = { ...r, channel: gh.name, repo: gh.config.repo };
    const tracking: Record<string, string> = {};
    pm.actionItems.forEach((a, i) => {
      const f = r.filed[i];
      if (f) tracking[a.text] = `[${gh.config.repo}#${f.number}](${f.url})`;
    });
    pm = buildPostmortem({ ...base, tracking });
  }

  const filled = fillTemplate(template.text, pm.values);
  return {
    markdown: filled.text,
    title: pm.title,
    incidentId: pm.primary?.incident.id ?? null,
    sessionId: session.sessionId,
    template: {
      source: template.source,
      findings: lintBlameless(template.text, { people }),
      unknown: filled.unknown,
      inserted: filled.inserted,
    },
    findings: lintBlameless(filled.text, { people }),
    actionItems: pm.actionItems,
    gaps: pm.gaps,
    metrics: pm.primary?.times ?? null,
    issues,
    pack,
  };
}
