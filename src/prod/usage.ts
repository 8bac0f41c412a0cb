// Usage, cost and error status as every ingest convention computes them.
import type { ModelUsage } from "../base/index.ts";
import { costOf, type PriceTable } from "../llm/index.ts";

/** One model's usage with its cost from the price table (no `cost` when the model has no price, or when `priced` is false: tokens unknown). */
export function modelUsage(model: string, requests: number, inputTokens: number, outputTokens: number, prices: PriceTable, priced = true): ModelUsage {
  const cost = priced ? costOf(model, inputTokens, outputTokens, prices) : null;
  return cost === null ? { requests, inputTokens, outputTokens } : { requests, inputTokens, outputTokens, cost };
}

/** A call's cost from its usage: the sum of the models' known costs, null when none is known. */
export function costOfUsage(usage: { readonly [model: string]: ModelUsage }): number | null {
  let sum: number | null = null;
  for (const u of Object.values(usage)) if (u.cost !== undefined) sum = (sum ?? 0) + u.cost;
  return sum;
}

/** The HTTP status an error message starts with ("500 The server had an error…" → 500), or null. */
export function statusInMessage(message: string): number | null {
  const m = /^([1-5]\d\d)\b/.exec(message);
  return m ? Number(m[1]) : null;
}
