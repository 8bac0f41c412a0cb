/**
 * Fine-tuning data, pure: chat examples, their validation by OpenAI's data-preparation rules,
 * near-duplicate groups (MinHash), a seeded leak-free split, training statistics and costs, and
 * the byte-stable JSONL files. The host passes token counting and prices in.
 */
export { canonicalExample, exampleText, type ChatExample, type ChatTurn } from "./chat-example.ts";
export { validateExample, type ExampleProblem, type ExampleRule } from "./validate-example.ts";
export { nearDuplicateGroups, shingles, type NearDuplicateOptions } from "./near-duplicates.ts";
export { splitGroups, type SplitOptions } from "./split.ts";
export { defaultEpochs, tokensPerEpoch, trainingCost } from "./training-stats.ts";
export { buildTrainingSet, isTrainingSet, toJsonl, TrainingSet, type TrainingSetOptions, type TrainingSetDeps, type TrainingSource, type TrainingStats } from "./training-set.ts";
export { stepMetrics, overfitPoint, type StepMetrics, type OverfitPoint } from "./training-metrics.ts";
