/**
 * Evaluation, above the engine: versioned datasets, scorers, paired tests, compare and the
 * leaderboard, and the notebook builtins that wire them to vary. Pure: the platform is passed in.
 */
export { dataset, isDataset, parseDataset, parseJsonl, requireColumns, rowDigest, versionDigest, type Dataset } from "./dataset.ts";
export { pairedTest, type PairedTest } from "./paired.ts";
export { compare, compareResults, type Comparison, type CompareOptions, type CompareResultsOptions, type PairingOptions, type CompareFilter, type MetricComparison, type ExampleComparison, type ExampleSide } from "./compare.ts";
export { leaderboard, type LeaderboardOptions, type LeaderboardEntry, type MetricStanding, type Direction, type EvalRows, type TableSource } from "./leaderboard.ts";
export { wordDiff, type WordDiffPart, type WordDiffKind } from "./word-diff.ts";
export { DEFAULT_ALPHA, minEffectOf, verdictOf, welchP, type MinEffect, type Verdict } from "./effect.ts";
export { createScorers, parseJudgeAnswer, rougeLScore, hashingEmbedding, cosineSimilarity, type Scorers, type Scorer, type ScorerInput, type ScorerLlm, type ScorerChatRequest, type ScorerEmbedRequest, type JudgeOptions, type JudgeResult, type SchemaResult } from "./scorers/index.ts";
export { notebookBuiltins, type NotebookTraceOptions, type CellRunInfo, type EvaluateSpec } from "./notebook-builtins.ts";
export { Playground, isPlayground, parseDraft, draftOfCall, consistency, type PlaygroundPrompts, type PlaygroundDraft, type PlaygroundLlm, type PlaygroundAnswer, type PlaygroundEstimate, type DraftMessage, type DraftParams } from "./playground.ts";
export { createEmbed, embedCacheVersion, OFFLINE_EMBEDDER, type Embeddings, type EmbedOptions, type EmbedDeps } from "./embed.ts";
