import { describe, expect, it } from "vitest";
import type { Call } from "../../src/base/index.ts";
import { IngestError, weftBatchToPatches } from "../../src/prod/ingest.ts";

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error.message;
    throw error;
  }
  throw new Error("expected an IngestError");
}

const call: Call = {
  id: "c1",
  traceId: "t1",
  parentId: null,
  op: "classify:abc123",
  inputs: { text: "hi" },
  output: { label: "greeting" },
  error: null,
  startedAt: 1_700_000_000_000,
  endedAt: 1_700_000_000_250,
  attributes: { variant: "v1" },
  usage: { "gpt-4o-mini": { requests: 1, inputTokens: 10, outputTokens: 2, cost: 0.0000027 } },
  cost: 0.0000027,
  key: "cache-key",
  feedback: [{ thumbs: "up" }],
};

describe("weftBatchToPatches", () => {
  it("takes whole calls and parts of calls (a start, a later end); unknown fields are ignored", () => {
    const { key: _key, feedback: _feedback, ...patch } = call;
    const start = { id: "c2", traceId: "t1", parentId: "c1", op: "judge", inputs: ["a"], startedAt: 1_700_000_000_100 };
    const end = { id: "c2", endedAt: 1_700_000_000_200, output: null, error: { message: "429 rate limited", status: 429, extra: 1 }, sdkVersion: "0.1" };
    expect(weftBatchToPatches({ calls: [call, start, end] })).toEqual([patch, start, { id: "c2", endedAt: 1_700_000_000_200, output: null, error: { message: "429 rate limited", status: 429 } }]);
  });

  it("names the field at fault", () => {
    const bad = (patch: object) => errorOf(() => weftBatchToPatches({ calls: [call, { ...call, ...patch }] }));
    expect([
      errorOf(() => weftBatchToPatches({ calls: {} })),
      errorOf(() => weftBatchToPatches({})),
      bad({ id: "" }),
      bad({ id: "x".repeat(129) }),
      bad({ id: 7 }),
      bad({ parentId: 3 }),
      bad({ startedAt: "2024-01-01" }),
      bad({ endedAt: -1 }),
      bad({ attributes: [] }),
      bad({ error: { stack: "x" } }),
      bad({ usage: { m: { inputTokens: 1.5 } } }),
      bad({ cost: "free" }),
      bad({ inputs: { q: "\ud800" } }),
    ]).toEqual([
      "calls: expected an array, got an object",
      "calls: expected an array, got nothing",
      "calls[1].id: expected an id of 1 to 128 characters, got 0",
      "calls[1].id: expected an id of 1 to 128 characters, got 129",
      "calls[1].id: expected a string id, got a number",
      "calls[1].parentId: expected a string id, got a number",
      "calls[1].startedAt: expected epoch milliseconds (a non-negative number), got a string",
      "calls[1].endedAt: expected epoch milliseconds (a non-negative number), got a number",
      "calls[1].attributes: expected an object, got an array",
      "calls[1].error.message: expected a string, got nothing",
      "calls[1].usage.m.inputTokens: expected a non-negative integer, got a number",
      "calls[1].cost: expected a non-negative number, got a string",
      "calls[1].inputs.q: invalid unicode: a lone surrogate",
    ]);
  });
});
