/** Ops, calls, digests, the call cache, vary and its results. Pure: the platform is passed in. */
export { toCanonical, fromCanonical, canonicalJson, isData, isTable, NotDataError, type Json, type TableLike } from "./canonical.ts";
export { digest, sha256Hex, type Digest } from "./digest.ts";
export { callRef, totalTokens, addUsage, type Call, type CallError, type CallRef, type ModelUsage } from "./call.ts";
export { syncCarrier, type ContextCarrier } from "./context.ts";
export { createOp, isOp, opVersion, recordable, ActiveCall, type Op, type OpOptions, type Estimate, type TracePlatform, type InvokeOptions } from "./op.ts";
export { CallLog, createTracing } from "./tracer.ts";
export { CallCache } from "./call-cache.ts";
export { callKey, type VarySpec } from "./leaves.ts";
export { Vary, type VaryEnv, type ExecuteOptions } from "./vary.ts";
export { VaryResult, isVaryResult, type Plan, type PlanGroup, type Progress, type LeafResult, type TreeNode, type VaryPhase } from "./result.ts";
export { summarize, type Summary } from "./stats.ts";
export { isRetryable, backoffMs, DEFAULT_RETRY, type RetryPolicy } from "./retry.ts";
export { pairedTest, type PairedTest } from "./paired.ts";
export { compare, compareResults, type Comparison, type CompareOptions, type CompareResultsOptions, type PairingOptions, type CompareFilter, type MetricComparison, type ExampleComparison, type ExampleSide } from "./compare.ts";
export { leaderboard, type LeaderboardOptions, type LeaderboardEntry, type MetricStanding, type Direction, type EvalRows, type RowSource } from "./leaderboard.ts";
export { wordDiff, type WordDiffPart, type WordDiffKind } from "./word-diff.ts";
export { dataset, isDataset, parseDataset, parseJsonl, requireColumns, type Dataset } from "./dataset.ts";
export { defaultSummary, perRow, scoreColumns } from "./summary.ts";
