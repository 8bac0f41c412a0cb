// `weft fine-tune start|status|events|cancel`: a fine-tuning job from the command line, on the
// provider that serves the model (OpenAI's fine-tuning API, or the local stub with --stub-llm).
// `start` validates the files as trainingSet does, prints the plan (examples, tokens, epochs,
// cost) and sends nothing over the budget without --yes; then it follows the job to its end.
import { readFile } from "node:fs/promises";
import { DEFAULT_PRICES, priceOf } from "../base/index.ts";
import { countChatTokens, createLlm, fineTuningClient, FineTuningJobError, tokenizerReady, type ChatMessage, type FineTuningClient } from "../llm/index.ts";
import { loadProviders } from "../server/provider-config.ts";
import { createTracing } from "../trace/index.ts";
import { defaultEpochs, tokensPerEpoch, trainingCost, validateExample, type ExampleProblem } from "../tune/index.ts";

/** Options of `weft fine-tune start`. */
export interface FineTuneStartOptions {
  readonly train: string;
  readonly validation?: string;
  readonly model: string;
  readonly epochs?: string;
  readonly suffix?: string;
  readonly seed?: string;
  readonly budget: string;
  readonly yes?: boolean;
  readonly pollMs?: string;
}

/** The fine-tuning client of the provider serving `model` (the same routing as chat), and the bare model name; without a model, the first provider's. */
export async function fineTuningFor(model: string | undefined): Promise<{ client: FineTuningClient; provider: string; model: string }> {
  const providers = await loadProviders(process.env);
  if (!model) {
    const first = providers[0];
    if (!first) throw new Error("no LLM provider is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL), add providers to ~/.config/weft/providers.json, or use --stub-llm");
    return { client: fineTuningClient(first), provider: first.name, model: "" };
  }
  const tracing = createTracing();
  const llm = createLlm({ providers, op: tracing.op, context: tracing.platform.context });
  return llm.fineTuning(model);
}

/** A JSONL training file's examples, each validated (OpenAI's data-preparation rules and the model's token limit); a line that is not JSON is a problem of its own. */
export async function readExamples(file: string, maxTokens: number): Promise<{ lines: string[]; tokens: number[]; problems: ExampleProblem[] }> {
  const text = await readFile(file, "utf8");
  const lines = text.split("\n").filter((l) => l.trim());
  const tokens: number[] = [];
  const problems: ExampleProblem[] = [];
  lines.forEach((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({ example: i + 1, rule: "data_type", message: `${file} line ${i + 1}: not JSON (${(error as Error).message})` });
      return;
    }
    const countTokens = (e: { messages: { role: string; content: string }[] }) => countChatTokens(e.messages as ChatMessage[]);
    const found = validateExample(value, i + 1, { maxTokens, countTokens });
    problems.push(...found.map((p) => ({ ...p, message: `${file} line ${i + 1}: ${p.message.replace(/^example \d+: /, "")}` })));
    if (!found.length) tokens.push(countTokens(value as { messages: { role: string; content: string }[] }));
  });
  return { lines, tokens, problems };
}

/** `weft fine-tune start`: validate, plan, then (within budget or with --yes) upload, create and follow the job; resolves with the exit code. */
export async function startFineTune(options: FineTuneStartOptions, log: (line: string) => void): Promise<number> {
  const { client, provider, model } = await fineTuningFor(options.model);
  await tokenizerReady();
  const price = priceOf(model, DEFAULT_PRICES);
  const maxTokens = price?.trainingContext ?? 65_536;
  const train = await readExamples(options.train, maxTokens);
  const validation = options.validation ? await readExamples(options.validation, maxTokens) : null;
  const problems = [...train.problems, ...(validation?.problems ?? [])];
  if (problems.length) {
    for (const p of problems.slice(0, 20)) log(`weft: ${p.message} (${p.rule})`);
    log(`weft: ${problems.length} problem${problems.length > 1 ? "s" : ""} in the training files; nothing was sent`);
    return 2;
  }
  const epochs = options.epochs !== undefined ? Number(options.epochs) : defaultEpochs(train.lines.length);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`--epochs takes a positive integer, not ${JSON.stringify(options.epochs)}`);
  const perEpoch = tokensPerEpoch(train.tokens, maxTokens);
  const cost = trainingCost(perEpoch, epochs, price?.training);
  const budget = Number(options.budget);
  log(`weft: plan: fine-tune ${model} on ${provider}: ${train.lines.length} training + ${validation?.lines.length ?? 0} validation examples, ${epochs} epochs, ${(perEpoch * epochs).toLocaleString("en-US")} training tokens, ${cost === null ? "cost unknown (no training price for this model)" : `$${cost.toFixed(2)}`}`);
  if (!options.yes && (cost === null || cost > budget)) {
    log(`weft: not started: ${cost === null ? "the cost is unknown" : `$${cost.toFixed(2)} is over the budget of $${budget.toFixed(2)}`}; add --yes to start it`);
    return 2;
  }
  const trainFile = await client.uploadFile(train.lines.map((l) => `${l}\n`).join(""), "train.jsonl");
  const validationFile = validation ? await client.uploadFile(validation.lines.map((l) => `${l}\n`).join(""), "validation.jsonl") : null;
  const job = await client.createJob({ model, training_file: trainFile.id, ...(validationFile ? { validation_file: validationFile.id } : {}), hyperparameters: { n_epochs: epochs }, ...(options.suffix ? { suffix: options.suffix } : {}), ...(options.seed !== undefined ? { seed: Number(options.seed) } : {}) });
  log(`weft: job ${job.id} created (${job.status}); following it (Ctrl-C stops following, not the job: weft fine-tune cancel ${job.id})`);
  return followJob(client, job.id, Number(options.pollMs ?? 2_000), log);
}

/** Prints a job's events as they come until it ends; resolves with 0 when it succeeded, 1 otherwise. */
export async function followJob(client: FineTuningClient, id: string, pollMs: number, log: (line: string) => void): Promise<number> {
  try {
    for await (const event of client.events(id, { pollMs })) log(`weft: ${event.message}`);
  } catch (error) {
    if (error instanceof FineTuningJobError) {
      log(`weft: ${error.message}`);
      return 1;
    }
    throw error;
  }
  const job = await client.getJob(id);
  for (const c of await client.checkpoints(id)) log(`weft: checkpoint at step ${c.step_number}: ${c.fine_tuned_model_checkpoint}${c.metrics?.valid_loss !== undefined ? ` (validation loss ${c.metrics.valid_loss})` : ""}`);
  if (job.status === "succeeded") log(`weft: tuned model ${job.fine_tuned_model} (from ${job.model}, ${job.trained_tokens ?? "?"} trained tokens, job ${job.id})`);
  else log(`weft: job ${job.id} ended ${job.status}`);
  return job.status === "succeeded" ? 0 : 1;
}
