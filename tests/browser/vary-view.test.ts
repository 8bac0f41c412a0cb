import { expect, it } from "vitest";
import { varySnapshots } from "../../src/eval/vary-stream.ts";
import { createTracing, Vary, type VaryResult } from "../../src/trace/index.ts";
import "../../src/ui/vary-view.ts";
import type { WeftVaryView } from "../../src/ui/vary-view.ts";

const rows = [{ q: "a" }, { q: "b" }, { q: "c" }];

async function lastSnapshot(vary: Vary): Promise<VaryResult> {
  let last: VaryResult | null = null;
  for await (const s of varySnapshots(vary, { signal: new AbortController().signal, everyMs: 1 })) last = s;
  return last!;
}

async function render(result: VaryResult): Promise<WeftVaryView> {
  const view = document.createElement("weft-vary-view") as WeftVaryView;
  view.result = result;
  document.body.replaceChildren(view);
  await view.updateComplete;
  return view;
}

it("a plan that calls a provider that is not configured says so up front and offers no Run", async () => {
  const { op } = createTracing();
  const ask = op("ask", ({ q }: { q: string }) => q, { estimate: () => ({ inputTokens: 20, outputTokens: 40, cost: 0.001, unavailable: "no LLM provider is configured: set OPENAI_API_KEY" }) });
  const view = await render(await lastSnapshot(new Vary({ data: rows, ops: { ask }, budget: 0 }, { cache: null })));
  expect(view.querySelector("[data-testid=vary-phase]")!.textContent).toBe("blocked");
  expect(view.querySelector("[data-testid=vary-blocked]")!.textContent).toContain("no LLM provider is configured");
  expect(view.querySelector("button.vary-run")).toBeNull();
  // The estimate columns are there (an LLM op) and say what is known.
  expect([...view.querySelectorAll(".vary-plan th")].map((th) => th.textContent)).toContain("est. tokens");
});

it("a finished run with errors is not a plain 'done': the count is in the phase, and the distinct errors are listed with counts", async () => {
  const { op } = createTracing();
  const fails = op("fails", ({ q }: { q: string }) => {
    if (q !== "a") throw new Error("no LLM provider is configured");
    return q;
  });
  const view = await render(await lastSnapshot(new Vary({ data: rows, ops: { fails }, retries: 0 }, { cache: null })));
  const phase = view.querySelector("[data-testid=vary-phase]")!;
  expect([phase.textContent, phase.classList.contains("phase-errors")]).toEqual(["done · 2 errors", true]);
  const errors = view.querySelector("[data-testid=vary-errors]")!;
  expect(errors.querySelector("strong")!.textContent).toBe("2 of 3 leaves failed");
  expect([...errors.querySelectorAll("li")].map((li) => li.textContent!.replace(/\s+/g, " ").trim())).toEqual(["2 × no LLM provider is configured"]);
  // No LLM op: no estimate columns.
  expect([...view.querySelectorAll(".vary-plan th")].map((th) => th.textContent)).toEqual(["op", "role", "calls", "cached", "missing"]);
});
