import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_PRICES } from "../../src/llm/index.ts";
import { decodeTraces, spansToPatches, spanToPatch, type OtlpSpan } from "../../src/prod/ingest.ts";
import type { CallPatch } from "../../src/store/index.ts";
import { fixture } from "./ingest-helpers.ts";

const patchesOf = (name: string) => spansToPatches(decodeTraces(fixture(name), "protobuf")).patches;

/** The tree and the LLM facts of a list of patches: parents by op, usage, cost, error. */
function summary(patches: readonly CallPatch[]) {
  const byId = new Map(patches.map((p) => [p.id, p]));
  return patches.map((p) => ({
    op: p.op,
    parent: p.parentId ? (byId.get(p.parentId)?.op ?? "(missing)") : null,
    sameTrace: p.parentId ? byId.get(p.parentId)?.traceId === p.traceId : true,
    usage: p.usage ?? null,
    cost: p.cost ?? null,
    error: p.error ?? null,
  }));
}

const mini = (input: number, output: number) => ({ "gpt-4o-mini": { requests: 1, inputTokens: input, outputTokens: output, cost: costOf("gpt-4o-mini", input, output, DEFAULT_PRICES)! } });

describe("spansToPatches on OpenTelemetry GenAI (instrumentation-openai 0.21)", () => {
  it("an app trace becomes one call tree; LLM spans carry model usage and cost; a failed call its error", () => {
    expect(summary(patchesOf("otel-traces.pb"))).toEqual([
      { op: "retrieve", parent: "POST /ask", sameTrace: true, usage: null, cost: null, error: null },
      { op: "POST /ask", parent: null, sameTrace: true, usage: null, cost: null, error: null },
      { op: "chat gpt-4o-mini", parent: "POST /ask", sameTrace: true, usage: mini(24, 18), cost: mini(24, 18)["gpt-4o-mini"].cost, error: null },
      { op: "chat gpt-4o-mini", parent: null, sameTrace: true, usage: mini(11, 15), cost: mini(11, 15)["gpt-4o-mini"].cost, error: null },
      { op: "chat gpt-4o-mini", parent: null, sameTrace: true, usage: { "gpt-4o-mini": { requests: 1, inputTokens: 0, outputTokens: 0 } }, cost: null, error: { message: "500 The server had an error while processing your request", status: 500 } },
      { op: "embeddings text-embedding-3-small", parent: null, sameTrace: true, usage: { "text-embedding-3-small": { requests: 1, inputTokens: 2, outputTokens: 0, cost: costOf("text-embedding-3-small", 2, 0, DEFAULT_PRICES)! } }, cost: costOf("text-embedding-3-small", 2, 0, DEFAULT_PRICES), error: null },
      { op: "chat gpt-4o-mini", parent: null, sameTrace: true, usage: mini(21, 8), cost: mini(21, 8)["gpt-4o-mini"].cost, error: null },
    ]);
  });

  it("keeps resource attributes, the scope and the span kind in the call's attributes, and leaves inputs and output to the log records", () => {
    const chat = patchesOf("otel-traces.pb")[2]!;
    expect(chat).toEqual({
      id: "cacfe4e1f27ae7cd",
      traceId: "f1f94c0dc6a778b9fd8ffd95553d38dc",
      parentId: "9ce779376be7552e",
      op: "chat gpt-4o-mini",
      startedAt: 1796222778813,
      endedAt: 1796222778919.389,
      error: null,
      usage: mini(24, 18),
      cost: mini(24, 18)["gpt-4o-mini"].cost,
      attributes: {
        "service.name": "capture-app",
        "service.version": "1.2.3",
        "deployment.environment.name": "test",
        "otel.scope.name": "@opentelemetry/instrumentation-openai",
        "otel.scope.version": "0.21.0",
        "otel.span.kind": "client",
        "gen_ai.operation.name": "chat",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.system": "openai",
        "server.address": "127.0.0.1",
        "server.port": 36831,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.id": "chatcmpl-275a3fab2a2b",
        "gen_ai.response.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 24,
        "gen_ai.usage.output_tokens": 18,
      },
    });
  });

  it("maps the JSON exporters' bodies to the same patches as the protobuf ones", () => {
    for (const name of ["otel-traces", "openinference-traces"]) expect(spansToPatches(decodeTraces(fixture(`${name}.json`), "json"))).toEqual(spansToPatches(decodeTraces(fixture(`${name}.pb`), "protobuf")));
  });

  it("uses the prices it is given", () => {
    const prices = { "gpt-4o-mini": { input: 1_000_000, output: 0 } };
    const chat = spansToPatches(decodeTraces(fixture("otel-traces.pb"), "protobuf"), { prices }).patches[2]!;
    expect([chat.cost, chat.usage]).toEqual([24, { "gpt-4o-mini": { requests: 1, inputTokens: 24, outputTokens: 18, cost: 24 } }]);
  });
});

