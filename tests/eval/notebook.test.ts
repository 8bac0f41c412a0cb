import { describe, expect, test } from "vitest";
import { openMemoryStore } from "../../src/store/index.ts";
import { CallCache, createTracing, isVaryResult, type VaryResult } from "../../src/trace/index.ts";
import { notebookBuiltins } from "../../src/eval/index.ts";
import { NotebookRuntime, type RuntimeCell } from "../../src/runtime/index.ts";
import { js } from "../runtime/harness.ts";
import { asyncCarrier } from "../trace/harness.ts";

async function notebook(options: { autoApprove?: boolean; budget?: number } = {}) {
  const tracing = createTracing({ context: asyncCarrier() });
  const calls = new CallCache(await openMemoryStore());
  const trace = notebookBuiltins({ platform: tracing.platform, cache: calls, streamEveryMs: 5, ...(options.autoApprove ? { autoApprove: true } : {}), ...(options.budget !== undefined ? { defaultBudget: options.budget } : {}) });
  const executed: string[] = [];
  const runtime = new NotebookRuntime({ builtins: { executed }, cellBuiltins: trace.builtins, now: () => performance.now() });
  const sync = async (cells: RuntimeCell[]) => {
    runtime.sync(cells);
    await runtime.idle();
    await trace.settled();
    await runtime.idle();
  };
  const value = (id: string, name: string) => runtime.state(id as never)!.exports[name];
  return { runtime, sync, value, executed, log: tracing.log };
}

describe("ops and vary in a notebook", () => {
  const cells = (prompt: string, other = "const other = 1") => [
    js("p", `const prompt = ${JSON.stringify(prompt)}`),
    js("o", other),
    js("op", "const classify = op('classify', ({text}) => { executed.push(text); return prompt + text })"),
    js("d", "const rows = [{text: 'a'}, {text: 'b'}]"),
    js("v", "const results = vary({data: rows, ops: classify, trials: 2})"),
  ];

  test("an op's version changes when a value its cell captures changes, not when an unrelated cell does", async () => {
    const nb = await notebook();
    await nb.sync(cells("Label: "));
    const v1 = (nb.value("op", "classify") as { version: string }).version;
    await nb.sync(cells("Label: ", "const other = 2"));
    expect((nb.value("op", "classify") as { version: string }).version).toBe(v1);
    await nb.sync(cells("Category: ", "const other = 2"));
    expect((nb.value("op", "classify") as { version: string }).version).not.toBe(v1);
  });

  test("a vary cell streams to its final result, and editing the captured prompt re-runs only the op's calls", async () => {
    const nb = await notebook();
    await nb.sync(cells("Label: "));
    const first = nb.value("v", "results") as VaryResult;
    expect(isVaryResult(first) && first.phase).toBe("done");
    expect((first.table().objects() as { output: string }[]).map((o) => o.output)).toEqual(["Label: a", "Label: a", "Label: b", "Label: b"]);
    expect(nb.executed.length).toBe(4);
    await nb.sync(cells("Label: ", "const other = 3"));
    expect(nb.executed.length).toBe(4);
    await nb.sync(cells("Topic: ", "const other = 3"));
    expect(nb.executed.length).toBe(8);
    expect((nb.value("v", "results") as VaryResult).progress).toMatchObject({ opCalls: 4, cached: 0 });
  });

  test("a plan over budget waits for approval and spends nothing until then", async () => {
    const nb = await notebook({ budget: 0.001 });
    await nb.sync([
      js("op", "const pricey = op('pricey', ({text}) => { executed.push(text); return text }, {estimate: () => ({cost: 0.01})})"),
      js("v", "const results = vary({data: [{text: 'a'}], ops: pricey})"),
    ]);
    const waiting = nb.value("v", "results") as VaryResult;
    expect([waiting.phase, waiting.plan?.estimatedCost, nb.executed.length]).toEqual(["awaiting-approval", 0.01, 0]);
    waiting.approve!();
    await new Promise((r) => setTimeout(r, 50));
    await nb.runtime.idle();
    expect([(nb.value("v", "results") as VaryResult).phase, nb.executed.length]).toEqual(["done", 1]);
  });
});

describe("summary-only edits", () => {
  test("reuse the finished run: no calls, no re-keying, and the new summary applies", async () => {
    const nb = await notebook();
    const cells = (summary: string) => [
      js("op", "const f = op('f', ({x}) => { executed.push(String(x)); return x * 2 })"),
      js("s", "const g = op('g', ({output}) => output > 2)"),
      js("v", `const results = evaluate({dataset: [{x: 1}, {x: 2}, {x: 3}], ops: f, scorers: {g}, trials: 2, summary: ${summary}})`),
      js("sum", "const shown = results.summary()"),
    ];
    await nb.sync(cells("(t) => t.numRows()"));
    expect([nb.executed.length, nb.value("sum", "shown")]).toEqual([6, 6]);
    await nb.sync(cells("(t) => t.numRows() * 10"));
    const r = nb.value("v", "results") as VaryResult;
    expect([nb.executed.length, r.progress.opCalls, r.progress.scorerCalls, r.progress.cached, nb.value("sum", "shown")]).toEqual([6, 0, 0, 6, 60]);
  });
});
