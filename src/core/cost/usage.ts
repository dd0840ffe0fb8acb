// Token usage and cost of a Claude Code session, folded one transcript line at a time. The transcript is
// Claude Code's internal format and anyone can write to it, so every field is optional, every value is
// checked, and nothing here throws. The state is plain JSON: the hook keeps it in the ledger between calls
// and carries on from where the last read stopped.
//
// Traps (hooks reference §3.3): one API response is written as one line per content block, each repeating
// `message.id`, `requestId` and `usage`; while a response streams, `output_tokens` grows from line to line.
// So a response is counted once, by `message.id:requestId`, with each token count at the largest value
// seen. The lines of one response sit close together in one file, so a short window of recent responses
// per agent is enough to recognise them, and keeps the state small however long the session runs.
import { bandOf, type Pricing, priceFor, requestCost, type UsageVector } from './prices.ts';

export interface TokenCounts {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ModelUsage {
  model: string;
  /** API responses, each counted once however many lines repeat it. */
  calls: number;
  tokens: TokenCounts;
  webSearches: number;
  /** Null when some calls had no price (the model is not in the table). */
  costUsd: number | null;
  /** Calls priced at the long-prompt band. */
  longPromptCalls: number;
  /** Calls in fast mode; `fastAtStandardRate` of them were priced as standard (no fast rates known). */
  fastCalls: number;
  fastAtStandardRate: number;
}

export interface UsageTotals {
  tokens: TokenCounts;
  webSearches: number;
  /** USD at list prices; null when any call used a model with no price, so the total is not known. */
  costUsd: number | null;
  /** The priced part: the whole cost when `costUsd` is a number, a lower bound when it is null. */
  knownCostUsd: number;
  /** Models with calls but no price. */
  unpricedModels: string[];
  modelCalls: number;
  /** tool_use blocks the model sent. */
  toolCalls: number;
  /** `compact_boundary` entries: the context was summarised and restarted. */
  compactions: number;
  /** Epoch ms of the first and last timestamped line. */
  firstAt: number | null;
  lastAt: number | null;
  wallMs: number | null;
  models: ModelUsage[];
}

/** One session's usage: the main agent, each subagent, and the whole. */
export interface SessionUsage extends UsageTotals {
  main: UsageTotals;
  subagents: Array<UsageTotals & { agentId: string }>;
  lines: {
    /** Non-blank lines read. */
    read: number;
    /** Not JSON, or JSON that is not an entry (no string `type`). */
    malformed: number;
    /** Entries of a type this reader does not know; their timestamps still count. */
    unknownType: number;
    /** Up to ten of those type names. */
    unknownTypes: string[];
    /** Assistant entries left out on purpose: API errors and `<synthetic>` messages. */
    skipped: number;
  };
}

type Vec = UsageVector;

interface ModelState {
  model: string;
  t: Vec;
  /** USD of the priced calls. */
  usd: number;
  calls: number;
  unpriced: number;
  long: number;
  fast: number;
  fastStd: number;
}

interface Recent {
  /** `message.id:requestId`. */
  k: string;
  m: string;
  u: Vec;
  /** What this response has been charged so far; null when its model has no price. */
  usd: number | null;
  /** tool_use ids already counted. */
  tools: string[];
}

export interface AgentState {
  id: string | null;
  calls: number;
  tools: number;
  compactions: number;
  first: number | null;
  last: number | null;
  models: ModelState[];
  recent: Recent[];
}

export interface UsageState {
  v: 1;
  lines: number;
  malformed: number;
  unknown: number;
  unknownTypes: string[];
  skipped: number;
  main: AgentState;
  subagents: AgentState[];
}

export interface FoldOptions {
  pricing: Pricing;
  /** The subagent whose file the line came from; main-file lines say so themselves (`isSidechain`, `agentId`). */
  agent?: string | null;
}

/** Responses remembered per agent for de-duplication. */
export const RECENT = 16;
// Bounds against hostile transcripts: the state goes into the ledger on every PostToolUse.
const MAX_MODELS = 32;
const MAX_SUBAGENTS = 500;
const MAX_TOOL_IDS = 64;
const MAX_NAME = 120;
/** Larger counts are garbage, not tokens; they would also overflow JSON into null. */
const MAX_TOKENS = 1e12;
export const MAX_LINE_CHARS = 64 * 1024 * 1024;

const KNOWN_TYPES = new Set([
  'user',
  'assistant',
  'system',
  'attachment',
  'summary',
  'custom-title',
  'ai-title',
  'queue-operation',
  'file-history-snapshot',
  'progress',
  'tag',
  'agent-name',
  'mode',
  'pr-link',
  'last-prompt',
]);

function newAgent(id: string | null): AgentState {
  return { id, calls: 0, tools: 0, compactions: 0, first: null, last: null, models: [], recent: [] };
}

export function newUsageState(): UsageState {
  return {
    v: 1,
    lines: 0,
    malformed: 0,
    unknown: 0,
    unknownTypes: [],
    skipped: 0,
    main: newAgent(null),
    subagents: [],
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const clip = (s: string) => (s.length > MAX_NAME ? s.slice(0, MAX_NAME) : s);

function count(v: unknown): number {
  return typeof v === 'number' && v > 0 && v <= MAX_TOKENS ? Math.floor(v) : 0;
}

function vectorOf(usage: Json): Vec {
  const total = count(usage.cache_creation_input_tokens);
  let w5 = total;
  let w1 = 0;
  const split = usage.cache_creation;
  if (isObject(split)) {
    w1 = count(split.ephemeral_1h_input_tokens);
    // Writes the split does not account for were made with the default TTL, five minutes.
    w5 = Math.max(count(split.ephemeral_5m_input_tokens), total - w1);
  }
  const server = usage.server_tool_use;
  return [
    count(usage.input_tokens),
    count(usage.output_tokens),
    w5,
    w1,
    count(usage.cache_read_input_tokens),
    isObject(server) ? count(server.web_search_requests) : 0,
  ];
}

function agentFor(state: UsageState, line: Json, opts: FoldOptions): AgentState {
  const id =
    opts.agent !== undefined
      ? opts.agent
      : line.isSidechain === true && str(line.agentId) !== null
        ? clip(line.agentId as string)
        : null;
  if (id === null) return state.main;
  const found = state.subagents.find((a) => a.id === id);
  if (found) return found;
  // Past the bound, further subagents are counted with the last one rather than dropped.
  if (state.subagents.length >= MAX_SUBAGENTS) return state.subagents[state.subagents.length - 1]!;
  const agent = newAgent(id);
  state.subagents.push(agent);
  return agent;
}

function modelFor(agent: AgentState, model: string): ModelState {
  const found = agent.models.find((m) => m.model === model);
  if (found) return found;
  const name = agent.models.length >= MAX_MODELS ? '(other models)' : model;
  const again = agent.models.find((m) => m.model === name);
  if (again) return again;
  const m: ModelState = {
    model: name,
    t: [0, 0, 0, 0, 0, 0],
    usd: 0,
    calls: 0,
    unpriced: 0,
    long: 0,
    fast: 0,
    fastStd: 0,
  };
  agent.models.push(m);
  return m;
}

function stamp(agent: AgentState, ts: unknown): void {
  if (typeof ts !== 'string') return;
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms)) return;
  if (agent.first === null || ms < agent.first) agent.first = ms;
  if (agent.last === null || ms > agent.last) agent.last = ms;
}

/** Price one response's usage: null when the model has no price. */
function priced(opts: FoldOptions, model: string, u: Vec, fast: boolean) {
  const price = priceFor(opts.pricing, model);
  if (!price) return null;
  const band = bandOf(price, u, fast);
  return { usd: requestCost(opts.pricing, price, u, band), band };
}

function foldAssistant(state: UsageState, agent: AgentState, line: Json, opts: FoldOptions): void {
  const message = line.message;
  if (!isObject(message)) return;
  const modelName = str(message.model);
  if (line.isApiErrorMessage === true || modelName === '<synthetic>') {
    state.skipped++;
    return;
  }
  const id = str(message.id);
  const requestId = str(line.requestId);
  const key = id === null ? null : clip(requestId === null ? id : `${id}:${requestId}`);
  let entry = key === null ? undefined : agent.recent.find((r) => r.k === key);

  if (isObject(message.usage)) {
    const u = vectorOf(message.usage);
    const fast = message.usage.speed === 'fast';
    if (entry) {
      // A later line of a response already counted: add only what grew.
      const m = modelFor(agent, entry.m);
      const merged = entry.u.map((x, i) => Math.max(x, u[i]!)) as Vec;
      for (let i = 0; i < 6; i++) m.t[i]! += merged[i]! - entry.u[i]!;
      const p = priced(opts, entry.m, merged, fast);
      if (p && entry.usd !== null) {
        m.usd += p.usd - entry.usd;
        entry.usd = p.usd;
      }
      entry.u = merged;
    } else {
      const model = clip(modelName ?? 'unknown');
      const m = modelFor(agent, model);
      const p = priced(opts, model, u, fast);
      for (let i = 0; i < 6; i++) m.t[i]! += u[i]!;
      m.calls++;
      agent.calls++;
      if (p) {
        m.usd += p.usd;
        if (p.band === 'long') m.long++;
        if (p.band === 'fast') m.fast++;
        if (p.band === 'fast-at-standard') {
          m.fast++;
          m.fastStd++;
        }
      } else m.unpriced++;
      if (key !== null) {
        entry = { k: key, m: model, u, usd: p ? p.usd : null, tools: [] };
        agent.recent.push(entry);
        if (agent.recent.length > RECENT) agent.recent.shift();
      }
    }
  }

  if (!Array.isArray(message.content)) return;
  for (const block of message.content) {
    if (!isObject(block) || block.type !== 'tool_use') continue;
    const toolId = str(block.id);
    if (entry && toolId !== null) {
      if (entry.tools.includes(toolId)) continue;
      if (entry.tools.length < MAX_TOOL_IDS) entry.tools.push(clip(toolId));
    }
    agent.tools++;
  }
}

/**
 * Fold one parsed transcript line into `state`, which is updated in place and returned: a transcript runs to
 * millions of lines and a copy per line would cost more than the parse.
 */
export function foldLine(state: UsageState, value: unknown, opts: FoldOptions): UsageState {
  state.lines++;
  if (!isObject(value) || typeof value.type !== 'string') {
    state.malformed++;
    return state;
  }
  const agent = agentFor(state, value, opts);
  stamp(agent, value.timestamp);
  const type = value.type;
  if (type === 'assistant') foldAssistant(state, agent, value, opts);
  else if (type === 'system') {
    if (value.subtype === 'compact_boundary') agent.compactions++;
  } else if (!KNOWN_TYPES.has(type)) {
    state.unknown++;
    const name = clip(type);
    if (state.unknownTypes.length < 10 && !state.unknownTypes.includes(name)) state.unknownTypes.push(name);
  }
  return state;
}

function looksLikeObject(text: string): boolean {
  let i = 0;
  let j = text.length - 1;
  while (i < j && text.charCodeAt(i) <= 32) i++;
  while (j > i && text.charCodeAt(j) <= 32) j--;
  return text.charCodeAt(i) === 123 && text.charCodeAt(j) === 125;
}

/** Fold one line of text. Blank lines are not counted; text that is not JSON counts as malformed. */
export function foldText(state: UsageState, text: string, opts: FoldOptions): UsageState {
  // A BOM survives line splitting on the first line and JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return state;
  // An entry is a JSON object: anything else is malformed, and telling so here spares JSON.parse a throw,
  // which costs more than parsing the line.
  if (body.length > MAX_LINE_CHARS || !looksLikeObject(body)) {
    state.lines++;
    state.malformed++;
    return state;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    state.lines++;
    state.malformed++;
    return state;
  }
  return foldLine(state, value, opts);
}

/** A line too long to read: counted as malformed, like any line whose JSON cannot be used. */
export function foldOversized(state: UsageState): UsageState {
  state.lines++;
  state.malformed++;
  return state;
}

const tokensOf = (t: Vec): TokenCounts => ({
  input: t[0],
  output: t[1],
  cacheWrite5m: t[2],
  cacheWrite1h: t[3],
  cacheRead: t[4],
});

function totalsOf(agents: AgentState[]): UsageTotals {
  const byModel = new Map<string, ModelState>();
  let calls = 0;
  let tools = 0;
  let compactions = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const a of agents) {
    calls += a.calls;
    tools += a.tools;
    compactions += a.compactions;
    if (a.first !== null && (first === null || a.first < first)) first = a.first;
    if (a.last !== null && (last === null || a.last > last)) last = a.last;
    for (const m of a.models) {
      const sum = byModel.get(m.model) ?? {
        model: m.model,
        t: [0, 0, 0, 0, 0, 0] as Vec,
        usd: 0,
        calls: 0,
        unpriced: 0,
        long: 0,
        fast: 0,
        fastStd: 0,
      };
      for (let i = 0; i < 6; i++) sum.t[i]! += m.t[i]!;
      sum.usd += m.usd;
      sum.calls += m.calls;
      sum.unpriced += m.unpriced;
      sum.long += m.long;
      sum.fast += m.fast;
      sum.fastStd += m.fastStd;
      byModel.set(m.model, sum);
    }
  }
  const models: ModelUsage[] = [...byModel.values()]
    .sort((a, b) => b.usd - a.usd || b.calls - a.calls || a.model.localeCompare(b.model))
    .map((m) => ({
      model: m.model,
      calls: m.calls,
      tokens: tokensOf(m.t),
      webSearches: m.t[5],
      costUsd: m.unpriced > 0 ? null : m.usd,
      longPromptCalls: m.long,
      fastCalls: m.fast,
      fastAtStandardRate: m.fastStd,
    }));
  const t: Vec = [0, 0, 0, 0, 0, 0];
  let known = 0;
  for (const m of byModel.values()) {
    for (let i = 0; i < 6; i++) t[i]! += m.t[i]!;
    known += m.usd;
  }
  const unpriced = models.filter((m) => m.costUsd === null).map((m) => m.model);
  return {
    tokens: tokensOf(t),
    webSearches: t[5],
    costUsd: unpriced.length > 0 ? null : known,
    knownCostUsd: known,
    unpricedModels: unpriced,
    modelCalls: calls,
    toolCalls: tools,
    compactions,
    firstAt: first,
    lastAt: last,
    wallMs: first === null || last === null ? null : last - first,
    models,
  };
}

/** The priced cost so far, what the cost budgets are held against. */
export function knownCost(state: UsageState): number {
  let usd = 0;
  for (const a of [state.main, ...state.subagents]) for (const m of a.models) usd += m.usd;
  return usd;
}

export function summarize(state: UsageState): SessionUsage {
  return {
    ...totalsOf([state.main, ...state.subagents]),
    main: totalsOf([state.main]),
    subagents: state.subagents.map((a) => ({ agentId: a.id ?? '', ...totalsOf([a]) })),
    lines: {
      read: state.lines,
      malformed: state.malformed,
      unknownType: state.unknown,
      unknownTypes: [...state.unknownTypes],
      skipped: state.skipped,
    },
  };
}

/** A state read back from the ledger, or a fresh one when it is missing or from another version. */
export function usageStateFrom(value: unknown): UsageState {
  if (isObject(value) && value.v === 1 && isObject(value.main) && Array.isArray(value.subagents))
    return value as unknown as UsageState;
  return newUsageState();
}
