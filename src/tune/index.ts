/**
 * Fine-tuning data, pure: chat examples, their validation by OpenAI's data-preparation rules,
 * near-duplicate groups (MinHash), a seeded leak-free split, training statistics and costs, and
 * the byte-stable JSONL files. The host passes token counting and prices in.
 *
 * Building a training set (`buildTrainingSet`, with the near-duplicate groups and the split) is
 * a second entry point, `training-set.ts`, which hosts load with the first `trainingSet(...)`:
 * it carries MinHash and arquero, which the rest (what the editor shows of a training set or a
 * fine-tuning run) does not need.
 */
export { canonicalExample, exampleText, type ChatExample, type ChatTurn } from "./chat-example.ts";
export { validateExample, type ExampleProblem, type ExampleRule } from "./validate-example.ts";
export { splitGroups, type SplitOptions } from "./split.ts";
export { defaultEpochs, tokensPerEpoch, trainingCost } from "./training-stats.ts";
export { isTrainingSet } from "./training-set-brand.ts";
export type { TrainingSet, TrainingSetOptions, TrainingSetDeps, TrainingSource, TrainingStats } from "./training-set.ts";
export type { NearDuplicateOptions } from "./near-duplicates.ts";
export { stepMetrics, overfitPoint, type StepMetrics, type OverfitPoint } from "./training-metrics.ts";
