import { expect, test } from "vitest";
import type { Plan, PlanGroup } from "../../src/trace/index.ts";
import { estimateCells, showsEstimates } from "../../src/ui/plan-columns.ts";

const group = (g: Partial<PlanGroup>): PlanGroup => ({ label: "op", ref: "op:1", role: "op", total: 10, cached: 0, missing: 10, inputTokens: 0, outputTokens: 0, cost: null, unpriced: false, unavailable: null, ...g });
const plan = (groups: PlanGroup[]): Plan => ({ leaves: 10, cached: 0, missing: 10, groups, estimatedCost: null, budget: 1, needsApproval: false, blocked: null });
const money = (x: number) => `$${x.toFixed(4)}`;

test("a plan of ops without LLM calls has no estimate columns; with one, the others say n/a (no LLM calls)", () => {
  expect(showsEstimates(plan([group({}), group({ role: "scorer" })]))).toBe(false);
  const llm = group({ inputTokens: 900, outputTokens: 400, cost: 0.0042 });
  expect(showsEstimates(plan([llm, group({ role: "scorer" })]))).toBe(true);
  expect([estimateCells(llm, money), estimateCells(group({ role: "scorer" }), money), estimateCells(group({ missing: 0, cached: 10 }), money)]).toEqual([
    { tokens: "1,300", cost: "$0.0042" },
    { tokens: "n/a (no LLM calls)", cost: "n/a (no LLM calls)" },
    { tokens: "none to run", cost: "$0" },
  ]);
});
