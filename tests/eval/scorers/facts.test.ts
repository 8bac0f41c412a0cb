import { describe, expect, test } from "vitest";
import { Vary } from "../../../src/trace/index.ts";
import { createScorers } from "../../../src/eval/index.ts";
import { callCache, tracing } from "../../trace/harness.ts";

describe("latency and cost", () => {
  test("they compare the call facts the engine adds with their thresholds", async () => {
    const { latency, cost } = createScorers({ op: tracing().op });
    const fast = latency({ maxMs: 100 });
    const cheap = cost({ maxDollars: 0.01 });
    expect([fast.opName, fast.options.callFacts, fast.options.columns, cheap.opName, cheap.options.callFacts]).toEqual(["latency", ["latency_ms"], undefined, "cost", ["cost"]]);
    const scores = await Promise.all([
      fast({ output: "x", latency_ms: 99 }),
      fast({ output: "x", latency_ms: 100 }),
      fast({ output: "x", latency_ms: 101 }),
      cheap({ output: "x", cost: 0 }),
      cheap({ output: "x", cost: 0.02 }),
    ]);
    expect(scores).toEqual([true, true, false, true, false]);
  });

  test("a missing or unknown fact is an error, not a pass", async () => {
    const { latency, cost } = createScorers({ op: tracing().op });
    await expect(latency({ maxMs: 1 })({ output: "x" })).rejects.toThrow("latency: the input has no latency_ms");
    await expect(cost({ maxDollars: 1 })({ output: "x", cost: null })).rejects.toThrow("cost: the scored call has no cost (its model has no price)");
    await expect(latency({ maxMs: 1 })({ output: "x", latency_ms: NaN })).rejects.toThrow("latency: latency_ms is not a number: NaN");
    expect(() => latency({ maxMs: -5 })).toThrow("latency: maxMs must be a finite number >= 0, got -5");
    expect(() => cost({} as never)).toThrow("cost: maxDollars must be a finite number >= 0, got undefined");
  });

  test("thresholds are part of the version", () => {
    const { latency, cost } = createScorers({ op: tracing().op });
    expect(new Set([latency({ maxMs: 1 }).version, latency({ maxMs: 2 }).version, cost({ maxDollars: 1 }).version]).size).toBe(3);
  });

  test("in a vary, scorers get their columns and call facts and fill score columns", async () => {
    const { op } = tracing();
    const s = createScorers({ op });
    const answer = op("answer", ({ q }: { q: string }) => JSON.stringify({ city: q === "capital of France?" ? "Paris" : "Lyon" }));
    const rows = [
      { q: "capital of France?", expected: "Paris" },
      { q: "capital of Italy?", expected: "Rome" },
    ];
    const result = await new Vary({ data: rows, ops: answer, scorers: [s.contains(), s.latency({ maxMs: 1000 }), s.jsonSchema({ type: "object", required: ["city"] })] }, { cache: await callCache() }).execute();
    const table = result.table().select("output", "score.contains", "score.latency", "score.json_schema.valid").objects();
    expect(table).toEqual([
      { output: '{"city":"Paris"}', "score.contains": true, "score.latency": true, "score.json_schema.valid": true },
      { output: '{"city":"Lyon"}', "score.contains": false, "score.latency": true, "score.json_schema.valid": true },
    ]);
  });
});
