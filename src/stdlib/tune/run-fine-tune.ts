import { digest, priceOf, toCanonical } from "../../base/index.ts";
import { FineTuningJobError, isFinished, type FineTuningCheckpoint, type FineTuningEvent, type FineTuningJob } from "../../llm/index.ts";
import { isTrainingSet, trainingCost, type TrainingSet } from "../../tune/index.ts";
import { FineTuneRun, type FineTuneDeps, type FineTuneOptions, type FineTunePlan, type FineTuneStatus, type TunedModel } from "./fine-tune.ts";

/**
 * `fineTune(set, options)`: plans a fine-tuning job (tokens × epochs × the model's training
 * price) and, within budget or once approved, uploads the training and validation files,
 * starts the job on the provider serving the model, and follows it: each value is a
 * `FineTuneRun` with its events and metrics, the last one with the tuned model (recorded with
 * its base, training set version, hyperparameters and job id). The same inputs resume the
 * same job (its id is kept), so re-running the notebook never trains twice. A failed job
 * fails the cell with the provider's reason.
 */
export async function* runFineTune(deps: FineTuneDeps, set: unknown, options: FineTuneOptions = {}, signal?: AbortSignal): AsyncGenerator<FineTuneRun> {
  if (!isTrainingSet(set)) throw new TypeError("fineTune: the first argument must be a training set (from trainingSet(...))");
  if (!set.train.length) throw new Error(`fineTune: training set ${set.name} has no training examples`);
  const ts: TrainingSet = set;
  const base = options.model ?? set.model;
  const { client, provider, model } = deps.fineTuning(base);
  const epochs = options.epochs ?? set.stats.epochs;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`fineTune: epochs must be a positive integer, got ${JSON.stringify(options.epochs)}`);
  const price = priceOf(model, deps.prices);
  const budget = options.budget ?? deps.budget();
  const plan: FineTunePlan = { model, provider, examples: { train: set.train.length, validation: set.validation.length }, epochs, trainingTokens: set.stats.tokensPerEpoch * epochs, cost: trainingCost(set.stats.tokensPerEpoch, epochs, price?.training), budget };
  const hyperparameters = { n_epochs: epochs, ...(options.batchSize !== undefined ? { batch_size: options.batchSize } : {}), ...(options.learningRateMultiplier !== undefined ? { learning_rate_multiplier: options.learningRateMultiplier } : {}) };
  const key = digest(["weft:fine-tune@1", provider, model, set.version, hyperparameters, options.suffix ?? null, options.seed ?? null]);
  const events: FineTuningEvent[] = [];
  let job: FineTuningJob | null = null;
  let settle!: { resolve: (run: FineTuneRun) => void; reject: (error: Error) => void };
  const finished = new Promise<FineTuneRun>((resolve, reject) => (settle = { resolve, reject }));
  finished.catch(() => {}); // a run nobody waits on must not be an unhandled rejection
  let checkpoints: FineTuningCheckpoint[] = [];
  const run = (status: FineTuneStatus, tuned: TunedModel | null = null, approve?: () => void) => new FineTuneRun(status, plan, job, [...events], tuned, approve, job && !isFinished(job) ? async () => void (await client.cancel(job!.id)) : undefined, finished, checkpoints);
  let outcome: FineTuneRun | null = null;
  try {
    yield* follow();
  } catch (error) {
    settle.reject(error as Error);
    throw error;
  } finally {
    if (outcome) settle.resolve(outcome);
    else settle.reject(new Error(`fineTune: the job ${(job as FineTuningJob | null)?.id ?? "(not started)"} did not succeed`));
  }

  async function* follow(): AsyncGenerator<FineTuneRun> {
    const saved = options.restart ? undefined : ((await deps.objects?.get("fine-tune-job", key)) as { jobId?: string } | undefined);
    if (saved?.jobId) {
      job = await client.getJob(saved.jobId);
    } else {
      // Nothing is sent before the plan is within budget or approved.
      const overBudget = plan.cost === null ? true : budget !== undefined && plan.cost > budget;
      if (deps.askBeforeCalls || (!deps.autoApprove && overBudget)) {
        let approve!: () => void;
        const approved = new Promise<void>((resolve) => (approve = resolve));
        const aborted = new Promise<never>((_, reject) => signal?.addEventListener("abort", () => reject(new Error("fineTune: stopped before it was approved")), { once: true }));
        yield run("awaiting-approval", null, approve);
        await Promise.race([approved, aborted]);
      }
      yield run("uploading");
      const trainFile = await client.uploadFile(ts.trainJsonl(), `${ts.name}-train.jsonl`);
      const validationFile = ts.validation.length ? await client.uploadFile(ts.validationJsonl(), `${ts.name}-validation.jsonl`) : null;
      job = await client.createJob({ model, training_file: trainFile.id, ...(validationFile ? { validation_file: validationFile.id } : {}), hyperparameters, ...(options.suffix ? { suffix: options.suffix } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
      deps.objects?.put("fine-tune-job", key, { jobId: job.id, provider, model, trainingSet: ts.version });
      await deps.objects?.flush();
    }
    yield run(statusOf(job));
    let lastYield = Date.now();
    try {
      for await (const event of client.events(job.id, { pollMs: options.pollMs ?? 2_000, ...(signal ? { signal } : {}) })) {
        events.push(event);
        if (Date.now() - lastYield >= 200) {
          lastYield = Date.now();
          yield run("running");
        }
      }
    } catch (error) {
      if (error instanceof FineTuningJobError) job = error.job;
      throw error;
    }
    job = await client.getJob(job.id);
    checkpoints = await client.checkpoints(job.id);
    if (job.status !== "succeeded" || !job.fine_tuned_model) {
      yield run(statusOf(job));
      return;
    }
    const tuned: TunedModel = { model: job.fine_tuned_model, base: model, provider, trainingSet: { name: ts.name, version: ts.version }, hyperparameters: toCanonical(job.hyperparameters ?? hyperparameters) as Record<string, unknown>, jobId: job.id };
    deps.objects?.put("tuned-model", digest(tuned.model), toCanonical(tuned));
    await deps.objects?.flush();
    outcome = run("succeeded", tuned);
    yield outcome;
  }
}

function statusOf(job: FineTuningJob): FineTuneStatus {
  return job.status;
}
