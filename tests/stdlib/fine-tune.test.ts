// fineTune(set) against the local OpenAI-protocol stub through the real `openai` SDK: the plan,
// approval when the host asks before calls, upload and job, metrics as they arrive, the tuned
// model recorded with its lineage; the same inputs resume the same job (never train twice);
// the tuned model then answers a training question with its training answer; bad input is a
// clear error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { createLlm, countChatTokens, tokenizerReady, type ChatMessage } from "../../src/llm/index.ts";
import { startLoopbackServer, type LoopbackServer } from "../../src/server/stub-llm.ts";
import type { FineTuneRun } from "../../src/stdlib/tune/fine-tune.ts";
import { runFineTune } from "../../src/stdlib/tune/run-fine-tune.ts";
import { openMemoryStore } from "../../src/store/index.ts";
import { createTracing, ObjectStore } from "../../src/trace/index.ts";
import type { TrainingSet } from "../../src/tune/index.ts";
import { buildTrainingSet } from "../../src/tune/training-set.ts";
import { asyncCarrier } from "../trace/harness.ts";

let stub: LoopbackServer;
beforeAll(async () => {
  stub = await startLoopbackServer({ models: ["stub-mini"], fineTuningStepMs: 2 });
  await tokenizerReady();
  set = makeSet();
});
afterAll(() => stub?.close());

const QUESTIONS = ["where is my parcel", "I was charged twice", "reset my password", "the app crashes on start", "change my delivery address", "cancel my order"];
const rows = Array.from({ length: 60 }, (_, i) => ({ source_call: `c${i}`, q: `${QUESTIONS[i % 6]} (ticket ${i})`, a: `Answer for ${QUESTIONS[i % 6]}: step ${i % 6}.` }));
let set: TrainingSet;
const makeSet = () => buildTrainingSet("tickets", rows, { kind: "rows" }, { model: "stub-mini", map: (r) => [{ role: "user", content: r.q }, { role: "assistant", content: r.a }], split: { validation: 0.2, seed: 1 }, epochs: 3 }, {
  countTokens: (e) => countChatTokens(e.messages as ChatMessage[]),
  training: { price: 0, context: 65_536 },
});

async function host(extra: { askBeforeCalls?: boolean; autoApprove?: boolean } = {}, objects?: ObjectStore) {
  const tracing = createTracing({ context: asyncCarrier() });
  const llm = createLlm({ providers: [{ name: "stub", baseURL: stub.baseURL, apiKey: "stub", models: ["stub-mini"] }], op: tracing.op, context: tracing.platform.context });
  const store = objects ?? new ObjectStore(await openMemoryStore());
  const deps = { fineTuning: llm.fineTuning, prices: DEFAULT_PRICES, objects: store, budget: () => 1, autoApprove: !!extra.autoApprove, askBeforeCalls: !!extra.askBeforeCalls };
  const run = async (options: Parameters<typeof runFineTune>[2] = {}, onValue: (v: FineTuneRun) => void = () => {}) => {
    const values: FineTuneRun[] = [];
    for await (const v of runFineTune(deps, set, { pollMs: 20, ...options }, AbortSignal.timeout(60_000))) {
      values.push(v);
      onValue(v);
    }
    return values;
  };
  return { run, llm, objects: store };
}

describe("fineTune", () => {
  it("plans, trains on the stub, streams metrics, records the tuned model; the same inputs resume the same job", async () => {
    const { run, llm, objects } = await host();
    const values = await run({ suffix: "tickets" });
    const last = values.at(-1)!;
    expect(last.status).toBe("succeeded");
    expect(last.plan).toMatchObject({ model: "stub-mini", provider: "stub", epochs: 3, examples: { train: set.train.length, validation: set.validation.length }, trainingTokens: set.stats.tokensPerEpoch * 3, cost: 0 });
    expect(last.model).toMatch(/^ft:stub-mini:weft-stub:tickets:/);
    // Every value of the run shares one promise of its outcome: a cell can wait on it.
    expect(values[0]!.finished).toBe(last.finished);
    expect((await values[0]!.finished).model).toBe(last.model);
    expect(last.tuned).toMatchObject({ base: "stub-mini", provider: "stub", trainingSet: { name: "tickets", version: set.version }, jobId: last.job!.id });
    // Weft's token count (o200k, OpenAI's chat format) is the provider's: the stub bills the same tokens.
    expect(last.job!.trained_tokens).toBe(set.stats.tokensPerEpoch * 3);
    expect(last.checkpoints.length).toBeGreaterThan(0);
    expect(last.checkpoints.every((c) => c.fine_tuned_model_checkpoint.startsWith("ft:stub-mini"))).toBe(true);
    const metrics = last.metrics();
    expect(metrics.length).toBeGreaterThan(3);
    expect(metrics.map((m) => m.step)).toEqual([...metrics.map((m) => m.step)].sort((a, b) => a - b));
    expect(metrics.some((m) => m.valid_loss !== null)).toBe(true);
    expect(values.some((v) => v.status === "running" || v.status === "validating_files" || v.status === "queued")).toBe(true);
    // The tuned model answers a training question with its training answer; the base model does not.
    const tuned = await llm.chat({ model: last.model!, messages: [{ role: "user", content: rows[0]!.q }] });
    expect(tuned.content).toBe(rows[0]!.a);
    const baseAnswer = await llm.chat({ model: "stub-mini", messages: [{ role: "user", content: rows[0]!.q }] });
    expect(baseAnswer.content).not.toBe(rows[0]!.a);
    // Re-run with the same inputs on the same store: the same job, nothing uploaded again.
    const again = await (await host({}, objects)).run({ suffix: "tickets" });
    expect(again[0]!.job!.id).toBe(last.job!.id);
    expect(again.at(-1)!.model).toBe(last.model);
    expect(again.some((v) => v.status === "uploading")).toBe(false);
  }, 60_000);

  it("waits for approval when the host asks before calls, and sends nothing until then", async () => {
    const { run } = await host({ askBeforeCalls: true });
    let approvals = 0;
    const values = await run({ suffix: "approved" }, (v) => {
      if (v.status === "awaiting-approval") {
        approvals++;
        expect(v.job).toBeNull();
        v.approve!();
      }
    });
    expect(approvals).toBe(1);
    expect(values.at(-1)!.status).toBe("succeeded");
  }, 60_000);

  it("bad input is a specific error", async () => {
    // Approved ahead (an unpriced model asks first): the provider's refusal is the error.
    const { run } = await host({ autoApprove: true });
    await expect(run({ model: "no-such-base" })).rejects.toThrow(/no-such-base/);
    await expect(run({ epochs: 0 })).rejects.toThrow("fineTune: epochs must be a positive integer, got 0");
    const tracing = createTracing({ context: asyncCarrier() });
    const llm = createLlm({ providers: [], op: tracing.op, context: tracing.platform.context });
    const gen = runFineTune({ fineTuning: llm.fineTuning, prices: DEFAULT_PRICES, objects: null, budget: () => 1, autoApprove: false, askBeforeCalls: false }, { not: "a set" }, {});
    await expect(gen.next()).rejects.toThrow("fineTune: the first argument must be a training set (from trainingSet(...))");
  });
});
