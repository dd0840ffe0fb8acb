// The bin. Argument routing only; each command loads lazily so the hook pays for nothing else.
import { nearest, orList } from '../core/nearest.ts';
import { printable } from './args.ts';
import type { CommandModule, Io } from './io.ts';
import { UsageError } from './io.ts';

/**
 * How a command finds its project, decided here once for every command (as git's RUN_SETUP flags do):
 * - required: it reads or writes the ledger, so it runs in a project or not at all. The root is the
 *   nearest directory at or above the current one with agent-sre.yaml or .agent-sre/, handed to the
 *   command as `--dir`; an explicit `--dir` wins and must name a project root.
 * - optional: it writes nothing, so outside a project it still runs, on the embedded defaults.
 * - absent: the command finds its own (init makes one; hook is told by Claude Code; check and replay
 *   look for the policy themselves; trust, `serve --print-token` and `serve --hooks-only` are about the
 *   install or every project, not one).
 */
type ProjectMode = 'required' | 'optional';

interface Command {
  summary: string;
  /** Or decided by the options (before any `--`), for commands whose subcommands differ. */
  project?: ProjectMode | ((options: string[]) => ProjectMode | undefined);
  load: () => Promise<CommandModule>;
}

const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'wire agent-sre into this repository (policy, Claude Code hooks, ledger)',
    load: () => import('./commands/init.ts'),
  },
  hook: {
    summary: 'the hook Claude Code runs: `agent-sre hook claude` (reads hook JSON on stdin)',
    load: () => import('./commands/hook.ts'),
  },
  check: {
    summary: "explain one decision: `agent-sre check 'git push -f origin main'`",
    load: () => import('./commands/check.ts'),
  },
  replay: {
    summary: 'shadow mode: run a recorded session through the policy, no side effects',
    load: () => import('./commands/replay.ts'),
  },
  sessions: {
    project: 'required',
    summary: 'list sessions in the ledger with denials and budget use',
    load: () => import('./commands/sessions.ts'),
  },
  cost: {
    project: 'optional',
    summary: 'what a session cost: tokens, model and tool calls, wall time, USD (subagents included)',
    load: () => import('./commands/cost.ts'),
  },
  ledger: {
    project: 'required',
    summary: "the evidence ledger's identity and hold: `agent-sre ledger status|accept`",
    load: () => import('./commands/ledger.ts'),
  },
  session: {
    project: 'required',
    summary: 'act on one session: `agent-sre session resume ID`',
    load: () => import('./commands/session.ts'),
  },
  incidents: {
    project: 'required',
    summary: 'list incidents (one per problem) with their state and delivery: --open, --json',
    load: () => import('./commands/incidents.ts'),
  },
  incident: {
    project: 'required',
    summary: 'show one incident: `agent-sre incident show INC-3` (milestones, timeline, pages)',
    load: () => import('./commands/incident.ts'),
  },
  evidence: {
    project: 'required',
    summary: "one session's evidence: timeline, blast radius vs budgets, cost, commits, last test run",
    load: () => import('./commands/evidence.ts'),
  },
  postmortem: {
    project: (options) => (options.find((a) => !a.startsWith('-')) === 'lint' ? 'optional' : 'required'),
    summary: 'draft a blameless postmortem for INC-n or a session (--file-issues); `postmortem lint FILE`',
    load: () => import('./commands/postmortem.ts'),
  },
  report: {
    project: 'required',
    summary: 'incidents, MTTD/MTTA/MTTC/MTTR vs targets, change failure rate, cost; --out DIR for SVG charts',
    load: () => import('./commands/report.ts'),
  },
  ack: {
    project: 'required',
    summary: 'acknowledge an incident (humans only); escalation stops, channels hear it',
    load: () => import('./commands/answer.ts'),
  },
  mitigate: {
    project: 'required',
    summary: 'mark an incident mitigated (humans only)',
    load: () => import('./commands/answer.ts'),
  },
  resolve: {
    project: 'required',
    summary: 'resolve an incident (humans only); every paged channel gets the resolve',
    load: () => import('./commands/answer.ts'),
  },
  approve: {
    project: 'required',
    summary: 'let a tier-3 call waiting in gate mode `wait` go ahead: `agent-sre approve APR-2`',
    load: () => import('./commands/approve.ts'),
  },
  deny: {
    project: 'required',
    summary: 'refuse a waiting tier-3 call: `agent-sre deny APR-2 --reason "..."`',
    load: () => import('./commands/approve.ts'),
  },
  page: {
    project: 'required',
    summary: 'send a real test page through a channel: `agent-sre page test --channel NAME`',
    load: () => import('./commands/page.ts'),
  },
  tick: {
    project: 'required',
    summary: 'run what is due once (escalation, handoff notices, delivery); cron it every minute',
    load: () => import('./commands/tick.ts'),
  },
  serve: {
    project: (options) =>
      options.includes('--print-token') || options.includes('--hooks-only') ? undefined : 'required',
    summary:
      'the dashboard on 127.0.0.1 (approve, acknowledge, watch sessions), and ticking where cron is not an option',
    load: () => import('./commands/serve.ts'),
  },
  oncall: {
    project: 'required',
    summary: 'who is on call now and next; schedule, override, ics calendar',
    load: () => import('./commands/oncall.ts'),
  },
  golden: {
    project: 'required',
    summary:
      'daily golden-prompt evals and drift detection: `agent-sre golden run|baseline|history|schedule`',
    load: () => import('./commands/golden.ts'),
  },
  calibrate: {
    project: 'optional',
    summary: 'how often humans accept each tier-3 rule (Wilson interval); suggests tiers, --write proposes',
    load: () => import('./commands/calibrate.ts'),
  },
  trust: {
    summary: "after an upgrade or rebuild, a human vouches for agent-sre's own code (humans only)",
    load: () => import('./commands/trust.ts'),
  },
  doctor: {
    project: 'required',
    summary: 'check the wiring, versions and policy; prove the hook is live with a canary',
    load: () => import('./commands/doctor.ts'),
  },
  runbook: {
    project: 'optional',
    summary:
      'lint AGENTS.md and CLAUDE.md as the on-call runbook of the agent, and explain what it compiles to: `agent-sre runbook lint|explain`',
    load: () => import('./commands/runbook.ts'),
  },
};

