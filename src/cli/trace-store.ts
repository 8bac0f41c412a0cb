import path from "node:path";
import type { TraceStore } from "../store/index.ts";

/** Where the embedded trace store lives by default: `.weft/traces.duckdb` in the project, beside the cell cache. */
export const DEFAULT_TRACE_STORE = ".weft/traces.duckdb";

/** Opens the trace store a `--store` option (or `WEFT_TRACE_STORE`) names: a DuckDB file path, or a ClickHouse server (`clickhouse://user:password@host:8123/db`, `clickhouses://` for HTTPS). */
export async function openTraceStoreOption(spec: string | undefined): Promise<TraceStore> {
  const chosen = spec ?? process.env.WEFT_TRACE_STORE ?? DEFAULT_TRACE_STORE;
  const [store, { DEFAULT_PRICES }] = await Promise.all([import("../store/node.ts"), import("../llm/index.ts")]);
  if (store.isClickHouseUrl(chosen)) return store.openClickHouseTraceStore(chosen, { prices: DEFAULT_PRICES });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen)) throw new Error(`unsupported trace store ${store.redactUrl(chosen)}: give a DuckDB file path or clickhouse://user:password@host:8123/database`);
  return store.openDuckDbTraceStore(path.resolve(chosen), { prices: DEFAULT_PRICES });
}

/** A `--store` value as `WEFT_TRACE_STORE` holds it: a file path made absolute, a server URL as it is. */
export function traceStoreSpec(spec: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(spec) ? spec : path.resolve(spec);
}
