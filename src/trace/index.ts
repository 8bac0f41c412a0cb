/**
 * The engine: ops, calls, the call cache, vary and its results. Pure: the platform is passed
 * in. Evaluation (datasets, scorers, compare, leaderboard) sits above it in `src/eval`.
 */
export { syncCarrier, type ContextCarrier } from "./context.ts";
export { createOp, isOp, opVersion, recordable, ActiveCall, type Op, type OpOptions, type Estimate, type TracePlatform, type InvokeOptions } from "./op.ts";
export { CallLog, createTracing } from "./tracer.ts";
export { CallCache } from "./call-cache.ts";
export { KEY_LENGTH, keysAt, leafKeysInRowOrder } from "./known-leaf-keys.ts";
export { callKey, forgetLeafKeys, named, rowsOf, useKnownLeafKeys, type VarySpec, type Named } from "./leaves.ts";
export { isRowSource, ROW_SOURCE_BRAND, isLazyRows, LAZY_ROWS_KEY, type RowSource, type LazyRows } from "./row-source.ts";
export { Vary, type VaryEnv, type ExecuteOptions } from "./vary.ts";
export { VaryResult, isVaryResult, type Plan, type PlanGroup, type Progress, type LeafResult, type TreeNode, type VaryPhase, type ErrorGroup } from "./result.ts";
export { summarize, type Summary } from "./stats.ts";
export { defaultSummary, perRow, scoreColumns } from "./summary.ts";
export { groupBy, groupRows, rollup, type Group, type RollupOptions } from "./rollup.ts";
export { ObjectStore, type ObjectKind } from "./object-store.ts";