describe("spansToPatches on OpenInference (openinference-instrumentation-openai 4.2)", () => {
  it("an LLM span gives messages, output, model and tokens; the raw request and response are not kept twice", () => {
    const [retrieve, root, chat, streamed] = patchesOf("openinference-traces.pb");
    expect({ tree: [retrieve!.parentId, chat!.parentId, root!.parentId].map((p) => (p === root!.id ? "root" : p)), chat: { ...chat, attributes: Object.keys(chat!.attributes!) } }).toEqual({
      tree: ["root", "root", null],
      chat: {
        id: "b1eceebbb7e2ac58",
        traceId: "a5baa41cae2156a8f212e9f39cff5781",
        parentId: "f4331eb35f98157a",
        op: "OpenAI Chat Completions",
        startedAt: 1796222783291,
        endedAt: 1796222783375.971,
        error: null,
        inputs: {
          messages: [
            { role: "system", content: "You answer in one sentence." },
            { role: "user", content: "What is the capital of France?" },
          ],
        },
        output: { role: "assistant", content: "gpt-4o-mini says hotel echo about: What is the capital of France?", finish_reason: "stop" },
        usage: mini(24, 18),
        cost: mini(24, 18)["gpt-4o-mini"].cost,
        attributes: [
          "service.name",
          "openinference.project.name",
          "otel.scope.name",
          "otel.scope.version",
          "otel.span.kind",
          "openinference.span.kind",
          "llm.model_name",
          "input.mime_type",
          "llm.invocation_parameters",
          "llm.system",
          "output.mime_type",
          "llm.finish_reason",
          "llm.token_count.completion",
          "llm.token_count.prompt",
          "llm.token_count.total",
        ],
      },
    });
    // A streamed call reports no tokens: usage counts the request, the cost is unknown.
    expect([streamed!.usage, streamed!.cost, streamed!.output]).toEqual([{ "gpt-4o-mini": { requests: 1, inputTokens: 0, outputTokens: 0 } }, null, { role: "assistant", content: "gpt-4o-mini says alpha bravo about: Count to three.", finish_reason: "stop" }]);
  });
});

// No captured client here sends these conventions (OpenLLMetry is not installed; span events
// and indexed prompts are older GenAI versions), so the spans are built in their normalized form.
describe("message conventions on spans", () => {
  const base: OtlpSpan = {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    parentSpanId: null,
    name: "chat gpt-4o",
    kind: "client",
    startTimeUnixNano: "1700000000000000000",
    endTimeUnixNano: "1700000001000000000",
    startMs: 1700000000000,
    endMs: 1700000001000,
    status: { code: "unset", message: "" },
    attributes: { "gen_ai.request.model": "gpt-4o", "gen_ai.usage.prompt_tokens": 10, "gen_ai.usage.completion_tokens": "5" },
    droppedAttributes: 0,
    events: [],
    droppedEvents: 0,
    links: 0,
  };
  const map = (span: Partial<OtlpSpan>) => {
    const p = spanToPatch({ ...base, ...span, attributes: { ...base.attributes, ...span.attributes } }, { attributes: {}, droppedAttributes: 0, schemaUrl: "" }, { name: "", version: "", attributes: {}, schemaUrl: "" }, DEFAULT_PRICES);
    return { inputs: p.inputs, output: p.output, tokens: [p.usage?.["gpt-4o"]?.inputTokens, p.usage?.["gpt-4o"]?.outputTokens], keys: Object.keys(p.attributes!).filter((k) => k.startsWith("gen_ai.") && !k.startsWith("gen_ai.usage") && k !== "gen_ai.request.model") };
  };
  const messages = [
    { role: "system", content: "Be brief." },
    { role: "user", content: "Hi" },
  ];
  const answer = { role: "assistant", content: "Hello", finish_reason: "stop" };

  it("current GenAI: gen_ai.input.messages / output.messages as JSON strings, with system instructions", () => {
    expect(
      map({
        attributes: {
          "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: "Be brief." }]),
          "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Hi" }] }]),
          "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Hel" }, { type: "text", content: "lo" }, { type: "tool_call", id: "c1", name: "f", arguments: { x: 1 } }], finish_reason: "stop" }]),
        },
      }),
    ).toEqual({ inputs: { messages }, output: { ...answer, tool_calls: [{ id: "c1", name: "f", arguments: { x: 1 } }] }, tokens: [10, 5], keys: [] });
  });

  it("older GenAI: indexed gen_ai.prompt.N / gen_ai.completion.N attributes", () => {
    expect(
      map({ attributes: { "gen_ai.prompt.1.role": "user", "gen_ai.prompt.1.content": "Hi", "gen_ai.prompt.0.role": "system", "gen_ai.prompt.0.content": "Be brief.", "gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": "Hello", "gen_ai.completion.0.finish_reason": "stop" } }),
    ).toEqual({ inputs: { messages }, output: answer, tokens: [10, 5], keys: [] });
  });

  it("GenAI events on the span: message events in, choice out", () => {
    const event = (name: string, attributes: OtlpSpan["attributes"]) => ({ name, timeUnixNano: "1700000000000000000", timeMs: 1700000000000, attributes, droppedAttributes: 0 });
    expect(
      map({
        events: [
          event("gen_ai.system.message", { content: "Be brief." }),
          event("gen_ai.user.message", { "gen_ai.event.content": JSON.stringify({ content: "Hi" }) }),
          event("gen_ai.choice", { "gen_ai.event.content": JSON.stringify({ index: 0, finish_reason: "stop", message: { content: "Hello" } }) }),
          event("cache.miss", { key: "q1" }),
        ],
      }),
    ).toEqual({ inputs: { messages }, output: answer, tokens: [10, 5], keys: [] });
  });

  it("an exception event gives the error's message and stack", () => {
    const exception = { name: "exception", timeUnixNano: "1", timeMs: 0, attributes: { "exception.type": "TypeError", "exception.message": "boom", "exception.stacktrace": "TypeError: boom\n    at f" }, droppedAttributes: 0 };
    const patch = spanToPatch({ ...base, status: { code: "error", message: "" }, events: [exception] }, { attributes: {}, droppedAttributes: 0, schemaUrl: "" }, { name: "", version: "", attributes: {}, schemaUrl: "" }, DEFAULT_PRICES);
    expect([patch.error, patch.attributes!["otel.events"]]).toEqual([{ message: "boom", stack: "TypeError: boom\n    at f" }, undefined]);
  });
});