export function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'agent-sre: the on-call layer for coding agents.',
    '',
    'Usage: agent-sre <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `agent-sre <command> --help` for a command's options. Data commands take --json.",
    'Commands work on the project around the current directory: the nearest directory at or above it',
    'with agent-sre.yaml or .agent-sre/ (--dir DIR names another).',
    'Quick look: agent-sre replay examples/runaway-session.jsonl',
  ].join('\n');
}

export async function main(io: Io): Promise<number> {
  const [name, ...rest] = io.argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${mainHelp()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    const { VERSION } = await import('../version.ts');
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    // Before a command only --help and --version exist: `agent-sre --json` is an option, not a command.
    const option = name.startsWith('-');
    const near = option
      ? nearest(name.replace(/^-+/, ''), ['help', 'version']).map((o) => `--${o}`)
      : nearest(name, Object.keys(COMMANDS));
    const what = option ? `unknown option '${printable(name)}'` : `unknown command "${printable(name)}"`;
    io.stderr(
      `agent-sre: ${what}.${near.length > 0 ? ` Did you mean ${option ? near.join(' or ') : orList(near)}?` : ''}\nUsage: agent-sre <command> [options]\nSee \`agent-sre --help\` for the commands.\n`,
    );
    return 2;
  }
  try {
    const args = await withProject(command.project, rest, io);
    const mod = await command.load();
    return await mod.run(args, io);
  } catch (err) {
    const { PolicyError } = await import('../app/policy.ts');
    const { NotAProjectError } = await import('./project-root.ts');
    if (err instanceof UsageError) {
      io.stderr(`agent-sre ${name}: ${err.message}\nSee \`agent-sre ${name} --help\`.\n`);
      return 2;
    }
    // The policy's own problems are located (file:line:column key: message); a stack adds nothing.
    if (err instanceof PolicyError || err instanceof NotAProjectError) {
      io.stderr(`agent-sre ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** The arguments with the project root added as `--dir` when the command needs one and was given none. */
async function withProject(project: Command['project'], args: string[], io: Io): Promise<string[]> {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  const mode = typeof project === 'function' ? project(options) : project;
  if (mode === undefined) return args;
  // Help is the same everywhere, in a project or not.
  if (options.includes('--help') || options.includes('-h')) return args;
  const { findProjectRoot, requireProjectRoot } = await import('./project-root.ts');
  const at = options.findIndex((a) => a === '--dir' || a.startsWith('--dir='));
  if (at !== -1) {
    const given = options[at] === '--dir' ? options[at + 1] : options[at]!.slice('--dir='.length);
    // A missing value is the parser's to report, with the command's usage.
    const missing = given === undefined || (options[at] === '--dir' && given.startsWith('-'));
    if (mode === 'required' && !missing) requireProjectRoot(given, io.cwd);
    return args;
  }
  const root = mode === 'required' ? requireProjectRoot(undefined, io.cwd) : findProjectRoot(io.cwd);
  if (root === null) return args;
  // First, so that it can be nobody's value (`report --since` stays a missing value) and never after `--`.
  return [`--dir=${root}`, ...args];
}
