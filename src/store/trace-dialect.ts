// What differs between the SQL engines behind a trace store: placeholders, JSON extraction,
// quantiles, time buckets, hashing for samples. `trace-sql.ts` builds every query from these
// pieces and nothing else engine-specific, so a ClickHouse dialect is one more object here.
// A dialect never puts a value into SQL text: it receives `bind` and gets a placeholder back.

import type { PathSegment } from "./trace-fields.ts";

/** The type a bound parameter is sent as. */
export type SqlType = "text" | "double" | "bigint" | "boolean";

/** A bound parameter: a value and the type it is sent as. */
export interface SqlParam {
  readonly value: string | number | boolean;
  readonly type: SqlType;
}

/** Binds a value as a parameter and returns its placeholder. */
export type Bind = (value: string | number | boolean, type?: SqlType) => string;

/** The engine-specific pieces of SQL, as functions of already-built SQL fragments. */
export interface SqlDialect {
  readonly name: string;
  /** The placeholder of the `index`-th (1-based) parameter. */
  placeholder(index: number, type: SqlType): string;
  /** A quoted identifier (only names from the stats whitelist reach it). */
  ident(name: string): string;
  /** The text at a path in a JSON column: strings as they are, other values as JSON text; NULL when absent or JSON null. */
  jsonText(column: string, path: readonly PathSegment[], bind: Bind): string;
  /** A DOUBLE from text or a number, NULL when it is not a number. */
  toNumber(sql: string): string;
  /** The text of a value. */
  toText(sql: string): string;
  /** Lower-case text. */
  lower(sql: string): string;
  /** Whether `haystack` contains `needle` literally (no wildcards). */
  contains(haystack: string, needle: string): string;
  /** A list of continuous (linearly interpolated) quantiles of a column, in the order of `qs`. */
  quantiles(sql: string, qs: readonly number[]): string;
  /** The start (epoch ms) of the bucket of `bucketMs` that an epoch-ms time falls in, aligned to the epoch. */
  bucket(timeSql: string, bucketMs: number, bind: Bind): string;
  /** A deterministic pseudo-random key of an id and a seed: samples take the smallest. */
  sampleKey(idSql: string, seed: number, bind: Bind): string;
  /** How many rows of the group satisfy a condition. */
  countIf(condition: string): string;
}

/** The path of a JSON value as DuckDB's JSON functions read it: `$."key"[0][#-1]`. */
export function duckdbJsonPath(path: readonly PathSegment[]): string {
  let out = "$";
  for (const s of path) {
    if (typeof s === "number") out += s < 0 ? `[#${s}]` : `[${s}]`;
    else out += `."${s.replace(/["\\]/g, "")}"`;
  }
  return out;
}

/** DuckDB: `$n` placeholders, `json_extract_string` with the path bound, `quantile_cont`, integer-division buckets, `hash`. */
export const DUCKDB_DIALECT: SqlDialect = {
  name: "duckdb",
  placeholder: (index) => `$${index}`,
  ident: (name) => `"${name.replace(/"/g, '""')}"`,
  jsonText: (column, path, bind) => `json_extract_string(${column}, ${bind(duckdbJsonPath(path), "text")})`,
  toNumber: (sql) => `TRY_CAST(${sql} AS DOUBLE)`,
  toText: (sql) => `CAST(${sql} AS VARCHAR)`,
  lower: (sql) => `lower(${sql})`,
  contains: (haystack, needle) => `contains(${haystack}, ${needle})`,
  quantiles: (sql, qs) => `quantile_cont(${sql}, [${qs.map((q) => q.toFixed(4)).join(", ")}])`,
  bucket: (timeSql, bucketMs, bind) => {
    const b = bind(bucketMs, "bigint");
    return `((${timeSql} // ${b}) * ${b})`;
  },
  sampleKey: (idSql, seed, bind) => `hash(${idSql}, ${bind(seed, "bigint")})`,
  countIf: (condition) => `count(*) FILTER (WHERE ${condition})`,
};
