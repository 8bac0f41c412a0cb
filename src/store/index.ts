// The store's public surface, for every platform. The LMDB store needs Node and is
// exported from `./node.ts`, so browser bundles never pull in a native module.
export { WEFT_SCHEMA, STORE_NAMES, NotJsonError } from "./kv.ts";
export type { Json, StoreName, Entry, KvStore, Migration, MigrationTx, Schema } from "./kv.ts";
export { openIdbStore, type IdbStoreOptions } from "./idb.ts";
export { openMemoryStore, memoryDisk, type MemoryDisk, type MemoryStoreOptions } from "./memory.ts";
export { cellCache, type CellCache } from "./cell-cache.ts";
export { FilterError } from "./trace-store.ts";
export type { TraceStore, CallPatch, CallFilter, CallQuery, CallStatus, Expr, Operand, OrderKey, StatsSpec, StatsRow, Aggregate, Measure, GroupKey, WriteResult } from "./trace-store.ts";
