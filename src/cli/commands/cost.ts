import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { readSession } from '../../adapters/transcripts/usage-reader.ts';
import { processEnvironment } from '../../app/context.ts';
import { loadProjectPolicy } from '../../app/policy.ts';
import {
  claudeProjectsDir,
  findSessionTranscript,
  latestSessionTranscript,
} from '../../app/transcript-files.ts';
import { type ModelPrice, type Pricing, priceFor, type Rates } from '../../core/cost/prices.ts';
import { type SessionUsage, summarize, type UsageTotals } from '../../core/cost/usage.ts';
import type { Budgets } from '../../core/policy/types.ts';
import { parse } from '../args.ts';
import { type Io, UsageError } from '../io.ts';
import { startProgress } from '../progress.ts';
import type { Paint } from '../style.ts';
import { type Cell, renderTable } from '../table.ts';
import { terminalOf } from '../terminal.ts';

const HELP = `Usage: agent-sre cost [SESSION_ID | TRANSCRIPT_FILE] [--json] [--dir DIR]

What a Claude Code session cost: tokens by kind (input, output, cache writes for 5 minutes and 1 hour,
cache reads), model calls, tool calls, wall time, compactions and USD at list prices, for the main
agent, each subagent and in total. Read from the session's transcript and every subagents/agent-*.jsonl
beside it; nothing is written.

  SESSION_ID        looked up under ~/.claude/projects/ (CLAUDE_CONFIG_DIR moves ~/.claude), in the
                    folder of the project (--dir) first, then in every project's folder
  TRANSCRIPT_FILE   a session's .jsonl, read directly
  (neither)         the project's most recently written session

An API response is written as one transcript line per content block, each repeating its usage: it is
counted once (by message id and request id), with the largest token counts seen while it streamed.
Prices are Anthropic's list prices per million tokens (see docs/cost.md), shown next to the cost so
you can check the sum; set your own under pricing: in agent-sre.yaml. A model with no price makes the
cost unknown, not zero, and is named. Malformed lines and entries of unknown types are counted and
skipped.

The hook keeps the same account as the session runs and holds it against budgets.costUsd (per
session, default $50) and budgets.fleetCostUsdPerDay (all sessions of the project per UTC day,
default $500): once one is spent, every further call needs a human (tier 3) and an incident is raised.

Options:
  --json      one JSON object: {"file","sessionId","tokens","costUsd","knownCostUsd","unpricedModels",
              "modelCalls","toolCalls","compactions","wallMs","models","main","subagents","lines",
              "prices","budgets"}
  --dir DIR   the project (default: found at or above the current directory, else this one): where
              its sessions are looked up and whose agent-sre.yaml gives prices and budgets

Examples:
  agent-sre cost                       # the latest session of this project
  agent-sre cost 5b1c7a2e-0d3f-4c89-9e61-7f2a4b8c9d01 --json | jq .costUsd
  agent-sre cost ~/.claude/projects/-home-me-repo/5b1c7a2e-....jsonl
`;

export async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, dir: { type: 'string' } }, HELP);
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError('give at most one SESSION_ID or TRANSCRIPT_FILE');
  const dir = resolve(io.cwd, values.dir ?? '.');
  const env = processEnvironment(io.env);
  const projects = claudeProjectsDir(io.env, env.home);
  const file = locate(positionals[0], io.cwd, projects, dir);

  let pricing: Pricing;
  let budgets: Budgets;
  try {
    const policy = (await loadProjectPolicy(dir, env.home, { cache: false })).compiled.policy;
    pricing = policy.pricing;
    budgets = policy.budgets;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const progress = startProgress(io, 'reading the transcript', { json: values.json });
  let read: Awaited<ReturnType<typeof readSession>>;
  try {
    read = await readSession(file, {
      pricing,
      onProgress: (done, total) => {
        if (total > 0)
          progress.update(
            `reading the transcript: ${Math.round(Math.min(1, done / total) * 100)}% of ${(total / 1048576).toFixed(1)} MB`,
          );
      },
    });
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  } finally {
    progress.done();
  }
  const usage = summarize(read.state);
  const sessionId = basename(read.files.main, '.jsonl');
  const prices = pricesUsed(usage, pricing);
  if (values.json) {
    io.stdout(
      `${JSON.stringify({
        file: read.files.main,
        sessionId,
        ...usage,
        prices,
        budgets: { costUsd: budgets.costUsd, fleetCostUsdPerDay: budgets.fleetCostUsdPerDay },
      })}\n`,
    );
    return 0;
  }
  const term = terminalOf(io);
  io.stdout(report(usage, sessionId, read.files.main, prices, budgets, term.paint, term.columns));
  return 0;
}

function locate(arg: string | undefined, cwd: string, projects: string, dir: string): string {
  if (arg === undefined) {
    const latest = latestSessionTranscript(projects, dir);
    if (!latest) throw new UsageError(`no session transcripts for ${dir} under ${projects}`);
    return latest;
  }
  const asPath = resolve(cwd, arg);
  if (arg.endsWith('.jsonl') || arg.includes('/') || existsSync(asPath)) {
    if (!existsSync(asPath)) throw new UsageError(`no such file: ${arg}`);
    return asPath;
  }
  const found = findSessionTranscript(projects, dir, arg);
  if (!found) throw new UsageError(`no transcript for session ${arg} under ${projects}`);
  return found;
}

