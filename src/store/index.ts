// The store's public surface, for every platform. The LMDB store needs Node and is
// exported from `./node.ts`, so browser bundles never pull in a native module.
export { WEFT_SCHEMA, STORE_NAMES, NotJsonError } from "./kv.ts";
export type { Json, StoreName, Entry, KvStore, Migration, MigrationTx, Schema } from "./kv.ts";
export { openIdbStore, type IdbStoreOptions } from "./idb.ts";
export { openMemoryStore, memoryDisk, type MemoryDisk, type MemoryStoreOptions } from "./memory.ts";
export { snapshotStore } from "./snapshot-store.ts";
export { cellCache, type CellCache, type CellCacheOptions } from "./cell-cache.ts";
export { FilterError } from "./trace-store.ts";
export type { TraceStore, CallPatch, CallFilter, CallQuery, CallStatus, Expr, Operand, OrderKey, StatsSpec, StatsRow, Aggregate, Measure, GroupKey, WriteResult } from "./trace-store.ts";
export { validateFilter, validateQuery, validateStats, chooseBucket, DEFAULT_LIMIT, MAX_LIMIT, DEFAULT_METRICS, type NormalizedFilter, type NormalizedQuery, type NormalizedStats, type NormalizedOrder } from "./trace-filter.ts";
export type { NormalizedExpr, NormalizedOperand } from "./trace-expr.ts";
export { parseField, COLUMNS, JSON_ROOTS, type FieldRef, type Column } from "./trace-fields.ts";
export { parseTime, parseDuration } from "./trace-time.ts";
export { applyPatch, emptyRow, derive, costOfUsage, type TraceRow } from "./trace-merge.ts";
export { toFeedback, toAnnotationSchema, keepsFeedback, FeedbackError } from "./feedback.ts";
export type { Feedback, FeedbackKind, AuthorKind, AnnotationSchema, FeedbackFilter, FeedbackStore, FeedbackStats, FeedbackStatsSpec } from "./feedback.ts";
export { keepsControl, memoryControlStore } from "./control-store.ts";
export type { ControlDoc, ControlStore, DocChange } from "./control-store.ts";
