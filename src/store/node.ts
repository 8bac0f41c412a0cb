// The store's public surface for Node hosts (the CLI and the server): everything in
// `./index.ts` plus the LMDB store, which the CLI keeps under `.weft/` in the project root,
// and the trace stores: DuckDB (embedded) and ClickHouse (scale-out).
export * from "./index.ts";
export { openLmdbStore, type LmdbStoreOptions } from "./lmdb.ts";
export { openDuckDbTraceStore, type DuckDbTraceStoreOptions } from "./duckdb-trace-store.ts";
export { TRACE_SCHEMA_VERSION } from "./duckdb-trace-schema.ts";
export { openClickHouseTraceStore, type ClickHouseTraceStore, type ClickHouseTraceStoreOptions } from "./clickhouse-trace-store.ts";
export { CLICKHOUSE_TRACE_SCHEMA_VERSION } from "./clickhouse-trace-schema.ts";
export { isClickHouseUrl, parseClickHouseUrl, redactUrl } from "./clickhouse-trace-url.ts";
