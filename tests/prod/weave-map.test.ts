import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_PRICES } from "../../src/llm/index.ts";
import { IngestError, parseJsonBody, weaveToPatches } from "../../src/prod/ingest.ts";
import { fixture, mergePatches } from "./ingest-helpers.ts";

type Batch = { batch: { mode: string; req: { start?: Record<string, unknown>; end?: Record<string, unknown> } }[] };
const batch = (n: 1 | 2) => parseJsonBody(fixture(`weave-upsert_batch-${n}.json`)) as Batch;
const allPatches = () => [...weaveToPatches("/call/upsert_batch", batch(1)), ...weaveToPatches("/call/upsert_batch", batch(2))];

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error.message;
    throw error;
  }
  throw new Error("expected an IngestError");
}

const DIGEST = "d1g3st0000000000000000000000000000000000000000000000000000000001";
const usage = { "gpt-4o-mini": { requests: 1, inputTokens: 24, outputTokens: 18, cost: costOf("gpt-4o-mini", 24, 18, DEFAULT_PRICES)! } };

describe("weaveToPatches on the weave SDK's batches (weave 0.11.1)", () => {
  it("starts and ends become a call tree with op versions, inputs, outputs, usage, cost and errors", () => {
    const calls = [...mergePatches(allPatches()).values()];
    const byId = new Map(calls.map((c) => [c.id, c]));
    expect(calls.map((c) => ({ op: c.op, parent: c.parentId ? byId.get(c.parentId)!.op : null, sameTrace: !c.parentId || byId.get(c.parentId)!.traceId === c.traceId, ended: (c.endedAt ?? 0) >= (c.startedAt ?? Infinity), usage: c.usage ?? null, cost: c.cost ?? null, error: c.error, output: typeof c.output === "object" && c.output !== null ? "(object)" : c.output }))).toEqual([
      { op: `answer:${DIGEST}`, parent: null, sameTrace: true, ended: true, usage, cost: usage["gpt-4o-mini"].cost, error: null, output: "gpt-4o-mini says hotel echo about: What is the capital of France?" },
      { op: `openai.chat.completions.create:${DIGEST}`, parent: `answer:${DIGEST}`, sameTrace: true, ended: true, usage, cost: usage["gpt-4o-mini"].cost, error: null, output: "(object)" },
      { op: `openai.chat.completions.create:${DIGEST}`, parent: `flaky:${DIGEST}`, sameTrace: true, ended: true, usage: null, cost: null, error: { message: "500 The server had an error while processing your request", status: 500 }, output: null },
      { op: `flaky:${DIGEST}`, parent: null, sameTrace: true, ended: true, usage: null, cost: null, error: { message: "500 The server had an error while processing your request", status: 500 }, output: null },
    ]);
  });

  it("maps a start and an end field by field, keeping project_id and the SDK's attributes", () => {
    const [start, end] = weaveToPatches("/call/upsert_batch", batch(1)).slice(1, 3);
    expect({ start, end: { ...end, output: "(raw completion)" } }).toEqual({
      start: {
        id: "01a2373d-7dfe-77ab-a2e3-59dca8bf5252",
        traceId: "01a2373d-7dfc-7aeb-b76b-6369d6b7dc74",
        parentId: "01a2373d-7dfa-7251-a24d-19ee9d96395c",
        op: `openai.chat.completions.create:${DIGEST}`,
        startedAt: Date.parse("2026-12-02T14:51:46.558Z"),
        inputs: { model: "gpt-4o-mini", messages: [{ role: "system", content: "You answer in one sentence." }, { role: "user", content: "What is the capital of France?" }] },
        attributes: { weave: { client_version: "0.11.1", source: "js-sdk" }, project_id: "entity/project" },
      },
      end: { id: "01a2373d-7dfe-77ab-a2e3-59dca8bf5252", endedAt: Date.parse("2026-12-02T14:51:46.671Z"), output: "(raw completion)", error: null, usage, cost: usage["gpt-4o-mini"].cost },
    });
  });

  it("patches merge to the same calls whatever order the items arrive in", () => {
    const patches = allPatches();
    expect(mergePatches([...patches].reverse())).toEqual(mergePatches(patches));
  });

  it("takes /call/start and /call/end bodies, naming ids for a start that has none", () => {
    const [startItem, endItem] = batch(1).batch.slice(1, 3);
    const { id, ...anonymous } = startItem!.req.start!;
    expect([
      weaveToPatches("/call/start", { start: startItem!.req.start }),
      weaveToPatches("/call/end", { end: endItem!.req.end }),
      weaveToPatches("/call/start", { start: { ...anonymous, trace_id: null } }, { newId: () => "new-id" }).map((p) => [p.id, p.traceId]),
    ]).toEqual([[weaveToPatches("/call/upsert_batch", batch(1))[1]], [weaveToPatches("/call/upsert_batch", batch(1))[2]], [["new-id", "new-id"]]]);
    expect(id).toBe("01a2373d-7dfe-77ab-a2e3-59dca8bf5252");
  });
});

