// The bin. Argument routing only; each command loads lazily so the hook pays for nothing else.
import type { CommandModule, Io } from './io.ts';
import { UsageError } from './io.ts';

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
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
    summary: 'list sessions in the ledger with denials and budget use',
    load: () => import('./commands/sessions.ts'),
  },
  cost: {
    summary: 'what a session cost: tokens, model and tool calls, wall time, USD (subagents included)',
    load: () => import('./commands/cost.ts'),
  },
  ledger: {
    summary: "the evidence ledger's identity and hold: `agent-sre ledger status|accept`",
    load: () => import('./commands/ledger.ts'),
  },
  session: {
    summary: 'act on one session: `agent-sre session resume ID`',
    load: () => import('./commands/session.ts'),
  },
  incidents: {
    summary: 'list incidents (one per problem) with their state and delivery: --open, --json',
    load: () => import('./commands/incidents.ts'),
  },
  incident: {
    summary: 'show one incident: `agent-sre incident show INC-3` (milestones, timeline, pages)',
    load: () => import('./commands/incident.ts'),
  },
  evidence: {
    summary: "one session's evidence: timeline, blast radius vs budgets, cost, commits, last test run",
    load: () => import('./commands/evidence.ts'),
  },
  postmortem: {
    summary: 'draft a blameless postmortem for INC-n or a session (--file-issues); `postmortem lint FILE`',
    load: () => import('./commands/postmortem.ts'),
  },
  report: {
    summary: 'incidents, MTTD/MTTA/MTTC/MTTR vs targets, change failure rate, cost; --out DIR for SVG charts',
    load: () => import('./commands/report.ts'),
  },
  ack: {
    summary: 'acknowledge an incident (humans only); escalation stops, channels hear it',
    load: () => import('./commands/answer.ts'),
  },
  mitigate: {
    summary: 'mark an incident mitigated (humans only)',
    load: () => import('./commands/answer.ts'),
  },
  resolve: {
    summary: 'resolve an incident (humans only); every paged channel gets the resolve',
    load: () => import('./commands/answer.ts'),
  },
  approve: {
    summary: 'let a tier-3 call waiting in gate mode `wait` go ahead: `agent-sre approve APR-2`',
    load: () => import('./commands/approve.ts'),
  },
  deny: {
    summary: 'refuse a waiting tier-3 call: `agent-sre deny APR-2 --reason "..."`',
    load: () => import('./commands/approve.ts'),
  },
  page: {
    summary: 'send a real test page through a channel: `agent-sre page test --channel NAME`',
    load: () => import('./commands/page.ts'),
  },
  tick: {
    summary: 'run what is due once (escalation, handoff notices, delivery); cron it every minute',
    load: () => import('./commands/tick.ts'),
  },
  serve: {
    summary: 'stay up and tick every few seconds (where cron is not an option)',
    load: () => import('./commands/serve.ts'),
  },
  oncall: {
    summary: 'who is on call now and next; schedule, override, ics calendar',
    load: () => import('./commands/oncall.ts'),
  },
  golden: {
    summary:
      'daily golden-prompt evals and drift detection: `agent-sre golden run|baseline|history|schedule`',
    load: () => import('./commands/golden.ts'),
  },
  calibrate: {
    summary: 'how often humans accept each tier-3 rule (Wilson interval); suggests tiers, --write proposes',
    load: () => import('./commands/calibrate.ts'),
  },
  trust: {
    summary: "after an upgrade or rebuild, a human vouches for agent-sre's own code (humans only)",
    load: () => import('./commands/trust.ts'),
  },
  doctor: {
    summary: 'check the wiring, versions and policy; prove the hook is live with a canary',
    load: () => import('./commands/doctor.ts'),
  },
  runbook: {
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
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`agent-sre: unknown command "${name}"\n\n${mainHelp()}\n`);
    return 2;
  }
  const mod = await command.load();
  try {
    return await mod.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`agent-sre ${name}: ${err.message}\nRun \`agent-sre ${name} --help\` for usage.\n`);
      return 2;
    }
    throw err;
  }
}
