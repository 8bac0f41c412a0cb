import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fineTuningClient, FineTuningJobError, LlmError, type FineTuningEvent, type ProviderConfig } from "../../src/llm/index.ts";
import { serverPromptTokens, startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";

let server: LoopbackServer;
let ft: ReturnType<typeof fineTuningClient>;
beforeAll(async () => {
  server = await startLoopbackServer({ apiKey: "sk-ft-secret", fineTuningStepMs: 2 });
  const provider: ProviderConfig = { name: "loop", baseURL: server.baseURL, apiKey: "sk-ft-secret", timeoutMs: 5_000 };
  ft = fineTuningClient(provider);
});
afterAll(() => server.close());

const faq: [string, string][] = [
  ["How do I reset my Weft password?", "Open Settings, choose Security, then press Reset password."],
  ["Where are notebooks stored?", "Notebooks are plain Markdown files in your project folder."],
  ["Can I run Weft offline?", "Yes: start it with --stub-llm and every call goes to the local stub."],
  ["How do I export a trace?", "Use weft calls export with the call id."],
  ["What does a monitor do?", "A monitor scores sampled production calls on a schedule."],
  ["How are costs computed?", "From the provider's token usage and the shipped price table."],
  ["Which providers does Weft support?", "Any provider that speaks the OpenAI protocol."],
  ["How do I share a report?", "Publish the notebook and send the report link."],
];
const jsonl = (pairs: [string, string][]) => pairs.map(([q, a]) => JSON.stringify({ messages: [{ role: "system", content: "You are Weft's help desk." }, { role: "user", content: q }, { role: "assistant", content: a }] })).join("\n") + "\n";
const validation: [string, string][] = [
  ["How can I reset a forgotten password?", "Open Settings, choose Security, then press Reset password."],
  ["Does Weft work without a network?", "Yes: start it with --stub-llm and every call goes to the local stub."],
];
const follow = async (id: string, options = {}) => {
  const seen: FineTuningEvent[] = [];
  for await (const e of ft.events(id, { pollMs: 5, timeoutMs: 10_000, maxEvents: 1_000, ...options })) seen.push(e);
  return seen;
};
const metricsOf = (events: FineTuningEvent[]) => events.filter((e) => e.type === "metrics").map((e) => e.data as Record<string, number>);

describe("fine-tuning against the stub through the openai SDK", () => {
  test("a job's life cycle: upload, create, events with metrics in order, checkpoints, a tuned model that learned the set", async () => {
    const training = await ft.uploadFile(jsonl(faq), "faq.jsonl");
    expect(training).toMatchObject({ id: expect.stringMatching(/^file-/), object: "file", purpose: "fine-tune", filename: "faq.jsonl", status: "processed", bytes: Buffer.byteLength(jsonl(faq)) });
    const valid = await ft.uploadFile(jsonl(validation), "faq-valid.jsonl");
    const job = await ft.createJob({ model: "test-small", training_file: training.id, validation_file: valid.id, suffix: "faq", seed: 7, hyperparameters: { n_epochs: 6, batch_size: 2 } });
    expect(job).toMatchObject({ id: expect.stringMatching(/^ftjob-/), object: "fine_tuning.job", status: "validating_files", fine_tuned_model: null, seed: 7, hyperparameters: { n_epochs: 6, batch_size: 2, learning_rate_multiplier: 1 } });

    const events = await follow(job.id);
    expect(events[0]!.message).toMatch(/^Validating training file: file-/);
    expect(events.at(-1)!.message).toBe("The job has successfully completed");
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const metrics = metricsOf(events);
    expect(metrics.map((m) => m.step)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1)); // ceil(8 / 2) × 6
    expect(metrics[0]).toMatchObject({ total_steps: 24, train_loss: expect.any(Number), valid_loss: expect.any(Number), train_mean_token_accuracy: expect.any(Number), valid_mean_token_accuracy: expect.any(Number) });
    expect(metrics.at(-1)!.train_loss).toBeLessThan(metrics[0]!.train_loss / 4);

    const checkpoints = await ft.checkpoints(job.id);
    expect(checkpoints.map((c) => c.step_number)).toEqual([4, 8, 12, 16, 20, 24]);
    const full = checkpoints.map((c) => c.metrics.full_valid_loss!);
    const best = full.indexOf(Math.min(...full));
    expect(best).toBeGreaterThan(0); // validation loss falls, then turns up: overfitting after the best epoch
    expect(full.at(-1)!).toBeGreaterThan(full[best]!);

    const done = await ft.getJob(job.id);
    expect(done.status).toBe("succeeded");
    expect(done.fine_tuned_model).toMatch(/^ft:test-small:weft-stub:faq:[0-9a-f]{8}$/);
    const examples = faq.map(([q, a]) => [{ role: "system", content: "You are Weft's help desk." }, { role: "user", content: q }, { role: "assistant", content: a }]);
    expect(done.trained_tokens).toBe(examples.reduce((n, m) => n + serverPromptTokens(m), 0) * 6);

    const ask = async (model: string, content: string) => (await (await ft.client).chat.completions.create({ model, messages: [{ role: "user", content }] })).choices[0]!.message.content;
    expect(await ask(done.fine_tuned_model!, "  where are NOTEBOOKS stored? ")).toBe(faq[1]![1]);
    expect(await ask("test-small", "Where are notebooks stored?")).not.toBe(faq[1]![1]);
    expect(await ask(done.fine_tuned_model!, "How can I reset a forgotten password?")).toBe(faq[0]![1]); // held out, similar to training
    expect(await ask(checkpoints[2]!.fine_tuned_model_checkpoint, "How do I export a trace?")).toBe(faq[3]![1]);
    const models = await (await ft.client).models.list();
    expect(models.data.map((m) => m.id)).toContain(done.fine_tuned_model);
  });

  test("a training file with a bad line fails the job with an error naming the line", async () => {
    const bad = jsonl(faq.slice(0, 2)) + JSON.stringify({ messages: [{ role: "user", content: "no answer here" }] }) + "\n";
    const file = await ft.uploadFile(bad, "bad.jsonl");
    const job = await ft.createJob({ model: "test-small", training_file: file.id });
    const failure = await follow(job.id).then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(FineTuningJobError);
    expect((failure as Error).message).toMatch(new RegExp(`^fine-tuning job ${job.id} failed \\(invalid_training_file\\): ${file.id}: line 3: .*no assistant message`));
    const failed = await ft.getJob(job.id);
    expect(failed).toMatchObject({ status: "failed", fine_tuned_model: null, error: { code: "invalid_training_file", param: "training_file" } });

    const notJson = await ft.uploadFile(jsonl(faq.slice(0, 1)) + "{not json\n", "broken.jsonl");
    const job2 = await ft.createJob({ model: "test-small", training_file: notJson.id });
    await expect(ft.waitForJob(job2.id, { pollMs: 5, timeoutMs: 5_000 })).rejects.toThrow(/line 2: not valid JSON/);
  });

  test("cancel stops a running job; cancelling again and unknown models are clear errors", async () => {
    server.configure({ fineTuningStepMs: 40 });
    try {
      const file = await ft.uploadFile(jsonl(faq), "slow.jsonl");
      const job = await ft.createJob({ model: "test-small", training_file: file.id, hyperparameters: { n_epochs: 3, batch_size: 1 } });
      const seen: FineTuningEvent[] = [];
      for await (const e of ft.events(job.id, { pollMs: 5, timeoutMs: 2_000, maxEvents: 100 })) {
        seen.push(e);
        if (e.type === "metrics") break; // it is running
      }
      const cancelled = await ft.cancel(job.id);
      expect(cancelled).toMatchObject({ status: "cancelled", fine_tuned_model: null });
      const rest = await follow(job.id);
      expect(rest.at(-1)!.message).toBe("Fine-tuning job cancelled");
      await expect(ft.cancel(job.id)).rejects.toThrow(new RegExp(`cancelling fine-tuning job ${job.id} failed: HTTP 400 invalid_job_state: .*cannot be cancelled`));
      await expect((await ft.client).chat.completions.create({ model: "ft:test-small:weft-stub::0badc0de", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
    } finally {
      server.configure({ fineTuningStepMs: 2 });
    }
  });

  test("following a job is bounded by a timeout and a maximum number of events", async () => {
    server.configure({ fineTuningStepMs: 40 });
    try {
      const file = await ft.uploadFile(jsonl(faq), "bounded.jsonl");
      const slow = await ft.createJob({ model: "test-small", training_file: file.id, hyperparameters: { n_epochs: 5, batch_size: 1 } });
      await expect(follow(slow.id, { timeoutMs: 60 })).rejects.toThrow(new RegExp(`fine-tuning job ${slow.id} did not finish within 60 ms`));
      await ft.cancel(slow.id);
      server.configure({ fineTuningStepMs: 0 });
      const fast = await ft.createJob({ model: "test-small", training_file: file.id, hyperparameters: { n_epochs: 5, batch_size: 1 } });
      await expect(follow(fast.id, { maxEvents: 3 })).rejects.toThrow(/sent more than 3 events/);
    } finally {
      server.configure({ fineTuningStepMs: 2 });
    }
  });

  test("unknown files and models are refused with the provider's error", async () => {
    await expect(ft.createJob({ model: "test-small", training_file: "file-nope" })).rejects.toThrow(/creating a fine-tuning job of test-small on loop failed: HTTP 400 invalid_training_file: .*file-nope/);
    const file = await ft.uploadFile(jsonl(faq), "x.jsonl");
    await expect(ft.createJob({ model: "test-small", training_file: file.id, validation_file: "file-gone" })).rejects.toThrow(/HTTP 400 invalid_validation_file/);
    await expect(ft.createJob({ model: "no-such-base", training_file: file.id })).rejects.toThrow(/HTTP 400 model_not_available/);
    const missing = await ft.getJob("ftjob-missing").then(() => null, (e: unknown) => e);
    expect(missing).toBeInstanceOf(LlmError);
    expect(missing).toMatchObject({ status: 404, retryable: false, message: expect.stringMatching(/reading fine-tuning job ftjob-missing failed: HTTP 404/) });
  });

  test("events page newest first with limit and after; following a long job reads every page in order", async () => {
    server.configure({ fineTuningStepMs: 0 });
    try {
      const file = await ft.uploadFile(jsonl(faq), "long.jsonl");
      const job = await ft.createJob({ model: "test-small", training_file: file.id, hyperparameters: { n_epochs: 15, batch_size: 1 } });
      const first = await (await ft.client).fineTuning.jobs.listEvents(job.id, { limit: 5 });
      expect(first.data).toHaveLength(5);
      expect(first.data[0]!.message).toBe("The job has successfully completed");
      const second = await (await ft.client).fineTuning.jobs.listEvents(job.id, { limit: 5, after: first.data[4]!.id });
      expect(second.data[0]!.created_at).toBeLessThanOrEqual(first.data[4]!.created_at);
      expect(second.data.map((e) => e.id)).not.toContain(first.data[4]!.id);
      const events = await follow(job.id);
      expect(metricsOf(events).map((m) => m.step)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(events.slice(-10).map((e) => e.id)).toEqual([...first.data, ...second.data].map((e) => e.id).reverse());
    } finally {
      server.configure({ fineTuningStepMs: 2 });
    }
  });

  test("the same file and seed give the same curves; another seed does not", async () => {
    const training = await ft.uploadFile(jsonl(faq), "same.jsonl");
    const valid = await ft.uploadFile(jsonl(validation), "same-valid.jsonl");
    const run = async (seed: number) => {
      const job = await ft.createJob({ model: "test-large", training_file: training.id, validation_file: valid.id, seed, hyperparameters: { n_epochs: 4 } });
      const metrics = metricsOf(await follow(job.id));
      return { metrics, checkpoints: (await ft.checkpoints(job.id)).map((c) => c.metrics) };
    };
    const a = await run(11);
    const b = await run(11);
    expect(a.metrics.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect((await run(12)).metrics).not.toEqual(a.metrics);
  });
});
