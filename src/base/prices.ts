import table from "./prices.json" with { type: "json" };

/** Dollars per 1M input and output tokens of one model; for a model that can be fine-tuned, per 1M training tokens and the most tokens of one training example. */
export interface Price {
  readonly input: number;
  readonly output: number;
  readonly training?: number;
  readonly trainingContext?: number;
}

/** Model → price; a notebook may pass its own entries over the shipped table. */
export type PriceTable = Readonly<Record<string, Price>>;

/** The shipped price table (see prices.json for its effective date). */
export const DEFAULT_PRICES: PriceTable = table.models;

/** The date the shipped prices were taken. */
export const PRICES_EFFECTIVE: string = table.effective;

/** The price of a model: an exact match, else the longest known prefix (e.g. "gpt-4o-2024-08-06" → "gpt-4o"), else null. */
export function priceOf(model: string, prices: PriceTable): Price | null {
  const bare = model.includes("/") ? model.slice(model.indexOf("/") + 1) : model;
  if (prices[bare]) return prices[bare]!;
  let best: string | null = null;
  for (const name of Object.keys(prices)) if (bare.startsWith(name) && (!best || name.length > best.length)) best = name;
  return best ? prices[best]! : null;
}

/** The cost in dollars of a number of input and output tokens, or null when the model has no price. */
export function costOf(model: string, inputTokens: number, outputTokens: number, prices: PriceTable): number | null {
  const p = priceOf(model, prices);
  return p ? (inputTokens * p.input + outputTokens * p.output) / 1e6 : null;
}
