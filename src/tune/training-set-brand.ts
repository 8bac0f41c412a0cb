import type { TrainingSet } from "./training-set.ts";

/** The mark every training set carries (a registered symbol, so a copy of this module agrees). */
export const TRAINING_SET = Symbol.for("weft.training-set");

/** Whether a value is a training set. */
export function isTrainingSet(value: unknown): value is TrainingSet {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[TRAINING_SET] === true;
}
