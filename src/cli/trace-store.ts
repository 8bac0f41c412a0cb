import path from "node:path";
import type { TraceStore } from "../store/index.ts";

/** Where the embedded trace store lives by default: `.weft/traces.duckdb` in the project, beside the cell cache. */
export const DEFAULT_TRACE_STORE = ".weft/traces.duckdb";

/** Opens the trace store a `--store` option (or `WEFT_TRACE_STORE`) names: a DuckDB file path. */
export async function openTraceStoreOption(spec: string | undefined): Promise<TraceStore> {
  const chosen = spec ?? process.env.WEFT_TRACE_STORE ?? DEFAULT_TRACE_STORE;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(chosen)) throw new Error(`unsupported trace store ${chosen.replace(/\/\/[^@/]*@/, "//…@")}: give a DuckDB file path`);
  const [{ openDuckDbTraceStore }, { DEFAULT_PRICES }] = await Promise.all([import("../store/node.ts"), import("../llm/index.ts")]);
  return openDuckDbTraceStore(path.resolve(chosen), { prices: DEFAULT_PRICES });
}
