import type { PriceTable } from "../../base/index.ts";
import type { FineTuningCheckpoint, FineTuningClient, FineTuningEvent, FineTuningJob } from "../../llm/index.ts";
import type { ObjectStore } from "../../trace/index.ts";
import { stepMetrics, type StepMetrics } from "../../tune/index.ts";

/** Options of `fineTune(set, options)`. */
export interface FineTuneOptions {
  /** The base model (default: the training set's). */
  readonly model?: string;
  /** Epochs (default: the training set's, OpenAI's default for its size). */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRateMultiplier?: number;
  /** Part of the tuned model's name (up to 64 characters). */
  readonly suffix?: string;
  readonly seed?: number;
  /** Dollars the job may cost before the plan asks (default: the notebook's budget). */
  readonly budget?: number;
  /** How often the job is polled (ms, default 2,000). */
  readonly pollMs?: number;
  /** Start a new job even when one with the same inputs exists (one that failed or was cancelled). */
  readonly restart?: boolean;
}

/** What fine-tuning needs from its host. */
export interface FineTuneDeps {
  readonly fineTuning: (model: string) => { readonly client: FineTuningClient; readonly provider: string; readonly model: string };
  readonly prices: PriceTable;
  readonly objects: ObjectStore | null;
  readonly budget: () => number | undefined;
  readonly autoApprove: boolean;
  readonly askBeforeCalls: boolean;
}

/** The plan of a job: what it trains and what it costs, before anything is sent. */
export interface FineTunePlan {
  readonly model: string;
  readonly provider: string;
  readonly examples: { readonly train: number; readonly validation: number };
  readonly epochs: number;
  readonly trainingTokens: number;
  /** Dollars; null when the model has no training price. */
  readonly cost: number | null;
  readonly budget: number | undefined;
}

/** A tuned model, as recorded: what it was trained from and how. */
export interface TunedModel {
  readonly model: string;
  readonly base: string;
  readonly provider: string;
  readonly trainingSet: { readonly name: string; readonly version: string };
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  readonly jobId: string;
}

/** Where a fine-tuning run is. */
export type FineTuneStatus = "awaiting-approval" | "uploading" | "validating_files" | "queued" | "running" | "succeeded" | "failed" | "cancelled";

const BRAND = Symbol.for("weft.fine-tune");

/** Whether a value is a fine-tuning run. */
export function isFineTuneRun(value: unknown): value is FineTuneRun {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A fine-tuning run as its cell shows it: the plan, the job, its events and metrics, and the tuned model once it succeeded. */
export class FineTuneRun {
  readonly [BRAND] = true;

  constructor(
    readonly status: FineTuneStatus,
    readonly plan: FineTunePlan,
    readonly job: FineTuningJob | null,
    readonly events: readonly FineTuningEvent[],
    readonly tuned: TunedModel | null,
    /** Present while awaiting approval: starts the job. */
    readonly approve?: () => void,
    /** Cancels the job (while it runs). */
    readonly cancel?: () => Promise<void>,
    /** The same promise in every value of one run: the final run once the job succeeded; rejects when it failed or was stopped. A cell waits on it: `(await job.finished).model`. */
    readonly finished: Promise<FineTuneRun> = Promise.reject(new Error("fineTune: no run")),
    /** The job's checkpoints (each with its step and metrics, and a model name), once it has ended. */
    readonly checkpoints: readonly FineTuningCheckpoint[] = [],
  ) {}

  /** The tuned model's name (null until the job succeeded). */
  get model(): string | null {
    return this.tuned?.model ?? null;
  }

  /** The step metrics of the job's metrics events (train and validation loss and accuracy), for `charts.training`. */
  metrics(): StepMetrics[] {
    return stepMetrics(this.events.filter((e) => e.type === "metrics" && e.data && typeof e.data === "object").map((e) => e.data as Record<string, unknown>));
  }
}
