import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getEventListeners } from "node:events";
import { DEFAULT_RETRY } from "../../src/base/index.ts";
import { createLlm, type ProviderConfig } from "../../src/llm/index.ts";
import { openMemoryStore } from "../../src/store/index.ts";
import { CallCache, Vary } from "../../src/trace/index.ts";
import { serverPromptTokens, startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";
import { asyncCarrier, tracing } from "../trace/harness.ts";

let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer({ apiKey: "sk-loopback-secret" });
});
afterAll(() => server.close());

function setup(provider: Partial<ProviderConfig> = {}) {
  const t = tracing(asyncCarrier());
  const llm = createLlm({
    providers: [{ name: "loop", baseURL: server.baseURL, apiKey: "sk-loopback-secret", models: ["test-small", "test-large"], defaultModel: "test-small", ...provider }],
    op: t.op,
    context: t.platform.context,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
    // The fault test below needs the headroom of a fourth retry on a loaded machine.
    retry: { ...DEFAULT_RETRY, retries: 4 },
  });
  return { ...t, llm };
}

describe("llm against the loopback server", () => {
  test("a chat round trip records usage by model and cost from the price table", async () => {
    server.configure({ latencyMs: 0, faults: {} });
    const { llm, log } = setup();
    const messages = [{ role: "user" as const, content: "What is the capital of France?" }];
    const result = await llm.chat({ model: "test-small", messages, temperature: 0, seed: 7 });
    const promptTokens = serverPromptTokens(messages);
    expect(result).toMatchObject({ model: "test-small", provider: "loop", inputTokens: promptTokens, finishReason: "stop" });
    expect(result.content).toMatch(/^test-small says \w+ \w+ about: What is the capital of France\?$/);
    const call = log.get("call-1")!;
    expect(call.op).toMatch(/^llm\.chat:/);
    const cost = (promptTokens * 0.5 + result.outputTokens * 1.5) / 1e6;
    expect(call.usage).toEqual({ "test-small": { requests: 1, inputTokens: promptTokens, outputTokens: result.outputTokens, cost: expect.closeTo(cost, 12) } });
    expect(call.cost).toBeCloseTo(cost, 12);
    expect(call.inputs).toEqual([{ model: "test-small", messages, temperature: 0, seed: 7 }]);
    expect(server.stats.chats.at(-1)).toMatchObject({ seed: 7, temperature: 0 });
  });

  test("streaming yields the text as it arrives and records the finished call", async () => {
    const { llm, log } = setup();
    const seen: string[] = [];
    for await (const text of llm.stream({ model: "test-large", messages: [{ role: "user", content: "Tell me something long enough to stream in pieces." }] })) seen.push(text);
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true);
    const call = log.get("call-1")!;
    expect(call.output).toMatchObject({ content: seen.at(-1), model: "test-large", finishReason: "stop" });
    expect(call.usage["test-large"]!.requests).toBe(1);
  });

  test("embeddings batch their inputs and keep their order", async () => {
    const { llm } = setup();
    const before = server.stats.requests;
    const texts = ["a", "bb", "ccc", "dddd", "eeeee"];
    const vectors = await llm.embed({ model: "test-small", input: texts, batchSize: 2 });
    expect(server.stats.requests - before).toBe(3);
    expect(vectors.length).toBe(5);
    const again = await llm.embed({ model: "test-small", input: "ccc" });
    expect(again[0]).toEqual(vectors[2]);
  });

  test("the plan's token estimate is within 5% of the prompt tokens the server reports", async () => {
    const { llm } = setup();
    const rows = [
      { text: "The app crashes every time I open the settings page on Android." },
      { text: "I was charged twice for the same order, please refund one." },
      { text: "How can I export all of my notes to a CSV file?" },
    ];
    const classify = llm.op("classify", ({ text }: { text: string }, { model }: { model: string }) => ({
      model,
      max_tokens: 5,
      messages: [
        { role: "system", content: "Classify the support ticket as billing, bug or question. Answer with one word." },
        { role: "user", content: text },
      ],
    }));
    const cache = new CallCache(await openMemoryStore());
    const vary = new Vary({ data: rows, ops: classify, params: { model: ["test-small", "test-large"] } }, { cache });
    const plan = await vary.plan();
    const firstChat = server.stats.chats.length;
    await vary.execute();
    const reported = server.stats.chats.slice(firstChat).reduce((a, c) => a + serverPromptTokens(c.messages), 0);
    expect(Math.abs(plan.groups[0]!.inputTokens - reported) / reported).toBeLessThan(0.05);
    expect(plan.estimatedCost).toBeGreaterThan(0);
  });

  test("other 4xx errors fail at once with the provider's message", async () => {
    const { llm, log } = setup();
    const before = server.stats.requests;
    await expect(llm.chat({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })).rejects.toThrow(/provider error 404: .*model `no-such-model` does not exist/);
    expect(server.stats.requests - before).toBe(1);
    expect(log.get("call-1")!.error?.message).toMatch(/404/);
  });

  test("the per-provider concurrency limit holds: the server never sees more at once", async () => {
    server.configure({ latencyMs: 30, jitterMs: 10, faults: {} });
    server.stats.peakInFlight = 0;
    const { llm } = setup({ concurrency: 3 });
    await Promise.all(Array.from({ length: 24 }, (_, i) => llm.chat({ messages: [{ role: "user", content: `q${i}` }] })));
    expect(server.stats.peakInFlight).toBe(3);
    server.configure({ latencyMs: 0, jitterMs: 0 });
  });

  test("cancellation aborts the in-flight HTTP requests", async () => {
    server.configure({ latencyMs: 5_000 });
    const { llm } = setup({ concurrency: 8 });
    const abortedBefore = server.stats.aborted;
    const controller = new AbortController();
    const ask = llm.op("ask", ({ q }: { q: string }) => ({ messages: [{ role: "user", content: q }] }));
    const vary = new Vary({ data: Array.from({ length: 4 }, (_, i) => ({ q: `slow ${i}` })), ops: ask }, { cache: null });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("cell invalidated")), 150);
    const result = await vary.execute({ signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => server.stats.aborted - abortedBefore).toBe(4);
    expect(result.progress.done).toBe(0);
    server.configure({ latencyMs: 0 });
  });

  test("a run's signal holds no abort listener per finished call (the SDK never removes the one it adds)", async () => {
    server.configure({ latencyMs: 0, faults: {} });
    const { llm } = setup({ concurrency: 8 });
    const controller = new AbortController();
    const ask = llm.op("ask", ({ q }: { q: string }) => ({ messages: [{ role: "user", content: q }] }));
    const vary = new Vary({ data: Array.from({ length: 60 }, (_, i) => ({ q: `listener ${i}` })), ops: ask }, { cache: null });
    const before = getEventListeners(controller.signal, "abort").length;
    const result = await vary.execute({ signal: controller.signal });
    expect(result.progress.done).toBe(60);
    expect(getEventListeners(controller.signal, "abort").length).toBe(before);
  });

  test("with 20% injected 429s, 500s and timeouts over 500 calls, every leaf ends once, as a result or a recorded error", async () => {
    server.configure({ latencyMs: 2, jitterMs: 3, faults: { rateLimit: 0.08, serverError: 0.07, hang: 0.05, retryAfterSeconds: 0 }, seed: 42 });
    const { llm } = setup({ concurrency: 32, timeoutMs: 300 });
    const ask = llm.op("ask", ({ q }: { q: string }) => ({ messages: [{ role: "user", content: q }] }));
    const rows = Array.from({ length: 500 }, (_, i) => ({ q: `question ${i}` }));
    const cache = new CallCache(await openMemoryStore());
    const result = await new Vary({ data: rows, ops: ask, concurrency: 32 }, { cache }).execute();
    const table = result.table().objects() as { row: number; status: string; output: string | null; error: string | null }[];
    expect(table.length).toBe(500);
    expect(new Set(table.map((r) => r.row)).size).toBe(500);
    for (const r of table) {
      if (r.status === "done") expect(r.output).toContain(`about: question ${r.row}`);
      else expect([r.status, typeof r.error]).toEqual(["error", "string"]);
    }
    const faults = server.stats.faults;
    expect(faults.rateLimit + faults.serverError + faults.hang).toBeGreaterThan(50);
    expect(table.filter((r) => r.status === "done").length).toBeGreaterThan(490);
    server.configure({ faults: {}, latencyMs: 0, jitterMs: 0 });
  }, 60_000);
});
