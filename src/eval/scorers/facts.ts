import { amountOption, makeScorer, type Scorer, type ScorerContext, type ScorerInput } from "./shared.ts";

/** Options of latency: the most milliseconds the scored call may take. */
export interface LatencyOptions {
  readonly maxMs: number;
}

/** `latency`: whether the scored call took at most `maxMs` milliseconds (the engine adds its `latency_ms`). */
export function latency(ctx: ScorerContext, options: LatencyOptions): Scorer<boolean> {
  const name = "latency";
  const maxMs = amountOption(name, "maxMs", options?.maxMs);
  return makeScorer(ctx, { name, options: { maxMs }, callFacts: ["latency_ms"], helpers: [latency, readFact] }, (input) => readFact(name, input, "latency_ms") <= maxMs);
}

/** Options of cost: the most dollars the scored call may cost. */
export interface CostOptions {
  readonly maxDollars: number;
}

/** `cost`: whether the scored call cost at most `maxDollars` (the engine adds its `cost`); an unpriced call is an error, not a pass. */
export function cost(ctx: ScorerContext, options: CostOptions): Scorer<boolean> {
  const name = "cost";
  const maxDollars = amountOption(name, "maxDollars", options?.maxDollars);
  return makeScorer(ctx, { name, options: { maxDollars }, callFacts: ["cost"], helpers: [cost, readFact] }, (input) => readFact(name, input, "cost") <= maxDollars);
}

// A call fact the engine added; null means the call has no such fact (unfinished, or unpriced).
function readFact(name: string, input: ScorerInput, fact: "latency_ms" | "cost"): number {
  if (!(fact in input)) throw new Error(`${name}: the input has no ${fact} (the vary engine adds it for scorers that ask for it)`);
  const value = input[fact];
  if (value === null || value === undefined) throw new Error(`${name}: the scored call has no ${fact}${fact === "cost" ? " (its model has no price)" : ""}`);
  if (typeof value !== "number" || Number.isNaN(value)) throw new Error(`${name}: ${fact} is not a number: ${String(value)}`);
  return value;
}
