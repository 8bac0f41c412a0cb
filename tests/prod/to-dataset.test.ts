// calls(...).toDataset: production calls become a dataset version with a column mapping; a
// second run over the same calls adds nothing; a path that does not exist names the path and
// the call; child calls are one expression away.
import { describe, expect, it } from "vitest";
import type { Call } from "../../src/base/index.ts";
import { Calls, pathSteps, type CallsBackend } from "../../src/prod/index.ts";
import type { CallQuery } from "../../src/store/index.ts";

function chat(id: string, parentId: string | null, question: string, answer: string): Call {
  return { id, traceId: "t", parentId, op: "openai.chat", inputs: { messages: [{ role: "system", content: "be brief" }, { role: "user", content: question }] }, output: { role: "assistant", content: answer }, error: null, startedAt: 1, endedAt: 2, attributes: {}, usage: {}, cost: null };
}

const calls: Call[] = [chat("a", "p1", "refund?", "billing"), chat("b", "p2", "crash!", "bug"), { ...chat("c", null, "x", "y"), op: "predict" }];

/** A backend that filters by op and parent (enough for these tests) and records the queries. */
function backend(): CallsBackend & { queries: CallQuery[] } {
  const queries: CallQuery[] = [];
  return {
    queries,
    query: async (q) => {
      queries.push(q);
      const op = q.filter?.op;
      return calls.filter((c) => (!op || c.op === op) && (!q.filter?.parent || c.parentId !== null));
    },
    count: async () => calls.length,
    stats: async () => [],
  };
}

const columns = { question: "inputs.messages[-1].content", answer: "output.content" };

describe("calls → dataset", () => {
  it("maps each call to a row with its source call, and a second run adds nothing twice", async () => {
    const b = backend();
    const first = await new Calls(b, { op: "openai.chat" }).toDataset("tickets", { columns });
    expect(first.rows).toEqual([
      { question: "refund?", answer: "billing", source_call: "a" },
      { question: "crash!", answer: "bug", source_call: "b" },
    ]);
    const again = await new Calls(b, { op: "openai.chat" }).toDataset("tickets", { columns, append: first });
    expect(again.version).toBe(first.version);
    expect(again.rows).toHaveLength(2);
  });

  it("maps feedback.NAME to the call's feedback (the latest annotation)", async () => {
    const b: CallsBackend = {
      ...backend(),
      feedback: async (ids) => ids.filter((id) => id === "a" || id === "b").map((callId, i) => ({ id: `${callId}:l`, callId, kind: "annotation" as const, name: "label", value: callId === "a" ? "billing" : "bug", author: "ann", authorKind: "human" as const, createdAt: i, updatedAt: i })),
    };
    const ds = await new Calls(b, { op: "openai.chat" }).toDataset("labelled", { columns: { question: "inputs.messages[-1].content", label: "feedback.label" } });
    expect(ds.rows).toEqual([
      { question: "refund?", label: "billing", source_call: "a" },
      { question: "crash!", label: "bug", source_call: "b" },
    ]);
  });

  it("takes child calls in one expression", async () => {
    const b = backend();
    await new Calls(b, { op: "predict" }).children({ op: "openai.chat" }).toDataset("children", { columns });
    expect(b.queries.at(-1)?.filter).toEqual({ op: "openai.chat", parent: { op: "predict" } });
  });

  it("a path that does not exist names the path, the column and the call", async () => {
    await expect(new Calls(backend(), { op: "openai.chat" }).toDataset("x", { columns: { label: "output.label" } })).rejects.toThrow('column "label": path output.label does not exist on call a');
  });

  it("refuses a malformed path with the place at fault", () => {
    expect(() => pathSteps("inputs..x")).toThrow(/invalid path inputs\.\.x/);
    expect(() => pathSteps("secrets.x")).toThrow(/must start with one of/);
    expect(pathSteps('inputs.messages[-1]["content"]')).toEqual([{ key: "inputs" }, { key: "messages" }, { index: -1 }, { key: "content" }]);
  });
});