interface PricesShown {
  source: string;
  webSearchPer1k: number;
  /** The row each model was priced by, or null when it has none. */
  models: Record<string, ModelPrice | null>;
}

function pricesUsed(usage: SessionUsage, pricing: Pricing): PricesShown {
  const models: Record<string, ModelPrice | null> = {};
  for (const m of usage.models) models[m.model] = priceFor(pricing, m.model) ?? null;
  return { source: pricing.source, webSearchPer1k: pricing.webSearchPer1k, models };
}

const n = (x: number) => x.toLocaleString('en-US');
const usd = (x: number | null) =>
  x === null ? 'unknown' : x >= 10 ? `$${x.toFixed(2)}` : `$${x.toFixed(4)}`;
const plural = (k: number, word: string) => `${k} ${word}${k === 1 ? '' : 's'}`;
const rateText = (r: Rates) =>
  [r.input, r.output, r.cacheWrite5m, r.cacheWrite1h, r.cacheRead]
    .map((x) => String(+x.toFixed(4)))
    .join(' / ');

function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

function costCell(t: UsageTotals): string {
  return t.costUsd === null ? `>= ${usd(t.knownCostUsd)} (unknown)` : usd(t.costUsd);
}

function report(
  u: SessionUsage,
  sessionId: string,
  file: string,
  prices: PricesShown,
  budgets: Budgets,
  p: Paint,
  width: number | null,
): string {
  const out: string[] = [];
  out.push(`${p.bold(`Session ${sessionId}`)} (${file}, ${plural(u.subagents.length, 'subagent')})`, '');
  const head = [
    'agent',
    'calls',
    'tools',
    'input',
    'output',
    'cache w 5m',
    'cache w 1h',
    'cache read',
    'wall',
    'cost',
  ];
  const row = (name: string, t: UsageTotals): Cell[] => [
    name,
    n(t.modelCalls),
    n(t.toolCalls),
    n(t.tokens.input),
    n(t.tokens.output),
    n(t.tokens.cacheWrite5m),
    n(t.tokens.cacheWrite1h),
    n(t.tokens.cacheRead),
    duration(t.wallMs),
    t.costUsd === null ? { text: costCell(t), style: p.yellow } : costCell(t),
  ];
  const total = row('total', u).map((c) =>
    typeof c === 'string' ? { text: c, style: p.bold } : { text: c.text, style: p.bold },
  );
  out.push(
    ...renderTable(
      head.map((h, i) => ({ header: h, align: i === 0 || i >= 8 ? 'left' : 'right' }) as const),
      [row('main', u.main), ...u.subagents.map((s) => row(s.agentId, s)), total],
      { paint: p, width },
    ),
  );
  out.push(
    '',
    'Prices, USD per million tokens (input / output / cache write 5m / cache write 1h / cache read):',
  );
  const lines = u.models.map((m) => {
    const p = prices.models[m.model];
    if (!p)
      return {
        cells: [m.model, 'no price', plural(m.calls, 'call'), 'unknown'],
        note: 'set it under pricing.models in agent-sre.yaml',
      };
    const notes: string[] = [];
    if (m.fastCalls - m.fastAtStandardRate > 0 && p.fast)
      notes.push(`${m.fastCalls - m.fastAtStandardRate} in fast mode at ${rateText(p.fast)}`);
    if (m.fastAtStandardRate > 0)
      notes.push(`${m.fastAtStandardRate} in fast mode priced as standard (no fast rates)`);
    if (m.longPromptCalls > 0 && p.longPrompt)
      notes.push(
        `${m.longPromptCalls} over ${n(p.longPrompt.aboveTokens)} prompt tokens at ${rateText(p.longPrompt)}`,
      );
    if (m.webSearches > 0)
      notes.push(`${n(m.webSearches)} web searches at $${prices.webSearchPer1k} per 1,000`);
    if (p.source) notes.push(`price from ${p.source}`);
    return { cells: [m.model, rateText(p), plural(m.calls, 'call'), usd(m.costUsd)], note: notes.join('; ') };
  });
  const w = [0, 1, 2, 3].map((i) => Math.max(0, ...lines.map((l) => l.cells[i]!.length)));
  for (const l of lines)
    out.push(
      `  ${l.cells.map((c, i) => (i === 2 || i === 3 ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join('  ')}${l.note ? `  ${l.note}` : ''}`.trimEnd(),
    );
  out.push(`  Source: ${prices.source}`, '');
  const l = u.lines;
  const unknown =
    l.unknownType > 0 ? `, ${l.unknownType} of an unknown type (${l.unknownTypes.join(', ')})` : '';
  out.push(
    `${plural(u.compactions, 'compaction')}. ${n(l.read)} lines read: ${l.malformed} malformed${unknown}, ${l.skipped} API errors or synthetic messages left out.`,
  );
  if (u.unpricedModels.length > 0)
    out.push(
      `Cost unknown: no price for ${u.unpricedModels.join(', ')}; the priced part is ${usd(u.knownCostUsd)}.`,
    );
  out.push(
    `Budget: ${usd(u.knownCostUsd)} of $${budgets.costUsd.toFixed(2)} per session (budgets.costUsd); $${budgets.fleetCostUsdPerDay.toFixed(2)} per day for all sessions (budgets.fleetCostUsdPerDay).`,
  );
  return `${out.join('\n')}\n`;
}
