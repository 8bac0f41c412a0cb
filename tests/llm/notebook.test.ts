import { expect, test } from "vitest";
import { createLlm } from "../../src/llm/index.ts";
import { NotebookRuntime } from "../../src/runtime/index.ts";
import { js } from "../runtime/harness.ts";
import { asyncCarrier, tracing } from "../trace/harness.ts";

test("an llm.op's version covers a prompt captured from another cell, and not an unrelated edit", async () => {
  const t = tracing(asyncCarrier());
  const llm = createLlm({ providers: [], op: t.op, context: t.platform.context });
  const runtime = new NotebookRuntime({ builtins: {}, cellBuiltins: { llm: (run) => llm.forCell(run) }, now: () => performance.now() });
  const cells = (prompt: string, other: string) => [
    js("p", `const prompt = ${JSON.stringify(prompt)}`),
    js("o", `const other = ${JSON.stringify(other)}`),
    js("a", "const ask = llm.op('ask', (r) => ({messages: [{role: 'user', content: prompt + r.q}]}))"),
  ];
  const version = async (prompt: string, other: string) => {
    runtime.sync(cells(prompt, other));
    await runtime.idle();
    return (runtime.state("a" as never)!.exports.ask as { version: string }).version;
  };
  const v1 = await version("A: ", "x");
  expect(await version("A: ", "y")).toBe(v1);
  expect(await version("B: ", "y")).not.toBe(v1);
});
