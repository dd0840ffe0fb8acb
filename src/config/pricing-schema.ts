// `pricing:` in agent-sre.yaml: per-model rates laid over the default list prices (src/core/cost/prices.ts).
import { z } from 'zod';

const usdPerMTok = z.number().min(0).max(10_000);

const ratesShape = {
  input: usdPerMTok.describe('USD per million input tokens.'),
  output: usdPerMTok.describe('USD per million output tokens.'),
  cacheWrite5m: usdPerMTok.optional().describe('5-minute cache writes; default 1.25 x input.'),
  cacheWrite1h: usdPerMTok.optional().describe('1-hour cache writes; default 2 x input.'),
  cacheRead: usdPerMTok.optional().describe('Cache reads; default 0.1 x input.'),
};

const modelPriceSchema = z.strictObject({
  ...ratesShape,
  longPrompt: z
    .strictObject({
      aboveTokens: z
        .number()
        .int()
        .positive()
        .describe('Prompt tokens (input + cache) above which these rates apply.'),
      ...ratesShape,
    })
    .optional()
    .describe('Rates for every token of a request whose prompt is above aboveTokens.'),
  fast: z.strictObject(ratesShape).optional().describe('Rates for requests made in fast mode.'),
});

export const pricingSchema = z
  .strictObject({
    models: z
      .record(
        z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/[\]-]*$/, 'a model id such as claude-opus-5-5')
          .max(120),
        modelPriceSchema,
      )
      .default({})
      .describe(
        'Per model id (date suffix optional), USD per million tokens. A row replaces the default row of that model.',
      ),
    webSearchPer1k: z
      .number()
      .min(0)
      .optional()
      .describe('USD per 1 000 server-side web searches; default 10.'),
  })
  .describe('Token prices for cost accounting, over the default Anthropic list prices (docs/cost.md).');
