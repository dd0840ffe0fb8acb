// List prices of Claude models, and what one API request cost. Claude Code's transcript carries token
// counts but no cost (hooks reference §3.3), so cost is tokens times these rates.
//
// Defaults checked on 2026-11-26 against Anthropic's pricing page
// (https://platform.claude.com/docs/en/about-claude/pricing) and the per-model overview pages under
// https://platform.claude.com/docs/en/models/. Three rows rest on release notes of price trackers that
// re-read that page, because the page copy we could read predates the change: the Sonnet 5.5 cache-read
// cut to $0.10 (2026-10-07), Claude Haiku 5.5 with its 100k-prompt band, and Claude Fable 5.2
// ($8/$40). Fast-mode rates are from https://code.claude.com/docs/en/fast-mode with each model's own
// cache ratios. These are list prices: batch, regional (inference_geo) and negotiated prices are not
// modelled; a team paying other rates sets them under `pricing:` in agent-sre.yaml.

/** USD per million tokens. */
export interface Rates {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ModelPrice extends Rates {
  /**
   * A request whose prompt (input + cache writes + cache reads) is above `aboveTokens` pays these rates on
   * every one of its tokens, output included.
   */
  longPrompt?: Rates & { aboveTokens: number };
  /** Rates for a request made in fast mode (`usage.speed: "fast"`). Without them fast mode is priced as standard. */
  fast?: Rates;
  /** Where the row came from when it is not the default table (e.g. `agent-sre.yaml`). */
  source?: string;
}

export interface Pricing {
  /** Keyed by model id without its date suffix (`claude-opus-5-5`); an exact dated id also matches. */
  models: Record<string, ModelPrice>;
  /** USD per 1 000 server-side web searches. */
  webSearchPer1k: number;
  /** Where the table comes from and when it was checked, shown next to every cost. */
  source: string;
}

const rates = (
  input: number,
  output: number,
  cacheWrite5m: number,
  cacheWrite1h: number,
  cacheRead: number,
) => ({
  input,
  output,
  cacheWrite5m,
  cacheWrite1h,
  cacheRead,
});

/** The usual cache ratios: 5-minute writes 1.25x input, 1-hour writes 2x, reads 0.1x. */
export function standardRates(input: number, output: number): Rates {
  return rates(input, output, input * 1.25, input * 2, input / 10);
}

const opus45 = standardRates(5, 25);
const opus4 = standardRates(15, 75);
const sonnet4 = standardRates(3, 15);
// Sonnet 4 and 4.5 with the 1M-token context: a prompt over 200k tokens pays double input, 1.5x output.
const sonnet4Long = { aboveTokens: 200_000, ...rates(6, 22.5, 7.5, 12, 0.6) };
const fable5 = rates(10, 50, 12.5, 20, 1);
const fable51 = rates(10, 50, 12.5, 20, 0.25);

export const DEFAULT_PRICING: Pricing = {
  source: 'Anthropic list prices, platform.claude.com/docs/en/about-claude/pricing, checked 2026-11-26',
  webSearchPer1k: 10,
  models: {
    'claude-fable-5-2': rates(8, 40, 10, 16, 0.2),
    'claude-fable-5-1': fable51,
    'claude-mythos-5-1': fable51,
    'claude-fable-5': fable5,
    'claude-mythos-5': fable5,
    'claude-opus-5-5': { ...rates(4, 20, 5, 8, 0.2), fast: rates(8, 40, 10, 16, 0.4) },
    'claude-opus-5': { ...opus45, fast: standardRates(10, 50) },
    'claude-opus-4-8': { ...opus45, fast: standardRates(10, 50) },
    'claude-opus-4-7': { ...opus45, fast: standardRates(30, 150) },
    'claude-opus-4-6': { ...opus45, fast: standardRates(30, 150) },
    'claude-opus-4-5': opus45,
    'claude-opus-4-1': opus4,
    'claude-opus-4': opus4,
    'claude-3-opus': opus4,
    'claude-sonnet-5-5': rates(2, 10, 2.5, 4, 0.1),
    'claude-sonnet-5': rates(2, 10, 2.5, 4, 0.2),
    'claude-sonnet-4-6': sonnet4,
    'claude-sonnet-4-5': { ...sonnet4, longPrompt: sonnet4Long },
    'claude-sonnet-4': { ...sonnet4, longPrompt: sonnet4Long },
    'claude-3-7-sonnet': sonnet4,
    'claude-3-5-sonnet': sonnet4,
    'claude-haiku-5-5': {
      ...rates(0.1, 0.5, 0.125, 0.2, 0.01),
      longPrompt: { aboveTokens: 100_000, ...rates(0.5, 2.5, 0.625, 1, 0.05) },
    },
    'claude-haiku-4-5': standardRates(1, 5),
    'claude-3-5-haiku': rates(0.8, 4, 1, 1.6, 0.08),
    'claude-3-haiku': rates(0.25, 1.25, 0.3, 0.5, 0.03),
  },
};

/**
 * The table key for a model id as it appears in transcripts and on cloud platforms: lower case, without a
 * Claude Code context suffix (`[1m]`), a Bedrock or OpenRouter prefix and version (`us.anthropic.`, `-v1:0`),
 * a Vertex or dated snapshot suffix (`@20250514`, `-20250514`), with `4.6` spelled `4-6`.
 */
export function normalizeModel(id: string): string {
  return id
    .trim()
    .toLowerCase()
    .replace(/\[[^\]]*\]$/, '')
    .replace(/^(?:[a-z]{2,4}\.)?anthropic[./]/, '')
    .replace(/-v\d+(?::\d+)?$/, '')
    .replace(/[@-]\d{8}$/, '')
    .replace(/(\d)\.(\d)/g, '$1-$2');
}

