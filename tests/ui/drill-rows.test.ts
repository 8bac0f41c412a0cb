import { describe, expect, test } from "vitest";
import { memoryCallSource, type Call } from "../../src/base/index.ts";
import { Vary } from "../../src/trace/index.ts";
import { columnTemplate, drillTable, groupLines, searchRows, sortRows } from "../../src/ui/drill-rows.ts";
import { callCache, tracing } from "../trace/harness.ts";

const rows = [
  { id: "T1", text: "refund my order", label: "billing" },
  { id: "T2", text: "app crashes on start", label: "bug" },
];

async function evaluation() {
  const { op } = tracing();
  const classify = op("classify", ({ text }: { text: string }) => (text.includes("refund") ? "billing" : "question"));
  const exact = op("exact_match", ({ output, label }: { output: string; label: string }) => output === label);
  return new Vary({ data: rows, ops: { v1: classify }, trials: 3, scorers: { correct: exact } }, { cache: await callCache() }).execute();
}

describe("the drill-down table", () => {
  test("calls of an evaluation: the row's fields, trial, output, scores by the notebook's names, latency; no column that is empty everywhere", async () => {
    const result = await evaluation();
    const calls = result.calls(result.table().array("call") as string[]);
    const { columns, rows: lines } = drillTable(calls, result);
    expect(columns.map((c) => c.label)).toEqual(["op", "id", "text", "label", "trial", "output", "correct", "latency"]);
    expect(lines[0]!.values).toMatchObject({ op: "v1", "row.id": "T1", "row.text": "refund my order", trial: 0, output: "billing", "score.correct": true });
    expect(columnTemplate(columns, lines).split(" minmax").length).toBeGreaterThan(1);
  });

  test("trials of one row are one line with their aggregates until opened; search and sort work on the calls", async () => {
    const result = await evaluation();
    const { columns, rows: all } = drillTable(result.calls(result.table().array("call") as string[]), result);
    const closed = groupLines(all, columns, new Set());
    expect(closed.map((l) => (l.kind === "group" ? [l.values.trial, l.values["score.correct"], l.values.output] : "call"))).toEqual([
      ["3 trials", "3/3", "billing"],
      ["3 trials", "0/3", "question"],
    ]);
    const first = closed[0]!;
    const open = groupLines(all, columns, new Set([first.kind === "group" ? first.key : ""]));
    expect(open.map((l) => (l.kind === "call" ? `trial ${l.row.values.trial}` : "group"))).toEqual(["group", "trial 0", "trial 1", "trial 2", "group"]);
    expect(searchRows(all, "CRASHES start").map((r) => r.values["row.id"])).toEqual(["T2", "T2", "T2"]);
    expect(sortRows(all, { key: "score.correct", descending: false }).map((r) => r.values["score.correct"])).toEqual([false, false, false, true, true, true]);
  });

  test("production calls (a page of the trace store) get time, op, model, input, output and status", () => {
    const call: Call = {
      id: "c1", traceId: "c1", parentId: null, op: "chat gpt-4o-mini", inputs: { messages: [{ role: "user", content: "where is my order?" }] },
      output: { role: "assistant", content: "It ships today." }, error: null, startedAt: Date.UTC(2025, 0, 1), endedAt: Date.UTC(2025, 0, 1) + 420,
      attributes: {}, usage: { "gpt-4o-mini": { requests: 1, inputTokens: 12, outputTokens: 5 } }, cost: 0.0001,
    };
    const { columns, rows: lines } = drillTable([call], memoryCallSource([call]));
    expect(columns.map((c) => c.key)).toEqual(["started", "op", "model", "input", "output", "status", "latency_ms", "tokens", "cost"]);
    expect(lines[0]!.values).toMatchObject({ input: "where is my order?", output: "It ships today.", status: "ok", latency_ms: 420, tokens: 17 });
  });
});
