// Step metrics of a training run, from a fine-tuning job's events or from a metrics file
// written elsewhere (a LoRA run's JSONL or CSV log), under one set of column names, and the
// point where the run starts to overfit.

/** One step's metrics; a missing metric is null. */
export interface StepMetrics {
  readonly step: number;
  readonly train_loss: number | null;
  readonly valid_loss: number | null;
  readonly train_accuracy: number | null;
  readonly valid_accuracy: number | null;
  readonly learning_rate: number | null;
}

/** The names each metric goes by in common logs (OpenAI's job events, Hugging Face's Trainer, PEFT/LoRA scripts). */
const ALIASES: Record<keyof StepMetrics, readonly string[]> = {
  step: ["step", "global_step", "iteration", "iter"],
  train_loss: ["train_loss", "loss", "training_loss", "train/loss"],
  valid_loss: ["valid_loss", "val_loss", "eval_loss", "validation_loss", "eval/loss", "full_valid_loss"],
  train_accuracy: ["train_accuracy", "train_mean_token_accuracy", "accuracy", "train/accuracy"],
  valid_accuracy: ["valid_accuracy", "valid_mean_token_accuracy", "val_accuracy", "eval_accuracy", "eval/accuracy", "full_valid_mean_token_accuracy"],
  learning_rate: ["learning_rate", "lr", "train/learning_rate"],
};

/**
 * Rows of a metrics log as step metrics: each metric read from the first of its known names
 * the row has; rows without a step are skipped (a log's header or summary lines); sorted by step,
 * the last row of a repeated step kept. Errors name the row when a value is not a number.
 */
export function stepMetrics(rows: readonly Record<string, unknown>[]): StepMetrics[] {
  const byStep = new Map<number, StepMetrics>();
  rows.forEach((row, i) => {
    const read = (key: keyof StepMetrics): number | null => {
      const name = ALIASES[key].find((n) => row[n] !== undefined && row[n] !== null && row[n] !== "");
      if (name === undefined) return null;
      const value = Number(row[name]);
      if (!Number.isFinite(value)) throw new Error(`metrics row ${i + 1}: ${name} is ${JSON.stringify(row[name])}, not a number`);
      return value;
    };
    const step = read("step");
    if (step === null) return;
    byStep.set(step, { step, train_loss: read("train_loss"), valid_loss: read("valid_loss"), train_accuracy: read("train_accuracy"), valid_accuracy: read("valid_accuracy"), learning_rate: read("learning_rate") });
  });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Where a run starts to overfit: the step of the lowest (smoothed) validation loss, when after it validation loss rises while training loss keeps falling. */
export interface OverfitPoint {
  readonly step: number;
  readonly valid_loss: number;
  /** How much the smoothed validation loss rose from its lowest to the end, relative. */
  readonly rise: number;
}

/**
 * The overfitting point of a run, or null: validation loss (a moving average over `window`
 * points, default 3) reaches its minimum and then ends at least `tolerance` (default 5%) above
 * it, while the training loss after that point is lower than at it.
 */
export function overfitPoint(metrics: readonly StepMetrics[], options: { readonly window?: number; readonly tolerance?: number } = {}): OverfitPoint | null {
  const window = options.window ?? 3;
  const tolerance = options.tolerance ?? 0.05;
  const valid = metrics.filter((m) => m.valid_loss !== null);
  if (valid.length < window + 2) return null;
  const smooth = valid.map((_, i) => {
    const part = valid.slice(Math.max(0, i - window + 1), i + 1);
    return part.reduce((a, m) => a + m.valid_loss!, 0) / part.length;
  });
  let best = 0;
  smooth.forEach((v, i) => {
    if (v < smooth[best]!) best = i;
  });
  const end = smooth[smooth.length - 1]!;
  const rise = (end - smooth[best]!) / Math.max(1e-12, smooth[best]!);
  if (best === smooth.length - 1 || rise < tolerance) return null;
  const at = valid[best]!;
  const trainAt = metrics.filter((m) => m.step <= at.step && m.train_loss !== null).at(-1)?.train_loss ?? null;
  const trainEnd = metrics.filter((m) => m.train_loss !== null).at(-1)?.train_loss ?? null;
  if (trainAt === null || trainEnd === null || !(trainEnd < trainAt)) return null;
  return { step: at.step, valid_loss: at.valid_loss!, rise };
}