/**
 * The price of a model, or undefined when the table has none. Only whole ids match: a prefix would price
 * `claude-opus-5-5` as `claude-opus-5`, a model a quarter dearer.
 */
export function priceFor(pricing: Pricing, model: string): ModelPrice | undefined {
  const own = (k: string) => (Object.hasOwn(pricing.models, k) ? pricing.models[k] : undefined);
  return own(model) ?? own(normalizeModel(model));
}

/** Token counts of one request: [input, output, 5-minute cache writes, 1-hour cache writes, cache reads, web searches]. */
export type UsageVector = [number, number, number, number, number, number];

export type PriceBand = 'standard' | 'long' | 'fast' | 'fast-at-standard';

/** The band a request is priced in: fast mode wins over the long-prompt band. */
export function bandOf(price: ModelPrice, u: UsageVector, fast: boolean): PriceBand {
  if (fast) return price.fast ? 'fast' : 'fast-at-standard';
  const prompt = u[0] + u[2] + u[3] + u[4];
  return price.longPrompt && prompt > price.longPrompt.aboveTokens ? 'long' : 'standard';
}

export function requestCost(pricing: Pricing, price: ModelPrice, u: UsageVector, band: PriceBand): number {
  const r: Rates =
    band === 'fast' && price.fast
      ? price.fast
      : band === 'long' && price.longPrompt
        ? price.longPrompt
        : price;
  const tokens =
    u[0] * r.input + u[1] * r.output + u[2] * r.cacheWrite5m + u[3] * r.cacheWrite1h + u[4] * r.cacheRead;
  return tokens / 1_000_000 + (u[5] * pricing.webSearchPer1k) / 1000;
}

/** What agent-sre.yaml may say under `pricing:`. Cache rates left out follow the usual ratios to input. */
export interface PricingOverrides {
  models?: Record<
    string,
    {
      input: number;
      output: number;
      cacheWrite5m?: number | undefined;
      cacheWrite1h?: number | undefined;
      cacheRead?: number | undefined;
      longPrompt?: (Partial<Rates> & { aboveTokens: number; input: number; output: number }) | undefined;
      fast?: (Partial<Rates> & { input: number; output: number }) | undefined;
    }
  >;
  webSearchPer1k?: number | undefined;
}

function fill(r: Partial<Rates> & { input: number; output: number }): Rates {
  const base = standardRates(r.input, r.output);
  return {
    input: r.input,
    output: r.output,
    cacheWrite5m: r.cacheWrite5m ?? base.cacheWrite5m,
    cacheWrite1h: r.cacheWrite1h ?? base.cacheWrite1h,
    cacheRead: r.cacheRead ?? base.cacheRead,
  };
}

/** The defaults with a project's rows laid over them; a row replaces the default row of that model whole. */
export function mergePricing(base: Pricing, own: PricingOverrides | undefined, file: string): Pricing {
  if (!own) return base;
  const models: Record<string, ModelPrice> = { ...base.models };
  for (const [id, row] of Object.entries(own.models ?? {})) {
    const price: ModelPrice = { ...fill(row), source: file };
    if (row.longPrompt)
      price.longPrompt = { aboveTokens: row.longPrompt.aboveTokens, ...fill(row.longPrompt) };
    if (row.fast) price.fast = fill(row.fast);
    models[normalizeModel(id)] = price;
  }
  const overridden = Object.keys(own.models ?? {}).length > 0 || own.webSearchPer1k !== undefined;
  return {
    models,
    webSearchPer1k: own.webSearchPer1k ?? base.webSearchPer1k,
    source: overridden ? `${base.source}; overrides from ${file}` : base.source,
  };
}
