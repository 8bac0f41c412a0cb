import type { Plan, PlanGroup } from "../trace/index.ts";

/** Whether the plan's "est. tokens" and "est. cost" columns say anything: some op or scorer declares an estimate (an LLM call). */
export function showsEstimates(plan: Plan): boolean {
  return plan.groups.some((g) => g.inputTokens + g.outputTokens > 0 || g.cost !== null || g.unpriced);
}

/** A plan row's estimate cells: tokens and cost; "none to run" when every call is cached, "n/a (no LLM calls)" for an op without an estimate. */
export function estimateCells(g: PlanGroup, money: (x: number) => string): { tokens: string; cost: string } {
  if (g.missing === 0) return { tokens: "none to run", cost: "$0" };
  const tokens = g.inputTokens + g.outputTokens;
  if (!tokens && g.cost === null && !g.unpriced) return { tokens: "n/a (no LLM calls)", cost: "n/a (no LLM calls)" };
  return { tokens: tokens ? tokens.toLocaleString("en-US") : "?", cost: g.cost !== null ? money(g.cost) : g.unpriced ? "unknown (no price)" : "?" };
}