describe("weaveToPatches on what other senders do", () => {
  it("ignores unknown fields and takes Python-style nulls, microsecond times, offsets, and input/output token names", () => {
    const [start, end] = batch(1).batch.slice(1, 3);
    const python = {
      batch: [
        { mode: "start", req: { start: { ...start!.req.start, parent_id: null, display_name: "my call", wb_run_id: null, started_at: "2026-12-02T16:51:46.558250+02:00", future_field: { x: 1 } } } },
        { mode: "end", req: { end: { ...end!.req.end, ended_at: "2026-12-02T14:51:46.671", exception: null, summary: { usage: { "gpt-4o-mini": { requests: 2, input_tokens: 24, output_tokens: 18, total_tokens: 42 } }, weave: { status: "success" } } } } },
      ],
    };
    const [s, e] = weaveToPatches("/call/upsert_batch", python);
    expect([s!.parentId, s!.startedAt, s!.attributes, e!.endedAt, e!.usage, e!.attributes]).toEqual([
      null,
      Date.parse("2026-12-02T14:51:46.558Z") + 0.25,
      { weave: { client_version: "0.11.1", source: "js-sdk" }, project_id: "entity/project", display_name: "my call" },
      Date.parse("2026-12-02T14:51:46.671Z"),
      { "gpt-4o-mini": { ...usage["gpt-4o-mini"], requests: 2 } },
      { summary: { weave: { status: "success" } } },
    ]);
  });

  it("a value of the wrong type is an error naming its path", () => {
    const [start, end] = batch(1).batch.slice(1, 3);
    const withStart = (patch: object) => ({ batch: [start, { mode: "start", req: { start: { ...start!.req.start, ...patch } } }] });
    expect([
      errorOf(() => weaveToPatches("/call/upsert_batch", { batch: {} })),
      errorOf(() => weaveToPatches("/call/upsert_batch", withStart({ started_at: 5 }))),
      errorOf(() => weaveToPatches("/call/upsert_batch", withStart({ started_at: "yesterday" }))),
      errorOf(() => weaveToPatches("/call/upsert_batch", withStart({ inputs: [1, 2] }))),
      errorOf(() => weaveToPatches("/call/upsert_batch", withStart({ id: "" }))),
      errorOf(() => weaveToPatches("/call/upsert_batch", { batch: [{ mode: "middle", req: {} }] })),
      errorOf(() => weaveToPatches("/call/end", { end: { ...end!.req.end, summary: { usage: { m: { prompt_tokens: "many" } } } } })),
      errorOf(() => weaveToPatches("/call/read", {})),
    ]).toEqual([
      "batch: expected an array, got an object",
      "batch[1].req.start.started_at: expected a string, got a number",
      'batch[1].req.start.started_at: expected an ISO date-time, got "yesterday"',
      "batch[1].req.start.inputs: expected an object, got an array",
      "batch[1].req.start.id: expected an id of 1 to 128 characters, got 0",
      'batch[0].mode: expected "start" or "end", got "middle"',
      "end.summary.usage.m.prompt_tokens: expected a number, got a string",
      "unknown weave call route /call/read",
    ]);
  });
});
